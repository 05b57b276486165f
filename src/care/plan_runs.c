/* plan_runs.c: the record of every plan of a zone's day (table plan_run), as figures without
 * patient data: when, by whom (a user's name, or the system: the command line, or the planning
 * schedule and the demo, "automatic"), how many visits on how many routes, how many left out,
 * driving minutes and where those came from. The worklist says "last planned ..." from it, so a
 * coordinator who arrives in the morning sees whether the evening's plan was made and how it
 * went, after its report is gone. */
#include "care/care_int.h"

#include <stdio.h>

#include "auth/policy.h"

int hm__plan_run_record(hm_db *db, const hm_call *c, int64_t org_id, const char *date,
                        int automatic, const json_t *report, hm_err *err)
{
    const json_t *routes = json_object_get(report, "routes"), *route;
    size_t i;
    json_int_t visits = 0, nurses = 0;
    json_array_foreach(routes, i, route)
    {
        size_t n = json_array_size(json_object_get(route, "visits"));
        visits += (json_int_t)n;
        nurses += n > 0;
    }
    const json_t *summary = json_object_get(report, "summary");
    const char *source =
        json_string_value(json_object_get(json_object_get(report, "travel"), "source"));
    return hm_db_exec(
        db,
        "INSERT INTO plan_run (org_id, local_date, made_ms, made_by, made_by_staff_id, automatic,"
        " visits, nurses, unserved, travel_minutes, lateness_minutes, feasible, travel_source,"
        " seconds) VALUES (?, ?, ?, ?, nullif(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        HM_ARGS(HM_I(org_id), HM_S(date), HM_I(c->now_ms), HM_S(c->actor->username),
                HM_I(c->actor->staff_id), HM_I(automatic), HM_I(visits), HM_I(nurses),
                HM_I((int64_t)json_array_size(json_object_get(report, "unserved"))),
                HM_D(json_number_value(json_object_get(summary, "travel_minutes"))),
                HM_D(json_number_value(json_object_get(summary, "lateness_minutes"))),
                HM_I(json_is_true(json_object_get(summary, "feasible"))),
                HM_S(source ? source : "coordinates"),
                HM_D(json_number_value(json_object_get(summary, "seconds")))),
        err);
}

static json_t *run_json(hm_cursor *cur)
{
    return json_pack("{s:o, s:s, s:o, s:b, s:I, s:I, s:I, s:f, s:f, s:b, s:s, s:f}", "made_at",
                     hm__jtime(cur, 0), "made_by", hm__text(cur, 1), "made_by_name",
                     hm__jstr(cur, 2), "automatic", (int)hm_cursor_int(cur, 3), "visits",
                     (json_int_t)hm_cursor_int(cur, 4), "nurses", (json_int_t)hm_cursor_int(cur, 5),
                     "unserved", (json_int_t)hm_cursor_int(cur, 6), "travel_minutes",
                     hm_cursor_double(cur, 7), "lateness_minutes", hm_cursor_double(cur, 8),
                     "feasible", (int)hm_cursor_int(cur, 9), "travel_source", hm__text(cur, 10),
                     "seconds", hm_cursor_double(cur, 11));
}

/* The newest this many plans of a day are listed. */
#define PLAN_RUNS_LISTED 20

int hm_care_org_plans(const hm_call *c, int64_t org_id, const char *date, json_t **out, hm_err *err)
{
    char day[11];
    int rc = hm__care_query_date(c, date, day, err);
    if (rc)
        return rc;
    hm_db *db;
    rc = hm__care_read_begin(c, HM_ACT_TASK_LIST, &db, err);
    if (rc)
        return rc;
    rc = hm_policy_org_access(db, c->actor, org_id, err);
    json_t *plans = json_array();
    hm_cursor cur;
    if (!rc)
        rc = hm_db_query(db,
                         "SELECT r.made_ms, r.made_by, s.name, r.automatic, r.visits, r.nurses,"
                         " r.unserved, r.travel_minutes, r.lateness_minutes, r.feasible,"
                         " r.travel_source, r.seconds FROM plan_run r LEFT JOIN staff s ON"
                         " s.id = r.made_by_staff_id WHERE r.org_id = ? AND r.local_date = ?"
                         " ORDER BY r.made_ms DESC, r.id DESC LIMIT ?",
                         HM_ARGS(HM_I(org_id), HM_S(day), HM_I(PLAN_RUNS_LISTED)), &cur, err);
    if (!rc) {
        int step = hm_cursor_next(&cur, err);
        for (; step == HM_ROW; step = hm_cursor_next(&cur, err))
            json_array_append_new(plans, run_json(&cur));
        rc = step == HM_DONE ? HM_OK : step;
        hm_cursor_close(&cur);
    }
    hm_store_read_end(c->care->store, db);
    if (rc) {
        json_decref(plans);
        return rc;
    }
    *out = json_pack("{s:I, s:s, s:o}", "org_id", (json_int_t)org_id, "date", day, "plans", plans);
    return HM_OK;
}
