/* staff_admin.c: changes to existing staff members: name, phone, role and organisation;
 * deactivation (the login is disabled and its sessions revoked at once, planned visits still
 * ahead lose their nurse and their shifts from today on leave the rosters, and everything the
 * person did stays on record) and reactivation; a
 * temporary password set by an admin; ending or removing a competence. Admins administer
 * everyone; a super-user only municipal nurses and super-users of their own municipality, and
 * nobody changes their own role or deactivates themselves. Each change is one write job with
 * its audit row, so a refused change leaves nothing behind. */
#include "care/care_int.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"

/* The staff member a change is about, read inside the write job. */
struct target {
    int64_t id, org_id, account_id;
    char role[24];
    int active;
};

static int is_municipal_role(const char *role)
{
    return strcmp(role, "municipal_nurse") == 0 || strcmp(role, "super_user") == 0;
}

int hm__staff_may_manage(const hm_actor *a, const char *target_role, const char *new_role,
                         hm_err *err)
{
    int rc = hm_policy_role_allows(a, HM_ACT_STAFF_ADMIN, err);
    if (rc)
        return rc;
    if (strcmp(a->role, "admin") == 0)
        return HM_OK;
    if (!is_municipal_role(target_role))
        return hm_err_set(err, HM_EFORBIDDEN,
                          "a super-user administers only municipal nurses and super-users");
    if (new_role && !is_municipal_role(new_role))
        return hm_err_set(err, HM_EFORBIDDEN,
                          "a super-user may give only the roles municipal_nurse and super_user");
    return HM_OK;
}

int hm__staff_role_known(const char *role)
{
    static const char *const roles[] = {"physician", "hospital_nurse", "municipal_nurse",
                                        "super_user", "operator", "logistics", "analyst",
                                        "admin", NULL};
    for (const char *const *r = roles; *r; r++)
        if (strcmp(*r, role) == 0)
            return 1;
    return 0;
}

static int load_target(hm_db *db, int64_t staff_id, struct target *t, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db,
                         "SELECT s.org_id, s.role, s.active, coalesce(a.id, 0) FROM staff s"
                         " LEFT JOIN account a ON a.staff_id = s.id WHERE s.id = ?",
                         HM_ARGS(HM_I(staff_id)), &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_ROW) {
        t->id = staff_id;
        t->org_id = hm_cursor_int(&cur, 0);
        snprintf(t->role, sizeof t->role, "%s", hm__text(&cur, 1));
        t->active = (int)hm_cursor_int(&cur, 2);
        t->account_id = hm_cursor_int(&cur, 3);
        rc = HM_OK;
    } else if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_ENOTFOUND, "staff member %lld does not exist", (long long)staff_id);
    }
    hm_cursor_close(&cur);
    return rc;
}

/* A super-user reaches only organisations of their own municipality. */
static int org_reachable(hm_db *db, const hm_actor *a, int64_t org_id, hm_err *err)
{
    if (strcmp(a->role, "admin") == 0)
        return HM_OK;
    int rc = hm_policy_org_access(db, a, org_id, err);
    if (rc == HM_EFORBIDDEN)
        return hm_err_set(err, HM_EFORBIDDEN,
                          "a super-user administers only the staff of their own municipality");
    return rc;
}

/* Loads the staff member and checks that the caller may change them (to new_role, if given). */
static int check_target(hm_db *db, const hm_call *c, int64_t staff_id, const char *new_role,
                        struct target *t, hm_err *err)
{
    int rc = load_target(db, staff_id, t, err);
    if (!rc)
        rc = hm__staff_may_manage(c->actor, t->role, new_role, err);
    if (!rc)
        rc = org_reachable(db, c->actor, t->org_id, err);
    return rc;
}

static int audit_staff(hm_db *db, const hm_call *c, const char *action, int64_t staff_id,
                       const char *what, hm_err *err)
{
    char object[96];
    snprintf(object, sizeof object, "staff/%lld%s%s", (long long)staff_id, what ? "/" : "",
             what ? what : "");
    return hm__care_audit(db, c, action, object, NULL, 0, 0, NULL, err);
}

static json_t *competence_row(hm_cursor *cur)
{
    return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)hm_cursor_int(cur, 0), "kind",
                     hm__text(cur, 1), "trained_on", hm__text(cur, 2), "expires_on",
                     hm__jstr(cur, 3));
}

/* The staff member as GET /api/v1/staff lists them, read inside the write job that changed
 * them, so the answer is what was committed. */
static int staff_json(hm_db *db, int64_t staff_id, json_t **out, hm_err *err)
{
    json_t *arr = json_array();
    int rc = hm__care_rows(db,
                           HM__STAFF_SELECT " WHERE s.id = ?", HM_ARGS(HM_I(staff_id)),
                           hm__care_staff_row, arr, err);
    json_t *member = json_array_get(arr, 0);
    if (!rc && !member)
        rc = hm_err_set(err, HM_ENOTFOUND, "staff member %lld does not exist", (long long)staff_id);
    if (!rc)
        rc = hm__care_rows(db,
                           "SELECT id, kind, trained_on, expires_on FROM competence"
                           " WHERE staff_id = ? ORDER BY kind",
                           HM_ARGS(HM_I(staff_id)), competence_row,
                           json_object_get(member, "competences"), err);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = json_incref(member);
    json_decref(arr);
    return HM_OK;
}

/* The caller's local date (Oslo), for "from today on". */
static void today_of(const hm_call *c, char out[11])
{
    hm_date d;
    int minutes;
    hm_utc_to_local(c->now_ms, &d, &minutes);
    hm_date_format(d, out);
}

/* Shifts from today on that the staff member can no longer work: every one (deactivated), or
 * those in zones their organisation is not inside (moved). *n: how many were removed. */
static int drop_future_shifts(hm_db *db, const hm_call *c, int64_t staff_id, int64_t new_org,
                              int64_t *n, hm_err *err)
{
    char today[11];
    today_of(c, today);
    int rc = new_org ? hm_db_exec(db,
                                  "DELETE FROM shift WHERE staff_id = ? AND local_date >= ? AND"
                                  " org_id NOT IN (SELECT ancestor_id FROM org_ancestor WHERE"
                                  " org_id = ?)",
                                  HM_ARGS(HM_I(staff_id), HM_S(today), HM_I(new_org)), err)
                     : hm_db_exec(db, "DELETE FROM shift WHERE staff_id = ? AND local_date >= ?",
                                  HM_ARGS(HM_I(staff_id), HM_S(today)), err);
    if (!rc)
        *n = hm_db_changes(db);
    return rc;
}

/* ---- name, phone, role, organisation ---- */

struct update {
    const hm_call *c;
    int64_t staff_id, org_id, shifts;
    const char *name, *role, *phone;
    int clear_phone;
    json_t *out;
};

static int update_job(hm_db *db, void *arg, hm_err *err)
{
    struct update *u = arg;
    struct target t;
    int rc = check_target(db, u->c, u->staff_id, u->role, &t, err);
    if (rc)
        return rc;
    if (u->role && u->staff_id == u->c->actor->staff_id && strcmp(u->role, t.role) != 0)
        return hm_err_set(err, HM_EFORBIDDEN, "nobody may change their own role");
    if (u->org_id) {
        int64_t found = 0;
        rc = hm_db_query_int(db, "SELECT count(*) FROM org WHERE id = ?", HM_ARGS(HM_I(u->org_id)),
                             &found, err);
        if (rc)
            return rc;
        if (!found)
            return hm_err_set(err, HM_ENOTFOUND, "unknown organisation %lld", (long long)u->org_id);
        rc = org_reachable(db, u->c->actor, u->org_id, err);
        if (rc)
            return rc;
    }
    rc = hm_db_exec(db,
                    "UPDATE staff SET name = coalesce(?, name), role = coalesce(?, role),"
                    " org_id = coalesce(?, org_id),"
                    " phone = CASE WHEN ? <> 0 THEN NULL ELSE coalesce(?, phone) END WHERE id = ?",
                    HM_ARGS(u->name ? HM_S(u->name) : HM_NULLV, u->role ? HM_S(u->role) : HM_NULLV,
                            u->org_id ? HM_I(u->org_id) : HM_NULLV, HM_I(u->clear_phone),
                            u->phone ? HM_S(u->phone) : HM_NULLV, HM_I(u->staff_id)),
                    err);
    /* A nurse who moves leaves the rosters of the zones she no longer belongs to. */
    if (!rc && u->org_id && u->org_id != t.org_id)
        rc = drop_future_shifts(db, u->c, u->staff_id, u->org_id, &u->shifts, err);
    /* The account carries the role the access policy reads on every request. */
    if (!rc && u->role)
        rc = hm_db_exec(db, "UPDATE account SET role = ? WHERE staff_id = ?",
                        HM_ARGS(HM_S(u->role), HM_I(u->staff_id)), err);
    if (!rc)
        rc = audit_staff(db, u->c, "update", u->staff_id, NULL, err);
    if (!rc)
        rc = staff_json(db, u->staff_id, &u->out, err);
    return rc;
}

static int parse_update(const json_t *in, struct update *u, hm_err *err)
{
    static const char *const allowed[] = {"name", "phone", "role", "org_id", NULL};
    int rc = hm_json_only(in, allowed, err);
    if (!rc)
        rc = hm_json_str(in, "name", 0, 200, &u->name, err);
    if (!rc)
        rc = hm_json_str(in, "role", 0, 24, &u->role, err);
    if (!rc)
        rc = hm_json_int(in, "org_id", 0, 1, INT64_MAX, &u->org_id, err);
    u->clear_phone = json_is_null(json_object_get(in, "phone"));
    if (!rc && !u->clear_phone)
        rc = hm_json_str(in, "phone", 0, 32, &u->phone, err);
    if (rc)
        return rc;
    if (u->name && !u->name[0])
        return hm_err_set(err, HM_EINVAL, "field 'name' must not be empty");
    if (u->role && !hm__staff_role_known(u->role))
        return hm_err_set(err, HM_EINVAL,
                          "field 'role' must be one of physician, hospital_nurse, municipal_nurse,"
                          " super_user, operator, logistics, analyst, admin");
    if (!u->name && !u->role && !u->org_id && !u->phone && !u->clear_phone)
        return hm_err_set(err, HM_EINVAL, "nothing to change: give name, phone, role or org_id");
    return HM_OK;
}

int hm_care_staff_update(const hm_call *c, int64_t staff_id, const json_t *in, json_t **out,
                         hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_STAFF_ADMIN, err);
    if (rc)
        return rc;
    struct update u = {.c = c, .staff_id = staff_id};
    rc = parse_update(in, &u, err);
    if (!rc)
        rc = hm__care_write(c, update_job, &u, err);
    if (rc) {
        json_decref(u.out);
        return rc;
    }
    if (u.org_id)
        json_object_set_new(u.out, "shifts_removed", json_integer(u.shifts));
    *out = u.out;
    return HM_OK;
}

/* ---- deactivation and reactivation ---- */

struct activation {
    const hm_call *c;
    int64_t staff_id;
    int active;
    int64_t sessions, tasks, shifts;
    json_t *out;
};

static int deactivate(hm_db *db, struct activation *j, const struct target *t, hm_err *err)
{
    int rc = hm_db_exec(db, "UPDATE staff SET active = 0 WHERE id = ?", HM_ARGS(HM_I(t->id)), err);
    if (!rc && t->account_id) {
        rc = hm_db_exec(db, "UPDATE account SET disabled = 1 WHERE id = ?",
                        HM_ARGS(HM_I(t->account_id)), err);
        if (!rc)
            rc = hm_session_revoke_account(db, t->account_id, j->c->now_ms, err);
        j->sessions = hm_db_changes(db);
    }
    /* Visits still ahead go back to the planner; what was done keeps its nurse. */
    if (!rc)
        rc = hm_db_exec(
            db,
            "UPDATE task SET assigned_staff_id = NULL, route_order = NULL, planned_ms = NULL,"
            " unplanned = NULL"
            " WHERE assigned_staff_id = ? AND state = 'planned' AND window_start_ms > ?",
            HM_ARGS(HM_I(t->id), HM_I(j->c->now_ms)), err);
    if (!rc)
        j->tasks = hm_db_changes(db);
    if (!rc) /* and the two-nurse visits she was to make as the partner */
        rc = hm_db_exec(db,
                        "UPDATE task SET partner_staff_id = NULL, partner_route_order = NULL"
                        " WHERE partner_staff_id = ? AND state = 'planned' AND window_start_ms > ?",
                        HM_ARGS(HM_I(t->id), HM_I(j->c->now_ms)), err);
    if (!rc)
        j->tasks += hm_db_changes(db);
    if (!rc)
        rc = drop_future_shifts(db, j->c, t->id, 0, &j->shifts, err);
    return rc;
}

static int activation_job(hm_db *db, void *arg, hm_err *err)
{
    struct activation *j = arg;
    struct target t;
    int rc = check_target(db, j->c, j->staff_id, NULL, &t, err);
    if (rc)
        return rc;
    if (!j->active && j->staff_id == j->c->actor->staff_id)
        return hm_err_set(err, HM_EFORBIDDEN, "nobody may deactivate themselves");
    if (t.active == j->active)
        return hm_err_set(err, HM_ECONFLICT, "staff member %lld is already %s",
                          (long long)j->staff_id, j->active ? "active" : "deactivated");
    if (j->active) {
        rc = hm_db_exec(db, "UPDATE staff SET active = 1 WHERE id = ?", HM_ARGS(HM_I(t.id)), err);
        if (!rc)
            rc = hm_db_exec(db, "UPDATE account SET disabled = 0 WHERE staff_id = ?",
                            HM_ARGS(HM_I(t.id)), err);
    } else {
        rc = deactivate(db, j, &t, err);
    }
    if (!rc)
        rc = audit_staff(db, j->c, j->active ? "reactivate" : "deactivate", j->staff_id, NULL, err);
    if (!rc)
        rc = staff_json(db, j->staff_id, &j->out, err);
    return rc;
}

int hm_care_staff_set_active(const hm_call *c, int64_t staff_id, int active, json_t **out,
                             hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_STAFF_ADMIN, err);
    if (rc)
        return rc;
    struct activation j = {.c = c, .staff_id = staff_id, .active = active};
    rc = hm__care_write(c, activation_job, &j, err);
    if (rc) {
        json_decref(j.out);
        return rc;
    }
    if (!active) {
        json_object_set_new(j.out, "sessions_revoked", json_integer(j.sessions));
        json_object_set_new(j.out, "tasks_unassigned", json_integer(j.tasks));
        json_object_set_new(j.out, "shifts_removed", json_integer(j.shifts));
    }
    *out = j.out;
    return HM_OK;
}

/* ---- temporary password ---- */

struct reset {
    const hm_call *c;
    int64_t staff_id, sessions;
    char hash[128], username[64];
};

static int reset_job(hm_db *db, void *arg, hm_err *err)
{
    struct reset *j = arg;
    struct target t;
    int rc = check_target(db, j->c, j->staff_id, NULL, &t, err);
    if (rc)
        return rc;
    if (!t.account_id)
        return hm_err_set(err, HM_ENOTFOUND, "staff member %lld has no login",
                          (long long)j->staff_id);
    rc = hm_db_exec(db, "UPDATE account SET pw_hash = ?, password_temporary = 1 WHERE id = ?",
                    HM_ARGS(HM_S(j->hash), HM_I(t.account_id)), err);
    /* Whoever held the old password is logged out. */
    if (!rc)
        rc = hm_session_revoke_account(db, t.account_id, j->c->now_ms, err);
    if (!rc)
        j->sessions = hm_db_changes(db);
    hm_cursor cur;
    if (!rc)
        rc = hm_db_query(db, "SELECT username FROM account WHERE id = ?",
                         HM_ARGS(HM_I(t.account_id)), &cur, err);
    if (!rc) {
        if (hm_cursor_next(&cur, NULL) == HM_ROW)
            snprintf(j->username, sizeof j->username, "%s", hm__text(&cur, 0));
        hm_cursor_close(&cur);
    }
    if (!rc)
        rc = audit_staff(db, j->c, "password-reset", j->staff_id, NULL, err);
    return rc;
}

int hm_care_staff_password_reset(const hm_call *c, int64_t staff_id, const json_t *in,
                                 json_t **out, hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_STAFF_ADMIN, err);
    if (rc)
        return rc;
    static const char *const allowed[] = {"password", NULL};
    const char *password = NULL;
    rc = hm_json_only(in, allowed, err);
    if (!rc)
        rc = hm_json_str(in, "password", 1, 256, &password, err);
    if (rc)
        return rc;
    if (strlen(password) < HM_PASSWORD_MIN)
        return hm_err_set(err, HM_EINVAL, "field 'password' must have at least %d characters",
                          HM_PASSWORD_MIN);
    struct reset j = {.c = c, .staff_id = staff_id};
    rc = hm_password_hash(password, j.hash, err);
    if (!rc)
        rc = hm__care_write(c, reset_job, &j, err);
    if (rc)
        return rc;
    *out = json_pack("{s:I, s:s, s:b, s:I}", "staff_id", (json_int_t)staff_id, "username",
                     j.username, "password_temporary", 1, "sessions_revoked",
                     (json_int_t)j.sessions);
    return HM_OK;
}

/* ---- ending and removing a competence ---- */

struct comp_change {
    const hm_call *c;
    int64_t staff_id, competence_id;
    const char *last_day; /* NULL: remove */
    char kind[32], trained_on[11];
};

static int comp_job(hm_db *db, void *arg, hm_err *err)
{
    struct comp_change *j = arg;
    /* Super-users record competences of their municipality's colleagues (staff.c), whatever
     * their role, so ending and removing follow the same rule rather than hm__staff_may_manage. */
    struct target t;
    int rc = load_target(db, j->staff_id, &t, err);
    if (!rc)
        rc = org_reachable(db, j->c->actor, t.org_id, err);
    if (rc)
        return rc;
    hm_cursor cur;
    rc = hm_db_query(db, "SELECT kind, trained_on FROM competence WHERE id = ? AND staff_id = ?",
                     HM_ARGS(HM_I(j->competence_id), HM_I(j->staff_id)), &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_ROW) {
        snprintf(j->kind, sizeof j->kind, "%s", hm__text(&cur, 0));
        snprintf(j->trained_on, sizeof j->trained_on, "%s", hm__text(&cur, 1));
        rc = HM_OK;
    } else if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_ENOTFOUND, "staff member %lld has no competence %lld",
                        (long long)j->staff_id, (long long)j->competence_id);
    }
    hm_cursor_close(&cur);
    if (rc)
        return rc;
    if (j->last_day && strcmp(j->last_day, j->trained_on) < 0)
        return hm_err_set(err, HM_EINVAL,
                          "field 'last_day' %s is before the training on %s: remove the"
                          " competence instead",
                          j->last_day, j->trained_on);
    if (j->last_day)
        rc = hm_db_exec(db, "UPDATE competence SET expires_on = ? WHERE id = ?",
                        HM_ARGS(HM_S(j->last_day), HM_I(j->competence_id)), err);
    else
        rc = hm_db_exec(db, "DELETE FROM competence WHERE id = ?",
                        HM_ARGS(HM_I(j->competence_id)), err);
    char what[48];
    snprintf(what, sizeof what, "competence/%s", j->kind);
    if (!rc)
        rc = audit_staff(db, j->c, j->last_day ? "end" : "delete", j->staff_id, what, err);
    return rc;
}

static int comp_allowed(const hm_call *c, hm_err *err)
{
    if (strcmp(c->actor->role, "admin") != 0 && strcmp(c->actor->role, "super_user") != 0)
        return hm_err_set(err, HM_EFORBIDDEN, "only an admin or a super-user changes competences");
    return HM_OK;
}

int hm_care_competence_end(const hm_call *c, int64_t staff_id, int64_t competence_id,
                           const json_t *in, json_t **out, hm_err *err)
{
    int rc = comp_allowed(c, err);
    if (rc)
        return rc;
    static const char *const allowed[] = {"last_day", NULL};
    const char *last_day = NULL;
    if (in) {
        rc = hm_json_only(in, allowed, err);
        if (!rc)
            rc = hm_json_str(in, "last_day", 0, 10, &last_day, err);
        if (rc)
            return rc;
    }
    hm_date d;
    char day[11];
    if (last_day) {
        rc = hm_date_parse(last_day, &d, err);
        if (rc)
            return hm_err_set(err, rc, "field 'last_day': %s", err ? err->msg : "");
    } else {
        /* By default it stops counting at once: its last day was yesterday. */
        int minutes;
        hm_utc_to_local(c->now_ms, &d, &minutes);
        d = hm_date_add_days(d, -1);
    }
    hm_date_format(d, day);
    struct comp_change j = {.c = c, .staff_id = staff_id, .competence_id = competence_id,
                            .last_day = day};
    rc = hm__care_write(c, comp_job, &j, err);
    if (rc)
        return rc;
    *out = json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)competence_id, "staff_id",
                     (json_int_t)staff_id, "kind", j.kind, "trained_on", j.trained_on,
                     "expires_on", day);
    return HM_OK;
}

int hm_care_competence_remove(const hm_call *c, int64_t staff_id, int64_t competence_id,
                              hm_err *err)
{
    int rc = comp_allowed(c, err);
    if (rc)
        return rc;
    struct comp_change j = {.c = c, .staff_id = staff_id, .competence_id = competence_id};
    return hm__care_write(c, comp_job, &j, err);
}
