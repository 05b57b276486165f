/* episode_records.c: episodes as flat records with their organisations and physician, for the
 * FHIR facade's EpisodeOfCare. Same access and audit as the episode reads of /api/v1: the care
 * relation to the episode's patient, one audit row per read. One query per read (the
 * organisations are joined, never fetched per episode). */
#include "care/care_int.h"

#include <stdio.h>

#define RECORD_SELECT                                                                              \
    "SELECT e.id, e.patient_id, e.pathway, e.state, e.referred_ms, e.activated_ms, e.ended_ms,"  \
    " e.hospital_org_id, h.name, e.home_care_org_id, hc.name, s.name"                             \
    " FROM episode e JOIN org h ON h.id = e.hospital_org_id"                                      \
    " JOIN org hc ON hc.id = e.home_care_org_id LEFT JOIN staff s ON s.id = e.physician_id"

static json_t *record_row(hm_cursor *cur)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:s, s:I, s:s, s:o}", "id",
                     (json_int_t)hm_cursor_int(cur, 0), "patient_id",
                     (json_int_t)hm_cursor_int(cur, 1), "pathway", hm__text(cur, 2), "state",
                     hm__text(cur, 3), "referred_at", hm__jtime(cur, 4), "activated_at",
                     hm__jtime(cur, 5), "ended_at", hm__jtime(cur, 6), "hospital_org_id",
                     (json_int_t)hm_cursor_int(cur, 7), "hospital_org", hm__text(cur, 8),
                     "home_care_org_id", (json_int_t)hm_cursor_int(cur, 9), "home_care_org",
                     hm__text(cur, 10), "physician", hm__jstr(cur, 11));
}

int hm_care_episode_record(const hm_call *c, int64_t episode_id, json_t **out, hm_err *err)
{
    static const struct hm__care_by_id one = {
        "episode", "SELECT patient_id FROM episode WHERE id = ?", RECORD_SELECT " WHERE e.id = ?",
        record_row, 0};
    return hm__care_read_by_id(c, &one, episode_id, out, err);
}

int hm_care_patient_episode_records(const hm_call *c, int64_t patient_id, json_t **out,
                                    hm_err *err)
{
    return hm__care_patient_list(c, patient_id, HM_ACT_PATIENT_READ, 1,
                                 RECORD_SELECT " WHERE e.patient_id = ?"
                                               " ORDER BY e.referred_ms DESC, e.id DESC",
                                 record_row, "episodes", out, err);
}
