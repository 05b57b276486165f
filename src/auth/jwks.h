/* jwks.h: an identity provider's signing keys as a JSON Web Key Set (RFC 7517), the form in
 * which IdPs publish them at their jwks_uri and rotate them: a new key appears in the set
 * before tokens are signed with it, and the token's header names its key by "kid".
 *
 * Kept: signature keys (no "use", or "use": "sig") of the three kinds heime verifies, RSA
 * (at least 2048 bits, RS256), EC on P-256 (ES256) and OKP Ed25519 (EdDSA). Other keys in a
 * set (encryption keys, other curves or algorithms) are skipped, not an error: real sets hold
 * them. A set with no usable key is an error. */
#ifndef HM_AUTH_JWKS_H
#define HM_AUTH_JWKS_H

#include <openssl/types.h>
#include <stddef.h>

#include "base/error.h"

#define HM_JWKS_MAX_KEYS 32
#define HM_JWK_KID_MAX 128
#define HM_JWKS_TEXT_MAX (256 << 10) /* a JWKS is a few KB; larger is not a key set */

typedef struct hm_jwk {
    char kid[HM_JWK_KID_MAX]; /* "" when the key has none (a PEM file's key) */
    char alg[8];              /* "RS256", "ES256" or "EdDSA": the one algorithm it verifies */
    EVP_PKEY *key;
} hm_jwk;

typedef struct hm_jwks {
    size_t n;
    hm_jwk keys[HM_JWKS_MAX_KEYS];
} hm_jwks;

/* Reads a JWKS document ({"keys": [...]}) of len bytes; `what` names its source in errors (a
 * file or URL). HM_EINVAL with the reason when it is not a key set or holds no usable key. */
int hm_jwks_parse(const char *text, size_t len, const char *what, hm_jwks **out, hm_err *err);

/* Reads a key file that is either a PEM public key (a set of one key without a kid) or a JWKS
 * document. */
int hm_jwks_from_file(const char *path, hm_jwks **out, hm_err *err);

/* The algorithm a public key verifies (alg[8]), or HM_EINVAL naming `what` when heime does
 * not take that kind of key (RSA below 2048 bits, another curve). */
int hm_jwk_alg_of(EVP_PKEY *key, char alg[8], const char *what, hm_err *err);

/* The key a token's header names: by kid when the token has one (the set's only key when the
 * set has one key and that key has no kid: a PEM file); without kid, the i-th key of the set
 * that verifies alg (so the caller can try each). NULL when there is none. */
const hm_jwk *hm_jwks_find(const hm_jwks *s, const char *kid, const char *alg, size_t i);

void hm_jwks_free(hm_jwks *s);

#endif
