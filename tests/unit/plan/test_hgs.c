/* Unit tests of the hybrid genetic search: it finds the brute-force optimum of tiny
 * instances, every solution passes the independent checker, a seed gives the same run, the
 * wall-clock limit holds, and the vehicles objective uses no more vehicles than needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "plan/vrp.h"
#include "plan_test.h"

static void solve(const hm__vrp *p, hm__hgs_opts *o, hm__vrp_sol *s, hm__check *c,
                  hm__hgs_stats *st)
{
    hm_err err;
    assert_int_equal(hm__hgs_solve(p, o, s, st, &err), HM_OK);
    hm__vrp_check(p, s, c);
}

static void finds_known_optimum(void **state)
{
    (void)state;
    for (unsigned seed = 1; seed <= 6; seed++) {
        hm__vrp p;
        pt_random_instance(&p, seed == 1 ? 8 : 7, 3, seed, 1);
        double opt = pt_brute_force(&p);
        hm__hgs_opts o = {.time_limit = 5, .seed = seed, .max_iterations = 300};
        hm__vrp_sol s;
        hm__check c;
        hm__hgs_stats st;
        solve(&p, &o, &s, &c, &st);
        if (opt < 0) {
            assert_false(c.feasible);
        } else {
            if (!c.feasible || c.distance > opt + 1e-6)
                fail_msg("seed %u: optimum %.1f, found %.1f (%s)", seed, opt, c.distance, c.why);
        }
        hm__sol_free(&s);
        hm__vrp_free(&p);
    }
}

static int same(const hm__vrp_sol *a, const hm__vrp_sol *b)
{
    if (a->nroutes != b->nroutes)
        return 0;
    int len = a->start[a->nroutes];
    return memcmp(a->start, b->start, sizeof(int) * (size_t)(a->nroutes + 1)) == 0 &&
           memcmp(a->nodes, b->nodes, sizeof(int) * (size_t)len) == 0;
}

static void deterministic_for_a_seed(void **state)
{
    (void)state;
    hm__vrp p;
    pt_random_instance(&p, 41, 40, 77, 1);
    hm__hgs_opts o = {.time_limit = 30, .seed = 5, .max_iterations = 150};
    hm__vrp_sol a, b;
    hm__check ca, cb;
    hm__hgs_stats st;
    solve(&p, &o, &a, &ca, &st);
    solve(&p, &o, &b, &cb, &st);
    assert_true(same(&a, &b));
    assert_true(ca.distance == cb.distance);
    assert_true(ca.feasible);
    hm__sol_free(&a);
    hm__sol_free(&b);
    hm__vrp_free(&p);
}

static void honours_time_limit(void **state)
{
    (void)state;
    hm__vrp p;
    pt_random_instance(&p, 301, 60, 3, 1);
    for (int i = 1; i < p.n; i++)
        p.late[i] += 200; /* wider windows: more feasible combinations, more work per step */
    hm__hgs_opts o = {.time_limit = 0.5, .seed = 1};
    hm__vrp_sol s;
    hm__check c;
    hm__hgs_stats st;
    double t0 = hm__now();
    solve(&p, &o, &s, &c, &st);
    double took = hm__now() - t0;
    /* the limit is checked between generations; allow one generation and clean-up (ASan) */
    if (took > 0.5 + 0.5)
        fail_msg("asked for 0.5 s, took %.3f s", took);
    assert_true(c.feasible);
    hm__sol_free(&s);
    hm__vrp_free(&p);
}

static void vehicles_objective(void **state)
{
    (void)state;
    hm__vrp p;
    pt_random_instance(&p, 31, 15, 9, 0); /* no windows: capacity 30 decides the fleet */
    double total = 0;
    for (int i = 1; i < p.n; i++)
        total += p.demand[i];
    int lower = (int)((total + p.capacity - 1) / p.capacity);
    hm__hgs_opts o = {.time_limit = 30, .seed = 2, .max_iterations = 300,
                      .objective = HM__OBJ_VEHICLES};
    hm__vrp_sol s;
    hm__check c;
    hm__hgs_stats st;
    solve(&p, &o, &s, &c, &st);
    assert_true(c.feasible);
    assert_true(c.vehicles <= lower + 1);
    hm__sol_free(&s);
    hm__vrp_free(&p);
}

static void fleet_limit_respected(void **state)
{
    (void)state;
    hm__vrp p;
    pt_random_instance(&p, 31, 7, 11, 0);
    hm__hgs_opts o = {.time_limit = 30, .seed = 3, .max_iterations = 200};
    hm__vrp_sol s;
    hm__check c;
    hm__hgs_stats st;
    solve(&p, &o, &s, &c, &st);
    assert_true(s.nroutes <= 7);
    hm__sol_free(&s);
    hm__vrp_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_known_optimum),     cmocka_unit_test(deterministic_for_a_seed),
        cmocka_unit_test(honours_time_limit),      cmocka_unit_test(vehicles_objective),
        cmocka_unit_test(fleet_limit_respected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
