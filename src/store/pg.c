/* pg.c: the PostgreSQL backend of store.h, on libpq. The URL is libpq's own
 * ("postgresql://user@host:port/db?..."), so every libpq connection option works.
 *
 * The same shape as the SQLite backend: read connections are pooled (each used by one thread at
 * a time), one write connection belongs to the group-commit writer. Domain SQL is portable
 * (store.h); what this file translates:
 *   - positional `?` parameters become `$1, $2, ...` (outside quotes and comments);
 *   - a write transaction is a plain BEGIN (SQLite's is BEGIN IMMEDIATE, "take the write lock
 *     now"): one writer connection does every write, and PostgreSQL's row locks do the rest;
 *   - booleans a query returns ('t'/'f') read as 1/0 through hm_cursor_int.
 * Parameters travel as text; integers and doubles are declared int8/float8, text and NULL are
 * left for the server to infer from their place ("unknown"), and where it cannot (`? IS NULL`)
 * the statement is prepared again with them declared text.
 *
 * Prepared statements are cached per connection (128 slots), keyed like SQLite's by the address
 * of the SQL text and checked by content and parameter types. Results are read whole (PQexec*
 * returns every row), so a cursor is an index into one PGresult and nested queries on the same
 * connection need no care. A connection that broke (server restart, failover) is reset before
 * its next statement; its prepared statements went with it. */
#include "store/store.h"
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "base/log.h"

#define STMT_CACHE 128
#define MAX_PARAMS 64
#define OID_INT8 20
#define OID_TEXT 25
#define OID_FLOAT8 701

struct pg_stmt {
    const char *key;       /* address of the SQL text */
    char *text;            /* its content, to tell a reused address from the same text */
    char types[MAX_PARAMS + 1]; /* the parameter types it was prepared for ('i', 'd', 's', 'n') */
    char name[16];
};

struct pg_db {
    hm_db base;
    PGconn *conn;
    struct pg_stmt cache[STMT_CACHE];
    int ncache;
    int64_t changes; /* rows the last statement changed */
    int read_only;
};

struct pg_store {
    hm_store base;
    char *url;
    struct hm__conns conns;
    struct pg_db *writer;
};

struct pg_cursor {
    PGresult *res;
    int row;  /* the current row; -1 before the first hm_cursor_next */
    int rows;
};

/* The URL without its password (in the user part or as "password=" in the query), for
 * messages and logs. */
static void safe_url(const char *url, char *out, size_t n)
{
    char user_masked[512];
    const char *at = strchr(url, '@'), *scheme = strstr(url, "://");
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && colon && colon < at)
        snprintf(user_masked, sizeof user_masked, "%.*s:***%s", (int)(colon - url), url, at);
    else
        snprintf(user_masked, sizeof user_masked, "%s", url);
    const char *pw = strstr(user_masked, "password="), *end = NULL;
    if (pw)
        end = pw + strlen("password=") + strcspn(pw + strlen("password="), "&");
    if (pw)
        snprintf(out, n, "%.*spassword=***%s", (int)(pw - user_masked), user_masked, end);
    else
        snprintf(out, n, "%s", user_masked);
}

/* The first line of libpq's message (the rest is context meant for a terminal). */
static const char *first_line(const char *msg, char *buf, size_t n)
{
    if (!msg)
        return "?";
    size_t len = strcspn(msg, "\n");
    snprintf(buf, n, "%.*s", (int)len, msg);
    return buf;
}

/* Maps a failed result to heime's codes by SQLSTATE: integrity violations (class 23) are
 * conflicts as with SQLite's constraint errors, serialization failures, deadlocks and lock
 * timeouts are "busy, try again". */
static int pg_error(PGconn *conn, const PGresult *res, hm_err *err, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (!msg || !*msg)
        msg = PQerrorMessage(conn);
    int code = HM_EIO;
    if (state && strncmp(state, "23", 2) == 0)
        code = HM_ECONFLICT;
    else if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
                       !strcmp(state, "55P03")))
        code = HM_EBUSY;
    char line[512];
    return hm_err_set(err, code, "%s: %s", what, first_line(msg, line, sizeof line));
}

static void drop_cache(struct pg_db *db)
{
    for (int i = 0; i < db->ncache; i++)
        free(db->cache[i].text);
    db->ncache = 0;
}

/* A session's settings: UTC, so that any date arithmetic the server does is independent of
 * where it runs; notices (e.g. "relation already exists, skipping") stay out of heime's log;
 * read connections refuse writes, as SQLite's query_only readers do. */
static int configure(struct pg_db *db)
{
    PGresult *res = PQexec(db->conn, db->read_only ? "SET TIME ZONE 'UTC';"
                                                     " SET client_min_messages = warning;"
                                                     " SET default_transaction_read_only = on"
                                                   : "SET TIME ZONE 'UTC';"
                                                     " SET client_min_messages = warning");
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? HM_OK : HM_EIO;
}

static int pg_open_conn(struct pg_store *st, int read_only, struct pg_db **out, hm_err *err)
{
    struct pg_db *db = calloc(1, sizeof *db);
    if (!db)
        return hm_err_set(err, HM_ENOMEM, "cannot open store: out of memory");
    db->base.store = &st->base;
    db->read_only = read_only;
    db->conn = PQconnectdb(st->url);
    if (PQstatus(db->conn) == CONNECTION_OK && configure(db) == HM_OK) {
        *out = db;
        return HM_OK;
    }
    char url[640], line[512];
    safe_url(st->url, url, sizeof url);
    hm_err_set(err, HM_EIO, "cannot open store %s: %s", url,
               first_line(PQerrorMessage(db->conn), line, sizeof line));
    PQfinish(db->conn);
    free(db);
    return HM_EIO;
}

static void pg_close_conn(struct pg_db *db)
{
    if (!db)
        return;
    drop_cache(db);
    PQfinish(db->conn);
    free(db);
}

/* A connection the server dropped is reset once before use; its prepared statements are gone. */
static int pg_ready(struct pg_db *db, hm_err *err)
{
    if (PQstatus(db->conn) == CONNECTION_OK)
        return HM_OK;
    drop_cache(db);
    PQreset(db->conn);
    if (PQstatus(db->conn) == CONNECTION_OK) {
        HM_LOG(HM_LOG_WARN, "store: reconnected to the database");
        if (configure(db) == HM_OK)
            return HM_OK;
    }
    char line[512];
    return hm_err_set(err, HM_EIO, "the database is unreachable: %s",
                      first_line(PQerrorMessage(db->conn), line, sizeof line));
}

static void close_pooled(hm_db *db)
{
    pg_close_conn((struct pg_db *)db);
}

static int pg_open(const char *url, hm_store **out, hm_err *err)
{
    struct pg_store *st = calloc(1, sizeof *st);
    if (!st)
        return hm_err_set(err, HM_ENOMEM, "cannot open store: out of memory");
    st->base.ops = &hm_store_pg_ops;
    st->url = strdup(url);
    hm__conns_init(&st->conns);
    int rc = st->url ? pg_open_conn(st, 0, &st->writer, err)
                     : hm_err_set(err, HM_ENOMEM, "cannot open store: out of memory");
    if (rc) {
        hm__conns_destroy(&st->conns, close_pooled);
        free(st->url);
        free(st);
        return rc;
    }
    *out = &st->base;
    return HM_OK;
}

static void pg_close(hm_store *base)
{
    struct pg_store *st = (struct pg_store *)base;
    hm__conns_destroy(&st->conns, close_pooled);
    pg_close_conn(st->writer);
    free(st->url);
    free(st);
}

static int open_reader(hm_store *base, hm_db **out, hm_err *err)
{
    struct pg_db *db = NULL;
    int rc = pg_open_conn((struct pg_store *)base, 1, &db, err);
    if (!rc)
        *out = &db->base;
    return rc;
}

static int pg_conn_get(hm_store *base, int for_write, hm_db **out, hm_err *err)
{
    struct pg_store *st = (struct pg_store *)base;
    return hm__conns_get(&st->conns, for_write, &st->writer->base, base, open_reader, out, err);
}

/* A broken reader, or one left inside a transaction, is not handed to the next. */
static void pg_conn_put(hm_store *base, hm_db *dbb)
{
    struct pg_store *st = (struct pg_store *)base;
    PGconn *conn = ((struct pg_db *)dbb)->conn;
    int healthy = PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE;
    hm__conns_put(&st->conns, dbb, &st->writer->base, healthy, close_pooled);
}

static int pg_exec_raw(hm_db *dbb, const char *sql, hm_err *err)
{
    struct pg_db *db = (struct pg_db *)dbb;
    int rc = pg_ready(db, err);
    if (rc)
        return rc;
    PGresult *res = PQexec(db->conn, sql);
    ExecStatusType s = PQresultStatus(res);
    rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? HM_OK : pg_error(db->conn, res, err, sql);
    PQclear(res);
    return rc;
}

/* Rewrites `?` to `$n` (and SQLite's numbered `?n` to `$n`) outside string literals, quoted
 * identifiers and comments. Returns the number of parameters, or -1 when out wants more than n
 * bytes. */
int hm__pg_translate(const char *sql, char *out, size_t n)
{
    size_t o = 0;
    int params = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        char buf[16];
        const char *put = buf;
        size_t len = 1;
        buf[0] = *p;
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (p[0] == '-' && p[1] == '-') {
            quote = '\n'; /* a comment runs to the end of the line */
        } else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
            /* "?NNN", SQLite's numbered parameter, is "$NNN" */
            int num = (int)strtol(p + 1, NULL, 10);
            len = (size_t)snprintf(buf, sizeof buf, "$%d", num);
            params = num > params ? num : params;
            p += strspn(p + 1, "0123456789");
        } else if (*p == '?') {
            len = (size_t)snprintf(buf, sizeof buf, "$%d", ++params);
        }
        if (o + len + 1 > n)
            return -1;
        memcpy(out + o, put, len);
        o += len;
    }
    out[o] = '\0';
    return params;
}

static int sig_of(const hm_val *p, int n, char *sig, hm_err *err)
{
    if (n > MAX_PARAMS)
        return hm_err_set(err, HM_EINVAL, "a query has more than %d parameters", MAX_PARAMS);
    for (int i = 0; i < n; i++)
        sig[i] = p[i].type == 's' && !p[i].u.s ? 'n' : p[i].type;
    sig[n] = '\0';
    return HM_OK;
}

/* The declared type of each parameter: int8 and float8 where the caller bound numbers; text
 * and NULL left to the server (0), unless an earlier prepare found it could not infer them. */
static void types_of(const char *sig, int n, int text_unknown, Oid *types)
{
    for (int i = 0; i < n; i++)
        types[i] = sig[i] == 'i' ? OID_INT8 : sig[i] == 'd' ? OID_FLOAT8 : text_unknown ? OID_TEXT : 0;
}

static int is_indeterminate(const PGresult *res)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    return state && !strcmp(state, "42P18");
}

/* Prepares sql under name, retrying with text parameters where the server could not infer
 * their type. */
static int prepare(struct pg_db *db, const char *name, const char *sql, const char *sig, int n,
                   hm_err *err)
{
    Oid types[MAX_PARAMS];
    for (int text_unknown = 0; text_unknown < 2; text_unknown++) {
        types_of(sig, n, text_unknown, types);
        PGresult *res = PQprepare(db->conn, name, sql, n, types);
        if (PQresultStatus(res) == PGRES_COMMAND_OK) {
            PQclear(res);
            return HM_OK;
        }
        if (!text_unknown && is_indeterminate(res)) {
            PQclear(res);
            continue;
        }
        int rc = pg_error(db->conn, res, err, "cannot prepare statement");
        PQclear(res);
        return rc;
    }
    return hm_err_set(err, HM_EINTERNAL, "cannot prepare statement");
}

static struct pg_stmt *cache_lookup(struct pg_db *db, const char *sql, const char *sig)
{
    for (int i = 0; i < db->ncache; i++) {
        struct pg_stmt *s = &db->cache[i];
        if (s->key == sql && !strcmp(s->types, sig) && !strcmp(s->text, sql))
            return s;
    }
    return NULL;
}

/* The statement for sql with these parameter types: from the cache, or translated and prepared
 * now (into the cache while it has room; else unnamed, *out NULL, for this one execution). */
static int statement(struct pg_db *db, const char *sql, const char *sig, int n,
                     struct pg_stmt **out, hm_err *err)
{
    *out = cache_lookup(db, sql, sig);
    if (*out)
        return HM_OK;
    size_t cap = strlen(sql) * 3 + 16; /* "?" becomes at most "$64" */
    char *translated = malloc(cap);
    if (!translated)
        return hm_err_set(err, HM_ENOMEM, "cannot run query: out of memory");
    int want = hm__pg_translate(sql, translated, cap), rc = HM_OK;
    if (want != n)
        rc = hm_err_set(err, HM_EINTERNAL, "a query with %d parameters was given %d", want, n);
    struct pg_stmt *s = db->ncache < STMT_CACHE ? &db->cache[db->ncache] : NULL;
    if (!rc && s) {
        snprintf(s->name, sizeof s->name, "hm%d", db->ncache);
        s->text = strdup(sql);
        if (!s->text)
            rc = hm_err_set(err, HM_ENOMEM, "cannot run query: out of memory");
    }
    if (!rc)
        rc = prepare(db, s ? s->name : "", translated, sig, n, err);
    free(translated);
    if (s && rc) {
        free(s->text);
        s->text = NULL;
    } else if (s) {
        s->key = sql;
        memcpy(s->types, sig, (size_t)n + 1);
        db->ncache++;
    }
    *out = rc ? NULL : s;
    return rc;
}

static int pg_query(hm_db *dbb, const char *sql, const hm_val *p, int n, hm_cursor *c, hm_err *err)
{
    struct pg_db *db = (struct pg_db *)dbb;
    char sig[MAX_PARAMS + 1];
    int rc = sig_of(p, n, sig, err);
    if (!rc)
        rc = pg_ready(db, err);
    struct pg_stmt *s = NULL;
    if (!rc)
        rc = statement(db, sql, sig, n, &s, err);
    if (rc)
        return rc;
    /* parameter values as text (the 64-bit integers and doubles printed exactly) */
    char nums[MAX_PARAMS][32];
    const char *values[MAX_PARAMS];
    for (int i = 0; i < n; i++) {
        values[i] = NULL;
        if (sig[i] == 'i') {
            snprintf(nums[i], sizeof nums[i], "%lld", (long long)p[i].u.i);
            values[i] = nums[i];
        } else if (sig[i] == 'd') {
            snprintf(nums[i], sizeof nums[i], "%.17g", p[i].u.d);
            values[i] = nums[i];
        } else if (sig[i] == 's') {
            values[i] = p[i].u.s;
        }
    }
    PGresult *res = PQexecPrepared(db->conn, s ? s->name : "", n, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        rc = pg_error(db->conn, res, err, "query failed");
        PQclear(res);
        return rc;
    }
    const char *changed = PQcmdTuples(res);
    db->changes = changed && *changed ? strtoll(changed, NULL, 10) : 0;
    struct pg_cursor *cur = malloc(sizeof *cur);
    if (!cur) {
        PQclear(res);
        return hm_err_set(err, HM_ENOMEM, "cannot run query: out of memory");
    }
    cur->res = res;
    cur->row = -1;
    cur->rows = st == PGRES_TUPLES_OK ? PQntuples(res) : 0;
    c->db = dbb;
    c->impl = cur;
    return HM_OK;
}

static int pg_next(hm_cursor *c, hm_err *err)
{
    (void)err;
    struct pg_cursor *cur = c->impl;
    if (cur->row + 1 >= cur->rows) {
        cur->row = cur->rows;
        return HM_DONE;
    }
    cur->row++;
    return HM_ROW;
}

static const char *value(hm_cursor *c, int col)
{
    struct pg_cursor *cur = c->impl;
    if (cur->row < 0 || cur->row >= cur->rows || col < 0 || col >= PQnfields(cur->res) ||
        PQgetisnull(cur->res, cur->row, col))
        return NULL;
    return PQgetvalue(cur->res, cur->row, col);
}

/* As SQLite's column readers: NULL reads 0, a boolean 1 or 0, a decimal its integer part. */
static int64_t pg_col_int(hm_cursor *c, int col)
{
    const char *v = value(c, col);
    if (!v)
        return 0;
    if (v[0] == 't' && !v[1])
        return 1;
    if (v[0] == 'f' && !v[1])
        return 0;
    char *end;
    long long x = strtoll(v, &end, 10);
    if (*end == '.' || *end == 'e' || *end == 'E')
        return (int64_t)strtod(v, NULL);
    return x;
}

static double pg_col_double(hm_cursor *c, int col)
{
    const char *v = value(c, col);
    return v ? strtod(v, NULL) : 0.0;
}

static const char *pg_col_text(hm_cursor *c, int col)
{
    return value(c, col);
}

static int pg_col_is_null(hm_cursor *c, int col)
{
    return value(c, col) == NULL;
}

static void pg_close_cursor(hm_cursor *c)
{
    struct pg_cursor *cur = c->impl;
    if (!cur)
        return;
    PQclear(cur->res);
    free(cur);
    c->impl = NULL;
}

static int64_t pg_changes(hm_db *dbb)
{
    return ((struct pg_db *)dbb)->changes;
}

static int pg_migrate(hm_store *base, hm_err *err)
{
    struct pg_store *st = (struct pg_store *)base;
    return hm__store_migrate(&st->writer->base, hm__pg_migrations, hm__pg_migration_count, err);
}

const struct hm_store_ops hm_store_pg_ops = {
    .version = 1,
    .name = "postgresql",
    .url_prefix = "postgresql://",
    .url_alias = "postgres://", /* libpq takes both spellings of its URI scheme */
    .begin_sql = "BEGIN",
    .open = pg_open,
    .close = pg_close,
    .migrate = pg_migrate,
    .conn_get = pg_conn_get,
    .conn_put = pg_conn_put,
    .exec_raw = pg_exec_raw,
    .query = pg_query,
    .next = pg_next,
    .col_int = pg_col_int,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_is_null = pg_col_is_null,
    .close_cursor = pg_close_cursor,
    .changes = pg_changes,
    .ping = hm__store_ping,
};
