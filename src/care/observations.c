/* observations.c: measurements reported by patients and nurses (vital signs, weight,
 * questionnaire answers), validated against the patient's pathway template, stored durably
 * before the answer, and listed for the patient's timeline together with those the patient's
 * devices sent (alert/device_obs.c: source "device", with the device's serial). */
#include "care/care_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "pathway/pathway.h"

struct obs_job {
    const hm_call *c;
    int64_t patient_id;
    const char *kind;
    const json_t *values;
    int64_t observed_ms;
    int64_t id;
};

static int obs_job(hm_db *db, void *arg, hm_err *err)
{
    struct obs_job *o = arg;
    const hm_call *c = o->c;
    int emergency = 0;
    int rc = hm__care_patient_check(db, c, HM_ACT_OBSERVATION_CREATE, o->patient_id, &emergency,
                                    err);
    if (rc)
        return rc;
    /* The open episode gives the pathway whose template validates the values. */
    hm_cursor cur;
    rc = hm_db_query(db,
                     "SELECT id, pathway FROM episode WHERE patient_id = ? AND state NOT IN"
                     " ('completed','discontinued') ORDER BY referred_ms DESC LIMIT 1",
                     HM_ARGS(HM_I(o->patient_id)), &cur, err);
    if (rc)
        return rc;
    int64_t episode = 0;
    char pathway[64] = "";
    if (hm_cursor_next(&cur, err) == HM_ROW) {
        episode = hm_cursor_int(&cur, 0);
        snprintf(pathway, sizeof pathway, "%s", hm__text(&cur, 1));
    }
    hm_cursor_close(&cur);
    if (!episode)
        return hm_err_set(err, HM_ECONFLICT, "the patient has no open episode to report to");
    const struct hm_pathway *p = hm_care_pathway(c->care, pathway);
    if (p) {
        rc = hm_pathway_validate_documentation(p, o->kind, o->values, err);
        if (rc)
            return rc;
    }
    char *body = json_dumps(o->values, JSON_COMPACT | JSON_SORT_KEYS);
    const char *source = strcmp(c->actor->role, "patient") == 0 ? "patient" : "nurse";
    rc = hm_db_query_int(db,
                         "INSERT INTO observation (patient_id, episode_id, kind, body, source,"
                         " observed_ms, recorded_ms, recorded_by) VALUES (?,?,?,?,?,?,?,?)"
                         " RETURNING id",
                         HM_ARGS(HM_I(o->patient_id), HM_I(episode), HM_S(o->kind), HM_S(body),
                                 HM_S(source), HM_I(o->observed_ms), HM_I(c->now_ms),
                                 HM_I(c->actor->account_id)),
                         &o->id, err);
    free(body);
    if (rc)
        return rc;
    char object[64];
    snprintf(object, sizeof object, "observation/%lld", (long long)o->id);
    return hm__care_audit(db, c, "create", object, &o->patient_id, 1, emergency, NULL, err);
}

int hm_care_observation_create(const hm_call *c, int64_t patient_id, const json_t *in,
                               json_t **out, hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_OBSERVATION_CREATE, err);
    if (rc)
        return rc;
    static const char *const allowed[] = {"kind", "values", "observed_at", NULL};
    struct obs_job o = {.c = c, .patient_id = patient_id, .observed_ms = c->now_ms};
    const char *at = NULL;
    rc = hm_json_only(in, allowed, err);
    if (!rc)
        rc = hm_json_str(in, "kind", 1, 32, &o.kind, err);
    if (!rc)
        rc = hm_json_str(in, "observed_at", 0, 40, &at, err);
    if (rc)
        return rc;
    o.values = json_object_get(in, "values");
    if (!o.values)
        return hm_err_set(err, HM_EINVAL, "missing field 'values'");
    if (!json_is_object(o.values))
        return hm_err_set(err, HM_EINVAL, "field 'values' must be an object");
    if (at) {
        rc = hm_time_parse(at, &o.observed_ms, err);
        if (rc)
            return hm_err_set(err, rc, "field 'observed_at': %s", err ? err->msg : "");
        if (o.observed_ms > c->now_ms + 5 * 60 * 1000)
            return hm_err_set(err, HM_EINVAL, "field 'observed_at' is in the future");
    }
    rc = hm__care_write(c, obs_job, &o, err);
    if (rc)
        return rc;
    char t[32];
    hm_time_format_utc(o.observed_ms, t);
    *out = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)o.id, "patient_id",
                     (json_int_t)patient_id, "kind", o.kind, "observed_at", t);
    return HM_OK;
}

static json_t *observation_row(hm_cursor *cur)
{
    json_t *v = json_loads(hm__text(cur, 2), 0, NULL);
    const char *device = hm_cursor_text(cur, 7);
    return json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:o}", "id",
                     (json_int_t)hm_cursor_int(cur, 0), "kind", hm__text(cur, 1), "values",
                     v ? v : json_object(), "source", hm__text(cur, 3), "observed_at",
                     hm__jtime(cur, 4), "recorded_at", hm__jtime(cur, 5), "task_id",
                     hm__jint(cur, 6), "device", device ? json_string(device) : json_null());
}

#define LIST_SQL                                                                                   \
    "SELECT id, kind, body, source, observed_ms, recorded_ms, task_id,"                           \
    " device_serial FROM observation WHERE patient_id = ? ORDER BY observed_ms DESC, id DESC"     \
    " LIMIT 500"

int hm_care_observations_list(const hm_call *c, int64_t patient_id, json_t **out, hm_err *err)
{
    return hm__care_patient_list(c, patient_id, HM_ACT_PATIENT_READ, 1, LIST_SQL,
                                 observation_row, "observations", out, err);
}

int hm_care_patient_measurements(const hm_call *c, int64_t patient_id, json_t **out,
                                 hm_err *err)
{
    hm_db *db;
    int rc = hm__care_read_begin(c, HM_ACT_PATIENT_READ, &db, err);
    if (rc)
        return rc;
    int emergency = 0;
    json_t *obs = json_array(), *answers = json_array();
    rc = hm_policy_patient_access(db, c->actor, patient_id, c->now_ms, &emergency, err);
    if (!rc)
        rc = hm__care_rows(db, LIST_SQL, HM_ARGS(HM_I(patient_id)), observation_row, obs, err);
    /* Through the patient's episodes: answers are indexed by episode. */
    if (!rc)
        rc = hm__care_rows(db,
                           HM__ANSWER_SELECT " WHERE a.episode_id IN (SELECT id FROM episode"
                                             " WHERE patient_id = ?)"
                                             " ORDER BY a.answered_ms DESC, a.id DESC LIMIT 500",
                           HM_ARGS(HM_I(patient_id)), hm__care_answer_row, answers, err);
    hm_store_read_end(c->care->store, db);
    json_t *both = json_pack("{s:o, s:o}", "observations", obs, "answers", answers);
    char object[64];
    snprintf(object, sizeof object, "patient/%lld/observations", (long long)patient_id);
    return hm__care_read_done(c, rc, object, &patient_id, 1, emergency, both, out, err);
}

int hm_care_observation_get(const hm_call *c, int64_t observation_id, json_t **out, hm_err *err)
{
    static const struct hm__care_by_id one = {
        "observation", "SELECT patient_id FROM observation WHERE id = ?",
        "SELECT id, kind, body, source, observed_ms, recorded_ms, task_id, device_serial"
        " FROM observation WHERE id = ?",
        observation_row, 1};
    return hm__care_read_by_id(c, &one, observation_id, out, err);
}
