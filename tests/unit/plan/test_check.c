/* Unit tests of the independent VRPTW checker on hand-made solutions: a feasible one with its
 * distance worked out by hand, and one of each kind of violation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "plan/vrp.h"

/* Depot at (0,0), customers at (3,4), (6,8), (0,5): distances 5, 5, 5, ... */
static void make(hm__vrp *p)
{
    assert_int_equal(hm__vrp_alloc(p, 4, NULL), HM_OK);
    double xs[] = {0, 3, 6, 0}, ys[] = {0, 4, 8, 5};
    for (int i = 0; i < 4; i++) {
        p->ids[i] = i;
        p->x[i] = xs[i];
        p->y[i] = ys[i];
        p->demand[i] = i ? 5 : 0;
        p->late[i] = 100;
        p->service[i] = i ? 1 : 0;
    }
    p->vehicles = 2;
    p->capacity = 10;
    assert_int_equal(hm__vrp_build_matrix(p, HM__DIST_EXACT, NULL), HM_OK);
}

static void run(const hm__vrp *p, int nroutes, int *start, int *nodes, hm__check *c)
{
    hm__vrp_sol s = {.nroutes = nroutes, .start = start, .nodes = nodes};
    hm__vrp_check(p, &s, c);
}

static void feasible_distance(void **state)
{
    (void)state;
    hm__vrp p;
    make(&p);
    int start[] = {0, 2, 3}, nodes[] = {1, 2, 3};
    hm__check c;
    run(&p, 2, start, nodes, &c);
    assert_true(c.feasible);
    assert_int_equal(c.vehicles, 2);
    /* 0-1-2-0: 5 + 5 + 10; 0-3-0: 5 + 5 */
    assert_true(c.distance > 30 - 1e-9 && c.distance < 30 + 1e-9);
    hm__vrp_free(&p);
}

static void expect(const hm__vrp *p, int nroutes, int *start, int *nodes, const char *why)
{
    hm__check c;
    run(p, nroutes, start, nodes, &c);
    assert_false(c.feasible);
    if (!strstr(c.why, why))
        fail_msg("expected '%s', got '%s'", why, c.why);
}

static void violations(void **state)
{
    (void)state;
    hm__vrp p;
    make(&p);
    int s2[] = {0, 2, 3}, s1[] = {0, 3}, s3[] = {0, 1, 2, 3};
    int missing[] = {1, 2}, twice[] = {1, 2, 2}, unknown[] = {1, 7, 3};
    int all[] = {1, 2, 3};
    int s2b[] = {0, 2};
    expect(&p, 1, s2b, missing, "customer 3 is not served");
    expect(&p, 2, s2, twice, "served 2 times");
    expect(&p, 2, s2, unknown, "unknown node 7");
    expect(&p, 1, s1, all, "exceeds capacity");
    expect(&p, 3, s3, all, "more than the 2 available");
    p.late[2] = 9; /* 0-1-2: arrive at 2 at 5 + 1 + 5 = 11 */
    expect(&p, 2, s2, all, "customer 2 served after its window closes");
    p.late[2] = 100;
    p.late[0] = 15; /* back at 11 + 1 + 10 = 22 */
    expect(&p, 2, s2, all, "returns to the depot after it closes");
    hm__vrp_free(&p);
}

static void waiting_is_allowed(void **state)
{
    (void)state;
    hm__vrp p;
    make(&p);
    p.early[1] = 50; /* arrive at 5, wait until 50 */
    p.late[1] = 60;
    p.late[2] = 60; /* 50 + 1 + 5 = 56 */
    int start[] = {0, 2, 3}, nodes[] = {1, 2, 3};
    hm__check c;
    run(&p, 2, start, nodes, &c);
    assert_true(c.feasible);
    p.late[2] = 55;
    run(&p, 2, start, nodes, &c);
    assert_false(c.feasible);
    hm__vrp_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(feasible_distance),
        cmocka_unit_test(violations),
        cmocka_unit_test(waiting_is_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
