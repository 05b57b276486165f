/* rules.c: alarms from measurements and from what did not happen, per pathway template.
 *
 * The rules run on the alarm timer thread as write jobs, not inside the care module's writes,
 * so that the care layer knows nothing about alarms. Each pass reads from a durable cursor
 * (rule_cursor) and moves it in the same transaction as the alarms it raised: every
 * observation is scored once and every missed task is reported once, across restarts.
 * - vital signs: NEWS2 (alert/news2.h) on every complete set, mapped to a priority by the
 *   pathway's "news2" table; a temperature at or above the pathway's threshold;
 * - tasks still planned a grace time after their window ended (a missed bag change is high
 *   priority: task priority 1 -> high, 2 -> medium, else low); tasks of the pathway's
 *   self-report kinds are "missed self-report";
 * - pumps that reported MDC_EVT_PUMP_DELIV_STOP and not started again within the limit;
 * - questionnaire answers that met one of the question's alarm rules in the template (the care
 *   module stores the priority and text with the answer; this pass raises the alarm). */
#include "alert/alarm_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "alert/news2.h"

void hm_alarm_rules_default(hm_alarm_rules *out)
{
    memset(out, 0, sizeof *out);
    out->news2_prio[HM_NEWS2_ROUTINE] = -1;
    out->news2_prio[HM_NEWS2_LOW] = -1;
    out->news2_prio[HM_NEWS2_LOW_MEDIUM] = HM_ALARM_MEDIUM;
    out->news2_prio[HM_NEWS2_MEDIUM] = HM_ALARM_HIGH;
    out->news2_prio[HM_NEWS2_HIGH] = HM_ALARM_HIGH;
    out->temp_at_or_above = 38.5;
    out->temp_prio = HM_ALARM_HIGH;
    out->pump_stopped_ms = 30 * 60 * 1000;
    out->pump_stopped_prio = HM_ALARM_HIGH;
    out->self_report_prio = HM_ALARM_MEDIUM;
    out->questionnaire_after_min = -1;
    out->questionnaire_prio = HM_ALARM_LOW;
}

const hm_alarm_rules *hm__alarm_rules(const hm_alarms *a, const char *pathway)
{
    for (size_t i = 0; pathway && i < a->nrules; i++)
        if (strcmp(a->rules[i].pathway, pathway) == 0)
            return &a->rules[i];
    for (size_t i = 0; i < a->nrules; i++)
        if (a->rules[i].pathway[0] == '\0')
            return &a->rules[i];
    return &a->fallback_rules;
}

/* ---- loading ---- */

static int prio_of(const json_t *v, const char *what, int *out, hm_err *err)
{
    enum hm_alarm_prio p;
    if (json_is_null(v)) {
        *out = -1;
        return HM_OK;
    }
    if (!json_is_string(v) || hm__alarm_prio_parse(json_string_value(v), &p))
        return hm_err_set(err, HM_EINVAL, "alarm_rules.%s must be high, medium, low or null", what);
    *out = (int)p;
    return HM_OK;
}

static int load_news2(const json_t *n, hm_alarm_rules *r, hm_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)n, key, v)
    {
        enum hm_news2_response resp;
        if (key[0] == '_')
            continue;
        if (hm_news2_response_from_name(key, &resp, err))
            return hm_err_set(err, HM_EINVAL, "alarm_rules.news2: unknown response '%s'", key);
        char what[48];
        snprintf(what, sizeof what, "news2.%s", key);
        int rc = prio_of(v, what, &r->news2_prio[resp], err);
        if (rc)
            return rc;
    }
    return HM_OK;
}

static int load_number(const json_t *sec, const char *key, double lo, double hi, double *out,
                       hm_err *err)
{
    const json_t *v = json_object_get(sec, key);
    if (!v)
        return HM_OK;
    if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi)
        return hm_err_set(err, HM_EINVAL, "alarm_rules.%s must be a number %g-%g", key, lo, hi);
    *out = json_number_value(v);
    return HM_OK;
}

static int load_self_report(const json_t *sr, hm_alarm_rules *r, hm_err *err)
{
    const char *kind = json_string_value(json_object_get(sr, "kind"));
    const json_t *every = json_object_get(sr, "every_hours");
    if (!json_is_object(sr) || !kind || !kind[0] || strlen(kind) >= sizeof r->self_report_kind)
        return hm_err_set(err, HM_EINVAL, "alarm_rules.self_report needs a \"kind\"");
    if (!json_is_number(every) || json_number_value(every) <= 0 ||
        json_number_value(every) > 24 * 31)
        return hm_err_set(err, HM_EINVAL, "alarm_rules.self_report.every_hours must be 0-744");
    snprintf(r->self_report_kind, sizeof r->self_report_kind, "%s", kind);
    r->self_report_every_ms = (int64_t)(json_number_value(every) * 3600000.0);
    const json_t *p = json_object_get(sr, "priority");
    return p ? prio_of(p, "self_report.priority", &r->self_report_prio, err) : HM_OK;
}

/* {"after": "HH:MM", "priority": "low"}: a treatment day with no answer by then is missed. */
static int load_questionnaire_missed(const json_t *q, hm_alarm_rules *r, hm_err *err)
{
    const char *after = json_string_value(json_object_get(q, "after"));
    if (!json_is_object(q) || !after || hm_clock_time_parse(after, &r->questionnaire_after_min,
                                                            NULL) != HM_OK)
        return hm_err_set(err, HM_EINVAL,
                          "alarm_rules.questionnaire_missed needs \"after\": \"HH:MM\"");
    const json_t *p = json_object_get(q, "priority");
    return p ? prio_of(p, "questionnaire_missed.priority", &r->questionnaire_prio, err) : HM_OK;
}

static int load_rules(const json_t *sec, hm_alarm_rules *r, hm_err *err)
{
    const json_t *n = json_object_get(sec, "news2");
    int rc = n && !json_is_object(n) ? hm_err_set(err, HM_EINVAL,
                                                  "alarm_rules.news2 must be an"
                                                  " object")
                                     : HM_OK;
    if (!rc && n)
        rc = load_news2(n, r, err);
    double mins = (double)r->pump_stopped_ms / 60000.0;
    if (!rc)
        rc = load_number(sec, "temperature_at_or_above", 0, 45, &r->temp_at_or_above, err);
    if (!rc)
        rc = load_number(sec, "pump_stopped_minutes", 0, 10080, &mins, err);
    r->pump_stopped_ms = (int64_t)(mins * 60000.0);
    const json_t *v = json_object_get(sec, "temperature_priority");
    if (!rc && v)
        rc = prio_of(v, "temperature_priority", &r->temp_prio, err);
    v = json_object_get(sec, "pump_stopped_priority");
    if (!rc && v)
        rc = prio_of(v, "pump_stopped_priority", &r->pump_stopped_prio, err);
    v = json_object_get(sec, "self_report_kinds");
    if (!rc && v && (!json_is_array(v) || json_array_size(v) > 4))
        rc = hm_err_set(err, HM_EINVAL, "alarm_rules.self_report_kinds must list at most 4 kinds");
    for (size_t i = 0; !rc && v && i < json_array_size(v); i++) {
        const char *k = json_string_value(json_array_get(v, i));
        if (!k || strlen(k) >= sizeof r->self_report_kinds[i])
            rc = hm_err_set(err, HM_EINVAL,
                            "alarm_rules.self_report_kinds[%zu] must be a task"
                            " kind",
                            i);
        else
            snprintf(r->self_report_kinds[i], sizeof r->self_report_kinds[i], "%s", k);
    }
    v = json_object_get(sec, "self_report");
    if (!rc && v && !json_is_null(v))
        rc = load_self_report(v, r, err);
    v = json_object_get(sec, "questionnaire_missed");
    if (!rc && v && !json_is_null(v))
        rc = load_questionnaire_missed(v, r, err);
    return rc;
}

int hm_alarm_rules_load_file(const char *path, hm_alarm_rules *out, hm_err *err)
{
    json_t *root;
    int rc = hm_read_json_file(path, HM__TEMPLATE_MAX, &root, err);
    if (rc) /* not HM_ENOTFOUND: that means "no alarm_rules section" to the caller */
        return rc == HM_ENOTFOUND ? hm_err_set(err, HM_EINVAL, "%s", err ? err->msg : "") : rc;
    hm_alarm_rules r;
    hm_alarm_rules_default(&r);
    const char *id = json_string_value(json_object_get(root, "id"));
    snprintf(r.pathway, sizeof r.pathway, "%s", id ? id : "");
    const json_t *sec = json_object_get(root, "alarm_rules");
    rc = !sec                   ? hm_err_set(err, HM_ENOTFOUND, "no alarm_rules section")
         : !json_is_object(sec) ? hm_err_set(err, HM_EINVAL, "alarm_rules must be an object")
                                : load_rules(sec, &r, err);
    json_decref(root);
    if (rc == HM_OK)
        *out = r;
    return rc;
}

/* ---- shared ---- */

static int cursor_get(hm_db *db, const char *name, int64_t dflt, int64_t *out, hm_err *err)
{
    int rc = hm_db_query_int(db, "SELECT value FROM rule_cursor WHERE name = ?",
                             HM_ARGS(HM_S(name)), out, err);
    if (rc == HM_ENOTFOUND) {
        *out = dflt;
        return HM_OK;
    }
    return rc;
}

static int cursor_set(hm_db *db, const char *name, int64_t v, hm_err *err)
{
    return hm_db_exec(db,
                      "INSERT INTO rule_cursor (name, value) VALUES (?, ?) ON CONFLICT (name)"
                      " DO UPDATE SET value = excluded.value",
                      HM_ARGS(HM_S(name), HM_I(v)), err);
}

static int patient_raise(hm_db *db, hm_alarms *a, int64_t patient, const char *key,
                         const char *code, const char *text, int prio, int64_t now,
                         struct hm__pending *p, hm_err *err)
{
    struct hm__ctx ctx;
    int rc = hm__ctx_patient(db, patient, &ctx, err);
    if (rc)
        return rc;
    struct hm__raise r = {.source = "rule",
                          .key = key,
                          .code = code,
                          .text = text,
                          .kind = "rule",
                          .prio = (enum hm_alarm_prio)prio,
                          .patient = patient,
                          .episode = ctx.episode,
                          .municipality = ctx.municipality,
                          .pathway = ctx.pathway,
                          .now_ms = now};
    return hm__alarm_raise(a, db, &r, p, NULL, err);
}

/* ---- vital signs ---- */

static int num(const json_t *o, const char *k, double *out)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_number(v))
        return 0;
    *out = json_number_value(v);
    return 1;
}

static int vitals_one(hm_db *db, hm_alarms *a, int64_t patient, const char *pathway,
                      int spo2_scale, const char *body, int64_t now, struct hm__pending *p,
                      hm_err *err)
{
    const hm_alarm_rules *rules = hm__alarm_rules(a, pathway);
    json_t *v = json_loads(body, 0, NULL);
    if (!v)
        return HM_OK; /* not ours to judge: the care layer validated it */
    /* The SpO2 scale is the episode's (prescribed by its physician), never one sent with the
     * values; an incomplete set is not scored. */
    hm_news2_input in;
    hm_news2_result res;
    hm_err nerr;
    int rc = HM_OK;
    char key[80], text[200];
    if (hm_news2_from_json(v, spo2_scale, &in) && hm_news2_score(&in, &res, &nerr) == HM_OK &&
        rules->news2_prio[res.response] >= 0) {
        snprintf(key, sizeof key, "rule:%lld|NEWS2", (long long)patient);
        snprintf(text, sizeof text, "NEWS2 %d (%s response)%s", res.total,
                 hm_news2_response_name(res.response),
                 res.any_single_3 ? ", a 3 in a single parameter" : "");
        rc = patient_raise(db, a, patient, key, "NEWS2", text, rules->news2_prio[res.response], now,
                           p, err);
    }
    double t = 0;
    if (!rc && rules->temp_at_or_above > 0 && rules->temp_prio >= 0 && num(v, "temperature", &t) &&
        round(t * 10) >= round(rules->temp_at_or_above * 10)) {
        snprintf(key, sizeof key, "rule:%lld|TEMPERATURE", (long long)patient);
        snprintf(text, sizeof text, "temperature %.1f °C (threshold %.1f °C)", t,
                 rules->temp_at_or_above);
        rc = patient_raise(db, a, patient, key, "TEMPERATURE_HIGH", text, rules->temp_prio, now, p,
                           err);
    }
    json_decref(v);
    return rc;
}

static int vitals_pass(hm_db *db, hm_alarms *a, int64_t now, struct hm__pending *p, hm_err *err)
{
    int64_t last = 0;
    /* First start on an existing database: judge only what arrives from now on. */
    int64_t start = 0;
    int rc =
        hm_db_query_int(db, "SELECT coalesce(max(id), 0) FROM observation", NULL, 0, &start, err);
    if (!rc)
        rc = cursor_get(db, "observation", start, &last, err);
    hm_cursor c;
    if (!rc)
        rc = hm_db_query(db,
                         "SELECT o.id, o.patient_id, o.kind, o.body, e.pathway,"
                         " coalesce(e.spo2_scale, 1) FROM observation o"
                         " LEFT JOIN episode e ON e.id = o.episode_id WHERE o.id > ?"
                         " ORDER BY o.id LIMIT 100",
                         HM_ARGS(HM_I(last)), &c, err);
    if (rc)
        return rc;
    struct row {
        int64_t id, patient;
        char *body;
        char pathway[64];
        int spo2_scale;
    } rows[100];
    size_t n = 0;
    while (n < 100 && (rc = hm_cursor_next(&c, err)) == HM_ROW) {
        const char *kind = hm_cursor_text(&c, 2);
        rows[n].id = hm_cursor_int(&c, 0);
        rows[n].patient = hm_cursor_int(&c, 1);
        /* A device's values go through the same rules as a nurse's (NEWS2 only when the set
         * is complete, which a device's alone never is: no level of consciousness). */
        rows[n].body = kind && (strcmp(kind, "vital_signs") == 0 ||
                                strcmp(kind, "device_vitals") == 0)
                           ? strdup(hm_cursor_text(&c, 3) ? hm_cursor_text(&c, 3) : "")
                           : NULL;
        const char *pw = hm_cursor_text(&c, 4);
        snprintf(rows[n].pathway, sizeof rows[n].pathway, "%s", pw ? pw : "");
        rows[n].spo2_scale = (int)hm_cursor_int(&c, 5);
        n++;
    }
    hm_cursor_close(&c);
    rc = rc < 0 ? rc : HM_OK;
    for (size_t i = 0; i < n; i++) {
        if (!rc && rows[i].body)
            rc = vitals_one(db, a, rows[i].patient, rows[i].pathway, rows[i].spo2_scale,
                            rows[i].body, now, p, err);
        free(rows[i].body);
    }
    if (!rc && n)
        rc = cursor_set(db, "observation", rows[n - 1].id, err);
    if (!rc && !n && last == start)
        rc = cursor_set(db, "observation", last, err);
    return rc;
}

/* ---- questionnaire answers ---- */

/* An answer for a day ends that day's "questionnaire missed" alarm, if one is open (a low or
 * medium one resolves at once, as when a device reports the end of its condition). */
static int answered_day(hm_db *db, hm_alarms *a, int64_t patient, const char *date, int64_t now,
                        struct hm__pending *p, hm_err *err)
{
    char key[96];
    snprintf(key, sizeof key, "rule:%lld|QUESTIONNAIRE_MISSED:%s", (long long)patient, date);
    struct hm__raise r = {.source = "rule", .key = key, .ended = 1, .patient = patient,
                          .now_ms = now};
    return hm__alarm_raise(a, db, &r, p, NULL, err);
}

/* Answers whose alarm rule fired (alarm_priority set when stored): one alarm per patient and
 * question, so a repeated alarming answer updates the open alarm (and may raise its priority). */
static int answers_pass(hm_db *db, hm_alarms *a, int64_t now, struct hm__pending *p, hm_err *err)
{
    int64_t last = 0, start = 0;
    int rc = hm_db_query_int(db, "SELECT coalesce(max(id), 0) FROM answer", NULL, 0, &start, err);
    if (!rc)
        rc = cursor_get(db, "answer", start, &last, err);
    hm_cursor c;
    if (!rc)
        rc = hm_db_query(db,
                         "SELECT id, patient_id, question_id, alarm_priority, alarm_text,"
                         " local_date FROM answer WHERE id > ? ORDER BY id LIMIT 100",
                         HM_ARGS(HM_I(last)), &c, err);
    if (rc)
        return rc;
    struct row {
        int64_t id, patient;
        int prio; /* -1: the answer raised nothing */
        char question[32];
        char text[240];
        char date[11];
    } rows[100];
    size_t n = 0;
    while (n < 100 && (rc = hm_cursor_next(&c, err)) == HM_ROW) {
        enum hm_alarm_prio prio;
        const char *pr = hm_cursor_text(&c, 3);
        rows[n].id = hm_cursor_int(&c, 0);
        rows[n].patient = hm_cursor_int(&c, 1);
        rows[n].prio = pr && hm__alarm_prio_parse(pr, &prio) == HM_OK ? (int)prio : -1;
        snprintf(rows[n].question, sizeof rows[n].question, "%s",
                 hm_cursor_text(&c, 2) ? hm_cursor_text(&c, 2) : "");
        snprintf(rows[n].text, sizeof rows[n].text, "%s",
                 hm_cursor_text(&c, 4) ? hm_cursor_text(&c, 4) : "");
        snprintf(rows[n].date, sizeof rows[n].date, "%s",
                 hm_cursor_text(&c, 5) ? hm_cursor_text(&c, 5) : "");
        n++;
    }
    hm_cursor_close(&c);
    rc = rc < 0 ? rc : HM_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        if (i == 0 || rows[i].patient != rows[i - 1].patient ||
            strcmp(rows[i].date, rows[i - 1].date) != 0)
            rc = answered_day(db, a, rows[i].patient, rows[i].date, now, p, err);
        if (rc || rows[i].prio < 0)
            continue;
        char key[80];
        snprintf(key, sizeof key, "rule:%lld|Q:%s", (long long)rows[i].patient, rows[i].question);
        rc = patient_raise(db, a, rows[i].patient, key, "QUESTIONNAIRE", rows[i].text,
                           rows[i].prio, now, p, err);
    }
    if (!rc && n)
        rc = cursor_set(db, "answer", rows[n - 1].id, err);
    if (!rc && !n && last == start)
        rc = cursor_set(db, "answer", last, err);
    return rc;
}

/* A treatment day (the newest regimen's start to end) of an active episode on which the patient
 * sent no questionnaire answer by the pathway's "after" time: one SELF_REPORT_MISSED alarm per
 * patient and day (the day is in the key, and a key that ever had an alarm is skipped, so a
 * resolved one is not raised again). The rule runs in the writer, so each tick judges only the
 * next QUESTIONNAIRE_BATCH active episodes of the pathway by id (a position cursor, the date
 * times 10^9 plus the last episode id judged, starts again each day); the per-pathway cursor
 * (the date as YYYYMMDD) moves to today once the scan has passed the last episode. Judging every
 * episode at each tick, as before, took 0.3-0.9 s per tick with 10,000 active patients after the
 * "after" time and stalled every write behind it (bench/api.sh: 12,900 -> 3,800 worklist
 * requests/s). The rule cannot see which questions the template makes due that day (that is the
 * pathway module's): it is meant for pathways that ask required questions every day. */
#define QUESTIONNAIRE_BATCH 200
#define QUESTIONNAIRE_POS_DAY 1000000000LL

/* Whether the regimen (its JSON body) asks for answers on today (date, "YYYY-MM-DD"): its
 * treatment period ("start_date" to "end_date") holds today, and, where the pathway says which
 * days have required questions, today is one: a pathway whose required questions come on some
 * days only (weekly, on treatment days 1, 3, 7) has no missed questionnaire on the others.
 * Without the pathway's word, or with dates that do not parse, every day of the period asks
 * (the alarm rather than silence); without a period, none. Read here rather than in SQL, whose
 * JSON functions differ between SQLite and PostgreSQL. */
static int answers_asked(const hm_alarm_rules *r, const char *body, hm_date today,
                         const char *date)
{
    json_t *j = body ? json_loads(body, 0, NULL) : NULL;
    const char *from = json_string_value(json_object_get(j, "start_date"));
    const char *to = json_string_value(json_object_get(j, "end_date"));
    int asks = from && to && strcmp(from, date) <= 0 && strcmp(to, date) >= 0;
    hm_date start, end;
    if (asks && r->answers_due && !hm_date_parse(from, &start, NULL) &&
        !hm_date_parse(to, &end, NULL))
        asks = r->answers_due(r->pathway_ctx, start, end, today);
    json_decref(j);
    return asks;
}

static int questionnaire_rule(hm_db *db, hm_alarms *a, const hm_alarm_rules *r, int64_t now,
                              struct hm__pending *p, hm_err *err)
{
    hm_date today;
    int minutes;
    hm_utc_to_local(now, &today, &minutes);
    if (minutes < r->questionnaire_after_min)
        return HM_OK;
    int64_t ymd = today.y * 10000LL + today.m * 100 + today.d, done = 0, pos = 0;
    char name[96], pos_name[112], date[11];
    snprintf(name, sizeof name, "questionnaire_missed:%s", r->pathway);
    snprintf(pos_name, sizeof pos_name, "questionnaire_scan:%s", r->pathway);
    hm_date_format(today, date);
    int rc = cursor_get(db, name, 0, &done, err);
    if (!rc && done < ymd)
        rc = cursor_get(db, pos_name, 0, &pos, err);
    if (rc || done >= ymd)
        return rc;
    int64_t from = pos / QUESTIONNAIRE_POS_DAY == ymd ? pos % QUESTIONNAIRE_POS_DAY : 0;
    /* the next batch of episodes: up to which id, and whether it is the last */
    hm_cursor c;
    rc = hm_db_query(db,
                     "SELECT coalesce(max(id), ?2), count(*) FROM (SELECT id FROM episode"
                     " WHERE state = 'active' AND pathway = ?1 AND id > ?2 ORDER BY id LIMIT ?3) AS batch",
                     HM_ARGS(HM_S(r->pathway), HM_I(from), HM_I(QUESTIONNAIRE_BATCH)), &c, err);
    if (rc)
        return rc;
    int64_t upto = from, scanned = 0;
    rc = hm_cursor_next(&c, err);
    if (rc == HM_ROW) {
        upto = hm_cursor_int(&c, 0);
        scanned = hm_cursor_int(&c, 1);
    }
    hm_cursor_close(&c);
    if (rc < 0)
        return rc;
    rc = hm_db_query(
        db,
        "SELECT pid, body FROM"
        " (SELECT e.id AS eid, e.patient_id AS pid, (SELECT body FROM regimen r"
        " WHERE r.episode_id = e.id ORDER BY version DESC LIMIT 1) AS body FROM episode e"
        " WHERE e.state = 'active' AND e.pathway = ?1 AND e.id > ?3 AND e.id <= ?4) AS active"
        " WHERE NOT EXISTS (SELECT 1 FROM answer a"
        " WHERE a.episode_id = eid AND a.local_date = ?2) AND NOT EXISTS (SELECT 1 FROM alarm"
        " WHERE alert_key = 'rule:' || pid || '|QUESTIONNAIRE_MISSED:' || ?2)",
        HM_ARGS(HM_S(r->pathway), HM_S(date), HM_I(from), HM_I(upto)), &c, err);
    if (rc)
        return rc;
    int64_t patients[QUESTIONNAIRE_BATCH];
    size_t n = 0;
    while (n < QUESTIONNAIRE_BATCH && (rc = hm_cursor_next(&c, err)) == HM_ROW)
        if (answers_asked(r, hm_cursor_text(&c, 1), today, date))
            patients[n++] = hm_cursor_int(&c, 0);
    hm_cursor_close(&c);
    rc = rc < 0 ? rc : HM_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        char key[96], text[160], after[16];
        snprintf(after, sizeof after, "%02d:%02d", r->questionnaire_after_min / 60,
                 r->questionnaire_after_min % 60);
        snprintf(key, sizeof key, "rule:%lld|QUESTIONNAIRE_MISSED:%s", (long long)patients[i],
                 date);
        snprintf(text, sizeof text, "questionnaire of %s not answered by %s", date, after);
        rc = patient_raise(db, a, patients[i], key, "SELF_REPORT_MISSED", text,
                           r->questionnaire_prio, now, p, err);
    }
    if (!rc)
        rc = cursor_set(db, pos_name, ymd * QUESTIONNAIRE_POS_DAY + upto, err);
    if (!rc && scanned < QUESTIONNAIRE_BATCH)
        rc = cursor_set(db, name, ymd, err);
    return rc;
}

static int questionnaire_pass(hm_db *db, hm_alarms *a, int64_t now, struct hm__pending *p,
                              hm_err *err)
{
    int rc = HM_OK;
    for (size_t i = 0; !rc && i < a->nrules; i++)
        if (a->rules[i].questionnaire_after_min >= 0 && a->rules[i].questionnaire_prio >= 0 &&
            a->rules[i].pathway[0])
            rc = questionnaire_rule(db, a, &a->rules[i], now, p, err);
    return rc;
}

/* ---- missed tasks and self-reports ---- */

static int is_self_report(const hm_alarm_rules *r, const char *kind)
{
    for (size_t i = 0; i < 4; i++)
        if (r->self_report_kinds[i][0] && strcmp(r->self_report_kinds[i], kind) == 0)
            return 1;
    return 0;
}

static int task_one(hm_db *db, hm_alarms *a, hm_cursor *c, int64_t now, struct hm__pending *p,
                    hm_err *err)
{
    int64_t id = hm_cursor_int(c, 0), patient = hm_cursor_int(c, 1), prio = hm_cursor_int(c, 3);
    const char *kind = hm_cursor_text(c, 2);
    const char *pathway = hm_cursor_text(c, 5);
    const hm_alarm_rules *rules = hm__alarm_rules(a, pathway);
    int self = is_self_report(rules, kind);
    char key[64], text[200], when[40], started[40];
    snprintf(key, sizeof key, "task:%lld", (long long)id);
    hm_time_format_utc(hm_cursor_int(c, 4), when);
    /* A visit a nurse started (under way) but did not document: the operator asks her, rather
     * than sending someone. */
    if (hm_cursor_is_null(c, 6)) {
        snprintf(text, sizeof text, "%s %s not done (window ended %s)",
                 self ? "self-report" : "task", kind, when);
    } else {
        hm_time_format_utc(hm_cursor_int(c, 6), started);
        snprintf(text, sizeof text, "task %s started %s but not documented (window ended %s)",
                 kind, started, when);
    }
    int level = prio <= 1 ? HM_ALARM_HIGH : prio == 2 ? HM_ALARM_MEDIUM : HM_ALARM_LOW;
    return patient_raise(db, a, patient, key, self ? "SELF_REPORT_MISSED" : "TASK_MISSED", text,
                         level, now, p, err);
}

static int tasks_pass(hm_db *db, hm_alarms *a, int64_t now, struct hm__pending *p, hm_err *err)
{
    int64_t upto = now - a->task_grace_ms, last = 0;
    int rc = cursor_get(db, "task_window_end", upto, &last, err);
    hm_cursor c;
    if (!rc)
        rc = hm_db_query(db,
                         "SELECT t.id, t.patient_id, t.kind, t.priority, t.window_end_ms,"
                         " e.pathway, t.started_ms FROM task t JOIN episode e ON e.id = t.episode_id"
                         " WHERE t.window_end_ms > ? AND t.window_end_ms <= ? AND"
                         " t.state = 'planned' AND e.state = 'active'"
                         " ORDER BY t.window_end_ms LIMIT 1000",
                         HM_ARGS(HM_I(last), HM_I(upto)), &c, err);
    if (rc)
        return rc;
    int64_t reached = upto;
    int n = 0;
    for (;;) {
        int step = hm_cursor_next(&c, err);
        if (step != HM_ROW) {
            rc = step == HM_DONE ? HM_OK : step;
            break;
        }
        /* Batches stop at a full page: the cursor moves only as far as was judged. */
        reached = hm_cursor_int(&c, 4);
        if ((rc = task_one(db, a, &c, now, p, err)))
            break;
        n++;
    }
    hm_cursor_close(&c);
    if (!rc && n < 1000)
        reached = upto;
    return rc ? rc : cursor_set(db, "task_window_end", reached, err);
}

/* ---- pumps ---- */

static int name_has(const hm_pcd_code *code, const char *part)
{
    return strstr(code->name, part) != NULL;
}

int hm__rules_pump_event(hm_db *db, hm_alarms *a, const hm_pcd_msg *m, int64_t now_ms,
                         const struct hm__ctx *ctx, struct hm__pending *p, hm_err *err)
{
    const char *serial = m->device_serial;
    if (!serial[0])
        return HM_OK;
    if (name_has(&m->event.code, "DELIV_STOP") || name_has(&m->event.code, "PAUSE"))
        return hm_db_exec(db,
                          "INSERT INTO pump_state (serial, stopped_ms) VALUES (?, ?) ON CONFLICT"
                          " (serial) DO UPDATE SET stopped_ms = coalesce(pump_state.stopped_ms,"
                          " excluded.stopped_ms)",
                          HM_ARGS(HM_S(serial), HM_I(m->event.time_ms ? m->event.time_ms : now_ms)),
                          err);
    /* Started again, or finished: the infusion is no longer stopped. */
    int64_t alarm = 0;
    int rc = hm_db_query_int(db, "SELECT coalesce(alarm_id, 0) FROM pump_state WHERE serial = ?",
                             HM_ARGS(HM_S(serial)), &alarm, err);
    if (rc == HM_ENOTFOUND)
        return HM_OK;
    if (!rc)
        rc = hm_db_exec(db, "DELETE FROM pump_state WHERE serial = ?", HM_ARGS(HM_S(serial)), err);
    if (rc || !alarm)
        return rc;
    char key[96];
    snprintf(key, sizeof key, "pumpstop:%s", serial);
    struct hm__raise r = {.source = "rule",
                          .key = key,
                          .serial = serial,
                          .ended = 1,
                          .patient = ctx->patient,
                          .now_ms = now_ms};
    return hm__alarm_raise(a, db, &r, p, NULL, err);
}

static int pumps_pass(hm_db *db, hm_alarms *a, int64_t now, struct hm__pending *p, hm_err *err)
{
    hm_cursor c;
    int rc = hm_db_query(db,
                         "SELECT serial, stopped_ms FROM pump_state WHERE alarm_id IS NULL"
                         " AND stopped_ms IS NOT NULL ORDER BY stopped_ms LIMIT 100",
                         HM_NOARGS, &c, err);
    if (rc)
        return rc;
    struct {
        char serial[64];
        int64_t since;
    } rows[100];
    size_t n = 0;
    while (n < 100 && (rc = hm_cursor_next(&c, err)) == HM_ROW) {
        snprintf(rows[n].serial, sizeof rows[n].serial, "%s", hm_cursor_text(&c, 0));
        rows[n].since = hm_cursor_int(&c, 1);
        n++;
    }
    hm_cursor_close(&c);
    rc = rc < 0 ? rc : HM_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        struct hm__ctx ctx;
        rc = hm__ctx_device(db, rows[i].serial, &ctx, err);
        const hm_alarm_rules *rules = hm__alarm_rules(a, ctx.pathway);
        if (rc || rules->pump_stopped_ms <= 0 || rules->pump_stopped_prio < 0 ||
            now - rows[i].since < rules->pump_stopped_ms)
            continue;
        char key[96], text[160];
        snprintf(key, sizeof key, "pumpstop:%.64s", rows[i].serial);
        snprintf(text, sizeof text, "infusion stopped for over %lld minutes",
                 (long long)(rules->pump_stopped_ms / 60000));
        struct hm__raise r = {.source = "rule",
                              .key = key,
                              .serial = rows[i].serial,
                              .code = "PUMP_STOPPED",
                              .text = text,
                              .kind = "technical",
                              .prio = (enum hm_alarm_prio)rules->pump_stopped_prio,
                              .patient = ctx.patient,
                              .episode = ctx.episode,
                              .municipality = ctx.municipality,
                              .pathway = ctx.pathway,
                              .now_ms = now};
        int64_t id = 0;
        rc = hm__alarm_raise(a, db, &r, p, &id, err);
        if (!rc)
            rc = hm_db_exec(db, "UPDATE pump_state SET alarm_id = ? WHERE serial = ?",
                            HM_ARGS(HM_I(id), HM_S(rows[i].serial)), err);
    }
    return rc;
}

/* Patients of a pathway with a self-report rule whose last report (or, before the first, the
 * episode's activation) is older than the rule allows, and who have no alarm for it since:
 * over all active episodes of the pathway (patient 0) or for one patient. */
static int self_report_overdue(hm_db *db, const hm_alarm_rules *r, int64_t patient, int64_t now,
                               int64_t *patients, int64_t *last, size_t cap, size_t *n,
                               hm_err *err)
{
    hm_cursor c;
    int rc = hm_db_query(
        db,
        "SELECT patient_id, last FROM (SELECT e.patient_id, coalesce((SELECT max(o.observed_ms)"
        " FROM observation o WHERE o.patient_id = e.patient_id AND o.kind = ? AND"
        " o.source = 'patient'), e.activated_ms) AS last FROM episode e WHERE e.state = 'active'"
        " AND e.pathway = ? AND (? = 0 OR e.patient_id = ?)) AS active WHERE last < ? AND NOT EXISTS"
        " (SELECT 1 FROM alarm WHERE alert_key = 'rule:' || patient_id || '|SELF_REPORT_MISSED'"
        " AND raised_ms > last) LIMIT 100",
        HM_ARGS(HM_S(r->self_report_kind), HM_S(r->pathway), HM_I(patient), HM_I(patient),
                HM_I(now - r->self_report_every_ms)),
        &c, err);
    if (rc)
        return rc;
    *n = 0;
    while (*n < cap && (rc = hm_cursor_next(&c, err)) == HM_ROW) {
        patients[*n] = hm_cursor_int(&c, 0);
        last[(*n)++] = hm_cursor_int(&c, 1);
    }
    hm_cursor_close(&c);
    return rc < 0 ? rc : HM_OK;
}

int hm__self_report_candidates(hm_db *db, hm_alarms *a, int64_t now, struct hm__overdue *out,
                               hm_err *err)
{
    out->n = 0;
    int rc = HM_OK;
    for (size_t i = 0; !rc && i < a->nrules && out->n < HM__OVERDUE_MAX; i++) {
        const hm_alarm_rules *r = &a->rules[i];
        if (r->self_report_every_ms <= 0 || r->self_report_prio < 0 || !r->pathway[0])
            continue;
        int64_t patients[100], last[100];
        size_t n = 0, room = HM__OVERDUE_MAX - out->n;
        rc = self_report_overdue(db, r, 0, now, patients, last, room < 100 ? room : 100, &n, err);
        for (size_t k = 0; !rc && k < n; k++) {
            out->rule[out->n] = i;
            out->patient[out->n++] = patients[k];
        }
    }
    return rc;
}

int hm__self_report_job(hm_db *db, hm_alarms *a, const struct hm__overdue *o, int64_t now,
                        struct hm__pending *p, hm_err *err)
{
    int rc = HM_OK;
    for (size_t i = 0; !rc && i < o->n; i++) {
        const hm_alarm_rules *r = &a->rules[o->rule[i]];
        int64_t patient, last;
        size_t n = 0;
        /* Judged again here: a report or an alarm may have come since the reader looked. */
        rc = self_report_overdue(db, r, o->patient[i], now, &patient, &last, 1, &n, err);
        if (rc || !n)
            continue;
        char key[64], text[160], when[40];
        snprintf(key, sizeof key, "rule:%lld|SELF_REPORT_MISSED", (long long)patient);
        hm_time_format_utc(last, when);
        snprintf(text, sizeof text, "no %s from the patient since %s", r->self_report_kind, when);
        rc = patient_raise(db, a, patient, key, "SELF_REPORT_MISSED", text, r->self_report_prio,
                           now, p, err);
    }
    return rc;
}

int hm__rules_job(hm_db *db, hm_alarms *a, int64_t now_ms, struct hm__pending *p, hm_err *err)
{
    int rc = vitals_pass(db, a, now_ms, p, err);
    if (!rc)
        rc = tasks_pass(db, a, now_ms, p, err);
    if (!rc)
        rc = pumps_pass(db, a, now_ms, p, err);
    if (!rc)
        rc = answers_pass(db, a, now_ms, p, err);
    if (!rc)
        rc = questionnaire_pass(db, a, now_ms, p, err);
    return rc;
}
