/* The audit log's hash chain: intact after appends; an edited or deleted row is found. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/audit.h"
#include "store/writer.h"

static char file[128];

static int append_rows(hm_db *db, void *arg, hm_err *err)
{
    (void)arg;
    hm_actor a = {.account_id = 7, .org_id = 3, .role = "physician"};
    for (int i = 0; i < 6; i++) {
        int64_t patients[2] = {10 + i, 20};
        char object[32];
        snprintf(object, sizeof object, "patient/%d", 10 + i);
        hm_audit_rec r = {.at_ms = 1000 + i, .actor = &a, .action = "read", .object = object,
                          .patients = patients, .npatients = 2, .request_id = "t"};
        int rc = hm_audit_append(db, &r, err);
        if (rc)
            return rc;
    }
    return HM_OK;
}

static int verify(hm_err *err, int64_t *rows)
{
    char url[160];
    snprintf(url, sizeof url, "sqlite:%s", file);
    hm_store *st;
    if (hm_store_open(url, &st, err))
        return -100;
    hm_db *db;
    int rc = hm_store_read_begin(st, &db, err);
    if (!rc)
        rc = hm_audit_verify(db, rows, err);
    hm_store_read_end(st, db);
    hm_store_close(st);
    return rc;
}

static void tamper(const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(file, &h), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(h,
                          "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;", NULL,
                          NULL, &msg);
    sqlite3_free(msg);
    rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("tamper: %s", msg);
    sqlite3_close(h);
}

static void fresh(void)
{
    char p[160];
    snprintf(file, sizeof file, "/tmp/hm-test-audit-%d.db", (int)getpid());
    unlink(file);
    snprintf(p, sizeof p, "%s-wal", file);
    unlink(p);
    char url[160];
    snprintf(url, sizeof url, "sqlite:%s", file);
    hm_store *st;
    hm_writer *w;
    hm_err err;
    assert_int_equal(hm_store_open(url, &st, &err), HM_OK);
    assert_int_equal(hm_writer_start(st, &w, &err), HM_OK);
    assert_int_equal(hm_writer_submit(w, append_rows, NULL, &err), HM_OK);
    hm_writer_stop(w);
    hm_store_close(st);
}

static void intact_chain_verifies(void **state)
{
    (void)state;
    fresh();
    hm_err err;
    int64_t rows = 0;
    assert_int_equal(verify(&err, &rows), HM_OK);
    assert_int_equal(rows, 6);
}

static void sql_cannot_change_the_log(void **state)
{
    (void)state;
    fresh();
    sqlite3 *h;
    assert_int_equal(sqlite3_open(file, &h), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h, "UPDATE audit SET object = 'x'", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h, "DELETE FROM audit WHERE id = 2", NULL, NULL, NULL),
                         SQLITE_OK);
    sqlite3_close(h);
}

static void changed_row_is_named(void **state)
{
    (void)state;
    fresh();
    tamper("UPDATE audit SET object = 'patient/99' WHERE id = 3");
    hm_err err;
    assert_int_equal(verify(&err, NULL), HM_ECONFLICT);
    assert_string_equal(err.msg, "audit row 3 was changed");
}

static void deleted_row_is_named(void **state)
{
    (void)state;
    fresh();
    tamper("DELETE FROM audit WHERE id = 4");
    hm_err err;
    assert_int_equal(verify(&err, NULL), HM_ECONFLICT);
    assert_string_equal(err.msg, "audit row 4 is missing");
}

static void rehashed_row_breaks_the_next_link(void **state)
{
    (void)state;
    fresh();
    /* Changing a row's hash to match its new text still breaks the link from the next row. */
    tamper("UPDATE audit SET hash = '00' WHERE id = 2");
    hm_err err;
    assert_int_equal(verify(&err, NULL), HM_ECONFLICT);
    assert_string_equal(err.msg, "audit row 2 was changed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(intact_chain_verifies),
        cmocka_unit_test(sql_cannot_change_the_log),
        cmocka_unit_test(changed_row_is_named),
        cmocka_unit_test(deleted_row_is_named),
        cmocka_unit_test(rehashed_row_breaks_the_next_link),
    };
    int rc = cmocka_run_group_tests_name("auth/audit", tests, NULL, NULL);
    unlink(file);
    return rc;
}
