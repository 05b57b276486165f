/* The access policy as a table: role x organisation x relation to the patient -> allowed or
 * not. Runs on a real store with a small organisation tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/policy.h"
#include "care/care.h"
#include "store/writer.h"
#include "test_db.h"

#define DAY (86400LL * 1000)
static const int64_t NOW = 1795000000000LL; /* 2026-11-18 */

static hm_store *st;
static hm_writer *wr;
static char path[256];
static int on_pg; /* the group running now: SQLite (0) or PostgreSQL (1) */

struct org_def {
    const char *code, *parent, *kind;
};
static const struct org_def org_defs[] = {
    {"h", NULL, "hospital_trust"}, {"h-inf", "h", "section"},   {"h-ward", "h-inf", "ward"},
    {"h-anest", "h", "department"}, {"h-card", "h", "section"}, {"a", NULL, "municipality"},
    {"a-z1", "a", "zone"},          {"a-z2", "a", "zone"},      {"b", NULL, "municipality"},
    {"b-z1", "b", "zone"},          {"rc", NULL, "response_centre"},
    {"rc2", NULL, "response_centre"}, {"d", NULL, "depot"},
};

static int64_t org(hm_db *db, const char *code)
{
    int64_t id = 0;
    hm_db_query_int(db, "SELECT id FROM org WHERE code = ?", HM_ARGS(HM_S(code)), &id, NULL);
    return id;
}

static int build(hm_db *db, void *arg, hm_err *err)
{
    (void)arg;
    int rc = HM_OK;
    for (size_t i = 0; i < sizeof org_defs / sizeof org_defs[0] && !rc; i++) {
        int64_t id;
        rc = hm_care_org_insert(db, org_defs[i].code,
                                org_defs[i].parent ? org(db, org_defs[i].parent) : 0,
                                org_defs[i].kind, org_defs[i].code, 69, 19, &id, err);
    }
    if (!rc)
        rc = hm_db_exec(db, "INSERT INTO org_serves VALUES (?, ?), (?, ?)",
                        HM_ARGS(HM_I(org(db, "rc")), HM_I(org(db, "a")), HM_I(org(db, "rc2")),
                                HM_I(org(db, "b"))),
                        err);
    if (!rc)
        rc = hm_db_exec(db,
                        "INSERT INTO staff (id, org_id, name, role) VALUES (1, ?, 'S', 'physician')",
                        HM_ARGS(HM_I(org(db, "h-inf"))), err);
    if (!rc)
        rc = hm_db_exec(db,
                        "INSERT INTO patient (id, national_id, name, address, lat, lon,"
                        " municipality_id, language, created_ms) VALUES (1, '1', 'P', 'x', 69, 19,"
                        " ?, 'nb', 0), (2, '2', 'Q', 'y', 69, 19, ?, 'nb', 0)",
                        HM_ARGS(HM_I(org(db, "a")), HM_I(org(db, "b"))), err);
    if (!rc)
        rc = hm_db_exec(db,
                        "INSERT INTO episode (id, patient_id, pathway, state, hospital_org_id,"
                        " home_care_org_id, backup_org_id, referred_by, referred_ms) VALUES"
                        " (1, 1, 'iv', 'active', ?, ?, ?, 1, 0)",
                        HM_ARGS(HM_I(org(db, "h-inf")), HM_I(org(db, "a-z1")),
                                HM_I(org(db, "h-ward"))),
                        err);
    return rc;
}

static int set_episode(hm_db *db, void *arg, hm_err *err)
{
    const int64_t *v = arg; /* state index, ended_ms */
    static const char *const states[] = {"active", "completed", "referred"};
    return hm_db_exec(db, "UPDATE episode SET state = ?, ended_ms = ? WHERE id = 1",
                      HM_ARGS(HM_S(states[v[0]]), v[1] ? HM_I(v[1]) : HM_NULLV), err);
}

static int grant_emergency(hm_db *db, void *arg, hm_err *err)
{
    (void)arg;
    int rc = hm_db_exec(db,
                        "INSERT INTO staff (id, org_id, name, role) VALUES (99, ?, 'E',"
                        " 'municipal_nurse')",
                        HM_ARGS(HM_I(org(db, "b-z1"))), err);
    if (rc)
        return rc;
    return hm_db_exec(db,
                      "INSERT INTO emergency_access (staff_id, patient_id, reason, granted_ms,"
                      " expires_ms) VALUES (99, 1, 'unconscious patient', ?, ?)",
                      HM_ARGS(HM_I(NOW - 1000), HM_I(NOW + 3600000)), err);
}

static int setup(void **state)
{
    (void)state;
    hm_err err = {0};
    if (test_db_fresh(on_pg, "policy", path, sizeof path) || hm_store_open(path, &st, &err) || hm_writer_start(st, &wr, &err) ||
        hm_writer_submit(wr, build, NULL, &err)) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hm_writer_stop(wr);
    hm_store_close(st);
    test_db_remove(path);
    return 0;
}

static int access_for(const char *role, const char *org_code, int64_t patient, int64_t staff_id,
                      int *emergency)
{
    hm_db *db;
    hm_err err;
    assert_int_equal(hm_store_read_begin(st, &db, &err), HM_OK);
    hm_actor a;
    memset(&a, 0, sizeof a);
    snprintf(a.role, sizeof a.role, "%s", role);
    a.org_id = org_code ? org(db, org_code) : 0;
    a.staff_id = staff_id;
    if (strcmp(role, "patient") == 0)
        a.patient_id = 1;
    int em = 0;
    int rc = hm_policy_patient_access(db, &a, patient, NOW, &em, &err);
    hm_store_read_end(st, db);
    if (emergency)
        *emergency = em;
    return rc;
}

struct row {
    const char *role, *org;
    int episode;      /* 0 active, 1 completed, 2 referred */
    int ended_days;   /* for completed */
    int64_t patient;
    int allowed;
};

static const struct row table[] = {
    /* The responsible section and its backup ward. */
    {"physician", "h-inf", 0, 0, 1, 1},
    {"hospital_nurse", "h-ward", 0, 0, 1, 1},
    {"physician", "h-inf", 2, 0, 1, 1},
    /* Other hospital units have no care relation. */
    {"physician", "h-anest", 0, 0, 1, 0},
    {"physician", "h-card", 0, 0, 1, 0},
    /* The patient's municipality, all of its zones. */
    {"municipal_nurse", "a-z1", 0, 0, 1, 1},
    {"municipal_nurse", "a-z2", 0, 0, 1, 1},
    {"super_user", "a", 0, 0, 1, 1},
    /* Another municipality never. */
    {"municipal_nurse", "b-z1", 0, 0, 1, 0},
    {"super_user", "b", 0, 0, 1, 0},
    /* The response centre serving the municipality, not another. */
    {"operator", "rc", 0, 0, 1, 1},
    {"operator", "rc2", 0, 0, 1, 0},
    /* Roles that never see patient data. */
    {"logistics", "d", 0, 0, 1, 0},
    {"analyst", "h", 0, 0, 1, 0},
    {"admin", "h", 0, 0, 1, 0},
    /* Recent episodes keep the relation; old ones lose it. */
    {"municipal_nurse", "a-z1", 1, 10, 1, 1},
    {"municipal_nurse", "a-z1", 1, 40, 1, 0},
    {"physician", "h-inf", 1, 40, 1, 0},
    /* A patient sees only their own record. */
    {"patient", NULL, 0, 0, 1, 1},
    {"patient", NULL, 0, 0, 2, 0},
    /* A patient without any episode is seen by nobody. */
    {"municipal_nurse", "b-z1", 0, 0, 2, 0},
    /* Unknown patients look the same as forbidden ones. */
    {"physician", "h-inf", 0, 0, 999, 0},
};

static void access_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct row *r = &table[i];
        int64_t ep[2] = {r->episode, r->episode == 1 ? NOW - r->ended_days * DAY : 0};
        hm_err err;
        assert_int_equal(hm_writer_submit(wr, set_episode, ep, &err), HM_OK);
        int rc = access_for(r->role, r->org, r->patient, 1, NULL);
        if ((rc == HM_OK) != r->allowed)
            fail_msg("row %zu: %s at %s, patient %lld: expected %s, got %d", i, r->role,
                     r->org ? r->org : "-", (long long)r->patient,
                     r->allowed ? "allowed" : "forbidden", rc);
        if (!r->allowed)
            assert_int_equal(rc, HM_EFORBIDDEN);
    }
}

static void emergency_access_is_flagged(void **state)
{
    (void)state;
    int64_t ep[2] = {0, 0};
    hm_err err;
    assert_int_equal(hm_writer_submit(wr, set_episode, ep, &err), HM_OK);
    int em = 0;
    assert_int_equal(access_for("municipal_nurse", "b-z1", 1, 99, &em), HM_EFORBIDDEN);
    assert_int_equal(hm_writer_submit(wr, grant_emergency, NULL, &err), HM_OK);
    assert_int_equal(access_for("municipal_nurse", "b-z1", 1, 99, &em), HM_OK);
    assert_int_equal(em, 1);
    /* Another staff member of the same zone does not inherit it. */
    assert_int_equal(access_for("municipal_nurse", "b-z1", 1, 98, &em), HM_EFORBIDDEN);
}

struct role_row {
    const char *role;
    enum hm_action act;
    int allowed;
};

static void role_table(void **state)
{
    (void)state;
    static const struct role_row rows[] = {
        {"physician", HM_ACT_EPISODE_APPROVE, 1},
        {"hospital_nurse", HM_ACT_EPISODE_APPROVE, 0},
        {"municipal_nurse", HM_ACT_EPISODE_APPROVE, 0},
        {"physician", HM_ACT_REGIMEN_SET, 1},
        {"hospital_nurse", HM_ACT_REGIMEN_SET, 0},
        {"hospital_nurse", HM_ACT_REFERRAL_CREATE, 1},
        {"municipal_nurse", HM_ACT_REFERRAL_CREATE, 0},
        {"municipal_nurse", HM_ACT_TASK_DOCUMENT, 1},
        {"operator", HM_ACT_TASK_DOCUMENT, 0},
        {"patient", HM_ACT_OBSERVATION_CREATE, 1},
        {"patient", HM_ACT_TASK_DOCUMENT, 0},
        {"analyst", HM_ACT_PATIENT_READ, 0},
        {"admin", HM_ACT_EMERGENCY_REVIEW, 1},
        {"physician", HM_ACT_EMERGENCY_REVIEW, 0},
        {"nobody", HM_ACT_PATIENT_READ, 0},
        {"municipal_nurse", HM_ACT_PATIENT_UPDATE, 1},
        {"operator", HM_ACT_PATIENT_UPDATE, 0},
        {"patient", HM_ACT_PATIENT_UPDATE, 0},
        {"admin", HM_ACT_STAFF_ADMIN, 1},
        {"super_user", HM_ACT_STAFF_ADMIN, 1},
        {"municipal_nurse", HM_ACT_STAFF_ADMIN, 0},
        {"physician", HM_ACT_STAFF_ADMIN, 0},
        {"municipal_nurse", HM_ACT_ROSTER_READ, 1},
        {"operator", HM_ACT_ROSTER_READ, 0},
        {"super_user", HM_ACT_ROSTER_SET, 1},
        {"admin", HM_ACT_ROSTER_SET, 1},
        {"municipal_nurse", HM_ACT_ROSTER_SET, 0},
        {"municipal_nurse", HM_ACT_PLAN_DAY, 1},
        {"super_user", HM_ACT_PLAN_DAY, 1},
        {"physician", HM_ACT_PLAN_DAY, 0},
        {"operator", HM_ACT_PLAN_DAY, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        hm_actor a;
        memset(&a, 0, sizeof a);
        snprintf(a.role, sizeof a.role, "%s", rows[i].role);
        hm_err err;
        int rc = hm_policy_role_allows(&a, rows[i].act, &err);
        if ((rc == HM_OK) != rows[i].allowed)
            fail_msg("%s / %s: expected %d", rows[i].role, hm_action_name(rows[i].act),
                     rows[i].allowed);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(access_table),
        cmocka_unit_test(emergency_access_is_flagged),
        cmocka_unit_test(role_table),
    };
    return TEST_DB_RUN_BOTH("auth/policy", tests, setup, teardown, &on_pg);
}
