/* tasks.c: an episode's tasks: generated from the pathway template and the current regimen
 * (pathway/), listed per organisation and day (the zone's worklist) and per episode, documented
 * as done (validated against the template's documentation schema) or not done with a reason,
 * and listed as missed when their window has passed. Shortages move home-care tasks to the
 * hospital ward for a date range. */
#include "care/tasks_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/jsonw.h"
#include "care/worklist_cache.h"
#include "pathway/pathway.h"

struct episode_ctx {
    char pathway[64];
    int64_t patient_id, hospital_org, home_care_org, backup_org, home_root;
    int hospital_weekdays;
    char generated_to[11];
};

static int load_ctx(hm_db *db, int64_t episode_id, struct episode_ctx *e, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db,
                         "SELECT e.pathway, e.patient_id, e.hospital_org_id, e.home_care_org_id,"
                         " coalesce(e.backup_org_id, e.hospital_org_id), hc.root_id,"
                         " e.hospital_weekdays, e.generated_to FROM episode e JOIN org hc ON"
                         " hc.id = e.home_care_org_id WHERE e.id = ?",
                         HM_ARGS(HM_I(episode_id)), &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_ROW) {
        snprintf(e->pathway, sizeof e->pathway, "%s", hm__text(&cur, 0));
        e->patient_id = hm_cursor_int(&cur, 1);
        e->hospital_org = hm_cursor_int(&cur, 2);
        e->home_care_org = hm_cursor_int(&cur, 3);
        e->backup_org = hm_cursor_int(&cur, 4);
        e->home_root = hm_cursor_int(&cur, 5);
        e->hospital_weekdays = (int)hm_cursor_int(&cur, 6);
        snprintf(e->generated_to, sizeof e->generated_to, "%s", hm__text(&cur, 7));
        rc = HM_OK;
    } else if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_ENOTFOUND, "episode %lld does not exist", (long long)episode_id);
    }
    hm_cursor_close(&cur);
    return rc;
}

/* The municipality's declared shortages that overlap [from, to]. */
static int load_shortages(hm_db *db, int64_t muni, hm_date_range **out, size_t *n, hm_err *err)
{
    *out = NULL;
    *n = 0;
    hm_cursor cur;
    int rc = hm_db_query(db, "SELECT from_date, to_date FROM shortage WHERE org_id = ?",
                         HM_ARGS(HM_I(muni)), &cur, err);
    if (rc)
        return rc;
    size_t cap = 0;
    for (;;) {
        rc = hm_cursor_next(&cur, err);
        if (rc != HM_ROW)
            break;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            hm_date_range *g = realloc(*out, cap * sizeof **out);
            if (!g) {
                rc = hm_err_set(err, HM_ENOMEM, "out of memory");
                break;
            }
            *out = g;
        }
        hm_date_range *r = &(*out)[*n];
        if (hm_date_parse(hm__text(&cur, 0), &r->from, NULL) == HM_OK &&
            hm_date_parse(hm__text(&cur, 1), &r->to, NULL) == HM_OK)
            (*n)++;
    }
    hm_cursor_close(&cur);
    if (rc != HM_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return HM_OK;
}

static int load_regimen(hm_db *db, int64_t episode_id, const hm_care *care, hm_regimen *reg,
                        hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db,
                         "SELECT body FROM regimen WHERE episode_id = ? ORDER BY version DESC"
                         " LIMIT 1",
                         HM_ARGS(HM_I(episode_id)), &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    json_t *j = rc == HM_ROW ? json_loads(hm__text(&cur, 0), 0, NULL) : NULL;
    hm_cursor_close(&cur);
    if (!j)
        return hm_err_set(err, HM_ECONFLICT, "episode %lld has no regimen",
                          (long long)episode_id);
    rc = hm_regimen_from_json(j, reg, err);
    json_decref(j);
    if (rc)
        return rc;
    const hm_drug *d = hm_drug_catalogue_find(care->drugs, reg->drug_code);
    reg->max_bag_hours = d ? d->max_bag_hours : 24;
    return HM_OK;
}

/* Generates tasks for [from, today + horizon] and inserts those not yet under way; when
 * replace is set, planned tasks that have not started are deleted first. */
static int generate(hm_db *db, const hm_call *c, int64_t episode_id, int replace, hm_err *err)
{
    struct episode_ctx e;
    int rc = load_ctx(db, episode_id, &e, err);
    if (rc)
        return rc;
    const struct hm_pathway *p = hm_care_pathway(c->care, e.pathway);
    if (!p)
        return hm_err_set(err, HM_EINTERNAL, "pathway %s is not loaded", e.pathway);
    hm_regimen reg;
    rc = load_regimen(db, episode_id, c->care, &reg, err);
    if (rc)
        return rc;
    /* Planned tasks that have not started yet are replaced; everything else stays. */
    if (replace) {
        rc = hm_db_exec(db,
                        "DELETE FROM task WHERE episode_id = ? AND state = 'planned' AND"
                        " window_start_ms > ?",
                        HM_ARGS(HM_I(episode_id), HM_I(c->now_ms)), err);
        if (rc)
            return rc;
    }
    hm_date today;
    int minutes;
    hm_utc_to_local(c->now_ms, &today, &minutes);
    if (!replace && e.generated_to[0]) {
        hm_date g;
        if (hm_date_parse(e.generated_to, &g, NULL) == HM_OK && hm_date_cmp(g, today) > 0)
            today = hm_date_add_days(g, 1);
    }
    hm_date to = hm_date_add_days(today, HM_TASK_HORIZON_DAYS);
    hm_date_range *shortages;
    size_t nshort;
    rc = load_shortages(db, e.home_root, &shortages, &nshort, err);
    if (rc)
        return rc;
    hm_episode_ctx ctx = {
        .home_care_org = e.home_care_org,
        .hospital_org = e.hospital_org,
        .backup_org = e.backup_org,
        .shortages = shortages,
        .n_shortages = nshort,
        .hospital_weekdays = e.hospital_weekdays,
    };
    hm_gen_task *tasks = NULL;
    size_t n = 0;
    rc = hm_pathway_generate(p, &reg, &ctx, today, to, &tasks, &n, err);
    free(shortages);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && rc == HM_OK; i++) {
        const hm_gen_task *t = &tasks[i];
        if (t->window_start_ms <= c->now_ms)
            continue; /* already under way or past: not regenerated */
        char date[11];
        hm_date_format(t->date, date);
        rc = hm_db_exec(db,
                        "INSERT INTO task (episode_id, patient_id, kind, local_date, seq,"
                        " window_start_ms, window_end_ms, due_ms, duration_min, competence,"
                        " org_id, location, priority, nurses) VALUES"
                        " (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                        HM_ARGS(HM_I(episode_id), HM_I(e.patient_id), HM_S(t->kind), HM_S(date),
                                HM_I(t->seq), HM_I(t->window_start_ms), HM_I(t->window_end_ms),
                                HM_I(t->due_ms), HM_I(t->duration_min),
                                t->competence[0] ? HM_S(t->competence) : HM_NULLV,
                                HM_I(t->org_id), HM_S(t->location), HM_I(t->priority),
                                HM_I(t->nurses)),
                        err);
    }
    free(tasks);
    if (rc)
        return rc;
    char date[11];
    hm_date_format(to, date);
    return hm_db_exec(db, "UPDATE episode SET generated_to = ? WHERE id = ?",
                      HM_ARGS(HM_S(date), HM_I(episode_id)), err);
}

int hm__tasks_regenerate(hm_db *db, const hm_call *c, int64_t episode_id, hm_err *err)
{
    return generate(db, c, episode_id, 1, err);
}

int hm__tasks_extend(hm_db *db, const hm_call *c, int64_t episode_id, hm_err *err)
{
    return generate(db, c, episode_id, 0, err);
}

struct extend_job {
    const hm_call *c;
    int64_t episode_id;
};

static int extend_job(hm_db *db, void *arg, hm_err *err)
{
    struct extend_job *j = arg;
    return hm__tasks_extend(db, j->c, j->episode_id, err);
}

int hm_care_tasks_extend(hm_care *care, int64_t now_ms, int *extended, hm_err *err)
{
    hm_date today;
    int minutes;
    hm_utc_to_local(now_ms, &today, &minutes);
    char horizon[11];
    hm_date_format(hm_date_add_days(today, HM_TASK_HORIZON_DAYS - 1), horizon);
    hm_db *db;
    int rc = hm_store_read_begin(care->store, &db, err);
    if (rc)
        return rc;
    hm__ids ids = {0};
    hm_cursor cur;
    rc = hm_db_query(db,
                     "SELECT id FROM episode WHERE state = 'active' AND (generated_to IS NULL OR"
                     " generated_to < ?)",
                     HM_ARGS(HM_S(horizon)), &cur, err);
    while (!rc) {
        int step = hm_cursor_next(&cur, err);
        if (step != HM_ROW) {
            rc = step == HM_DONE ? HM_OK : step;
            break;
        }
        rc = hm__ids_push(&ids, hm_cursor_int(&cur, 0), err);
    }
    hm_cursor_close(&cur);
    hm_store_read_end(care->store, db);
    hm_actor system = {.role = "system"};
    hm_call c = {care, &system, now_ms, "task-horizon"};
    for (size_t i = 0; i < ids.n && rc == HM_OK; i++) {
        struct extend_job j = {&c, ids.v[i]};
        rc = hm_writer_submit(care->writer, extend_job, &j, err);
    }
    free(ids.v);
    if (extended)
        *extended = (int)ids.n;
    return rc;
}

/* ---- listing ---- */

#define TASK_COLS                                                                                  \
    "t.id, t.episode_id, t.patient_id, p.name, p.address, p.lat, p.lon, t.kind, t.local_date,"   \
    " t.seq, t.window_start_ms, t.window_end_ms, t.due_ms, t.duration_min, t.competence,"        \
    " t.org_id, o.name, t.location, t.priority, t.state, t.done_ms, t.done_by, t.documentation," \
    " t.reason, t.assigned_staff_id, t.route_order, sa.name, sd.name, t.started_ms,"          \
    " CASE WHEN t.started_by IS NOT NULL THEN (SELECT name FROM staff WHERE id = t.started_by) END," \
    " t.planned_ms, t.unplanned, t.nurse_locked, t.nurses, t.partner_staff_id,"                  \
    " t.partner_route_order, sp.name"
#define TASK_JOIN                                                                                  \
    " FROM task t JOIN patient p ON p.id = t.patient_id JOIN org o ON o.id = t.org_id"            \
    " LEFT JOIN staff sa ON sa.id = t.assigned_staff_id LEFT JOIN staff sd ON sd.id = t.done_by"  \
    " LEFT JOIN staff sp ON sp.id = t.partner_staff_id"

/* A column of UTC milliseconds as an ISO time, or null. */
static void key_utc_or_null(hm_jw *w, const char *key, hm_cursor *cur, int col)
{
    hm_jw_key(w, key);
    if (hm_cursor_is_null(cur, col)) {
        hm_jw_null(w);
        return;
    }
    char at[32];
    hm_time_format_utc(hm_cursor_int(cur, col), at);
    hm_jw_str(w, at);
}

/* A column of integers as a number, or null. */
static void key_int_or_null(hm_jw *w, const char *key, hm_cursor *cur, int col)
{
    hm_jw_key(w, key);
    hm_cursor_is_null(cur, col) ? hm_jw_null(w) : hm_jw_int(w, hm_cursor_int(cur, col));
}

/* One task as JSON, written straight into the answer: worklists are the hottest read. */
static void task_write(hm_jw *w, hm_cursor *cur)
{
    char ws[32], we[32];
    hm_time_format_local(hm_cursor_int(cur, 10), ws);
    hm_time_format_local(hm_cursor_int(cur, 11), we);
    hm_jw_obj_begin(w);
    hm_jw_key(w, "id");
    hm_jw_int(w, hm_cursor_int(cur, 0));
    hm_jw_key(w, "episode_id");
    hm_jw_int(w, hm_cursor_int(cur, 1));
    hm_jw_key(w, "patient_id");
    hm_jw_int(w, hm_cursor_int(cur, 2));
    hm_jw_key(w, "patient_name");
    hm_jw_str(w, hm__text(cur, 3));
    hm_jw_key(w, "address");
    hm_jw_str(w, hm__text(cur, 4));
    hm_jw_key(w, "lat");
    hm_jw_num(w, hm_cursor_double(cur, 5));
    hm_jw_key(w, "lon");
    hm_jw_num(w, hm_cursor_double(cur, 6));
    hm_jw_key(w, "kind");
    hm_jw_str(w, hm__text(cur, 7));
    hm_jw_key(w, "date");
    hm_jw_str(w, hm__text(cur, 8));
    hm_jw_key(w, "seq");
    hm_jw_int(w, hm_cursor_int(cur, 9));
    hm_jw_key(w, "window_start");
    hm_jw_str(w, ws);
    hm_jw_key(w, "window_end");
    hm_jw_str(w, we);
    hm_jw_key(w, "due");
    char due[32];
    hm_time_format_utc(hm_cursor_int(cur, 12), due);
    hm_jw_str(w, due);
    hm_jw_key(w, "duration_min");
    hm_jw_int(w, hm_cursor_int(cur, 13));
    hm_jw_key(w, "competence");
    hm_jw_str(w, hm_cursor_text(cur, 14));
    hm_jw_key(w, "org_id");
    hm_jw_int(w, hm_cursor_int(cur, 15));
    hm_jw_key(w, "org");
    hm_jw_str(w, hm__text(cur, 16));
    hm_jw_key(w, "location");
    hm_jw_str(w, hm__text(cur, 17));
    hm_jw_key(w, "priority");
    hm_jw_int(w, hm_cursor_int(cur, 18));
    hm_jw_key(w, "state");
    hm_jw_str(w, hm__text(cur, 19));
    key_utc_or_null(w, "done_at", cur, 20);
    key_int_or_null(w, "done_by", cur, 21);
    /* documentation is stored as JSON text written by heime itself */
    hm_jw_key(w, "documentation");
    hm_jw_raw(w, hm_cursor_text(cur, 22));
    hm_jw_key(w, "reason");
    hm_jw_str(w, hm_cursor_text(cur, 23));
    key_int_or_null(w, "assigned_staff_id", cur, 24);
    key_int_or_null(w, "route_order", cur, 25);
    hm_jw_key(w, "assigned_staff");
    hm_jw_str(w, hm_cursor_text(cur, 26));
    hm_jw_key(w, "done_by_name");
    hm_jw_str(w, hm_cursor_text(cur, 27));
    key_utc_or_null(w, "started_at", cur, 28); /* under way: started, not yet documented */
    hm_jw_key(w, "started_by_name");
    hm_jw_str(w, hm_cursor_text(cur, 29));
    key_utc_or_null(w, "planned_start", cur, 30); /* on its nurse's route, by the last plan */
    hm_jw_key(w, "unplanned_reason"); /* why the last plan could not place it */
    hm_cursor_is_null(cur, 31) ? hm_jw_null(w) : hm_jw_str(w, hm_cursor_text(cur, 31));
    hm_jw_key(w, "locked"); /* the coordinator's nurse, kept by every plan */
    hm_jw_bool(w, hm_cursor_int(cur, 32) != 0);
    hm_jw_key(w, "nurses"); /* 2: made by two nurses together, the second one the partner */
    hm_jw_int(w, hm_cursor_int(cur, 33));
    key_int_or_null(w, "partner_staff_id", cur, 34);
    key_int_or_null(w, "partner_route_order", cur, 35);
    hm_jw_key(w, "partner_staff");
    hm_jw_str(w, hm_cursor_text(cur, 36));
    hm_jw_obj_end(w);
}

/* Runs a task query, collecting JSON rows and the distinct patients for the audit row. */
static int collect(hm_db *db, const char *sql, const hm_val *p, int np, hm_jw *arr,
                   hm__ids *patients, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db, sql, p, np, &cur, err);
    if (rc)
        return rc;
    for (;;) {
        rc = hm_cursor_next(&cur, err);
        if (rc != HM_ROW)
            break;
        task_write(arr, &cur);
        int64_t pid = hm_cursor_int(&cur, 2);
        int seen = 0;
        for (size_t i = 0; i < patients->n && !seen; i++)
            seen = patients->v[i] == pid;
        if (!seen) {
            rc = hm__ids_push(patients, pid, err);
            if (rc)
                break;
        }
    }
    hm_cursor_close(&cur);
    return rc == HM_DONE ? HM_OK : rc;
}

/* The worklist change counter, or -1 when this database has none (no caching then). */
static int64_t worklist_version(hm_db *db)
{
    int64_t v = -1;
    if (hm_db_query_int(db, "SELECT v FROM change_counter WHERE name = 'worklist'", HM_NOARGS, &v,
                        NULL) != HM_OK)
        return -1;
    return v;
}

/* A task list of an organisation. With cache_date, the finished answer is kept in the
 * worklist cache: the counter is read before the rows, so an entry is never older than its
 * version. Every answer, cached or not, writes its audit row before it is returned. */
static int org_list(const hm_call *c, int64_t org_id, const char *sql, const hm_val *p, int np,
                    const char *cache_date, const char *object, char **out, size_t *len,
                    hm_err *err)
{
    hm_db *db;
    int rc = hm__care_read_begin(c, HM_ACT_TASK_LIST, &db, err);
    if (rc)
        return rc;
    hm__ids patients = {0};
    char *text = NULL;
    size_t tlen = 0;
    rc = hm_policy_org_access(db, c->actor, org_id, err);
    int64_t version = !rc && cache_date ? worklist_version(db) : -1;
    int hit = version >= 0 && hm__worklist_cache_get(org_id, cache_date, version, &text, &tlen,
                                                     &patients.v, &patients.n);
    patients.cap = patients.n;
    if (!rc && !hit) {
        hm_jw arr;
        hm_jw_init(&arr, 0);
        hm_jw_arr_begin(&arr);
        rc = collect(db, sql, p, np, &arr, &patients, err);
        hm_jw_arr_end(&arr);
        if (rc)
            hm_jw_free(&arr);
        else
            rc = hm_jw_finish(&arr, &text, &tlen, err);
        if (!rc && version >= 0)
            hm__worklist_cache_put(org_id, cache_date, version, text, tlen, patients.v,
                                   patients.n);
    }
    hm_store_read_end(c->care->store, db);
    if (!rc)
        rc = hm__care_audit_read(c, object, patients.v, patients.n, 0, err);
    free(patients.v);
    if (rc) {
        free(text);
        return rc;
    }
    *out = text;
    *len = tlen;
    return HM_OK;
}

int hm_care_org_tasks(const hm_call *c, int64_t org_id, const char *date, char **out,
                      size_t *len, hm_err *err)
{
    char buf[11];
    int rc = hm__care_query_date(c, date, buf, err);
    if (rc)
        return rc;
    char object[80];
    snprintf(object, sizeof object, "org/%lld/tasks?date=%s", (long long)org_id, buf);
    return org_list(c, org_id,
                    "SELECT " TASK_COLS TASK_JOIN
                    " WHERE t.local_date = ? AND t.org_id IN (SELECT org_id FROM org_ancestor"
                    " WHERE ancestor_id = ?) AND t.state <> 'cancelled'"
                    " ORDER BY coalesce(t.assigned_staff_id, 0), coalesce(t.route_order, 0),"
                    " t.window_start_ms, t.id",
                    HM_ARGS(HM_S(buf), HM_I(org_id)), buf, object, out, len, err);
}

/* Minutes after a window's end before a task counts as missed. */
#define MISSED_GRACE_MS (15LL * 60 * 1000)

int hm_care_org_tasks_missed(const hm_call *c, int64_t org_id, char **out, size_t *len,
                             hm_err *err)
{
    char object[64];
    snprintf(object, sizeof object, "org/%lld/tasks/missed", (long long)org_id);
    return org_list(c, org_id,
                    "SELECT " TASK_COLS TASK_JOIN
                    " WHERE t.state = 'planned' AND t.window_end_ms < ? AND t.window_end_ms > ?"
                    " AND t.org_id IN (SELECT org_id FROM org_ancestor WHERE ancestor_id = ?)"
                    " ORDER BY t.priority, t.window_end_ms",
                    HM_ARGS(HM_I(c->now_ms - MISSED_GRACE_MS),
                            HM_I(c->now_ms - 14LL * 86400000), HM_I(org_id)),
                    NULL, object, out, len, err);
}

int hm_care_episode_tasks(const hm_call *c, int64_t episode_id, char **out, size_t *len,
                          hm_err *err)
{
    hm_db *db;
    int rc = hm_store_read_begin(c->care->store, &db, err);
    if (rc)
        return rc;
    int64_t patient = 0;
    hm__ids patients = {0};
    int emergency = 0;
    hm_jw arr;
    hm_jw_init(&arr, 0);
    hm_jw_arr_begin(&arr);
    rc = hm__care_episode_patient(db, episode_id, &patient, err);
    if (!rc)
        rc = hm__care_patient_check(db, c, HM_ACT_PATIENT_READ, patient, &emergency, err);
    if (!rc)
        rc = collect(db, "SELECT " TASK_COLS TASK_JOIN " WHERE t.episode_id = ?"
                         " ORDER BY t.window_start_ms, t.id",
                     HM_ARGS(HM_I(episode_id)), &arr, &patients, err);
    hm_store_read_end(c->care->store, db);
    hm_jw_arr_end(&arr);
    free(patients.v);
    char object[48];
    snprintf(object, sizeof object, "episode/%lld/tasks", (long long)episode_id);
    if (!rc)
        rc = hm__care_audit_read(c, object, &patient, 1, emergency, err);
    if (rc) {
        hm_jw_free(&arr);
        return rc;
    }
    return hm_jw_finish(&arr, out, len, err);
}

/* ---- documenting ---- */

enum doc_step { DOC_START, DOC_DONE, DOC_NOT_DONE, DOC_UNSTART };

struct doc_job {
    const hm_call *c;
    int64_t task_id;
    const json_t *in;
    enum doc_step step;
    int64_t patient_id;
};

/* The visit is under way: the nurse who started it is at the patient. She takes the task over
 * if it was on another nurse's route (its place in that route no longer means anything); when
 * she was its partner on a two-nurse visit, the two swap, each keeping her own route order. */
static int start_task(hm_db *db, const struct doc_job *j, int64_t started_ms, hm_err *err)
{
    const hm_call *c = j->c;
    if (started_ms)
        return hm_err_set(err, HM_ECONFLICT, "task %lld is already under way",
                          (long long)j->task_id);
    /* SQLite reads every right-hand side from the row as it was: the swap needs no temporary */
    return hm_db_exec(db,
                      "UPDATE task SET started_ms = ?1, started_by = ?2, route_order = CASE WHEN"
                      " assigned_staff_id = ?2 THEN route_order WHEN partner_staff_id = ?2 THEN"
                      " partner_route_order END, partner_route_order = CASE WHEN"
                      " partner_staff_id = ?2 THEN route_order ELSE partner_route_order END,"
                      " partner_staff_id = CASE WHEN partner_staff_id = ?2 THEN assigned_staff_id"
                      " ELSE partner_staff_id END, assigned_staff_id = ?2 WHERE id = ?3",
                      HM_ARGS(HM_I(c->now_ms), HM_I(c->actor->staff_id), HM_I(j->task_id)),
                      err);
}

/* A start pressed by mistake (or a visit given up before it began) is taken back: the visit is
 * no longer under way and stays on the route of the nurse who started it. Only she, or a
 * super-user, may do that. */
static int unstart_task(hm_db *db, const struct doc_job *j, int64_t started_ms,
                        int64_t started_by, hm_err *err)
{
    const hm_call *c = j->c;
    if (!started_ms)
        return hm_err_set(err, HM_ECONFLICT, "task %lld is not under way", (long long)j->task_id);
    if (started_by != c->actor->staff_id && strcmp(c->actor->role, "super_user") != 0)
        return hm_err_set(err, HM_EFORBIDDEN,
                          "only the nurse who started task %lld, or a super-user, may undo it",
                          (long long)j->task_id);
    return hm_db_exec(db, "UPDATE task SET started_ms = NULL, started_by = NULL WHERE id = ?",
                      HM_ARGS(HM_I(j->task_id)), err);
}

static int doc_job(hm_db *db, void *arg, hm_err *err)
{
    struct doc_job *j = arg;
    const hm_call *c = j->c;
    hm_cursor cur;
    int rc = hm__care_task_row(db, j->task_id,
                               "SELECT t.state, t.org_id, t.kind, t.patient_id, t.episode_id,"
                               " e.pathway, coalesce(t.started_ms, 0), coalesce(t.started_by, 0)"
                               " FROM task t JOIN episode e"
                               " ON e.id = t.episode_id WHERE t.id = ?",
                               &cur, err);
    if (rc)
        return rc;
    char state[16], kind[32], pathway[64];
    snprintf(state, sizeof state, "%s", hm__text(&cur, 0));
    int64_t org = hm_cursor_int(&cur, 1);
    snprintf(kind, sizeof kind, "%s", hm__text(&cur, 2));
    j->patient_id = hm_cursor_int(&cur, 3);
    int64_t episode = hm_cursor_int(&cur, 4);
    snprintf(pathway, sizeof pathway, "%s", hm__text(&cur, 5));
    int64_t started_ms = hm_cursor_int(&cur, 6);
    int64_t started_by = hm_cursor_int(&cur, 7);
    hm_cursor_close(&cur);

    rc = hm_policy_org_access(db, c->actor, org, err);
    if (rc)
        return hm_err_set(err, HM_EFORBIDDEN,
                          "task %lld belongs to another organisation's worklist",
                          (long long)j->task_id);
    rc = hm__care_patient_check(db, c, HM_ACT_TASK_DOCUMENT, j->patient_id, NULL, err);
    if (rc)
        return rc;
    if (strcmp(state, "planned") != 0)
        return hm_err_set(err, HM_ECONFLICT, "task %lld is %s, not planned",
                          (long long)j->task_id, state);
    char *text = NULL;
    if (j->step == DOC_START) {
        rc = start_task(db, j, started_ms, err);
    } else if (j->step == DOC_UNSTART) {
        rc = unstart_task(db, j, started_ms, started_by, err);
    } else if (j->step == DOC_DONE) {
        const json_t *doc = json_object_get(j->in, "documentation");
        if (!doc)
            doc = json_object();
        else if (!json_is_object(doc))
            return hm_err_set(err, HM_EINVAL, "field 'documentation' must be an object");
        const struct hm_pathway *p = hm_care_pathway(c->care, pathway);
        if (p) {
            rc = hm_pathway_validate_documentation(p, kind, doc, err);
            if (rc)
                return rc;
        }
        text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
        rc = hm_db_exec(db,
                        "UPDATE task SET state = 'done', done_ms = ?, done_by = ?, documentation = ?"
                        " WHERE id = ?",
                        HM_ARGS(HM_I(c->now_ms), HM_I(c->actor->staff_id), HM_S(text),
                                HM_I(j->task_id)),
                        err);
        /* Vital signs documented on a visit are observations of the patient too. */
        if (!rc && strcmp(kind, "vital_signs") == 0)
            rc = hm_db_exec(db,
                            "INSERT INTO observation (patient_id, episode_id, kind, body, source,"
                            " observed_ms, recorded_ms, recorded_by, task_id) VALUES"
                            " (?, ?, 'vital_signs', ?, 'nurse', ?, ?, ?, ?)",
                            HM_ARGS(HM_I(j->patient_id), HM_I(episode), HM_S(text),
                                    HM_I(c->now_ms), HM_I(c->now_ms), HM_I(c->actor->account_id),
                                    HM_I(j->task_id)),
                            err);
        free(text);
    } else {
        const char *reason;
        rc = hm_json_str(j->in, "reason", 1, 1000, &reason, err);
        if (rc)
            return rc;
        rc = hm_db_exec(db,
                        "UPDATE task SET state = 'not_done', done_ms = ?, done_by = ?, reason = ?"
                        " WHERE id = ?",
                        HM_ARGS(HM_I(c->now_ms), HM_I(c->actor->staff_id), HM_S(reason),
                                HM_I(j->task_id)),
                        err);
    }
    if (rc)
        return rc;
    static const char *const steps[] = {"start", "done", "not-done", "start-undone"};
    char object[48];
    snprintf(object, sizeof object, "task/%lld/%s", (long long)j->task_id, steps[j->step]);
    return hm__care_audit(db, c, "update", object, &j->patient_id, 1, 0, NULL, err);
}

static int document(const hm_call *c, int64_t task_id, const json_t *in, enum doc_step step,
                    json_t **out, hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_TASK_DOCUMENT, err);
    if (rc)
        return rc;
    struct doc_job j = {.c = c, .task_id = task_id, .in = in, .step = step};
    rc = hm__care_write(c, doc_job, &j, err);
    if (rc)
        return rc;
    if (step == DOC_START) {
        char at[32];
        hm_time_format_utc(c->now_ms, at);
        *out = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)task_id, "state", "planned",
                         "started_at", at);
    } else if (step == DOC_UNSTART) {
        *out = json_pack("{s:I, s:s, s:n}", "id", (json_int_t)task_id, "state", "planned",
                         "started_at");
    } else {
        *out = json_pack("{s:I, s:s}", "id", (json_int_t)task_id, "state",
                         step == DOC_DONE ? "done" : "not_done");
    }
    return *out ? HM_OK : hm_err_set(err, HM_ENOMEM, "out of memory");
}

int hm_care_task_start(const hm_call *c, int64_t task_id, const json_t *in, json_t **out,
                       hm_err *err)
{
    return document(c, task_id, in, DOC_START, out, err);
}

int hm_care_task_unstart(const hm_call *c, int64_t task_id, json_t **out, hm_err *err)
{
    return document(c, task_id, NULL, DOC_UNSTART, out, err);
}

int hm_care_task_done(const hm_call *c, int64_t task_id, const json_t *in, json_t **out,
                      hm_err *err)
{
    return document(c, task_id, in, DOC_DONE, out, err);
}

int hm_care_task_not_done(const hm_call *c, int64_t task_id, const json_t *in, json_t **out,
                          hm_err *err)
{
    return document(c, task_id, in, DOC_NOT_DONE, out, err);
}

/* ---- shortages ---- */

struct shortage_job {
    const hm_call *c;
    int64_t org_id;
    const char *from, *to, *reason;
    int64_t id;
};

static int shortage_job(hm_db *db, void *arg, hm_err *err)
{
    struct shortage_job *s = arg;
    int64_t muni = 0;
    int rc = hm_db_query_int(db, "SELECT id FROM org WHERE id = ? AND kind = 'municipality'",
                             HM_ARGS(HM_I(s->org_id)), &muni, err);
    if (rc == HM_ENOTFOUND)
        return hm_err_set(err, HM_ENOTFOUND, "organisation %lld is not a municipality",
                          (long long)s->org_id);
    if (rc)
        return rc;
    rc = hm_policy_org_access(db, s->c->actor, s->org_id, err);
    if (rc)
        return rc;
    rc = hm_db_query_int(db,
                         "INSERT INTO shortage (org_id, from_date, to_date, reason, declared_by,"
                         " created_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                         HM_ARGS(HM_I(s->org_id), HM_S(s->from), HM_S(s->to), HM_S(s->reason),
                                 HM_I(s->c->actor->staff_id), HM_I(s->c->now_ms)),
                         &s->id, err);
    if (rc)
        return rc;
    /* Active episodes of the municipality get their future tasks reassigned. */
    hm_cursor cur;
    rc = hm_db_query(db,
                     "SELECT e.id FROM episode e JOIN org hc ON hc.id = e.home_care_org_id"
                     " WHERE hc.root_id = ? AND e.state = 'active'",
                     HM_ARGS(HM_I(s->org_id)), &cur, err);
    if (rc)
        return rc;
    int64_t ids[4096];
    size_t n = 0;
    while (n < sizeof ids / sizeof ids[0] && hm_cursor_next(&cur, err) == HM_ROW)
        ids[n++] = hm_cursor_int(&cur, 0);
    hm_cursor_close(&cur);
    for (size_t i = 0; i < n && rc == HM_OK; i++)
        rc = hm__tasks_regenerate(db, s->c, ids[i], err);
    if (rc)
        return rc;
    char object[64];
    snprintf(object, sizeof object, "org/%lld/shortage/%lld", (long long)s->org_id,
             (long long)s->id);
    return hm__care_audit(db, s->c, "create", object, NULL, 0, 0, s->reason, err);
}

int hm_care_shortage_declare(const hm_call *c, int64_t org_id, const json_t *in, json_t **out,
                             hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_SHORTAGE_DECLARE, err);
    if (rc)
        return rc;
    struct shortage_job s = {.c = c, .org_id = org_id};
    hm_date f, t;
    rc = hm_json_str(in, "from", 1, 10, &s.from, err);
    if (!rc)
        rc = hm_json_str(in, "to", 1, 10, &s.to, err);
    if (!rc)
        rc = hm_json_str(in, "reason", 1, 500, &s.reason, err);
    if (rc)
        return rc;
    rc = hm_date_parse(s.from, &f, err);
    if (rc)
        return hm_err_set(err, rc, "field 'from': %s", err ? err->msg : "");
    rc = hm_date_parse(s.to, &t, err);
    if (rc)
        return hm_err_set(err, rc, "field 'to': %s", err ? err->msg : "");
    if (hm_date_cmp(t, f) < 0)
        return hm_err_set(err, HM_EINVAL, "field 'to' is before 'from'");
    rc = hm__care_write(c, shortage_job, &s, err);
    if (rc)
        return rc;
    *out = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)s.id, "org_id",
                     (json_int_t)org_id, "from", s.from, "to", s.to);
    return HM_OK;
}
