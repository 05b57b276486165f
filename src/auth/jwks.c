/* jwks.c: see jwks.h. JSON with jansson, base64url with libsodium, keys built with OpenSSL 3's
 * EVP_PKEY_fromdata from the JWK's parameters. */
#include "auth/jwks.h"

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RSA_MIN_BITS 2048
#define RSA_MAX_BYTES 1024 /* 8192 bits: larger moduli are refused rather than worked on */

int hm_jwk_alg_of(EVP_PKEY *key, char alg[8], const char *what, hm_err *err)
{
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
        if (EVP_PKEY_get_bits(key) < RSA_MIN_BITS)
            return hm_err_set(err, HM_EINVAL, "%s: an RSA key needs at least %d bits", what,
                              RSA_MIN_BITS);
        snprintf(alg, 8, "RS256");
        return HM_OK;
    case EVP_PKEY_EC: {
        char group[64] = "";
        size_t glen = 0;
        if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                            &glen) ||
            strcmp(group, "prime256v1") != 0)
            return hm_err_set(err, HM_EINVAL, "%s: an EC key must be on P-256 (ES256)", what);
        snprintf(alg, 8, "ES256");
        return HM_OK;
    }
    case EVP_PKEY_ED25519:
        snprintf(alg, 8, "EdDSA");
        return HM_OK;
    }
    return hm_err_set(err, HM_EINVAL, "%s: not an RSA, P-256 or Ed25519 public key", what);
}

/* A base64url member of a JWK, decoded into buf (at most cap bytes); its length, or 0 when it
 * is missing, not base64url or too long. */
static size_t b64_member(const json_t *jwk, const char *name, unsigned char *buf, size_t cap)
{
    const char *s = json_string_value(json_object_get(jwk, name));
    size_t len = 0;
    const char *end = NULL;
    if (!s || !s[0] ||
        sodium_base642bin(buf, cap, s, strlen(s), NULL, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        *end != '\0')
        return 0;
    return len;
}

static EVP_PKEY *key_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *key = NULL;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return key;
}

static EVP_PKEY *rsa_key(const json_t *jwk)
{
    unsigned char n[RSA_MAX_BYTES], e[8];
    size_t nlen = b64_member(jwk, "n", n, sizeof n), elen = b64_member(jwk, "e", e, sizeof e);
    if (!nlen || !elen)
        return NULL;
    BIGNUM *bn = BN_bin2bn(n, (int)nlen, NULL), *be = BN_bin2bn(e, (int)elen, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *key = NULL;
    if (bn && be && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1)
        key = key_from_params("RSA", bld);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn);
    BN_free(be);
    return key;
}

/* An uncompressed P-256 point (0x04 || x || y), checked to lie on the curve: a point off it is
 * the classic invalid-curve attack on ECDSA verifiers. */
static EVP_PKEY *ec_key(const json_t *jwk)
{
    const char *crv = json_string_value(json_object_get(jwk, "crv"));
    unsigned char point[65], x[33], y[33];
    if (!crv || strcmp(crv, "P-256") != 0 || b64_member(jwk, "x", x, sizeof x) != 32 ||
        b64_member(jwk, "y", y, sizeof y) != 32)
        return NULL;
    point[0] = 0x04;
    memcpy(point + 1, x, 32);
    memcpy(point + 33, y, 32);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *key = NULL;
    if (bld &&
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point) == 1)
        key = key_from_params("EC", bld);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX *check = key ? EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL) : NULL;
    if (key && (!check || EVP_PKEY_public_check(check) != 1)) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    EVP_PKEY_CTX_free(check);
    return key;
}

static EVP_PKEY *okp_key(const json_t *jwk)
{
    const char *crv = json_string_value(json_object_get(jwk, "crv"));
    unsigned char x[33];
    if (!crv || strcmp(crv, "Ed25519") != 0 || b64_member(jwk, "x", x, sizeof x) != 32)
        return NULL;
    return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, 32);
}

/* One JWK into *out; 0 when it is a usable signature key, 1 when it is to be skipped (why says
 * so), -1 when it claims to be one of ours but is broken. */
static int read_jwk(const json_t *jwk, hm_jwk *out, const char **why)
{
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    const json_t *use = json_object_get(jwk, "use");
    const json_t *kid = json_object_get(jwk, "kid");
    const char *alg = json_string_value(json_object_get(jwk, "alg"));
    if (!json_is_object(jwk) || !kty)
        return *why = "a key without kty", -1;
    if (use && (!json_is_string(use) || strcmp(json_string_value(use), "sig") != 0))
        return *why = "not a signature key", 1;
    if (kid && (!json_is_string(kid) || strlen(json_string_value(kid)) >= HM_JWK_KID_MAX))
        return *why = "its kid is not a string of at most 127 characters", -1;
    EVP_PKEY *key;
    if (strcmp(kty, "RSA") == 0)
        key = rsa_key(jwk);
    else if (strcmp(kty, "EC") == 0)
        key = ec_key(jwk);
    else if (strcmp(kty, "OKP") == 0)
        key = okp_key(jwk);
    else
        return *why = "a key type heime does not verify", 1;
    if (!key)
        return *why = "its parameters do not make an RSA, P-256 or Ed25519 public key", -1;
    hm_err e = {0};
    if (hm_jwk_alg_of(key, out->alg, "key", &e) != HM_OK) {
        EVP_PKEY_free(key);
        return *why = "an RSA key under 2048 bits or another curve", 1;
    }
    if (alg && strcmp(alg, out->alg) != 0) {
        EVP_PKEY_free(key);
        return *why = "an algorithm heime does not verify", 1;
    }
    out->key = key;
    snprintf(out->kid, sizeof out->kid, "%s", kid ? json_string_value(kid) : "");
    return 0;
}

int hm_jwks_parse(const char *text, size_t len, const char *what, hm_jwks **out, hm_err *err)
{
    *out = NULL;
    if (len > HM_JWKS_TEXT_MAX)
        return hm_err_set(err, HM_EINVAL, "%s: longer than %d bytes, not a key set", what,
                          HM_JWKS_TEXT_MAX);
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    const json_t *keys = json_object_get(doc, "keys");
    if (!json_is_array(keys)) {
        json_decref(doc);
        return hm_err_set(err, HM_EINVAL, "%s: not a JSON Web Key Set (an object with \"keys\")",
                          what);
    }
    hm_jwks *s = calloc(1, sizeof *s);
    if (!s) {
        json_decref(doc);
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    }
    int rc = HM_OK;
    size_t i;
    const json_t *jwk;
    json_array_foreach(keys, i, jwk)
    {
        const char *why = NULL;
        if (s->n == HM_JWKS_MAX_KEYS) {
            rc = hm_err_set(err, HM_EINVAL, "%s: more than %d signature keys", what,
                            HM_JWKS_MAX_KEYS);
            break;
        }
        int r = read_jwk(jwk, &s->keys[s->n], &why);
        if (r < 0) {
            rc = hm_err_set(err, HM_EINVAL, "%s: key %zu: %s", what, i + 1, why);
            break;
        }
        s->n += r == 0;
    }
    json_decref(doc);
    if (!rc && s->n == 0)
        rc = hm_err_set(err, HM_EINVAL, "%s: no signature key heime can use (RS256 with 2048 bits"
                        " or more, ES256 on P-256, EdDSA with Ed25519)", what);
    if (rc) {
        hm_jwks_free(s);
        return rc;
    }
    *out = s;
    return HM_OK;
}

/* A set of one key from PEM text (no kid: it verifies whatever the IdP names it). */
static int from_pem(const char *text, size_t len, const char *path, hm_jwks **out, hm_err *err)
{
    BIO *bio = BIO_new_mem_buf(text, (int)len);
    EVP_PKEY *key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!key)
        return hm_err_set(err, HM_EINVAL, "%s: not a PEM public key", path);
    hm_jwks *s = calloc(1, sizeof *s);
    int rc = s ? hm_jwk_alg_of(key, s->keys[0].alg, path, err)
               : hm_err_set(err, HM_ENOMEM, "out of memory");
    if (rc) {
        EVP_PKEY_free(key);
        free(s);
        return rc;
    }
    s->keys[0].key = key;
    s->n = 1;
    *out = s;
    return HM_OK;
}

/* The file is read once, then taken as a JWKS when it is a JSON object, as PEM otherwise. */
int hm_jwks_from_file(const char *path, hm_jwks **out, hm_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return hm_err_set(err, HM_EINVAL, "cannot open %s", path);
    char *text = malloc(HM_JWKS_TEXT_MAX + 1);
    size_t len = text ? fread(text, 1, HM_JWKS_TEXT_MAX + 1, f) : 0;
    fclose(f);
    if (!text)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    size_t lead = 0;
    while (lead < len && strchr(" \t\r\n", text[lead]))
        lead++;
    int rc = lead < len && text[lead] == '{' ? hm_jwks_parse(text, len, path, out, err)
                                              : from_pem(text, len, path, out, err);
    free(text);
    return rc;
}

const hm_jwk *hm_jwks_find(const hm_jwks *s, const char *kid, const char *alg, size_t i)
{
    if (!s)
        return NULL;
    if (kid && kid[0]) {
        if (i > 0)
            return NULL;
        /* Keys of different types may share a kid (RFC 7517, 4.5): the pair names the key. */
        for (size_t k = 0; k < s->n; k++)
            if (strcmp(s->keys[k].kid, kid) == 0 && strcmp(s->keys[k].alg, alg) == 0)
                return &s->keys[k];
        /* A key configured without a name (a PEM file) verifies whatever the IdP calls it. */
        if (s->n == 1 && !s->keys[0].kid[0] && strcmp(s->keys[0].alg, alg) == 0)
            return &s->keys[0];
        return NULL;
    }
    for (size_t k = 0; k < s->n; k++)
        if (strcmp(s->keys[k].alg, alg) == 0 && i-- == 0)
            return &s->keys[k];
    return NULL;
}

void hm_jwks_free(hm_jwks *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->n; k++)
        EVP_PKEY_free(s->keys[k].key);
    free(s);
}
