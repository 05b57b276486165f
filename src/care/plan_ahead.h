/* plan_ahead.h: planning zones' days before they come. hm_care_plan_open_days plans the days of
 * every home-care zone that want a plan; the planning schedule does so every day once the Oslo
 * clock passes a configured time, for the next days, so that tomorrow's worklists are in route
 * order with planned times before the coordinator goes home (`heime demo --plan` uses the first
 * for today and tomorrow). A day already planned, by anyone, keeps its routes: the schedule never
 * overrides the coordinator's plan, it only fits in visits that came after it. */
#ifndef HM_CARE_PLAN_AHEAD_H
#define HM_CARE_PLAN_AHEAD_H

#include <stdatomic.h>

#include "care/care.h"

/* Plans each of the days ("YYYY-MM-DD") of every home-care zone whose day wants a plan: no
 * visit has a route yet and some visit is still to be planned (none has a route or a reason
 * why not from an earlier plan); or, when it has routes, fits in the visits that came after its
 * plan, keeping the routes (hm_care_plan_day_if_wanted). Checked under the planning lock so that
 * a plan made meanwhile (a coordinator's) is never planned over; it waits while another plan is
 * made. seconds: the planner's time per zone and day. A zone day without a nurse on duty is
 * skipped; one that fails otherwise is logged and skipped, so one zone's trouble does not keep
 * the others unplanned. Stops between zones once *stop is set. *planned: the zone days planned.
 * Errors: reading the zones. */
int hm_care_plan_open_days(hm_care *care, const char *const *dates, int ndates, double seconds,
                           const atomic_int *stop, int *planned, hm_err *err);

/* The daily planning schedule, a thread of the server. */
struct hm_plan_schedule_opts {
    int at_minutes;      /* Oslo clock time, minutes after midnight, from which it plans */
    int days_ahead;      /* plans the next 1..HM_PLAN_DAYS_AHEAD_MAX days (1 = tomorrow) */
    double zone_seconds; /* the planner's time per zone and day */
};
#define HM_PLAN_DAYS_AHEAD_MAX 14
#define HM_PLAN_ZONE_SECONDS_MAX 600
/* How often, once the day's time has come, it looks again for days that want a plan (a roster
 * filled in later, a zone's first visits). */
#define HM_PLAN_SCHEDULE_RECHECK_MS (15 * 60 * 1000)

typedef struct hm_plan_schedule hm_plan_schedule;
int hm_plan_schedule_start(hm_care *care, const struct hm_plan_schedule_opts *opts,
                           hm_plan_schedule **out, hm_err *err);
/* Stops it: the zone being planned is cut short and not stored (the search's cancel flag), then
 * frees it. NULL: no-op. */
void hm_plan_schedule_stop(hm_plan_schedule *s);

#endif
