/* fhir_answer.c: the patient's questionnaire answers as FHIR Observations of category survey,
 * id "answer-<id>", coded by the question's id in heime's question code system, the answer as
 * value[x], who answered as performer, an answer that met an alarm rule interpreted abnormal
 * with the rule's text. They are found by the Observation search beside the measurements
 * (hm_care_patient_measurements reads both in one transaction) and read one at a time through
 * hm_care_answer_get (care relation, audit row "answer/<id>"). */
#include "http/fhir.h"
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

#define QUESTION_SYSTEM HM_FHIR_BASE "/CodeSystem/question"
#define INTERPRETATION_SYSTEM "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"

static json_t *performer(const json_t *row, int64_t patient)
{
    const json_t *by = json_object_get(row, "answered_by");
    const char *role = json_string_value(json_object_get(by, "role"));
    const char *name = json_string_value(json_object_get(by, "name"));
    if (role && strcmp(role, "patient") == 0)
        return hm_fhir_ref("Patient", patient, name);
    return json_pack("{s:s}", "display", name && name[0] ? name : "staff");
}

json_t *hm_fhir_answer_observation(const json_t *row, int64_t patient)
{
    char id[48];
    snprintf(id, sizeof id, "answer-%lld", (long long)json_integer_value(json_object_get(row, "id")));
    const char *q = json_string_value(json_object_get(row, "question_id"));
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:[{s:[{s:s, s:s, s:s}], s:s}], s:{s:[{s:s, s:s}], s:s}, s:o}",
        "resourceType", "Observation", "id", id, "status", "final", "category", "coding", "system",
        "http://terminology.hl7.org/CodeSystem/observation-category", "code", "survey", "display",
        "Survey", "text", "Survey", "code", "coding", "system", QUESTION_SYSTEM, "code",
        q && q[0] ? q : "unknown", "text", q && q[0] ? q : "unknown", "subject",
        hm_fhir_ref("Patient", patient, NULL));
    json_t *at = json_object_get(row, "answered_at");
    if (json_is_string(at)) {
        json_object_set(o, "effectiveDateTime", at);
        json_object_set(o, "issued", at);
    }
    json_object_set_new(o, "performer", json_pack("[o]", performer(row, patient)));
    const json_t *v = json_object_get(row, "value");
    if (!v || json_is_null(v))
        json_object_set_new(o, "dataAbsentReason",
                            json_pack("{s:[{s:s, s:s}]}", "coding", "system",
                                      "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                                      "code", "asked-unknown"));
    else
        hm_fhir_set_value(o, v);
    const json_t *alarm = json_object_get(row, "alarm");
    const char *text = json_string_value(json_object_get(alarm, "text"));
    if (json_is_object(alarm))
        json_object_set_new(o, "interpretation",
                            json_pack("[{s:[{s:s, s:s, s:s}], s:s}]", "coding", "system",
                                      INTERPRETATION_SYSTEM, "code", "A", "display", "Abnormal",
                                      "text", text && text[0] ? text : "alarm"));
    return o;
}

int hm_fhir_answer_read(hm_req *r, int64_t answer_id)
{
    hm_call c = HM_REQ_CALL(r);
    json_t *row = NULL;
    int rc = hm_care_answer_get(&c, answer_id, &row, &r->err);
    if (rc == HM_ENOTFOUND)
        return hm_err_set(&r->err, HM_ENOTFOUND, "Observation/%s does not exist", r->fhir_id);
    if (rc)
        return rc;
    json_t *o =
        hm_fhir_answer_observation(row, json_integer_value(json_object_get(row, "patient_id")));
    json_decref(row);
    return hm_req_reply(r, 200, o);
}
