/* plan.h: the planner's public API: who visits which patient when, in what order.
 *
 * Two entry points: the `heime plan` subcommand (hm_plan_main) for instance files (Solomon,
 * VRPLIB, heime's JSON format, see docs/plan-format.md), and the home-care C API below for
 * callers that build a day's problem in memory. See docs/internals/planner.md. */
#ifndef HM_PLAN_PLAN_H
#define HM_PLAN_PLAN_H

/* `heime plan --instance FILE [--time-limit S] [--seed N] [--distance exact|dimacs]
 * [--objective distance|vehicles]`: argv[0] is "plan"; returns the exit code (0 ok, 1 failure,
 * 2 bad arguments). Prints one JSON object on stdout. */
int hm_plan_main(int argc, char **argv);

#endif
