/* Contract tests of store.h and the group-commit writer, on SQLite (a temporary file) and, when
 * HEIME_TEST_PG names a PostgreSQL server (postgresql://user@host:port/, as
 * scripts/pg-test.sh prints it), on PostgreSQL too: a database of its own there, emptied before
 * each test. Without HEIME_TEST_PG the PostgreSQL group is skipped and says so. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"
#include "store/writer.h"
#include "test_db.h"

static char db_url[256];
static const char *backend = "sqlite";

static int setup_sqlite(void **state)
{
    (void)state;
    backend = "sqlite";
    return test_db_fresh(0, "store", db_url, sizeof db_url);
}

static int setup_pg(void **state)
{
    (void)state;
    backend = "postgresql";
    return test_db_fresh(1, "store", db_url, sizeof db_url);
}

static int teardown(void **state)
{
    (void)state;
    test_db_remove(db_url);
    return 0;
}

static int insert_org(hm_db *db, void *arg, hm_err *err)
{
    const char *code = arg;
    return hm_db_exec(db, "INSERT INTO org (kind, code, name) VALUES ('municipality', ?, ?)",
                      HM_ARGS(HM_S(code), HM_S(code)), err);
}

static int insert_then_fail(hm_db *db, void *arg, hm_err *err)
{
    int rc = insert_org(db, arg, err);
    if (rc)
        return rc;
    return hm_err_set(err, HM_EINVAL, "deliberate failure after a write");
}

static void open_migrate_query(void **state)
{
    (void)state;
    hm_store *st;
    hm_err err;
    assert_int_equal(hm_store_open(db_url, &st, &err), HM_OK);
    assert_string_equal(hm_store_backend(st), backend);
    assert_int_equal(hm_store_ping(st, &err), HM_OK);
    hm_writer *w;
    assert_int_equal(hm_writer_start(st, &w, &err), HM_OK);
    assert_int_equal(hm_writer_submit(w, insert_org, "K1", &err), HM_OK);
    /* A job that fails leaves nothing behind, and does not spoil the next one. */
    assert_int_equal(hm_writer_submit(w, insert_then_fail, "K2", &err), HM_EINVAL);
    assert_string_equal(err.msg, "deliberate failure after a write");
    /* A constraint violation is a conflict. */
    assert_int_equal(hm_writer_submit(w, insert_org, "K1", &err), HM_ECONFLICT);
    hm_writer_stop(w);

    hm_db *db;
    assert_int_equal(hm_store_read_begin(st, &db, &err), HM_OK);
    int64_t n = -1;
    assert_int_equal(hm_db_query_int(db, "SELECT count(*) FROM org", HM_NOARGS, &n, &err), HM_OK);
    assert_int_equal(n, 1);
    hm_cursor c;
    assert_int_equal(hm_db_query(db, "SELECT code, lat FROM org WHERE code = ?",
                                 HM_ARGS(HM_S("K1")), &c, &err),
                     HM_OK);
    assert_int_equal(hm_cursor_next(&c, &err), HM_ROW);
    assert_string_equal(hm_cursor_text(&c, 0), "K1");
    assert_true(hm_cursor_is_null(&c, 1));
    assert_int_equal(hm_cursor_next(&c, &err), HM_DONE);
    hm_cursor_close(&c);
    assert_int_equal(hm_db_query_int(db, "SELECT id FROM org WHERE code = 'nope'", HM_NOARGS, &n,
                                     &err),
                     HM_ENOTFOUND);
    /* Readers cannot write. */
    assert_true(hm_db_exec(db, "DELETE FROM org", HM_NOARGS, &err) < 0);
    hm_store_read_end(st, db);
    hm_store_close(st);

    /* Reopening keeps the data and does not migrate twice. */
    assert_int_equal(hm_store_open(db_url, &st, &err), HM_OK);
    assert_int_equal(hm_store_read_begin(st, &db, &err), HM_OK);
    assert_int_equal(hm_db_query_int(db, "SELECT count(*) FROM schema_version", HM_NOARGS, &n,
                                     &err),
                     HM_OK);
    assert_true(n >= 1);
    hm_store_read_end(st, db);
    hm_store_close(st);
}

/* The store at db_url and a group-commit writer on it. */
static void open_with_writer(hm_store **st, hm_writer **w)
{
    hm_err err;
    assert_int_equal(hm_store_open(db_url, st, &err), HM_OK);
    assert_int_equal(hm_writer_start(*st, w, &err), HM_OK);
}

/* The one integer a query answers on a read connection of its own. */
static int64_t read_int(hm_store *st, const char *sql)
{
    hm_db *db;
    hm_err err;
    int64_t v = -1;
    assert_int_equal(hm_store_read_begin(st, &db, &err), HM_OK);
    assert_int_equal(hm_db_query_int(db, sql, HM_NOARGS, &v, &err), HM_OK);
    hm_store_read_end(st, db);
    return v;
}

struct thread_arg {
    hm_writer *w;
    int index;
    int failures;
};

static void *submitter(void *p)
{
    struct thread_arg *a = p;
    for (int i = 0; i < 200; i++) {
        char code[32];
        snprintf(code, sizeof code, "T%d-%d", a->index, i);
        hm_err err;
        if (hm_writer_submit(a->w, insert_org, code, &err) != HM_OK)
            a->failures++;
    }
    return NULL;
}

static void group_commit_batches_concurrent_jobs(void **state)
{
    (void)state;
    hm_store *st;
    hm_writer *w;
    open_with_writer(&st, &w);
    pthread_t th[16];
    struct thread_arg args[16];
    for (int i = 0; i < 16; i++) {
        args[i] = (struct thread_arg){.w = w, .index = i};
        pthread_create(&th[i], NULL, submitter, &args[i]);
    }
    for (int i = 0; i < 16; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
    struct hm_writer_stats s;
    hm_writer_get_stats(w, &s);
    assert_int_equal(s.jobs, 16 * 200);
    assert_true(s.batches < s.jobs); /* some batches held more than one job */
    hm_writer_stop(w);
    assert_int_equal(read_int(st, "SELECT count(*) FROM org"), 16 * 200);
    hm_store_close(st);
}

/* One batch of jobs that succeed and fail in every way a job can, after one another: each
 * failure undoes its own writes only. (The PostgreSQL backend defers each job's savepoint to
 * the job's first statement and its release to the next job's or the commit.) */
static int no_statement(hm_db *db, void *arg, hm_err *err)
{
    (void)db, (void)arg, (void)err;
    return HM_OK;
}

static int fail_before_any_statement(hm_db *db, void *arg, hm_err *err)
{
    (void)db, (void)arg;
    return hm_err_set(err, HM_EINVAL, "deliberate failure before any statement");
}

static int insert_and_count(hm_db *db, void *arg, hm_err *err)
{
    int rc = insert_org(db, arg, err);
    int64_t n;
    return rc ? rc : hm_db_query_int(db, "SELECT count(*) FROM org", HM_NOARGS, &n, err);
}

/* Fills the connection's statement cache (200 distinct texts), so that the next new statement
 * runs uncached (PostgreSQL: the unnamed statement). */
static int fill_statement_cache(hm_db *db, void *arg, hm_err *err)
{
    (void)arg;
    static char sql[200][48];
    for (int i = 0; i < 200; i++) {
        snprintf(sql[i], sizeof sql[i], "SELECT ? + %d", 5000 + i);
        int64_t v;
        int rc = hm_db_query_int(db, sql[i], HM_ARGS(HM_I(1)), &v, err);
        if (rc)
            return rc;
    }
    return HM_OK;
}

/* A job that goes on after a failed statement and says it succeeded (SQLite's transaction
 * survives the failed statement; PostgreSQL's is aborted and its COMMIT would roll back). */
static int ignore_a_failed_statement(hm_db *db, void *arg, hm_err *err)
{
    int rc = insert_org(db, arg, err);
    if (!rc)
        (void)insert_org(db, arg, err); /* a duplicate: fails */
    return rc;
}

/* A job whose first statement is one the cache has no room for, with a parameter. */
static int uncached_insert(hm_db *db, void *arg, hm_err *err)
{
    static char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO org (kind, code, name) VALUES ('municipality', ?, 'x%d')",
             rand());
    return hm_db_exec(db, sql, HM_ARGS(HM_S(arg)), err);
}

/* A job whose first statement's parameter type the server cannot infer (PostgreSQL prepares it
 * again with the parameter as text), then a write. */
static int untyped_null_then_insert(hm_db *db, void *arg, hm_err *err)
{
    int64_t v = 0;
    int rc = hm_db_query_int(db, "SELECT CASE WHEN ? IS NULL THEN 7 ELSE 8 END", HM_ARGS(HM_NULLV),
                             &v, err);
    if (!rc && v != 7)
        rc = hm_err_set(err, HM_EINTERNAL, "NULL IS NULL gave %lld", (long long)v);
    return rc ? rc : insert_org(db, arg, err);
}

static atomic_int gate_taken, gate_open;

/* Holds the writer busy until the batch to test has queued up behind it. */
static int gate(hm_db *db, void *arg, hm_err *err)
{
    atomic_store(&gate_taken, 1);
    for (int i = 0; i < 20000 && !atomic_load(&gate_open); i++)
        usleep(500);
    return insert_org(db, arg, err);
}

struct batch_job {
    hm_writer *w;
    hm_write_fn fn;
    const char *code;
    int expect;
    int rc;
};

static void *submit_one(void *p)
{
    struct batch_job *j = p;
    hm_err err;
    j->rc = hm_writer_submit(j->w, j->fn, (void *)j->code, &err);
    return NULL;
}

/* Submits jobs[0] (a gate job), then the others in their order while the gate holds the
 * writer, so that they run as one batch; checks each job's result against its expect. */
static void run_as_one_batch(hm_writer *w, struct batch_job *jobs, int n)
{
    pthread_t th[16];
    assert_true(n <= 16);
    atomic_store(&gate_taken, 0);
    atomic_store(&gate_open, 0);
    struct hm_writer_stats before;
    hm_writer_get_stats(w, &before);
    for (int i = 0; i < n; i++) {
        pthread_create(&th[i], NULL, submit_one, &jobs[i]);
        /* in this order: the gate taken by the writer, then each job queued before the next */
        struct hm_writer_stats s = {0};
        for (int t = 0; t < 20000; t++) {
            hm_writer_get_stats(w, &s);
            if (i == 0 ? atomic_load(&gate_taken) : (int)s.queued == i)
                break;
            usleep(500);
        }
    }
    atomic_store(&gate_open, 1);
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        if (jobs[i].rc != jobs[i].expect)
            fail_msg("job %d (%s): %d, expected %d", i, jobs[i].code, jobs[i].rc, jobs[i].expect);
    }
    struct hm_writer_stats after;
    hm_writer_get_stats(w, &after);
    assert_int_equal(after.batches - before.batches, 2); /* the gate, then the others at once */
}

static void failed_jobs_spoil_no_other_job_of_their_batch(void **state)
{
    (void)state;
    hm_store *st;
    hm_writer *w;
    open_with_writer(&st, &w);
    struct batch_job jobs[] = {
        {w, gate, "G", HM_OK, -1},
        {w, insert_org, "B1", HM_OK, -1},
        {w, insert_then_fail, "B2", HM_EINVAL, -1},
        {w, no_statement, "", HM_OK, -1},
        {w, fail_before_any_statement, "", HM_EINVAL, -1},
        {w, insert_org, "G", HM_ECONFLICT, -1}, /* the gate's batch committed before this one */
        {w, insert_and_count, "B3", HM_OK, -1},
        {w, insert_then_fail, "B4", HM_EINVAL, -1},
        {w, insert_org, "B5", HM_OK, -1},
        {w, fill_statement_cache, "", HM_OK, -1},
        {w, uncached_insert, "B6", HM_OK, -1},
        {w, insert_then_fail, "B7", HM_EINVAL, -1},
        {w, uncached_insert, "B8", HM_OK, -1},
        {w, untyped_null_then_insert, "B9", HM_OK, -1},
    };
    run_as_one_batch(w, jobs, sizeof jobs / sizeof jobs[0]);
    /* A job that goes on after a failed statement: SQLite's transaction survives the failed
     * statement, so the job's other write stands; PostgreSQL's is aborted, so the job fails
     * (rolled back to its savepoint) and the jobs around it are stored: never acknowledged and
     * then lost. */
    int pg = strcmp(backend, "postgresql") == 0;
    struct batch_job aborted[] = {
        {w, gate, "G2", HM_OK, -1},
        {w, insert_org, "C1", HM_OK, -1},
        {w, ignore_a_failed_statement, "C2", pg ? HM_EIO : HM_OK, -1},
        {w, no_statement, "", HM_OK, -1},
        {w, insert_org, "C3", HM_OK, -1},
    };
    run_as_one_batch(w, aborted, sizeof aborted / sizeof aborted[0]);
    hm_writer_stop(w);
    assert_int_equal(read_int(st, "SELECT count(*) FROM org WHERE code IN ('G2', 'C1', 'C3')"), 3);
    assert_int_equal(read_int(st, "SELECT count(*) FROM org WHERE code = 'C2'"), pg ? 0 : 1);
    assert_int_equal(read_int(st, "SELECT count(*) FROM org WHERE code NOT LIKE 'C%'"
                                  " AND code <> 'G2'"),
                     7);
    assert_int_equal(read_int(st, "SELECT count(*) FROM org WHERE code IN"
                                  " ('G', 'B1', 'B3', 'B5', 'B6', 'B8', 'B9')"),
                     7);
    hm_store_close(st);
}

static void bad_urls_are_refused(void **state)
{
    (void)state;
    hm_store *st;
    hm_err err;
    assert_int_equal(hm_store_open("mysql://x", &st, &err), HM_EINVAL);
    assert_non_null(strstr(err.msg, "sqlite:"));
    assert_int_equal(hm_store_open("sqlite:", &st, &err), HM_EINVAL);
    assert_true(hm_store_open("sqlite:/nonexistent-dir/x.db", &st, &err) < 0);
}

/* More distinct statements than a connection caches (SQLite 96, PostgreSQL 128): the ones beyond
 * run uncached; each gives its own answer, also when run again, and a reused address with new
 * text is not mistaken for the old statement. */
static void more_statements_than_the_cache_holds(void **state)
{
    (void)state;
    hm_store *st;
    hm_err err;
    assert_int_equal(hm_store_open(db_url, &st, &err), HM_OK);
    hm_db *db;
    assert_int_equal(hm_store_read_begin(st, &db, &err), HM_OK);
    static char sql[200][64];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 200; i++) {
            snprintf(sql[i], sizeof sql[i], "SELECT ? + %d", i + round * 1000);
            int64_t v = -1;
            assert_int_equal(hm_db_query_int(db, sql[i], HM_ARGS(HM_I(7)), &v, &err), HM_OK);
            assert_int_equal(v, 7 + i + round * 1000);
        }
    hm_store_read_end(st, db);
    hm_store_close(st);
}

static int backend_pid(hm_db *db, void *arg, hm_err *err)
{
    return hm_db_query_int(db, "SELECT pg_backend_pid()", HM_NOARGS, arg, err);
}

/* A write job whose connection the server drops half-way (the first insert ran). */
static int terminate_own_backend_then_insert(hm_db *db, void *arg, hm_err *err)
{
    int rc = insert_org(db, arg, err);
    int64_t pid = 0;
    if (!rc)
        rc = backend_pid(db, &pid, err);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", (long long)pid);
    if (!rc && test_pg_admin("heime", sql, 0) != 0)
        return hm_err_set(err, HM_EINTERNAL, "cannot terminate the writer's backend");
    return rc ? rc : insert_org(db, "R2b", err);
}

/* The server drops heime's connections (a restart, a failover, an administrator): what can
 * run again on a new connection does; a transaction that dies with its connection fails. */
static void pg_dropped_connections_come_back(void **state)
{
    (void)state;
    hm_store *st;
    hm_writer *w;
    hm_err err;
    open_with_writer(&st, &w);
    int64_t writer_pid = 0, reader_pid = 0;
    assert_int_equal(hm_writer_submit(w, backend_pid, &writer_pid, &err), HM_OK);
    hm_db *db;
    assert_int_equal(hm_store_read_begin(st, &db, &err), HM_OK);
    assert_int_equal(backend_pid(db, &reader_pid, &err), HM_OK);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld), pg_terminate_backend(%lld)",
             (long long)writer_pid, (long long)reader_pid);
    assert_int_equal(test_pg_admin("heime", sql, 0), 0);
    /* the reader: the statement that finds it gone runs again on a new connection */
    int64_t n = -1, again = 0;
    assert_int_equal(hm_db_query_int(db, "SELECT count(*) FROM org", HM_NOARGS, &n, &err), HM_OK);
    assert_int_equal(n, 0);
    assert_int_equal(backend_pid(db, &again, &err), HM_OK);
    assert_int_not_equal(again, reader_pid);
    hm_store_read_end(st, db);
    /* the writer: the batch that finds it gone begins again on a new connection */
    assert_int_equal(hm_writer_submit(w, insert_org, "R1", &err), HM_OK);
    assert_int_equal(hm_writer_submit(w, backend_pid, &again, &err), HM_OK);
    assert_int_not_equal(again, writer_pid);
    /* inside a transaction a lost connection fails every job of the batch, also the ones that
     * had succeeded before it: their writes died with the transaction */
    struct batch_job jobs[] = {
        {w, gate, "G", HM_OK, -1},
        {w, insert_org, "L1", HM_EIO, -1},
        {w, terminate_own_backend_then_insert, "L2", HM_EIO, -1},
        {w, insert_org, "L3", HM_EIO, -1},
    };
    run_as_one_batch(w, jobs, sizeof jobs / sizeof jobs[0]);
    assert_int_equal(hm_writer_submit(w, insert_org, "R3", &err), HM_OK);
    hm_writer_stop(w);
    assert_int_equal(read_int(st, "SELECT count(*) FROM org WHERE code IN ('R1', 'G', 'R3')"), 3);
    assert_int_equal(read_int(st, "SELECT count(*) FROM org WHERE code LIKE 'L%'"), 0);
    hm_store_close(st);
}

/* pg.c's parameter rewriting: `?` outside quotes and comments, SQLite's numbered `?n`. */
static void pg_parameters_are_numbered(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(hm__pg_translate("SELECT ? + ?", out, sizeof out), 2);
    assert_string_equal(out, "SELECT $1 + $2");
    assert_int_equal(hm__pg_translate("SELECT '?', \"a?\", ? -- what?\n, ?", out, sizeof out),
                     2);
    assert_string_equal(out, "SELECT '?', \"a?\", $1 -- what?\n, $2");
    assert_int_equal(hm__pg_translate("WHERE a = ?2 AND b = ?1 OR c = ?2", out, sizeof out), 2);
    assert_string_equal(out, "WHERE a = $2 AND b = $1 OR c = $2");
    assert_int_equal(hm__pg_translate("SELECT 'it''s ?', ?", out, sizeof out), 1);
    assert_string_equal(out, "SELECT 'it''s ?', $1");
    assert_int_equal(hm__pg_translate("SELECT ?, ?, ?", out, 10), -1); /* does not fit */
}

static void pg_unreachable_server_is_a_clear_error(void **state)
{
    (void)state;
    hm_store *st;
    hm_err err;
    assert_int_equal(hm_store_open("postgresql://nobody:secret@127.0.0.1:1/x?connect_timeout=2",
                                   &st, &err),
                     HM_EIO);
    assert_non_null(strstr(err.msg, "cannot open store postgresql://nobody:***@127.0.0.1:1/x"));
    assert_null(strstr(err.msg, "secret")); /* the password stays out of logs */
    assert_int_equal(hm_store_open("postgresql://127.0.0.1:1/x?password=hush&connect_timeout=2",
                                   &st, &err),
                     HM_EIO);
    assert_non_null(strstr(err.msg, "x?password=***&connect_timeout=2"));
    assert_null(strstr(err.msg, "hush"));
}

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = {
        cmocka_unit_test_setup_teardown(open_migrate_query, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(group_commit_batches_concurrent_jobs, setup_sqlite,
                                        teardown),
        cmocka_unit_test_setup_teardown(failed_jobs_spoil_no_other_job_of_their_batch,
                                        setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(more_statements_than_the_cache_holds, setup_sqlite,
                                        teardown),
        cmocka_unit_test(bad_urls_are_refused),
        cmocka_unit_test(pg_parameters_are_numbered),
        cmocka_unit_test(pg_unreachable_server_is_a_clear_error),
    };
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test_setup_teardown(open_migrate_query, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(group_commit_batches_concurrent_jobs, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(failed_jobs_spoil_no_other_job_of_their_batch, setup_pg,
                                        teardown),
        cmocka_unit_test_setup_teardown(pg_dropped_connections_come_back, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(more_statements_than_the_cache_holds, setup_pg, teardown),
    };
    int failed = cmocka_run_group_tests_name("store", sqlite_tests, NULL, NULL);
    if (test_pg_base())
        failed += cmocka_run_group_tests_name("store on postgresql", pg_tests, NULL, NULL);
    else
        printf("[  SKIPPED ] store on postgresql: HEIME_TEST_PG is not set\n");
    return failed;
}
