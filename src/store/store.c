/* store.c: the backend registry and the thin wrappers every caller goes through. The wrappers
 * are the one place to add tracing or fault injection for all backends. */
#include "store/store.h"
#include "store/store_int.h"

#include <string.h>

#include "base/log.h"

static const struct hm_store_ops *const backends[] = {
    &hm_store_sqlite_ops,
    &hm_store_pg_ops,
};

static int url_names(const char *url, const struct hm_store_ops *b)
{
    return strncmp(url, b->url_prefix, strlen(b->url_prefix)) == 0 ||
           (b->url_alias && strncmp(url, b->url_alias, strlen(b->url_alias)) == 0);
}

int hm_store_open(const char *url, hm_store **out, hm_err *err)
{
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        if (!url_names(url, backends[i]))
            continue;
        hm_store *st;
        int rc = backends[i]->open(url, &st, err);
        if (rc)
            return rc;
        rc = st->ops->migrate(st, err);
        if (rc) {
            st->ops->close(st);
            return rc;
        }
        *out = st;
        return HM_OK;
    }
    return hm_err_set(err, HM_EINVAL,
                      "cannot open store '%s': the url must start with sqlite: or postgresql://",
                      url);
}

void hm_store_close(hm_store *st)
{
    if (st)
        st->ops->close(st);
}

int hm_store_ping(hm_store *st, hm_err *err)
{
    return st->ops->ping(st, err);
}

const char *hm_store_backend(const hm_store *st)
{
    return st->ops->name;
}

int hm_store_read_begin(hm_store *st, hm_db **out, hm_err *err)
{
    return st->ops->conn_get(st, 0, out, err);
}

void hm_store_read_end(hm_store *st, hm_db *db)
{
    if (db)
        st->ops->conn_put(st, db);
}

int hm_store_write_conn(hm_store *st, hm_db **out, hm_err *err)
{
    return st->ops->conn_get(st, 1, out, err);
}

void hm_store_write_conn_put(hm_store *st, hm_db *db)
{
    if (db)
        st->ops->conn_put(st, db);
}

int hm_db_begin(hm_db *db, hm_err *err)
{
    return db->store->ops->exec_raw(db, db->store->ops->begin_sql, err);
}

int hm_db_commit(hm_db *db, hm_err *err)
{
    return db->store->ops->exec_raw(db, "COMMIT", err);
}

void hm_db_rollback(hm_db *db)
{
    db->store->ops->exec_raw(db, "ROLLBACK", NULL);
}

int hm_db_savepoint(hm_db *db, hm_err *err)
{
    const struct hm_store_ops *ops = db->store->ops;
    return ops->savepoint ? ops->savepoint(db, err) : ops->exec_raw(db, "SAVEPOINT hm_job", err);
}

int hm_db_release(hm_db *db, hm_err *err)
{
    const struct hm_store_ops *ops = db->store->ops;
    return ops->release ? ops->release(db, err) : ops->exec_raw(db, "RELEASE hm_job", err);
}

void hm_db_rollback_to(hm_db *db)
{
    const struct hm_store_ops *ops = db->store->ops;
    if (ops->rollback_to) {
        ops->rollback_to(db);
        return;
    }
    ops->exec_raw(db, "ROLLBACK TO hm_job", NULL);
    ops->exec_raw(db, "RELEASE hm_job", NULL);
}

int hm_db_query(hm_db *db, const char *sql, const hm_val *p, int n, hm_cursor *c, hm_err *err)
{
    c->db = NULL;
    c->impl = NULL;
    return db->store->ops->query(db, sql, p, n, c, err);
}

int hm_db_exec(hm_db *db, const char *sql, const hm_val *p, int n, hm_err *err)
{
    hm_cursor c;
    int rc = hm_db_query(db, sql, p, n, &c, err);
    if (rc)
        return rc;
    do
        rc = hm_cursor_next(&c, err);
    while (rc == HM_ROW);
    hm_cursor_close(&c);
    return rc == HM_DONE ? HM_OK : rc;
}

int hm_db_query_int(hm_db *db, const char *sql, const hm_val *p, int n, int64_t *out, hm_err *err)
{
    hm_cursor c;
    int rc = hm_db_query(db, sql, p, n, &c, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&c, err);
    if (rc == HM_ROW) {
        *out = hm_cursor_int(&c, 0);
        /* Step to the end so that an INSERT ... RETURNING completes. */
        do
            rc = hm_cursor_next(&c, err);
        while (rc == HM_ROW);
        rc = rc == HM_DONE ? HM_OK : rc;
    } else if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_ENOTFOUND, "no row");
    }
    hm_cursor_close(&c);
    return rc;
}

int64_t hm_db_changes(hm_db *db)
{
    return db->store->ops->changes(db);
}

int hm_cursor_next(hm_cursor *c, hm_err *err)
{
    return c->db->store->ops->next(c, err);
}

int64_t hm_cursor_int(hm_cursor *c, int col)
{
    return c->db->store->ops->col_int(c, col);
}

double hm_cursor_double(hm_cursor *c, int col)
{
    return c->db->store->ops->col_double(c, col);
}

const char *hm_cursor_text(hm_cursor *c, int col)
{
    return c->db->store->ops->col_text(c, col);
}

int hm_cursor_is_null(hm_cursor *c, int col)
{
    return c->db->store->ops->col_is_null(c, col);
}

void hm_cursor_close(hm_cursor *c)
{
    if (c->db && c->impl)
        c->db->store->ops->close_cursor(c);
    c->impl = NULL;
}

int hm__store_ping(hm_store *st, hm_err *err)
{
    hm_db *db;
    int rc = hm_store_read_begin(st, &db, err);
    if (rc)
        return rc;
    int64_t v;
    rc = hm_db_query_int(db, "SELECT count(*) FROM schema_version", HM_NOARGS, &v, err);
    hm_store_read_end(st, db);
    return rc;
}

int hm__store_migrate(hm_db *db, const struct hm_migration *m, int n, hm_err *err)
{
    const struct hm_store_ops *ops = db->store->ops;
    int rc = ops->exec_raw(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                           err);
    if (rc)
        return rc;
    int64_t current = 0;
    rc = hm_db_query_int(db, "SELECT coalesce(max(version), 0) FROM schema_version", HM_NOARGS,
                         &current, err);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++) {
        if (m[i].version <= current)
            continue;
        rc = hm_db_begin(db, err);
        if (rc)
            return rc;
        rc = ops->exec_raw(db, m[i].sql, err);
        if (!rc)
            rc = hm_db_exec(db, "INSERT INTO schema_version (version) VALUES (?)",
                            HM_ARGS(HM_I(m[i].version)), err);
        if (!rc)
            rc = hm_db_commit(db, err);
        if (rc) {
            hm_db_rollback(db);
            return hm_err_set(err, rc, "cannot migrate schema to version %d: %s", m[i].version,
                              err ? err->msg : "?");
        }
        HM_LOG(HM_LOG_INFO, "schema migrated to version %d", m[i].version);
    }
    return HM_OK;
}
