/* Contract tests of store.h and the group-commit writer. They run against every backend named
 * in HM_TEST_STORES (default: sqlite on a temporary file). */
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
#include "store/writer.h"

static char db_url[256];
static char db_path[200];

static int setup(void **state)
{
    (void)state;
    snprintf(db_path, sizeof db_path, "/tmp/hm-test-store-%d.db", (int)getpid());
    unlink(db_path);
    char wal[220];
    snprintf(wal, sizeof wal, "%s-wal", db_path);
    unlink(wal);
    snprintf(db_url, sizeof db_url, "sqlite:%s", db_path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[220];
    unlink(db_path);
    snprintf(p, sizeof p, "%s-wal", db_path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db_path);
    unlink(p);
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
    assert_string_equal(hm_store_backend(st), "sqlite");
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
    hm_db *db;
    int64_t n;
    assert_int_equal(hm_store_read_begin(st, &db, &err), HM_OK);
    assert_int_equal(hm_db_query_int(db, "SELECT count(*) FROM org", HM_NOARGS, &n, &err), HM_OK);
    assert_int_equal(n, 16 * 200);
    hm_store_read_end(st, db);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_migrate_query, setup, teardown),
        cmocka_unit_test_setup_teardown(group_commit_batches_concurrent_jobs, setup, teardown),
        cmocka_unit_test(bad_urls_are_refused),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
