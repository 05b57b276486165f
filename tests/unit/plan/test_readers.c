/* Unit tests of the instance readers: Solomon text, VRPLIB and heime's JSON format read the
 * same tiny instance alike; every malformed input, and every truncation of a valid one, gives
 * a clear error or a valid model, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "plan/hc.h"
#include "plan/plan.h"
#include "plan/vrp.h"

static char *load(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", HM_PLAN_TEST_DATA, name);
    char *text = NULL;
    hm_err err;
    assert_int_equal(hm_read_file(path, HM__VRP_MAX_FILE, &text, len, &err), HM_OK);
    return text;
}

static void vrplib_and_solomon_agree(void **state)
{
    (void)state;
    size_t l1, l2;
    char *a = load("tiny.vrp", &l1), *b = load("tiny.txt", &l2);
    hm__vrp p, q;
    hm_err err;
    assert_int_equal(hm__read_vrplib(a, l1, &p, &err), HM_OK);
    assert_int_equal(hm__read_solomon(b, l2, &q, &err), HM_OK);
    assert_int_equal(p.n, 6);
    assert_int_equal(q.n, 6);
    assert_int_equal(p.vehicles, 3);
    assert_true(p.capacity == 20 && q.capacity == 20);
    for (int i = 0; i < 6; i++) {
        assert_true(p.x[i] == q.x[i] && p.y[i] == q.y[i]);
        assert_true(p.demand[i] == q.demand[i]);
        assert_true(p.early[i] == q.early[i] && p.late[i] == q.late[i]);
        assert_true(p.service[i] == q.service[i]);
        assert_int_equal(p.ids[i], i); /* node - 1, and CUST NO. */
        assert_int_equal(q.ids[i], i);
    }
    assert_true(p.service[0] == 0); /* SERVICE_TIME applies to customers only */
    assert_string_equal(p.name, "tiny");
    hm__vrp_free(&p);
    hm__vrp_free(&q);
    free(a);
    free(b);
}

static void dimacs_truncates_each_arc(void **state)
{
    (void)state;
    hm__vrp p;
    assert_int_equal(hm__vrp_alloc(&p, 2, NULL), HM_OK);
    p.x[1] = 1;
    p.y[1] = 1; /* sqrt(2) = 1.414... */
    assert_int_equal(hm__vrp_build_matrix(&p, HM__DIST_DIMACS, NULL), HM_OK);
    assert_true(p.dist[1] == 1.4);
    assert_int_equal(hm__vrp_build_matrix(&p, HM__DIST_EXACT, NULL), HM_OK);
    assert_true(p.dist[1] > 1.41421 && p.dist[1] < 1.41422);
    hm__vrp_free(&p);
}

typedef struct bad {
    const char *text, *expect;
} bad;

static const bad bad_vrplib[] = {
    {"", "no NODE_COORD_SECTION"},
    {"NAME : x\nNODE_COORD_SECTION\n1 0 0\n", "section before DIMENSION"},
    {"DIMENSION : 3\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n", "node 3 has no coord"},
    {"DIMENSION : 2\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n3 1 1\n", "outside 1..2"},
    {"DIMENSION : 2\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n1 1 1\n", "two coordinates"},
    {"DIMENSION : 2\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 x 1\n", "needs 3 numbers"},
    {"DIMENSION : 2\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n", "missing CAPACITY"},
    {"DIMENSION : -4\n", "DIMENSION must be"},
    {"DIMENSION : 999999999\n", "DIMENSION must be"},
    {"DIMENSION : 2\nEDGE_WEIGHT_TYPE : EXPLICIT\n", "not supported"},
    {"DIMENSION : 2\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nTIME_WINDOW_SECTION\n"
     "1 0 10\n2 9 3\n", "time window"},
    {"DIMENSION : 2\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nTIME_WINDOW_SECTION\n1 0 10\n",
     "node 2 has no time window"},
    {"DIMENSION : 2\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nDEMAND_SECTION\n2 -5\n",
     "bad demand"},
    {"DIMENSION : 2\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1 nan\n", "needs 3 numbers"},
    {"DIMENSION : 2\nCAPACITY : 10\nDEPOT_SECTION\n2\n", "only node 1"},
    {"DIMENSION : 2\ngarbage here\n", "unexpected text"},
};

static void vrplib_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_vrplib / sizeof bad_vrplib[0]; i++) {
        hm__vrp p;
        hm_err err = {0};
        int rc = hm__read_vrplib(bad_vrplib[i].text, strlen(bad_vrplib[i].text), &p, &err);
        if (rc == HM_OK || !strstr(err.msg, bad_vrplib[i].expect))
            fail_msg("case %zu: rc %d msg '%s'", i, rc, err.msg);
    }
    char longline[3000];
    memset(longline, '1', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    hm__vrp p;
    hm_err err;
    assert_int_not_equal(hm__read_vrplib(longline, strlen(longline), &p, &err), HM_OK);
    assert_non_null(strstr(err.msg, "longer than"));
}

static void solomon_malformed(void **state)
{
    (void)state;
    static const bad cases[] = {
        {"", "NUMBER CAPACITY"},
        {"X\nNUMBER CAPACITY\n", "expected vehicle"},
        {"X\nNUMBER CAPACITY\n 3 x\n", "expected vehicle"},
        {"X\nNUMBER CAPACITY\n 3 10\n", "CUST NO."},
        {"X\nNUMBER CAPACITY\n 3 10\nCUST NO.\n 0 1 2 3 4 5\n", "7 numbers"},
        {"X\nNUMBER CAPACITY\n 3 10\nCUST NO.\n 0 0 0 0 0 100 0\n", "depot and one"},
        {"X\nNUMBER CAPACITY\n 3 10\nCUST NO.\n 0 0 0 0 0 100 0\n 0 1 1 1 0 100 0\n", "twice"},
        {"X\nNUMBER CAPACITY\n 3 10\nCUST NO.\n 0 0 0 0 0 100 0\n 1 1 1 1 50 10 0\n", "window"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hm__vrp p;
        hm_err err = {0};
        int rc = hm__read_solomon(cases[i].text, strlen(cases[i].text), &p, &err);
        if (rc == HM_OK || !strstr(err.msg, cases[i].expect))
            fail_msg("case %zu: rc %d msg '%s'", i, rc, err.msg);
    }
}

/* Every prefix of a valid file either parses or fails cleanly (ASan watches for overruns:
 * each prefix is copied into its own exact-size buffer). */
static void every_truncation(void **state)
{
    (void)state;
    const char *files[] = {"tiny.vrp", "tiny.txt", "tiny-homecare.json"};
    for (int f = 0; f < 3; f++) {
        size_t len;
        char *text = load(files[f], &len);
        for (size_t cut = 0; cut <= len; cut++) {
            char *b = malloc(cut ? cut : 1);
            memcpy(b, text, cut);
            hm_err err;
            if (f == 2) {
                hm_plan_problem *p = NULL;
                if (hm__hc_from_json(b, cut, &p, &err) == HM_OK)
                    hm_plan_problem_destroy(p);
            } else {
                hm__vrp p;
                int rc = f == 0 ? hm__read_vrplib(b, cut, &p, &err) : hm__read_solomon(b, cut, &p, &err);
                if (rc == HM_OK)
                    hm__vrp_free(&p);
            }
            free(b);
        }
        free(text);
    }
}

static void json_reads_all_features(void **state)
{
    (void)state;
    size_t len;
    char *text = load("tiny-homecare.json", &len);
    hm_plan_problem *p = NULL;
    hm_err err;
    assert_int_equal(hm__hc_from_json(text, len, &p, &err), HM_OK);
    assert_int_equal(p->nn, 2);
    assert_int_equal(p->nv, 6);
    assert_int_equal(p->np, 1);
    assert_true(p->nurses[0].ss == 480 && p->nurses[0].se == 720);
    assert_true(p->nurses[0].bm == 20 && p->nurses[0].bf == 600);
    assert_true(p->nurses[1].mw == 220);
    assert_true(p->visits[1].fixed == 570 && p->visits[1].tol == 10);
    assert_int_equal(p->visits[2].two, 1);
    assert_int_equal(p->visits[3].nw, 2);
    assert_string_equal(p->visits[3].pref_id, "bjorn");
    assert_int_equal(p->visits[5].mand, 0);
    assert_int_equal(p->visits[5].prio, 2);
    assert_true(p->set.speed_kmh == 30);
    hm_plan_problem_destroy(p);
    free(text);
}

static void json_malformed(void **state)
{
    (void)state;
    static const bad cases[] = {
        {"{", "invalid JSON"},
        {"[]", "must be a JSON object"},
        {"{\"nurses\": []}", "'nurses' must be a non-empty array"},
        {"{\"colour\": 1}", "unknown field 'colour'"},
        {"{\"nurses\": [{\"id\": \"a\", \"start\": [69, 18], \"shift_start\": \"25:99\", "
         "\"shift_end\": 600}], \"visits\": []}", "must be \"HH:MM\""},
        {"{\"nurses\": [{\"id\": \"a\", \"start\": [99, 18], \"shift_start\": 0, \"shift_end\": 600}],"
         " \"visits\": [{\"id\": \"v\", \"location\": [69, 18]}]}", "latitude/longitude"},
        {"{\"nurses\": [{\"id\": \"a\", \"start\": [69, 18], \"shift_start\": 600, \"shift_end\": 0}],"
         " \"visits\": [{\"id\": \"v\", \"location\": [69, 18]}]}", "shift must"},
        {"{\"nurses\": [{\"id\": \"a\", \"start\": [69, 18], \"shift_start\": 0, \"shift_end\": 600}],"
         " \"visits\": [{\"id\": \"v\", \"location\": [69, 18], \"nurses\": 3}]}", "'nurses' must be"},
        {"{\"nurses\": [{\"id\": \"a\", \"start\": [69, 18], \"shift_start\": 0, \"shift_end\": 600}],"
         " \"visits\": [{\"id\": \"v\", \"location\": [69, 18]}, {\"id\": \"v\", \"location\": [69, 18]}]}",
         "added twice"},
        {"{\"nurses\": [{\"id\": \"a\", \"start\": [69, 18], \"shift_start\": 0, \"shift_end\": 600}],"
         " \"visits\": [{\"id\": \"v\", \"location\": [69, 18]}], \"precedences\": [{\"before\": \"v\","
         " \"after\": \"w\"}]}", "unknown visit w"},
        {"{\"matrix\": [[0, 1], [1]], \"nurses\": []}", "row 2 must have 2"},
        {"{\"matrix\": [[0, -1], [1, 0]], \"nurses\": []}", "0-1440 minutes"},
        {"{\"nurses\": [{\"id\": \"a\", \"start\": [69, 18], \"shift_start\": 0, \"shift_end\": 600}],"
         " \"visits\": [{\"id\": \"v\", \"location\": [69, 18], \"windows\": [{\"from\": 500, \"to\": 400}]}]}",
         "window 1"},
        {"{\"nurses\": [{\"id\": \"a\", \"start\": [69, 18], \"shift_start\": 0, \"shift_end\": 600}],"
         " \"visits\": [{\"id\": \"v\", \"location\": \"home\"}]}", "must be [lat, lon]"},
        {"{\"nurses\": [{\"id\": \"a\", \"start\": [69, 18], \"shift_start\": 0, \"shift_end\": 600}],"
         " \"visits\": [{\"id\": \"v\", \"location\": [69, 18], \"mandatory\": 1}]}", "true or false"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hm_plan_problem *p = NULL;
        hm_err err = {0};
        int rc = hm__hc_from_json(cases[i].text, strlen(cases[i].text), &p, &err);
        if (rc == HM_OK || !strstr(err.msg, cases[i].expect))
            fail_msg("case %zu: rc %d msg '%s'", i, rc, err.msg);
    }
}

static void cli_bad_arguments_exit_2(void **state)
{
    (void)state;
    char *a1[] = {"plan", NULL};
    char *a2[] = {"plan", "--instance", "x", "--time-limit", "soon", NULL};
    char *a3[] = {"plan", "--instance", "x", "--distance", "manhattan", NULL};
    char *a4[] = {"plan", "--instance", "x", "--objective", "cost", NULL};
    char *a5[] = {"plan", "--instance", "x", "--seed", "-3", NULL};
    char *a6[] = {"plan", "--frobnicate", "1", NULL};
    char *a7[] = {"plan", "--instance", NULL};
    char *a8[] = {"plan", "--instance", "/nonexistent/file.vrp", NULL};
    assert_int_equal(hm_plan_main(1, a1), 2);
    assert_int_equal(hm_plan_main(5, a2), 2);
    assert_int_equal(hm_plan_main(5, a3), 2);
    assert_int_equal(hm_plan_main(5, a4), 2);
    assert_int_equal(hm_plan_main(5, a5), 2);
    assert_int_equal(hm_plan_main(3, a6), 2);
    assert_int_equal(hm_plan_main(2, a7), 2);
    assert_int_equal(hm_plan_main(3, a8), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vrplib_and_solomon_agree), cmocka_unit_test(dimacs_truncates_each_arc),
        cmocka_unit_test(vrplib_malformed),         cmocka_unit_test(solomon_malformed),
        cmocka_unit_test(every_truncation),         cmocka_unit_test(json_reads_all_features),
        cmocka_unit_test(json_malformed),           cmocka_unit_test(cli_bad_arguments_exit_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
