/* test_db.h: the databases of the unit tests that exercise storage. Each such test runs its
 * group on SQLite (a temporary file) and, when HEIME_TEST_PG names a PostgreSQL server
 * (postgresql://user@host:port/, as scripts/pg-test.sh prints it), again on PostgreSQL: a
 * database of the test's own there, emptied before each test. Header-only (static inline):
 * each test executable includes it once. */
#ifndef HM_TEST_DB_H
#define HM_TEST_DB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libpq-fe.h>

/* The PostgreSQL server of the tests, or NULL when there is none. */
static inline const char *test_pg_base(void)
{
    const char *base = getenv("HEIME_TEST_PG");
    return base && *base ? base : NULL;
}

/* Runs sql on the test server's database db: 0 on success (failures printed unless quiet). */
static inline int test_pg_admin(const char *db, const char *sql, int quiet)
{
    char url[300];
    snprintf(url, sizeof url, "%s%s", test_pg_base(), db);
    PGconn *c = PQconnectdb(url);
    int ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        if (!ok && !quiet)
            fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
    } else if (!quiet) {
        fprintf(stderr, "cannot connect to %s: %s", url, PQerrorMessage(c));
    }
    PQfinish(c);
    return ok ? 0 : -1;
}

/* An empty database for the test called name: on SQLite a file in /tmp (removed first), on
 * PostgreSQL the database hm_unit_<name> (created when missing, its schema dropped). */
static inline int test_db_fresh(int pg, const char *name, char *url, size_t n)
{
    if (!pg) {
        char path[200], side[220];
        snprintf(path, sizeof path, "/tmp/hm-test-%s-%d.db", name, (int)getpid());
        unlink(path);
        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
        snprintf(url, n, "sqlite:%s", path);
        return 0;
    }
    char db[100], sql[160];
    snprintf(db, sizeof db, "hm_unit_%s", name);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
    test_pg_admin("heime", sql, 1); /* fails when it exists: fine */
    snprintf(url, n, "%s%s", test_pg_base(), db);
    return test_pg_admin(db, "SET client_min_messages = warning;"
                             " DROP SCHEMA public CASCADE; CREATE SCHEMA public;", 0);
}

/* Runs a cmocka group on SQLite, then with HEIME_TEST_PG again on PostgreSQL (*on_pg set, so
 * that the group's setup picks test_db_fresh's backend); the failures of both. */
#define TEST_DB_RUN_BOTH(name, tests, setup, teardown, on_pg)                                    \
    test_db_run_both(name, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown, on_pg)

static inline int test_db_run_both(const char *name, const struct CMUnitTest *tests, size_t n,
                            CMFixtureFunction setup, CMFixtureFunction teardown, int *on_pg)
{
    *on_pg = 0;
    int failed = _cmocka_run_group_tests(name, tests, n, setup, teardown);
    char pg_name[160];
    snprintf(pg_name, sizeof pg_name, "%s on postgresql", name);
    if (!test_pg_base()) {
        printf("[  SKIPPED ] %s: HEIME_TEST_PG is not set\n", pg_name);
        return failed;
    }
    *on_pg = 1;
    return failed + _cmocka_run_group_tests(pg_name, tests, n, setup, teardown);
}

/* Removes what test_db_fresh made on SQLite (PostgreSQL's database is emptied on next use). */
static inline void test_db_remove(const char *url)
{
    if (strncmp(url, "sqlite:", 7) != 0)
        return;
    char side[300];
    unlink(url + 7);
    snprintf(side, sizeof side, "%s-wal", url + 7);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", url + 7);
    unlink(side);
}

#endif
