/* Unit tests of task documentation checks against the template's per-kind schemas: vital
 * signs with units and ranges, insertion-site findings from a list, bag changes, free text. */
#include "pathway_test.h"

static hm_pathway *P;

static int setup(void **state)
{
    oslo_setup(state);
    hm_err e;
    return hm_pathway_load_file(IV_TEMPLATE, &P, &e) == HM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    hm_pathway_free(P);
    return 0;
}

static int check(const char *kind, const char *doc_text, hm_err *e)
{
    json_t *doc = NULL;
    if (doc_text) {
        json_error_t je;
        doc = json_loads(doc_text, JSON_DECODE_ANY, &je);
        assert_non_null(doc);
    }
    hm_err_clear(e);
    int rc = hm_pathway_validate_documentation(P, kind, doc, e);
    json_decref(doc);
    return rc;
}

struct doc_case {
    const char *kind;
    const char *doc;
    const char *message; /* NULL: valid */
};

static const struct doc_case cases[] = {
    /* vital signs */
    {"vital_signs",
     "{\"temperature\": 37.2, \"pulse\": 80, \"systolic_bp\": 120, \"diastolic_bp\": 80,"
     " \"resp_rate\": 16, \"spo2\": 97, \"on_oxygen\": false, \"consciousness\": \"alert\"}",
     NULL},
    {"vital_signs", "{\"temperature\": 37, \"pulse\": 80.0, \"systolic_bp\": 120, \"diastolic_bp\": 80}",
     NULL},
    {"vital_signs",
     "{\"temperature\": 37, \"pulse\": 80, \"systolic_bp\": 120, \"diastolic_bp\": 80, \"spo2\": null}",
     NULL},
    {"vital_signs", "{\"pulse\": 80, \"systolic_bp\": 120, \"diastolic_bp\": 80}",
     "missing field 'temperature'"},
    {"vital_signs", "{\"temperature\": null, \"pulse\": 80, \"systolic_bp\": 120, \"diastolic_bp\": 80}",
     "missing field 'temperature'"},
    {"vital_signs", "{\"temperature\": 37, \"pulse\": 300, \"systolic_bp\": 120, \"diastolic_bp\": 80}",
     "field 'pulse' must be between 20 and 250 /min"},
    {"vital_signs", "{\"temperature\": 29.9, \"pulse\": 80, \"systolic_bp\": 120, \"diastolic_bp\": 80}",
     "field 'temperature' must be between 30 and 45 °C"},
    {"vital_signs", "{\"temperature\": 37, \"pulse\": 80.5, \"systolic_bp\": 120, \"diastolic_bp\": 80}",
     "field 'pulse' must be a whole number"},
    {"vital_signs", "{\"temperature\": \"37\", \"pulse\": 80, \"systolic_bp\": 120, \"diastolic_bp\": 80}",
     "field 'temperature' must be a number"},
    {"vital_signs",
     "{\"temperature\": 37, \"pulse\": 80, \"systolic_bp\": 120, \"diastolic_bp\": 80, \"mood\": \"ok\"}",
     "unknown field 'mood' for task kind 'vital_signs'"},
    {"vital_signs",
     "{\"temperature\": 37, \"pulse\": 80, \"systolic_bp\": 120, \"diastolic_bp\": 80,"
     " \"consciousness\": \"sleepy\"}",
     "field 'consciousness' must be one of: alert, confusion, voice, pain, unresponsive"},
    {"vital_signs",
     "{\"temperature\": 37, \"pulse\": 80, \"systolic_bp\": 120, \"diastolic_bp\": 80,"
     " \"on_oxygen\": \"no\"}",
     "field 'on_oxygen' must be true or false"},
    {"vital_signs", "[1, 2]", "documentation must be a JSON object"},
    {"vital_signs", NULL, "missing field 'temperature'"},
    /* insertion site */
    {"site_inspection", "{\"findings\": [\"normal\"]}", NULL},
    {"site_inspection", "{\"findings\": [\"redness\", \"pain\"], \"photo_taken\": true,"
                        " \"note\": \"slight redness, 1 cm\"}",
     NULL},
    {"site_inspection", "{\"findings\": [\"normal\", \"redness\"]}",
     "field 'findings': 'normal' cannot be combined with others"},
    {"site_inspection", "{\"findings\": [\"itchy\"]}", "field 'findings' entry 0 must be one of: normal"},
    {"site_inspection", "{\"findings\": []}", "field 'findings' must list at least one value"},
    {"site_inspection", "{\"findings\": [\"pain\", \"pain\"]}", "field 'findings' lists 'pain' twice"},
    {"site_inspection", "{\"findings\": \"redness\"}", "field 'findings' must be an array"},
    {"site_inspection", "{\"findings\": [\"pain\", 3]}", "field 'findings' entry 1 must be one of"},
    {"site_inspection", "{\"findings\": [\"normal\"], \"note\": 5}", "field 'note' must be a string"},
    {"site_inspection", "{}", "missing field 'findings'"},
    /* bag change */
    {"bag_change", "{\"bag_lot\": \"L2026-113\", \"pump_reservoir_ok\": true}", NULL},
    {"bag_change", "{\"bag_lot\": \"L2026-113\", \"pump_reservoir_ok\": true, \"pump_alarms_since_last\": 2}",
     NULL},
    {"bag_change", "{\"pump_reservoir_ok\": true}", "missing field 'bag_lot'"},
    {"bag_change", "{\"bag_lot\": \"\", \"pump_reservoir_ok\": true}", "field 'bag_lot' must not be empty"},
    {"bag_change", "{\"bag_lot\": \"L1\", \"pump_reservoir_ok\": 1}",
     "field 'pump_reservoir_ok' must be true or false"},
    {"bag_change", "{\"bag_lot\": \"L1\", \"pump_reservoir_ok\": true, \"pump_alarms_since_last\": -1}",
     "field 'pump_alarms_since_last' must be between 0 and 100"},
    /* kinds whose fields are all optional */
    {"set_change", NULL, NULL},
    {"set_change", "{}", NULL},
    {"line_care", "{\"dressing_changed\": true, \"external_length_cm\": 2.5}", NULL},
    {"line_care", "{\"dressing_changed\": true, \"external_length_cm\": 70}",
     "field 'external_length_cm' must be between 0 and 60 cm"},
};

static void documentation_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hm_err e;
        int rc = check(cases[i].kind, cases[i].doc, &e);
        int want = cases[i].message ? HM_EINVAL : HM_OK;
        if (rc != want || (cases[i].message && !strstr(e.msg, cases[i].message))) {
            fprintf(stderr, "case %zu (%s): rc %d '%s', wanted %d '%s'\n", i, cases[i].kind, rc,
                    e.msg, want, cases[i].message ? cases[i].message : "");
            fail();
        }
    }
}

static void long_text_and_unknown_kind(void **state)
{
    (void)state;
    hm_err e;
    char *big = malloc(2100);
    memset(big, 'a', 2099);
    big[2099] = '\0';
    json_t *doc = json_pack("{s:[s], s:s}", "findings", "normal", "note", big);
    assert_int_equal(hm_pathway_validate_documentation(P, "site_inspection", doc, &e), HM_EINVAL);
    assert_msg_contains(e, "field 'note' is longer than 2000 bytes");
    json_decref(doc);
    free(big);
    doc = json_pack("{s:[s], s:s#}", "findings", "normal", "note", "a\0b", (size_t)3);
    assert_int_equal(hm_pathway_validate_documentation(P, "site_inspection", doc, &e), HM_EINVAL);
    assert_msg_contains(e, "NUL");
    json_decref(doc);
    assert_int_equal(hm_pathway_validate_documentation(P, "surgery", NULL, &e), HM_ENOTFOUND);
    assert_msg_contains(e, "unknown task kind 'surgery'");
    assert_int_equal(hm_pathway_validate_documentation(P, NULL, NULL, &e), HM_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(documentation_cases),
        cmocka_unit_test(long_text_and_unknown_kind),
    };
    return cmocka_run_group_tests_name("pathway/doc", tests, setup, teardown);
}
