/* session.c: passwords (argon2id via libsodium) and bearer-token sessions. */
#include "auth/auth.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

void hm_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

int hm_password_hash(const char *password, char out[128], hm_err *err)
{
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return hm_err_set(err, HM_ENOMEM, "cannot hash password: out of memory");
    return HM_OK;
}

int hm_password_hash_fast(const char *password, char out[128], hm_err *err)
{
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_MIN,
                          crypto_pwhash_MEMLIMIT_MIN) != 0)
        return hm_err_set(err, HM_ENOMEM, "cannot hash password: out of memory");
    return HM_OK;
}

int hm_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int hm_auth_check_password(hm_db *db, const char *username, const char *password,
                           int64_t *account_id, hm_err *err)
{
    hm_cursor c;
    int rc = hm_db_query(db, "SELECT id, pw_hash, disabled FROM account WHERE username = ?",
                         HM_ARGS(HM_S(username)), &c, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&c, err);
    int ok = 0, disabled = 0;
    int64_t id = 0;
    if (rc == HM_ROW) {
        id = hm_cursor_int(&c, 0);
        ok = hm_password_verify(hm_cursor_text(&c, 1), password);
        disabled = (int)hm_cursor_int(&c, 2);
    } else {
        /* Spend the same time on unknown users, so timing does not tell which names exist. */
        char dummy[128];
        hm_password_hash(password, dummy, NULL);
    }
    hm_cursor_close(&c);
    if (rc < 0)
        return rc;
    if (!ok)
        return hm_err_set(err, HM_EUNAUTH, "wrong username or password");
    /* Said only to whoever knows the password: a deactivated staff member learns why. */
    if (disabled)
        return hm_err_set(err, HM_EUNAUTH, "account disabled: ask an administrator");
    *account_id = id;
    return HM_OK;
}

int hm_session_create(hm_db *db, int64_t account_id, int64_t now_ms, int64_t ttl_ms,
                      char token_out[HM_TOKEN_LEN + 1], int64_t *expires_ms, hm_err *err)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char token[HM_TOKEN_LEN + 2];
    sodium_bin2base64(token, sizeof token, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char hash[65];
    hm_sha256_hex(token, strlen(token), hash);
    int64_t exp = now_ms + ttl_ms;
    int rc = hm_db_exec(db,
                        "INSERT INTO session (token_hash, account_id, created_ms, expires_ms)"
                        " VALUES (?, ?, ?, ?)",
                        HM_ARGS(HM_S(hash), HM_I(account_id), HM_I(now_ms), HM_I(exp)), err);
    if (rc)
        return rc;
    memcpy(token_out, token, HM_TOKEN_LEN + 1);
    if (expires_ms)
        *expires_ms = exp;
    return HM_OK;
}

static int token_well_formed(const char *token)
{
    if (strlen(token) != HM_TOKEN_LEN)
        return 0;
    for (const char *p = token; *p; p++) {
        char ch = *p;
        int ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                 ch == '-' || ch == '_';
        if (!ok)
            return 0;
    }
    return 1;
}

/* An account as the caller of a request: the columns ACTOR_COLS selects, from account a and its
 * staff row s. */
#define ACTOR_COLS                                                                                 \
    "a.id, a.role, coalesce(a.staff_id, 0), coalesce(a.patient_id, 0), coalesce(s.org_id, 0),"   \
    " a.username, a.disabled"

static int actor_of(hm_cursor *c, hm_actor *out, hm_err *err)
{
    if (hm_cursor_int(c, 6))
        return hm_err_set(err, HM_EUNAUTH, "account disabled");
    memset(out, 0, sizeof *out);
    out->account_id = hm_cursor_int(c, 0);
    snprintf(out->role, sizeof out->role, "%s", hm_cursor_text(c, 1));
    out->staff_id = hm_cursor_int(c, 2);
    out->patient_id = hm_cursor_int(c, 3);
    out->org_id = hm_cursor_int(c, 4);
    snprintf(out->username, sizeof out->username, "%s", hm_cursor_text(c, 5));
    return HM_OK;
}

int hm_session_lookup(hm_db *db, const char *token, int64_t now_ms, hm_actor *out, hm_err *err)
{
    if (!token_well_formed(token))
        return hm_err_set(err, HM_EUNAUTH, "invalid token");
    char hash[65];
    hm_sha256_hex(token, strlen(token), hash);
    hm_cursor c;
    int rc = hm_db_query(db,
                         "SELECT " ACTOR_COLS ", se.expires_ms, se.revoked_ms"
                         " FROM session se JOIN account a ON a.id = se.account_id"
                         " LEFT JOIN staff s ON s.id = a.staff_id WHERE se.token_hash = ?",
                         HM_ARGS(HM_S(hash)), &c, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&c, err);
    if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_EUNAUTH, "invalid token");
    } else if (rc == HM_ROW) {
        if (!hm_cursor_is_null(&c, 8))
            rc = hm_err_set(err, HM_EUNAUTH, "token revoked");
        else if (hm_cursor_int(&c, 7) <= now_ms)
            rc = hm_err_set(err, HM_EUNAUTH, "token expired");
        else
            rc = actor_of(&c, out, err);
    }
    hm_cursor_close(&c);
    return rc;
}

int hm_account_actor(hm_db *db, const char *username, hm_actor *out, hm_err *err)
{
    hm_cursor c;
    int rc = hm_db_query(db,
                         "SELECT " ACTOR_COLS " FROM account a LEFT JOIN staff s ON"
                         " s.id = a.staff_id WHERE a.username = ?",
                         HM_ARGS(HM_S(username)), &c, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&c, err);
    if (rc == HM_DONE)
        rc = hm_err_set(err, HM_EUNAUTH, "no heime account for this sign-in");
    else if (rc == HM_ROW)
        rc = actor_of(&c, out, err);
    hm_cursor_close(&c);
    return rc;
}

int hm_session_revoke(hm_db *db, const char *token, int64_t now_ms, hm_err *err)
{
    char hash[65];
    hm_sha256_hex(token, strlen(token), hash);
    return hm_db_exec(db,
                      "UPDATE session SET revoked_ms = ? WHERE token_hash = ? AND revoked_ms IS NULL",
                      HM_ARGS(HM_I(now_ms), HM_S(hash)), err);
}

int hm_session_revoke_account(hm_db *db, int64_t account_id, int64_t now_ms, hm_err *err)
{
    return hm_db_exec(db,
                      "UPDATE session SET revoked_ms = ? WHERE account_id = ? AND revoked_ms IS NULL",
                      HM_ARGS(HM_I(now_ms), HM_I(account_id)), err);
}
