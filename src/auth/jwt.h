/* jwt.h: bearer tokens from an external identity provider (a hospital's or municipality's
 * OpenID Connect IdP) as signed JSON Web Tokens (RFC 7519), verified with the IdP's public key
 * through OpenSSL. The token only says who the caller is (its username claim); what they may do
 * comes from heime's own account of that username (role, organisation), so an IdP cannot grant
 * access that heime's administrators did not.
 *
 * The keys: a PEM public key or a JSON Web Key Set in a file, or the IdP's JWKS URL (its
 * jwks_uri), fetched at start, again after an hour, and at once when a token names a key the set
 * does not hold (the IdP rotated its keys), at most every 10 s; when a fetch fails the keys
 * fetched before stay in use (auth/jwks.h).
 *
 * Accepted: RS256 with an RSA key, ES256 with a P-256 key, EdDSA with an Ed25519 key; the
 * header's alg must match the key it is verified with, the one its kid names when it names
 * one (no "none", no HMAC: a public key used as an HMAC secret is the classic JWT forgery). Required claims: exp (in the future, with leeway), iss
 * (equal to the configured issuer), aud (equal to, or an array containing, the configured
 * audience) and the username claim; nbf and iat, when present, must not lie in the future. */
#ifndef HM_AUTH_JWT_H
#define HM_AUTH_JWT_H

#include <jansson.h>
#include <openssl/types.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define HM_JWT_MAX_LEN 8192     /* longer bearer tokens are refused before any decoding */
#define HM_JWT_USERNAME_MAX 64  /* as hm_actor.username */

typedef struct hm_jwt_config {
    const char *public_key_file; /* PEM (an RSA, P-256 or Ed25519 public key) or a JWKS */
    const char *jwks_url;        /* or: the IdP's JWKS endpoint (http(s)) */
    long fetch_timeout_ms;       /* for a JWKS fetch; default 5000 */
    const char *issuer;          /* required: the IdP's iss */
    const char *audience;        /* required: heime's client id at the IdP (aud) */
    const char *username_claim;  /* default "preferred_username" */
    int64_t leeway_s;            /* clock skew allowed on exp, nbf and iat (default 60) */
} hm_jwt_config;

typedef struct hm_jwt_verifier hm_jwt_verifier;

/* Loads the key file (or, with jwks_url, nothing yet) and copies the settings; errors name the
 * file or the missing setting. */
int hm_jwt_verifier_create(const hm_jwt_config *cfg, hm_jwt_verifier **out, hm_err *err);
void hm_jwt_verifier_destroy(hm_jwt_verifier *v);

/* Fetches the key set from jwks_url now (at start, so that the first sign-in need not wait and
 * a wrong URL shows in the log); HM_EIO or HM_EINVAL with the reason. A no-op for key files. */
int hm_jwt_refresh(hm_jwt_verifier *v, int64_t now_ms, hm_err *err);

/* How a key set is fetched: the body of GET url (malloc'd) on success. libcurl by default;
 * the unit tests put their own (NULL puts libcurl back). */
typedef int (*hm_jwt_fetch_fn)(void *ctx, const char *url, long timeout_ms, char **body,
                               size_t *len, hm_err *err);
void hm__jwt_set_fetch(hm_jwt_verifier *v, hm_jwt_fetch_fn fetch, void *ctx);

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

/* A JWT of claims signed with heime's own private key, for client authentication at an IdP
 * (private_key_jwt, RFC 7523): RS256, ES256 or EdDSA by the key's kind, the header naming kid
 * when there is one. *out: free() it. */
int hm_jwt_sign(EVP_PKEY *key, const char *kid, const json_t *claims, char **out, hm_err *err);

#endif
