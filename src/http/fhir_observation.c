/* fhir_observation.c: heime's observations as FHIR R4 Observations, read and searched by
 * patient. One stored observation (a set of values of one kind) becomes several FHIR ones:
 * each vital sign heime stores becomes an Observation of the vital-signs profile (LOINC code,
 * UCUM unit, id "<row>-<part>"), systolic and diastolic together as the blood-pressure panel;
 * the other values (ACVPU, on oxygen, a site inspection's findings ...) become one Observation
 * "<row>" of category survey coded in heime's own code system, one component per value. The
 * reads are the /api/v1 ones (hm_care_observations_list, hm_care_observation_get): same
 * access, same audit row. docs/api.md lists the mapping. */
#include "http/fhir.h"
#include "http/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CATEGORY_SYSTEM "http://terminology.hl7.org/CodeSystem/observation-category"
#define KIND_SYSTEM HM_FHIR_BASE "/CodeSystem/observation-kind"
#define FIELD_SYSTEM HM_FHIR_BASE "/CodeSystem/observation-field"

/* heime's value keys that are vital signs (the templates in pathways/, task kind vital_signs). */
static const struct vital {
    const char *key, *part, *loinc, *display, *ucum, *unit;
    const char *loinc2, *display2; /* a second code the profile asks for, or NULL */
} vitals[] = {
    {"pulse", "heart-rate", "8867-4", "Heart rate", "/min", "beats/minute", NULL, NULL},
    {"spo2", "spo2", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%", "%",
     "2708-6", "Oxygen saturation in Arterial blood"},
    {"temperature", "body-temp", "8310-5", "Body temperature", "Cel", "°C", NULL, NULL},
    {"resp_rate", "resp-rate", "9279-1", "Respiratory rate", "/min", "breaths/minute", NULL,
     NULL},
    {"weight", "body-weight", "29463-7", "Body weight", "kg", "kg", NULL, NULL},
};
#define BP_PART "bp"
static const char *const bp_keys[2] = {"systolic_bp", "diastolic_bp"};
static const char *const bp_codes[2][2] = {{"8480-6", "Systolic blood pressure"},
                                           {"8462-4", "Diastolic blood pressure"}};

static int is_vital_key(const char *key)
{
    for (size_t i = 0; i < sizeof vitals / sizeof vitals[0]; i++)
        if (strcmp(vitals[i].key, key) == 0)
            return 1;
    return strcmp(key, bp_keys[0]) == 0 || strcmp(key, bp_keys[1]) == 0;
}

/* A vital sign that maps to LOINC: a known key with a number (anything else stays a survey
 * component, so that no stored value is dropped). */
static int is_vital_value(const char *key, const json_t *v)
{
    return is_vital_key(key) && json_is_number(v);
}

static json_t *category(const char *code, const char *display)
{
    return json_pack("[{s:[{s:s, s:s, s:s}], s:s}]", "coding", "system", CATEGORY_SYSTEM, "code",
                     code, "display", display, "text", display);
}

/* A Quantity of heime's number as it was stored (a whole number stays whole). */
static json_t *quantity(const json_t *v, const char *unit, const char *ucum)
{
    return json_pack("{s:O, s:s, s:s, s:s}", "value", v, "unit", unit, "system", HM_FHIR_UCUM,
                     "code", ucum);
}

/* The parts every Observation of one stored row shares. */
struct row_ctx {
    const json_t *row;
    int64_t id, patient;
    const char *note;
};

static json_t *base_obs(const struct row_ctx *x, const char *part, json_t *cat, json_t *code)
{
    char id[48];
    if (part)
        snprintf(id, sizeof id, "%lld-%s", (long long)x->id, part);
    else
        snprintf(id, sizeof id, "%lld", (long long)x->id);
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "resourceType", "Observation", "id",
                          id, "status", "final", "category", cat, "code", code, "subject",
                          hm_fhir_ref("Patient", x->patient, NULL));
    json_t *at = json_object_get(x->row, "observed_at");
    if (json_is_string(at))
        json_object_set(o, "effectiveDateTime", at);
    json_t *rec = json_object_get(x->row, "recorded_at");
    if (json_is_string(rec))
        json_object_set(o, "issued", rec);
    const char *source = json_string_value(json_object_get(x->row, "source"));
    if (source && strcmp(source, "patient") == 0)
        json_object_set_new(o, "performer",
                            json_pack("[o]", hm_fhir_ref("Patient", x->patient, NULL)));
    const char *device = json_string_value(json_object_get(x->row, "device"));
    if (device && device[0])
        json_object_set_new(o, "device",
                            json_pack("{s:{s:s, s:s}, s:s}", "identifier", "system",
                                      HM_FHIR_PUMP_SERIAL, "value", device, "display", device));
    if (x->note)
        json_object_set_new(o, "note", json_pack("[{s:s}]", "text", x->note));
    return o;
}

static json_t *vital_obs(const struct row_ctx *x, const struct vital *v, const json_t *value)
{
    json_t *code = json_pack("{s:[{s:s, s:s, s:s}], s:s}", "coding", "system", HM_FHIR_LOINC,
                             "code", v->loinc, "display", v->display, "text", v->display);
    if (v->loinc2)
        json_array_append_new(json_object_get(code, "coding"),
                              json_pack("{s:s, s:s, s:s}", "system", HM_FHIR_LOINC, "code",
                                        v->loinc2, "display", v->display2));
    json_t *o = base_obs(x, v->part, category("vital-signs", "Vital Signs"), code);
    json_object_set_new(o, "valueQuantity", quantity(value, v->unit, v->ucum));
    return o;
}

/* The blood-pressure panel: one component each for systolic and diastolic; one not measured
 * is there with a dataAbsentReason, as the profile requires both. */
static json_t *bp_obs(const struct row_ctx *x, const json_t *values)
{
    json_t *comps = json_array();
    for (int i = 0; i < 2; i++) {
        json_t *c = json_pack("{s:{s:[{s:s, s:s, s:s}], s:s}}", "code", "coding", "system",
                              HM_FHIR_LOINC, "code", bp_codes[i][0], "display", bp_codes[i][1],
                              "text", bp_codes[i][1]);
        json_t *v = json_object_get(values, bp_keys[i]);
        if (json_is_number(v))
            json_object_set_new(c, "valueQuantity",
                                quantity(v, "mmHg", "mm[Hg]"));
        else
            json_object_set_new(
                c, "dataAbsentReason",
                json_pack("{s:[{s:s, s:s}]}", "coding", "system",
                          "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code",
                          "not-performed"));
        json_array_append_new(comps, c);
    }
    json_t *code = json_pack("{s:[{s:s, s:s, s:s}], s:s}", "coding", "system", HM_FHIR_LOINC,
                             "code", "85354-9", "display",
                             "Blood pressure panel with all children optional", "text",
                             "Blood pressure");
    json_t *o = base_obs(x, BP_PART, category("vital-signs", "Vital Signs"), code);
    json_object_set_new(o, "component", comps);
    return o;
}

static int all_strings(const json_t *arr)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
        if (!json_is_string(x) || json_string_length(x) == 0)
            return 0;
    return 1;
}

/* A list of choices (enum_list) as "a, b, c". */
static json_t *joined(const json_t *arr)
{
    size_t len = 0, i;
    json_t *x;
    json_array_foreach(arr, i, x)
        len += json_string_length(x) + 2;
    char *buf = malloc(len + 1);
    if (!buf)
        return json_string("?");
    size_t at = 0;
    json_array_foreach(arr, i, x)
    {
        size_t n = json_string_length(x);
        if (i) {
            memcpy(buf + at, ", ", 2);
            at += 2;
        }
        memcpy(buf + at, json_string_value(x), n);
        at += n;
    }
    json_t *s = json_stringn(buf, at);
    free(buf);
    return s ? s : json_string("?");
}

void hm_fhir_set_value(json_t *c, const json_t *v)
{
    if (json_is_boolean(v)) {
        json_object_set_new(c, "valueBoolean", json_boolean(json_is_true(v)));
    } else if (json_is_integer(v) && json_integer_value(v) >= INT32_MIN &&
               json_integer_value(v) <= INT32_MAX) {
        json_object_set_new(c, "valueInteger", json_integer(json_integer_value(v)));
    } else if (json_is_number(v)) {
        json_object_set_new(c, "valueQuantity", json_pack("{s:O}", "value", v));
    } else if (json_is_string(v) && json_string_length(v) > 0) {
        json_object_set(c, "valueString", (json_t *)v);
    } else if (json_is_array(v) && json_array_size(v) > 0 && all_strings(v)) {
        json_object_set_new(c, "valueString", joined(v));
    } else {
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        json_object_set_new(c, "valueString", json_string(text ? text : "?"));
        free(text);
    }
}

/* The values that are not vital signs, as one survey Observation coded by the row's kind. */
static json_t *survey_obs(const struct row_ctx *x, const char *kind, const json_t *values)
{
    json_t *comps = json_array();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)values, key, v)
    {
        if (is_vital_value(key, v) || strcmp(key, "note") == 0 || json_is_null(v))
            continue;
        json_t *c = json_pack("{s:{s:[{s:s, s:s}], s:s}}", "code", "coding", "system",
                              FIELD_SYSTEM, "code", key, "text", key);
        hm_fhir_set_value(c, v);
        json_array_append_new(comps, c);
    }
    json_t *code = json_pack("{s:[{s:s, s:s}], s:s}", "coding", "system", KIND_SYSTEM, "code",
                             kind, "text", kind);
    json_t *o = base_obs(x, NULL, category("survey", "Survey"), code);
    if (json_array_size(comps))
        json_object_set_new(o, "component", comps);
    else
        json_decref(comps);
    return o;
}

void hm_fhir_observations_map(const json_t *row, int64_t patient, json_t *out)
{
    const json_t *values = json_object_get(row, "values");
    const char *kind = json_string_value(json_object_get(row, "kind"));
    struct row_ctx x = {row, json_integer_value(json_object_get(row, "id")), patient,
                        json_string_value(json_object_get(values, "note"))};
    if (x.note && !x.note[0])
        x.note = NULL;
    size_t before = json_array_size(out);
    for (size_t i = 0; i < sizeof vitals / sizeof vitals[0]; i++) {
        json_t *v = json_object_get(values, vitals[i].key);
        if (json_is_number(v))
            json_array_append_new(out, vital_obs(&x, &vitals[i], v));
    }
    if (json_is_number(json_object_get(values, bp_keys[0])) ||
        json_is_number(json_object_get(values, bp_keys[1])))
        json_array_append_new(out, bp_obs(&x, values));
    int rest = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)values, key, v)
        rest |= !is_vital_value(key, v) && strcmp(key, "note") != 0 && !json_is_null(v);
    if (rest || json_array_size(out) == before)
        json_array_append_new(out, survey_obs(&x, kind ? kind : "unknown", values));
}

/* After the row's digits: nothing, or "-" and one of the vital-sign parts. Checked before the
 * read, so that an id that cannot exist is not read (nor audited). */
static int known_suffix(const char *s)
{
    if (!*s)
        return 1;
    if (*s++ != '-')
        return 0;
    for (size_t i = 0; i < sizeof vitals / sizeof vitals[0]; i++)
        if (strcmp(s, vitals[i].part) == 0)
            return 1;
    return strcmp(s, BP_PART) == 0;
}

int hm_h_fhir_observation_read(hm_req *r)
{
    /* "answer-<id>": a questionnaire answer (fhir_answer.c). */
    if (strncmp(r->fhir_id, "answer-", 7) == 0) {
        int64_t answer_id;
        if (hm_fhir_numeric_id("Observation", r->fhir_id + 7, &answer_id, &r->err))
            return hm_err_set(&r->err, HM_ENOTFOUND, "Observation/%s does not exist",
                              r->fhir_id);
        return hm_fhir_answer_read(r, answer_id);
    }
    /* "<row>" or "<row>-<part>": the row decides access and audit, the part picks the one. */
    char digits[24];
    size_t n = strspn(r->fhir_id, "0123456789");
    int64_t row_id;
    if (n == 0 || n >= sizeof digits || !known_suffix(r->fhir_id + n))
        return hm_err_set(&r->err, HM_ENOTFOUND, "Observation/%s does not exist", r->fhir_id);
    memcpy(digits, r->fhir_id, n);
    digits[n] = '\0';
    int rc = hm_fhir_numeric_id("Observation", digits, &row_id, &r->err);
    if (rc)
        return hm_err_set(&r->err, HM_ENOTFOUND, "Observation/%s does not exist", r->fhir_id);
    hm_call c = HM_REQ_CALL(r);
    json_t *row = NULL;
    rc = hm_care_observation_get(&c, row_id, &row, &r->err);
    if (rc == HM_ENOTFOUND)
        return hm_err_set(&r->err, HM_ENOTFOUND, "Observation/%s does not exist", r->fhir_id);
    if (rc)
        return rc;
    json_t *all = json_array();
    hm_fhir_observations_map(row, json_integer_value(json_object_get(row, "patient_id")), all);
    json_decref(row);
    json_t *found = NULL;
    size_t i;
    json_t *o;
    json_array_foreach(all, i, o)
        if (strcmp(json_string_value(json_object_get(o, "id")), r->fhir_id) == 0)
            found = json_incref(o);
    json_decref(all);
    if (!found)
        return hm_err_set(&r->err, HM_ENOTFOUND, "Observation/%s does not exist", r->fhir_id);
    return hm_req_reply(r, 200, found);
}

/* ---- search ---- */

/* Does a token parameter match any coding of a CodeableConcept (array of one)? */
static int concept_match(const char *param, const json_t *concept)
{
    const json_t *codings = json_object_get(concept, "coding");
    size_t i;
    json_t *cd;
    json_array_foreach(codings, i, cd)
        if (hm_fhir_token_match(param, json_string_value(json_object_get(cd, "system")),
                                json_string_value(json_object_get(cd, "code"))))
            return 1;
    return 0;
}

/* effectiveDateTime, or "" (ISO 8601 in one format: text order is time order). */
static const char *when(const json_t *o)
{
    const char *t = json_string_value(json_object_get(o, "effectiveDateTime"));
    return t ? t : "";
}

/* The i-th of n rows, walking them backwards for oldest first (care/ answers newest first). */
static const json_t *nth(const json_t *rows, size_t i, int newest)
{
    size_t n = json_array_size(rows);
    return json_array_get(rows, newest ? i : n - 1 - i);
}

/* The Observations of the measurements and of the answers, merged in time order (newest first
 * or oldest first); the Observations of one stored row stay in their order. */
static json_t *in_time_order(const json_t *read, int64_t patient, int newest)
{
    const json_t *rows = json_object_get(read, "observations");
    const json_t *answers = json_object_get(read, "answers");
    json_t *obs = json_array(), *ans = json_array(), *all = json_array();
    for (size_t i = 0; i < json_array_size(rows); i++)
        hm_fhir_observations_map(nth(rows, i, newest), patient, obs);
    for (size_t i = 0; i < json_array_size(answers); i++)
        json_array_append_new(ans, hm_fhir_answer_observation(nth(answers, i, newest), patient));
    size_t a = 0, b = 0, na = json_array_size(obs), nb = json_array_size(ans);
    while (a < na || b < nb) {
        int take_obs = b >= nb;
        if (a < na && b < nb) {
            int cmp = strcmp(when(json_array_get(obs, a)), when(json_array_get(ans, b)));
            take_obs = newest ? cmp >= 0 : cmp <= 0;
        }
        json_array_append(all, take_obs ? json_array_get(obs, a++) : json_array_get(ans, b++));
    }
    json_decref(obs);
    json_decref(ans);
    return all;
}

static int sort_newest_first(const char *sort, int *newest, hm_err *err)
{
    if (!sort || strcmp(sort, "-date") == 0)
        *newest = 1;
    else if (strcmp(sort, "date") == 0)
        *newest = 0;
    else
        return hm_err_set(err, HM_EUNSUPPORTED,
                          "_sort '%.60s' is not supported: only date or -date", sort);
    return HM_OK;
}

int hm_h_fhir_observation_search(hm_req *r)
{
    static const char *const params[] = {"patient", "subject", "category", "code", "_sort", NULL};
    struct hm_fhir_query q;
    int rc = hm_fhir_query_parse(r, "Observation", params, &q);
    if (rc)
        return rc;
    const char *pat = hm_fhir_query_get(&q, "patient"), *pname = "patient";
    if (!pat) {
        pat = hm_fhir_query_get(&q, "subject");
        pname = "subject";
    } else if (hm_fhir_query_get(&q, "subject")) {
        return hm_err_set(&r->err, HM_EINVAL, "give either 'patient' or 'subject', not both");
    }
    if (!pat)
        return hm_err_set(&r->err, HM_EINVAL,
                          "Observation search needs the 'patient' parameter (Patient/<id>)");
    int64_t patient;
    int newest = 1;
    rc = hm_fhir_ref_param(pname, pat, "Patient", &patient, &r->err);
    if (!rc)
        rc = sort_newest_first(hm_fhir_query_get(&q, "_sort"), &newest, &r->err);
    if (rc)
        return rc;
    hm_call c = HM_REQ_CALL(r);
    json_t *read = NULL;
    rc = hm_care_patient_measurements(&c, patient, &read, &r->err);
    if (rc)
        return rc;
    json_t *all = in_time_order(read, patient, newest);
    json_decref(read);
    const char *cat = hm_fhir_query_get(&q, "category"), *code = hm_fhir_query_get(&q, "code");
    json_t *matches = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(all, i, o)
    {
        if (cat && !concept_match(cat, json_array_get(json_object_get(o, "category"), 0)))
            continue;
        if (code && !concept_match(code, json_object_get(o, "code")))
            continue;
        json_array_append(matches, o);
    }
    json_decref(all);
    size_t total;
    json_t *page = hm_fhir_page(matches, &q, &total);
    return hm_fhir_reply_bundle(r, &q, page, total);
}
