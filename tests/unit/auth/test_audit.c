/* The audit log's hash chain: intact after appends; an edited or deleted row is found; a log
 * rewritten from a row on (intact as a chain) is found by an anchor recorded after that row; the
 * reader of anchor files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Reads the log file: verifies the chain (when asked), reads the head (when given a place for
 * it), checks the anchors. */
static int read_log(int verify_chain, int64_t *rows, hm_audit_anchor *head,
                    const hm_audit_anchor *check, size_t n, hm_err *err)
{
    char url[160];
    snprintf(url, sizeof url, "sqlite:%s", file);
    hm_store *st;
    if (hm_store_open(url, &st, err))
        return -100;
    hm_db *db;
    int rc = hm_store_read_begin(st, &db, err);
    if (!rc && verify_chain)
        rc = hm_audit_verify(db, rows, err);
    int64_t at = 0;
    if (!rc && head)
        rc = hm_audit_head(db, head, &at, err);
    for (size_t i = 0; i < n && !rc; i++)
        rc = hm_audit_check_anchor(db, &check[i], err);
    hm_store_read_end(st, db);
    hm_store_close(st);
    return rc;
}

static int verify(hm_err *err, int64_t *rows)
{
    return read_log(1, rows, NULL, NULL, 0, err);
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

/* Runs one write job on the log file through the store's writer, as the server does. */
static void write_log(int (*job)(hm_db *, void *, hm_err *))
{
    char url[160];
    snprintf(url, sizeof url, "sqlite:%s", file);
    hm_store *st;
    hm_writer *w;
    hm_err err;
    assert_int_equal(hm_store_open(url, &st, &err), HM_OK);
    assert_int_equal(hm_writer_start(st, &w, &err), HM_OK);
    assert_int_equal(hm_writer_submit(w, job, NULL, &err), HM_OK);
    hm_writer_stop(w);
    hm_store_close(st);
}

static void fresh(void)
{
    char p[160];
    snprintf(file, sizeof file, "/tmp/hm-test-audit-%d.db", (int)getpid());
    unlink(file);
    snprintf(p, sizeof p, "%s-wal", file);
    unlink(p);
    write_log(append_rows);
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

/* Rows 3-6 replaced by four other rows, each hashed properly on from row 2: what someone who
 * can write the database and knows the hashing could do. */
static int append_other_rows(hm_db *db, void *arg, hm_err *err)
{
    (void)arg;
    hm_actor a = {.account_id = 8, .org_id = 4, .role = "operator"};
    for (int i = 0; i < 4; i++) {
        hm_audit_rec r = {.at_ms = 2000 + i, .actor = &a, .action = "read", .object = "alarms",
                          .request_id = "x"};
        int rc = hm_audit_append(db, &r, err);
        if (rc)
            return rc;
    }
    return HM_OK;
}

static void rewrite_from_row_3(void)
{
    tamper("DELETE FROM audit_patient WHERE audit_id >= 3; DELETE FROM audit WHERE id >= 3");
    write_log(append_other_rows);
}

static void anchors_catch_a_rewritten_log(void **state)
{
    (void)state;
    fresh();
    hm_err err;
    hm_audit_anchor head, early;
    assert_int_equal(read_log(0, NULL, &head, NULL, 0, &err), HM_OK);
    assert_int_equal(head.row, 6);
    assert_int_equal(strlen(head.hash), 64);
    /* the head as a line of an anchor file, and back */
    char line[HM_AUDIT_ANCHOR_LINE];
    size_t len = hm_audit_anchor_format(&head, 1005, line, sizeof line);
    assert_non_null(strstr(line, "\"row\": 6"));
    hm_audit_anchor *read = NULL;
    size_t n = 0;
    assert_int_equal(hm_audit_anchors_parse(line, len, &read, &n, &err), HM_OK);
    assert_int_equal(n, 1);
    assert_int_equal(read[0].row, 6);
    assert_string_equal(read[0].hash, head.hash);
    free(read);
    assert_int_equal(read_log(0, NULL, NULL, &head, 1, &err), HM_OK);

    rewrite_from_row_3();
    int64_t rows = 0;
    assert_int_equal(verify(&err, &rows), HM_OK); /* the chain alone looks intact */
    assert_int_equal(rows, 6);
    assert_int_equal(read_log(0, NULL, NULL, &head, 1, &err), HM_ECONFLICT);
    assert_string_equal(err.msg, "audit row 6 no longer has the hash anchored outside heime"
                                 " (the log was rewritten up to it)");
    /* An anchor from before the changed rows still holds; one past the end is missing. */
    early.row = 2;
    sqlite3 *h;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(file, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT hash FROM audit WHERE id = 2", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    snprintf(early.hash, sizeof early.hash, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(h);
    assert_int_equal(read_log(0, NULL, NULL, &early, 1, &err), HM_OK);
    early.row = 99;
    assert_int_equal(read_log(0, NULL, NULL, &early, 1, &err), HM_ECONFLICT);
    assert_string_equal(err.msg, "audit row 99, anchored outside heime, is missing");
}

static void anchor_files_are_read_line_by_line(void **state)
{
    (void)state;
    static const char good[] =
        "# anchors of heime's audit log\n"
        "\n"
        "{\"row\": 0, \"hash\": \"0000000000000000000000000000000000000000000000000000000000000000\"}\n"
        "  {\"row\": 12, \"hash\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
        " \"at\": \"2026-11-24T20:00:00Z\", \"by\": \"ops\"}\r\n";
    hm_audit_anchor *a = NULL;
    size_t n = 0;
    hm_err err;
    assert_int_equal(hm_audit_anchors_parse(good, sizeof good - 1, &a, &n, &err), HM_OK);
    assert_int_equal(n, 2);
    assert_int_equal(a[1].row, 12);
    assert_string_equal(a[1].hash,
                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    free(a);
    assert_int_equal(hm_audit_anchors_parse("", 0, &a, &n, &err), HM_OK);
    assert_int_equal(n, 0);
    static const char *const bad[] = {
        "{\"row\": 1}",
        "{\"row\": -1, \"hash\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}",
        "{\"row\": 1, \"hash\": \"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\"}",
        "{\"row\": 1, \"hash\": \"0123\"}",
        "{\"row\": \"1\", \"hash\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}",
        "row 1 hash 0123",
        "[1, 2]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        int len = snprintf(text, sizeof text, "# first\n%s\n", bad[i]);
        a = (hm_audit_anchor *)&n; /* must come back NULL */
        assert_int_equal(hm_audit_anchors_parse(text, (size_t)len, &a, &n, &err), HM_EINVAL);
        assert_null(a);
        assert_int_equal(n, 0);
        assert_non_null(strstr(err.msg, "anchor line 2"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(intact_chain_verifies),
        cmocka_unit_test(sql_cannot_change_the_log),
        cmocka_unit_test(changed_row_is_named),
        cmocka_unit_test(deleted_row_is_named),
        cmocka_unit_test(rehashed_row_breaks_the_next_link),
        cmocka_unit_test(anchors_catch_a_rewritten_log),
        cmocka_unit_test(anchor_files_are_read_line_by_line),
    };
    int rc = cmocka_run_group_tests_name("auth/audit", tests, NULL, NULL);
    unlink(file);
    return rc;
}
