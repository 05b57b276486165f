/* answers.c: the patient's questionnaire. Which of the pathway's questions are due on a day
 * (with what was already answered), a set of answers checked against the template and stored
 * all or nothing, durably before the answer and audited in the same transaction, and the
 * answers of an episode for the staff timeline.
 *
 * Days count from the newest regimen's start date; questions are asked only while the episode
 * is active at home. What an answer's alarm rules say is stored with it (alarm_priority,
 * alarm_text); the alert module's rule pass raises the alarm from there, so this file knows
 * nothing about alarms. A patient reaches only their own record, staff through the care
 * relation (auth/policy.h). */
#include "care/care_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "pathway/pathway.h"

#define ANSWER_DAYS_BACK 7 /* answers may be given late, up to this many days after the day */

/* The episode a patient answers to: the newest one not ended, its pathway and treatment dates. */
struct qctx {
    int64_t episode;
    char pathway[64];
    char state[16];
    int has_dates;
    hm_date start, end;
};

static void regimen_dates(const char *body, struct qctx *q)
{
    json_t *r = body ? json_loads(body, 0, NULL) : NULL;
    const char *s = json_string_value(json_object_get(r, "start_date"));
    const char *e = json_string_value(json_object_get(r, "end_date"));
    q->has_dates = s && e && hm_date_parse(s, &q->start, NULL) == HM_OK &&
                   hm_date_parse(e, &q->end, NULL) == HM_OK;
    json_decref(r);
}

static int load_qctx(hm_db *db, int64_t patient_id, struct qctx *q, hm_err *err)
{
    hm_cursor cur;
    memset(q, 0, sizeof *q);
    int rc = hm_db_query(db,
                         "SELECT e.id, e.pathway, e.state, (SELECT body FROM regimen r WHERE"
                         " r.episode_id = e.id ORDER BY version DESC LIMIT 1) FROM episode e"
                         " WHERE e.patient_id = ? AND e.state NOT IN ('completed','discontinued')"
                         " ORDER BY e.referred_ms DESC LIMIT 1",
                         HM_ARGS(HM_I(patient_id)), &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_ROW) {
        q->episode = hm_cursor_int(&cur, 0);
        snprintf(q->pathway, sizeof q->pathway, "%s", hm__text(&cur, 1));
        snprintf(q->state, sizeof q->state, "%s", hm__text(&cur, 2));
        regimen_dates(hm_cursor_text(&cur, 3), q);
    }
    hm_cursor_close(&cur);
    return rc == HM_ROW || rc == HM_DONE ? HM_OK : rc;
}

static hm_date today(const hm_call *c)
{
    hm_date d;
    int minutes;
    hm_utc_to_local(c->now_ms, &d, &minutes);
    return d;
}

/* A "date" given by the caller, or today (Europe/Oslo). */
static int day_of(const hm_call *c, const char *s, const char *what, hm_date *out, hm_err *err)
{
    if (!s || !*s) {
        *out = today(c);
        return HM_OK;
    }
    hm_err perr;
    if (hm_date_parse(s, out, &perr) != HM_OK)
        return hm_err_set(err, HM_EINVAL, "%s 'date' must be a date YYYY-MM-DD, not '%.20s'",
                          what, s);
    return HM_OK;
}

/* ---- the questions due on a day ----------------------------------------------------------- */

static json_t *answered_by(hm_cursor *cur, int name_col, int role_col)
{
    return json_pack("{s:s, s:s}", "name", hm__text(cur, name_col), "role",
                     hm__text(cur, role_col));
}

#define ANSWER_WHO                                                                                 \
    " LEFT JOIN account ac ON ac.id = a.answered_by LEFT JOIN staff s ON s.id = ac.staff_id"      \
    " LEFT JOIN patient pt ON pt.id = ac.patient_id"

/* Attaches to each question of qs its newest answer of the day ("answer": null when none). */
static int attach_answers(hm_db *db, int64_t episode, const char *date, json_t *qs, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db,
                         "SELECT a.question_id, a.value, a.answered_ms, coalesce(s.name, pt.name),"
                         " a.answered_role FROM answer a" ANSWER_WHO
                         " WHERE a.episode_id = ? AND a.local_date = ? ORDER BY a.id",
                         HM_ARGS(HM_I(episode), HM_S(date)), &cur, err);
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q)
    {
        json_object_set_new(q, "answer", json_null());
    }
    while (!rc) {
        int step = hm_cursor_next(&cur, err);
        if (step != HM_ROW) {
            rc = step == HM_DONE ? HM_OK : step;
            break;
        }
        json_array_foreach(qs, i, q)
        {
            if (strcmp(json_string_value(json_object_get(q, "id")), hm__text(&cur, 0)) != 0)
                continue;
            json_t *v = json_loads(hm__text(&cur, 1), JSON_DECODE_ANY, NULL);
            json_object_set_new(q, "answer",
                                json_pack("{s:o, s:o, s:o}", "value", v ? v : json_null(),
                                          "answered_at", hm__jtime(&cur, 2), "answered_by",
                                          answered_by(&cur, 3, 4)));
        }
    }
    hm_cursor_close(&cur);
    return rc;
}

/* The answer of GET .../questions, read on one connection. */
static int questions_view(hm_db *db, const hm_call *c, int64_t patient_id, hm_date day,
                          json_t **out, int *emergency, hm_err *err)
{
    struct qctx q;
    char d[11];
    hm_date_format(day, d);
    int rc = hm_policy_patient_access(db, c->actor, patient_id, c->now_ms, emergency, err);
    if (!rc)
        rc = load_qctx(db, patient_id, &q, err);
    if (rc)
        return rc;
    const struct hm_pathway *p = q.episode ? hm_care_pathway(c->care, q.pathway) : NULL;
    json_t *qs = NULL;
    if (p && q.has_dates && strcmp(q.state, "active") == 0)
        rc = hm_pathway_questions_due(p, q.start, q.end, day, &qs, err);
    else
        qs = json_array();
    if (!rc && q.episode)
        rc = attach_answers(db, q.episode, d, qs, err);
    if (rc) {
        json_decref(qs);
        return rc;
    }
    *out = json_pack("{s:I, s:o, s:s?, s:s?, s:s, s:o}", "patient_id", (json_int_t)patient_id,
                     "episode_id", q.episode ? json_integer(q.episode) : json_null(), "pathway",
                     q.episode ? q.pathway : NULL, "episode_state", q.episode ? q.state : NULL,
                     "date", d, "questions", qs);
    return *out ? HM_OK : hm_err_set(err, HM_ENOMEM, "out of memory");
}

int hm_care_questions_due(const hm_call *c, int64_t patient_id, const char *date, json_t **out,
                          hm_err *err)
{
    hm_date day;
    int rc = hm_policy_role_allows(c->actor, HM_ACT_PATIENT_READ, err);
    if (!rc)
        rc = day_of(c, date, "query", &day, err);
    if (rc)
        return rc;
    hm_db *db;
    rc = hm_store_read_begin(c->care->store, &db, err);
    if (rc)
        return rc;
    json_t *view = NULL;
    int emergency = 0;
    rc = questions_view(db, c, patient_id, day, &view, &emergency, err);
    hm_store_read_end(c->care->store, db);
    char object[64];
    snprintf(object, sizeof object, "patient/%lld/questions", (long long)patient_id);
    return hm__care_read_done(c, rc, object, &patient_id, 1, emergency, view, out, err);
}

/* ---- a set of answers --------------------------------------------------------------------- */

struct answer_job {
    const hm_call *c;
    int64_t patient_id;
    hm_date day;
    const json_t *answers;
    int64_t episode;
    json_t *stored; /* [{id, question_id, alarm}] */
};

/* The ids of the questions answered on the day already, as a JSON array. */
static int answered_today(hm_db *db, int64_t episode, const char *date, json_t **out, hm_err *err)
{
    hm_cursor cur;
    json_t *ids = json_array();
    int rc = hm_db_query(db,
                         "SELECT DISTINCT question_id FROM answer WHERE episode_id = ? AND"
                         " local_date = ?",
                         HM_ARGS(HM_I(episode), HM_S(date)), &cur, err);
    while (!rc) {
        int step = hm_cursor_next(&cur, err);
        if (step != HM_ROW) {
            rc = step == HM_DONE ? HM_OK : step;
            break;
        }
        json_array_append_new(ids, json_string(hm__text(&cur, 0)));
    }
    hm_cursor_close(&cur);
    if (rc) {
        json_decref(ids);
        return rc;
    }
    *out = ids;
    return HM_OK;
}

/* The episode must be at home with a regimen, and its pathway loaded. */
static int answerable(const hm_call *c, const struct qctx *q, const struct hm_pathway **p,
                      hm_err *err)
{
    if (!q->episode)
        return hm_err_set(err, HM_ECONFLICT, "the patient has no open episode to answer for");
    if (strcmp(q->state, "active") != 0)
        return hm_err_set(err, HM_ECONFLICT,
                          "episode %lld is not active at home (state %s): no questions are due",
                          (long long)q->episode, q->state);
    *p = hm_care_pathway(c->care, q->pathway);
    if (!*p || !q->has_dates)
        return hm_err_set(err, HM_ECONFLICT, "episode %lld has no questionnaire (no regimen)",
                          (long long)q->episode);
    return HM_OK;
}

static int store_one(hm_db *db, struct answer_job *j, const struct hm_pathway *p,
                     const char *date, const char *qid, const json_t *v, hm_err *err)
{
    const hm_call *c = j->c;
    hm_answer_alarm alarm;
    int rc = hm_pathway_check_answer(p, qid, v, &alarm, err);
    if (rc)
        return rc;
    char *value = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!value)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    int64_t id = 0;
    rc = hm_db_query_int(db,
                         "INSERT INTO answer (episode_id, patient_id, question_id, local_date,"
                         " value, answered_by, answered_role, answered_ms, alarm_priority,"
                         " alarm_text) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
                         HM_ARGS(HM_I(j->episode), HM_I(j->patient_id), HM_S(qid), HM_S(date),
                                 HM_S(value), HM_I(c->actor->account_id), HM_S(c->actor->role),
                                 HM_I(c->now_ms),
                                 alarm.priority ? HM_S(alarm.priority) : HM_NULLV,
                                 alarm.priority ? HM_S(alarm.text) : HM_NULLV),
                         &id, err);
    free(value);
    if (!rc)
        json_array_append_new(j->stored, json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)id,
                                                   "question_id", qid, "alarm", alarm.priority));
    return rc;
}

static int answer_job(hm_db *db, void *arg, hm_err *err)
{
    struct answer_job *j = arg;
    const hm_call *c = j->c;
    struct qctx q;
    const struct hm_pathway *p = NULL;
    json_t *already = NULL;
    char date[11];
    hm_date_format(j->day, date);
    int emergency = 0;
    int rc = hm__care_patient_check(db, c, HM_ACT_OBSERVATION_CREATE, j->patient_id, &emergency,
                                    err);
    if (!rc)
        rc = load_qctx(db, j->patient_id, &q, err);
    if (!rc)
        rc = answerable(c, &q, &p, err);
    if (!rc)
        rc = answered_today(db, q.episode, date, &already, err);
    if (!rc)
        rc = hm_pathway_check_answers(p, q.start, q.end, j->day, j->answers, already, err);
    json_decref(already);
    if (rc)
        return rc;
    j->episode = q.episode;
    const char *qid;
    json_t *v;
    json_object_foreach((json_t *)j->answers, qid, v)
    {
        rc = store_one(db, j, p, date, qid, v, err);
        if (rc)
            return rc;
    }
    char object[64];
    snprintf(object, sizeof object, "episode/%lld/answers/%s", (long long)q.episode, date);
    return hm__care_audit(db, c, "create", object, &j->patient_id, 1, emergency, NULL, err);
}

int hm_care_answers_submit(const hm_call *c, int64_t patient_id, const json_t *in, json_t **out,
                           hm_err *err)
{
    static const char *const allowed[] = {"date", "answers", NULL};
    const char *date = NULL;
    int rc = hm_policy_role_allows(c->actor, HM_ACT_OBSERVATION_CREATE, err);
    if (!rc)
        rc = hm_json_only(in, allowed, err);
    if (!rc)
        rc = hm_json_str(in, "date", 0, 10, &date, err);
    if (rc)
        return rc;
    struct answer_job j = {.c = c, .patient_id = patient_id};
    rc = day_of(c, date, "field", &j.day, err);
    if (rc)
        return rc;
    int back = hm_date_diff_days(j.day, today(c));
    if (back < 0)
        return hm_err_set(err, HM_EINVAL, "field 'date' is in the future");
    if (back > ANSWER_DAYS_BACK)
        return hm_err_set(err, HM_EINVAL,
                          "field 'date': answers may be given for today and the %d days before",
                          ANSWER_DAYS_BACK);
    j.answers = json_object_get(in, "answers");
    if (!j.answers)
        return hm_err_set(err, HM_EINVAL, "missing field 'answers'");
    if (!json_is_object(j.answers))
        return hm_err_set(err, HM_EINVAL, "field 'answers' must be an object");
    j.stored = json_array();
    rc = hm__care_write(c, answer_job, &j, err);
    if (rc) {
        json_decref(j.stored);
        return rc;
    }
    char d[11];
    hm_date_format(j.day, d);
    *out = json_pack("{s:I, s:I, s:s, s:o}", "patient_id", (json_int_t)patient_id, "episode_id",
                     (json_int_t)j.episode, "date", d, "answers", j.stored);
    return HM_OK;
}

/* ---- an episode's answers ----------------------------------------------------------------- */

json_t *hm__care_answer_row(hm_cursor *cur)
{
    json_t *v = json_loads(hm__text(cur, 3), JSON_DECODE_ANY, NULL);
    json_t *alarm = hm_cursor_is_null(cur, 7)
                        ? json_null()
                        : json_pack("{s:s, s:s}", "priority", hm__text(cur, 7), "text",
                                    hm__text(cur, 8));
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
                     (json_int_t)hm_cursor_int(cur, 0), "question_id", hm__text(cur, 1), "date",
                     hm__text(cur, 2), "value", v ? v : json_null(), "answered_at",
                     hm__jtime(cur, 4), "answered_by", answered_by(cur, 5, 6), "alarm", alarm);
}

int hm_care_episode_answers(const hm_call *c, int64_t episode_id, json_t **out, hm_err *err)
{
    hm_db *db;
    int rc = hm__care_read_begin(c, HM_ACT_PATIENT_READ, &db, err);
    if (rc)
        return rc;
    int64_t patient_id = 0;
    int emergency = 0;
    json_t *arr = json_array();
    rc = hm__care_episode_patient(db, episode_id, &patient_id, err);
    /* An episode of a patient the caller may not see is "forbidden", like the patient itself. */
    if (!rc)
        rc = hm_policy_patient_access(db, c->actor, patient_id, c->now_ms, &emergency, err);
    if (!rc)
        rc = hm__care_rows(db,
                           HM__ANSWER_SELECT " WHERE a.episode_id = ?"
                                             " ORDER BY a.answered_ms DESC, a.id DESC LIMIT 2000",
                           HM_ARGS(HM_I(episode_id)), hm__care_answer_row, arr, err);
    hm_store_read_end(c->care->store, db);
    char object[64];
    snprintf(object, sizeof object, "episode/%lld/answers", (long long)episode_id);
    return hm__care_read_done(c, rc, object, &patient_id, 1, emergency, arr, out, err);
}

int hm_care_answer_get(const hm_call *c, int64_t answer_id, json_t **out, hm_err *err)
{
    static const struct hm__care_by_id one = {
        "answer", "SELECT patient_id FROM answer WHERE id = ?", HM__ANSWER_SELECT " WHERE a.id = ?",
        hm__care_answer_row, 1};
    return hm__care_read_by_id(c, &one, answer_id, out, err);
}
