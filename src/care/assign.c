/* assign.c: a coordinator's own choice of nurse for a visit (PUT /api/v1/tasks/{id}/assignment).
 * The planner proposes; the coordinator who knows that Kari should see this patient today, or
 * that a visit must go to the evening nurse, says so. A locked visit stays with its nurse through
 * every later plan of the day (the planner's required_nurse, see plan_day.c); an unlocked one is
 * only a starting point that the next plan may change. */
#include "care/care_int.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"

struct assign_job {
    const hm_call *c;
    int64_t task_id, staff_id; /* staff_id 0: no nurse */
    int locked;
    int64_t patient_id;
    char staff_name[128];
};

/* The competence the visit needs (a bag change: pump training), valid on the visit's date: a
 * coordinator cannot give it to a nurse the planner never would. */
static int check_competence(hm_db *db, const struct assign_job *j, const char *competence,
                            const char *date, hm_err *err)
{
    if (!competence[0])
        return HM_OK;
    int64_t n = 0;
    int rc = hm_db_query_int(db,
                             "SELECT count(*) FROM competence WHERE staff_id = ? AND kind = ? AND"
                             " trained_on <= ? AND (expires_on IS NULL OR expires_on >= ?)",
                             HM_ARGS(HM_I(j->staff_id), HM_S(competence), HM_S(date),
                                     HM_S(date)),
                             &n, err);
    if (!rc && n == 0)
        rc = hm_err_set(err, HM_EINVAL, "%s has no valid %s competence on %s", j->staff_name,
                        competence, date);
    return rc;
}

/* The nurse must be an active clinician of the task's municipality (or of the organisation
 * itself, for a hospital ward's tasks on shortage days). */
static int check_nurse(hm_db *db, struct assign_job *j, int64_t task_org, hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db,
                         "SELECT s.name, s.active, s.role, so.root_id = tor.root_id FROM staff s"
                         " JOIN org so ON so.id = s.org_id JOIN org tor ON tor.id = ?"
                         " WHERE s.id = ?",
                         HM_ARGS(HM_I(task_org), HM_I(j->staff_id)), &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_ROW) {
        snprintf(j->staff_name, sizeof j->staff_name, "%s", hm__text(&cur, 0));
        const char *role = hm__text(&cur, 2);
        if (!hm_cursor_int(&cur, 1))
            rc = hm_err_set(err, HM_ECONFLICT, "%s is deactivated", j->staff_name);
        else if (strcmp(role, "municipal_nurse") != 0 && strcmp(role, "super_user") != 0 &&
                 strcmp(role, "hospital_nurse") != 0)
            rc = hm_err_set(err, HM_EINVAL, "%s is not a nurse who makes visits", j->staff_name);
        else if (!hm_cursor_int(&cur, 3))
            rc = hm_err_set(err, HM_EINVAL, "%s does not work for this visit's municipality",
                            j->staff_name);
        else
            rc = HM_OK;
    } else if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_EINVAL, "staff member %lld does not exist",
                        (long long)j->staff_id);
    }
    hm_cursor_close(&cur);
    return rc;
}

static int assign_job(hm_db *db, void *arg, hm_err *err)
{
    struct assign_job *j = arg;
    hm_cursor cur;
    int rc = hm__care_task_row(db, j->task_id,
                               "SELECT state, org_id, patient_id, started_ms IS NOT NULL,"
                               " coalesce(competence, ''), local_date FROM task WHERE id = ?",
                               &cur, err);
    if (rc)
        return rc;
    char state[16];
    snprintf(state, sizeof state, "%s", hm__text(&cur, 0));
    int64_t org = hm_cursor_int(&cur, 1);
    j->patient_id = hm_cursor_int(&cur, 2);
    int started = (int)hm_cursor_int(&cur, 3);
    char competence[32], date[11];
    snprintf(competence, sizeof competence, "%s", hm__text(&cur, 4));
    snprintf(date, sizeof date, "%s", hm__text(&cur, 5));
    hm_cursor_close(&cur);
    if (hm_policy_org_access(db, j->c->actor, org, err))
        return hm_err_set(err, HM_EFORBIDDEN,
                          "task %lld belongs to another organisation's worklist",
                          (long long)j->task_id);
    if (strcmp(state, "planned") != 0)
        return hm_err_set(err, HM_ECONFLICT, "task %lld is %s, not planned",
                          (long long)j->task_id, state);
    if (started)
        return hm_err_set(err, HM_ECONFLICT, "task %lld is under way: it stays with its nurse",
                          (long long)j->task_id);
    if (j->staff_id && ((rc = check_nurse(db, j, org, err)) ||
                        (rc = check_competence(db, j, competence, date, err))))
        return rc;
    /* The route order and planned start were the last plan's: the next plan places it anew (and
     * a two-nurse visit's partner with it). */
    rc = hm_db_exec(db,
                    "UPDATE task SET assigned_staff_id = ?, nurse_locked = ?, route_order = NULL,"
                    " planned_ms = NULL, unplanned = NULL, partner_staff_id = NULL,"
                    " partner_route_order = NULL WHERE id = ?",
                    HM_ARGS(j->staff_id ? HM_I(j->staff_id) : HM_NULLV, HM_I(j->locked),
                            HM_I(j->task_id)),
                    err);
    if (rc)
        return rc;
    char object[48];
    snprintf(object, sizeof object, "task/%lld/assignment", (long long)j->task_id);
    return hm__care_audit(db, j->c, "update", object, &j->patient_id, 1, 0, NULL, err);
}

int hm_care_task_assign(const hm_call *c, int64_t task_id, const json_t *in, json_t **out,
                        hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_PLAN_DAY, err);
    if (rc)
        return rc;
    if (!in)
        return hm_err_set(err, HM_EINVAL, "a body {\"staff_id\": N or null, \"locked\": true}"
                                          " is required");
    rc = hm_json_only(in, (const char *const[]){"staff_id", "locked", NULL}, err);
    if (rc)
        return rc;
    struct assign_job j = {.c = c, .task_id = task_id};
    const json_t *staff = json_object_get(in, "staff_id");
    if (!staff)
        return hm_err_set(err, HM_EINVAL, "field 'staff_id' is required (null: no nurse)");
    if (!json_is_null(staff) && (!json_is_integer(staff) || json_integer_value(staff) <= 0))
        return hm_err_set(err, HM_EINVAL, "field 'staff_id' must be a staff id or null");
    j.staff_id = json_is_null(staff) ? 0 : (int64_t)json_integer_value(staff);
    const json_t *locked = json_object_get(in, "locked");
    if (locked && !json_is_boolean(locked))
        return hm_err_set(err, HM_EINVAL, "field 'locked' must be true or false");
    j.locked = locked && json_is_true(locked);
    if (j.locked && !j.staff_id)
        return hm_err_set(err, HM_EINVAL, "a visit without a nurse cannot be locked");
    rc = hm__care_write(c, assign_job, &j, err);
    if (rc)
        return rc;
    *out = json_pack("{s:I, s:o, s:o, s:b}", "id", (json_int_t)task_id, "assigned_staff_id",
                     j.staff_id ? json_integer(j.staff_id) : json_null(), "assigned_staff",
                     j.staff_id ? json_string(j.staff_name) : json_null(), "locked", j.locked);
    return *out ? HM_OK : hm_err_set(err, HM_ENOMEM, "out of memory");
}
