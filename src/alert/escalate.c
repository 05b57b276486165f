/* escalate.c: durable escalation deadlines, silence alarms and the webhook outbox.
 *
 * An unacknowledged alarm carries escalate_at_ms, its next deadline, in its own row. A tick
 * fires each overdue alarm with one conditional UPDATE (WHERE the deadline and tier are still
 * the ones read), and in the same transaction writes the history row, the audit row and the
 * webhook outbox row. So after a crash the deadline is either still there (fires on the next
 * tick) or moved together with its outbox row: every escalation fires exactly once. The
 * outbox is delivered by POST with exponential backoff until the receiver answers 2xx. */
#include "alert/alarm_int.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/curl_body.h"
#include "base/file.h"
#include "base/log.h"

void hm_escalation_default(hm_escalation *out)
{
    memset(out, 0, sizeof *out);
    static const char *const tiers[] = {"home_care", "ward", "physician"};
    static const int minutes[3][2] = {{5, 10}, {15, 30}, {60, 120}};
    out->ntiers = 3;
    for (int t = 0; t < 3; t++)
        snprintf(out->tier[t], sizeof out->tier[t], "%s", tiers[t]);
    for (int p = 0; p < 3; p++)
        for (int t = 0; t < 2; t++)
            out->after_ms[p][t] = (int64_t)minutes[p][t] * 60000;
}

const hm_escalation *hm__alarm_chain(const hm_alarms *a, const char *pathway)
{
    for (size_t i = 0; pathway && i < a->nchains; i++)
        if (strcmp(a->chains[i].pathway, pathway) == 0)
            return &a->chains[i];
    for (size_t i = 0; i < a->nchains; i++)
        if (a->chains[i].pathway[0] == '\0')
            return &a->chains[i];
    return &a->fallback;
}

static int load_minutes(const json_t *mins, hm_escalation *out, hm_err *err)
{
    static const char *const names[] = {"high", "medium", "low"};
    for (int p = 0; p < 3; p++) {
        const json_t *arr = json_object_get(mins, names[p]);
        if (!json_is_array(arr) || json_array_size(arr) + 1 < (size_t)out->ntiers)
            return hm_err_set(err, HM_EINVAL,
                              "escalation.unacknowledged_minutes.%s must list %d numbers", names[p],
                              out->ntiers - 1);
        for (int t = 0; t + 1 < out->ntiers; t++) {
            const json_t *v = json_array_get(arr, (size_t)t);
            if (!json_is_number(v) || json_number_value(v) <= 0 || json_number_value(v) > 10080)
                return hm_err_set(err, HM_EINVAL,
                                  "escalation.unacknowledged_minutes.%s[%d] must be 0-10080",
                                  names[p], t);
            out->after_ms[p][t] = (int64_t)(json_number_value(v) * 60000.0);
        }
    }
    return HM_OK;
}

static int load_chain(const json_t *root, hm_escalation *out, hm_err *err)
{
    const json_t *esc = json_object_get(root, "escalation");
    if (!esc)
        return hm_err_set(err, HM_ENOTFOUND, "no escalation section");
    const json_t *tiers = json_object_get(esc, "tiers");
    if (!json_is_array(tiers) || json_array_size(tiers) < 1 ||
        json_array_size(tiers) > HM_ALARM_TIERS_MAX)
        return hm_err_set(err, HM_EINVAL, "escalation.tiers must list 1 to %d names",
                          HM_ALARM_TIERS_MAX);
    out->ntiers = (int)json_array_size(tiers);
    for (int t = 0; t < out->ntiers; t++) {
        const char *s = json_string_value(json_array_get(tiers, (size_t)t));
        if (!s || !s[0] || strlen(s) >= sizeof out->tier[t])
            return hm_err_set(err, HM_EINVAL, "escalation.tiers[%d] must be a short name", t);
        snprintf(out->tier[t], sizeof out->tier[t], "%s", s);
    }
    return load_minutes(json_object_get(esc, "unacknowledged_minutes"), out, err);
}

int hm_escalation_load_file(const char *path, hm_escalation *out, hm_err *err)
{
    json_t *root;
    int rc = hm_read_json_file(path, HM__TEMPLATE_MAX, &root, err);
    if (rc)
        return rc == HM_ENOTFOUND ? hm_err_set(err, HM_EINVAL, "%s", err ? err->msg : "") : rc;
    hm_escalation e;
    memset(&e, 0, sizeof e);
    const char *id = json_string_value(json_object_get(root, "id"));
    snprintf(e.pathway, sizeof e.pathway, "%s", id ? id : "");
    rc = load_chain(root, &e, err);
    json_decref(root);
    if (rc == HM_OK)
        *out = e;
    return rc;
}

/* ---- the tick ---- */

struct tick_job {
    hm_alarms *a;
    int64_t now_ms;
    int fired;
    struct hm__pending pend;
    struct hm__overdue overdue;
};

static int outbox(hm_alarms *a, hm_db *db, int64_t id, int64_t now, hm_err *err)
{
    if (!a->webhook)
        return HM_OK;
    json_t *row = NULL;
    int64_t patient = 0;
    int rc = hm__alarm_load(a, db, id, &row, &patient, err);
    if (rc)
        return rc;
    json_t *body = json_pack("{s:s, s:o}", "event", "escalated", "alarm", row);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        return hm_err_set(err, HM_ENOMEM, "cannot queue webhook: out of memory");
    rc = hm_db_exec(db,
                    "INSERT INTO webhook_outbox (alarm_id, body, created_ms, next_try_ms)"
                    " VALUES (?, ?, ?, ?)",
                    HM_ARGS(HM_I(id), HM_S(text), HM_I(now), HM_I(now)), err);
    free(text);
    return rc;
}

/* Moves one alarm to its next tier; nothing when another tick already did. */
static int fire_one(struct tick_job *t, hm_db *db, int64_t id, int64_t tier, int64_t due,
                    const char *prio, const char *pathway, int64_t patient, hm_err *err)
{
    const hm_escalation *ch = hm__alarm_chain(t->a, pathway);
    enum hm_alarm_prio p = HM_ALARM_HIGH;
    hm__alarm_prio_parse(prio, &p);
    int64_t next_tier = tier + 1;
    int64_t next_due = next_tier + 1 < ch->ntiers ? due + ch->after_ms[p][next_tier] : 0;
    int rc = hm_db_exec(db,
                        "UPDATE alarm SET tier = ?, escalate_at_ms = ?, updated_ms = ? WHERE"
                        " id = ? AND tier = ? AND escalate_at_ms = ? AND state = 'open'",
                        HM_ARGS(HM_I(next_tier), next_due ? HM_I(next_due) : HM_NULLV,
                                HM_I(t->now_ms), HM_I(id), HM_I(tier), HM_I(due)),
                        err);
    if (rc || hm_db_changes(db) == 0)
        return rc;
    char note[96];
    snprintf(note, sizeof note, "to %s (deadline %lld)",
             next_tier < ch->ntiers ? ch->tier[next_tier] : "?", (long long)due);
    rc = hm__alarm_history(db, id, "escalated", t->now_ms, 0, next_tier, note, err);
    if (!rc)
        rc = hm__alarm_audit(db, NULL, t->now_ms, "update", id, "escalate", patient, NULL, err);
    if (!rc)
        rc = outbox(t->a, db, id, t->now_ms, err);
    if (!rc)
        rc = hm__alarm_event_json(t->a, db, id, "escalated", &t->pend, err);
    if (!rc)
        t->fired++;
    return rc;
}

static int escalate_job(hm_db *db, void *arg, hm_err *err)
{
    struct tick_job *t = arg;
    hm_cursor c;
    int rc = hm_db_query(db,
                         "SELECT id, tier, escalate_at_ms, priority, pathway, patient_id FROM"
                         " alarm WHERE escalate_at_ms <= ? AND state = 'open'"
                         " ORDER BY escalate_at_ms LIMIT 200", /* HM__TICK_BATCH */
                         HM_ARGS(HM_I(t->now_ms)), &c, err);
    if (rc)
        return rc;
    struct due {
        int64_t id, tier, due, patient;
        char prio[8], pathway[64];
    } *d = calloc(200, sizeof *d);
    size_t n = 0;
    if (!d) {
        hm_cursor_close(&c);
        return hm_err_set(err, HM_ENOMEM, "cannot escalate: out of memory");
    }
    while (n < 200 && (rc = hm_cursor_next(&c, err)) == HM_ROW) {
        d[n].id = hm_cursor_int(&c, 0);
        d[n].tier = hm_cursor_int(&c, 1);
        d[n].due = hm_cursor_int(&c, 2);
        snprintf(d[n].prio, sizeof d[n].prio, "%s", hm_cursor_text(&c, 3));
        const char *pw = hm_cursor_text(&c, 4);
        snprintf(d[n].pathway, sizeof d[n].pathway, "%s", pw ? pw : "");
        d[n].patient = hm_cursor_int(&c, 5);
        n++;
    }
    hm_cursor_close(&c);
    rc = rc < 0 ? rc : HM_OK;
    for (size_t i = 0; rc == HM_OK && i < n; i++)
        rc = fire_one(t, db, d[i].id, d[i].tier, d[i].due, d[i].prio, d[i].pathway, d[i].patient,
                      err);
    free(d);
    return rc;
}

/* Pumps serving a patient, heard from and then silent longer than the heartbeat, get a
 * technical alarm for that patient. Only pumps: they send a heartbeat; a monitoring device
 * (a thermometer used twice a day) is silent between measurements by design. */
static int is_pump(hm_db *db, const char *serial, int *out, hm_err *err)
{
    int64_t n = 0;
    int rc = hm_db_query_int(db,
                             "SELECT count(*) FROM device WHERE serial = ? AND"
                             " kind = 'infusion_pump'",
                             HM_ARGS(HM_S(serial)), &n, err);
    *out = n > 0;
    return rc;
}

static int silence_job(hm_db *db, void *arg, hm_err *err)
{
    struct tick_job *t = arg;
    hm_alarms *a = t->a;
    hm_cursor c;
    int rc = hm_db_query(db,
                         "SELECT serial FROM device_heard WHERE last_ms < ? AND"
                         " silent_alarm_id IS NULL LIMIT 100",
                         HM_ARGS(HM_I(t->now_ms - a->heartbeat_ms)), &c, err);
    if (rc)
        return rc;
    char(*serials)[64] = calloc(100, sizeof *serials);
    size_t n = 0;
    if (!serials) {
        hm_cursor_close(&c);
        return hm_err_set(err, HM_ENOMEM, "cannot check silence: out of memory");
    }
    while (n < 100 && (rc = hm_cursor_next(&c, err)) == HM_ROW)
        snprintf(serials[n++], 64, "%s", hm_cursor_text(&c, 0));
    hm_cursor_close(&c);
    rc = rc < 0 ? rc : HM_OK;
    for (size_t i = 0; rc == HM_OK && i < n; i++) {
        struct hm__ctx ctx;
        int pump = 0;
        rc = hm__ctx_device(db, serials[i], &ctx, err);
        if (!rc)
            rc = is_pump(db, serials[i], &pump, err);
        char key[96], text[160];
        snprintf(key, sizeof key, "silence:%s", serials[i]);
        snprintf(text, sizeof text, "no message from %s for over %lld minutes", serials[i],
                 (long long)(a->heartbeat_ms / 60000));
        struct hm__raise r = {.source = "silence",
                              .key = key,
                              .serial = serials[i],
                              .code = "HEIME_DEVICE_SILENT",
                              .text = text,
                              .kind = "technical",
                              .prio = HM_ALARM_MEDIUM,
                              .patient = ctx.patient,
                              .episode = ctx.episode,
                              .municipality = ctx.municipality,
                              .pathway = ctx.pathway,
                              .now_ms = t->now_ms};
        int64_t id = 0;
        /* A pump serving nobody (its treatment ended) is expected to fall silent: marked as
         * judged (0) without an alarm, until it speaks again; so is any other device. */
        if (!rc && ctx.patient && pump)
            rc = hm__alarm_raise(a, db, &r, &t->pend, &id, err);
        if (!rc)
            rc = hm_db_exec(db, "UPDATE device_heard SET silent_alarm_id = ? WHERE serial = ?",
                            HM_ARGS(HM_I(id), HM_S(serials[i])), err);
    }
    free(serials);
    return rc;
}

static int rules_job(hm_db *db, void *arg, hm_err *err)
{
    struct tick_job *t = arg;
    return hm__rules_job(db, t->a, t->now_ms, &t->pend, err);
}

static int self_report_job(hm_db *db, void *arg, hm_err *err)
{
    struct tick_job *t = arg;
    return hm__self_report_job(db, t->a, &t->overdue, t->now_ms, &t->pend, err);
}

/* Overdue self-reports, looked for on a reader connection at most every
 * HM__SELF_REPORT_EVERY_MS (their rules count in hours); only candidates reach the writer. */
static int self_reports(hm_alarms *a, struct tick_job *t, hm_err *err)
{
    if (t->now_ms < a->self_report_next_ms)
        return HM_OK;
    a->self_report_next_ms = t->now_ms + HM__SELF_REPORT_EVERY_MS;
    hm_db *db;
    int rc = hm_store_read_begin(a->st, &db, err);
    if (rc)
        return rc;
    rc = hm__self_report_candidates(db, a, t->now_ms, &t->overdue, err);
    hm_store_read_end(a->st, db);
    if (rc || !t->overdue.n)
        return rc;
    rc = hm_writer_submit(a->w, self_report_job, t, err);
    hm__pending_publish(a, &t->pend, rc == HM_OK);
    return rc;
}

int hm_alarms_tick(hm_alarms *a, int64_t now_ms, int *fired, hm_err *err)
{
    struct tick_job *t = calloc(1, sizeof *t);
    if (!t)
        return hm_err_set(err, HM_ENOMEM, "cannot tick: out of memory");
    t->a = a;
    t->now_ms = now_ms;
    int rc = hm_writer_submit(a->w, escalate_job, t, err);
    hm__pending_publish(a, &t->pend, rc == HM_OK);
    *fired = rc == HM_OK ? t->fired : 0;
    if (rc == HM_OK) {
        rc = hm_writer_submit(a->w, silence_job, t, err);
        hm__pending_publish(a, &t->pend, rc == HM_OK);
    }
    if (rc == HM_OK) {
        rc = hm_writer_submit(a->w, rules_job, t, err);
        hm__pending_publish(a, &t->pend, rc == HM_OK);
    }
    if (rc == HM_OK)
        rc = self_reports(a, t, err);
    free(t);
    return rc;
}

/* ---- the webhook ---- */

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

static long post(const char *url, const char *body, char *why, size_t cap)
{
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(why, cap, "cannot start curl");
        return 0;
    }
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    CURLcode cc = curl_easy_perform(h);
    long status = 0;
    if (cc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    else
        snprintf(why, cap, "%s", curl_easy_strerror(cc));
    if (cc == CURLE_OK && (status < 200 || status > 299))
        snprintf(why, cap, "status %ld", status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return status;
}

struct mark_job {
    int64_t id, now_ms, next_ms;
    int ok;
    const char *why;
};

static int mark_job(hm_db *db, void *arg, hm_err *err)
{
    struct mark_job *m = arg;
    if (m->ok)
        return hm_db_exec(db,
                          "UPDATE webhook_outbox SET delivered_ms = ?, attempts = attempts + 1"
                          " WHERE id = ?",
                          HM_ARGS(HM_I(m->now_ms), HM_I(m->id)), err);
    return hm_db_exec(db,
                      "UPDATE webhook_outbox SET attempts = attempts + 1, next_try_ms = ?,"
                      " last_error = ? WHERE id = ?",
                      HM_ARGS(HM_I(m->next_ms), HM_S(m->why), HM_I(m->id)), err);
}

/* 1 s, 2 s, 4 s ... capped at 5 minutes. */
static int64_t backoff_ms(int64_t attempts)
{
    int64_t ms = 1000;
    for (int64_t i = 0; i < attempts && ms < 300000; i++)
        ms *= 2;
    return ms < 300000 ? ms : 300000;
}

int hm_alarms_deliver(hm_alarms *a, int64_t now_ms, int *sent, hm_err *err)
{
    *sent = 0;
    if (!a->webhook)
        return HM_OK;
    enum { BATCH = HM__DELIVER_BATCH };
    struct {
        int64_t id, attempts;
        char *body;
    } rows[BATCH];
    size_t n = 0;
    hm_db *db;
    int rc = hm_store_read_begin(a->st, &db, err);
    if (rc)
        return rc;
    hm_cursor c;
    rc = hm_db_query(db,
                     "SELECT id, attempts, body FROM webhook_outbox WHERE delivered_ms IS NULL"
                     " AND next_try_ms <= ? ORDER BY id LIMIT 32", /* HM__DELIVER_BATCH */
                     HM_ARGS(HM_I(now_ms)), &c, err);
    if (!rc) {
        while (n < BATCH && hm_cursor_next(&c, err) == HM_ROW) {
            rows[n].id = hm_cursor_int(&c, 0);
            rows[n].attempts = hm_cursor_int(&c, 1);
            rows[n].body = strdup(hm_cursor_text(&c, 2));
            n++;
        }
        hm_cursor_close(&c);
    }
    hm_store_read_end(a->st, db);
    for (size_t i = 0; i < n; i++) {
        char why[200] = "";
        long status = rows[i].body ? post(a->webhook, rows[i].body, why, sizeof why) : 0;
        struct mark_job m = {rows[i].id, now_ms, now_ms + backoff_ms(rows[i].attempts),
                             status >= 200 && status <= 299, why};
        if (!m.ok)
            HM_LOG(HM_LOG_INFO, "webhook: outbox %lld not delivered: %s", (long long)m.id, why);
        int mrc = hm_writer_submit(a->w, mark_job, &m, err);
        if (!mrc && m.ok)
            (*sent)++;
        free(rows[i].body);
    }
    return rc;
}

/* ---- retention of the HL7 inbox ---- */

struct prune_job {
    int64_t before_ms;
    int64_t deleted;
};

static int prune_job(hm_db *db, void *arg, hm_err *err)
{
    struct prune_job *p = arg;
    int rc = hm_db_exec(db,
                        "DELETE FROM hl7_inbox WHERE (sender, control_id) IN (SELECT sender,"
                        " control_id FROM hl7_inbox WHERE received_ms < ? ORDER BY received_ms"
                        " LIMIT 1000)",
                        HM_ARGS(HM_I(p->before_ms)), err);
    p->deleted = rc ? 0 : hm_db_changes(db);
    return rc;
}

int hm_alarms_prune_inbox(hm_alarms *a, int64_t now_ms, int64_t *deleted, hm_err *err)
{
    *deleted = 0;
    struct prune_job p = {now_ms - a->inbox_keep_ms, 1000};
    int rc = HM_OK;
    while (rc == HM_OK && p.deleted == 1000) {
        rc = hm_writer_submit(a->w, prune_job, &p, err);
        if (rc == HM_OK)
            *deleted += p.deleted;
    }
    return rc;
}

/* ---- the worker ---- */

static void *worker_main(void *arg)
{
    hm_alarms *a = arg;
    for (;;) {
        pthread_mutex_lock(&a->mu);
        int stop = a->stopping;
        pthread_mutex_unlock(&a->mu);
        if (stop)
            break;
        int64_t now = hm_clock_now(a->clock);
        int fired = 0, sent = 0;
        hm_err e;
        if (hm_alarms_tick(a, now, &fired, &e))
            HM_LOG(HM_LOG_WARN, "alarm timers: %s", e.msg);
        else if (fired)
            HM_LOG(HM_LOG_INFO, "alarm timers: %d escalations fired", fired);
        if (hm_alarms_deliver(a, now, &sent, &e))
            HM_LOG(HM_LOG_WARN, "webhook: %s", e.msg);
        if (now >= a->prune_next_ms) {
            int64_t pruned = 0;
            a->prune_next_ms = now + 3600 * 1000;
            if (hm_alarms_prune_inbox(a, now, &pruned, &e))
                HM_LOG(HM_LOG_WARN, "hl7 inbox retention: %s", e.msg);
            else if (pruned)
                HM_LOG(HM_LOG_INFO, "hl7 inbox retention: %lld messages older than %lld days"
                                    " deleted",
                       (long long)pruned, (long long)(a->inbox_keep_ms / 86400000));
        }
        /* A full batch means more is waiting (e.g. after downtime): go on at once. */
        if (fired < HM__TICK_BATCH && sent < HM__DELIVER_BATCH)
            usleep(250 * 1000);
    }
    return NULL;
}

int hm_alarms_start_workers(hm_alarms *a, hm_err *err)
{
    if (a->worker_on)
        return HM_OK;
    hm_curl_start();
    if (pthread_create(&a->worker, NULL, worker_main, a) != 0)
        return hm_err_set(err, HM_EIO, "cannot start the alarm timer thread");
    a->worker_on = 1;
    return HM_OK;
}
