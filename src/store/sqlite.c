/* sqlite.c: the SQLite backend of store.h. One file, WAL mode, synchronous=FULL, foreign keys
 * on. Read connections are pooled (each used by one thread at a time, opened NOMUTEX); one write
 * connection belongs to the group-commit writer. Prepared statements are cached per connection,
 * keyed by the SQL text's address (domain SQL is string literals) and checked by content.
 *
 * Checkpoints (copying the WAL back into the database file) run on a thread and connection of
 * their own: done by the writer itself, every few seconds one commit stalled for the copy and
 * its fsync, and every request in that batch with it. */
#include "store/store.h"
#include "store/store_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/log.h"

#define STMT_CACHE 96
#define CKPT_PAGES 4000      /* WAL pages after a commit that wake the checkpointer */
#define CKPT_INLINE 100000 /* ...and that make the writer checkpoint itself (never behind) */

enum conn_kind { CONN_READ, CONN_WRITE, CONN_CHECKPOINT };

struct cached_stmt {
    const char *key; /* address of the SQL text */
    sqlite3_stmt *stmt;
    int in_use;
};

struct sq_db {
    hm_db base;
    sqlite3 *h;
    struct cached_stmt cache[STMT_CACHE];
    int ncache;
};

struct sq_store {
    hm_store base;
    char *path;
    struct hm__conns conns;
    pthread_mutex_t lock; /* the checkpointer's */
    struct sq_db *writer;
    struct sq_db *ckpt; /* the checkpointer's connection */
    pthread_t ckpt_thread;
    pthread_cond_t ckpt_cv;
    int ckpt_wanted, ckpt_stop;
};

struct sq_cursor {
    sqlite3_stmt *stmt;
    int cached; /* 1: return to the cache on close; 0: finalize */
    struct cached_stmt *slot;
};

static int sq_error(sqlite3 *h, int rc, hm_err *err, const char *what)
{
    int code = HM_EIO;
    if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT)
        code = HM_ECONFLICT;
    else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        code = HM_EBUSY;
    else if ((rc & 0xff) == SQLITE_NOMEM)
        code = HM_ENOMEM;
    return hm_err_set(err, code, "%s: %s", what, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
}

static int sq_open_conn(struct sq_store *st, enum conn_kind kind, struct sq_db **out, hm_err *err)
{
    struct sq_db *db = calloc(1, sizeof *db);
    if (!db)
        return hm_err_set(err, HM_ENOMEM, "cannot open store %s: out of memory", st->path);
    db->base.store = &st->base;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(st->path, &db->h, flags, NULL);
    if (rc != SQLITE_OK) {
        hm_err_set(err, HM_EIO, "cannot open store %s: %s", st->path,
                   db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        sqlite3_close(db->h);
        free(db);
        return HM_EIO;
    }
    sqlite3_busy_timeout(db->h, 10000);
    sqlite3_extended_result_codes(db->h, 1);
    /* temp_store=MEMORY keeps each job's savepoint journal in memory: on disk it cost two
     * write system calls per page a job changed. */
    static const char *const pragmas_of[] = {
        [CONN_READ] = "PRAGMA foreign_keys=ON; PRAGMA query_only=1;",
        [CONN_WRITE] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                       "PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=0;"
                       "PRAGMA temp_store=MEMORY;",
        [CONN_CHECKPOINT] = "PRAGMA synchronous=FULL;",
    };
    const char *pragmas = pragmas_of[kind];
    char *msg = NULL;
    rc = sqlite3_exec(db->h, pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        hm_err_set(err, HM_EIO, "cannot configure store %s: %s", st->path, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(db->h);
        free(db);
        return HM_EIO;
    }
    *out = db;
    return HM_OK;
}

static void sq_close_conn(struct sq_db *db)
{
    if (!db)
        return;
    for (int i = 0; i < db->ncache; i++)
        sqlite3_finalize(db->cache[i].stmt);
    sqlite3_close(db->h);
    free(db);
}

static void close_pooled(hm_db *db)
{
    sq_close_conn((struct sq_db *)db);
}

/* Called by SQLite after each commit of the writer with the WAL's size in pages. */
static int wal_grew(void *arg, sqlite3 *h, const char *name, int pages)
{
    struct sq_store *st = arg;
    if (pages >= CKPT_INLINE) /* the checkpointer cannot keep up: bound the WAL here */
        sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    else if (pages >= CKPT_PAGES) {
        pthread_mutex_lock(&st->lock);
        st->ckpt_wanted = 1;
        pthread_cond_signal(&st->ckpt_cv);
        pthread_mutex_unlock(&st->lock);
    }
    return SQLITE_OK;
}

/* PASSIVE: copies what no reader still needs, never waits for or blocks the writer; the
 * writer starts the WAL over once a checkpoint has copied all of it. */
static void *checkpointer_main(void *arg)
{
    struct sq_store *st = arg;
    pthread_mutex_lock(&st->lock);
    for (;;) {
        while (!st->ckpt_wanted && !st->ckpt_stop)
            pthread_cond_wait(&st->ckpt_cv, &st->lock);
        if (st->ckpt_stop)
            break;
        st->ckpt_wanted = 0;
        pthread_mutex_unlock(&st->lock);
        int log = 0, done = 0;
        int rc = sqlite3_wal_checkpoint_v2(st->ckpt->h, NULL, SQLITE_CHECKPOINT_PASSIVE, &log,
                                           &done);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            HM_LOG(HM_LOG_WARN, "checkpoint of %s: %s", st->path, sqlite3_errmsg(st->ckpt->h));
        pthread_mutex_lock(&st->lock);
    }
    pthread_mutex_unlock(&st->lock);
    return NULL;
}

static int start_checkpointer(struct sq_store *st, hm_err *err)
{
    if (pthread_create(&st->ckpt_thread, NULL, checkpointer_main, st) != 0)
        return hm_err_set(err, HM_EIO, "cannot open store %s: cannot start the checkpointer",
                          st->path);
    sqlite3_wal_hook(st->writer->h, wal_grew, st);
    return HM_OK;
}

/* SQLite's memory statistics take one process-wide mutex on every allocation: with dozens of
 * request threads that mutex was among the most contended locks of the server. Must run
 * before the library initialises, hence once, before the first connection. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void configure_sqlite(void)
{
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        HM_LOG(HM_LOG_DEBUG, "sqlite was initialised before heime could configure it");
    sqlite3_initialize();
}

static int sq_open(const char *url, hm_store **out, hm_err *err)
{
    pthread_once(&sqlite_once, configure_sqlite);
    const char *path = url + strlen("sqlite:");
    if (!*path)
        return hm_err_set(err, HM_EINVAL, "cannot open store: empty sqlite path in '%s'", url);
    struct sq_store *st = calloc(1, sizeof *st);
    if (!st)
        return hm_err_set(err, HM_ENOMEM, "cannot open store: out of memory");
    st->base.ops = &hm_store_sqlite_ops;
    st->path = strdup(path);
    hm__conns_init(&st->conns);
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->ckpt_cv, NULL);
    int rc = sq_open_conn(st, CONN_WRITE, &st->writer, err);
    if (!rc)
        rc = sq_open_conn(st, CONN_CHECKPOINT, &st->ckpt, err);
    if (!rc)
        rc = start_checkpointer(st, err);
    if (rc) {
        sq_close_conn(st->ckpt);
        sq_close_conn(st->writer);
        pthread_cond_destroy(&st->ckpt_cv);
        pthread_mutex_destroy(&st->lock);
        hm__conns_destroy(&st->conns, close_pooled);
        free(st->path);
        free(st);
        return rc;
    }
    *out = &st->base;
    return HM_OK;
}

static void sq_close(hm_store *base)
{
    struct sq_store *st = (struct sq_store *)base;
    pthread_mutex_lock(&st->lock);
    st->ckpt_stop = 1;
    pthread_cond_signal(&st->ckpt_cv);
    pthread_mutex_unlock(&st->lock);
    pthread_join(st->ckpt_thread, NULL);
    pthread_cond_destroy(&st->ckpt_cv);
    sq_close_conn(st->ckpt);
    hm__conns_destroy(&st->conns, close_pooled);
    sq_close_conn(st->writer);
    pthread_mutex_destroy(&st->lock);
    free(st->path);
    free(st);
}

static int open_reader(hm_store *base, hm_db **out, hm_err *err)
{
    struct sq_db *db = NULL;
    int rc = sq_open_conn((struct sq_store *)base, CONN_READ, &db, err);
    if (!rc)
        *out = &db->base;
    return rc;
}

static int sq_conn_get(hm_store *base, int for_write, hm_db **out, hm_err *err)
{
    struct sq_store *st = (struct sq_store *)base;
    return hm__conns_get(&st->conns, for_write, &st->writer->base, base, open_reader, out, err);
}

static void sq_conn_put(hm_store *base, hm_db *db)
{
    struct sq_store *st = (struct sq_store *)base;
    hm__conns_put(&st->conns, db, &st->writer->base, 1, close_pooled);
}

static int sq_exec_raw(hm_db *dbb, const char *sql, hm_err *err)
{
    struct sq_db *db = (struct sq_db *)dbb;
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return sq_error(db->h, rc, err, sql);
    return HM_OK;
}

static int bind_all(sqlite3_stmt *s, const hm_val *p, int n)
{
    for (int i = 0; i < n; i++) {
        int rc;
        switch (p[i].type) {
        case 'i':
            rc = sqlite3_bind_int64(s, i + 1, p[i].u.i);
            break;
        case 'd':
            rc = sqlite3_bind_double(s, i + 1, p[i].u.d);
            break;
        case 's':
            rc = p[i].u.s ? sqlite3_bind_text(s, i + 1, p[i].u.s, -1, SQLITE_TRANSIENT)
                          : sqlite3_bind_null(s, i + 1);
            break;
        default:
            rc = sqlite3_bind_null(s, i + 1);
        }
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

static struct cached_stmt *cache_lookup(struct sq_db *db, const char *sql)
{
    for (int i = 0; i < db->ncache; i++)
        if (db->cache[i].key == sql && !db->cache[i].in_use)
            return &db->cache[i];
    return NULL;
}

static int sq_query(hm_db *dbb, const char *sql, const hm_val *p, int n, hm_cursor *c, hm_err *err)
{
    struct sq_db *db = (struct sq_db *)dbb;
    struct sq_cursor *cur = malloc(sizeof *cur);
    if (!cur)
        return hm_err_set(err, HM_ENOMEM, "cannot run query: out of memory");
    cur->slot = cache_lookup(db, sql);
    if (cur->slot && strcmp(sqlite3_sql(cur->slot->stmt), sql) != 0)
        cur->slot = NULL; /* a different text at a reused address: do not trust the cache */
    if (cur->slot) {
        cur->stmt = cur->slot->stmt;
        cur->cached = 1;
    } else {
        int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &cur->stmt, NULL);
        if (rc != SQLITE_OK) {
            free(cur);
            return sq_error(db->h, rc, err, "cannot prepare statement");
        }
        cur->cached = 0;
        if (db->ncache < STMT_CACHE) {
            cur->slot = &db->cache[db->ncache++];
            cur->slot->key = sql;
            cur->slot->stmt = cur->stmt;
            cur->cached = 1;
        }
    }
    if (cur->cached)
        cur->slot->in_use = 1;
    int rc = bind_all(cur->stmt, p, n);
    if (rc != SQLITE_OK) {
        c->db = dbb;
        c->impl = cur;
        hm_store_sqlite_ops.close_cursor(c);
        return sq_error(db->h, rc, err, "cannot bind parameters");
    }
    c->db = dbb;
    c->impl = cur;
    return HM_OK;
}

static int sq_next(hm_cursor *c, hm_err *err)
{
    struct sq_cursor *cur = c->impl;
    int rc = sqlite3_step(cur->stmt);
    if (rc == SQLITE_ROW)
        return HM_ROW;
    if (rc == SQLITE_DONE)
        return HM_DONE;
    return sq_error(((struct sq_db *)c->db)->h, rc, err, "query failed");
}

static int64_t sq_col_int(hm_cursor *c, int col)
{
    return sqlite3_column_int64(((struct sq_cursor *)c->impl)->stmt, col);
}
static double sq_col_double(hm_cursor *c, int col)
{
    return sqlite3_column_double(((struct sq_cursor *)c->impl)->stmt, col);
}
static const char *sq_col_text(hm_cursor *c, int col)
{
    return (const char *)sqlite3_column_text(((struct sq_cursor *)c->impl)->stmt, col);
}
static int sq_col_is_null(hm_cursor *c, int col)
{
    return sqlite3_column_type(((struct sq_cursor *)c->impl)->stmt, col) == SQLITE_NULL;
}

static void sq_close_cursor(hm_cursor *c)
{
    struct sq_cursor *cur = c->impl;
    if (!cur)
        return;
    if (cur->cached) {
        sqlite3_reset(cur->stmt);
        sqlite3_clear_bindings(cur->stmt);
        cur->slot->in_use = 0;
    } else {
        sqlite3_finalize(cur->stmt);
    }
    free(cur);
    c->impl = NULL;
}

static int64_t sq_changes(hm_db *dbb)
{
    return sqlite3_changes64(((struct sq_db *)dbb)->h);
}

static int sq_migrate(hm_store *base, hm_err *err)
{
    struct sq_store *st = (struct sq_store *)base;
    return hm__store_migrate(&st->writer->base, hm__sqlite_migrations, hm__sqlite_migration_count,
                             err);
}

const struct hm_store_ops hm_store_sqlite_ops = {
    .version = 1,
    .name = "sqlite",
    .url_prefix = "sqlite:",
    .begin_sql = "BEGIN IMMEDIATE", /* take the write lock now, not at the first write */
    .open = sq_open,
    .close = sq_close,
    .migrate = sq_migrate,
    .conn_get = sq_conn_get,
    .conn_put = sq_conn_put,
    .exec_raw = sq_exec_raw,
    .query = sq_query,
    .next = sq_next,
    .col_int = sq_col_int,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_is_null = sq_col_is_null,
    .close_cursor = sq_close_cursor,
    .changes = sq_changes,
    .ping = hm__store_ping,
};
