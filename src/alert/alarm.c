/* alarm.c: the alarm state machine and the live event hub.
 *
 * Every change runs as a group-commit job (store/writer.h): the alarm row, its alarm_event
 * history row and the audit row commit together, and the live stream hears of the change only
 * after the commit, so nothing is ever shown that could still be lost. Rows are keyed by
 * alert_key with a partial unique index over unresolved rows: at most one open alarm per
 * condition, whatever the order of concurrent messages. The PCD sink and the timers live in
 * pcd_sink.c and escalate.c; this file holds the transitions, the list and the hub. */
#include "alert/alarm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/policy.h"
#include "base/json.h"
#include "base/log.h"

static const char *const prio_names[] = {"high", "medium", "low"};

const char *hm__alarm_prio_name(enum hm_alarm_prio p)
{
    return p <= HM_ALARM_LOW ? prio_names[p] : "high";
}

int hm__alarm_prio_parse(const char *s, enum hm_alarm_prio *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, prio_names[i]) == 0) {
            *out = (enum hm_alarm_prio)i;
            return HM_OK;
        }
    return HM_EINVAL;
}

/* ---- the hub ---- */

int hm_alarms_create(hm_store *st, hm_writer *w, const hm_clock *clock, const hm_alarm_opts *o,
                     hm_alarms **out, hm_err *err)
{
    hm_alarms *a = calloc(1, sizeof *a);
    if (!a)
        return hm_err_set(err, HM_ENOMEM, "cannot create alarms: out of memory");
    a->st = st;
    a->w = w;
    a->clock = clock;
    a->heartbeat_ms = o && o->heartbeat_ms > 0 ? o->heartbeat_ms : 10 * 60 * 1000;
    if (o && o->webhook_url && o->webhook_url[0])
        a->webhook = strdup(o->webhook_url);
    hm_escalation_default(&a->fallback);
    size_t n = o ? o->nchains : 0;
    if (n) {
        a->chains = calloc(n, sizeof *a->chains);
        if (!a->chains) {
            free(a->webhook);
            free(a);
            return hm_err_set(err, HM_ENOMEM, "cannot create alarms: out of memory");
        }
        memcpy(a->chains, o->chains, n * sizeof *a->chains);
        a->nchains = n;
    }
    hm_alarm_rules_default(&a->fallback_rules);
    a->task_grace_ms = o && o->task_grace_ms > 0 ? o->task_grace_ms : 30 * 60 * 1000;
    a->inbox_keep_ms = o && o->inbox_keep_ms > 0 ? o->inbox_keep_ms : 90LL * 86400 * 1000;
    if (o && o->nrules) {
        a->rules = calloc(o->nrules, sizeof *a->rules);
        if (!a->rules) {
            free(a->chains);
            free(a->webhook);
            free(a);
            return hm_err_set(err, HM_ENOMEM, "cannot create alarms: out of memory");
        }
        memcpy(a->rules, o->rules, o->nrules * sizeof *a->rules);
        a->nrules = o->nrules;
    }
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    *out = a;
    return HM_OK;
}

void hm_alarms_destroy(hm_alarms *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->mu);
    a->stopping = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    if (a->worker_on)
        pthread_join(a->worker, NULL);
    /* Stream readers poll the stopping flag at least every wait; the HTTP server is stopped
     * before this runs, so none is left. */
    for (size_t i = 0; i < HM__HUB_SIZE; i++)
        free(a->ring[i].text);
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    free(a->chains);
    free(a->rules);
    free(a->webhook);
    free(a);
}

void hm__alarm_publish(hm_alarms *a, int64_t patient, json_t *ev)
{
    char *text = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
    if (!text)
        return;
    pthread_mutex_lock(&a->mu);
    a->seq++;
    struct hm__hub_ev *slot = &a->ring[a->seq % HM__HUB_SIZE];
    free(slot->text);
    slot->text = text;
    slot->seq = a->seq;
    slot->patient = patient;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

void hm_alarms_close_streams(hm_alarms *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->mu);
    a->streams_closed = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

uint64_t hm_alarms_seq(hm_alarms *a)
{
    pthread_mutex_lock(&a->mu);
    uint64_t s = a->seq;
    pthread_mutex_unlock(&a->mu);
    return s;
}

static void deadline_in(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

int hm_alarms_next_event(hm_alarms *a, uint64_t *after, int timeout_ms, char *buf, size_t cap,
                         int64_t *patient, hm_err *err)
{
    struct timespec ts;
    deadline_in(&ts, timeout_ms);
    pthread_mutex_lock(&a->mu);
    int rc = HM_AGAIN;
    for (;;) {
        if (a->stopping || a->streams_closed) {
            rc = hm_err_set(err, HM_EBUSY, "alarm stream stopping");
            break;
        }
        if (a->seq > *after) {
            uint64_t next = *after + 1;
            if (a->seq - next >= HM__HUB_SIZE)
                next = a->seq - HM__HUB_SIZE + 1; /* the reader fell behind: skip the lost */
            struct hm__hub_ev *e = &a->ring[next % HM__HUB_SIZE];
            snprintf(buf, cap, "%s", e->text ? e->text : "{}");
            *patient = e->patient;
            *after = next;
            rc = HM_OK;
            break;
        }
        if (pthread_cond_timedwait(&a->cv, &a->mu, &ts) != 0)
            break;
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

/* ---- rows as JSON ---- */

const char hm__alarm_cols[] =
    "id, priority, state, device_serial, patient_id, code, text, kind, source, raised_ms,"
    " updated_ms, repeats, device_ended, tier, acked_ms, acked_by, resolved_ms, episode_id,"
    " pathway, escalate_at_ms, device_alert_id";

static json_t *jtime(hm_cursor *c, int col)
{
    if (hm_cursor_is_null(c, col))
        return json_null();
    char t[40];
    hm_time_format_utc(hm_cursor_int(c, col), t);
    return json_string(t);
}

static json_t *jint(hm_cursor *c, int col)
{
    return hm_cursor_is_null(c, col) ? json_null() : json_integer(hm_cursor_int(c, col));
}

static json_t *jtext(hm_cursor *c, int col)
{
    const char *s = hm_cursor_text(c, col);
    return s ? json_string(s) : json_null();
}

json_t *hm__alarm_row_json(hm_alarms *a, hm_cursor *c)
{
    const char *pathway = hm_cursor_text(c, 18);
    const hm_escalation *ch = hm__alarm_chain(a, pathway);
    int64_t tier = hm_cursor_int(c, 13);
    const char *tier_name = tier < ch->ntiers ? ch->tier[tier] : ch->tier[ch->ntiers - 1];
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:b, s:I,"
                     " s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "id", (json_int_t)hm_cursor_int(c, 0), "priority", hm_cursor_text(c, 1),
                     "state", hm_cursor_text(c, 2), "device", jtext(c, 3), "patient", jint(c, 4),
                     "code", hm_cursor_text(c, 5), "text", hm_cursor_text(c, 6), "kind",
                     hm_cursor_text(c, 7), "source", hm_cursor_text(c, 8), "raised_at", jtime(c, 9),
                     "updated_at", jtime(c, 10), "repeats", (json_int_t)hm_cursor_int(c, 11),
                     "device_ended", (int)hm_cursor_int(c, 12), "tier", (json_int_t)tier,
                     "tier_name", tier_name, "acknowledged_at", jtime(c, 14), "acknowledged_by",
                     jint(c, 15), "resolved_at", jtime(c, 16), "episode", jint(c, 17),
                     "escalate_at", jtime(c, 19), "device_alert_id", jtext(c, 20));
}

int hm__alarm_load(hm_alarms *a, hm_db *db, int64_t id, json_t **out, int64_t *patient, hm_err *err)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s FROM alarm WHERE id = ?", hm__alarm_cols);
    hm_cursor c;
    int rc = hm_db_query(db, sql, HM_ARGS(HM_I(id)), &c, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&c, err);
    if (rc == HM_ROW) {
        *out = hm__alarm_row_json(a, &c);
        *patient = hm_cursor_int(&c, 4);
        rc = HM_OK;
    } else if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_ENOTFOUND, "alarm %lld does not exist", (long long)id);
    }
    hm_cursor_close(&c);
    return rc;
}

/* Queues a live event for after the commit. */
int hm__alarm_event_json(hm_alarms *a, hm_db *db, int64_t id, const char *type,
                         struct hm__pending *p, hm_err *err)
{
    json_t *row = NULL;
    int64_t patient = 0;
    int rc = hm__alarm_load(a, db, id, &row, &patient, err);
    if (rc)
        return rc;
    if (p->n >= HM__PENDING_MAX) {
        json_decref(row);
        return HM_OK; /* a tick's overflow is still in the list and in the next tick's events */
    }
    p->ev[p->n] = json_pack("{s:s, s:o}", "type", type, "alarm", row);
    p->patient[p->n] = patient;
    p->n++;
    return HM_OK;
}

void hm__pending_publish(hm_alarms *a, struct hm__pending *p, int committed)
{
    for (size_t i = 0; i < p->n; i++) {
        if (committed)
            hm__alarm_publish(a, p->patient[i], p->ev[i]);
        else
            json_decref(p->ev[i]);
    }
    p->n = 0;
}

/* ---- who may see what ---- */

int hm_alarms_may_see(hm_alarms *a, const hm_actor *who, int64_t patient_id, int64_t now_ms,
                      hm_err *err)
{
    (void)a;
    if (patient_id == 0) {
        /* An unassigned device's alarm carries no patient data: the response centre and the
         * hospital's pump staff need to see it to find the pump. */
        static const char *const roles[] = {"operator", "physician",  "hospital_nurse",
                                            "admin",    "super_user", NULL};
        for (size_t i = 0; roles[i]; i++)
            if (strcmp(who->role, roles[i]) == 0)
                return HM_OK;
        return hm_err_set(err, HM_EFORBIDDEN, "a %s may not see unassigned devices' alarms",
                          who->role);
    }
    hm_db *db;
    int rc = hm_store_read_begin(a->st, &db, err);
    if (rc)
        return rc;
    int em = 0;
    rc = hm_policy_patient_access(db, who, patient_id, now_ms, &em, err);
    hm_store_read_end(a->st, db);
    return rc;
}

static int may_see_db(hm_db *db, const hm_actor *who, int64_t patient_id, int64_t now_ms,
                      hm_err *err)
{
    if (patient_id == 0)
        return hm_alarms_may_see(NULL, who, 0, now_ms, err);
    int em = 0;
    return hm_policy_patient_access(db, who, patient_id, now_ms, &em, err);
}

/* ---- the list ---- */

struct seen {
    int64_t patient;
    int ok;
};

struct read_audit {
    const hm_alarm_call *c;
    const char *object;
    int64_t *patients;
    size_t n;
};

static int read_audit_job(hm_db *db, void *arg, hm_err *err)
{
    struct read_audit *r = arg;
    hm_audit_rec rec = {.at_ms = r->c->now_ms,
                        .actor = r->c->actor,
                        .action = "read",
                        .object = r->object,
                        .patients = r->patients,
                        .npatients = r->n,
                        .request_id = r->c->request_id};
    return hm_audit_append(db, &rec, err);
}

int hm__alarm_audit_read(hm_alarms *a, const hm_alarm_call *c, const char *object,
                         int64_t *patients, size_t n, hm_err *err)
{
    struct read_audit r = {c, object, patients, n};
    return hm_writer_submit(a->w, read_audit_job, &r, err);
}

/* Looks up (and remembers) whether the caller may see a patient's alarms. */
static int visible(hm_db *db, const hm_alarm_call *c, struct seen *seen, size_t *nseen, size_t cap,
                   int64_t patient, int *ok, hm_err *err)
{
    for (size_t i = 0; i < *nseen; i++)
        if (seen[i].patient == patient) {
            *ok = seen[i].ok;
            return HM_OK;
        }
    hm_err e;
    int rc = may_see_db(db, c->actor, patient, c->now_ms, &e);
    if (rc && rc != HM_EFORBIDDEN)
        return hm_err_set(err, rc, "%s", e.msg);
    *ok = rc == HM_OK;
    if (*nseen < cap)
        seen[(*nseen)++] = (struct seen){patient, *ok};
    return HM_OK;
}

int hm_alarms_list(hm_alarms *a, const hm_alarm_call *c, json_t **out, hm_err *err)
{
    if (strcmp(c->actor->role, "analyst") == 0 || strcmp(c->actor->role, "logistics") == 0)
        return hm_err_set(err, HM_EFORBIDDEN, "a %s may not see alarms", c->actor->role);
    hm_db *db;
    int rc = hm_store_read_begin(a->st, &db, err);
    if (rc)
        return rc;
    char sql[768];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM alarm WHERE state <> 'resolved' ORDER BY CASE priority WHEN 'high'"
             " THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, raised_ms, id LIMIT 20000",
             hm__alarm_cols);
    hm_cursor cur;
    json_t *arr = json_array();
    enum { SEEN_MAX = 512 };
    struct seen *seen = calloc(SEEN_MAX, sizeof *seen);
    int64_t *patients = calloc(HM_AUDIT_MAX_PATIENTS, sizeof *patients);
    size_t nseen = 0, npatients = 0;
    if (!seen || !patients)
        rc = hm_err_set(err, HM_ENOMEM, "cannot list alarms: out of memory");
    if (!rc)
        rc = hm_db_query(db, sql, HM_NOARGS, &cur, err);
    if (!rc) {
        for (;;) {
            int step = hm_cursor_next(&cur, err);
            if (step != HM_ROW) {
                rc = step == HM_DONE ? HM_OK : step;
                break;
            }
            int64_t patient = hm_cursor_int(&cur, 4);
            int ok = 0;
            rc = visible(db, c, seen, &nseen, SEEN_MAX, patient, &ok, err);
            if (rc)
                break;
            if (!ok)
                continue;
            json_array_append_new(arr, hm__alarm_row_json(a, &cur));
            int known = 0;
            for (size_t i = 0; i < npatients && !known; i++)
                known = patients[i] == patient;
            if (patient && !known && npatients < HM_AUDIT_MAX_PATIENTS)
                patients[npatients++] = patient;
        }
        hm_cursor_close(&cur);
    }
    hm_store_read_end(a->st, db);
    if (!rc)
        rc = hm__alarm_audit_read(a, c, "alarms", patients, npatients, err);
    free(seen);
    free(patients);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return HM_OK;
}

int hm_alarms_stream_open(hm_alarms *a, const hm_alarm_call *c, hm_err *err)
{
    if (strcmp(c->actor->role, "analyst") == 0 || strcmp(c->actor->role, "logistics") == 0)
        return hm_err_set(err, HM_EFORBIDDEN, "a %s may not see alarms", c->actor->role);
    return hm__alarm_audit_read(a, c, "alarms/stream", NULL, 0, err);
}

int hm_alarms_get(hm_alarms *a, const hm_alarm_call *c, int64_t id, json_t **out, hm_err *err)
{
    hm_db *db;
    int rc = hm_store_read_begin(a->st, &db, err);
    if (rc)
        return rc;
    json_t *row = NULL;
    int64_t patient = 0;
    rc = hm__alarm_load(a, db, id, &row, &patient, err);
    if (!rc)
        rc = may_see_db(db, c->actor, patient, c->now_ms, err);
    hm_cursor cur;
    json_t *hist = json_array();
    if (!rc)
        rc = hm_db_query(db,
                         "SELECT kind, at_ms, account_id, tier, note FROM alarm_event WHERE"
                         " alarm_id = ? ORDER BY id",
                         HM_ARGS(HM_I(id)), &cur, err);
    if (!rc) {
        for (;;) {
            int step = hm_cursor_next(&cur, err);
            if (step != HM_ROW) {
                rc = step == HM_DONE ? HM_OK : step;
                break;
            }
            json_array_append_new(hist, json_pack("{s:s, s:o, s:o, s:o, s:o}", "kind",
                                                  hm_cursor_text(&cur, 0), "at", jtime(&cur, 1),
                                                  "account", jint(&cur, 2), "tier", jint(&cur, 3),
                                                  "note", jtext(&cur, 4)));
        }
        hm_cursor_close(&cur);
    }
    hm_store_read_end(a->st, db);
    char object[48];
    snprintf(object, sizeof object, "alarm/%lld", (long long)id);
    if (!rc)
        rc = hm__alarm_audit_read(a, c, object, &patient, patient ? 1 : 0, err);
    if (rc) {
        json_decref(row);
        json_decref(hist);
        return rc;
    }
    json_object_set_new(row, "history", hist);
    *out = row;
    return HM_OK;
}

/* ---- transitions by people ---- */

enum op { OP_ACK, OP_NOTE, OP_RESOLVE };

struct op_job {
    hm_alarms *a;
    const hm_alarm_call *c;
    enum op op;
    int64_t id;
    const char *note;
    struct hm__pending pend;
};

int hm__alarm_history(hm_db *db, int64_t id, const char *kind, int64_t at, int64_t account,
                      int64_t tier, const char *note, hm_err *err)
{
    return hm_db_exec(db,
                      "INSERT INTO alarm_event (alarm_id, kind, at_ms, account_id, tier, note)"
                      " VALUES (?, ?, ?, ?, ?, ?)",
                      HM_ARGS(HM_I(id), HM_S(kind), HM_I(at), account ? HM_I(account) : HM_NULLV,
                              tier >= 0 ? HM_I(tier) : HM_NULLV, HM_S(note)),
                      err);
}

int hm__alarm_audit(hm_db *db, const hm_actor *who, int64_t at, const char *action, int64_t id,
                    const char *what, int64_t patient, const char *request_id, hm_err *err)
{
    char object[80];
    snprintf(object, sizeof object, "alarm/%lld%s%s", (long long)id, what ? "/" : "",
             what ? what : "");
    hm_audit_rec rec = {.at_ms = at,
                        .actor = who,
                        .action = action,
                        .object = object,
                        .patients = &patient,
                        .npatients = patient ? 1 : 0,
                        .request_id = request_id};
    return hm_audit_append(db, &rec, err);
}

static int ack(struct op_job *j, hm_db *db, const char *state, int device_ended, hm_err *err)
{
    const hm_alarm_call *c = j->c;
    if (strcmp(state, "open") != 0)
        return hm_err_set(err, HM_ECONFLICT, "alarm %lld is already %s", (long long)j->id, state);
    /* The device already said the condition is over: the acknowledgement closes it. */
    const char *next = device_ended ? "resolved" : "acknowledged";
    int rc = hm_db_exec(db,
                        "UPDATE alarm SET state = ?, acked_ms = ?, acked_by = ?, updated_ms = ?,"
                        " escalate_at_ms = NULL, resolved_ms = CASE WHEN ? = 'resolved' THEN ?"
                        " END, resolved_by = CASE WHEN ? = 'resolved' THEN ? END WHERE id = ?",
                        HM_ARGS(HM_S(next), HM_I(c->now_ms), HM_I(c->actor->account_id),
                                HM_I(c->now_ms), HM_S(next), HM_I(c->now_ms), HM_S(next),
                                HM_I(c->actor->account_id), HM_I(j->id)),
                        err);
    if (!rc)
        rc = hm__alarm_history(db, j->id, "acknowledged", c->now_ms, c->actor->account_id, -1,
                               j->note, err);
    if (!rc && device_ended)
        rc = hm__alarm_history(db, j->id, "resolved", c->now_ms, c->actor->account_id, -1, NULL,
                               err);
    return rc;
}

static int resolve(struct op_job *j, hm_db *db, const char *state, hm_err *err)
{
    const hm_alarm_call *c = j->c;
    if (strcmp(state, "resolved") == 0)
        return hm_err_set(err, HM_ECONFLICT, "alarm %lld is already resolved", (long long)j->id);
    int rc = hm_db_exec(db,
                        "UPDATE alarm SET state = 'resolved', resolved_ms = ?, resolved_by = ?,"
                        " updated_ms = ?, escalate_at_ms = NULL, acked_ms = coalesce(acked_ms, ?),"
                        " acked_by = coalesce(acked_by, ?) WHERE id = ?",
                        HM_ARGS(HM_I(c->now_ms), HM_I(c->actor->account_id), HM_I(c->now_ms),
                                HM_I(c->now_ms), HM_I(c->actor->account_id), HM_I(j->id)),
                        err);
    if (!rc)
        rc = hm__alarm_history(db, j->id, "resolved", c->now_ms, c->actor->account_id, -1, j->note,
                               err);
    return rc;
}

static int op_job(hm_db *db, void *arg, hm_err *err)
{
    struct op_job *j = arg;
    hm_cursor cur;
    int rc = hm_db_query(db, "SELECT state, patient_id, device_ended FROM alarm WHERE id = ?",
                         HM_ARGS(HM_I(j->id)), &cur, err);
    if (rc)
        return rc;
    char state[16] = "";
    int64_t patient = 0;
    int ended = 0;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_ROW) {
        snprintf(state, sizeof state, "%s", hm_cursor_text(&cur, 0));
        patient = hm_cursor_int(&cur, 1);
        ended = (int)hm_cursor_int(&cur, 2);
        rc = HM_OK;
    } else if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_ENOTFOUND, "alarm %lld does not exist", (long long)j->id);
    }
    hm_cursor_close(&cur);
    if (!rc)
        rc = may_see_db(db, j->c->actor, patient, j->c->now_ms, err);
    if (rc)
        return rc;
    static const char *const what[] = {"acknowledge", "note", "resolve"};
    if (j->op == OP_ACK)
        rc = ack(j, db, state, ended, err);
    else if (j->op == OP_RESOLVE)
        rc = resolve(j, db, state, err);
    else
        rc = hm__alarm_history(db, j->id, "note", j->c->now_ms, j->c->actor->account_id, -1,
                               j->note, err);
    if (!rc)
        rc = hm__alarm_audit(db, j->c->actor, j->c->now_ms, "update", j->id, what[j->op], patient,
                             j->c->request_id, err);
    if (!rc)
        rc = hm__alarm_event_json(j->a, db, j->id, j->op == OP_NOTE ? "note" : what[j->op],
                                  &j->pend, err);
    return rc;
}

static int run_op(hm_alarms *a, const hm_alarm_call *c, enum op op, int64_t id, const json_t *in,
                  json_t **out, hm_err *err)
{
    if (!c->actor->staff_id)
        return hm_err_set(err, HM_EFORBIDDEN, "only staff may act on alarms");
    static const char *const allowed[] = {"note", NULL};
    struct op_job j = {.a = a, .c = c, .op = op, .id = id};
    int rc = HM_OK;
    if (in && !json_is_object(in))
        return hm_err_set(err, HM_EINVAL, "the request body must be a JSON object");
    if (in && (rc = hm_json_only(in, allowed, err)))
        return rc;
    if (in && (rc = hm_json_str(in, "note", op == OP_NOTE, HM_ALARM_NOTE_MAX, &j.note, err)))
        return rc;
    if (op == OP_NOTE && !in)
        return hm_err_set(err, HM_EINVAL, "missing field 'note'");
    rc = hm_writer_submit(a->w, op_job, &j, err);
    if (rc) {
        hm__pending_publish(a, &j.pend, 0);
        return rc;
    }
    /* The answer is the alarm as committed: the event carries it. */
    *out = j.pend.n ? json_incref(json_object_get(j.pend.ev[0], "alarm")) : json_object();
    hm__pending_publish(a, &j.pend, 1);
    return HM_OK;
}

int hm_alarms_ack(hm_alarms *a, const hm_alarm_call *c, int64_t id, const json_t *in, json_t **out,
                  hm_err *err)
{
    return run_op(a, c, OP_ACK, id, in, out, err);
}

int hm_alarms_note(hm_alarms *a, const hm_alarm_call *c, int64_t id, const json_t *in, json_t **out,
                   hm_err *err)
{
    return run_op(a, c, OP_NOTE, id, in, out, err);
}

int hm_alarms_resolve(hm_alarms *a, const hm_alarm_call *c, int64_t id, const json_t *in,
                      json_t **out, hm_err *err)
{
    return run_op(a, c, OP_RESOLVE, id, in, out, err);
}
