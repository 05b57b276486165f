/* auth.h: who is calling. Accounts with argon2id passwords, bearer-token sessions with an
 * expiry (stored only as a SHA-256 hash, so a database leak does not leak live tokens), logout
 * and revocation. The access policy is in policy.h and the audit log in audit.h. */
#ifndef HM_AUTH_H
#define HM_AUTH_H

#include <stdint.h>

#include "base/error.h"
#include "store/store.h"

#define HM_TOKEN_LEN 43 /* 32 random bytes, base64url without padding */
#define HM_SESSION_TTL_MS (12LL * 3600 * 1000)
#define HM_PASSWORD_MIN 12 /* characters of a password an admin or its owner sets */

/* The authenticated caller of a request. staff_id and org_id are 0 for patient accounts;
 * patient_id is 0 for staff. */
typedef struct hm_actor {
    int64_t account_id;
    int64_t staff_id;
    int64_t patient_id;
    int64_t org_id;
    char role[24];
    char username[64];
} hm_actor;

/* Hashes a password with argon2id (libsodium's interactive limits). out must hold 128 bytes. */
int hm_password_hash(const char *password, char out[128], hm_err *err);
/* Argon2id with libsodium's minimum cost: for generated benchmark accounts only. */
int hm_password_hash_fast(const char *password, char out[128], hm_err *err);
int hm_password_verify(const char *hash, const char *password);

/* Checks username and password (on a read connection). On success fills *account_id. Unknown
 * users and wrong passwords get the same HM_EUNAUTH message. */
int hm_auth_check_password(hm_db *db, const char *username, const char *password,
                           int64_t *account_id, hm_err *err);

/* Write job: stores a new session for account_id and writes the token (NUL-terminated) to
 * token_out. */
int hm_session_create(hm_db *db, int64_t account_id, int64_t now_ms, int64_t ttl_ms,
                      char token_out[HM_TOKEN_LEN + 1], int64_t *expires_ms, hm_err *err);
/* Resolves a bearer token to an actor. HM_EUNAUTH ("invalid token", "token expired",
 * "token revoked", "account disabled"). */
int hm_session_lookup(hm_db *db, const char *token, int64_t now_ms, hm_actor *out, hm_err *err);
/* The caller for an account named by an external identity provider's token (auth/jwt.h): the
 * account's own role and organisation. HM_EUNAUTH when there is none or it is disabled. */
int hm_account_actor(hm_db *db, const char *username, hm_actor *out, hm_err *err);
/* Write job: revokes one token (logout). */
int hm_session_revoke(hm_db *db, const char *token, int64_t now_ms, hm_err *err);
/* Write job: revokes every live session of an account. */
int hm_session_revoke_account(hm_db *db, int64_t account_id, int64_t now_ms, hm_err *err);

/* The hex SHA-256 of s (65 bytes with NUL). */
void hm_sha256_hex(const void *data, size_t len, char out[65]);

#endif
