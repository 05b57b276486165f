/* hc.h: internals of the home-care planner shared by hc.c (problem, solver, result),
 * hc_check.c (the independent checker) and hc_json.c (heime's JSON problem format).
 * Private to src/plan/. Times and travel are minutes (doubles). */
#ifndef HM_PLAN_HC_H
#define HM_PLAN_HC_H

#include <jansson.h>
#include <stdint.h>

#include "plan/plan.h"

typedef struct hc_nurse {
    char *id;
    hm_plan_loc start, end;
    double ss, se, bf, bt, bm, mw;
    uint64_t comp;
} hc_nurse;

typedef struct hc_visit {
    char *id;
    hm_plan_loc loc;
    int nw;
    double wf[HM_PLAN_MAX_WINDOWS], wt[HM_PLAN_MAX_WINDOWS];
    double dur, fixed, tol;
    uint64_t req;
    int prio, mand, two;
    char *pref_id;
    char *req_nurse_id; /* NULL: any competent nurse */
} hc_visit;

typedef struct hc_prec {
    int before, after;
    double gap;
} hc_prec;

struct hm_plan_problem {
    hm_plan_settings set;
    hc_nurse *nurses;
    hc_visit *visits;
    hc_prec *precs;
    int nn, nv, np, cap_n, cap_v, cap_p;
    char *comp_names[HM_PLAN_MAX_COMPETENCES];
    int ncomp;
    double *matrix; /* supplied travel minutes, nloc*nloc */
    int nloc;
};

typedef struct hc_route {
    int nurse, n;
    hm_plan_stop *stops;
    double break_start, end;
} hc_route;

struct hm_plan_result {
    int nn;
    char **nurse_ids;
    hc_route *routes;
    hm_plan_unserved *unserved;
    int nunserved;
    char **visit_ids; /* owned copies referenced by stops and unserved */
    int nv;
    hm_plan_summary sum;
};

/* Travel minutes between two locations of problem p (matrix or great-circle). */
double hm__hc_travel(const hm_plan_problem *p, const hm_plan_loc *a, const hm_plan_loc *b);

/* The independent checker: fills the summary's travel, lateness, overtime, continuity misses,
 * counts and `violation`/`feasible` from the problem and the result's stops alone. */
void hm__hc_check(const hm_plan_problem *p, const hm_plan_result *r, hm_plan_summary *out);

/* For the unit tests: the solver's first plan for p, then `rounds` random ruins; every
 * insertion of each removed task is priced incrementally (from cached route states) and by a
 * full route simulation. Returns the number of disagreements (-1: out of memory); *priced
 * receives how many insertions were compared. */
int hm__hc_check_pricing(hm_plan_problem *p, uint64_t seed, int rounds, long *priced);
/* For the unit tests: the cheapest insertion with its bounds finds the cost of the cheapest
 * place of all, for every task of `rounds` ruins; returns the tasks where not (*tried: tasks). */
int hm__hc_check_scan(hm_plan_problem *p, uint64_t seed, int rounds, long *tried);

/* For the unit tests: rounds of route trades (nurses swapping whole routes) between random
 * ruins of the first plan; *made receives the number of trades. Returns how many rounds raised
 * the cost or left a cost that a from-scratch evaluation does not reproduce (-1: no memory). */
int hm__hc_check_trades(hm_plan_problem *p, uint64_t seed, int rounds, int *made);

/* For the unit tests: rounds of ruin and recreate searched with the continuity weight at factor
 * times the objective's; returns how many times the objective derived from that search's cost
 * differs from a from-scratch evaluation at the objective's weight (-1: no memory). */
int hm__hc_check_weight(hm_plan_problem *p, uint64_t seed, double factor, int rounds);

/* For the unit tests: rounds of ruin, recreate and acceptance with the search's kept
 * simulations, each accepted plan evaluated again from scratch by a second solver; returns how
 * many rounds' costs or schedules differ (-1: no memory). */
int hm__hc_check_kept(hm_plan_problem *p, uint64_t seed, int rounds);

/* The search's cooling schedule by the run's length: the exponent for a run expected to make
 * n_exp iterations (1.5 for short runs, 1 from a million), and the schedule's progress
 * 1 - (1 - prog)^e (exactly prog when e is 1); the temperature falls linearly in it. */
double hm__hc_cool_exponent(double n_exp);
double hm__hc_cooled(double prog, double e);
/* The share of candidates (0 to 1) judged by threshold accepting rather than annealing in a
 * run expected to make n_exp iterations: 1 for short runs, 0 for long ones. */
double hm__hc_threshold_share(double n_exp);
/* The share of ruins (in %) that remove random tasks at progress prog (0 to 1) of the run. */
int hm__hc_random_share(double prog);

/* heime's JSON format: builds a problem from JSON text. */
int hm__hc_from_json(const char *text, size_t len, hm_plan_problem **out, hm_err *err);
/* The plan as the JSON object printed by `heime plan`. */
json_t *hm__hc_result_json(const hm_plan_problem *p, const hm_plan_result *r);
/* Reads, solves and renders a JSON problem (the CLI's path). */
int hm__hc_solve_json_text(const char *text, size_t len, const hm_plan_opts *o, json_t **out,
                           hm_err *err);

#endif
