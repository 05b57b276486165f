/* h_auth.c: health, login, logout, the caller's own account, and token revocation. */
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/throttle.h"
#include "base/json.h"
#include "base/log.h"

#include <pthread.h>

int hm_h_healthz(hm_req *r)
{
    int rc = hm_store_ping(r->care->store, &r->err);
    if (rc)
        return hm_err_set(&r->err, HM_EIO, "database unreachable: %s", r->err.msg);
    return hm_req_reply(r, 200, json_pack("{s:s, s:s}", "status", "ok", "store",
                                          hm_store_backend(r->care->store)));
}

struct login_job {
    hm_req *r;
    const char *via; /* the audit row's object: "session", or "session/oidc" through the IdP */
    int64_t account_id;
    char token[HM_TOKEN_LEN + 1];
    int64_t expires_ms;
};

static int login_job(hm_db *db, void *arg, hm_err *err)
{
    struct login_job *j = arg;
    int rc = hm_session_create(db, j->account_id, j->r->now_ms, HM_SESSION_TTL_MS, j->token,
                               &j->expires_ms, err);
    if (rc)
        return rc;
    hm_actor who = {.account_id = j->account_id};
    snprintf(who.role, sizeof who.role, "login");
    hm_audit_rec rec = {.at_ms = j->r->now_ms, .actor = &who, .action = "login",
                        .object = j->via, .request_id = j->r->request_id};
    return hm_audit_append(db, &rec, err);
}

/* Opens the session and answers with its token, as every way of signing in does. */
static int open_session(hm_req *r, struct login_job *j, int password_change_required)
{
    int rc = hm_writer_submit(r->care->writer, login_job, j, &r->err);
    if (rc)
        return rc;
    char exp[32];
    hm_time_format_utc(j->expires_ms, exp);
    return hm_req_reply(r, 200, json_pack("{s:s, s:s, s:s, s:b}", "token", j->token, "token_type",
                                          "Bearer", "expires_at", exp,
                                          "password_change_required", password_change_required));
}

/* The process's failed-login counters (auth/throttle.h), made at the first login. */
static hm_throttle *throttle;
static pthread_once_t throttle_once = PTHREAD_ONCE_INIT;
static void throttle_init(void)
{
    hm_err err;
    if (hm_throttle_create(&throttle, &err))
        HM_LOG(HM_LOG_ERROR, "login throttling is off: %s", err.msg);
}

int hm_h_login(hm_req *r)
{
    static const char *const allowed[] = {"username", "password", NULL};
    const char *user, *pass;
    int rc = hm_json_only(r->body, allowed, &r->err);
    if (!rc)
        rc = hm_json_str(r->body, "username", 1, 64, &user, &r->err);
    if (!rc)
        rc = hm_json_str(r->body, "password", 1, 256, &pass, &r->err);
    if (rc)
        return rc;
    pthread_once(&throttle_once, throttle_init);
    rc = throttle ? hm_throttle_check(throttle, user, r->now_ms, NULL, &r->err) : HM_OK;
    if (rc)
        return rc;
    struct login_job j = {.r = r, .via = "session"};
    hm_db *db;
    rc = hm_store_read_begin(r->care->store, &db, &r->err);
    if (rc)
        return rc;
    rc = hm_auth_check_password(db, user, pass, &j.account_id, &r->err);
    if (throttle && rc == HM_EUNAUTH) {
        hm_throttle_failed(throttle, user, r->now_ms);
        HM_LOG(HM_LOG_INFO, "%s: failed login for '%s'", r->request_id, user);
    } else if (throttle && rc == HM_OK) {
        hm_throttle_succeeded(throttle, user);
    }
    int64_t temporary = 0;
    if (!rc)
        rc = hm_db_query_int(db, "SELECT password_temporary FROM account WHERE id = ?",
                             HM_ARGS(HM_I(j.account_id)), &temporary, &r->err);
    hm_store_read_end(r->care->store, db);
    if (rc)
        return rc;
    return open_session(r, &j, (int)temporary);
}

/* GET /api/v1/auth/config: what the login page offers; no token needed. */
int hm_h_auth_config(hm_req *r)
{
    return hm_req_reply(r, 200, json_pack("{s:o}", "oidc",
                                          r->oidc ? hm_oidc_public(r->oidc) : json_null()));
}

/* POST /api/v1/auth/oidc: the code the IdP sent the browser back with, for a session of
 * heime's own (auth/oidc.h). The IdP's token is verified as a bearer JWT would be; its username
 * must name an active heime account. */
int hm_h_oidc_login(hm_req *r)
{
    static const char *const allowed[] = {"code", "code_verifier", "redirect_uri", NULL};
    if (!r->oidc)
        return hm_err_set(&r->err, HM_ENOTFOUND,
                          "sign-in through an identity provider is not configured");
    const char *code, *verifier, *redirect;
    int rc = hm_json_only(r->body, allowed, &r->err);
    if (!rc)
        rc = hm_json_str(r->body, "code", 1, HM_OIDC_CODE_MAX, &code, &r->err);
    if (!rc)
        rc = hm_json_str(r->body, "code_verifier", 1, 128, &verifier, &r->err);
    if (!rc && strlen(verifier) < 43) /* RFC 7636, 4.1: 43 to 128 characters */
        rc = hm_err_set(&r->err, HM_EINVAL, "field 'code_verifier' must have 43 to 128 characters");
    if (!rc)
        rc = hm_json_str(r->body, "redirect_uri", 1, HM_OIDC_URI_MAX, &redirect, &r->err);
    char *token = NULL;
    if (!rc)
        rc = hm_oidc_exchange(r->oidc, code, verifier, redirect, &token, &r->err);
    char user[HM_JWT_USERNAME_MAX];
    if (!rc)
        rc = hm_jwt_verify(r->jwt, token, r->now_ms, user, &r->err);
    free(token);
    if (rc) {
        HM_LOG(HM_LOG_INFO, "%s: sign-in through the identity provider failed: %s", r->request_id,
               r->err.msg);
        return rc;
    }
    hm_db *db;
    hm_actor actor;
    rc = hm_store_read_begin(r->care->store, &db, &r->err);
    if (rc)
        return rc;
    rc = hm_account_actor(db, user, &actor, &r->err);
    hm_store_read_end(r->care->store, db);
    if (rc)
        return rc;
    struct login_job j = {.r = r, .via = "session/oidc", .account_id = actor.account_id};
    return open_session(r, &j, 0);
}

struct password_job {
    hm_req *r;
    char hash[128];
};

static int password_job(hm_db *db, void *arg, hm_err *err)
{
    struct password_job *j = arg;
    int rc = hm_db_exec(db, "UPDATE account SET pw_hash = ?, password_temporary = 0 WHERE id = ?",
                        HM_ARGS(HM_S(j->hash), HM_I(j->r->actor.account_id)), err);
    if (rc)
        return rc;
    char object[48];
    snprintf(object, sizeof object, "account/%lld/password", (long long)j->r->actor.account_id);
    hm_audit_rec rec = {.at_ms = j->r->now_ms, .actor = &j->r->actor, .action = "update",
                        .object = object, .request_id = j->r->request_id};
    return hm_audit_append(db, &rec, err);
}

/* The caller changes their own password (and so ends a temporary one an admin set). */
int hm_h_password_change(hm_req *r)
{
    static const char *const allowed[] = {"current_password", "new_password", NULL};
    const char *cur, *pass;
    int rc = hm_json_only(r->body, allowed, &r->err);
    if (!rc)
        rc = hm_json_str(r->body, "current_password", 1, 256, &cur, &r->err);
    if (!rc)
        rc = hm_json_str(r->body, "new_password", 1, 256, &pass, &r->err);
    if (rc)
        return rc;
    if (strlen(pass) < HM_PASSWORD_MIN)
        return hm_err_set(&r->err, HM_EINVAL,
                          "field 'new_password' must have at least %d characters",
                          HM_PASSWORD_MIN);
    if (strcmp(cur, pass) == 0)
        return hm_err_set(&r->err, HM_EINVAL, "the new password must differ from the current one");
    hm_db *db;
    rc = hm_store_read_begin(r->care->store, &db, &r->err);
    if (rc)
        return rc;
    int64_t id = 0;
    rc = hm_auth_check_password(db, r->actor.username, cur, &id, &r->err);
    hm_store_read_end(r->care->store, db);
    if (rc == HM_EUNAUTH)
        return hm_err_set(&r->err, HM_EFORBIDDEN, "field 'current_password' is wrong");
    if (rc)
        return rc;
    struct password_job j = {.r = r};
    rc = hm_password_hash(pass, j.hash, &r->err);
    if (!rc)
        rc = hm_writer_submit(r->care->writer, password_job, &j, &r->err);
    return rc ? rc : hm_req_reply(r, 204, NULL);
}

struct revoke_job {
    hm_req *r;
    int64_t account_id; /* 0: the caller's own token */
};

static int revoke_job(hm_db *db, void *arg, hm_err *err)
{
    struct revoke_job *j = arg;
    if (j->account_id) {
        int64_t n = 0;
        int rc = hm_db_query_int(db, "SELECT count(*) FROM account WHERE id = ?",
                                 HM_ARGS(HM_I(j->account_id)), &n, err);
        if (rc)
            return rc;
        if (!n)
            return hm_err_set(err, HM_ENOTFOUND, "account %lld does not exist",
                              (long long)j->account_id);
    }
    int rc = j->account_id
                 ? hm_session_revoke_account(db, j->account_id, j->r->now_ms, err)
                 : hm_session_revoke(db, j->r->token, j->r->now_ms, err);
    if (rc)
        return rc;
    char object[48];
    snprintf(object, sizeof object, "account/%lld/sessions",
             (long long)(j->account_id ? j->account_id : j->r->actor.account_id));
    hm_audit_rec rec = {.at_ms = j->r->now_ms, .actor = &j->r->actor,
                        .action = j->account_id ? "revoke" : "logout", .object = object,
                        .request_id = j->r->request_id};
    return hm_audit_append(db, &rec, err);
}

int hm_h_logout(hm_req *r)
{
    struct revoke_job j = {.r = r};
    int rc = hm_writer_submit(r->care->writer, revoke_job, &j, &r->err);
    return rc ? rc : hm_req_reply(r, 204, NULL);
}

int hm_h_account_revoke(hm_req *r)
{
    if (strcmp(r->actor.role, "admin") != 0)
        return hm_err_set(&r->err, HM_EFORBIDDEN, "only an admin may revoke another account's tokens");
    struct revoke_job j = {.r = r, .account_id = r->param[0]};
    int rc = hm_writer_submit(r->care->writer, revoke_job, &j, &r->err);
    return rc ? rc : hm_req_reply(r, 204, NULL);
}

int hm_h_me(hm_req *r)
{
    const hm_actor *a = &r->actor;
    return hm_req_reply(r, 200,
                        json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "account_id",
                                  (json_int_t)a->account_id, "username", a->username, "role",
                                  a->role, "staff_id",
                                  a->staff_id ? json_integer(a->staff_id) : json_null(),
                                  "org_id", a->org_id ? json_integer(a->org_id) : json_null(),
                                  "patient_id",
                                  a->patient_id ? json_integer(a->patient_id) : json_null()));
}
