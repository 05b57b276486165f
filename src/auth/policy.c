/* policy.c: the role x action table and the care-relation queries. */
#include "auth/policy.h"

#include <string.h>

/* Role bits. */
enum {
    R_PHYS = 1 << 0,
    R_HNURSE = 1 << 1,
    R_MNURSE = 1 << 2,
    R_SUPER = 1 << 3,
    R_OPER = 1 << 4,
    R_LOGI = 1 << 5,
    R_ANALYST = 1 << 6,
    R_ADMIN = 1 << 7,
    R_PATIENT = 1 << 8,
};
#define R_CLINICAL (R_PHYS | R_HNURSE | R_MNURSE | R_SUPER)

static const struct {
    const char *name;
    int bit;
} roles[] = {
    {"physician", R_PHYS},     {"hospital_nurse", R_HNURSE}, {"municipal_nurse", R_MNURSE},
    {"super_user", R_SUPER},   {"operator", R_OPER},         {"logistics", R_LOGI},
    {"analyst", R_ANALYST},    {"admin", R_ADMIN},           {"patient", R_PATIENT},
};

static const struct {
    const char *name;
    int roles;
} action_table[HM_ACT__COUNT] = {
    [HM_ACT_PATIENT_READ] = {"read patient data", R_CLINICAL | R_OPER | R_PATIENT},
    [HM_ACT_REFERRAL_CREATE] = {"refer a patient", R_PHYS | R_HNURSE},
    [HM_ACT_ELIGIBILITY_ANSWER] = {"answer the eligibility checklist", R_PHYS | R_HNURSE},
    [HM_ACT_EPISODE_APPROVE] = {"approve an episode", R_PHYS},
    [HM_ACT_REGIMEN_SET] = {"set the regimen", R_PHYS},
    [HM_ACT_DEVICE_ASSIGN] = {"assign or release a device", R_PHYS | R_HNURSE},
    [HM_ACT_TRAINING_RECORD] = {"record training", R_PHYS | R_HNURSE | R_SUPER},
    [HM_ACT_EPISODE_ACTIVATE] = {"activate an episode", R_PHYS | R_HNURSE},
    [HM_ACT_EPISODE_READMIT] = {"readmit or return a patient", R_PHYS | R_HNURSE},
    [HM_ACT_EPISODE_END] = {"complete or discontinue an episode", R_PHYS},
    [HM_ACT_TASK_DOCUMENT] = {"document a task", R_CLINICAL},
    [HM_ACT_TASK_LIST] = {"list tasks", R_CLINICAL | R_OPER},
    [HM_ACT_OBSERVATION_CREATE] = {"record an observation", R_CLINICAL | R_PATIENT},
    [HM_ACT_SHORTAGE_DECLARE] = {"declare a staff shortage", R_MNURSE | R_SUPER},
    [HM_ACT_EMERGENCY_ACCESS] = {"use emergency access", R_CLINICAL | R_OPER},
    [HM_ACT_EMERGENCY_REVIEW] = {"review emergency access", R_ADMIN},
    [HM_ACT_ACCESS_LOG_READ] = {"read a patient's access log", R_CLINICAL | R_PATIENT | R_ADMIN},
    [HM_ACT_ORG_READ] = {"read organisations", R_CLINICAL | R_OPER | R_LOGI | R_ANALYST | R_ADMIN},
    [HM_ACT_DEVICE_READ] = {"read devices", R_PHYS | R_HNURSE | R_LOGI | R_ADMIN},
    [HM_ACT_STAFF_READ] = {"read staff", R_PHYS | R_HNURSE | R_SUPER | R_ADMIN},
    [HM_ACT_NEWS2_SCALE_SET] = {"prescribe the NEWS2 SpO2 scale", R_PHYS},
    /* A super-user administers the staff of their own municipality (care/staff_admin.c). */
    [HM_ACT_STAFF_ADMIN] = {"administer staff", R_SUPER | R_ADMIN},
    [HM_ACT_ROSTER_READ] = {"read a roster", R_CLINICAL | R_ADMIN},
    [HM_ACT_ROSTER_SET] = {"set a roster", R_SUPER | R_ADMIN},
    [HM_ACT_PATIENT_UPDATE] = {"update a patient's contact details", R_CLINICAL},
    /* Home care plans its own routes (the municipality's nurses and super-users). */
    [HM_ACT_PLAN_DAY] = {"plan a zone's day", R_MNURSE | R_SUPER},
};

static int role_bit(const char *role)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].name, role) == 0)
            return roles[i].bit;
    return 0;
}

const char *hm_action_name(enum hm_action a)
{
    return a < HM_ACT__COUNT ? action_table[a].name : "?";
}

int hm_policy_role_allows(const hm_actor *a, enum hm_action act, hm_err *err)
{
    if (act >= HM_ACT__COUNT || !(action_table[act].roles & role_bit(a->role)))
        return hm_err_set(err, HM_EFORBIDDEN, "a %s may not %s", a->role,
                          act < HM_ACT__COUNT ? action_table[act].name : "do that");
    return HM_OK;
}

/* The care relation as one query. The staff member's organisation must lie inside the
 * responsible hospital section, the backup ward, or the municipality of the home-care
 * organisation, of an episode that is open or ended within HM_POLICY_RECENT_DAYS; or be a
 * response centre that serves that municipality. */
static const char care_relation_sql[] =
    "SELECT count(*) FROM (" HM_POLICY_CARE_EPISODES ") r WHERE r.patient_id = ?";

int hm_policy_patient_access(hm_db *db, const hm_actor *a, int64_t patient_id, int64_t now_ms,
                             int *via_emergency, hm_err *err)
{
    *via_emergency = 0;
    int rc = hm_policy_role_allows(a, HM_ACT_PATIENT_READ, err);
    if (rc)
        return rc;
    if (strcmp(a->role, "patient") == 0) {
        if (a->patient_id == patient_id)
            return HM_OK;
        return hm_err_set(err, HM_EFORBIDDEN, "a patient may see only their own record");
    }
    int64_t n = 0;
    int64_t recent = now_ms - (int64_t)HM_POLICY_RECENT_DAYS * 86400000;
    rc = hm_db_query_int(db, care_relation_sql,
                         HM_ARGS(HM_I(recent), HM_I(a->org_id), HM_I(a->org_id), HM_I(patient_id)),
                         &n, err);
    if (rc)
        return rc;
    if (n > 0)
        return HM_OK;
    rc = hm_db_query_int(db,
                         "SELECT count(*) FROM emergency_access WHERE staff_id = ? AND"
                         " patient_id = ? AND expires_ms > ?",
                         HM_ARGS(HM_I(a->staff_id), HM_I(patient_id), HM_I(now_ms)), &n, err);
    if (rc)
        return rc;
    if (n > 0) {
        *via_emergency = 1;
        return HM_OK;
    }
    return hm_err_set(err, HM_EFORBIDDEN, "no care relation to this patient");
}

int hm_policy_org_access(hm_db *db, const hm_actor *a, int64_t org_id, hm_err *err)
{
    if (!a->org_id)
        return hm_err_set(err, HM_EFORBIDDEN, "only staff may work with an organisation's tasks");
    int64_t n = 0;
    int rc = hm_db_query_int(db,
                             "SELECT count(*) FROM org mine, org theirs WHERE mine.id = ? AND"
                             " theirs.id = ? AND (mine.root_id = theirs.root_id OR EXISTS"
                             " (SELECT 1 FROM org_ancestor x WHERE x.org_id = theirs.id AND"
                             " x.ancestor_id = mine.id))",
                             HM_ARGS(HM_I(a->org_id), HM_I(org_id)), &n, err);
    if (rc)
        return rc;
    if (n == 0)
        return hm_err_set(err, HM_EFORBIDDEN, "no access to the tasks of organisation %lld",
                          (long long)org_id);
    return HM_OK;
}
