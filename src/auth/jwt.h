/* jwt.h: bearer tokens from an external identity provider (a hospital's or municipality's
 * OpenID Connect IdP) as signed JSON Web Tokens (RFC 7519), verified with the IdP's public key
 * through OpenSSL. The token only says who the caller is (its username claim); what they may do
 * comes from heime's own account of that username (role, organisation), so an IdP cannot grant
 * access that heime's administrators did not.
 *
 * Accepted: RS256 with an RSA key, ES256 with a P-256 key, EdDSA with an Ed25519 key; the
 * header's alg must match the configured key (no "none", no HMAC: a public key used as an HMAC
 * secret is the classic JWT forgery). Required claims: exp (in the future, with leeway), iss
 * (equal to the configured issuer), aud (equal to, or an array containing, the configured
 * audience) and the username claim; nbf and iat, when present, must not lie in the future. */
#ifndef HM_AUTH_JWT_H
#define HM_AUTH_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define HM_JWT_MAX_LEN 8192     /* longer bearer tokens are refused before any decoding */
#define HM_JWT_USERNAME_MAX 64  /* as hm_actor.username */

typedef struct hm_jwt_config {
    const char *public_key_file; /* PEM: an RSA, P-256 or Ed25519 public key */
    const char *issuer;          /* required: the IdP's iss */
    const char *audience;        /* required: heime's client id at the IdP (aud) */
    const char *username_claim;  /* default "preferred_username" */
    int64_t leeway_s;            /* clock skew allowed on exp, nbf and iat (default 60) */
} hm_jwt_config;

typedef struct hm_jwt_verifier hm_jwt_verifier;

/* Loads the key and copies the settings; errors name the file or the missing setting. */
int hm_jwt_verifier_create(const hm_jwt_config *cfg, hm_jwt_verifier **out, hm_err *err);
void hm_jwt_verifier_destroy(hm_jwt_verifier *v);

/* 1 when token has the shape of a JWT (three dot-separated parts), so that it is verified here
 * rather than looked up as one of heime's own session tokens. */
int hm_jwt_looks_like(const char *token);

/* Verifies token at now_ms; on success writes the username claim. HM_EUNAUTH with the reason
 * ("token signature invalid", "token expired", "token issuer not accepted", ...). A token
 * verified before is answered from a cache until its exp (thread-safe). */
int hm_jwt_verify(hm_jwt_verifier *v, const char *token, int64_t now_ms,
                  char username[HM_JWT_USERNAME_MAX], hm_err *err);

/* The parse without the signature check, for the fuzzer and tests: splits the token, decodes
 * header and payload (base64url, JSON objects) and reads alg. HM_EUNAUTH when malformed. */
typedef struct hm_jwt_parts {
    char alg[16];
    void *header, *payload;        /* json_t *, owned: hm_jwt_parts_free */
    unsigned char *sig;            /* decoded signature */
    size_t sig_len;
    size_t signed_len;             /* the "header.payload" prefix of the token that is signed */
} hm_jwt_parts;
int hm_jwt_parse(const char *token, hm_jwt_parts *out, hm_err *err);
void hm_jwt_parts_free(hm_jwt_parts *p);

#endif
