/* plan_day.c: the glue between a zone's day of tasks and the planner (src/plan/): nurses on
 * duty with their valid competences, the day's planned visits with their windows, durations,
 * competences and priorities, "compound before the bag change" precedences and yesterday's
 * nurse as the preferred one (continuity); the plan is stored as each task's nurse and route
 * order, which the worklist API returns in that order.
 *
 * Re-planning during the day (the plan is made after the day began) starts from where the day
 * stands: each nurse on duty is free from now, at the place of the last visit she documented
 * today, or, while a visit she started is under way (POST /tasks/{id}/start), at its place once
 * it ends; her break is dropped once its window has passed. A visit under way is not re-planned.
 * A visit whose window has opened and that already has a nurse on duty stays hers (she may be on
 * her way): the planner is told that only her shift on duty may make it (`required_nurse`), so
 * her route reserves its time. Visits done or not done, and visits whose window has closed, are
 * left as they are, and the new route orders follow theirs.
 *
 * The nurses on duty come from the zone's roster for the date (roster.c): one planner nurse per
 * shift, with its times, break and start and end places (the zone's office by default). A visit
 * whose window no shift covers is reported "no nurse on duty" without asking the solver. Only a
 * zone with no roster at all for the date falls back to every nurse of the zone working the
 * default day of HM_PLAN_SHIFT_* below, and the report says so. Shift times are Oslo clock
 * times, turned into minutes since local midnight through UTC, so DST days come out right. */
#include "care/care_int.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "care/plan_travel.h"
#include "plan/plan.h"

#define HM_PLAN_SHIFT_START (7 * 60 + 30)
#define HM_PLAN_SHIFT_END (15 * 60 + 30)
#define HM_PLAN_BREAK_FROM (11 * 60)
#define HM_PLAN_BREAK_TO (13 * 60)
#define HM_PLAN_BREAK_MIN 30
#define MAX_COMPS 8 /* competences of a nurse passed to the planner */

struct nurse {
    int64_t staff_id, shift_id; /* shift_id 0: the default day */
    char id[32], name[128];
    double start, end, break_from, break_to, break_min; /* planner minutes */
    hm_plan_loc start_loc, end_loc;
    int start_clock, end_clock; /* local minutes of the day, for the report */
    int gone;                   /* re-planning after the shift's end: not in the problem */
    int order_base;             /* the highest route order of her visits left as they are */
    char comps[MAX_COMPS][32];
    const char *comp_ptrs[MAX_COMPS];
    int ncomp;
};

struct visit {
    int64_t task_id, episode_id, patient_id, preferred;
    char id[24], kind[32], competence[32], patient[128], pref_id[24];
    double lat, lon, from, to, duration;
    int priority, seq;
    int nurses; /* 2: two nurses together; the second is stored as the task's partner */
    int location_office;
    int off_duty;        /* no shift covers its window */
    int locked;          /* the coordinator locked it to its nurse (PUT .../assignment) */
    int locked_away;     /* locked, but no shift of that nurse covers its window */
    int64_t assigned;    /* its nurse before this plan (0: none) */
    int64_t pinned;      /* stays with this nurse (window open, nurse on duty); 0: free */
    const char *pin_nurse; /* the planner id of her shift on duty, when pinned */
    int64_t stored_nurse;  /* storing the plan: the nurse already given it (two-nurse visits) */
    int64_t planned_ms;    /* the start an earlier plan gave it on a route (0: none) */
};

struct day {
    hm_care *care;
    int64_t org_id, now_ms;
    hm_date date;
    char date_s[11], org_name[128];
    double office_lat, office_lon;
    struct nurse *nurses;
    int nn;
    struct visit *visits;
    int nv;
    int rostered; /* the zone has a roster for the date */
    double t_now; /* now in planner minutes; > 0: re-planning a day already begun */
    int under_way; /* visits under way (started, not documented): left with their nurses */
    struct hm__travel travel; /* the road service's matrix, or why travel is estimated */
    double keep_minutes; /* > 0: a plan that keeps the day's routes (keep_planned_visits) */
    int kept;            /* and the visits it held to their nurse and time */
};

static double minutes_of(const struct day *d, int64_t utc_ms)
{
    return (double)(utc_ms - hm_local_to_utc_ms(d->date, 0)) / 60000.0;
}

/* The inverse: UTC milliseconds of planner minutes on the day, to the whole minute. */
static int64_t utc_ms_of(const struct day *d, double minutes)
{
    return hm_local_to_utc_ms(d->date, 0) + (int64_t)(minutes + 0.5) * 60000;
}

static int load_org(hm_db *db, struct day *d, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db, "SELECT name, coalesce(lat, 0), coalesce(lon, 0), kind FROM org"
                             " WHERE id = ?",
                         HM_ARGS(HM_I(d->org_id)), &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_ROW) {
        snprintf(d->org_name, sizeof d->org_name, "%s", hm__text(&cur, 0));
        d->office_lat = hm_cursor_double(&cur, 1);
        d->office_lon = hm_cursor_double(&cur, 2);
        rc = HM_OK;
    } else if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_ENOTFOUND, "unknown organisation %lld", (long long)d->org_id);
    }
    hm_cursor_close(&cur);
    return rc;
}

/* Minutes since local midnight (the planner's clock) of an Oslo clock time on the day. */
static double clock_minutes(const struct day *d, int local_min)
{
    return minutes_of(d, hm_local_to_utc_ms(d->date, local_min));
}

static struct nurse *add_nurse(struct day *d, hm_err *err)
{
    struct nurse *g = realloc(d->nurses, (size_t)(d->nn + 1) * sizeof *g);
    if (!g) {
        hm_err_set(err, HM_ENOMEM, "out of memory");
        return NULL;
    }
    d->nurses = g;
    struct nurse *n = &d->nurses[d->nn++];
    memset(n, 0, sizeof *n);
    return n;
}

/* A nurse's (or shift's) fields from a row: staff id, shift id (or NULL), name, start, end,
 * break from, break to, break minutes, start lat, lon, end lat, lon (minutes of the local day
 * and coordinates, NULL for the default). A nurse's second shift of the day gets its own id;
 * the first keeps "staff-N", the id that yesterday's-nurse preferences name. */
static void nurse_from_row(struct day *d, struct nurse *n, hm_cursor *cur, int nth)
{
    hm_plan_loc office = {d->office_lat, d->office_lon, -1};
    n->staff_id = hm_cursor_int(cur, 0);
    n->shift_id = hm_cursor_is_null(cur, 1) ? 0 : hm_cursor_int(cur, 1);
    if (nth == 0)
        snprintf(n->id, sizeof n->id, "staff-%lld", (long long)n->staff_id);
    else
        snprintf(n->id, sizeof n->id, "staff-%lld/%d", (long long)n->staff_id, nth + 1);
    snprintf(n->name, sizeof n->name, "%s", hm__text(cur, 2));
    int dflt = !n->shift_id;
    n->start_clock = dflt ? HM_PLAN_SHIFT_START : (int)hm_cursor_int(cur, 3);
    n->end_clock = dflt ? HM_PLAN_SHIFT_END : (int)hm_cursor_int(cur, 4);
    n->start = clock_minutes(d, n->start_clock);
    n->end = clock_minutes(d, n->end_clock);
    int has_break = dflt || !hm_cursor_is_null(cur, 5);
    n->break_from = has_break ? clock_minutes(d, dflt ? HM_PLAN_BREAK_FROM
                                                      : (int)hm_cursor_int(cur, 5))
                              : n->start;
    n->break_to = has_break ? clock_minutes(d, dflt ? HM_PLAN_BREAK_TO : (int)hm_cursor_int(cur, 6))
                            : n->start;
    n->break_min = dflt ? HM_PLAN_BREAK_MIN : has_break ? (double)hm_cursor_int(cur, 7) : 0;
    n->start_loc = office;
    n->end_loc = office;
    if (!dflt && !hm_cursor_is_null(cur, 8))
        n->start_loc = (hm_plan_loc){hm_cursor_double(cur, 8), hm_cursor_double(cur, 9), -1};
    if (!dflt && !hm_cursor_is_null(cur, 10))
        n->end_loc = (hm_plan_loc){hm_cursor_double(cur, 10), hm_cursor_double(cur, 11), -1};
}

/* The nurses on duty: the roster's shifts of active nurses, or (no roster for the date) every
 * active nurse of the zone on the default day. Competences valid on the date follow. */
static const char rostered_sql[] =
    "SELECT s.id, sh.id, s.name, sh.start_min, sh.end_min, sh.break_from_min, sh.break_to_min,"
    " sh.break_min, sh.start_lat, sh.start_lon, sh.end_lat, sh.end_lon"
    " FROM shift sh JOIN staff s ON s.id = sh.staff_id"
    " WHERE sh.org_id = ? AND sh.local_date = ? AND s.active = 1 ORDER BY s.id, sh.start_min";
static const char default_sql[] =
    "SELECT s.id, NULL, s.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
    " FROM staff s JOIN org_ancestor a ON a.org_id = s.org_id"
    " WHERE a.ancestor_id = ? AND s.active = 1 AND s.role IN"
    " ('municipal_nurse','super_user','hospital_nurse') ORDER BY s.id";

static int load_shifts(hm_db *db, struct day *d, hm_err *err)
{
    int64_t shifts = 0;
    int rc = hm_db_query_int(db, "SELECT count(*) FROM shift WHERE org_id = ? AND local_date = ?",
                             HM_ARGS(HM_I(d->org_id), HM_S(d->date_s)), &shifts, err);
    if (rc)
        return rc;
    d->rostered = shifts > 0;
    hm_cursor cur;
    if (d->rostered)
        rc = hm_db_query(db, rostered_sql, HM_ARGS(HM_I(d->org_id), HM_S(d->date_s)), &cur, err);
    else
        rc = hm_db_query(db, default_sql, HM_ARGS(HM_I(d->org_id)), &cur, err);
    if (rc)
        return rc;
    int nth = 0;
    for (;;) {
        rc = hm_cursor_next(&cur, err);
        if (rc != HM_ROW)
            break;
        if (d->nn >= HM_PLAN_MAX_NURSES)
            continue;
        int64_t sid = hm_cursor_int(&cur, 0);
        nth = d->nn && d->nurses[d->nn - 1].staff_id == sid ? nth + 1 : 0;
        struct nurse *n = add_nurse(d, err);
        if (!n) {
            rc = HM_ENOMEM;
            break;
        }
        nurse_from_row(d, n, &cur, nth);
    }
    hm_cursor_close(&cur);
    return rc == HM_DONE ? HM_OK : rc;
}

static int load_competences(hm_db *db, struct day *d, hm_err *err)
{
    int rc = HM_OK;
    for (int i = 0; i < d->nn && !rc; i++) {
        struct nurse *n = &d->nurses[i];
        hm_cursor cur;
        rc = hm_db_query(db,
                         "SELECT kind FROM competence WHERE staff_id = ? AND trained_on <= ? AND"
                         " (expires_on IS NULL OR expires_on >= ?) ORDER BY kind",
                         HM_ARGS(HM_I(n->staff_id), HM_S(d->date_s), HM_S(d->date_s)), &cur,
                         err);
        while (!rc) {
            int step = hm_cursor_next(&cur, err);
            if (step != HM_ROW) {
                rc = step == HM_DONE ? HM_OK : step;
                break;
            }
            if (n->ncomp < MAX_COMPS)
                snprintf(n->comps[n->ncomp++], sizeof n->comps[0], "%s", hm__text(&cur, 0));
        }
        hm_cursor_close(&cur);
        for (int k = 0; k < n->ncomp; k++)
            n->comp_ptrs[k] = n->comps[k];
    }
    return rc;
}

static int load_nurses(hm_db *db, struct day *d, hm_err *err)
{
    int rc = load_shifts(db, d, err);
    return rc ? rc : load_competences(db, d, err);
}

static int load_visits(hm_db *db, struct day *d, hm_err *err)
{
    hm_cursor cur;
    /* Yesterday's nurse of the same patient, for continuity. */
    int rc = hm_db_query(
        db,
        "SELECT t.id, t.episode_id, t.patient_id, p.name, p.lat, p.lon, t.kind, t.window_start_ms,"
        " t.window_end_ms, t.duration_min, coalesce(t.competence, ''), t.priority, t.location,"
        " t.seq, (SELECT y.assigned_staff_id FROM task y WHERE y.patient_id = t.patient_id AND"
        "   y.local_date < t.local_date AND y.assigned_staff_id IS NOT NULL"
        "   ORDER BY y.local_date DESC LIMIT 1), coalesce(t.assigned_staff_id, 0), t.nurse_locked,"
        " t.nurses, CASE WHEN t.route_order IS NULL THEN 0 ELSE coalesce(t.planned_ms, 0) END"
        " FROM task t JOIN patient p ON p.id = t.patient_id"
        " WHERE t.local_date = ? AND t.state = 'planned' AND t.window_end_ms > ?"
        " AND t.started_ms IS NULL AND t.org_id IN"
        " (SELECT org_id FROM org_ancestor WHERE ancestor_id = ?) ORDER BY t.window_start_ms, t.id",
        HM_ARGS(HM_S(d->date_s), HM_I(d->now_ms), HM_I(d->org_id)), &cur, err);
    if (rc)
        return rc;
    for (;;) {
        rc = hm_cursor_next(&cur, err);
        if (rc != HM_ROW)
            break;
        if (d->nv >= HM_PLAN_MAX_VISITS)
            continue;
        struct visit *g = realloc(d->visits, (size_t)(d->nv + 1) * sizeof *g);
        if (!g) {
            rc = hm_err_set(err, HM_ENOMEM, "out of memory");
            break;
        }
        d->visits = g;
        struct visit *v = &d->visits[d->nv++];
        memset(v, 0, sizeof *v);
        v->task_id = hm_cursor_int(&cur, 0);
        v->episode_id = hm_cursor_int(&cur, 1);
        v->patient_id = hm_cursor_int(&cur, 2);
        snprintf(v->id, sizeof v->id, "task-%lld", (long long)v->task_id);
        snprintf(v->patient, sizeof v->patient, "%s", hm__text(&cur, 3));
        v->location_office = strcmp(hm__text(&cur, 12), "office") == 0;
        v->lat = v->location_office ? d->office_lat : hm_cursor_double(&cur, 4);
        v->lon = v->location_office ? d->office_lon : hm_cursor_double(&cur, 5);
        snprintf(v->kind, sizeof v->kind, "%s", hm__text(&cur, 6));
        v->from = minutes_of(d, hm_cursor_int(&cur, 7));
        v->to = minutes_of(d, hm_cursor_int(&cur, 8));
        v->duration = (double)hm_cursor_int(&cur, 9);
        snprintf(v->competence, sizeof v->competence, "%s", hm__text(&cur, 10));
        v->priority = (int)hm_cursor_int(&cur, 11);
        v->seq = (int)hm_cursor_int(&cur, 13);
        v->preferred = hm_cursor_is_null(&cur, 14) ? 0 : hm_cursor_int(&cur, 14);
        if (v->preferred)
            snprintf(v->pref_id, sizeof v->pref_id, "staff-%lld", (long long)v->preferred);
        v->assigned = hm_cursor_int(&cur, 15);
        v->locked = v->assigned && hm_cursor_int(&cur, 16);
        v->nurses = hm_cursor_int(&cur, 17) == 2 ? 2 : 1;
        v->planned_ms = hm_cursor_int(&cur, 18);
        if (v->from < d->t_now)
            v->from = d->t_now; /* its window has opened: from now on */
    }
    hm_cursor_close(&cur);
    return rc == HM_DONE ? HM_OK : rc;
}

/* Where the nurse was last today: the visit she documented last, or the one she started after
 * it and has not documented yet (under way); a visit two nurses made together counts for the
 * partner as for the one who documented or started it. *free_at: when that visit under way ends
 * (planner minutes; 0 when she is not on one). */
static int last_place(hm_db *db, struct day *d, const struct nurse *n, hm_plan_loc *at,
                      double *free_at, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(
        db,
        "SELECT t.location, p.lat, p.lon, t.started_ms, t.duration_min, t.state = 'planned'"
        " FROM task t JOIN patient p ON p.id = t.patient_id WHERE t.local_date = ?1 AND"
        " ((t.state = 'done' AND (t.done_by = ?2 OR t.partner_staff_id = ?2) AND t.done_ms <= ?3)"
        " OR (t.state = 'planned' AND (t.started_by = ?2 OR t.partner_staff_id = ?2) AND"
        " t.started_ms <= ?3))"
        " ORDER BY CASE t.state WHEN 'done' THEN t.done_ms ELSE t.started_ms END DESC LIMIT 1",
        HM_ARGS(HM_S(d->date_s), HM_I(n->staff_id), HM_I(d->now_ms)), &cur, err);
    if (rc)
        return rc;
    *free_at = 0;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_ROW && strcmp(hm__text(&cur, 0), "office") == 0)
        *at = (hm_plan_loc){d->office_lat, d->office_lon, -1};
    else if (rc == HM_ROW && !hm_cursor_is_null(&cur, 1))
        *at = (hm_plan_loc){hm_cursor_double(&cur, 1), hm_cursor_double(&cur, 2), -1};
    if (rc == HM_ROW && hm_cursor_int(&cur, 5))
        *free_at = minutes_of(d, hm_cursor_int(&cur, 3)) + (double)hm_cursor_int(&cur, 4);
    hm_cursor_close(&cur);
    return rc < 0 ? rc : HM_OK;
}

/* Re-planning a day already begun: the nurse is free from now (or her shift is over), at the
 * place of the last visit she documented today, or, while a visit she started is under way,
 * at its place once it ends; her break is dropped once its window has passed (she took it or
 * went without: either way the plan cannot give it back). */
static int nurse_from_now(hm_db *db, struct day *d, struct nurse *n, hm_err *err)
{
    if (d->t_now >= n->end) {
        n->gone = 1;
        return HM_OK;
    }
    if (d->t_now <= n->start)
        return HM_OK;
    double free_at = 0;
    int rc = last_place(db, d, n, &n->start_loc, &free_at, err);
    if (rc)
        return rc;
    n->start = free_at > d->t_now ? free_at : d->t_now;
    if (n->start >= n->end) {
        n->gone = 1; /* the visit under way lasts to the end of her shift */
        return HM_OK;
    }
    if (n->break_to < n->start || n->break_min >= n->end - n->start) {
        n->break_from = n->break_to = n->start;
        n->break_min = 0;
    } else if (n->break_from < n->start) {
        n->break_from = n->start;
    }
    return HM_OK;
}

/* The visits of a staff member that this plan leaves as they are (done, not done, window
 * closed) keep their route orders, hers as a partner too; the plan's orders for her come after
 * the highest. */
static int load_order_base(hm_db *db, const struct day *d, struct nurse *n, hm_err *err)
{
    int64_t base = 0;
    /* her own route orders and those she has as a two-nurse visit's partner */
    int rc = hm_db_query_int(db,
                             "SELECT coalesce(max(CASE WHEN assigned_staff_id = ?2 THEN"
                             " route_order ELSE partner_route_order END), 0) FROM task WHERE"
                             " local_date = ?1 AND (assigned_staff_id = ?2 OR partner_staff_id ="
                             " ?2) AND NOT (state = 'planned' AND window_end_ms > ?3 AND"
                             " started_ms IS NULL)",
                             HM_ARGS(HM_S(d->date_s), HM_I(n->staff_id), HM_I(d->now_ms)), &base,
                             err);
    n->order_base = (int)base;
    return rc;
}

/* A visit whose window has opened and whose nurse is still on duty stays hers: it requires her
 * shift on duty now (the earliest of her shifts not yet over). */
static void pin_open_visits(struct day *d)
{
    for (int i = 0; i < d->nv; i++) {
        struct visit *v = &d->visits[i];
        if (!v->assigned || v->from > d->t_now)
            continue;
        const struct nurse *on_duty = NULL;
        for (int k = 0; k < d->nn; k++) {
            const struct nurse *n = &d->nurses[k];
            if (n->staff_id == v->assigned && !n->gone && (!on_duty || n->start < on_duty->start))
                on_duty = n;
        }
        if (!on_duty)
            continue;
        v->pinned = v->assigned;
        v->pin_nurse = on_duty->id;
    }
}

/* The shift n (not over yet) can serve v: the service can start and end inside it. */
static int covers(const struct nurse *n, const struct visit *v)
{
    return !n->gone && v->from <= n->end - v->duration && v->to >= n->start;
}

/* The shift of staff member staff that can serve v (the earliest, for a split shift), or NULL. */
static const struct nurse *covering_shift(const struct day *d, int64_t staff, const struct visit *v)
{
    for (int k = 0; k < d->nn; k++)
        if (d->nurses[k].staff_id == staff && covers(&d->nurses[k], v))
            return &d->nurses[k];
    return NULL;
}

/* A visit the coordinator locked to a nurse requires her shift that covers its window (the
 * earliest, for a split shift); without one it cannot be made as locked and is reported so,
 * keeping its nurse, rather than handed to someone else. */
static void pin_locked_visits(struct day *d)
{
    for (int i = 0; i < d->nv; i++) {
        struct visit *v = &d->visits[i];
        if (!v->locked || v->off_duty)
            continue;
        const struct nurse *shift = covering_shift(d, v->assigned, v);
        v->pinned = shift ? v->assigned : 0;
        v->pin_nurse = shift ? shift->id : NULL;
        v->locked_away = !shift;
    }
}

/* A plan that keeps the day's routes (late visits fitted in): every visit that already has a
 * nurse stays with her, when one of her shifts can serve it, and one an earlier plan gave a start
 * keeps that start within keep_minutes either way (inside its window), so what the nurses and
 * patients were told holds; only the visits without a nurse are placed freely. A visit whose
 * nurse is no longer on duty for it is free, as in a whole plan. d->kept: the visits held. */
static void keep_planned_visits(struct day *d)
{
    double keep_minutes = d->keep_minutes;
    for (int i = 0; i < d->nv; i++) {
        struct visit *v = &d->visits[i];
        if (!v->assigned || v->off_duty || v->locked_away)
            continue;
        const struct nurse *shift = v->pinned ? NULL : covering_shift(d, v->assigned, v);
        if (!v->pinned && !shift)
            continue;
        if (shift) {
            v->pinned = v->assigned;
            v->pin_nurse = shift->id;
        }
        d->kept++;
        if (!v->planned_ms)
            continue;
        double at = minutes_of(d, v->planned_ms);
        double from = fmax(v->from, at - keep_minutes), to = fmin(v->to, at + keep_minutes);
        if (from <= to) { /* a start outside the window (late) is not narrowed towards it */
            v->from = from;
            v->to = to;
        }
    }
}

/* Why v is not for the solver (the report's reason code), or NULL: no shift covers it, or its
 * locked nurse has none that does. */
static const char *excluded_reason(const struct visit *v)
{
    return v->off_duty ? "off_duty" : v->locked_away ? "locked_off_duty" : NULL;
}

static int excluded(const struct visit *v)
{
    return excluded_reason(v) != NULL;
}

/* Where the day stands when it is planned after it began (d->t_now > 0). */
static int load_day_so_far(hm_db *db, struct day *d, hm_err *err)
{
    int rc = HM_OK;
    for (int k = 0; k < d->nn && !rc; k++) {
        rc = load_order_base(db, d, &d->nurses[k], err);
        if (!rc && d->t_now > 0)
            rc = nurse_from_now(db, d, &d->nurses[k], err);
    }
    if (!rc && d->t_now > 0)
        pin_open_visits(d);
    int64_t under_way = 0;
    if (!rc)
        rc = hm_db_query_int(db,
                             "SELECT count(*) FROM task WHERE local_date = ? AND state = 'planned'"
                             " AND started_ms IS NOT NULL AND org_id IN (SELECT org_id FROM"
                             " org_ancestor WHERE ancestor_id = ?)",
                             HM_ARGS(HM_S(d->date_s), HM_I(d->org_id)), &under_way, err);
    d->under_way = (int)under_way;
    return rc;
}

/* A visit no shift can serve (its service cannot start and end inside any shift) is not the
 * solver's problem: it is reported at once, with the hours nobody is on duty. */
static void mark_off_duty(struct day *d)
{
    for (int i = 0; i < d->nv; i++) {
        struct visit *v = &d->visits[i];
        int covered = 0;
        for (int k = 0; k < d->nn && !covered; k++)
            covered = covers(&d->nurses[k], v);
        v->off_duty = !covered;
    }
}

/* The day's places in one list for the travel matrix: each nurse's start and end, each visit
 * given to the solver (vlocs, by visit index). */
static int travel_for(struct day *d, hm_plan_loc *vlocs, hm_err *err)
{
    hm_plan_loc **locs = malloc((size_t)(2 * d->nn + d->nv + 1) * sizeof *locs);
    if (!locs)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    int n = 0;
    for (int i = 0; i < d->nn; i++) {
        if (d->nurses[i].gone)
            continue;
        locs[n++] = &d->nurses[i].start_loc;
        locs[n++] = &d->nurses[i].end_loc;
    }
    for (int i = 0; i < d->nv; i++) {
        vlocs[i] = (hm_plan_loc){d->visits[i].lat, d->visits[i].lon, -1};
        if (!excluded(&d->visits[i]))
            locs[n++] = &vlocs[i];
    }
    int rc = hm__plan_travel(d->care->road, locs, n, &d->travel, err);
    free(locs);
    return rc;
}

static int build_problem(struct day *d, hm_plan_problem **out, hm_err *err)
{
    hm_plan_settings s;
    hm_plan_settings_default(&s);
    hm_plan_loc *vlocs = malloc((size_t)(d->nv + 1) * sizeof *vlocs);
    if (!vlocs)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    hm_plan_problem *p = NULL;
    int rc = travel_for(d, vlocs, err);
    if (!rc)
        rc = hm_plan_problem_create(&s, &p, err);
    if (!rc && d->travel.minutes)
        rc = hm_plan_set_matrix(p, d->travel.minutes, d->travel.n, err);
    for (int i = 0; i < d->nn && !rc; i++) {
        struct nurse *n = &d->nurses[i];
        if (n->gone)
            continue;
        hm_plan_nurse pn = {n->id,         n->start_loc, n->end_loc,   n->start,     n->end,
                            n->break_from, n->break_to,  n->break_min, 0,            n->comp_ptrs,
                            n->ncomp};
        rc = hm_plan_add_nurse(p, &pn, err);
    }
    for (int i = 0; i < d->nv && !rc; i++) {
        struct visit *v = &d->visits[i];
        if (excluded(v))
            continue;
        /* A nurse can only have had "yesterday's" visit if she is on duty today. */
        const char *pref = NULL;
        for (int k = 0; k < d->nn && v->pref_id[0] && !pref; k++)
            if (!d->nurses[k].gone && strcmp(d->nurses[k].id, v->pref_id) == 0)
                pref = v->pref_id;
        const char *comp = v->competence;
        hm_plan_visit pv = {
            .id = v->id,
            .loc = vlocs[i],
            .n_windows = 1,
            .win_from = {v->from},
            .win_to = {v->to},
            .duration = v->duration,
            .competences = comp[0] ? &comp : NULL,
            .n_competences = comp[0] ? 1 : 0,
            .priority = 11 - (v->priority < 1 ? 1 : v->priority > 10 ? 10 : v->priority),
            .mandatory = 1,
            .fixed_time = -1,
            .preferred_nurse = pref,
            .nurses = v->nurses,
            .required_nurse = v->pinned ? v->pin_nurse : NULL,
        };
        rc = hm_plan_add_visit(p, &pv, err);
    }
    /* The bag is compounded before the day's first bag change of the same episode. */
    for (int i = 0; i < d->nv && !rc; i++) {
        if (strcmp(d->visits[i].kind, "bag_compounding") != 0 || excluded(&d->visits[i]))
            continue;
        for (int k = 0; k < d->nv && !rc; k++)
            if (!excluded(&d->visits[k]) && d->visits[k].episode_id == d->visits[i].episode_id &&
                strcmp(d->visits[k].kind, "bag_change") == 0 && d->visits[k].seq == 1)
                rc = hm_plan_add_precedence(p, d->visits[i].id, d->visits[k].id, 0, err);
    }
    free(vlocs);
    if (rc) {
        hm_plan_problem_destroy(p);
        return rc;
    }
    *out = p;
    return HM_OK;
}

struct store_job {
    struct day *d;
    const hm_call *c;
    const hm_plan_result *r;
    const json_t *report; /* its figures are recorded in plan_run */
    int automatic;
};

static int find_visit(const struct day *d, const char *id)
{
    for (int i = 0; i < d->nv; i++)
        if (strcmp(d->visits[i].id, id) == 0)
            return i;
    return -1;
}

static int nurse_index(const struct day *d, const char *id)
{
    for (int x = 0; x < d->nn; x++)
        if (strcmp(d->nurses[x].id, id) == 0)
            return x;
    return -1;
}

/* A nurse with two shifts in a day has two routes: the later shift's visits continue the
 * earlier one's route order, so the worklist keeps one order per nurse. */
static int route_base(const struct day *d, const hm_plan_result *r, int x)
{
    int base = 0;
    for (int k = 0; r && k < hm_plan_result_nurse_count(r); k++) {
        int o = nurse_index(d, hm_plan_result_nurse_id(r, k));
        int n = 0;
        if (o >= 0 && o != x && d->nurses[o].staff_id == d->nurses[x].staff_id &&
            d->nurses[o].start < d->nurses[x].start) {
            hm_plan_result_route(r, k, &n, NULL, NULL);
            base += n;
        }
    }
    return base;
}

/* The reason as a stable code, for clients that say it in their own language (the web UI's
 * Norwegian); `why` keeps the English sentence for people reading the JSON. */
static const char *reason_code(enum hm_plan_reason reason)
{
    switch (reason) {
    case HM_PLAN_NO_COMPETENCE:
        return "no_competence";
    case HM_PLAN_UNREACHABLE:
        return "unreachable";
    case HM_PLAN_SHIFT_TOO_SHORT:
        return "shift_too_short";
    case HM_PLAN_PREDECESSOR:
        return "predecessor_unserved";
    case HM_PLAN_NO_ROOM:
        return "no_room";
    case HM_PLAN_OPTIONAL_DROPPED:
        return "optional_dropped";
    }
    return "unknown";
}

static int set_unplanned(hm_db *db, const struct visit *v, const char *reason, hm_err *err)
{
    if (v->pinned && !v->locked) /* it stays with its nurse, who is on her way */
        return HM_OK;
    return hm_db_exec(db, "UPDATE task SET unplanned = ? WHERE id = ? AND state = 'planned'",
                      HM_ARGS(HM_S(reason), HM_I(v->task_id)), err);
}

/* Why each visit the plan could not place was left out, kept on the task for the worklist. */
static int store_unplanned(hm_db *db, const struct day *d, const hm_plan_result *r, hm_err *err)
{
    int rc = HM_OK;
    for (int i = 0; i < d->nv && !rc; i++)
        if (excluded(&d->visits[i]))
            rc = set_unplanned(db, &d->visits[i], excluded_reason(&d->visits[i]), err);
    int nu = 0;
    const hm_plan_unserved *u = r ? hm_plan_result_unserved(r, &nu) : NULL;
    for (int i = 0; i < nu && !rc; i++) {
        int v = find_visit(d, u[i].visit_id);
        if (v >= 0)
            rc = set_unplanned(db, &d->visits[v], reason_code(u[i].reason), err);
    }
    return rc;
}

/* One stop of a nurse's route. A visit two nurses make together is on both routes: the nurse
 * it stays with (pinned or locked), else the first route stored, is its nurse; the other is its
 * partner, with her own route order and the same start. */
static int store_stop(hm_db *db, struct visit *v, int64_t staff, int order, int64_t start_ms,
                      hm_err *err)
{
    int64_t keep = v->pinned ? v->pinned : v->locked ? v->assigned : 0;
    int partner = v->nurses == 2 && (keep ? staff != keep : v->stored_nurse != 0);
    if (!partner)
        v->stored_nurse = staff;
    return hm_db_exec(db,
                      partner ? "UPDATE task SET partner_staff_id = ?, partner_route_order = ?,"
                                " planned_ms = ?, unplanned = NULL WHERE id = ? AND"
                                " state = 'planned'"
                              : "UPDATE task SET assigned_staff_id = ?, route_order = ?,"
                                " planned_ms = ?, unplanned = NULL WHERE id = ? AND"
                                " state = 'planned'",
                      HM_ARGS(HM_I(staff), HM_I(order), HM_I(start_ms), HM_I(v->task_id)), err);
}

static int store_job(hm_db *db, void *arg, hm_err *err)
{
    struct store_job *j = arg;
    struct day *d = j->d;
    int rc = HM_OK;
    /* A pinned or locked visit keeps its nurse even when the plan could not fit it. */
    for (int i = 0; i < d->nv && !rc; i++)
        if (!d->visits[i].pinned && !d->visits[i].locked)
            rc = hm_db_exec(db,
                            "UPDATE task SET assigned_staff_id = NULL, route_order = NULL,"
                            " planned_ms = NULL, unplanned = NULL, partner_staff_id = NULL,"
                            " partner_route_order = NULL WHERE id = ? AND state = 'planned'",
                            HM_ARGS(HM_I(d->visits[i].task_id)), err);
    for (int k = 0; j->r && k < hm_plan_result_nurse_count(j->r) && !rc; k++) {
        int n = 0;
        const hm_plan_stop *stops = hm_plan_result_route(j->r, k, &n, NULL, NULL);
        int x = nurse_index(d, hm_plan_result_nurse_id(j->r, k));
        if (x < 0)
            continue;
        int64_t staff = d->nurses[x].staff_id;
        int base = d->nurses[x].order_base + route_base(d, j->r, x);
        for (int s = 0; s < n && !rc; s++) {
            int v = find_visit(d, stops[s].visit_id);
            if (v >= 0)
                rc = store_stop(db, &d->visits[v], staff, base + s + 1,
                                utc_ms_of(d, stops[s].start), err);
        }
    }
    if (!rc)
        rc = store_unplanned(db, d, j->r, err);
    if (rc)
        return rc;
    /* The plan changes (and its report names) the visits of these patients. */
    int64_t *patients = malloc(((size_t)d->nv + 1) * sizeof *patients);
    if (!patients)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    size_t np = 0;
    for (int i = 0; i < d->nv; i++) {
        size_t k = 0;
        while (k < np && patients[k] != d->visits[i].patient_id)
            k++;
        if (k == np)
            patients[np++] = d->visits[i].patient_id;
    }
    char object[64];
    snprintf(object, sizeof object, "org/%lld/plan?date=%s", (long long)d->org_id, d->date_s);
    rc = hm__care_audit(db, j->c, "plan", object, patients, np, 0, NULL, err);
    free(patients);
    if (!rc)
        rc = hm__plan_run_record(db, j->c, d->org_id, d->date_s, j->automatic, j->report, err);
    return rc;
}

/* "HH:MM" Oslo clock time of planner minutes on the day. */
static void clock_of(const struct day *d, double minutes, char out[6])
{
    hm_date day;
    int m = 0;
    hm_utc_to_local(utc_ms_of(d, minutes), &day, &m); /* to the nearest minute */
    if (hm_date_cmp(day, d->date) > 0)
        m = 1440;
    hm__clock_text(m, out);
}

static json_t *shift_json(const struct nurse *nu)
{
    if (!nu)
        return json_null();
    char from[6], to[6];
    hm__clock_text(nu->start_clock, from);
    hm__clock_text(nu->end_clock, to);
    return json_pack("{s:o, s:s, s:s}", "shift_id",
                     nu->shift_id ? json_integer(nu->shift_id) : json_null(), "start", from, "end",
                     to);
}

static void add_excluded(const struct day *d, json_t *unserved)
{
    for (int i = 0; i < d->nv; i++) {
        const struct visit *v = &d->visits[i];
        if (!excluded(v))
            continue;
        char from[6], to[6], why[96];
        clock_of(d, v->from, from);
        clock_of(d, v->to + v->duration, to);
        snprintf(why, sizeof why, "%s between %s and %s",
                 v->off_duty ? "no nurse on duty" : "the nurse it is locked to is not on duty",
                 from, to);
        json_array_append_new(unserved,
                              json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "task_id",
                                        (json_int_t)v->task_id, "kind", v->kind, "patient",
                                        v->patient, "reason", excluded_reason(v), "from",
                                        from, "to", to, "why", why));
    }
}

static int distinct_nurses(const struct day *d)
{
    int n = 0;
    for (int i = 0; i < d->nn; i++)
        n += i == 0 || d->nurses[i].staff_id != d->nurses[i - 1].staff_id;
    return n;
}

static json_t *report_json(const struct day *d, const hm_plan_result *r)
{
    json_t *nurses = json_array();
    for (int k = 0; r && k < hm_plan_result_nurse_count(r); k++) {
        int n = 0;
        const hm_plan_stop *stops = hm_plan_result_route(r, k, &n, NULL, NULL);
        const char *nid = hm_plan_result_nurse_id(r, k);
        const struct nurse *nu = NULL;
        for (int x = 0; x < d->nn; x++)
            if (strcmp(d->nurses[x].id, nid) == 0)
                nu = &d->nurses[x];
        json_t *visits = json_array();
        for (int s = 0; s < n; s++) {
            int v = find_visit(d, stops[s].visit_id);
            if (v < 0)
                continue;
            char at[6];
            clock_of(d, stops[s].start, at); /* the Oslo clock time, also on a DST day */
            int base = nu ? nu->order_base + route_base(d, r, (int)(nu - d->nurses)) : 0;
            json_array_append_new(visits,
                                  json_pack("{s:I, s:s, s:s, s:s, s:i, s:b}", "task_id",
                                            (json_int_t)d->visits[v].task_id, "kind",
                                            d->visits[v].kind, "patient", d->visits[v].patient,
                                            "start", at, "route_order", base + s + 1, "pinned",
                                            d->visits[v].pinned != 0));
        }
        json_array_append_new(nurses, json_pack("{s:I, s:s, s:o, s:o}", "staff_id",
                                                (json_int_t)(nu ? nu->staff_id : 0), "name",
                                                nu ? nu->name : nid, "shift", shift_json(nu),
                                                "visits", visits));
    }
    json_t *unserved = json_array();
    int nu = 0;
    const hm_plan_unserved *u = r ? hm_plan_result_unserved(r, &nu) : NULL;
    for (int i = 0; i < nu; i++) {
        int v = find_visit(d, u[i].visit_id);
        json_array_append_new(unserved, json_pack("{s:I, s:s, s:s, s:s, s:s}", "task_id",
                                                  (json_int_t)(v >= 0 ? d->visits[v].task_id : 0),
                                                  "kind", v >= 0 ? d->visits[v].kind : "?",
                                                  "patient", v >= 0 ? d->visits[v].patient : "?",
                                                  "reason", reason_code(u[i].reason), "why",
                                                  u[i].why ? u[i].why : "?"));
    }
    add_excluded(d, unserved);
    /* Nothing for the solver (no visit ahead, or none inside a shift): an empty plan. */
    hm_plan_summary s;
    memset(&s, 0, sizeof s);
    if (r)
        hm_plan_result_summary(r, &s);
    for (int i = 0; !r && i < d->nn; i++)
        if (!d->nurses[i].gone)
            json_array_append_new(nurses, json_pack("{s:I, s:s, s:o, s:[]}", "staff_id",
                                                (json_int_t)d->nurses[i].staff_id, "name",
                                                d->nurses[i].name, "shift",
                                                shift_json(&d->nurses[i]), "visits"));
    /* Feasible: every mandatory visit served, the ones no shift covers included. */
    s.feasible = (r ? s.feasible : 1) && json_array_size(unserved) == 0;
    char shifts[160];
    if (d->rostered)
        snprintf(shifts, sizeof shifts, "from the roster of %s", d->date_s);
    else
        snprintf(shifts, sizeof shifts,
                 "no roster for %s: every nurse of the zone works the default day %02d:%02d-%02d:%02d",
                 d->date_s, HM_PLAN_SHIFT_START / 60, HM_PLAN_SHIFT_START % 60,
                 HM_PLAN_SHIFT_END / 60, HM_PLAN_SHIFT_END % 60);
    /* Re-planned during the day: from when (Oslo clock time). */
    char as_of[6] = "";
    if (d->t_now > 0)
        clock_of(d, floor(d->t_now), as_of); /* the minute now is in */
    json_t *travel = json_pack("{s:s}", "source", d->travel.minutes ? "road" : "coordinates");
    if (d->travel.note[0])
        json_object_set_new(travel, "note", json_string(d->travel.note));
    /* A plan that kept the day's routes: how closely, and how many visits it held. */
    json_t *keeping = d->keep_minutes > 0 ? json_pack("{s:f, s:i}", "minutes", d->keep_minutes,
                                                      "visits", d->kept)
                                          : json_null();
    return json_pack("{s:s, s:o, s:I, s:s, s:i, s:b, s:s, s:i, s:i, s:o, s:o, s:o,"
                     " s:o, s:{s:b, s:f, s:f, s:f, s:f}}",
                     "date", d->date_s, "as_of", as_of[0] ? json_string(as_of) : json_null(),
                     "org_id", (json_int_t)d->org_id, "org", d->org_name,
                     "nurses_on_duty", distinct_nurses(d), "rostered", d->rostered, "shifts",
                     shifts, "visits", d->nv, "under_way", d->under_way, "routes", nurses,
                     "unserved", unserved, "travel", travel, "kept", keeping, "summary", "feasible",
                     s.feasible, "travel_minutes", s.travel, "lateness_minutes", s.lateness,
                     "overtime_minutes", s.overtime, "seconds", s.elapsed);
}

/* How a plan is made besides its day and time: who may ask, and what may stop it. */
struct plan_how {
    int check_access; /* the caller must be staff with access to the zone (the API) */
    double keep;      /* > 0: keep the day's routes, each start within this many minutes
                         (keep_planned_visits), and fit in the visits without a nurse */
    int automatic;    /* the schedule or the demo, for a day that had no plan (plan_run) */
    const atomic_int *cancel; /* NULL, or set: stop at once and store nothing (HM_EBUSY) */
};

/* Plans the zone's day, stored by and audited as the caller c (the planner itself from the
 * command line, a nurse from the API). */
static int plan_day(const hm_call *c, int64_t org_id, const char *date, double time_limit,
                    unsigned long long seed, const struct plan_how *how, json_t **out,
                    hm_err *err)
{
    const atomic_int *cancel = how->cancel;
    hm_care *care = c->care;
    struct day d;
    memset(&d, 0, sizeof d);
    d.care = care;
    d.org_id = org_id;
    d.keep_minutes = how->keep;
    d.now_ms = c->now_ms;
    int rc = hm_date_parse(date, &d.date, err);
    if (rc)
        return rc;
    hm_date_format(d.date, d.date_s);
    d.t_now = minutes_of(&d, d.now_ms);
    if (d.t_now < 0)
        d.t_now = 0; /* a day ahead: planned whole */
    hm_db *db;
    rc = hm_store_read_begin(care->store, &db, err);
    if (rc)
        return rc;
    if (how->check_access) {
        rc = hm_policy_org_access(db, c->actor, org_id, err);
        if (rc == HM_EFORBIDDEN)
            hm_err_set(err, rc, "no access to plan the day of organisation %lld",
                       (long long)org_id);
    }
    if (!rc)
        rc = load_org(db, &d, err);
    if (!rc)
        rc = load_nurses(db, &d, err);
    if (!rc)
        rc = load_visits(db, &d, err);
    if (!rc)
        rc = load_day_so_far(db, &d, err);
    hm_store_read_end(care->store, db);
    hm_plan_problem *p = NULL;
    hm_plan_result *r = NULL;
    if (!rc && d.nn == 0)
        rc = hm_err_set(err, HM_ECONFLICT, "no nurse is on duty in %s", d.org_name);
    int to_solve = 0;
    if (!rc) {
        mark_off_duty(&d);
        pin_locked_visits(&d);
        if (d.keep_minutes > 0)
            keep_planned_visits(&d);
        for (int i = 0; i < d.nv; i++)
            to_solve += !excluded(&d.visits[i]);
    }
    if (!rc && to_solve)
        rc = build_problem(&d, &p, err);
    if (!rc && to_solve) {
        hm_plan_opts o = {time_limit, seed, 0, cancel};
        rc = hm_plan_solve(p, &o, &r, err);
    }
    if (!rc && cancel && atomic_load(cancel)) /* a plan cut short is not stored */
        rc = hm_err_set(err, HM_EBUSY, "planning stopped before its end (the server is stopping,"
                                       " or the caller went away): nothing was stored");
    json_t *report = rc ? NULL : report_json(&d, r);
    if (!rc) {
        struct store_job j = {&d, c, r, report, how->automatic};
        rc = hm_writer_submit(care->writer, store_job, &j, err);
    }
    if (!rc)
        *out = report;
    else
        json_decref(report);
    hm_plan_result_destroy(r);
    hm_plan_problem_destroy(p);
    hm__plan_travel_free(&d.travel);
    free(d.nurses);
    free(d.visits);
    return rc;
}

/* One plan at a time in a server: a plan takes a core for its time limit, and two plans of the
 * same zone at once would overwrite each other's routes. The API's plans give up at once when
 * another is being made (409); the system's (the CLI, the demo's routes) wait their turn. */
static pthread_mutex_t planning = PTHREAD_MUTEX_INITIALIZER;

/* What the zone's day wants of the schedule: WANTS_PLAN when no visit has a route yet and some
 * visit is still to be planned (none given a route or a reason why not by an earlier plan);
 * WANTS_FITTING when the day has routes and visits came after its plan (no route, no reason, no
 * nurse yet or one without a route order): those are fitted in, the routes kept; else nothing. */
enum day_wants { WANTS_NOTHING, WANTS_PLAN, WANTS_FITTING };

static int day_wants(hm_store *st, int64_t zone, const char *date, int64_t now_ms,
                     enum day_wants *wants, hm_err *err)
{
    hm_db *db;
    int rc = hm_store_read_begin(st, &db, err);
    if (rc)
        return rc;
    /* Only visits whose window is still ahead count, as plan_day plans only those: a visit of
     * today whose window ended before any plan saw it is nobody's to place any more. */
    int64_t n = 0;
    rc = hm_db_query_int(db,
                         "SELECT CASE WHEN EXISTS (SELECT 1 FROM task WHERE org_id = ?1 AND"
                         " local_date = ?2 AND route_order IS NOT NULL) THEN (CASE WHEN EXISTS"
                         " (SELECT 1 FROM task WHERE org_id = ?1 AND local_date = ?2 AND"
                         " state = 'planned' AND route_order IS NULL AND unplanned IS NULL AND"
                         " started_ms IS NULL AND window_end_ms > ?3) THEN 2 ELSE 0 END)"
                         " ELSE (CASE WHEN EXISTS (SELECT 1 FROM task WHERE org_id = ?1 AND"
                         " local_date = ?2 AND state = 'planned' AND unplanned IS NULL AND"
                         " window_end_ms > ?3) THEN 1 ELSE 0 END) END",
                         HM_ARGS(HM_I(zone), HM_S(date), HM_I(now_ms)), &n, err);
    hm_store_read_end(st, db);
    *wants = n == 2 ? WANTS_FITTING : n ? WANTS_PLAN : WANTS_NOTHING;
    return rc;
}

/* A plan made by the system (the CLI, the demo's routes, the planning schedule), which waits its
 * turn for the planning lock; only_if_wanted: only what the day wants (day_wants: a whole plan, or
 * fitting late visits into its routes), checked under the lock so that a plan made meanwhile is
 * never planned over (*out stays NULL when it wants nothing); cancel: NULL, or the server's stop,
 * which ends the search at once and stores nothing (HM_EBUSY). */
static int system_plan(hm_care *care, int64_t org_id, const char *date, double time_limit,
                       unsigned long long seed, int only_if_wanted, const atomic_int *cancel,
                       json_t **out, hm_err *err)
{
    *out = NULL;
    hm_actor planner = {.role = "system"};
    snprintf(planner.username, sizeof planner.username, "planner");
    hm_call c = {care, &planner, hm_clock_now(care->clock), "plan"};
    pthread_mutex_lock(&planning);
    enum day_wants wants = WANTS_PLAN;
    int rc = only_if_wanted ? day_wants(care->store, org_id, date, c.now_ms, &wants, err)
                            : HM_OK;
    struct plan_how how = {.automatic = only_if_wanted,
                           .keep = wants == WANTS_FITTING ? HM_PLAN_KEEP_MINUTES : 0,
                           .cancel = cancel};
    if (!rc && wants != WANTS_NOTHING)
        rc = plan_day(&c, org_id, date, time_limit, seed, &how, out, err);
    pthread_mutex_unlock(&planning);
    return rc;
}

int hm_care_plan_day(hm_care *care, int64_t org_id, const char *date, double time_limit,
                     unsigned long long seed, json_t **out, hm_err *err)
{
    return system_plan(care, org_id, date, time_limit, seed, 0, NULL, out, err);
}

int hm_care_plan_day_if_wanted(hm_care *care, int64_t org_id, const char *date,
                               double time_limit, unsigned long long seed,
                               const atomic_int *cancel, json_t **out, hm_err *err)
{
    return system_plan(care, org_id, date, time_limit, seed, 1, cancel, out, err);
}

#define API_PLAN_SECONDS 5.0
#define API_PLAN_SECONDS_MAX 30.0

int hm_care_plan_day_request(const hm_call *c, int64_t org_id, const json_t *in,
                             const atomic_int *cancel, json_t **out, hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_PLAN_DAY, err);
    if (rc)
        return rc;
    const char *date = NULL;
    double limit = API_PLAN_SECONDS, keep = HM_PLAN_KEEP_MINUTES;
    int keep_routes = 0;
    if (in) {
        rc = hm_json_only(in,
                          (const char *const[]){"date", "time_limit_s", "keep_routes",
                                                "keep_minutes", NULL},
                          err);
        if (!rc)
            rc = hm_json_str(in, "date", 0, 10, &date, err);
        if (!rc)
            rc = hm_json_num(in, "time_limit_s", 0, 0.1, API_PLAN_SECONDS_MAX, &limit, err);
        if (!rc)
            rc = hm_json_bool(in, "keep_routes", 0, &keep_routes, err);
        if (!rc)
            rc = hm_json_num(in, "keep_minutes", 0, 1, HM_PLAN_KEEP_MINUTES_MAX, &keep, err);
        if (!rc && json_object_get(in, "keep_minutes") && !keep_routes)
            rc = hm_err_set(err, HM_EINVAL, "keep_minutes needs \"keep_routes\": true");
        if (rc)
            return rc;
    }
    char today[11];
    if (!date) {
        hm_date d;
        int m;
        hm_utc_to_local(c->now_ms, &d, &m);
        hm_date_format(d, today);
        date = today;
    }
    if (pthread_mutex_trylock(&planning) != 0)
        return hm_err_set(err, HM_ECONFLICT,
                          "another plan is being made right now; try again in a few seconds");
    rc = plan_day(c, org_id, date, limit, 1,
                  &(struct plan_how){.check_access = 1, .keep = keep_routes ? keep : 0,
                                     .cancel = cancel},
                  out, err);
    pthread_mutex_unlock(&planning);
    return rc;
}
