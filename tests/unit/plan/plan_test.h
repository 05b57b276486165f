/* plan_test.h: helpers shared by the plan module's unit tests: random tiny VRPTW instances,
 * an independent penalised route cost, and brute-force optima. */
#ifndef HM_PLAN_TEST_H
#define HM_PLAN_TEST_H

#include "plan/vrp.h"

/* A random instance: n-1 customers in a 100x100 square, windows of random width, capacity
 * that forces several routes. Deterministic for the seed. */
void pt_random_instance(hm__vrp *p, int n, int vehicles, unsigned seed, int tight);

/* Penalised cost of routes given as roff (V+1) / rnodes, computed by plain simulation. */
double pt_penalised(const hm__vrp *p, const int *rnodes, const int *roff, int V, double pen_cap,
                    double pen_tw);

/* Brute-force optimum distance of a feasible solution with at most p->vehicles routes
 * (n <= 8); returns -1 when none is feasible. */
double pt_brute_force(const hm__vrp *p);

#endif
