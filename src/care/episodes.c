/* episodes.c: the episode state machine of the home-IV-antibiotics service (and every other
 * pathway): referred > approved (physician; every eligibility item met) > trained > active
 * <> readmitted > completed | discontinued. Each transition is one write job that checks the
 * state, changes it, appends to the episode's timeline and writes its audit row. */
#include "care/care_int.h"
#include "care/tasks_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "pathway/pathway.h"

/* What a transition job needs; the per-transition function fills the rest. */
struct transition {
    const hm_call *c;
    int64_t episode_id;
    int64_t patient_id;
    const json_t *in;
    const char *end_state; /* for hm_care_episode_end */
    char state[16];        /* the state before the job */
    char pathway[64];
    int64_t result_id;
};

typedef int (*transition_fn)(hm_db *db, struct transition *t, hm_err *err);

static int load_episode(hm_db *db, struct transition *t, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db, "SELECT patient_id, state, pathway FROM episode WHERE id = ?",
                         HM_ARGS(HM_I(t->episode_id)), &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_ROW) {
        t->patient_id = hm_cursor_int(&cur, 0);
        snprintf(t->state, sizeof t->state, "%s", hm__text(&cur, 1));
        snprintf(t->pathway, sizeof t->pathway, "%s", hm__text(&cur, 2));
        rc = HM_OK;
    } else if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_ENOTFOUND, "episode %lld does not exist",
                        (long long)t->episode_id);
    }
    hm_cursor_close(&cur);
    return rc;
}

static int set_state(hm_db *db, struct transition *t, const char *state, const char *event,
                     const char *note, hm_err *err)
{
    int rc = hm_db_exec(db, "UPDATE episode SET state = ? WHERE id = ?",
                        HM_ARGS(HM_S(state), HM_I(t->episode_id)), err);
    if (rc)
        return rc;
    return hm_db_exec(db,
                      "INSERT INTO episode_event (episode_id, kind, at_ms, staff_id, note)"
                      " VALUES (?, ?, ?, ?, ?)",
                      HM_ARGS(HM_I(t->episode_id), HM_S(event), HM_I(t->c->now_ms),
                              HM_I(t->c->actor->staff_id), HM_S(note)),
                      err);
}

static int wrong_state(struct transition *t, const char *action, hm_err *err)
{
    return hm_err_set(err, HM_ECONFLICT, "cannot %s episode %lld: it is %s", action,
                      (long long)t->episode_id, t->state);
}

static int in_states(const char *state, const char *list)
{
    char needle[24];
    snprintf(needle, sizeof needle, ",%s,", state);
    return strstr(list, needle) != NULL;
}

/* ---- eligibility ---- */

static int eligibility_fn(hm_db *db, struct transition *t, hm_err *err)
{
    if (!in_states(t->state, ",referred,"))
        return wrong_state(t, "answer the eligibility checklist of", err);
    const struct hm_pathway *p = hm_care_pathway(t->c->care, t->pathway);
    const json_t *answers = json_object_get(t->in, "answers");
    if (!json_is_object(answers))
        return hm_err_set(err, HM_EINVAL,
                          "field 'answers' must be an object of item id -> true/false");
    hm_cursor cur;
    int rc = hm_db_query(db, "SELECT eligibility FROM episode WHERE id = ?",
                         HM_ARGS(HM_I(t->episode_id)), &cur, err);
    if (rc)
        return rc;
    json_t *current = NULL;
    if (hm_cursor_next(&cur, err) == HM_ROW)
        current = json_loads(hm__text(&cur, 0), 0, NULL);
    hm_cursor_close(&cur);
    if (!current)
        current = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)answers, key, v)
    {
        int known = 0;
        for (size_t i = 0; i < hm_pathway_eligibility_count(p) && !known; i++)
            known = strcmp(hm_pathway_eligibility_at(p, i)->id, key) == 0;
        if (!known) {
            json_decref(current);
            return hm_err_set(err, HM_EINVAL, "unknown eligibility item '%s'", key);
        }
        if (!json_is_boolean(v)) {
            json_decref(current);
            return hm_err_set(err, HM_EINVAL, "eligibility item '%s' must be true or false", key);
        }
        json_object_set_new(current, key,
                            json_pack("{s:b, s:I, s:I}", "met", json_is_true(v), "by",
                                      (json_int_t)t->c->actor->staff_id, "at_ms",
                                      (json_int_t)t->c->now_ms));
    }
    char *text = json_dumps(current, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(current);
    rc = hm_db_exec(db, "UPDATE episode SET eligibility = ? WHERE id = ?",
                    HM_ARGS(HM_S(text), HM_I(t->episode_id)), err);
    free(text);
    return rc;
}

/* Items that are unanswered or not met, as "a, b". Empty string when all are met. */
static int unmet_items(hm_db *db, const struct hm_pathway *p, int64_t episode_id, char *out,
                       size_t outlen, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db, "SELECT eligibility FROM episode WHERE id = ?",
                         HM_ARGS(HM_I(episode_id)), &cur, err);
    if (rc)
        return rc;
    json_t *ans = NULL;
    if (hm_cursor_next(&cur, err) == HM_ROW)
        ans = json_loads(hm__text(&cur, 0), 0, NULL);
    hm_cursor_close(&cur);
    out[0] = '\0';
    size_t off = 0;
    for (size_t i = 0; i < hm_pathway_eligibility_count(p); i++) {
        const char *id = hm_pathway_eligibility_at(p, i)->id;
        json_t *a = json_object_get(ans, id);
        if (a && json_is_true(json_object_get(a, "met")))
            continue;
        int w = snprintf(out + off, outlen - off, "%s%s%s", off ? ", " : "", id,
                         a ? "" : " (unanswered)");
        if (w > 0 && (size_t)w < outlen - off)
            off += (size_t)w;
    }
    json_decref(ans);
    return HM_OK;
}

static int approve_fn(hm_db *db, struct transition *t, hm_err *err)
{
    if (!in_states(t->state, ",referred,"))
        return wrong_state(t, "approve", err);
    char unmet[1024];
    int rc = unmet_items(db, hm_care_pathway(t->c->care, t->pathway), t->episode_id, unmet,
                         sizeof unmet, err);
    if (rc)
        return rc;
    if (unmet[0])
        return hm_err_set(err, HM_ECONFLICT,
                          "cannot approve episode %lld: eligibility items not met: %s",
                          (long long)t->episode_id, unmet);
    rc = hm_db_exec(db, "UPDATE episode SET physician_id = ?, approved_ms = ? WHERE id = ?",
                    HM_ARGS(HM_I(t->c->actor->staff_id), HM_I(t->c->now_ms),
                            HM_I(t->episode_id)),
                    err);
    return rc ? rc : set_state(db, t, "approved", "approved", NULL, err);
}

/* ---- regimen ---- */

static int regimen_fn(hm_db *db, struct transition *t, hm_err *err)
{
    if (!in_states(t->state, ",referred,approved,trained,active,readmitted,"))
        return wrong_state(t, "change the regimen of", err);
    const struct hm_pathway *p = hm_care_pathway(t->c->care, t->pathway);
    hm_regimen reg;
    int rc = hm_regimen_from_json(t->in, &reg, err);
    if (rc)
        return rc;
    const hm_drug *drug = hm_drug_catalogue_find(t->c->care->drugs, reg.drug_code);
    if (!drug)
        return hm_err_set(err, HM_ENOTFOUND, "unknown drug '%s' (not in the drug catalogue)",
                          reg.drug_code);
    reg.max_bag_hours = drug->max_bag_hours;
    rc = hm_pathway_validate_regimen(p, &reg, err);
    if (rc)
        return rc;
    int64_t version = 0;
    rc = hm_db_query_int(db, "SELECT coalesce(max(version), 0) + 1 FROM regimen WHERE episode_id = ?",
                         HM_ARGS(HM_I(t->episode_id)), &version, err);
    if (rc)
        return rc;
    json_t *canon = hm_regimen_to_json(&reg);
    char *body = json_dumps(canon, JSON_COMPACT);
    json_decref(canon);
    rc = hm_db_exec(db,
                    "INSERT INTO regimen (episode_id, version, drug_code, body, created_ms,"
                    " created_by) VALUES (?, ?, ?, ?, ?, ?)",
                    HM_ARGS(HM_I(t->episode_id), HM_I(version), HM_S(reg.drug_code), HM_S(body),
                            HM_I(t->c->now_ms), HM_I(t->c->actor->staff_id)),
                    err);
    free(body);
    if (rc)
        return rc;
    t->result_id = version;
    rc = hm_db_exec(db,
                    "INSERT INTO episode_event (episode_id, kind, at_ms, staff_id, note)"
                    " VALUES (?, 'regimen', ?, ?, ?)",
                    HM_ARGS(HM_I(t->episode_id), HM_I(t->c->now_ms), HM_I(t->c->actor->staff_id),
                            HM_S(drug->name)),
                    err);
    if (rc)
        return rc;
    /* Future tasks follow the new regimen; done ones are never touched. */
    if (in_states(t->state, ",active,"))
        return hm__tasks_regenerate(db, t->c, t->episode_id, err);
    return HM_OK;
}

/* ---- NEWS2 SpO2 scale ---- */

/* The physician's prescription of the SpO2 scale NEWS2 uses for this episode: 1 (the default)
 * or 2 (target 88-92 %, hypercapnic respiratory failure). The alert rules score every later
 * vital-signs set with it, and the browser shows the same score while values are typed. */
static int spo2_scale_fn(hm_db *db, struct transition *t, hm_err *err)
{
    if (!in_states(t->state, ",referred,approved,trained,active,readmitted,"))
        return wrong_state(t, "change the NEWS2 scale of", err);
    static const char *const allowed[] = {"spo2_scale", "note", NULL};
    int64_t scale = 0;
    const char *note = NULL;
    int rc = hm_json_only(t->in, allowed, err);
    if (!rc)
        rc = hm_json_int(t->in, "spo2_scale", 1, 1, 2, &scale, err);
    if (!rc)
        rc = hm_json_str(t->in, "note", 0, 1000, &note, err);
    if (!rc)
        rc = hm_db_exec(db, "UPDATE episode SET spo2_scale = ? WHERE id = ?",
                        HM_ARGS(HM_I(scale), HM_I(t->episode_id)), err);
    if (rc)
        return rc;
    char text[1100];
    snprintf(text, sizeof text, "SpO2 scale %lld%s%s", (long long)scale, note ? ": " : "",
             note ? note : "");
    return hm_db_exec(db,
                      "INSERT INTO episode_event (episode_id, kind, at_ms, staff_id, note)"
                      " VALUES (?, 'spo2_scale', ?, ?, ?)",
                      HM_ARGS(HM_I(t->episode_id), HM_I(t->c->now_ms),
                              HM_I(t->c->actor->staff_id), HM_S(text)),
                      err);
}

/* ---- devices: the infusion pump, and devices that monitor the patient ---- */

/* An episode has at most one infusion pump, and any number of monitoring devices (a pulse
 * oximeter, a blood-pressure monitor, a thermometer: every kind that is not a pump), each device
 * serving one episode at a time. The pump is assigned by /pump, the others by /devices. */
static int device_to_assign(hm_db *db, const char *serial, int pump, int64_t *id, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db, "SELECT id, status, kind FROM device WHERE serial = ?",
                         HM_ARGS(HM_S(serial)), &cur, err);
    if (rc)
        return rc;
    char status[16] = "", kind[32] = "";
    *id = 0;
    if (hm_cursor_next(&cur, err) == HM_ROW) {
        *id = hm_cursor_int(&cur, 0);
        snprintf(status, sizeof status, "%s", hm__text(&cur, 1));
        snprintf(kind, sizeof kind, "%s", hm__text(&cur, 2));
    }
    hm_cursor_close(&cur);
    const char *what = pump ? "pump" : "device";
    if (!*id)
        return hm_err_set(err, HM_ENOTFOUND, "unknown %s '%s'", what, serial);
    int is_pump = strcmp(kind, "infusion_pump") == 0;
    if (pump && !is_pump)
        return hm_err_set(err, HM_EINVAL, "device '%s' is not an infusion pump", serial);
    if (!pump && is_pump)
        return hm_err_set(err, HM_EINVAL,
                          "device '%s' is an infusion pump: it is assigned as the episode's pump",
                          serial);
    if (strcmp(status, "available") != 0)
        return hm_err_set(err, HM_ECONFLICT, "%s '%s' is not available: it is %s", what, serial,
                          status);
    return HM_OK;
}

static int has_pump(hm_db *db, int64_t episode_id, int64_t *n, hm_err *err)
{
    return hm_db_query_int(db,
                           "SELECT count(*) FROM device_assignment a JOIN device d ON"
                           " d.id = a.device_id WHERE a.episode_id = ? AND a.released_ms IS NULL"
                           " AND d.kind = 'infusion_pump'",
                           HM_ARGS(HM_I(episode_id)), n, err);
}

static int assign_device(hm_db *db, struct transition *t, int pump, hm_err *err)
{
    if (in_states(t->state, ",completed,discontinued,"))
        return wrong_state(t, pump ? "assign a pump to" : "assign a device to", err);
    const char *serial;
    int rc = hm_json_only(t->in, (const char *const[]){"serial", NULL}, err);
    if (!rc)
        rc = hm_json_str(t->in, "serial", 1, 64, &serial, err);
    int64_t device_id = 0, pumps = 0;
    if (!rc)
        rc = device_to_assign(db, serial, pump, &device_id, err);
    if (!rc && pump)
        rc = has_pump(db, t->episode_id, &pumps, err);
    if (rc)
        return rc;
    if (pumps)
        return hm_err_set(err, HM_ECONFLICT, "episode %lld already has a pump",
                          (long long)t->episode_id);
    rc = hm_db_exec(db,
                    "INSERT INTO device_assignment (device_id, episode_id, assigned_ms, assigned_by)"
                    " VALUES (?, ?, ?, ?)",
                    HM_ARGS(HM_I(device_id), HM_I(t->episode_id), HM_I(t->c->now_ms),
                            HM_I(t->c->actor->staff_id)),
                    err);
    if (rc == HM_ECONFLICT)
        return hm_err_set(err, HM_ECONFLICT, "%s '%s' is already assigned",
                          pump ? "pump" : "device", serial);
    if (rc)
        return rc;
    rc = hm_db_exec(db, "UPDATE device SET status = 'assigned' WHERE id = ?",
                    HM_ARGS(HM_I(device_id)), err);
    if (rc)
        return rc;
    return hm_db_exec(db,
                      "INSERT INTO episode_event (episode_id, kind, at_ms, staff_id, note)"
                      " VALUES (?, ?, ?, ?, ?)",
                      HM_ARGS(HM_I(t->episode_id), HM_S(pump ? "pump_assigned" : "device_assigned"),
                              HM_I(t->c->now_ms), HM_I(t->c->actor->staff_id), HM_S(serial)),
                      err);
}

static int pump_fn(hm_db *db, struct transition *t, hm_err *err)
{
    return assign_device(db, t, 1, err);
}

static int device_fn(hm_db *db, struct transition *t, hm_err *err)
{
    return assign_device(db, t, 0, err);
}

/* One device back from the patient (a monitor no longer needed, a pump swapped for service):
 * available again at its depot. The episode's end releases them all (release_pump). */
static int device_release_fn(hm_db *db, struct transition *t, hm_err *err)
{
    const char *serial;
    int rc = hm_json_only(t->in, (const char *const[]){"serial", NULL}, err);
    if (!rc)
        rc = hm_json_str(t->in, "serial", 1, 64, &serial, err);
    int64_t device_id = 0;
    if (!rc)
        rc = hm_db_query_int(db,
                             "SELECT a.device_id FROM device_assignment a JOIN device d ON"
                             " d.id = a.device_id WHERE a.episode_id = ? AND d.serial = ? AND"
                             " a.released_ms IS NULL",
                             HM_ARGS(HM_I(t->episode_id), HM_S(serial)), &device_id, err);
    if (rc == HM_ENOTFOUND)
        return hm_err_set(err, HM_ENOTFOUND, "device '%s' is not assigned to episode %lld",
                          serial, (long long)t->episode_id);
    if (!rc)
        rc = hm_db_exec(db,
                        "UPDATE device_assignment SET released_ms = ? WHERE device_id = ? AND"
                        " released_ms IS NULL",
                        HM_ARGS(HM_I(t->c->now_ms), HM_I(device_id)), err);
    if (!rc)
        rc = hm_db_exec(db, "UPDATE device SET status = 'available' WHERE id = ?",
                        HM_ARGS(HM_I(device_id)), err);
    if (rc)
        return rc;
    return hm_db_exec(db,
                      "INSERT INTO episode_event (episode_id, kind, at_ms, staff_id, note)"
                      " VALUES (?, 'device_released', ?, ?, ?)",
                      HM_ARGS(HM_I(t->episode_id), HM_I(t->c->now_ms),
                              HM_I(t->c->actor->staff_id), HM_S(serial)),
                      err);
}

static int release_pump(hm_db *db, struct transition *t, hm_err *err)
{
    int rc = hm_db_exec(db,
                        "UPDATE device SET status = 'available' WHERE id IN (SELECT device_id FROM"
                        " device_assignment WHERE episode_id = ? AND released_ms IS NULL)",
                        HM_ARGS(HM_I(t->episode_id)), err);
    if (rc)
        return rc;
    return hm_db_exec(db,
                      "UPDATE device_assignment SET released_ms = ? WHERE episode_id = ? AND"
                      " released_ms IS NULL",
                      HM_ARGS(HM_I(t->c->now_ms), HM_I(t->episode_id)), err);
}

/* ---- training, activation, readmission, end ---- */

static const char *note_of(const json_t *in)
{
    json_t *n = json_object_get(in, "note");
    return json_is_string(n) ? json_string_value(n) : NULL;
}

static int training_fn(hm_db *db, struct transition *t, hm_err *err)
{
    if (!in_states(t->state, ",approved,"))
        return wrong_state(t, "record training for", err);
    int rc = hm_db_exec(db, "UPDATE episode SET trained_ms = ?, trained_by = ? WHERE id = ?",
                        HM_ARGS(HM_I(t->c->now_ms), HM_I(t->c->actor->staff_id),
                                HM_I(t->episode_id)),
                        err);
    return rc ? rc : set_state(db, t, "trained", "trained", note_of(t->in), err);
}

static int activate_fn(hm_db *db, struct transition *t, hm_err *err)
{
    if (in_states(t->state, ",referred,approved,"))
        return hm_err_set(err, HM_ECONFLICT,
                          "cannot activate episode %lld: the patient's training on the pump and"
                          " its alarms is not recorded",
                          (long long)t->episode_id);
    if (!in_states(t->state, ",trained,"))
        return wrong_state(t, "activate", err);
    int64_t n = 0;
    int rc = hm_db_query_int(db, "SELECT count(*) FROM regimen WHERE episode_id = ?",
                             HM_ARGS(HM_I(t->episode_id)), &n, err);
    if (rc)
        return rc;
    if (!n)
        return hm_err_set(err, HM_ECONFLICT, "cannot activate episode %lld: no regimen is set",
                          (long long)t->episode_id);
    rc = has_pump(db, t->episode_id, &n, err);
    if (rc)
        return rc;
    if (!n)
        return hm_err_set(err, HM_ECONFLICT,
                          "cannot activate episode %lld: no infusion pump is assigned",
                          (long long)t->episode_id);
    rc = hm_db_exec(db, "UPDATE episode SET activated_ms = ? WHERE id = ?",
                    HM_ARGS(HM_I(t->c->now_ms), HM_I(t->episode_id)), err);
    if (!rc)
        rc = set_state(db, t, "active", "active", NULL, err);
    return rc ? rc : hm__tasks_regenerate(db, t->c, t->episode_id, err);
}

static int readmit_fn(hm_db *db, struct transition *t, hm_err *err)
{
    if (!in_states(t->state, ",active,"))
        return wrong_state(t, "readmit the patient of", err);
    int rc = set_state(db, t, "readmitted", "readmitted", note_of(t->in), err);
    if (rc)
        return rc;
    /* Tasks pause; the pump stays assigned. */
    return hm_db_exec(db,
                      "UPDATE task SET state = 'paused' WHERE episode_id = ? AND state = 'planned'"
                      " AND window_end_ms > ?",
                      HM_ARGS(HM_I(t->episode_id), HM_I(t->c->now_ms)), err);
}

static int return_fn(hm_db *db, struct transition *t, hm_err *err)
{
    if (!in_states(t->state, ",readmitted,"))
        return wrong_state(t, "return home the patient of", err);
    int rc = set_state(db, t, "active", "returned_home", note_of(t->in), err);
    if (rc)
        return rc;
    rc = hm_db_exec(db,
                    "UPDATE task SET state = 'planned' WHERE episode_id = ? AND state = 'paused'",
                    HM_ARGS(HM_I(t->episode_id)), err);
    return rc ? rc : hm__tasks_regenerate(db, t->c, t->episode_id, err);
}

static int end_fn(hm_db *db, struct transition *t, hm_err *err)
{
    int completing = strcmp(t->end_state, "completed") == 0;
    if (completing ? !in_states(t->state, ",active,readmitted,")
                   : in_states(t->state, ",completed,discontinued,"))
        return wrong_state(t, completing ? "complete" : "discontinue", err);
    const char *outcome, *note = NULL;
    int rc = hm_json_str(t->in, "outcome", 1, 64, &outcome, err);
    if (!rc)
        rc = hm_json_str(t->in, "note", 0, 2000, &note, err);
    if (rc)
        return rc;
    static const char *const outcomes[] = {"cured", "improved", "unchanged", "worse",
                                           "readmitted", "transferred", "died", "other", NULL};
    int ok = 0;
    for (const char *const *o = outcomes; *o && !ok; o++)
        ok = strcmp(*o, outcome) == 0;
    if (!ok)
        return hm_err_set(err, HM_EINVAL,
                          "field 'outcome' must be one of cured, improved, unchanged, worse,"
                          " readmitted, transferred, died, other");
    rc = hm_db_exec(db, "UPDATE episode SET ended_ms = ?, outcome = ?, outcome_note = ? WHERE id = ?",
                    HM_ARGS(HM_I(t->c->now_ms), HM_S(outcome), HM_S(note), HM_I(t->episode_id)),
                    err);
    if (!rc)
        rc = set_state(db, t, t->end_state, t->end_state, note, err);
    if (!rc)
        rc = hm_db_exec(db,
                        "UPDATE task SET state = 'cancelled' WHERE episode_id = ? AND state IN"
                        " ('planned','paused') AND window_start_ms > ?",
                        HM_ARGS(HM_I(t->episode_id), HM_I(t->c->now_ms)), err);
    return rc ? rc : release_pump(db, t, err);
}

/* ---- running a transition ---- */

struct job {
    struct transition *t;
    transition_fn fn;
    enum hm_action act;
    const char *what;
};

static int transition_job(hm_db *db, void *arg, hm_err *err)
{
    struct job *j = arg;
    struct transition *t = j->t;
    int rc = load_episode(db, t, err);
    if (rc)
        return rc;
    rc = hm__care_patient_check(db, t->c, j->act, t->patient_id, NULL, err);
    if (rc)
        return rc;
    rc = j->fn(db, t, err);
    if (rc)
        return rc;
    char object[64];
    snprintf(object, sizeof object, "episode/%lld/%s", (long long)t->episode_id, j->what);
    return hm__care_audit(db, t->c, "update", object, &t->patient_id, 1, 0, NULL, err);
}

static int run(const hm_call *c, int64_t episode_id, const json_t *in, transition_fn fn,
               enum hm_action act, const char *what, const char *end_state, json_t **out,
               hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, act, err);
    if (rc)
        return rc;
    struct transition t = {.c = c, .episode_id = episode_id, .in = in, .end_state = end_state};
    struct job j = {&t, fn, act, what};
    rc = hm__care_write(c, transition_job, &j, err);
    if (rc)
        return rc;
    return hm_care_episode_get(c, episode_id, out, err);
}

int hm_care_eligibility_answer(const hm_call *c, int64_t id, const json_t *in, json_t **out,
                               hm_err *err)
{
    return run(c, id, in, eligibility_fn, HM_ACT_ELIGIBILITY_ANSWER, "eligibility", NULL, out, err);
}

int hm_care_episode_approve(const hm_call *c, int64_t id, json_t **out, hm_err *err)
{
    return run(c, id, NULL, approve_fn, HM_ACT_EPISODE_APPROVE, "approve", NULL, out, err);
}

int hm_care_regimen_set(const hm_call *c, int64_t id, const json_t *in, json_t **out, hm_err *err)
{
    return run(c, id, in, regimen_fn, HM_ACT_REGIMEN_SET, "regimen", NULL, out, err);
}

int hm_care_news2_scale_set(const hm_call *c, int64_t id, const json_t *in, json_t **out,
                            hm_err *err)
{
    return run(c, id, in, spo2_scale_fn, HM_ACT_NEWS2_SCALE_SET, "news2-scale", NULL, out, err);
}

int hm_care_pump_assign(const hm_call *c, int64_t id, const json_t *in, json_t **out, hm_err *err)
{
    return run(c, id, in, pump_fn, HM_ACT_DEVICE_ASSIGN, "pump", NULL, out, err);
}

int hm_care_device_assign(const hm_call *c, int64_t id, const json_t *in, json_t **out,
                          hm_err *err)
{
    return run(c, id, in, device_fn, HM_ACT_DEVICE_ASSIGN, "devices", NULL, out, err);
}

int hm_care_device_release(const hm_call *c, int64_t id, const json_t *in, json_t **out,
                           hm_err *err)
{
    return run(c, id, in, device_release_fn, HM_ACT_DEVICE_ASSIGN, "devices/release", NULL, out,
               err);
}

int hm_care_training_record(const hm_call *c, int64_t id, const json_t *in, json_t **out,
                            hm_err *err)
{
    return run(c, id, in, training_fn, HM_ACT_TRAINING_RECORD, "training", NULL, out, err);
}

int hm_care_episode_activate(const hm_call *c, int64_t id, json_t **out, hm_err *err)
{
    return run(c, id, NULL, activate_fn, HM_ACT_EPISODE_ACTIVATE, "activate", NULL, out, err);
}

int hm_care_episode_readmit(const hm_call *c, int64_t id, const json_t *in, json_t **out,
                            hm_err *err)
{
    return run(c, id, in, readmit_fn, HM_ACT_EPISODE_READMIT, "readmit", NULL, out, err);
}

int hm_care_episode_return(const hm_call *c, int64_t id, const json_t *in, json_t **out,
                           hm_err *err)
{
    return run(c, id, in, return_fn, HM_ACT_EPISODE_READMIT, "return", NULL, out, err);
}

int hm_care_episode_end(const hm_call *c, int64_t id, const char *end_state, const json_t *in,
                        json_t **out, hm_err *err)
{
    return run(c, id, in, end_fn, HM_ACT_EPISODE_END, end_state, end_state, out, err);
}
