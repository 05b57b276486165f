/* vrp.h: the plan module's internal VRPTW model, shared by its readers, the independent checker
 * and the hybrid genetic search. Private to src/plan/ (and its unit tests).
 *
 * The model is flat arrays indexed by node: node 0 is the depot, 1..n-1 are customers. Travel
 * time equals distance (as the benchmarks define); both come from one precomputed n*n matrix
 * built under the chosen convention (exact doubles, or DIMACS floor(10*d)/10 per arc). */
#ifndef HM_PLAN_VRP_H
#define HM_PLAN_VRP_H

#include <stddef.h>

#include "base/error.h"

#define HM__VRP_MAX_NODES 4001                 /* depot + 4000 customers: matrix stays < 130 MB */
#define HM__VRP_MAX_FILE (64u * 1024u * 1024u) /* instance files larger than this are refused */
#define HM__VRP_EPS 1e-6                       /* tolerance on times and loads (doubles) */

enum hm__dist_conv { HM__DIST_EXACT = 0, HM__DIST_DIMACS = 1 };
enum hm__objective { HM__OBJ_DISTANCE = 0, HM__OBJ_VEHICLES = 1 };

typedef struct hm__vrp {
    char name[64];
    int n;           /* nodes, depot included */
    int vehicles;    /* fleet limit */
    double capacity; /* vehicle capacity */
    long *ids;       /* external id printed for each node */
    double *x, *y, *demand, *early, *late, *service;
    double *dist;    /* n*n, row-major; travel time == distance */
} hm__vrp;

/* A solution: nroutes routes, route r holds nodes[start[r] .. start[r+1]-1] (customers only). */
typedef struct hm__vrp_sol {
    int nroutes;
    int *start; /* nroutes + 1 entries */
    int *nodes;
} hm__vrp_sol;

/* Allocates the node arrays for n nodes (all zero); the matrix comes with hm__vrp_build_matrix. */
int hm__vrp_alloc(hm__vrp *p, int n, hm_err *err);
void hm__vrp_free(hm__vrp *p);
int hm__vrp_build_matrix(hm__vrp *p, enum hm__dist_conv conv, hm_err *err);
/* Checks node data for sanity (windows ordered, non-negative demand...). */
int hm__vrp_validate(const hm__vrp *p, hm_err *err);

/* Readers: text (len bytes, need not be NUL-terminated) into an allocated model without matrix. */
int hm__read_vrplib(const char *text, size_t len, hm__vrp *out, hm_err *err);
int hm__read_solomon(const char *text, size_t len, hm__vrp *out, hm_err *err);

void hm__sol_free(hm__vrp_sol *s);

/* The independent checker: recomputes everything from the model and the routes. */
typedef struct hm__check {
    int feasible;
    int vehicles;
    double distance;
    char why[160]; /* first violation, empty when feasible */
} hm__check;
void hm__vrp_check(const hm__vrp *p, const hm__vrp_sol *s, hm__check *out);

/* Hybrid genetic search. */
typedef struct hm__hgs_opts {
    double time_limit; /* wall-clock seconds */
    unsigned long long seed;
    enum hm__objective objective;
    long max_iterations; /* 0 = no limit besides time (tests use it for determinism) */
    int granular;        /* 0 = default */
} hm__hgs_opts;

typedef struct hm__hgs_stats {
    long iterations;
    double time_to_best; /* seconds from start to the best solution's discovery */
    double elapsed;
} hm__hgs_stats;

/* Solves p; *out receives the best solution found (feasible when one was found). */
int hm__hgs_solve(const hm__vrp *p, const hm__hgs_opts *o, hm__vrp_sol *out, hm__hgs_stats *st,
                  hm_err *err);

/* Monotonic seconds for time limits: wall time, or the thread's CPU time when the environment
 * sets HEIME_PLAN_CLOCK=cpu (benchmarks on a shared machine). */
double hm__now(void);

#endif
