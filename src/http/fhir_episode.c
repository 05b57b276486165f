/* fhir_episode.c: heime's episode as a FHIR R4 EpisodeOfCare (read, and search by patient):
 * state as status, the pathway as type, the responsible hospital section as
 * managingOrganization, referral to end as period, the approving physician as careManager.
 * Same access and audit as GET /api/v1/episodes/{id} and /patients/{id}/episodes. */
#include "http/fhir.h"
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

#define PATHWAY_SYSTEM HM_FHIR_BASE "/CodeSystem/pathway"
#define STATE_SYSTEM HM_FHIR_BASE "/CodeSystem/episode-state"

/* heime's episode states as EpisodeOfCare.status. A discontinued episode that never reached
 * home was cancelled; one that did is finished (ended early, but care was given). */
static const char *status_of(const char *state, int was_active)
{
    static const struct {
        const char *state, *status;
    } map[] = {
        {"referred", "planned"}, {"approved", "planned"},   {"trained", "planned"},
        {"active", "active"},    {"readmitted", "onhold"},  {"completed", "finished"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].state, state) == 0)
            return map[i].status;
    if (strcmp(state, "discontinued") == 0)
        return was_active ? "finished" : "cancelled";
    return "entered-in-error";
}

static json_t *episode_resource(const json_t *e)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(e, "id")));
    const char *state = hm_fhir_str(e, "state");
    int was_active = json_is_string(json_object_get(e, "activated_at"));
    json_t *period = json_pack("{s:s}", "start", hm_fhir_str(e, "referred_at"));
    if (json_is_string(json_object_get(e, "ended_at")))
        json_object_set(period, "end", json_object_get(e, "ended_at"));
    json_t *r = json_pack(
        "{s:s, s:s, s:s, s:[{s:[{s:s, s:s}, {s:s, s:s}], s:s}], s:o, s:o, s:o}", "resourceType",
        "EpisodeOfCare", "id", id, "status", status_of(state, was_active), "type", "coding",
        "system", PATHWAY_SYSTEM, "code", hm_fhir_str(e, "pathway"), "system", STATE_SYSTEM, "code",
        state, "text", hm_fhir_str(e, "pathway"), "patient",
        hm_fhir_ref("Patient", json_integer_value(json_object_get(e, "patient_id")), NULL),
        "managingOrganization",
        hm_fhir_ref("Organization", json_integer_value(json_object_get(e, "hospital_org_id")),
                    hm_fhir_str(e, "hospital_org")),
        "period", period);
    const char *phys = json_string_value(json_object_get(e, "physician"));
    if (phys && phys[0])
        json_object_set_new(r, "careManager", json_pack("{s:s}", "display", phys));
    json_object_set_new(r, "team",
                        json_pack("[{s:s}]", "display", hm_fhir_str(e, "home_care_org")));
    return r;
}

int hm_h_fhir_episode_read(hm_req *r)
{
    int64_t id;
    int rc = hm_fhir_numeric_id("EpisodeOfCare", r->fhir_id, &id, &r->err);
    if (rc)
        return rc;
    hm_call c = HM_REQ_CALL(r);
    json_t *row = NULL;
    rc = hm_care_episode_record(&c, id, &row, &r->err);
    if (rc == HM_ENOTFOUND)
        return hm_err_set(&r->err, HM_ENOTFOUND, "EpisodeOfCare/%s does not exist", r->fhir_id);
    if (rc)
        return rc;
    json_t *e = episode_resource(row);
    json_decref(row);
    return hm_req_reply(r, 200, e);
}

int hm_h_fhir_episode_search(hm_req *r)
{
    static const char *const params[] = {"patient", "status", NULL};
    struct hm_fhir_query q;
    int rc = hm_fhir_query_parse(r, "EpisodeOfCare", params, &q);
    if (rc)
        return rc;
    const char *pat = hm_fhir_query_get(&q, "patient");
    if (!pat)
        return hm_err_set(&r->err, HM_EINVAL,
                          "EpisodeOfCare search needs the 'patient' parameter (Patient/<id>)");
    int64_t patient;
    rc = hm_fhir_ref_param("patient", pat, "Patient", &patient, &r->err);
    if (rc)
        return rc;
    hm_call c = HM_REQ_CALL(r);
    json_t *rows = NULL;
    rc = hm_care_patient_episode_records(&c, patient, &rows, &r->err);
    if (rc)
        return rc;
    const char *status = hm_fhir_query_get(&q, "status");
    json_t *matches = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *e = episode_resource(row);
        if (status && !hm_fhir_token_match(status, "http://hl7.org/fhir/episode-of-care-status",
                                           hm_fhir_str(e, "status")))
            json_decref(e);
        else
            json_array_append_new(matches, e);
    }
    json_decref(rows);
    size_t total;
    json_t *page = hm_fhir_page(matches, &q, &total);
    return hm_fhir_reply_bundle(r, &q, page, total);
}
