/* jwt.c: JSON Web Tokens from an external identity provider (see jwt.h). Decoding with
 * libsodium's base64url and jansson; signatures with OpenSSL's EVP interface. */
#include "auth/jwt.h"

#include <jansson.h>
#include <pthread.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_USERNAME_CLAIM "preferred_username"
#define DEFAULT_LEEWAY_S 60
#define RSA_MIN_BITS 2048

/* Tokens verified before, by the SHA-256 of the token: a client sends the same access token
 * with every request until it expires, and a signature check (30-100 us) would otherwise be
 * repeated for each. Direct-mapped; a collision just verifies again. */
#define CACHE_SLOTS 1024

struct verified {
    unsigned char hash[crypto_hash_sha256_BYTES];
    double exp; /* the token's exp claim (seconds) */
    char username[HM_JWT_USERNAME_MAX];
};

struct hm_jwt_verifier {
    EVP_PKEY *key;
    char alg[8]; /* the one algorithm this key verifies */
    char *issuer, *audience, *username_claim;
    int64_t leeway_s;
    pthread_mutex_t cache_lock;
    struct verified cache[CACHE_SLOTS];
};

/* ---- parsing ---- */

int hm_jwt_looks_like(const char *token)
{
    int dots = 0;
    for (const char *s = token; *s; s++)
        dots += *s == '.';
    return dots == 2;
}

/* Decodes one base64url part (no padding) into a fresh buffer; the whole part must decode. */
static int b64url(const char *s, size_t len, unsigned char **out, size_t *out_len)
{
    size_t cap = len * 3 / 4 + 1;
    unsigned char *buf = malloc(cap);
    if (!buf)
        return -1;
    const char *end = NULL;
    if (sodium_base642bin(buf, cap, s, len, NULL, out_len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != s + len) {
        free(buf);
        return -1;
    }
    *out = buf;
    return 0;
}

static json_t *json_part(const char *s, size_t len)
{
    unsigned char *raw;
    size_t n;
    if (len == 0 || b64url(s, len, &raw, &n) != 0)
        return NULL;
    json_t *j = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL);
    free(raw);
    if (j && !json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* typ is optional; when present it must name a JWT (RFC 7519) or an access token (RFC 9068). */
static int typ_accepted(const json_t *header)
{
    const json_t *typ = json_object_get(header, "typ");
    if (!typ)
        return 1;
    const char *t = json_string_value(typ);
    return t && (strcasecmp(t, "JWT") == 0 || strcasecmp(t, "at+jwt") == 0 ||
                 strcasecmp(t, "application/at+jwt") == 0);
}

int hm_jwt_parse(const char *token, hm_jwt_parts *out, hm_err *err)
{
    memset(out, 0, sizeof *out);
    size_t len = strnlen(token, HM_JWT_MAX_LEN + 1);
    if (len > HM_JWT_MAX_LEN)
        return hm_err_set(err, HM_EUNAUTH, "token too long");
    const char *d1 = memchr(token, '.', len);
    const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token)) : NULL;
    if (!d1 || !d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)))
        return hm_err_set(err, HM_EUNAUTH, "invalid token");
    out->signed_len = (size_t)(d2 - token);
    out->header = json_part(token, (size_t)(d1 - token));
    out->payload = json_part(d1 + 1, (size_t)(d2 - d1 - 1));
    if (!out->header || !out->payload) {
        hm_jwt_parts_free(out);
        return hm_err_set(err, HM_EUNAUTH, "invalid token: header or claims are not base64url JSON");
    }
    const char *alg = json_string_value(json_object_get(out->header, "alg"));
    if (!alg || strlen(alg) >= sizeof out->alg) {
        hm_jwt_parts_free(out);
        return hm_err_set(err, HM_EUNAUTH, "invalid token: no algorithm");
    }
    snprintf(out->alg, sizeof out->alg, "%s", alg);
    /* Extensions we do not understand must not be ignored (RFC 7515, 4.1.11). */
    if (json_object_get(out->header, "crit") || !typ_accepted(out->header)) {
        hm_jwt_parts_free(out);
        return hm_err_set(err, HM_EUNAUTH, "invalid token: header not accepted");
    }
    size_t slen = len - (size_t)(d2 + 1 - token);
    if (slen == 0 || b64url(d2 + 1, slen, &out->sig, &out->sig_len) != 0) {
        hm_jwt_parts_free(out);
        return hm_err_set(err, HM_EUNAUTH, "invalid token: signature is not base64url");
    }
    return HM_OK;
}

void hm_jwt_parts_free(hm_jwt_parts *p)
{
    json_decref(p->header);
    json_decref(p->payload);
    free(p->sig);
    memset(p, 0, sizeof *p);
}

/* ---- the key ---- */

static int key_alg(EVP_PKEY *key, char alg[8], const char *file, hm_err *err)
{
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
        if (EVP_PKEY_get_bits(key) < RSA_MIN_BITS)
            return hm_err_set(err, HM_EINVAL, "%s: an RSA key needs at least %d bits", file,
                              RSA_MIN_BITS);
        snprintf(alg, 8, "RS256");
        return HM_OK;
    case EVP_PKEY_EC: {
        char group[64] = "";
        size_t glen = 0;
        if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                            &glen) ||
            strcmp(group, "prime256v1") != 0)
            return hm_err_set(err, HM_EINVAL, "%s: an EC key must be on P-256 (ES256)", file);
        snprintf(alg, 8, "ES256");
        return HM_OK;
    }
    case EVP_PKEY_ED25519:
        snprintf(alg, 8, "EdDSA");
        return HM_OK;
    }
    return hm_err_set(err, HM_EINVAL, "%s: not an RSA, P-256 or Ed25519 public key", file);
}

int hm_jwt_verifier_create(const hm_jwt_config *cfg, hm_jwt_verifier **out, hm_err *err)
{
    *out = NULL;
    if (!cfg->public_key_file || !cfg->issuer || !cfg->issuer[0] || !cfg->audience ||
        !cfg->audience[0])
        return hm_err_set(err, HM_EINVAL,
                          "JWT sign-in needs jwt_public_key_file, jwt_issuer and jwt_audience");
    FILE *f = fopen(cfg->public_key_file, "r");
    if (!f)
        return hm_err_set(err, HM_EINVAL, "cannot open %s", cfg->public_key_file);
    EVP_PKEY *key = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    if (!key)
        return hm_err_set(err, HM_EINVAL, "%s: not a PEM public key", cfg->public_key_file);
    hm_jwt_verifier *v = calloc(1, sizeof *v);
    if (!v) {
        EVP_PKEY_free(key);
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    }
    v->key = key;
    pthread_mutex_init(&v->cache_lock, NULL);
    int rc = key_alg(key, v->alg, cfg->public_key_file, err);
    v->issuer = strdup(cfg->issuer);
    v->audience = strdup(cfg->audience);
    v->username_claim = strdup(cfg->username_claim && cfg->username_claim[0]
                                   ? cfg->username_claim
                                   : DEFAULT_USERNAME_CLAIM);
    v->leeway_s = cfg->leeway_s > 0 ? cfg->leeway_s : DEFAULT_LEEWAY_S;
    if (!rc && (!v->issuer || !v->audience || !v->username_claim))
        rc = hm_err_set(err, HM_ENOMEM, "out of memory");
    if (rc) {
        hm_jwt_verifier_destroy(v);
        return rc;
    }
    *out = v;
    return HM_OK;
}

void hm_jwt_verifier_destroy(hm_jwt_verifier *v)
{
    if (!v)
        return;
    EVP_PKEY_free(v->key);
    pthread_mutex_destroy(&v->cache_lock);
    free(v->issuer);
    free(v->audience);
    free(v->username_claim);
    free(v);
}

/* ---- signature ---- */

/* ES256 signatures are r || s, 32 bytes each (RFC 7518, 3.4); OpenSSL wants DER. */
static unsigned char *es256_der(const unsigned char *sig, size_t len, size_t *der_len)
{
    if (len != 64)
        return NULL;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
    unsigned char *der = NULL;
    if (es && r && s && ECDSA_SIG_set0(es, r, s) == 1) {
        r = s = NULL; /* owned by es now */
        int n = i2d_ECDSA_SIG(es, &der);
        *der_len = n > 0 ? (size_t)n : 0;
        if (n <= 0)
            der = NULL;
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    return der;
}

static int signature_valid(const hm_jwt_verifier *v, const char *token, const hm_jwt_parts *p)
{
    const unsigned char *sig = p->sig;
    size_t sig_len = p->sig_len;
    unsigned char *der = NULL;
    if (strcmp(v->alg, "ES256") == 0) {
        der = es256_der(p->sig, p->sig_len, &sig_len);
        if (!der)
            return 0;
        sig = der;
    }
    /* EdDSA hashes inside the algorithm: no digest is named for it. */
    const EVP_MD *md = strcmp(v->alg, "EdDSA") == 0 ? NULL : EVP_sha256();
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, v->key) == 1 &&
             EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)token, p->signed_len) == 1;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    return ok;
}

/* ---- claims ---- */

/* A NumericDate claim (seconds); 0 when absent, -1 when present but not a number. */
static int numeric_date(const json_t *claims, const char *name, double *out)
{
    const json_t *c = json_object_get(claims, name);
    if (!c)
        return 0;
    if (!json_is_number(c))
        return -1;
    *out = json_number_value(c);
    return 1;
}

static int audience_matches(const json_t *aud, const char *want)
{
    if (json_is_string(aud))
        return strcmp(json_string_value(aud), want) == 0;
    size_t i;
    const json_t *a;
    json_array_foreach(aud, i, a)
    {
        if (json_is_string(a) && strcmp(json_string_value(a), want) == 0)
            return 1;
    }
    return 0;
}

static int claims_valid(const hm_jwt_verifier *v, const json_t *c, int64_t now_ms,
                        char username[HM_JWT_USERNAME_MAX], double *exp, hm_err *err)
{
    double now = (double)now_ms / 1000.0, leeway = (double)v->leeway_s, t = 0;
    int has = numeric_date(c, "exp", &t);
    if (has <= 0)
        return hm_err_set(err, HM_EUNAUTH, "token has no valid expiry (exp)");
    if (now > t + leeway)
        return hm_err_set(err, HM_EUNAUTH, "token expired");
    *exp = t;
    has = numeric_date(c, "nbf", &t);
    if (has < 0 || (has && t > now + leeway))
        return hm_err_set(err, HM_EUNAUTH, "token not yet valid (nbf)");
    has = numeric_date(c, "iat", &t);
    if (has < 0 || (has && t > now + leeway))
        return hm_err_set(err, HM_EUNAUTH, "token issued in the future (iat)");
    const char *iss = json_string_value(json_object_get(c, "iss"));
    if (!iss || strcmp(iss, v->issuer) != 0)
        return hm_err_set(err, HM_EUNAUTH, "token issuer not accepted");
    if (!audience_matches(json_object_get(c, "aud"), v->audience))
        return hm_err_set(err, HM_EUNAUTH, "token audience not accepted");
    const char *who = json_string_value(json_object_get(c, v->username_claim));
    size_t n = who ? strlen(who) : 0;
    if (n == 0 || n >= HM_JWT_USERNAME_MAX)
        return hm_err_set(err, HM_EUNAUTH, "token has no usable '%s' claim", v->username_claim);
    memcpy(username, who, n + 1);
    return HM_OK;
}

static struct verified *cache_slot(hm_jwt_verifier *v, const unsigned char *hash)
{
    return &v->cache[(hash[0] | hash[1] << 8) % CACHE_SLOTS];
}

/* A token verified before and not yet expired: its username, without checking again. Only
 * exp can turn a verified token invalid later (nbf and iat were in the past already). */
static int cache_lookup(hm_jwt_verifier *v, const unsigned char *hash, int64_t now_ms,
                        char username[HM_JWT_USERNAME_MAX])
{
    struct verified *e = cache_slot(v, hash);
    pthread_mutex_lock(&v->cache_lock);
    int hit = memcmp(e->hash, hash, sizeof e->hash) == 0 && e->username[0] &&
              (double)now_ms / 1000.0 <= e->exp + (double)v->leeway_s;
    if (hit)
        memcpy(username, e->username, HM_JWT_USERNAME_MAX);
    pthread_mutex_unlock(&v->cache_lock);
    return hit;
}

static void cache_store(hm_jwt_verifier *v, const unsigned char *hash, double exp,
                        const char *username)
{
    struct verified *e = cache_slot(v, hash);
    pthread_mutex_lock(&v->cache_lock);
    memcpy(e->hash, hash, sizeof e->hash);
    e->exp = exp;
    snprintf(e->username, sizeof e->username, "%s", username);
    pthread_mutex_unlock(&v->cache_lock);
}

int hm_jwt_verify(hm_jwt_verifier *v, const char *token, int64_t now_ms,
                  char username[HM_JWT_USERNAME_MAX], hm_err *err)
{
    size_t len = strnlen(token, HM_JWT_MAX_LEN + 1);
    if (len > HM_JWT_MAX_LEN)
        return hm_err_set(err, HM_EUNAUTH, "token too long");
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, (const unsigned char *)token, len);
    if (cache_lookup(v, hash, now_ms, username))
        return HM_OK;
    hm_jwt_parts p;
    int rc = hm_jwt_parse(token, &p, err);
    if (rc)
        return rc;
    double exp = 0;
    if (strcmp(p.alg, v->alg) != 0)
        rc = hm_err_set(err, HM_EUNAUTH, "token algorithm '%s' not accepted (this server takes %s)",
                        p.alg, v->alg);
    else if (!signature_valid(v, token, &p))
        rc = hm_err_set(err, HM_EUNAUTH, "token signature invalid");
    else
        rc = claims_valid(v, p.payload, now_ms, username, &exp, err);
    hm_jwt_parts_free(&p);
    if (!rc)
        cache_store(v, hash, exp, username);
    return rc;
}
