/* common.c: what every care operation needs: running write jobs, writing audit rows, the
 * patient access check, and JSON from result columns. */
#include "care/care_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathway/pathway.h"

const struct hm_pathway *hm_care_pathway(const hm_care *c, const char *id)
{
    for (size_t i = 0; i < c->npathways; i++)
        if (strcmp(hm_pathway_id(c->pathways[i]), id) == 0)
            return c->pathways[i];
    return NULL;
}

int hm__care_write(const hm_call *c, hm_write_fn fn, void *ctx, hm_err *err)
{
    return hm_writer_submit(c->care->writer, fn, ctx, err);
}

int hm__care_audit(hm_db *db, const hm_call *c, const char *action, const char *object,
                   const int64_t *patients, size_t n, int emergency, const char *reason,
                   hm_err *err)
{
    hm_audit_rec rec = {
        .at_ms = c->now_ms,
        .actor = c->actor,
        .action = action,
        .object = object,
        .patients = patients,
        .npatients = n,
        .reason = reason,
        .emergency = emergency,
        .request_id = c->request_id,
    };
    return hm_audit_append(db, &rec, err);
}

struct read_audit {
    const hm_call *c;
    const char *object;
    const int64_t *patients;
    size_t n;
    int emergency;
};

static int read_audit_job(hm_db *db, void *arg, hm_err *err)
{
    struct read_audit *ra = arg;
    return hm__care_audit(db, ra->c, "read", ra->object, ra->patients, ra->n, ra->emergency, NULL,
                          err);
}

int hm__care_audit_read(const hm_call *c, const char *object, const int64_t *patients, size_t n,
                        int emergency, hm_err *err)
{
    struct read_audit ra = {c, object, patients, n, emergency};
    return hm__care_write(c, read_audit_job, &ra, err);
}

int hm__care_read_begin(const hm_call *c, enum hm_action act, hm_db **db, hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, act, err);
    return rc ? rc : hm_store_read_begin(c->care->store, db, err);
}

int hm__care_read_done(const hm_call *c, int rc, const char *object, const int64_t *patients,
                       size_t n, int emergency, json_t *result, json_t **out, hm_err *err)
{
    if (rc == HM_OK)
        rc = hm__care_audit_read(c, object, patients, n, emergency, err);
    if (rc) {
        json_decref(result);
        return rc;
    }
    *out = result;
    return HM_OK;
}

int hm__care_patient_check(hm_db *db, const hm_call *c, enum hm_action act, int64_t patient_id,
                           int *emergency, hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, act, err);
    if (rc)
        return rc;
    int em = 0;
    rc = hm_policy_patient_access(db, c->actor, patient_id, c->now_ms, &em, err);
    if (emergency)
        *emergency = em;
    return rc;
}

int hm__care_episode_patient(hm_db *db, int64_t episode_id, int64_t *patient_id, hm_err *err)
{
    int rc = hm_db_query_int(db, "SELECT patient_id FROM episode WHERE id = ?",
                             HM_ARGS(HM_I(episode_id)), patient_id, err);
    if (rc == HM_ENOTFOUND)
        return hm_err_set(err, HM_ENOTFOUND, "episode %lld does not exist", (long long)episode_id);
    return rc;
}

int hm__care_read_by_id(const hm_call *c, const struct hm__care_by_id *r, int64_t id,
                        json_t **out, hm_err *err)
{
    hm_db *db;
    int rc = hm__care_read_begin(c, HM_ACT_PATIENT_READ, &db, err);
    if (rc)
        return rc;
    int64_t patient = 0;
    int emergency = 0;
    json_t *arr = json_array();
    rc = hm_db_query_int(db, r->owner_sql, HM_ARGS(HM_I(id)), &patient, err);
    if (rc == HM_ENOTFOUND)
        rc = hm_err_set(err, HM_ENOTFOUND, "%s %lld does not exist", r->what, (long long)id);
    if (!rc)
        rc = hm__care_patient_check(db, c, HM_ACT_PATIENT_READ, patient, &emergency, err);
    if (!rc)
        rc = hm__care_rows(db, r->row_sql, HM_ARGS(HM_I(id)), r->row, arr, err);
    hm_store_read_end(c->care->store, db);
    json_t *one = json_incref(json_array_get(arr, 0));
    json_decref(arr);
    if (!rc && !one)
        rc = hm_err_set(err, HM_ENOTFOUND, "%s %lld does not exist", r->what, (long long)id);
    if (one && r->with_patient)
        json_object_set_new(one, "patient_id", json_integer(patient));
    char object[64];
    snprintf(object, sizeof object, "%s/%lld", r->what, (long long)id);
    return hm__care_read_done(c, rc, object, &patient, 1, emergency, one, out, err);
}

void hm__clock_text(int minutes, char out[6])
{
    unsigned m = minutes < 0 ? 0u : minutes > 1440 ? 1440u : (unsigned)minutes;
    snprintf(out, 6, "%02u:%02u", (m / 60) % 100, m % 60);
}

const char *hm__text(hm_cursor *cur, int col)
{
    const char *s = hm_cursor_text(cur, col);
    return s ? s : "";
}

json_t *hm__jint(hm_cursor *cur, int col)
{
    return hm_cursor_is_null(cur, col) ? json_null() : json_integer(hm_cursor_int(cur, col));
}

json_t *hm__jstr(hm_cursor *cur, int col)
{
    return hm_cursor_is_null(cur, col) ? json_null() : json_string(hm_cursor_text(cur, col));
}

json_t *hm__jtime(hm_cursor *cur, int col)
{
    if (hm_cursor_is_null(cur, col))
        return json_null();
    char buf[32];
    hm_time_format_utc(hm_cursor_int(cur, col), buf);
    return json_string(buf);
}

json_t *hm__care_patient_json(hm_cursor *cur)
{
    json_t *nok = json_loads(hm__text(cur, 9), 0, NULL);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:f, s:f, s:s, s:o, s:o, s:I, s:o, s:o}", "id",
                     (json_int_t)hm_cursor_int(cur, 0), "national_id", hm__text(cur, 1), "name",
                     hm__text(cur, 2), "municipality", hm__text(cur, 3), "address",
                     hm__text(cur, 4), "lat", hm_cursor_double(cur, 5), "lon",
                     hm_cursor_double(cur, 6), "language", hm__text(cur, 7), "phone",
                     hm__jstr(cur, 8), "next_of_kin", nok ? nok : json_array(),
                     "municipality_id", (json_int_t)hm_cursor_int(cur, 10), "zone_id",
                     hm__jint(cur, 11), "zone", hm__jstr(cur, 12));
}

int hm__care_rows(hm_db *db, const char *sql, const hm_val *p, int n, hm_row_fn row, json_t *arr,
                  hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db, sql, p, n, &cur, err);
    while (!rc) {
        int step = hm_cursor_next(&cur, err);
        if (step != HM_ROW) {
            rc = step == HM_DONE ? HM_OK : step;
            break;
        }
        json_array_append_new(arr, row(&cur));
    }
    hm_cursor_close(&cur);
    return rc;
}

int hm__care_patient_list(const hm_call *c, int64_t patient_id, enum hm_action act,
                          int need_relation, const char *sql, hm_row_fn row, const char *what,
                          json_t **out, hm_err *err)
{
    hm_db *db;
    int rc = hm__care_read_begin(c, act, &db, err);
    if (rc)
        return rc;
    int emergency = 0;
    json_t *arr = json_array();
    if (need_relation)
        rc = hm_policy_patient_access(db, c->actor, patient_id, c->now_ms, &emergency, err);
    if (!rc)
        rc = hm__care_rows(db, sql, HM_ARGS(HM_I(patient_id)), row, arr, err);
    hm_store_read_end(c->care->store, db);
    char object[64];
    snprintf(object, sizeof object, "patient/%lld/%s", (long long)patient_id, what);
    return hm__care_read_done(c, rc, object, &patient_id, 1, emergency, arr, out, err);
}

int hm__care_query_date(const hm_call *c, const char *date, char out[11], hm_err *err)
{
    hm_date d;
    if (date) {
        int rc = hm_date_parse(date, &d, err);
        if (rc)
            return hm_err_set(err, rc, "query parameter 'date': %s", err ? err->msg : "");
    } else {
        int minutes;
        hm_utc_to_local(c->now_ms, &d, &minutes);
    }
    hm_date_format(d, out);
    return HM_OK;
}

int hm__ids_push(hm__ids *ids, int64_t id, hm_err *err)
{
    if (ids->n == ids->cap) {
        size_t cap = ids->cap ? ids->cap * 2 : 32;
        int64_t *grown = realloc(ids->v, cap * sizeof *grown);
        if (!grown)
            return hm_err_set(err, HM_ENOMEM, "out of memory");
        ids->v = grown;
        ids->cap = cap;
    }
    ids->v[ids->n++] = id;
    return HM_OK;
}

int hm__care_task_row(hm_db *db, int64_t task_id, const char *sql, hm_cursor *cur, hm_err *err)
{
    int rc = hm_db_query(db, sql, HM_ARGS(HM_I(task_id)), cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(cur, err);
    if (rc == HM_ROW)
        return HM_OK;
    hm_cursor_close(cur);
    return rc == HM_DONE ? hm_err_set(err, HM_ENOTFOUND, "task %lld does not exist",
                                      (long long)task_id)
                         : rc;
}
