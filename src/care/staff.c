/* staff.c: the admin's changes to staff: a new staff member with a login (argon2id password),
 * and a competence recorded with its training and expiry dates (by an admin, or by a super-user
 * of the same municipality, who trains colleagues). Each is one write job with its audit row. */
#include "care/care_int.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"

static const char *const staff_roles[] = {"physician", "hospital_nurse", "municipal_nurse",
                                          "super_user", "operator", "logistics",
                                          "analyst", "admin", NULL};

struct new_staff {
    const hm_call *c;
    const char *name, *role, *phone, *username;
    int64_t org_id, staff_id;
    char hash[128];
};

static int new_staff_job(hm_db *db, void *arg, hm_err *err)
{
    struct new_staff *n = arg;
    int64_t found = 0;
    int rc = hm_db_query_int(db, "SELECT count(*) FROM org WHERE id = ?", HM_ARGS(HM_I(n->org_id)),
                             &found, err);
    if (rc)
        return rc;
    if (!found)
        return hm_err_set(err, HM_ENOTFOUND, "unknown organisation %lld", (long long)n->org_id);
    rc = hm_db_query_int(db, "SELECT count(*) FROM account WHERE username = ?",
                         HM_ARGS(HM_S(n->username)), &found, err);
    if (rc)
        return rc;
    if (found)
        return hm_err_set(err, HM_ECONFLICT, "username '%s' is taken", n->username);
    rc = hm_db_query_int(db,
                         "INSERT INTO staff (org_id, name, role, phone) VALUES (?, ?, ?, ?)"
                         " RETURNING id",
                         HM_ARGS(HM_I(n->org_id), HM_S(n->name), HM_S(n->role), HM_S(n->phone)),
                         &n->staff_id, err);
    if (rc)
        return rc;
    rc = hm_db_exec(db,
                    "INSERT INTO account (username, pw_hash, role, staff_id) VALUES (?, ?, ?, ?)",
                    HM_ARGS(HM_S(n->username), HM_S(n->hash), HM_S(n->role), HM_I(n->staff_id)),
                    err);
    if (rc)
        return rc;
    char object[48];
    snprintf(object, sizeof object, "staff/%lld", (long long)n->staff_id);
    return hm__care_audit(db, n->c, "create", object, NULL, 0, 0, NULL, err);
}

int hm_care_staff_create(const hm_call *c, const json_t *in, json_t **out, hm_err *err)
{
    if (strcmp(c->actor->role, "admin") != 0)
        return hm_err_set(err, HM_EFORBIDDEN, "only an admin may create staff accounts");
    static const char *const allowed[] = {"name", "role", "org_id", "phone", "username",
                                          "password", NULL};
    struct new_staff n = {.c = c};
    const char *password = NULL;
    int rc = hm_json_only(in, allowed, err);
    if (!rc)
        rc = hm_json_str(in, "name", 1, 200, &n.name, err);
    if (!rc)
        rc = hm_json_str(in, "role", 1, 24, &n.role, err);
    if (!rc)
        rc = hm_json_int(in, "org_id", 1, 1, INT64_MAX, &n.org_id, err);
    if (!rc)
        rc = hm_json_str(in, "phone", 0, 32, &n.phone, err);
    if (!rc)
        rc = hm_json_str(in, "username", 1, 64, &n.username, err);
    if (!rc)
        rc = hm_json_str(in, "password", 1, 256, &password, err);
    if (rc)
        return rc;
    int known = 0;
    for (const char *const *r = staff_roles; *r && !known; r++)
        known = strcmp(*r, n.role) == 0;
    if (!known)
        return hm_err_set(err, HM_EINVAL,
                          "field 'role' must be one of physician, hospital_nurse, municipal_nurse,"
                          " super_user, operator, logistics, analyst, admin");
    if (strlen(password) < HM_PASSWORD_MIN)
        return hm_err_set(err, HM_EINVAL, "field 'password' must have at least %d characters",
                          HM_PASSWORD_MIN);
    for (const char *p = n.username; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
              *p == '_'))
            return hm_err_set(err, HM_EINVAL,
                              "field 'username' may hold only a-z, 0-9, '.', '-' and '_'");
    rc = hm_password_hash(password, n.hash, err);
    if (!rc)
        rc = hm__care_write(c, new_staff_job, &n, err);
    if (rc)
        return rc;
    *out = json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)n.staff_id, "name", n.name,
                     "role", n.role, "org_id", (json_int_t)n.org_id, "username", n.username);
    return HM_OK;
}

struct competence {
    const hm_call *c;
    int64_t staff_id, id;
    const char *kind, *trained_on, *expires_on;
};

static int competence_job(hm_db *db, void *arg, hm_err *err)
{
    struct competence *k = arg;
    int64_t org = 0;
    int rc = hm_db_query_int(db, "SELECT org_id FROM staff WHERE id = ?",
                             HM_ARGS(HM_I(k->staff_id)), &org, err);
    if (rc == HM_ENOTFOUND)
        return hm_err_set(err, HM_ENOTFOUND, "staff member %lld does not exist",
                          (long long)k->staff_id);
    if (rc)
        return rc;
    /* A super-user records training of colleagues in their own municipality (or hospital). */
    if (strcmp(k->c->actor->role, "admin") != 0) {
        rc = hm_policy_org_access(db, k->c->actor, org, err);
        if (rc)
            return hm_err_set(err, HM_EFORBIDDEN,
                              "a super-user records competences only in their own organisation");
    }
    rc = hm_db_exec(db,
                    "INSERT INTO competence (staff_id, kind, trained_on, expires_on)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (staff_id, kind) DO UPDATE SET"
                    " trained_on = excluded.trained_on, expires_on = excluded.expires_on",
                    HM_ARGS(HM_I(k->staff_id), HM_S(k->kind), HM_S(k->trained_on),
                            HM_S(k->expires_on)),
                    err);
    if (!rc)
        rc = hm_db_query_int(db, "SELECT id FROM competence WHERE staff_id = ? AND kind = ?",
                             HM_ARGS(HM_I(k->staff_id), HM_S(k->kind)), &k->id, err);
    if (rc)
        return rc;
    char object[64];
    snprintf(object, sizeof object, "staff/%lld/competence/%s", (long long)k->staff_id, k->kind);
    return hm__care_audit(db, k->c, "update", object, NULL, 0, 0, NULL, err);
}

int hm_care_competence_record(const hm_call *c, int64_t staff_id, const json_t *in, json_t **out,
                              hm_err *err)
{
    if (strcmp(c->actor->role, "admin") != 0 && strcmp(c->actor->role, "super_user") != 0)
        return hm_err_set(err, HM_EFORBIDDEN, "only an admin or a super-user records competences");
    static const char *const allowed[] = {"kind", "trained_on", "expires_on", NULL};
    struct competence k = {.c = c, .staff_id = staff_id};
    int rc = hm_json_only(in, allowed, err);
    if (!rc)
        rc = hm_json_str(in, "kind", 1, 32, &k.kind, err);
    if (!rc)
        rc = hm_json_str(in, "trained_on", 1, 10, &k.trained_on, err);
    if (!rc)
        rc = hm_json_str(in, "expires_on", 0, 10, &k.expires_on, err);
    if (rc)
        return rc;
    hm_date t, e;
    rc = hm_date_parse(k.trained_on, &t, err);
    if (rc)
        return hm_err_set(err, rc, "field 'trained_on': %s", err ? err->msg : "");
    if (k.expires_on) {
        rc = hm_date_parse(k.expires_on, &e, err);
        if (rc)
            return hm_err_set(err, rc, "field 'expires_on': %s", err ? err->msg : "");
        if (hm_date_cmp(e, t) < 0)
            return hm_err_set(err, HM_EINVAL, "field 'expires_on' is before 'trained_on'");
    }
    for (const char *p = k.kind; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
            return hm_err_set(err, HM_EINVAL, "field 'kind' may hold only a-z and '_'");
    rc = hm__care_write(c, competence_job, &k, err);
    if (rc)
        return rc;
    *out = json_pack("{s:I, s:I, s:s, s:s, s:o}", "id", (json_int_t)k.id, "staff_id",
                     (json_int_t)staff_id, "kind", k.kind,
                     "trained_on", k.trained_on, "expires_on",
                     k.expires_on ? json_string(k.expires_on) : json_null());
    return HM_OK;
}
