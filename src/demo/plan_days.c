/* plan_days.c: the demo's routes. `heime demo --plan` plans today and tomorrow for every
 * home-care zone whose day has no routes yet, so that a new user's worklists show each nurse's
 * visits in route order with planned times, as they would after the coordinator's "Planlegg
 * ruter". A day already planned (by anyone) is left as it is, so running it again is harmless. */
#include "demo/demo.h"

#include "base/log.h"
#include "base/time.h"
#include "care/plan_ahead.h"

/* Seconds of planning per zone and day: the demo zones have a few dozen visits each. */
#define DEMO_PLAN_SECONDS 1.0

int hm_demo_plan_days(hm_care *care, const atomic_int *stop, hm_err *err)
{
    hm_date today;
    int minutes;
    hm_utc_to_local(hm_clock_now(care->clock), &today, &minutes);
    char dates[2][11];
    hm_date_format(today, dates[0]);
    hm_date_format(hm_date_add_days(today, 1), dates[1]);
    const char *const names[] = {dates[0], dates[1]};
    int planned = 0;
    int rc = hm_care_plan_open_days(care, names, 2, DEMO_PLAN_SECONDS, stop, &planned, err);
    if (!rc)
        HM_LOG(HM_LOG_INFO, "demo: planned the routes of %d zone days (today and tomorrow)",
               planned);
    return rc;
}
