/* roster.c: a home-care zone's roster: which nurse works when on each Oslo local date (start
 * and end as local clock times, a shift ends by 24:00 on its own date), the window in which the
 * unpaid break starts and its length, and where the shift starts and ends when that is not the
 * zone's office. The planner (plan_day.c) takes the nurses on duty from here.
 *
 * Setting a roster replaces every shift of the zone in a date range in one write job: the whole
 * request is checked first (hm_care_roster_parse in roster_check.c, no database: dates, times,
 * breaks, no two shifts of one nurse overlapping), then each nurse against the database (an
 * active nurse of that zone), so that a refused roster leaves the old one untouched. */
#include "care/care_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

static const char *const nurse_roles[] = {"municipal_nurse", "super_user", "hospital_nurse",
                                          NULL};

/* ---- the database side ---- */

/* A super-user sets the rosters of their own zone only (or of every zone of the municipality
 * when they belong to the municipality itself): their organisation is the zone or above it. */
static int zone_of_actor(hm_db *db, const hm_actor *a, int64_t org_id, const char *name,
                         hm_err *err)
{
    int64_t n = 0;
    int rc = hm_db_query_int(db,
                             "SELECT count(*) FROM org_ancestor WHERE org_id = ? AND ancestor_id = ?",
                             HM_ARGS(HM_I(org_id), HM_I(a->org_id)), &n, err);
    if (!rc && !n)
        rc = hm_err_set(err, HM_EFORBIDDEN, "a super-user sets only their own zone's roster, not %s's",
                        name);
    return rc;
}

/* The zone exists, is a zone, and the caller may see (read: the same municipality) or change
 * (set: their own zone) its roster. */
static int zone_check(hm_db *db, const hm_call *c, int64_t org_id, int for_set, char name[128],
                      hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db, "SELECT kind, name FROM org WHERE id = ?", HM_ARGS(HM_I(org_id)),
                         &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_ROW) {
        rc = strcmp(hm__text(&cur, 0), "zone") == 0
                 ? HM_OK
                 : hm_err_set(err, HM_EINVAL, "organisation %lld is not a home-care zone",
                              (long long)org_id);
        snprintf(name, 128, "%s", hm__text(&cur, 1));
    } else if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_ENOTFOUND, "unknown organisation %lld", (long long)org_id);
    }
    hm_cursor_close(&cur);
    if (!rc && strcmp(c->actor->role, "admin") != 0) {
        rc = hm_policy_org_access(db, c->actor, org_id, err);
        if (rc == HM_EFORBIDDEN)
            rc = hm_err_set(err, HM_EFORBIDDEN, "no access to the roster of %s", name);
        if (!rc && for_set)
            rc = zone_of_actor(db, c->actor, org_id, name, err);
    }
    return rc;
}

/* An active nurse whose organisation lies inside the zone. */
static int nurse_check(hm_db *db, int64_t org_id, int64_t staff_id, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db,
                         "SELECT s.role, s.active, EXISTS (SELECT 1 FROM org_ancestor a WHERE"
                         " a.org_id = s.org_id AND a.ancestor_id = ?) FROM staff s WHERE s.id = ?",
                         HM_ARGS(HM_I(org_id), HM_I(staff_id)), &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_EINVAL, "staff member %lld does not exist", (long long)staff_id);
    } else if (rc == HM_ROW) {
        int nurse = 0;
        for (const char *const *r = nurse_roles; *r && !nurse; r++)
            nurse = strcmp(*r, hm__text(&cur, 0)) == 0;
        if (!nurse)
            rc = hm_err_set(err, HM_EINVAL, "staff member %lld is not a nurse", (long long)staff_id);
        else if (!hm_cursor_int(&cur, 1))
            rc = hm_err_set(err, HM_EINVAL, "staff member %lld is deactivated",
                            (long long)staff_id);
        else if (!hm_cursor_int(&cur, 2))
            rc = hm_err_set(err, HM_EINVAL, "staff member %lld is not a nurse of this zone",
                            (long long)staff_id);
        else
            rc = HM_OK;
    }
    hm_cursor_close(&cur);
    return rc;
}

static json_t *location_json(hm_cursor *cur, int col)
{
    if (hm_cursor_is_null(cur, col))
        return json_null();
    return json_pack("{s:f, s:f}", "lat", hm_cursor_double(cur, col), "lon",
                     hm_cursor_double(cur, col + 1));
}

static json_t *shift_row(hm_cursor *cur)
{
    char start[6], end[6], bf[6], bt[6];
    hm__clock_text((int)hm_cursor_int(cur, 4), start);
    hm__clock_text((int)hm_cursor_int(cur, 5), end);
    int has_break = !hm_cursor_is_null(cur, 6);
    hm__clock_text(has_break ? (int)hm_cursor_int(cur, 6) : 0, bf);
    hm__clock_text(has_break ? (int)hm_cursor_int(cur, 7) : 0, bt);
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:o, s:o}", "id",
                     (json_int_t)hm_cursor_int(cur, 0), "staff_id",
                     (json_int_t)hm_cursor_int(cur, 1), "staff", hm__text(cur, 2), "date",
                     hm__text(cur, 3), "start", start, "end", end, "break_from",
                     has_break ? json_string(bf) : json_null(), "break_to",
                     has_break ? json_string(bt) : json_null(), "break_minutes",
                     (json_int_t)hm_cursor_int(cur, 8), "start_location",
                     location_json(cur, 9), "end_location", location_json(cur, 11));
}

static int roster_json(hm_db *db, int64_t org_id, const char *name, const char *from,
                       const char *to, json_t **out, hm_err *err)
{
    json_t *shifts = json_array();
    int rc = hm__care_rows(db,
                           "SELECT sh.id, sh.staff_id, s.name, sh.local_date, sh.start_min,"
                           " sh.end_min, sh.break_from_min, sh.break_to_min, sh.break_min,"
                           " sh.start_lat, sh.start_lon, sh.end_lat, sh.end_lon"
                           " FROM shift sh JOIN staff s ON s.id = sh.staff_id"
                           " WHERE sh.org_id = ? AND sh.local_date BETWEEN ? AND ?"
                           " ORDER BY sh.local_date, sh.start_min, s.name, sh.id",
                           HM_ARGS(HM_I(org_id), HM_S(from), HM_S(to)), shift_row, shifts, err);
    if (rc) {
        json_decref(shifts);
        return rc;
    }
    *out = json_pack("{s:I, s:s, s:s, s:s, s:o}", "org_id", (json_int_t)org_id, "org", name,
                     "from", from, "to", to, "shifts", shifts);
    return HM_OK;
}

int hm_care_roster_get(const hm_call *c, int64_t org_id, const char *from, const char *to,
                       json_t **out, hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_ROSTER_READ, err);
    if (rc)
        return rc;
    json_t *q = json_object();
    int minutes;
    hm_date today;
    char today_s[11];
    hm_utc_to_local(c->now_ms, &today, &minutes);
    hm_date_format(today, today_s);
    json_object_set_new(q, "from", json_string(from ? from : today_s));
    json_object_set_new(q, "to", json_string(to ? to : from ? from : today_s));
    hm_date f, t;
    rc = hm__roster_range(q, &f, &t, err);
    json_decref(q);
    if (rc)
        return rc;
    char fs[11], ts[11], name[128] = "";
    hm_date_format(f, fs);
    hm_date_format(t, ts);
    hm_db *db;
    rc = hm_store_read_begin(c->care->store, &db, err);
    if (rc)
        return rc;
    rc = zone_check(db, c, org_id, 0, name, err);
    if (!rc)
        rc = roster_json(db, org_id, name, fs, ts, out, err);
    hm_store_read_end(c->care->store, db);
    return rc;
}

struct roster_set {
    const hm_call *c;
    int64_t org_id;
    hm_date from, to;
    hm_shift *shifts;
    size_t n;
    json_t *out;
};

static int insert_shift(hm_db *db, int64_t org_id, const hm_shift *s, hm_err *err)
{
    char day[11];
    hm_date_format(s->date, day);
    int has_break = s->break_from >= 0;
    return hm_db_exec(
        db,
        "INSERT INTO shift (org_id, staff_id, local_date, start_min, end_min, break_from_min,"
        " break_to_min, break_min, start_lat, start_lon, end_lat, end_lon)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        HM_ARGS(HM_I(org_id), HM_I(s->staff_id), HM_S(day), HM_I(s->start), HM_I(s->end),
                has_break ? HM_I(s->break_from) : HM_NULLV,
                has_break ? HM_I(s->break_to) : HM_NULLV, HM_I(s->break_min),
                s->has_start_loc ? HM_D(s->start_lat) : HM_NULLV,
                s->has_start_loc ? HM_D(s->start_lon) : HM_NULLV,
                s->has_end_loc ? HM_D(s->end_lat) : HM_NULLV,
                s->has_end_loc ? HM_D(s->end_lon) : HM_NULLV),
        err);
}

static int roster_set_job(hm_db *db, void *arg, hm_err *err)
{
    struct roster_set *j = arg;
    char name[128] = "", fs[11], ts[11];
    hm_date_format(j->from, fs);
    hm_date_format(j->to, ts);
    int rc = zone_check(db, j->c, j->org_id, 1, name, err);
    for (size_t i = 0; i < j->n && !rc; i++)
        if (i == 0 || j->shifts[i].staff_id != j->shifts[i - 1].staff_id)
            rc = nurse_check(db, j->org_id, j->shifts[i].staff_id, err);
    /* A nurse works in one zone at a time: her shifts in other zones must not overlap. */
    for (size_t i = 0; i < j->n && !rc; i++) {
        char day[11];
        hm_date_format(j->shifts[i].date, day);
        int64_t clash = 0;
        rc = hm_db_query_int(db,
                             "SELECT count(*) FROM shift WHERE staff_id = ? AND local_date = ?"
                             " AND org_id <> ? AND start_min < ? AND end_min > ?",
                             HM_ARGS(HM_I(j->shifts[i].staff_id), HM_S(day), HM_I(j->org_id),
                                     HM_I(j->shifts[i].end), HM_I(j->shifts[i].start)),
                             &clash, err);
        if (!rc && clash)
            rc = hm_err_set(err, HM_ECONFLICT,
                            "staff member %lld already has a shift in another zone on %s",
                            (long long)j->shifts[i].staff_id, day);
    }
    if (!rc)
        rc = hm_db_exec(db, "DELETE FROM shift WHERE org_id = ? AND local_date BETWEEN ? AND ?",
                        HM_ARGS(HM_I(j->org_id), HM_S(fs), HM_S(ts)), err);
    for (size_t i = 0; i < j->n && !rc; i++)
        rc = insert_shift(db, j->org_id, &j->shifts[i], err);
    char object[80];
    snprintf(object, sizeof object, "org/%lld/roster?from=%s&to=%s", (long long)j->org_id, fs, ts);
    if (!rc)
        rc = hm__care_audit(db, j->c, "update", object, NULL, 0, 0, NULL, err);
    if (!rc)
        rc = roster_json(db, j->org_id, name, fs, ts, &j->out, err);
    return rc;
}

int hm_care_roster_set(const hm_call *c, int64_t org_id, const json_t *in, json_t **out,
                       hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_ROSTER_SET, err);
    if (rc)
        return rc;
    struct roster_set j = {.c = c, .org_id = org_id};
    rc = hm_care_roster_parse(in, &j.from, &j.to, &j.shifts, &j.n, err);
    if (rc)
        return rc;
    rc = hm__care_write(c, roster_set_job, &j, err);
    free(j.shifts);
    if (rc) {
        json_decref(j.out);
        return rc;
    }
    *out = j.out;
    return HM_OK;
}
