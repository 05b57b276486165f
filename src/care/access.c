/* access.c: emergency access ("break the glass": a mandatory reason, time-limited, flagged for
 * review), the patient's access log (who read or changed their record), the review list, and
 * reference data (organisations, devices). */
#include "care/care_int.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"

struct emergency_job {
    const hm_call *c;
    int64_t patient_id;
    const char *reason;
    int64_t expires_ms;
};

static int emergency_job(hm_db *db, void *arg, hm_err *err)
{
    struct emergency_job *e = arg;
    int64_t n = 0;
    int rc = hm_db_query_int(db, "SELECT count(*) FROM patient WHERE id = ?",
                             HM_ARGS(HM_I(e->patient_id)), &n, err);
    if (rc)
        return rc;
    if (!n)
        return hm_err_set(err, HM_ENOTFOUND, "patient %lld does not exist",
                          (long long)e->patient_id);
    e->expires_ms = e->c->now_ms + HM_EMERGENCY_ACCESS_MS;
    rc = hm_db_exec(db,
                    "INSERT INTO emergency_access (staff_id, patient_id, reason, granted_ms,"
                    " expires_ms) VALUES (?, ?, ?, ?, ?)",
                    HM_ARGS(HM_I(e->c->actor->staff_id), HM_I(e->patient_id), HM_S(e->reason),
                            HM_I(e->c->now_ms), HM_I(e->expires_ms)),
                    err);
    if (rc)
        return rc;
    char object[48];
    snprintf(object, sizeof object, "patient/%lld", (long long)e->patient_id);
    return hm__care_audit(db, e->c, "emergency_access", object, &e->patient_id, 1, 1, e->reason,
                          err);
}

int hm_care_emergency_access(const hm_call *c, int64_t patient_id, const json_t *in,
                             json_t **out, hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_EMERGENCY_ACCESS, err);
    if (rc)
        return rc;
    struct emergency_job e = {.c = c, .patient_id = patient_id};
    rc = hm_json_str(in, "reason", 1, 1000, &e.reason, err);
    if (rc)
        return hm_err_set(err, rc, "emergency access needs a reason: %s", err ? err->msg : "");
    if (strlen(e.reason) < 10)
        return hm_err_set(err, HM_EINVAL,
                          "emergency access needs a reason of at least 10 characters");
    rc = hm__care_write(c, emergency_job, &e, err);
    if (rc)
        return rc;
    char t[32];
    hm_time_format_utc(e.expires_ms, t);
    *out = json_pack("{s:I, s:s, s:b}", "patient_id", (json_int_t)patient_id, "expires_at", t,
                     "flagged_for_review", 1);
    return HM_OK;
}

static json_t *audit_row_json(hm_cursor *cur)
{
    return json_pack("{s:I, s:o, s:s, s:o, s:o, s:s, s:s, s:o, s:b}", "id",
                     (json_int_t)hm_cursor_int(cur, 0), "at", hm__jtime(cur, 1), "role",
                     hm__text(cur, 2), "who", hm__jstr(cur, 3), "organisation", hm__jstr(cur, 4),
                     "action", hm__text(cur, 5), "object", hm__text(cur, 6), "reason",
                     hm__jstr(cur, 7), "emergency", (int)hm_cursor_int(cur, 8));
}

#define AUDIT_VIEW_COLS                                                                            \
    "a.id, a.at_ms, a.role, coalesce(s.name, acc.username), o.name, a.action, a.object,"          \
    " nullif(a.reason, ''), a.emergency"
#define AUDIT_VIEW_JOIN                                                                            \
    " FROM audit a LEFT JOIN account acc ON acc.id = a.account_id"                               \
    " LEFT JOIN staff s ON s.id = acc.staff_id LEFT JOIN org o ON o.id = a.org_id"

int hm_care_access_log(const hm_call *c, int64_t patient_id, json_t **out, hm_err *err)
{
    /* An admin reads any patient's log (to answer a patient's question); others need the
     * care relation, and a patient reaches only their own. */
    return hm__care_patient_list(c, patient_id, HM_ACT_ACCESS_LOG_READ,
                                 strcmp(c->actor->role, "admin") != 0,
                                 "SELECT " AUDIT_VIEW_COLS AUDIT_VIEW_JOIN
                                 " WHERE a.id IN (SELECT audit_id FROM audit_patient WHERE"
                                 " patient_id = ?) ORDER BY a.id DESC LIMIT 1000",
                                 audit_row_json, "access-log", out, err);
}

/* Runs a simple read of reference data (no patient data, so no audit row). */
static int simple_list(const hm_call *c, enum hm_action act, const char *sql,
                       json_t *(*row)(hm_cursor *), json_t **out, hm_err *err)
{
    hm_db *db;
    int rc = hm__care_read_begin(c, act, &db, err);
    if (rc)
        return rc;
    json_t *arr = json_array();
    rc = hm__care_rows(db, sql, HM_NOARGS, row, arr, err);
    hm_store_read_end(c->care->store, db);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return HM_OK;
}

int hm_care_emergency_review(const hm_call *c, json_t **out, hm_err *err)
{
    return simple_list(c, HM_ACT_EMERGENCY_REVIEW,
                       "SELECT " AUDIT_VIEW_COLS AUDIT_VIEW_JOIN
                       " WHERE a.emergency = 1 ORDER BY a.id DESC LIMIT 1000",
                       audit_row_json, out, err);
}

static json_t *org_row(hm_cursor *cur)
{
    return json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:o}", "id",
                     (json_int_t)hm_cursor_int(cur, 0), "parent_id", hm__jint(cur, 1), "kind",
                     hm__text(cur, 2), "code", hm__text(cur, 3), "name", hm__text(cur, 4), "lat",
                     hm_cursor_is_null(cur, 5) ? json_null() : json_real(hm_cursor_double(cur, 5)),
                     "lon",
                     hm_cursor_is_null(cur, 6) ? json_null() : json_real(hm_cursor_double(cur, 6)));
}

int hm_care_orgs(const hm_call *c, json_t **out, hm_err *err)
{
    return simple_list(c, HM_ACT_ORG_READ,
                       "SELECT id, parent_id, kind, code, name, lat, lon FROM org ORDER BY id",
                       org_row, out, err);
}

/* Who has which pump is told by episode and home-care organisation, not by patient: logistics
 * staff have no care relation, and the zone is what they need to fetch a pump back. */
static json_t *device_row(hm_cursor *cur)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "id",
                     (json_int_t)hm_cursor_int(cur, 0), "serial", hm__text(cur, 1), "kind",
                     hm__text(cur, 2), "model", hm__text(cur, 3), "depot", hm__jstr(cur, 4),
                     "depot_id", hm__jint(cur, 5), "status", hm__text(cur, 6), "service_due",
                     hm__jstr(cur, 7), "episode_id", hm__jint(cur, 8), "home_care_org",
                     hm__jstr(cur, 9), "municipality", hm__jstr(cur, 10), "assigned_at",
                     hm__jtime(cur, 11));
}

int hm_care_devices(const hm_call *c, json_t **out, hm_err *err)
{
    return simple_list(c, HM_ACT_DEVICE_READ,
                       "SELECT d.id, d.serial, d.kind, d.model, o.name, d.depot_id, d.status,"
                       " d.service_due, a.episode_id, hc.name, m.name, a.assigned_ms"
                       " FROM device d LEFT JOIN org o ON o.id = d.depot_id"
                       " LEFT JOIN device_assignment a ON a.device_id = d.id AND"
                       "   a.released_ms IS NULL"
                       " LEFT JOIN episode e ON e.id = a.episode_id"
                       " LEFT JOIN org hc ON hc.id = e.home_care_org_id"
                       " LEFT JOIN org m ON m.id = hc.root_id"
                       " ORDER BY d.serial",
                       device_row, out, err);
}

json_t *hm__care_staff_row(hm_cursor *cur)
{
    return json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:o, s:b, s:[]}", "id",
                     (json_int_t)hm_cursor_int(cur, 0), "name", hm__text(cur, 1), "role",
                     hm__text(cur, 2), "org_id", (json_int_t)hm_cursor_int(cur, 3), "org",
                     hm__text(cur, 4), "phone", hm__jstr(cur, 5), "username", hm__jstr(cur, 6),
                     "active", (int)hm_cursor_int(cur, 7), "competences");
}

/* Adds each competence row to its staff member's "competences" (staff listed in id order). */
static int attach_competences(hm_db *db, json_t *staff, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db,
                         "SELECT staff_id, kind, trained_on, expires_on, id FROM competence"
                         " ORDER BY staff_id, kind",
                         HM_NOARGS, &cur, err);
    size_t i = 0, n = json_array_size(staff);
    while (!rc) {
        int step = hm_cursor_next(&cur, err);
        if (step != HM_ROW) {
            rc = step == HM_DONE ? HM_OK : step;
            break;
        }
        int64_t sid = hm_cursor_int(&cur, 0);
        while (i < n && json_integer_value(json_object_get(json_array_get(staff, i), "id")) < sid)
            i++;
        json_t *member = json_array_get(staff, i);
        if (i < n && json_integer_value(json_object_get(member, "id")) == sid)
            json_array_append_new(json_object_get(member, "competences"),
                                  json_pack("{s:I, s:s, s:s, s:o}", "id",
                                            (json_int_t)hm_cursor_int(&cur, 4), "kind",
                                            hm__text(&cur, 1),
                                            "trained_on", hm__text(&cur, 2), "expires_on",
                                            hm__jstr(&cur, 3)));
    }
    hm_cursor_close(&cur);
    return rc;
}

int hm_care_staff(const hm_call *c, json_t **out, hm_err *err)
{
    hm_db *db;
    int rc = hm__care_read_begin(c, HM_ACT_STAFF_READ, &db, err);
    if (rc)
        return rc;
    json_t *arr = json_array();
    rc = hm__care_rows(db,
                       HM__STAFF_SELECT " ORDER BY s.id", HM_NOARGS, hm__care_staff_row, arr,
                       err);
    if (!rc)
        rc = attach_competences(db, arr, err);
    hm_store_read_end(c->care->store, db);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return HM_OK;
}
