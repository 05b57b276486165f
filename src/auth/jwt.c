/* jwt.c: JSON Web Tokens from an external identity provider (see jwt.h). Decoding with
 * libsodium's base64url and jansson; signatures with OpenSSL's EVP interface; the IdP's key
 * set (auth/jwks.h) fetched with libcurl when it is configured by URL. */
#include "auth/jwt.h"

#include <curl/curl.h>
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

#include "auth/jwks.h"
#include "base/curl_body.h"
#include "base/log.h"

#define DEFAULT_USERNAME_CLAIM "preferred_username"
#define DEFAULT_LEEWAY_S 60
#define DEFAULT_FETCH_TIMEOUT_MS 5000
/* A key set fetched from the IdP is fetched again after an hour, so that a key it withdrew
 * (compromised, retired) stops verifying; and at once when a token names a key the set does
 * not hold (the IdP rotated), but never more often than every 10 s, so that tokens with made-up
 * key ids cannot turn heime into a flood of requests to the IdP. */
#define JWKS_MAX_AGE_MS (3600 * 1000LL)
#define JWKS_MIN_INTERVAL_MS (10 * 1000LL)

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
    /* The keys: read under keys_lock (read) while a signature is checked, replaced under it
     * (write) by a fetch. */
    pthread_rwlock_t keys_lock;
    hm_jwks *keys;        /* NULL until the first fetch from jwks_url succeeds */
    char *jwks_url;       /* NULL: the keys come from a file and never change */
    long fetch_timeout_ms;
    hm_jwt_fetch_fn fetch; /* libcurl by default; tests put their own */
    void *fetch_ctx;
    /* Fetch state, under fetch_lock (held during a fetch, so one thread fetches at a time). */
    pthread_mutex_t fetch_lock;
    int64_t fetched_ms, tried_ms; /* the last successful fetch and the last attempt */
    char fetch_error[HM_ERR_MSG_MAX]; /* why the last attempt failed, "" when it did not */
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

/* ---- the keys ---- */

/* GET url with libcurl: the body on 200, an error naming the status or the failure otherwise. */
static int curl_fetch(void *ctx, const char *url, long timeout_ms, char **body, size_t *len,
                      hm_err *err)
{
    (void)ctx;
    hm_curl_start();
    CURL *h = curl_easy_init();
    if (!h)
        return hm_err_set(err, HM_ENOMEM, "cannot start a request");
    hm_curl_body a = {.max = HM_JWKS_TEXT_MAX};
    long status;
    CURLcode cc = hm_curl_json(h, url, NULL, timeout_ms, &a, &status);
    curl_easy_cleanup(h);
    int rc = HM_OK;
    if (a.too_big)
        rc = hm_err_set(err, HM_EIO, "the answer is longer than %d bytes", HM_JWKS_TEXT_MAX);
    else if (cc != CURLE_OK)
        rc = hm_err_set(err, HM_EIO, "cannot be reached: %s", curl_easy_strerror(cc));
    else if (status != 200)
        rc = hm_err_set(err, HM_EIO, "answered %ld", status);
    if (rc) {
        free(a.data);
        return rc;
    }
    *body = a.data;
    *len = a.len;
    return HM_OK;
}

/* Fetches the key set and puts it in place of the old one; on failure the old set stays (an
 * IdP that is down for a while does not lock everyone out) and the reason is kept for the
 * answers. Call with fetch_lock held. */
static int fetch_keys(hm_jwt_verifier *v, int64_t now_ms, hm_err *err)
{
    v->tried_ms = now_ms;
    char *body = NULL;
    size_t len = 0;
    hm_jwks *fresh = NULL;
    hm_err e = {0};
    int rc = v->fetch(v->fetch_ctx, v->jwks_url, v->fetch_timeout_ms, &body, &len, &e);
    if (!rc)
        rc = hm_jwks_parse(body ? body : "", len, v->jwks_url, &fresh, &e);
    free(body);
    if (rc) {
        snprintf(v->fetch_error, sizeof v->fetch_error, "%s", e.msg);
        HM_LOG(HM_LOG_WARN, "jwt: the identity provider's keys at %s: %s", v->jwks_url, e.msg);
        return hm_err_set(err, rc, "%s", e.msg);
    }
    pthread_rwlock_wrlock(&v->keys_lock);
    hm_jwks *old = v->keys;
    v->keys = fresh;
    pthread_rwlock_unlock(&v->keys_lock);
    hm_jwks_free(old);
    if (v->fetch_error[0] || !old)
        HM_LOG(HM_LOG_INFO, "jwt: %zu signing key(s) from %s", fresh->n, v->jwks_url);
    v->fetched_ms = now_ms;
    v->fetch_error[0] = '\0';
    return HM_OK;
}

int hm_jwt_refresh(hm_jwt_verifier *v, int64_t now_ms, hm_err *err)
{
    if (!v->jwks_url)
        return HM_OK;
    pthread_mutex_lock(&v->fetch_lock);
    int rc = fetch_keys(v, now_ms, err);
    pthread_mutex_unlock(&v->fetch_lock);
    return rc;
}

/* Fetches again when the set is older than its age limit (only the first thread that notices;
 * the others go on with the set they have) or, with unknown_key, when a token named a key the
 * set lacks (that thread waits for the fetch, to verify with the new set); both at most every
 * JWKS_MIN_INTERVAL_MS. Returns 1 when a fetch succeeded. */
static int maybe_refresh(hm_jwt_verifier *v, int64_t now_ms, int unknown_key)
{
    if (!v->jwks_url)
        return 0;
    if (unknown_key)
        pthread_mutex_lock(&v->fetch_lock);
    else if (pthread_mutex_trylock(&v->fetch_lock) != 0)
        return 0;
    int due = now_ms - v->tried_ms >= JWKS_MIN_INTERVAL_MS &&
              (unknown_key || !v->keys || now_ms - v->fetched_ms >= JWKS_MAX_AGE_MS);
    hm_err e = {0};
    int fetched = due && fetch_keys(v, now_ms, &e) == HM_OK;
    pthread_mutex_unlock(&v->fetch_lock);
    return fetched;
}

int hm_jwt_verifier_create(const hm_jwt_config *cfg, hm_jwt_verifier **out, hm_err *err)
{
    *out = NULL;
    int by_file = cfg->public_key_file && cfg->public_key_file[0];
    int by_url = cfg->jwks_url && cfg->jwks_url[0];
    if ((!by_file && !by_url) || !cfg->issuer || !cfg->issuer[0] || !cfg->audience ||
        !cfg->audience[0])
        return hm_err_set(err, HM_EINVAL, "JWT sign-in needs jwt_public_key_file (or"
                          " jwt_jwks_url), jwt_issuer and jwt_audience");
    if (by_file && by_url)
        return hm_err_set(err, HM_EINVAL, "set jwt_public_key_file or jwt_jwks_url, not both");
    if (by_url && !hm_is_http_url(cfg->jwks_url))
        return hm_err_set(err, HM_EINVAL, "jwt_jwks_url must be an http(s) URL");
    hm_jwks *keys = NULL;
    if (by_file) {
        int rc = hm_jwks_from_file(cfg->public_key_file, &keys, err);
        if (rc)
            return rc;
    }
    hm_jwt_verifier *v = calloc(1, sizeof *v);
    if (!v) {
        hm_jwks_free(keys);
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    }
    v->keys = keys;
    pthread_rwlock_init(&v->keys_lock, NULL);
    pthread_mutex_init(&v->fetch_lock, NULL);
    pthread_mutex_init(&v->cache_lock, NULL);
    v->fetch = curl_fetch;
    v->fetch_timeout_ms = cfg->fetch_timeout_ms > 0 ? cfg->fetch_timeout_ms
                                                    : DEFAULT_FETCH_TIMEOUT_MS;
    snprintf(v->fetch_error, sizeof v->fetch_error, "not fetched yet");
    v->jwks_url = by_url ? strdup(cfg->jwks_url) : NULL;
    v->issuer = strdup(cfg->issuer);
    v->audience = strdup(cfg->audience);
    v->username_claim = strdup(cfg->username_claim && cfg->username_claim[0]
                                   ? cfg->username_claim
                                   : DEFAULT_USERNAME_CLAIM);
    v->leeway_s = cfg->leeway_s > 0 ? cfg->leeway_s : DEFAULT_LEEWAY_S;
    if (!v->issuer || !v->audience || !v->username_claim || (by_url && !v->jwks_url)) {
        hm_jwt_verifier_destroy(v);
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    }
    *out = v;
    return HM_OK;
}

void hm__jwt_set_fetch(hm_jwt_verifier *v, hm_jwt_fetch_fn fetch, void *ctx)
{
    v->fetch = fetch ? fetch : curl_fetch;
    v->fetch_ctx = ctx;
}

void hm_jwt_verifier_destroy(hm_jwt_verifier *v)
{
    if (!v)
        return;
    hm_jwks_free(v->keys);
    pthread_rwlock_destroy(&v->keys_lock);
    pthread_mutex_destroy(&v->fetch_lock);
    pthread_mutex_destroy(&v->cache_lock);
    free(v->jwks_url);
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

static int signature_valid(const hm_jwk *k, const char *token, const hm_jwt_parts *p)
{
    const unsigned char *sig = p->sig;
    size_t sig_len = p->sig_len;
    unsigned char *der = NULL;
    if (strcmp(k->alg, "ES256") == 0) {
        der = es256_der(p->sig, p->sig_len, &sig_len);
        if (!der)
            return 0;
        sig = der;
    }
    /* EdDSA hashes inside the algorithm: no digest is named for it. */
    const EVP_MD *md = strcmp(k->alg, "EdDSA") == 0 ? NULL : EVP_sha256();
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, k->key) == 1 &&
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

/* 1 when a key of the set verifies the token's signature, -1 when the keys it could be signed
 * with do not, 0 when the set has no key for it (by kid, or of its algorithm). */
static int signed_by_known_key(hm_jwt_verifier *v, const char *token, const hm_jwt_parts *p,
                               const char *kid)
{
    pthread_rwlock_rdlock(&v->keys_lock);
    int found = 0;
    const hm_jwk *k;
    /* Without a kid, each key of the token's algorithm is tried (a set usually has one or two
     * per algorithm); with one, only the key it names. */
    for (size_t i = 0; found != 1 && (k = hm_jwks_find(v->keys, kid, p->alg, i)) != NULL; i++)
        found = signature_valid(k, token, p) ? 1 : -1;
    pthread_rwlock_unlock(&v->keys_lock);
    return found;
}

static int no_key_error(hm_jwt_verifier *v, const char *kid, const char *alg, hm_err *err)
{
    pthread_mutex_lock(&v->fetch_lock);
    int have = v->keys != NULL;
    char why[sizeof v->fetch_error];
    snprintf(why, sizeof why, "%s", v->fetch_error);
    pthread_mutex_unlock(&v->fetch_lock);
    if (!have)
        return hm_err_set(err, HM_EUNAUTH, "the identity provider's signing keys are not"
                          " available (%s): try again later", why);
    if (kid && kid[0])
        return hm_err_set(err, HM_EUNAUTH, "token signed with a key this server does not know"
                          " (kid '%.64s', %s)", kid, alg);
    return hm_err_set(err, HM_EUNAUTH, "token algorithm '%s' not accepted (no %s key"
                      " configured)", alg, alg);
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
    const json_t *kid = json_object_get(p.header, "kid");
    if (kid && !json_is_string(kid))
        rc = hm_err_set(err, HM_EUNAUTH, "invalid token: kid is not a string");
    else if (strcmp(p.alg, "RS256") != 0 && strcmp(p.alg, "ES256") != 0 &&
             strcmp(p.alg, "EdDSA") != 0)
        rc = hm_err_set(err, HM_EUNAUTH, "token algorithm '%s' not accepted (this server takes"
                        " RS256, ES256 and EdDSA)", p.alg);
    else {
        maybe_refresh(v, now_ms, 0);
        int found = signed_by_known_key(v, token, &p, json_string_value(kid));
        if (found == 0 && maybe_refresh(v, now_ms, 1))
            found = signed_by_known_key(v, token, &p, json_string_value(kid));
        if (found == 1)
            rc = claims_valid(v, p.payload, now_ms, username, &exp, err);
        else if (found == -1)
            rc = hm_err_set(err, HM_EUNAUTH, "token signature invalid");
        else
            rc = no_key_error(v, json_string_value(kid), p.alg, err);
    }
    hm_jwt_parts_free(&p);
    if (!rc)
        cache_store(v, hash, exp, username);
    return rc;
}

/* ---- signing (heime's own assertions) ---- */

/* ES256 signatures travel as r || s (RFC 7518, 3.4); OpenSSL makes DER. */
static int es256_raw(const unsigned char *der, size_t len, unsigned char raw[64])
{
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
    int ok = es && BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32) == 32 &&
             BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32) == 32;
    ECDSA_SIG_free(es);
    return ok;
}

static char *b64url_text(const void *data, size_t len)
{
    size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(cap);
    if (out)
        sodium_bin2base64(out, cap, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

int hm_jwt_sign(EVP_PKEY *key, const char *kid, const json_t *claims, char **out, hm_err *err)
{
    *out = NULL;
    char alg[8];
    int rc = hm_jwk_alg_of(key, alg, "the signing key", err);
    if (rc)
        return rc;
    json_t *header = json_pack("{s:s, s:s}", "alg", alg, "typ", "JWT");
    if (header && kid && kid[0])
        json_object_set_new(header, "kid", json_string(kid));
    char *htext = header ? json_dumps(header, JSON_COMPACT) : NULL;
    char *ctext = json_dumps(claims, JSON_COMPACT);
    char *h64 = htext ? b64url_text(htext, strlen(htext)) : NULL;
    char *c64 = ctext ? b64url_text(ctext, strlen(ctext)) : NULL;
    json_decref(header);
    free(htext);
    free(ctext);
    size_t signed_len = h64 && c64 ? strlen(h64) + 1 + strlen(c64) : 0;
    char *input = signed_len ? malloc(signed_len + 1) : NULL;
    unsigned char sig[1024], raw[64];
    size_t sig_len = sizeof sig;
    EVP_MD_CTX *ctx = input ? EVP_MD_CTX_new() : NULL;
    int ok = 0;
    if (ctx) {
        snprintf(input, signed_len + 1, "%s.%s", h64, c64);
        const EVP_MD *md = strcmp(alg, "EdDSA") == 0 ? NULL : EVP_sha256();
        ok = EVP_DigestSignInit(ctx, NULL, md, NULL, key) == 1 &&
             EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)input, signed_len) == 1;
    }
    if (ok && strcmp(alg, "ES256") == 0) {
        ok = es256_raw(sig, sig_len, raw);
        memcpy(sig, raw, sizeof raw);
        sig_len = sizeof raw;
    }
    char *s64 = ok ? b64url_text(sig, sig_len) : NULL;
    if (s64) {
        size_t n = signed_len + 1 + strlen(s64) + 1;
        *out = malloc(n);
        if (*out)
            snprintf(*out, n, "%s.%s", input, s64);
    }
    EVP_MD_CTX_free(ctx);
    free(h64);
    free(c64);
    free(input);
    free(s64);
    if (!*out)
        return hm_err_set(err, ok ? HM_ENOMEM : HM_EIO, "cannot sign the client assertion%s",
                          ok ? ": out of memory" : " with the configured key");
    return HM_OK;
}
