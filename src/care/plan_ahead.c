/* plan_ahead.c: planning zones' days before they come (plan_ahead.h). */
#include "care/plan_ahead.h"

#include "care/care_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/log.h"

static int zone_ids(hm_store *st, hm__ids *ids, hm_err *err)
{
    hm_db *db;
    int rc = hm_store_read_begin(st, &db, err);
    if (rc)
        return rc;
    hm_cursor cur;
    rc =
        hm_db_query(db, "SELECT id FROM org WHERE kind = 'zone' ORDER BY id", HM_NOARGS, &cur, err);
    if (!rc) {
        int step = hm_cursor_next(&cur, err);
        for (; step == HM_ROW && !rc; step = hm_cursor_next(&cur, err))
            rc = hm__ids_push(ids, hm_cursor_int(&cur, 0), err);
        if (!rc && step != HM_DONE)
            rc = step;
        hm_cursor_close(&cur);
    }
    hm_store_read_end(st, db);
    return rc;
}

int hm_care_plan_open_days(hm_care *care, const char *const *dates, int ndates, double seconds,
                           const atomic_int *stop, int *planned, hm_err *err)
{
    *planned = 0;
    hm__ids zones = {0};
    int rc = zone_ids(care->store, &zones, err);
    for (int day = 0; day < ndates && !rc; day++) {
        for (size_t z = 0; z < zones.n && !rc && !atomic_load(stop); z++) {
            json_t *report = NULL;
            hm_err perr;
            int prc = hm_care_plan_day_if_wanted(care, zones.v[z], dates[day], seconds, 1,
                                                 stop, &report, &perr);
            if (!prc && report)
                (*planned)++;
            json_decref(report);
            /* ECONFLICT: nobody on duty that day; EBUSY: stopped, the day stays to be planned */
            if (prc && prc != HM_ECONFLICT && !(prc == HM_EBUSY && atomic_load(stop)))
                HM_LOG(HM_LOG_WARN, "planning zone %lld on %s: %s", (long long)zones.v[z],
                       dates[day], perr.msg);
        }
    }
    free(zones.v);
    return rc;
}

/* ---- the daily schedule ---- */

struct hm_plan_schedule {
    hm_care *care;
    struct hm_plan_schedule_opts opts;
    atomic_int stop;
    pthread_t thread;
};

/* Plans the next days_ahead days after the given one; logs what it did. */
static void plan_next_days(hm_plan_schedule *s, hm_date today)
{
    char dates[HM_PLAN_DAYS_AHEAD_MAX][11];
    const char *names[HM_PLAN_DAYS_AHEAD_MAX];
    for (int d = 0; d < s->opts.days_ahead; d++) {
        hm_date_format(hm_date_add_days(today, d + 1), dates[d]);
        names[d] = dates[d];
    }
    int planned = 0;
    hm_err err;
    if (hm_care_plan_open_days(s->care, names, s->opts.days_ahead, s->opts.zone_seconds, &s->stop,
                               &planned, &err))
        HM_LOG(HM_LOG_WARN, "planning schedule: %s", err.msg);
    else if (planned)
        HM_LOG(HM_LOG_INFO, "planning schedule: planned the routes of %d zone days (%s to %s)",
               planned, dates[0], dates[s->opts.days_ahead - 1]);
}

static void *schedule_main(void *arg)
{
    hm_plan_schedule *s = arg;
    int64_t next_look = 0;
    while (!atomic_load(&s->stop)) {
        int64_t now = hm_clock_now(s->care->clock);
        hm_date today;
        int minutes;
        hm_utc_to_local(now, &today, &minutes);
        if (minutes >= s->opts.at_minutes && now >= next_look) {
            plan_next_days(s, today);
            next_look = now + HM_PLAN_SCHEDULE_RECHECK_MS;
        } else if (minutes < s->opts.at_minutes) {
            next_look = 0; /* a new day: plan as soon as its time comes */
        }
        sleep(1);
    }
    return NULL;
}

int hm_plan_schedule_start(hm_care *care, const struct hm_plan_schedule_opts *opts,
                           hm_plan_schedule **out, hm_err *err)
{
    *out = NULL;
    if (opts->at_minutes < 0 || opts->at_minutes >= 24 * 60 || opts->days_ahead < 1 ||
        opts->days_ahead > HM_PLAN_DAYS_AHEAD_MAX || opts->zone_seconds <= 0 ||
        opts->zone_seconds > HM_PLAN_ZONE_SECONDS_MAX)
        return hm_err_set(err, HM_EINVAL, "planning schedule: settings out of range");
    hm_plan_schedule *s = calloc(1, sizeof *s);
    if (!s)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    s->care = care;
    s->opts = *opts;
    if (pthread_create(&s->thread, NULL, schedule_main, s) != 0) {
        free(s);
        return hm_err_set(err, HM_EIO, "planning schedule: cannot start its thread");
    }
    *out = s;
    return HM_OK;
}

void hm_plan_schedule_stop(hm_plan_schedule *s)
{
    if (!s)
        return;
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    free(s);
}
