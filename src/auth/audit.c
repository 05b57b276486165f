/* audit.c: appending to and verifying the hash-chained audit log. */
#include "auth/audit.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>


/* The canonical text hashed for a row; every stored column except hash takes part. */
static char *canonical(int64_t id, int64_t at_ms, int64_t account_id, const char *role,
                       int64_t org_id, const char *action, const char *object,
                       const char *patients, const char *reason, int emergency,
                       const char *request_id, const char *prev_hash)
{
    size_t len = 256 + strlen(role) + strlen(action) + strlen(object) + strlen(patients) +
                 strlen(reason) + strlen(request_id) + strlen(prev_hash);
    char *buf = malloc(len);
    if (!buf)
        return NULL;
    snprintf(buf, len,
             "%" PRId64 "|%" PRId64 "|%" PRId64 "|%s|%" PRId64 "|%s|%s|%s|%s|%d|%s|%s", id,
             at_ms, account_id, role, org_id, action, object, patients, reason, emergency,
             request_id, prev_hash);
    return buf;
}

static void hash_row(const char *text, char out[65])
{
    hm_sha256_hex(text, strlen(text), out);
}

static char *patient_list(const int64_t *p, size_t n)
{
    char *buf = malloc(n * 21 + 1);
    if (!buf)
        return NULL;
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        off += (size_t)snprintf(buf + off, 22, i ? ",%" PRId64 : "%" PRId64, p[i]);
    return buf;
}

/* The per-patient index rows of one audit row, up to INDEX_CHUNK per statement: a worklist
 * read touches a zone's patients, and one statement per patient would dominate the writer.
 * The statement texts are built once, so each keeps its place in the statement cache. */
#define INDEX_CHUNK 16
static char index_sql[INDEX_CHUNK + 1][INDEX_CHUNK * 8 + 96];
static pthread_once_t index_sql_once = PTHREAD_ONCE_INIT;

static void build_index_sql(void)
{
    for (int n = 1; n <= INDEX_CHUNK; n++) {
        size_t off = (size_t)snprintf(index_sql[n], sizeof index_sql[n],
                                      "INSERT INTO audit_patient (patient_id, audit_id) VALUES ");
        for (int i = 0; i < n; i++)
            off += (size_t)snprintf(index_sql[n] + off, sizeof index_sql[n] - off, "%s(?, ?)",
                                    i ? ", " : "");
        snprintf(index_sql[n] + off, sizeof index_sql[n] - off, " ON CONFLICT DO NOTHING");
    }
}

static int index_patients(hm_db *db, int64_t audit_id, const int64_t *p, size_t n, hm_err *err)
{
    pthread_once(&index_sql_once, build_index_sql);
    hm_val args[2 * INDEX_CHUNK];
    for (size_t done = 0; done < n;) {
        size_t k = n - done < INDEX_CHUNK ? n - done : INDEX_CHUNK;
        for (size_t i = 0; i < k; i++) {
            args[2 * i] = HM_I(p[done + i]);
            args[2 * i + 1] = HM_I(audit_id);
        }
        int rc = hm_db_exec(db, index_sql[k], args, (int)(2 * k), err);
        if (rc)
            return rc;
        done += k;
    }
    return HM_OK;
}

int hm_audit_append(hm_db *db, const hm_audit_rec *r, hm_err *err)
{
    if (r->npatients > HM_AUDIT_MAX_PATIENTS)
        return hm_err_set(err, HM_ETOOBIG, "cannot audit: more than %d patients in one request",
                          HM_AUDIT_MAX_PATIENTS);
    int64_t last_id = 0;
    char prev[65] = HM_AUDIT_GENESIS_HASH;
    hm_cursor c;
    int rc = hm_db_query(db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", HM_NOARGS, &c,
                         err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&c, err);
    if (rc == HM_ROW) {
        last_id = hm_cursor_int(&c, 0);
        snprintf(prev, sizeof prev, "%s", hm_cursor_text(&c, 1));
    }
    hm_cursor_close(&c);
    if (rc < 0)
        return rc;

    const hm_actor *a = r->actor;
    const char *role = a ? a->role : "system";
    int64_t account = a ? a->account_id : 0, org = a ? a->org_id : 0;
    char *patients = patient_list(r->patients, r->npatients);
    if (!patients)
        return hm_err_set(err, HM_ENOMEM, "cannot audit: out of memory");
    int64_t id = last_id + 1;
    char *text = canonical(id, r->at_ms, account, role, org, r->action, r->object, patients,
                           r->reason ? r->reason : "", r->emergency,
                           r->request_id ? r->request_id : "", prev);
    if (!text) {
        free(patients);
        return hm_err_set(err, HM_ENOMEM, "cannot audit: out of memory");
    }
    char hash[65];
    hash_row(text, hash);
    free(text);
    rc = hm_db_exec(db,
                    "INSERT INTO audit (id, at_ms, account_id, role, org_id, action, object,"
                    " patients, reason, emergency, request_id, prev_hash, hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    HM_ARGS(HM_I(id), HM_I(r->at_ms), HM_I(account), HM_S(role), HM_I(org),
                            HM_S(r->action), HM_S(r->object), HM_S(patients),
                            HM_S(r->reason ? r->reason : ""), HM_I(r->emergency),
                            HM_S(r->request_id ? r->request_id : ""), HM_S(prev), HM_S(hash)),
                    err);
    free(patients);
    return rc ? rc : index_patients(db, id, r->patients, r->npatients, err);
}

int hm_audit_verify(hm_db *db, int64_t *rows_checked, hm_err *err)
{
    hm_cursor c;
    int rc = hm_db_query(db,
                         "SELECT id, at_ms, account_id, role, org_id, action, object, patients,"
                         " reason, emergency, request_id, prev_hash, hash FROM audit ORDER BY id",
                         HM_NOARGS, &c, err);
    if (rc)
        return rc;
    char prev[65] = HM_AUDIT_GENESIS_HASH;
    int64_t expect = 1, n = 0;
    for (;;) {
        rc = hm_cursor_next(&c, err);
        if (rc != HM_ROW)
            break;
        int64_t id = hm_cursor_int(&c, 0);
        if (id != expect) {
            rc = hm_err_set(err, HM_ECONFLICT, "audit row %" PRId64 " is missing", expect);
            break;
        }
#define TXT(i) (hm_cursor_text(&c, (i)) ? hm_cursor_text(&c, (i)) : "")
        if (strcmp(TXT(11), prev) != 0) {
            rc = hm_err_set(err, HM_ECONFLICT,
                            "audit row %" PRId64 " does not follow row %" PRId64
                            " (a row before it was changed or removed)",
                            id, id - 1);
            break;
        }
        char *text = canonical(id, hm_cursor_int(&c, 1), hm_cursor_int(&c, 2), TXT(3),
                               hm_cursor_int(&c, 4), TXT(5), TXT(6), TXT(7), TXT(8),
                               (int)hm_cursor_int(&c, 9), TXT(10), TXT(11));
        if (!text) {
            rc = hm_err_set(err, HM_ENOMEM, "cannot verify audit log: out of memory");
            break;
        }
        char hash[65];
        hash_row(text, hash);
        free(text);
        if (strcmp(hash, TXT(12)) != 0) {
            rc = hm_err_set(err, HM_ECONFLICT, "audit row %" PRId64 " was changed", id);
            break;
        }
#undef TXT
        memcpy(prev, hash, sizeof prev);
        expect++;
        n++;
    }
    hm_cursor_close(&c);
    if (rows_checked)
        *rows_checked = n;
    return rc == HM_DONE ? HM_OK : rc;
}
