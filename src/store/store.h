/* store.h: heime's storage interface. Callers use only the hm_store_* / hm_db_* / hm_cursor_*
 * wrappers below; backends (sqlite.c, pg.c) implement struct hm_store_ops and register
 * by name, and the --db URL ("sqlite:PATH", "postgresql://...") picks one.
 *
 * The interface is SQL-level rather than one function per domain operation: domain modules
 * write portable SQL (positional `?` parameters, RETURNING, ON CONFLICT DO NOTHING, integers for
 * booleans and UTC milliseconds for instants) and each backend translates what differs (its
 * DDL lives in its own migrations). See docs/internals/storage.md for why.
 *
 * Connections: any thread may hold one read connection at a time (hm_store_read_begin /
 * hm_store_read_end, pooled). All writes go through the group-commit writer (store/writer.h),
 * which owns the single write connection. */
#ifndef HM_STORE_H
#define HM_STORE_H

#include <stdint.h>
#include <stddef.h>

#include "base/error.h"

#define HM_ROW 100  /* hm_cursor_next: a row is available */
#define HM_DONE 101 /* hm_cursor_next: no more rows */

typedef struct hm_store hm_store;
typedef struct hm_db hm_db;

/* A bound parameter. Build them with the HM_I/HM_S/HM_D/HM_NULLV macros. */
typedef struct hm_val {
    char type; /* 'i' int64, 'd' double, 's' text (NULL pointer = SQL NULL), 'n' NULL */
    union {
        int64_t i;
        double d;
        const char *s;
    } u;
} hm_val;

#define HM_I(x) ((hm_val){.type = 'i', .u.i = (int64_t)(x)})
#define HM_D(x) ((hm_val){.type = 'd', .u.d = (double)(x)})
#define HM_S(x) ((hm_val){.type = 's', .u.s = (x)})
#define HM_NULLV ((hm_val){.type = 'n'})
/* HM_ARGS(a, b, c) expands to "params, count" for the query functions. */
#define HM_ARGS(...) (hm_val[]){__VA_ARGS__}, (int)(sizeof((hm_val[]){__VA_ARGS__}) / sizeof(hm_val))
#define HM_NOARGS NULL, 0

/* A cursor over the rows of one query. Lives on the caller's stack; always hm_cursor_close it. */
typedef struct hm_cursor {
    hm_db *db;
    void *impl;
} hm_cursor;

struct hm_store_ops {
    int version; /* 1 */
    const char *name;
    const char *url_prefix; /* "sqlite:" or "postgresql://" */
    const char *url_alias;  /* another prefix that names this backend ("postgres://"), or NULL */
    const char *begin_sql;  /* how a write transaction begins on this backend */
    int (*open)(const char *url, hm_store **out, hm_err *err);
    void (*close)(hm_store *st);
    int (*migrate)(hm_store *st, hm_err *err);
    int (*conn_get)(hm_store *st, int for_write, hm_db **out, hm_err *err);
    void (*conn_put)(hm_store *st, hm_db *db);
    int (*exec_raw)(hm_db *db, const char *sql, hm_err *err); /* BEGIN/COMMIT/SAVEPOINT */
    /* The group-commit writer's savepoint around each job. NULL: SAVEPOINT, RELEASE and
     * ROLLBACK TO through exec_raw. A backend whose every statement is a network round trip
     * may defer them and send them with the job's next statement. */
    int (*savepoint)(hm_db *db, hm_err *err);
    int (*release)(hm_db *db, hm_err *err);
    void (*rollback_to)(hm_db *db);
    int (*query)(hm_db *db, const char *sql, const hm_val *p, int n, hm_cursor *c, hm_err *err);
    int (*next)(hm_cursor *c, hm_err *err);
    int64_t (*col_int)(hm_cursor *c, int col);
    double (*col_double)(hm_cursor *c, int col);
    const char *(*col_text)(hm_cursor *c, int col); /* valid until next/close; NULL for SQL NULL */
    int (*col_is_null)(hm_cursor *c, int col);
    void (*close_cursor)(hm_cursor *c);
    int64_t (*changes)(hm_db *db);
    int (*ping)(hm_store *st, hm_err *err);
};

/* Every backend's struct starts with this, then appends its own fields. */
struct hm_store {
    const struct hm_store_ops *ops;
};
struct hm_db {
    hm_store *store;
};

/* Opens the store named by url and runs its migrations. */
int hm_store_open(const char *url, hm_store **out, hm_err *err);
void hm_store_close(hm_store *st);
int hm_store_ping(hm_store *st, hm_err *err);
const char *hm_store_backend(const hm_store *st);

/* Read connections: a pooled connection for this thread's reads. */
int hm_store_read_begin(hm_store *st, hm_db **out, hm_err *err);
void hm_store_read_end(hm_store *st, hm_db *db);

/* The write connection: only the group-commit writer (and tools running alone, like the demo
 * loader before serving) take it. */
int hm_store_write_conn(hm_store *st, hm_db **out, hm_err *err);
void hm_store_write_conn_put(hm_store *st, hm_db *db);

int hm_db_begin(hm_db *db, hm_err *err);
int hm_db_commit(hm_db *db, hm_err *err);
void hm_db_rollback(hm_db *db);
int hm_db_savepoint(hm_db *db, hm_err *err);
int hm_db_release(hm_db *db, hm_err *err);
void hm_db_rollback_to(hm_db *db);

/* Runs a statement that returns no rows (or ignores them). */
int hm_db_exec(hm_db *db, const char *sql, const hm_val *p, int n, hm_err *err);
/* Runs a statement expected to return at most one row with one integer column (e.g.
 * "INSERT ... RETURNING id", "SELECT count(*)"). HM_ENOTFOUND when there is no row. */
int hm_db_query_int(hm_db *db, const char *sql, const hm_val *p, int n, int64_t *out, hm_err *err);
/* Number of rows changed by the last INSERT/UPDATE/DELETE. */
int64_t hm_db_changes(hm_db *db);

int hm_db_query(hm_db *db, const char *sql, const hm_val *p, int n, hm_cursor *c, hm_err *err);
int hm_cursor_next(hm_cursor *c, hm_err *err); /* HM_ROW, HM_DONE or an error */
int64_t hm_cursor_int(hm_cursor *c, int col);
double hm_cursor_double(hm_cursor *c, int col);
const char *hm_cursor_text(hm_cursor *c, int col);
int hm_cursor_is_null(hm_cursor *c, int col);
void hm_cursor_close(hm_cursor *c);

/* Backends */
extern const struct hm_store_ops hm_store_sqlite_ops;
extern const struct hm_store_ops hm_store_pg_ops;

#endif
