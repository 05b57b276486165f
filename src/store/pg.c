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
    /* The writer's savepoint statements not sent yet (see pg_savepoint): the last job's
     * RELEASE, then this job's SAVEPOINT. */
    int pending_release, pending_savepoint;
    /* Whether the session was inside a transaction after its last statement (libpq's word,
     * kept because a broken connection no longer says), and whether that transaction's
     * connection was lost and reset since: then nothing may run until the ROLLBACK, least of
     * all the COMMIT, which on the fresh session would answer "no transaction in progress"
     * with success while the batch's writes are gone. */
    int in_tx, tx_lost;
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
    db->pending_release = db->pending_savepoint = 0; /* the transaction died with the session */
    db->tx_lost = db->in_tx;
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
    struct pg_db *db = (struct pg_db *)dbb;
    int healthy = PQstatus(db->conn) == CONNECTION_OK &&
                  PQtransactionStatus(db->conn) == PQTRANS_IDLE && !db->tx_lost;
    hm__conns_put(&st->conns, dbb, &st->writer->base, healthy, close_pooled);
}

/* The savepoint statements still to send (see pg_savepoint), in the order they must run, into
 * out; their number. They count as sent from here on. */
static int take_pending(struct pg_db *db, const char *out[2])
{
    int n = 0;
    if (db->pending_release)
        out[n++] = "RELEASE hm_job";
    if (db->pending_savepoint)
        out[n++] = "SAVEPOINT hm_job";
    db->pending_release = db->pending_savepoint = 0;
    return n;
}

/* One simple query of the n statements and then last (NULL: none), "; " between (malloc'd). */
static char *simple_query(const char *const *first, int n, const char *last)
{
    size_t len = last ? strlen(last) + 1 : 1;
    for (int i = 0; i < n; i++)
        len += strlen(first[i]) + 2;
    char *q = malloc(len);
    if (!q)
        return NULL;
    size_t used = 0;
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(q + used, len - used, "%s%s", i ? "; " : "", first[i]);
    if (last)
        snprintf(q + used, len - used, "%s%s", n ? "; " : "", last);
    return q;
}

/* libpq's word on the transaction after a statement, while the connection can give it. */
static void note_tx(struct pg_db *db)
{
    if (PQstatus(db->conn) == CONNECTION_OK)
        db->in_tx = PQtransactionStatus(db->conn) != PQTRANS_IDLE;
}

/* HM_EIO while the open transaction's connection has been lost (see in_tx). */
static int tx_alive(const struct pg_db *db, hm_err *err)
{
    return db->tx_lost ? hm_err_set(err, HM_EIO, "the connection to the database was lost in the"
                                                 " middle of a transaction; its writes are gone")
                       : HM_OK;
}

/* A simple query, with the deferred savepoint statements in front of it: the batch's COMMIT
 * carries its last job's RELEASE. A ROLLBACK discards them instead: it undoes what they would
 * have done, and a failed statement in a simple query skips the ones after it. */
static int exec_raw_once(hm_db *dbb, const char *sql, hm_err *err)
{
    struct pg_db *db = (struct pg_db *)dbb;
    if (strcmp(sql, "ROLLBACK") == 0 && db->tx_lost) { /* nothing left to roll back */
        db->in_tx = db->tx_lost = 0;
        return HM_OK;
    }
    int rc = pg_ready(db, err);
    if (!rc)
        rc = tx_alive(db, err);
    if (rc)
        return rc;
    const char *pending[2];
    int npending = take_pending(db, pending);
    char *joined = NULL;
    if (npending && strncmp(sql, "ROLLBACK", 8) != 0) {
        joined = simple_query(pending, npending, sql);
        if (!joined)
            return hm_err_set(err, HM_ENOMEM, "cannot run '%s': out of memory", sql);
    }
    PGresult *res = PQexec(db->conn, joined ? joined : sql);
    ExecStatusType s = PQresultStatus(res);
    rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? HM_OK : pg_error(db->conn, res, err, sql);
    /* A COMMIT of a transaction that a failed statement had aborted answers "ROLLBACK" as a
     * success: for heime's caller that is a lost write, not a commit. (A job that went on after
     * a failed statement, as SQLite allows, would otherwise be acknowledged and gone.) */
    if (!rc && strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
        rc = hm_err_set(err, HM_EIO, "the transaction had failed and was rolled back, not"
                                     " committed");
    PQclear(res);
    free(joined);
    note_tx(db);
    return rc;
}

/* The deferred savepoint statements now, alone (see pg_savepoint). */
static int send_pending(struct pg_db *db, hm_err *err)
{
    const char *pending[2];
    int npending = take_pending(db, pending);
    char *sql = simple_query(pending, npending, NULL);
    if (!sql)
        return hm_err_set(err, HM_ENOMEM, "cannot begin a savepoint: out of memory");
    PGresult *res = PQexec(db->conn, sql);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? HM_OK : pg_error(db->conn, res, err, sql);
    PQclear(res);
    free(sql);
    return rc;
}

/* Whether a statement that failed because the connection was gone may simply run again on a
 * new one: the connection held no transaction (so nothing of the caller's is lost with it) and
 * the statement cannot have changed anything, whether or not the server ran it: a read
 * connection's, or the BEGIN that opens a transaction. A database restart or a failover then
 * costs no request an error; a write in a transaction still fails (its transaction died). */
static int may_run_again(const struct pg_db *db, int was_idle, int rc, int begins)
{
    return rc == HM_EIO && was_idle && (db->read_only || begins) &&
           PQstatus(db->conn) != CONNECTION_OK;
}

static int pg_exec_raw(hm_db *dbb, const char *sql, hm_err *err)
{
    struct pg_db *db = (struct pg_db *)dbb;
    int idle = PQtransactionStatus(db->conn) == PQTRANS_IDLE;
    int rc = exec_raw_once(dbb, sql, err);
    if (may_run_again(db, idle, rc, strcmp(sql, hm_store_pg_ops.begin_sql) == 0)) {
        HM_LOG(HM_LOG_WARN, "store: the database connection was lost; running '%s' again", sql);
        rc = exec_raw_once(dbb, sql, err);
    }
    return rc;
}

/* Savepoints around the writer's jobs cost a network round trip each, two per job where a
 * typical job (an audit row) needs one of its own: they wait and go with the job's first
 * statement, in one pipeline (exec_prepared), or with the commit. A job that ran no statement
 * needs neither. */
static int pg_savepoint(hm_db *dbb, hm_err *err)
{
    (void)err;
    ((struct pg_db *)dbb)->pending_savepoint = 1;
    return HM_OK;
}

static int pg_release(hm_db *dbb, hm_err *err)
{
    struct pg_db *db = (struct pg_db *)dbb;
    if (PQtransactionStatus(db->conn) == PQTRANS_INERROR) /* rolled back to its savepoint */
        return hm_err_set(err, HM_EIO, "a statement of this change failed: nothing of it is"
                                       " stored");
    if (db->pending_savepoint)
        db->pending_savepoint = 0; /* never sent: nothing to release */
    else
        db->pending_release = 1;
    return HM_OK;
}

static void pg_rollback_to(hm_db *dbb)
{
    struct pg_db *db = (struct pg_db *)dbb;
    if (db->pending_savepoint) { /* the job failed before its first statement */
        db->pending_savepoint = 0;
        return;
    }
    pg_exec_raw(dbb, "ROLLBACK TO hm_job; RELEASE hm_job", NULL);
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
    /* Inside a transaction a failed prepare aborts it: when the server may have to be asked
     * again (a text or NULL parameter whose type it infers), the first try gets a savepoint of
     * its own, so that the transaction goes on (a prepare is once per statement and
     * connection, so the round trips are rare). The unnamed statement (the cache full) must
     * run next, so its savepoint is left to the enclosing one's release or to the commit. */
    int in_tx = PQtransactionStatus(db->conn) == PQTRANS_INTRANS && strpbrk(sig, "sn") != NULL;
    if (in_tx)
        PQclear(PQexec(db->conn, "SAVEPOINT hm_prepare"));
    Oid types[MAX_PARAMS];
    int rc = HM_EINTERNAL;
    for (int text_unknown = 0; text_unknown < 2; text_unknown++) {
        types_of(sig, n, text_unknown, types);
        PGresult *res = PQprepare(db->conn, name, sql, n, types);
        if (PQresultStatus(res) == PGRES_COMMAND_OK) {
            PQclear(res);
            rc = HM_OK;
            break;
        }
        int again = !text_unknown && is_indeterminate(res);
        rc = again ? HM_EINTERNAL : pg_error(db->conn, res, err, "cannot prepare statement");
        PQclear(res);
        if (in_tx)
            PQclear(PQexec(db->conn, "ROLLBACK TO SAVEPOINT hm_prepare"));
        if (!again)
            break;
    }
    if (in_tx && name[0])
        PQclear(PQexec(db->conn, "RELEASE hm_prepare"));
    return rc == HM_EINTERNAL ? hm_err_set(err, rc, "cannot prepare statement") : rc;
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

/* The next result of a pipeline, skipping the empty one that ends each statement's results;
 * NULL when there is none (two empty ones in a row: nothing left, or the connection broke). */
static PGresult *next_result(PGconn *conn)
{
    PGresult *res = PQgetResult(conn);
    return res ? res : PQgetResult(conn);
}

/* A prepared statement, preceded by the deferred savepoint statements in the same pipeline:
 * one round trip for all. Returns the statement's result, or the first failed savepoint
 * statement's (the statement itself then did not run). */
static PGresult *exec_prepared(struct pg_db *db, const char *name, int n, const char *const *values)
{
    const char *control[2];
    int ncontrol = take_pending(db, control);
    if (ncontrol == 0)
        return PQexecPrepared(db->conn, name, n, values, NULL, NULL, 0);
    if (!PQenterPipelineMode(db->conn))
        return NULL; /* PQresultStatus(NULL) is a fatal error; the message is the connection's */
    int sent = 1;
    for (int i = 0; i < ncontrol && sent; i++)
        sent = PQsendQueryParams(db->conn, control[i], 0, NULL, NULL, NULL, NULL, 0);
    sent = sent && PQsendQueryPrepared(db->conn, name, n, values, NULL, NULL, 0);
    sent = sent && PQpipelineSync(db->conn);
    PGresult *failed = NULL, *res = NULL;
    for (int i = 0; sent && i < ncontrol; i++) {
        PGresult *r = next_result(db->conn);
        if (!failed && PQresultStatus(r) != PGRES_COMMAND_OK)
            failed = r;
        else
            PQclear(r);
    }
    if (sent)
        res = next_result(db->conn);
    for (PGresult *r = sent ? next_result(db->conn) : NULL; r; r = next_result(db->conn)) {
        int sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC; /* the pipeline's end */
        PQclear(r);
        if (sync)
            break;
    }
    PQexitPipelineMode(db->conn);
    if (failed) {
        PQclear(res);
        return failed;
    }
    return res;
}

static int query_once(hm_db *dbb, const char *sql, const hm_val *p, int n, hm_cursor *c,
                      hm_err *err)
{
    struct pg_db *db = (struct pg_db *)dbb;
    char sig[MAX_PARAMS + 1];
    int rc = sig_of(p, n, sig, err);
    if (!rc)
        rc = pg_ready(db, err);
    if (!rc)
        rc = tx_alive(db, err);
    /* A statement to prepare first: the savepoint must be in place before it (a failed prepare
     * aborts the transaction), and an uncached statement is the unnamed one, which the next
     * statement of any kind replaces, so nothing may come between its prepare and its run. */
    if (!rc && (db->pending_release || db->pending_savepoint) && !cache_lookup(db, sql, sig))
        rc = send_pending(db, err);
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
    PGresult *res = exec_prepared(db, s ? s->name : "", n, values);
    note_tx(db);
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

static int pg_query(hm_db *dbb, const char *sql, const hm_val *p, int n, hm_cursor *c, hm_err *err)
{
    struct pg_db *db = (struct pg_db *)dbb;
    int idle = PQtransactionStatus(db->conn) == PQTRANS_IDLE;
    int rc = query_once(dbb, sql, p, n, c, err);
    if (may_run_again(db, idle, rc, 0)) {
        HM_LOG(HM_LOG_WARN, "store: the database connection was lost; reading again");
        rc = query_once(dbb, sql, p, n, c, err);
    }
    return rc;
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
    .savepoint = pg_savepoint,
    .release = pg_release,
    .rollback_to = pg_rollback_to,
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
