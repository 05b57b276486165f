/* http/fhir: the FHIR facade's pure parts: token matching (system|code, alternatives),
 * reference parameters, ids, OperationOutcome issue codes, why a /fhir/ path did not route,
 * and the route table's FHIR ids. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http/fhir.h"
#include "http/routes.h"

static void test_token_match(void **state)
{
    (void)state;
    const char *loinc = "http://loinc.org";
    assert_true(hm_fhir_token_match("8867-4", loinc, "8867-4"));
    assert_true(hm_fhir_token_match("http://loinc.org|8867-4", loinc, "8867-4"));
    assert_true(hm_fhir_token_match("http://loinc.org|", loinc, "8867-4"));
    assert_false(hm_fhir_token_match("|8867-4", loinc, "8867-4")); /* "|code": no system */
    assert_true(hm_fhir_token_match("|7", "", "7"));
    assert_false(hm_fhir_token_match("http://snomed.info/sct|8867-4", loinc, "8867-4"));
    assert_false(hm_fhir_token_match("8867", loinc, "8867-4"));
    assert_true(hm_fhir_token_match("8310-5,8867-4", loinc, "8867-4"));
    assert_false(hm_fhir_token_match("8310-5,", loinc, "8867-4"));
    assert_false(hm_fhir_token_match(",,,", loinc, "8867-4"));
    assert_false(hm_fhir_token_match("", loinc, "8867-4"));
}

static void test_reference_parameter(void **state)
{
    (void)state;
    int64_t id = 0;
    hm_err err = {0};
    assert_int_equal(hm_fhir_ref_param("patient", "Patient/12", "Patient", &id, &err), HM_OK);
    assert_int_equal(id, 12);
    assert_int_equal(hm_fhir_ref_param("patient", "7", "Patient", &id, &err), HM_OK);
    assert_int_equal(id, 7);
    assert_int_equal(hm_fhir_ref_param("patient", "http://h/fhir/Patient/9", "Patient", &id, &err),
                     HM_OK);
    assert_int_equal(id, 9);
    static const char *const bad[] = {"Device/3", "Patient/", "Patient/x", "Patient/0",
                                      "xPatient/3", "/", "", "Patient/3/x",
                                      "Patient/1234567890123456789", "-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(hm_fhir_ref_param("patient", bad[i], "Patient", &id, &err), HM_EINVAL);
        assert_non_null(strstr(err.msg, "patient"));
    }
}

static void test_numeric_id(void **state)
{
    (void)state;
    int64_t id = 0;
    hm_err err = {0};
    assert_int_equal(hm_fhir_numeric_id("Patient", "42", &id, &err), HM_OK);
    assert_int_equal(id, 42);
    assert_int_equal(hm_fhir_numeric_id("Patient", "4-2", &id, &err), HM_ENOTFOUND);
    assert_string_equal(err.msg, "Patient/4-2 does not exist");
    assert_int_equal(hm_fhir_numeric_id("Patient", "0", &id, &err), HM_ENOTFOUND);
}

static const char *issue_code(json_t *o)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(o, "issue"), 0),
                                             "code"));
}

static void test_outcome(void **state)
{
    (void)state;
    static const struct {
        int code;
        const char *issue;
    } cases[] = {{HM_EINVAL, "invalid"},         {HM_EUNSUPPORTED, "not-supported"},
                 {HM_EUNAUTH, "login"},          {HM_EFORBIDDEN, "forbidden"},
                 {HM_ENOTFOUND, "not-found"},    {HM_EIO, "exception"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *o = hm_fhir_outcome(cases[i].code, "what failed");
        assert_string_equal(json_string_value(json_object_get(o, "resourceType")),
                            "OperationOutcome");
        assert_string_equal(issue_code(o), cases[i].issue);
        json_decref(o);
    }
    json_t *o = hm_fhir_outcome(HM_EINVAL, ""); /* diagnostics are never empty */
    const char *d = json_string_value(
        json_object_get(json_array_get(json_object_get(o, "issue"), 0), "diagnostics"));
    assert_true(d && d[0]);
    json_decref(o);
}

static void test_unrouted(void **state)
{
    (void)state;
    char msg[200];
    assert_int_equal(hm_fhir_unrouted("GET", "/fhir/Basic", 0, msg, sizeof msg), HM_ENOTFOUND);
    assert_non_null(strstr(msg, "unknown resource type 'Basic'"));
    assert_int_equal(hm_fhir_unrouted("POST", "/fhir/Patient", 1, msg, sizeof msg),
                     HM_EUNSUPPORTED);
    assert_non_null(strstr(msg, "read-only"));
    assert_int_equal(hm_fhir_unrouted("POST", "/fhir/Patient/_search", 0, msg, sizeof msg),
                     HM_EUNSUPPORTED);
    assert_int_equal(hm_fhir_unrouted("GET", "/fhir/Patient/a%20b", 0, msg, sizeof msg),
                     HM_ENOTFOUND);
    assert_int_equal(hm_fhir_unrouted("GET", "/fhir/", 0, msg, sizeof msg), HM_ENOTFOUND);
    assert_int_equal(hm_fhir_unrouted("GET", "/fhir", 0, msg, sizeof msg), HM_ENOTFOUND);
}

static void test_routes_take_fhir_ids(void **state)
{
    (void)state;
    const struct hm_route *route = NULL;
    int64_t params[HM_ROUTE_MAX_PARAMS];
    char fid[HM_FHIR_ID_MAX + 1] = "";
    int mismatch = 0;
    assert_int_equal(hm_route_find("GET", "/fhir/Observation/12-heart-rate", &route, params, fid,
                                   &mismatch),
                     HM_OK);
    assert_string_equal(route->pattern, "/fhir/Observation/{id}");
    assert_string_equal(fid, "12-heart-rate");
    char long_id[80];
    memset(long_id, 'a', sizeof long_id);
    memcpy(long_id, "/fhir/Patient/", 14);
    long_id[14 + 65] = '\0'; /* 65 characters: one too many */
    assert_int_equal(hm_route_find("GET", long_id, &route, params, fid, &mismatch), HM_ENOTFOUND);
    assert_int_equal(hm_route_find("GET", "/fhir/Patient/a_b", &route, params, fid, &mismatch),
                     HM_ENOTFOUND);
    assert_int_equal(hm_route_find("PUT", "/fhir/Patient/3", &route, params, fid, &mismatch),
                     HM_ENOTFOUND);
    assert_int_equal(mismatch, 1);
    /* /api/v1 ids stay numbers only. */
    assert_int_equal(hm_route_find("GET", "/api/v1/patients/3a", &route, params, fid, &mismatch),
                     HM_ENOTFOUND);
    assert_int_equal(hm_route_find("GET", "/api/v1/patients/3", &route, params, fid, &mismatch),
                     HM_OK);
    assert_int_equal(params[0], 3);
}

/* The ids of the Observations one stored row becomes. */
static char *mapped_ids(const char *row_json)
{
    json_t *row = json_loads(row_json, 0, NULL);
    assert_non_null(row);
    json_t *out = json_array();
    hm_fhir_observations_map(row, 5, out);
    static char ids[512];
    ids[0] = '\0';
    size_t i;
    json_t *o;
    json_array_foreach(out, i, o)
    {
        assert_string_equal(json_string_value(json_object_get(o, "resourceType")), "Observation");
        assert_string_equal(json_string_value(json_object_get(o, "status")), "final");
        strncat(ids, json_string_value(json_object_get(o, "id")), sizeof ids - strlen(ids) - 2);
        strncat(ids, " ", sizeof ids - strlen(ids) - 1);
    }
    json_decref(out);
    json_decref(row);
    return ids;
}

static void test_observation_mapping(void **state)
{
    (void)state;
    assert_string_equal(
        mapped_ids("{\"id\": 9, \"kind\": \"vital_signs\", \"values\": {\"pulse\": 80,"
                   " \"spo2\": 97, \"temperature\": 37.5, \"resp_rate\": 14,"
                   " \"systolic_bp\": 120, \"diastolic_bp\": 70, \"weight\": 70.5}}"),
        "9-heart-rate 9-spo2 9-body-temp 9-resp-rate 9-body-weight 9-bp ");
    /* Only the diastolic: the panel still has both components (one absent). */
    assert_string_equal(mapped_ids("{\"id\": 3, \"values\": {\"diastolic_bp\": 70}}"), "3-bp ");
    /* Other values become one survey Observation; the note alone is no Observation of its own
     * when there are vital signs. */
    assert_string_equal(mapped_ids("{\"id\": 4, \"kind\": \"vital_signs\", \"values\":"
                                   " {\"pulse\": 80, \"note\": \"ok\"}}"),
                        "4-heart-rate ");
    assert_string_equal(mapped_ids("{\"id\": 4, \"kind\": \"x\", \"values\": {}}"), "4 ");
    /* Odd values never crash: wrong types, nulls, nesting, huge numbers, no values at all. */
    assert_string_equal(
        mapped_ids("{\"id\": 6, \"kind\": \"site_inspection\", \"values\": {\"pulse\": \"80\","
                   " \"spo2\": null, \"findings\": [\"redness\", 3], \"deep\": {\"a\": [1]},"
                   " \"big\": 123456789012345, \"empty\": \"\", \"list\": [], \"ok\": true}}"),
        "6 ");
    assert_string_equal(mapped_ids("{\"id\": 7}"), "7 ");
    assert_string_equal(mapped_ids("{}"), "0 ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_match),   cmocka_unit_test(test_reference_parameter),
        cmocka_unit_test(test_numeric_id),    cmocka_unit_test(test_outcome),
        cmocka_unit_test(test_unrouted),      cmocka_unit_test(test_routes_take_fhir_ids),
        cmocka_unit_test(test_observation_mapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
