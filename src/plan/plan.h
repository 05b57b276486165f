/* plan.h: the planner's public API: who visits which patient when, in what order.
 *
 * Two entry points: the `heime plan` subcommand (hm_plan_main) for instance files (Solomon,
 * VRPLIB, heime's JSON format, see docs/plan-format.md), and the home-care C API below for
 * callers that build a day's problem in memory. See docs/internals/planner.md. */
#ifndef HM_PLAN_PLAN_H
#define HM_PLAN_PLAN_H

#include <stdatomic.h>
#include <stddef.h>

#include "base/error.h"

/* `heime plan --instance FILE [--time-limit S] [--seed N] [--distance exact|dimacs]
 * [--objective distance|vehicles]`: argv[0] is "plan"; returns the exit code (0 ok, 1 failure,
 * 2 bad arguments). Prints one JSON object on stdout. */
int hm_plan_main(int argc, char **argv);

/* ---- The home-care API ----
 *
 * Build a problem in memory (nurses, visits, precedences, travel), solve it with a time limit,
 * read back per-nurse routes with times and the unserved visits with reasons. Times are minutes
 * since midnight of the planned day (the caller converts Europe/Oslo clock times); travel times
 * are minutes. Ownership: the problem copies every string and array it is given; a result is
 * independent of its problem and is freed with hm_plan_result_destroy. Not thread-safe per
 * object; separate objects may be used from separate threads.
 *
 * Objective, in order (weights in hm_plan_settings): every mandatory visit served; fewest
 * lateness and overtime minutes; optional visits served by priority; shortest total travel
 * time; continuity (preferred nurse) as a weighted soft goal. */

typedef struct hm_plan_problem hm_plan_problem;
typedef struct hm_plan_result hm_plan_result;

#define HM_PLAN_MAX_WINDOWS 4      /* time windows per visit */
#define HM_PLAN_MAX_COMPETENCES 64 /* distinct competence names per problem */
#define HM_PLAN_MAX_NURSES 200
#define HM_PLAN_MAX_VISITS 2500

/* A location: coordinates (degrees) when travel is computed, or an index into a supplied
 * matrix (hm_plan_set_matrix) when index >= 0. */
typedef struct hm_plan_loc {
    double lat, lon;
    int index; /* -1: use lat/lon */
} hm_plan_loc;

typedef struct hm_plan_nurse {
    const char *id;
    hm_plan_loc start, end;
    double shift_start, shift_end;  /* minutes */
    double break_from, break_to;    /* window in which the unpaid break starts */
    double break_minutes;           /* 0 = no break */
    double max_work;                /* minutes of work (shift minus break); 0 = no limit */
    const char *const *competences; /* n_competences names */
    int n_competences;
} hm_plan_nurse;

typedef struct hm_plan_visit {
    const char *id;
    hm_plan_loc loc;
    int n_windows; /* 0 = any time */
    double win_from[HM_PLAN_MAX_WINDOWS], win_to[HM_PLAN_MAX_WINDOWS]; /* start of service */
    double duration;
    const char *const *competences; /* required, all of them */
    int n_competences;
    int priority;  /* 1..10, weight of an optional visit */
    int mandatory; /* 1: must be served */
    double fixed_time, tolerance; /* fixed_time < 0: none; else start in [t - tol, t + tol] */
    const char *preferred_nurse;  /* NULL or a nurse id */
    int nurses;                   /* 1, or 2 for a visit two nurses make together */
    /* NULL, or the id of the one nurse who must make this visit (one of the two for a two-nurse
     * visit): a visit under way when a day is re-planned stays with the nurse making it. */
    const char *required_nurse;
} hm_plan_visit;

typedef struct hm_plan_settings {
    double speed_kmh;         /* travel from coordinates: default 40 */
    double road_factor;       /* great-circle distance times this: default 1.3 */
    double max_lateness;      /* minutes a window may be missed by, penalised: default 30 */
    double max_overtime;      /* minutes past shift end, penalised: default 60 */
    double w_unserved;        /* per unserved mandatory visit: default 1e6 */
    double w_late;            /* per minute of lateness or overtime: default 1000 */
    double w_optional;        /* per priority point of an unserved optional visit: default 200 */
    double w_continuity;      /* per visit not made by its preferred nurse: default 10 */
} hm_plan_settings;

typedef struct hm_plan_opts {
    double time_limit; /* wall-clock seconds */
    unsigned long long seed;
    long max_iterations; /* 0: only the time limit; else also stop after this many (tests) */
    /* NULL, or the home-care search stops as soon as it is set (a server shutting down); the
     * caller should then not use the plan, which had less than its time. */
    const atomic_int *cancel;
} hm_plan_opts;

/* Why a visit is unserved. */
enum hm_plan_reason {
    HM_PLAN_NO_COMPETENCE = 1, /* no nurse (or fewer than two for a two-nurse visit) has it */
    HM_PLAN_UNREACHABLE,       /* no competent nurse can arrive within a window */
    HM_PLAN_SHIFT_TOO_SHORT,   /* reachable, but no shift is long enough to go and come back */
    HM_PLAN_PREDECESSOR,       /* a visit it must follow is unserved */
    HM_PLAN_NO_ROOM,           /* possible alone, but the nurses' days are full */
    HM_PLAN_OPTIONAL_DROPPED   /* optional and left out for a better plan */
};

typedef struct hm_plan_stop {
    int visit;              /* index in the order visits were added */
    const char *visit_id;
    double arrival, start, end; /* minutes */
} hm_plan_stop;

typedef struct hm_plan_unserved {
    int visit;
    const char *visit_id;
    enum hm_plan_reason reason;
    const char *why; /* the reason in words */
} hm_plan_unserved;

typedef struct hm_plan_summary {
    int feasible;            /* every mandatory visit served and the checker found no violation */
    int unserved_mandatory, unserved_optional, nurses_used, continuity_misses;
    double travel, lateness, overtime, cost;
    double time_to_first, time_to_best, elapsed; /* seconds */
    double time_to_feasible; /* seconds until every mandatory visit was placed; -1: never */
    long iterations;
    char violation[160];     /* the checker's first finding, empty when none */
} hm_plan_summary;

void hm_plan_settings_default(hm_plan_settings *s);
int hm_plan_problem_create(const hm_plan_settings *s, hm_plan_problem **out, hm_err *err);
void hm_plan_problem_destroy(hm_plan_problem *p);
int hm_plan_add_nurse(hm_plan_problem *p, const hm_plan_nurse *n, hm_err *err);
int hm_plan_add_visit(hm_plan_problem *p, const hm_plan_visit *v, hm_err *err);
/* `after` may start only min_gap minutes after `before` ends (ids of added visits). */
int hm_plan_add_precedence(hm_plan_problem *p, const char *before, const char *after,
                           double min_gap, hm_err *err);
/* Supplies travel minutes between nloc locations (row-major nloc*nloc, copied). */
int hm_plan_set_matrix(hm_plan_problem *p, const double *minutes, int nloc, hm_err *err);

int hm_plan_solve(hm_plan_problem *p, const hm_plan_opts *o, hm_plan_result **out, hm_err *err);
void hm_plan_result_destroy(hm_plan_result *r);

int hm_plan_result_nurse_count(const hm_plan_result *r);
const char *hm_plan_result_nurse_id(const hm_plan_result *r, int nurse);
/* Stops of one nurse in route order; *n is set to their count. break_start < 0: no break. */
const hm_plan_stop *hm_plan_result_route(const hm_plan_result *r, int nurse, int *n,
                                         double *break_start, double *route_end);
const hm_plan_unserved *hm_plan_result_unserved(const hm_plan_result *r, int *n);
void hm_plan_result_summary(const hm_plan_result *r, hm_plan_summary *out);

#endif
