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
    hm_err err;
    assert_int_equal(hm_store_open(db_url, &st, &err), HM_OK);
    hm_writer *w;
    assert_int_equal(hm_writer_start(st, &w, &err), HM_OK);
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

/* The server drops heime's connections (a restart, a failover, an administrator): the
 * statement that finds its connection gone fails, the next one runs on a new connection. */
static void pg_dropped_connections_come_back(void **state)
{
    (void)state;
    hm_store *st;
    hm_err err;
    assert_int_equal(hm_store_open(db_url, &st, &err), HM_OK);
    hm_writer *w;
    assert_int_equal(hm_writer_start(st, &w, &err), HM_OK);
    int64_t writer_pid = 0, reader_pid = 0;
    assert_int_equal(hm_writer_submit(w, backend_pid, &writer_pid, &err), HM_OK);
    hm_db *db;
    assert_int_equal(hm_store_read_begin(st, &db, &err), HM_OK);
    assert_int_equal(backend_pid(db, &reader_pid, &err), HM_OK);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld), pg_terminate_backend(%lld)",
             (long long)writer_pid, (long long)reader_pid);
    assert_int_equal(test_pg_admin("heime", sql, 0), 0);
    /* the reader: this statement fails, the connection is not pooled again */
    int64_t n;
    assert_int_equal(hm_db_query_int(db, "SELECT count(*) FROM org", HM_NOARGS, &n, &err), HM_EIO);
    hm_store_read_end(st, db);
    assert_int_equal(read_int(st, "SELECT count(*) FROM org"), 0);
    /* the writer: the batch that found it gone fails, the next one reconnects */
    assert_int_not_equal(hm_writer_submit(w, insert_org, "R1", &err), HM_OK);
    assert_int_equal(hm_writer_submit(w, insert_org, "R2", &err), HM_OK);
    int64_t again = 0;
    assert_int_equal(hm_writer_submit(w, backend_pid, &again, &err), HM_OK);
    assert_int_not_equal(again, writer_pid);
    hm_writer_stop(w);
    assert_int_equal(read_int(st, "SELECT count(*) FROM org WHERE code = 'R2'"), 1);
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
        cmocka_unit_test_setup_teardown(more_statements_than_the_cache_holds, setup_sqlite,
                                        teardown),
        cmocka_unit_test(bad_urls_are_refused),
        cmocka_unit_test(pg_parameters_are_numbered),
        cmocka_unit_test(pg_unreachable_server_is_a_clear_error),
    };
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test_setup_teardown(open_migrate_query, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(group_commit_batches_concurrent_jobs, setup_pg, teardown),
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
