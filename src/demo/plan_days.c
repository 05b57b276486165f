/* plan_days.c: the demo's routes. `heime demo --plan` plans today and tomorrow for every
 * home-care zone whose day has no routes yet, so that a new user's worklists show each nurse's
 * visits in route order with planned times, as they would after the coordinator's "Planlegg
 * ruter". A day already planned (by anyone) is left as it is, so running it again is harmless. */
#include "demo/demo.h"

#include <stdlib.h>

#include "base/log.h"
#include "base/time.h"

/* Seconds of planning per zone and day: the demo zones have a few dozen visits each. */
#define DEMO_PLAN_SECONDS 1.0

static int zone_ids(hm_store *st, int64_t **ids, int *n, hm_err *err)
{
    *ids = NULL;
    *n = 0;
    hm_db *db;
    int rc = hm_store_read_begin(st, &db, err);
    if (rc)
        return rc;
    hm_cursor cur;
    int cap = 0;
    rc =
        hm_db_query(db, "SELECT id FROM org WHERE kind = 'zone' ORDER BY id", HM_NOARGS, &cur, err);
    while (!rc) {
        int step = hm_cursor_next(&cur, err);
        if (step != HM_ROW) {
            rc = step == HM_DONE ? HM_OK : step;
            break;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            int64_t *grown = realloc(*ids, (size_t)cap * sizeof **ids);
            if (!grown) {
                rc = hm_err_set(err, HM_ENOMEM, "out of memory");
                break;
            }
            *ids = grown;
        }
        (*ids)[(*n)++] = hm_cursor_int(&cur, 0);
    }
    hm_cursor_close(&cur);
    hm_store_read_end(st, db);
    return rc;
}

/* 1 when the zone's day wants a plan: no visit has a route yet, and some visit is still to be
 * planned (none given a route or a reason why not by an earlier plan). */
static int day_wants_plan(hm_store *st, int64_t zone, const char *date, int *wants, hm_err *err)
{
    hm_db *db;
    int rc = hm_store_read_begin(st, &db, err);
    if (rc)
        return rc;
    int64_t n = 0;
    rc = hm_db_query_int(db,
                         "SELECT CASE WHEN EXISTS (SELECT 1 FROM task WHERE org_id = ?1 AND"
                         " local_date = ?2 AND route_order IS NOT NULL) THEN 0 ELSE (SELECT"
                         " count(*) FROM task WHERE org_id = ?1 AND local_date = ?2 AND state ="
                         " 'planned' AND unplanned IS NULL) END",
                         HM_ARGS(HM_I(zone), HM_S(date)), &n, err);
    hm_store_read_end(st, db);
    *wants = n > 0;
    return rc;
}

int hm_demo_plan_days(hm_care *care, const atomic_int *stop, hm_err *err)
{
    int64_t *zones;
    int nz;
    int rc = zone_ids(care->store, &zones, &nz, err);
    hm_date today;
    int minutes;
    hm_utc_to_local(hm_clock_now(care->clock), &today, &minutes);
    int planned_days = 0;
    for (int day = 0; day < 2 && !rc; day++) {
        char date[11];
        hm_date_format(hm_date_add_days(today, day), date);
        for (int z = 0; z < nz && !rc && !atomic_load(stop); z++) {
            int wants = 0;
            rc = day_wants_plan(care->store, zones[z], date, &wants, err);
            if (rc || !wants)
                continue;
            json_t *report = NULL;
            rc = hm_care_plan_day(care, zones[z], date, DEMO_PLAN_SECONDS, 1, &report, err);
            if (rc == HM_ECONFLICT) /* no nurse on duty that day: nothing to plan */
                rc = HM_OK;
            else if (!rc)
                planned_days++;
            json_decref(report);
        }
    }
    free(zones);
    if (!rc)
        HM_LOG(HM_LOG_INFO, "demo: planned the routes of %d zone days (today and tomorrow)",
               planned_days);
    return rc;
}
