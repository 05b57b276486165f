/* episode_view.c: one episode as JSON: state, organisations, eligibility answers, current
 * regimen, pump and monitoring devices, timeline, and the days spent at home (bed-days saved). */
#include "care/care_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Adds one period at home [from, to): its length, and the Oslo midnights it spans. */
static void add_period(int64_t from, int64_t to, int64_t *total, int *nights)
{
    hm_date a, b;
    int m;
    hm_utc_to_local(from, &a, &m);
    hm_utc_to_local(to, &b, &m);
    *nights += hm_date_diff_days(a, b);
    *total += to - from;
}

/* Sums the periods at home from the timeline: a period starts at "active" or "returned_home"
 * and ends at "readmitted", "completed", "discontinued" or now. bed_days counts the Oslo
 * midnights spent at home, the way hospitals count liggedøgn. */
static void home_time(json_t *events, int64_t now_ms, double *days, int *bed_days)
{
    int64_t start = -1, total = 0;
    int nights = 0;
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        const char *kind = json_string_value(json_object_get(e, "kind"));
        int64_t at = json_integer_value(json_object_get(e, "at_ms"));
        if (!kind)
            continue;
        if (strcmp(kind, "active") == 0 || strcmp(kind, "returned_home") == 0) {
            if (start < 0)
                start = at;
        } else if (start >= 0 && (strcmp(kind, "readmitted") == 0 ||
                                  strcmp(kind, "completed") == 0 ||
                                  strcmp(kind, "discontinued") == 0)) {
            add_period(start, at, &total, &nights);
            start = -1;
        }
    }
    if (start >= 0 && now_ms > start)
        add_period(start, now_ms, &total, &nights);
    *days = round((double)total / 86400000.0 * 10.0) / 10.0;
    *bed_days = nights;
}

static json_t *episode_events(hm_db *db, int64_t id, hm_err *err)
{
    hm_cursor cur;
    json_t *arr = json_array();
    if (hm_db_query(db,
                    "SELECT ev.kind, ev.at_ms, ev.staff_id, s.name, ev.note FROM episode_event ev"
                    " LEFT JOIN staff s ON s.id = ev.staff_id WHERE ev.episode_id = ?"
                    " ORDER BY ev.at_ms, ev.id",
                    HM_ARGS(HM_I(id)), &cur, err))
        return arr;
    while (hm_cursor_next(&cur, err) == HM_ROW)
        json_array_append_new(arr, json_pack("{s:s, s:o, s:I, s:o, s:o, s:o}", "kind",
                                             hm__text(&cur, 0), "at", hm__jtime(&cur, 1), "at_ms",
                                             (json_int_t)hm_cursor_int(&cur, 1), "staff_id",
                                             hm__jint(&cur, 2), "staff", hm__jstr(&cur, 3),
                                             "note", hm__jstr(&cur, 4)));
    hm_cursor_close(&cur);
    return arr;
}

static json_t *current_regimen(hm_db *db, int64_t id, hm_err *err)
{
    hm_cursor cur;
    json_t *r = json_null();
    if (hm_db_query(db,
                    "SELECT body, version, created_ms FROM regimen WHERE episode_id = ?"
                    " ORDER BY version DESC LIMIT 1",
                    HM_ARGS(HM_I(id)), &cur, err))
        return r;
    if (hm_cursor_next(&cur, err) == HM_ROW) {
        json_t *body = json_loads(hm__text(&cur, 0), 0, NULL);
        if (body) {
            json_object_set_new(body, "version", json_integer(hm_cursor_int(&cur, 1)));
            json_object_set_new(body, "set_at", hm__jtime(&cur, 2));
            r = body;
        }
    }
    hm_cursor_close(&cur);
    return r;
}

/* The devices with the patient now: "pump" (the infusion pump, or null) and "devices" (every
 * device assigned, the pump included, by kind then serial). */
static void current_devices(hm_db *db, int64_t id, json_t *e, hm_err *err)
{
    hm_cursor cur;
    json_t *pump = json_null(), *all = json_array();
    if (!hm_db_query(db,
                     "SELECT d.serial, d.model, a.assigned_ms, d.kind FROM device_assignment a"
                     " JOIN device d ON d.id = a.device_id WHERE a.episode_id = ? AND"
                     " a.released_ms IS NULL ORDER BY d.kind, d.serial",
                     HM_ARGS(HM_I(id)), &cur, err)) {
        while (hm_cursor_next(&cur, err) == HM_ROW) {
            json_array_append_new(all, json_pack("{s:s, s:s, s:s, s:o}", "serial",
                                                 hm__text(&cur, 0), "kind", hm__text(&cur, 3),
                                                 "model", hm__text(&cur, 1), "assigned_at",
                                                 hm__jtime(&cur, 2)));
            if (strcmp(hm__text(&cur, 3), "infusion_pump") == 0 && json_is_null(pump))
                pump = json_pack("{s:s, s:s, s:o}", "serial", hm__text(&cur, 0), "model",
                                 hm__text(&cur, 1), "assigned_at", hm__jtime(&cur, 2));
        }
        hm_cursor_close(&cur);
    }
    json_object_set_new(e, "pump", pump);
    json_object_set_new(e, "devices", all);
}

static int episode_json(hm_db *db, int64_t id, int64_t now_ms, json_t **out, int64_t *patient,
                        hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db,
                         "SELECT e.id, e.patient_id, e.pathway, e.state, e.hospital_org_id,"
                         " e.home_care_org_id, e.backup_org_id, e.eligibility, e.physician_id,"
                         " ph.name, e.referred_ms, e.approved_ms, e.trained_ms, e.activated_ms,"
                         " e.ended_ms, e.outcome, e.outcome_note, hc.name, p.name, e.spo2_scale"
                         " FROM episode e JOIN org hc ON hc.id = e.home_care_org_id"
                         " JOIN patient p ON p.id = e.patient_id"
                         " LEFT JOIN staff ph ON ph.id = e.physician_id WHERE e.id = ?",
                         HM_ARGS(HM_I(id)), &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    if (rc != HM_ROW) {
        hm_cursor_close(&cur);
        return rc == HM_DONE ? hm_err_set(err, HM_ENOTFOUND, "episode %lld does not exist",
                                          (long long)id)
                             : rc;
    }
    json_t *elig = json_loads(hm__text(&cur, 7), 0, NULL);
    *patient = hm_cursor_int(&cur, 1);
    json_t *e = json_pack(
        "{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
        "s:o, s:o}",
        "id", (json_int_t)hm_cursor_int(&cur, 0), "patient_id", (json_int_t)*patient,
        "patient_name", hm__text(&cur, 18), "pathway", hm__text(&cur, 2), "state",
        hm__text(&cur, 3), "hospital_org_id", (json_int_t)hm_cursor_int(&cur, 4),
        "home_care_org_id", (json_int_t)hm_cursor_int(&cur, 5), "home_care_org",
        hm__text(&cur, 17), "backup_org_id", hm__jint(&cur, 6), "eligibility",
        elig ? elig : json_object(), "physician_id", hm__jint(&cur, 8), "physician",
        hm__jstr(&cur, 9), "referred_at", hm__jtime(&cur, 10), "approved_at",
        hm__jtime(&cur, 11), "trained_at", hm__jtime(&cur, 12), "activated_at",
        hm__jtime(&cur, 13), "ended_at", hm__jtime(&cur, 14), "outcome", hm__jstr(&cur, 15),
        "outcome_note", hm__jstr(&cur, 16));
    json_object_set_new(e, "spo2_scale", json_integer(hm_cursor_int(&cur, 19)));
    hm_cursor_close(&cur);
    json_t *events = episode_events(db, id, err);
    double days;
    int bed_days;
    home_time(events, now_ms, &days, &bed_days);
    json_object_set_new(e, "timeline", events);
    json_object_set_new(e, "regimen", current_regimen(db, id, err));
    current_devices(db, id, e, err);
    json_object_set_new(e, "days_at_home", json_real(days));
    json_object_set_new(e, "bed_days_at_home", json_integer(bed_days));
    *out = e;
    return HM_OK;
}

int hm_care_episode_get(const hm_call *c, int64_t episode_id, json_t **out, hm_err *err)
{
    hm_db *db;
    int rc = hm_store_read_begin(c->care->store, &db, err);
    if (rc)
        return rc;
    int64_t patient = 0;
    int emergency = 0;
    json_t *e = NULL;
    rc = hm__care_episode_patient(db, episode_id, &patient, err);
    if (!rc)
        rc = hm__care_patient_check(db, c, HM_ACT_PATIENT_READ, patient, &emergency, err);
    if (!rc)
        rc = episode_json(db, episode_id, c->now_ms, &e, &patient, err);
    hm_store_read_end(c->care->store, db);
    char object[48];
    snprintf(object, sizeof object, "episode/%lld", (long long)episode_id);
    return hm__care_read_done(c, rc, object, &patient, 1, emergency, e, out, err);
}
