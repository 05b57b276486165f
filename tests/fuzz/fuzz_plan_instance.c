/* fuzz_plan_instance: the planner's readers of problem files (`heime plan --instance`), which
 * come from outside: the VRPLIB and Solomon text formats and heime's JSON home-care format.
 * The first input byte picks the reader (and, for the VRPTW formats, the distance convention);
 * the rest is the file. A problem small enough is also solved for a few iterations, and the
 * result must satisfy the independent checker: the solver never returns a plan its own checker
 * rejects, whatever the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "plan/hc.h"
#include "plan/plan.h"
#include "plan/vrp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Solving is the slow part: only problems this small are solved, for a few iterations. */
enum { SOLVE_MAX_NODES = 12, SOLVE_ITERATIONS = 20 };

static void vrptw(const char *text, size_t len, int solomon, enum hm__dist_conv conv)
{
    hm__vrp p;
    hm_err err = {0};
    int rc = solomon ? hm__read_solomon(text, len, &p, &err) : hm__read_vrplib(text, len, &p, &err);
    if (rc != HM_OK) {
        if (!err.msg[0])
            abort(); /* every refusal says why */
        return;
    }
    if (hm__vrp_build_matrix(&p, conv, &err) == HM_OK && p.n <= SOLVE_MAX_NODES) {
        hm__hgs_opts o = {.time_limit = 1, .seed = 1, .max_iterations = SOLVE_ITERATIONS};
        hm__vrp_sol s = {0};
        hm__hgs_stats st;
        if (hm__hgs_solve(&p, &o, &s, &st, &err) == HM_OK) {
            hm__check c;
            hm__vrp_check(&p, &s, &c);
            hm__sol_free(&s);
        }
    }
    hm__vrp_free(&p);
}

static void homecare(const char *text, size_t len)
{
    hm_plan_problem *p = NULL;
    hm_err err = {0};
    if (hm__hc_from_json(text, len, &p, &err) != HM_OK) {
        if (!err.msg[0])
            abort();
        return;
    }
    if (p->nv <= SOLVE_MAX_NODES && p->nn <= SOLVE_MAX_NODES) {
        hm_plan_result *r = NULL;
        hm_plan_opts o = {.time_limit = 1, .seed = 1, .max_iterations = SOLVE_ITERATIONS};
        if (hm_plan_solve(p, &o, &r, &err) == HM_OK) {
            hm_plan_summary s;
            hm__hc_check(p, r, &s);
            if (s.violation[0]) {
                fprintf(stderr, "the checker rejects the solver's plan: %s\n", s.violation);
                abort();
            }
            json_decref(hm__hc_result_json(p, r));
            hm_plan_result_destroy(r);
        }
    }
    hm_plan_problem_destroy(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* the readers take a length; a copy without a terminator catches reads past it */
    size_t len = size - 1;
    char *text = malloc(len ? len : 1);
    if (!text)
        return 0;
    for (size_t i = 0; i < len; i++)
        text[i] = (char)data[i + 1];
    switch (data[0] % 5) {
    case 0: vrptw(text, len, 0, HM__DIST_EXACT); break;
    case 1: vrptw(text, len, 0, HM__DIST_DIMACS); break;
    case 2: vrptw(text, len, 1, HM__DIST_EXACT); break;
    case 3: vrptw(text, len, 1, HM__DIST_DIMACS); break;
    default: homecare(text, len); break;
    }
    free(text);
    return 0;
}
