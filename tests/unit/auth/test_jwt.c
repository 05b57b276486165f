/* test_jwt: tokens of an external identity provider. Keys are generated here (RSA 2048, P-256,
 * Ed25519), tokens signed here with OpenSSL, and every way a token can be wrong is refused with
 * its reason: signature, algorithm (none, HMAC, another key type), expiry and not-before with
 * leeway, issuer, audience (string or array), the username claim, malformed parts. Key sets
 * (JWKS) of each kind, keys picked by kid, sets that are fetched again when the IdP rotates
 * (a test fetcher in place of libcurl, on the test's clock), and heime's own signed
 * assertions (private_key_jwt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "auth/jwks.h"
#include "auth/jwt.h"

#define NOW_S 1795000000LL /* 2026-11-19 */
#define NOW_MS (NOW_S * 1000)
#define ISS "https://idp.example.test/realms/heime"
#define AUD "heime"

struct keyset {
    EVP_PKEY *key;
    const char *alg;
    char pem[64]; /* the public key's temporary file */
};

static void b64url(const void *data, size_t len, char *out, size_t cap)
{
    sodium_bin2base64(out, cap, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ES256 signs r || s; OpenSSL gives DER. */
static size_t der_to_raw(const unsigned char *der, size_t len, unsigned char raw[64])
{
    const unsigned char *p = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
    assert_non_null(s);
    memset(raw, 0, 64);
    BN_bn2binpad(ECDSA_SIG_get0_r(s), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(s), raw + 32, 32);
    ECDSA_SIG_free(s);
    return 64;
}

/* A token with the given header and claims (JSON text), signed by k (or unsigned: "sig" as is). */
static char *token(const struct keyset *k, const char *header, const char *claims)
{
    static char buf[HM_JWT_MAX_LEN * 2];
    char h[2048], c[4096];
    b64url(header, strlen(header), h, sizeof h);
    b64url(claims, strlen(claims), c, sizeof c);
    snprintf(buf, sizeof buf, "%s.%s", h, c);
    unsigned char sig[1024];
    size_t sig_len = sizeof sig;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    const EVP_MD *md = strcmp(k->alg, "EdDSA") == 0 ? NULL : EVP_sha256();
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, md, NULL, k->key), 1);
    assert_int_equal(EVP_DigestSign(ctx, sig, &sig_len, (unsigned char *)buf, strlen(buf)), 1);
    EVP_MD_CTX_free(ctx);
    unsigned char raw[64];
    if (strcmp(k->alg, "ES256") == 0)
        sig_len = der_to_raw(sig, sig_len, raw);
    char s[2048];
    b64url(strcmp(k->alg, "ES256") == 0 ? raw : sig, sig_len, s, sizeof s);
    size_t n = strlen(buf);
    snprintf(buf + n, sizeof buf - n, ".%s", s);
    return buf;
}

/* Claims issued at NOW_S + at_s (valid five minutes), plus extra members. */
static char *claims_at(long long at_s, const char *extra)
{
    static char c[2048];
    snprintf(c, sizeof c,
             "{\"iss\": \"%s\", \"aud\": \"%s\", \"exp\": %lld, \"iat\": %lld,"
             " \"preferred_username\": \"tromso.sentrum2\"%s}",
             ISS, AUD, NOW_S + at_s + 300, NOW_S + at_s - 10, extra);
    return c;
}

static char *claims(const char *extra)
{
    return claims_at(0, extra);
}

static void keyset_make(struct keyset *k, const char *alg)
{
    k->alg = alg;
    if (strcmp(alg, "RS256") == 0)
        k->key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    else if (strcmp(alg, "ES256") == 0)
        k->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    else
        k->key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    assert_non_null(k->key);
    snprintf(k->pem, sizeof k->pem, "/tmp/heime-jwt-test-XXXXXX");
    int fd = mkstemp(k->pem);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_int_equal(PEM_write_PUBKEY(f, k->key), 1);
    fclose(f);
}

static hm_jwt_verifier *verifier(const struct keyset *k)
{
    hm_jwt_verifier *v;
    hm_err err = {0};
    hm_jwt_config cfg = {.public_key_file = k->pem, .issuer = ISS, .audience = AUD};
    assert_int_equal(hm_jwt_verifier_create(&cfg, &v, &err), HM_OK);
    return v;
}

static void expect_refused_at(hm_jwt_verifier *v, const char *tok, int64_t now_ms, const char *why)
{
    char user[HM_JWT_USERNAME_MAX];
    hm_err err = {0};
    assert_int_equal(hm_jwt_verify(v, tok, now_ms, user, &err), HM_EUNAUTH);
    if (!strstr(err.msg, why))
        fail_msg("expected '%s', got '%s'", why, err.msg);
}

static void expect_refused(hm_jwt_verifier *v, const char *tok, const char *why)
{
    expect_refused_at(v, tok, NOW_MS, why);
}

static void expect_user_at(hm_jwt_verifier *v, const char *tok, int64_t now_ms, const char *who)
{
    char user[HM_JWT_USERNAME_MAX];
    hm_err err = {0};
    int rc = hm_jwt_verify(v, tok, now_ms, user, &err);
    if (rc)
        fail_msg("refused: %s", err.msg);
    assert_string_equal(user, who);
}

static void expect_user(hm_jwt_verifier *v, const char *tok, const char *who)
{
    expect_user_at(v, tok, NOW_MS, who);
}

static void each_algorithm_verifies_its_own_tokens(void **state)
{
    (void)state;
    const char *algs[] = {"RS256", "ES256", "EdDSA"};
    struct keyset k[3];
    for (int i = 0; i < 3; i++)
        keyset_make(&k[i], algs[i]);
    for (int i = 0; i < 3; i++) {
        hm_jwt_verifier *v = verifier(&k[i]);
        char header[64];
        snprintf(header, sizeof header, "{\"alg\": \"%s\", \"typ\": \"JWT\"}", algs[i]);
        expect_user(v, token(&k[i], header, claims("")), "tromso.sentrum2");
        /* another key of the same kind, or another kind of key */
        struct keyset other;
        keyset_make(&other, algs[i]);
        expect_refused(v, token(&other, header, claims("")), "signature invalid");
        expect_refused(v, token(&k[(i + 1) % 3], header, claims("")), "signature invalid");
        unlink(other.pem);
        EVP_PKEY_free(other.key);
        /* a header naming another algorithm than the key's */
        char wrong[64];
        snprintf(wrong, sizeof wrong, "{\"alg\": \"%s\"}", algs[(i + 1) % 3]);
        expect_refused(v, token(&k[(i + 1) % 3], wrong, claims("")), "not accepted");
        hm_jwt_verifier_destroy(v);
    }
    for (int i = 0; i < 3; i++) {
        unlink(k[i].pem);
        EVP_PKEY_free(k[i].key);
    }
}

/* The classic forgeries: alg none with no signature, and HS256 "signed" with the public key. */
static void none_and_hmac_are_refused(void **state)
{
    (void)state;
    struct keyset k;
    keyset_make(&k, "RS256");
    hm_jwt_verifier *v = verifier(&k);
    char h[256], c[2048], tok[4096];
    b64url("{\"alg\":\"none\"}", 14, h, sizeof h);
    b64url(claims(""), strlen(claims("")), c, sizeof c);
    snprintf(tok, sizeof tok, "%s.%s.", h, c);
    expect_refused(v, tok, "invalid token");
    snprintf(tok, sizeof tok, "%s.%s.AAAA", h, c);
    expect_refused(v, tok, "algorithm 'none' not accepted");
    FILE *f = fopen(k.pem, "r");
    char pem[4096];
    size_t n = fread(pem, 1, sizeof pem, f);
    fclose(f);
    unsigned char mac[32];
    b64url("{\"alg\":\"HS256\"}", 15, h, sizeof h);
    snprintf(tok, sizeof tok, "%s.%s", h, c);
    unsigned int maclen = 0;
    unsigned char *m = HMAC(EVP_sha256(), pem, (int)n, (unsigned char *)tok, strlen(tok), mac,
                            &maclen);
    assert_non_null(m);
    char s[128];
    b64url(mac, maclen, s, sizeof s);
    size_t len = strlen(tok);
    snprintf(tok + len, sizeof tok - len, ".%s", s);
    expect_refused(v, tok, "algorithm 'HS256' not accepted");
    hm_jwt_verifier_destroy(v);
    unlink(k.pem);
    EVP_PKEY_free(k.key);
}

static void claims_are_checked(void **state)
{
    (void)state;
    struct keyset k;
    keyset_make(&k, "EdDSA");
    hm_jwt_verifier *v = verifier(&k);
    const char *h = "{\"alg\": \"EdDSA\"}";
    char c[2048];
    /* expiry, with 60 s of leeway */
    snprintf(c, sizeof c, "{\"iss\": \"%s\", \"aud\": \"%s\", \"exp\": %lld, \"sub\": \"x\","
             " \"preferred_username\": \"a\"}", ISS, AUD, NOW_S - 61);
    expect_refused(v, token(&k, h, c), "token expired");
    snprintf(c, sizeof c, "{\"iss\": \"%s\", \"aud\": \"%s\", \"exp\": %lld,"
             " \"preferred_username\": \"a\"}", ISS, AUD, NOW_S - 30);
    expect_user(v, token(&k, h, c), "a");
    snprintf(c, sizeof c, "{\"iss\": \"%s\", \"aud\": \"%s\", \"preferred_username\": \"a\"}",
             ISS, AUD);
    expect_refused(v, token(&k, h, c), "no valid expiry");
    snprintf(c, sizeof c, "{\"iss\": \"%s\", \"aud\": \"%s\", \"exp\": \"soon\","
             " \"preferred_username\": \"a\"}", ISS, AUD);
    expect_refused(v, token(&k, h, c), "no valid expiry");
    /* not before, issued at */
    char extra[128];
    snprintf(extra, sizeof extra, ", \"nbf\": %lld", NOW_S + 120);
    expect_refused(v, token(&k, h, claims(extra)), "not yet valid");
    snprintf(extra, sizeof extra, ", \"nbf\": %lld", NOW_S + 30);
    expect_user(v, token(&k, h, claims(extra)), "tromso.sentrum2");
    snprintf(c, sizeof c, "{\"iss\": \"%s\", \"aud\": \"%s\", \"exp\": %lld, \"iat\": %lld,"
             " \"preferred_username\": \"a\"}", ISS, AUD, NOW_S + 900, NOW_S + 600);
    expect_refused(v, token(&k, h, c), "issued in the future");
    /* issuer and audience */
    snprintf(c, sizeof c, "{\"iss\": \"https://other.example.test\", \"aud\": \"%s\","
             " \"exp\": %lld, \"preferred_username\": \"a\"}", AUD, NOW_S + 60);
    expect_refused(v, token(&k, h, c), "issuer not accepted");
    snprintf(c, sizeof c, "{\"iss\": \"%s\", \"aud\": \"another-app\", \"exp\": %lld,"
             " \"preferred_username\": \"a\"}", ISS, NOW_S + 60);
    expect_refused(v, token(&k, h, c), "audience not accepted");
    snprintf(c, sizeof c, "{\"iss\": \"%s\", \"aud\": [\"another-app\", \"%s\"], \"exp\": %lld,"
             " \"preferred_username\": \"b\"}", ISS, AUD, NOW_S + 60);
    expect_user(v, token(&k, h, c), "b");
    snprintf(c, sizeof c, "{\"iss\": \"%s\", \"aud\": [\"another-app\"], \"exp\": %lld,"
             " \"preferred_username\": \"b\"}", ISS, NOW_S + 60);
    expect_refused(v, token(&k, h, c), "audience not accepted");
    /* the username claim */
    snprintf(c, sizeof c, "{\"iss\": \"%s\", \"aud\": \"%s\", \"exp\": %lld, \"sub\": \"x\"}",
             ISS, AUD, NOW_S + 60);
    expect_refused(v, token(&k, h, c), "no usable 'preferred_username' claim");
    char longname[200];
    memset(longname, 'a', 100);
    longname[100] = '\0';
    snprintf(c, sizeof c, "{\"iss\": \"%s\", \"aud\": \"%s\", \"exp\": %lld,"
             " \"preferred_username\": \"%s\"}", ISS, AUD, NOW_S + 60, longname);
    expect_refused(v, token(&k, h, c), "no usable");
    /* a token verified before (answered from the cache) still expires */
    char *tok = strdup(token(&k, h, claims("")));
    expect_user(v, tok, "tromso.sentrum2");
    expect_user(v, tok, "tromso.sentrum2");
    char user[HM_JWT_USERNAME_MAX];
    hm_err xerr = {0};
    assert_int_equal(hm_jwt_verify(v, tok, NOW_MS + 400 * 1000, user, &xerr), HM_EUNAUTH);
    assert_non_null(strstr(xerr.msg, "token expired"));
    free(tok);
    hm_jwt_verifier_destroy(v);
    /* another claim names the account when configured so */
    hm_err err = {0};
    hm_jwt_config cfg = {.public_key_file = k.pem, .issuer = ISS, .audience = AUD,
                         .username_claim = "upn"};
    assert_int_equal(hm_jwt_verifier_create(&cfg, &v, &err), HM_OK);
    expect_user(v, token(&k, h, claims(", \"upn\": \"c.d\"")), "c.d");
    hm_jwt_verifier_destroy(v);
    unlink(k.pem);
    EVP_PKEY_free(k.key);
}

static void malformed_tokens_are_refused(void **state)
{
    (void)state;
    struct keyset k;
    keyset_make(&k, "EdDSA");
    hm_jwt_verifier *v = verifier(&k);
    const char *bad[] = {"", "a.b", "a.b.c.d", "..", "!!!.e30.AAAA", "e30.e30.AAAA",
                         "W10.e30.AAAA" /* [] as header */, "eyJhbGciOiJFZERTQSJ9.W10.AAAA"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_refused(v, bad[i], "token");
    expect_refused(v, token(&k, "{\"alg\": \"EdDSA\", \"crit\": [\"exp\"]}", claims("")),
                   "header not accepted");
    expect_refused(v, token(&k, "{\"alg\": \"EdDSA\", \"typ\": \"dpop+jwt\"}", claims("")),
                   "header not accepted");
    expect_user(v, token(&k, "{\"alg\": \"EdDSA\", \"typ\": \"at+jwt\"}", claims("")),
                "tromso.sentrum2");
    /* a tampered payload */
    char *tok = strdup(token(&k, "{\"alg\": \"EdDSA\"}", claims("")));
    char *dot = strchr(tok, '.');
    dot[3] = dot[3] == 'A' ? 'B' : 'A';
    expect_refused(v, tok, "token");
    free(tok);
    /* too long: refused before decoding */
    char *huge = malloc(HM_JWT_MAX_LEN + 10);
    memset(huge, 'a', HM_JWT_MAX_LEN + 9);
    huge[10] = huge[20] = '.';
    huge[HM_JWT_MAX_LEN + 9] = '\0';
    expect_refused(v, huge, "too long");
    free(huge);
    assert_true(hm_jwt_looks_like("a.b.c"));
    assert_false(hm_jwt_looks_like("abcdefghijklmnopqrstuvwxyz0123456789_-ABCDE"));
    hm_jwt_verifier_destroy(v);
    unlink(k.pem);
    EVP_PKEY_free(k.key);
}

static void configuration_errors_are_clear(void **state)
{
    (void)state;
    hm_jwt_verifier *v;
    hm_err err = {0};
    struct keyset k;
    keyset_make(&k, "ES256");
    hm_jwt_config no_iss = {.public_key_file = k.pem, .audience = AUD};
    assert_int_equal(hm_jwt_verifier_create(&no_iss, &v, &err), HM_EINVAL);
    assert_non_null(strstr(err.msg, "jwt_issuer"));
    hm_jwt_config missing = {.public_key_file = "/nonexistent/key.pem", .issuer = ISS,
                             .audience = AUD};
    assert_int_equal(hm_jwt_verifier_create(&missing, &v, &err), HM_EINVAL);
    assert_non_null(strstr(err.msg, "cannot open"));
    /* not a key */
    FILE *f = fopen(k.pem, "w");
    fputs("hello\n", f);
    fclose(f);
    hm_jwt_config notkey = {.public_key_file = k.pem, .issuer = ISS, .audience = AUD};
    assert_int_equal(hm_jwt_verifier_create(&notkey, &v, &err), HM_EINVAL);
    assert_non_null(strstr(err.msg, "not a PEM public key"));
    /* a weak RSA key and a curve other than P-256 */
    EVP_PKEY *weak = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    EVP_PKEY *keys[] = {weak, p384};
    const char *why[] = {"at least 2048 bits", "P-256"};
    for (int i = 0; i < 2; i++) {
        f = fopen(k.pem, "w");
        PEM_write_PUBKEY(f, keys[i]);
        fclose(f);
        assert_int_equal(hm_jwt_verifier_create(&notkey, &v, &err), HM_EINVAL);
        assert_non_null(strstr(err.msg, why[i]));
        EVP_PKEY_free(keys[i]);
    }
    unlink(k.pem);
    EVP_PKEY_free(k.key);
}

/* ---- key sets ---- */

static void b64url_param(const unsigned char *data, size_t len, char *out, size_t cap)
{
    b64url(data, len, out, cap);
}

/* k's public key as a JWK (JSON object text) named kid; extra members appended. */
static void jwk_of(const struct keyset *k, const char *kid, const char *extra, char *out,
                   size_t cap)
{
    char a[1024], b[1024];
    unsigned char buf[600];
    size_t len = 0;
    if (strcmp(k->alg, "RS256") == 0) {
        BIGNUM *n = NULL, *e = NULL;
        assert_int_equal(EVP_PKEY_get_bn_param(k->key, OSSL_PKEY_PARAM_RSA_N, &n), 1);
        assert_int_equal(EVP_PKEY_get_bn_param(k->key, OSSL_PKEY_PARAM_RSA_E, &e), 1);
        b64url_param(buf, (size_t)BN_bn2bin(n, buf), a, sizeof a);
        b64url_param(buf, (size_t)BN_bn2bin(e, buf), b, sizeof b);
        snprintf(out, cap, "{\"kty\": \"RSA\", \"kid\": \"%s\", \"n\": \"%s\", \"e\": \"%s\"%s}",
                 kid, a, b, extra);
        BN_free(n);
        BN_free(e);
    } else if (strcmp(k->alg, "ES256") == 0) {
        assert_int_equal(EVP_PKEY_get_octet_string_param(k->key, OSSL_PKEY_PARAM_PUB_KEY, buf,
                                                         sizeof buf, &len), 1);
        assert_int_equal(len, 65);
        b64url_param(buf + 1, 32, a, sizeof a);
        b64url_param(buf + 33, 32, b, sizeof b);
        snprintf(out, cap, "{\"kty\": \"EC\", \"crv\": \"P-256\", \"kid\": \"%s\", \"x\": \"%s\","
                 " \"y\": \"%s\"%s}", kid, a, b, extra);
    } else {
        len = 32;
        assert_int_equal(EVP_PKEY_get_raw_public_key(k->key, buf, &len), 1);
        b64url_param(buf, len, a, sizeof a);
        snprintf(out, cap, "{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"kid\": \"%s\", \"x\": \"%s\"%s}",
                 kid, a, extra);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Appends text to the NUL-terminated buf of cap bytes (the test's sets fit). */
static void append(char *buf, size_t cap, const char *text)
{
    size_t used = strlen(buf);
    assert_true(used + strlen(text) < cap);
    snprintf(buf + used, cap - used, "%s", text);
}

/* A set of the three kinds, each picked by its kid; a key of another kind, an encryption key
 * and an unknown key type in the set are skipped; a token naming a kid the set lacks, or the
 * kid of another key, is refused with its reason. */
static void a_key_set_picks_the_key_by_kid(void **state)
{
    (void)state;
    struct keyset k[3], stranger;
    const char *algs[] = {"RS256", "ES256", "EdDSA"}, *kids[] = {"rsa-1", "ec-1", "ed-1"};
    char set[16384] = "{\"keys\": [{\"kty\": \"oct\", \"k\": \"c2VjcmV0\"}", jwk[4096];
    for (int i = 0; i < 3; i++) {
        keyset_make(&k[i], algs[i]);
        jwk_of(&k[i], kids[i], "", jwk, sizeof jwk);
        append(set, sizeof set, ", ");
        append(set, sizeof set, jwk);
    }
    keyset_make(&stranger, "ES256");
    jwk_of(&stranger, "enc-1", ", \"use\": \"enc\"", jwk, sizeof jwk);
    append(set, sizeof set, ", ");
    append(set, sizeof set, jwk);
    append(set, sizeof set, "]}");
    write_file(k[0].pem, set); /* a key file may hold a JWKS */
    hm_jwt_verifier *v = verifier(&k[0]);
    char header[128];
    for (int i = 0; i < 3; i++) {
        snprintf(header, sizeof header, "{\"alg\": \"%s\", \"kid\": \"%s\"}", algs[i], kids[i]);
        expect_user(v, token(&k[i], header, claims("")), "tromso.sentrum2");
    }
    /* a token naming a key of the set but signed with another: the signature fails */
    expect_refused(v, token(&stranger, "{\"alg\": \"ES256\", \"kid\": \"ec-1\"}", claims("")),
                   "signature invalid");
    /* without a kid the keys of the algorithm are tried */
    expect_user(v, token(&k[2], "{\"alg\": \"EdDSA\"}", claims("")), "tromso.sentrum2");
    expect_refused(v, token(&k[1], "{\"alg\": \"ES256\", \"kid\": \"ec-9\"}", claims("")),
                   "key this server does not know (kid 'ec-9'");
    /* the encryption key is not a signature key */
    expect_refused(v, token(&stranger, "{\"alg\": \"ES256\", \"kid\": \"enc-1\"}", claims("")),
                   "does not know");
    /* a kid that names a key of another algorithm */
    expect_refused(v, token(&k[2], "{\"alg\": \"EdDSA\", \"kid\": \"rsa-1\"}", claims("")),
                   "does not know");
    hm_jwt_verifier_destroy(v);
    for (int i = 0; i < 3; i++) {
        unlink(k[i].pem);
        EVP_PKEY_free(k[i].key);
    }
    unlink(stranger.pem);
    EVP_PKEY_free(stranger.key);
}

/* Broken or useless sets are refused with the reason; nothing leaks. */
static void bad_key_sets_are_refused(void **state)
{
    (void)state;
    struct keyset k;
    keyset_make(&k, "ES256");
    char jwk[4096], text[8192];
    jwk_of(&k, "ec-1", "", jwk, sizeof jwk);
    /* the point moved off the curve: y changed in its last character */
    char *y = strstr(jwk, "\"y\": \"") + 6;
    char *end = strchr(y, '"');
    end[-1] = end[-1] == 'A' ? 'B' : 'A';
    const char *cases[][2] = {
        {"[]", "not a JSON Web Key Set"},
        {"{\"keys\": {}}", "not a JSON Web Key Set"},
        {"{\"keys\": []}", "no signature key"},
        {"{\"keys\": [{\"kty\": \"oct\", \"k\": \"c2VjcmV0\"}]}", "no signature key"},
        {"{\"keys\": [{\"kty\": \"RSA\", \"n\": \"!!\", \"e\": \"AQAB\"}]}", "key 1: its parameters"},
        {"{\"keys\": [{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"AAAA\"}]}", "key 1: its parameters"},
        {"{\"keys\": [{\"n\": \"AQAB\"}]}", "key 1: a key without kty"},
        {"{\"keys\": [{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"AAAA\", \"kid\": 7}]}",
         "kid is not a string"},
        {jwk, "key 1: its parameters"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "%s", cases[i][0]);
        if (cases[i][0] == jwk)
            snprintf(text, sizeof text, "{\"keys\": [%s]}", jwk);
        hm_jwks *s = NULL;
        hm_err err = {0};
        assert_int_equal(hm_jwks_parse(text, strlen(text), "test", &s, &err), HM_EINVAL);
        assert_null(s);
        if (!strstr(err.msg, cases[i][1]))
            fail_msg("case %zu: expected '%s', got '%s'", i, cases[i][1], err.msg);
    }
    /* an RSA key under 2048 bits and a P-384 key are skipped, which leaves nothing */
    struct keyset weak = {.alg = "RS256"}, p384 = {.alg = "ES256"};
    weak.key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    p384.key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    char a[4096];
    jwk_of(&weak, "weak", "", a, sizeof a);
    snprintf(text, sizeof text, "{\"keys\": [%s, {\"kty\": \"EC\", \"crv\": \"P-384\", \"x\": \"AA\", \"y\": \"AA\"}]}", a);
    hm_jwks *s = NULL;
    hm_err err = {0};
    assert_int_equal(hm_jwks_parse(text, strlen(text), "test", &s, &err), HM_EINVAL);
    assert_non_null(strstr(err.msg, "key 2"));
    snprintf(text, sizeof text, "{\"keys\": [%s]}", a);
    assert_int_equal(hm_jwks_parse(text, strlen(text), "test", &s, &err), HM_EINVAL);
    assert_non_null(strstr(err.msg, "no signature key"));
    EVP_PKEY_free(weak.key);
    EVP_PKEY_free(p384.key);
    unlink(k.pem);
    EVP_PKEY_free(k.key);
}

/* The test's stand-in for the IdP's jwks_uri: answers `text` (or fails when it is NULL) and
 * counts the requests. */
struct fake_idp {
    const char *text;
    int fetches;
};

static int fake_fetch(void *ctx, const char *url, long timeout_ms, char **body, size_t *len,
                      hm_err *err)
{
    (void)url;
    (void)timeout_ms;
    struct fake_idp *idp = ctx;
    idp->fetches++;
    if (!idp->text)
        return hm_err_set(err, HM_EIO, "cannot be reached: connection refused");
    *body = strdup(idp->text);
    *len = strlen(idp->text);
    return HM_OK;
}

/* Keys from a URL: fetched when first needed; a token naming a new kid fetches again (the IdP
 * rotated), but not within 10 s of the last try; after an hour the set is fetched again, so a
 * withdrawn key stops verifying; an IdP that is down keeps the keys fetched before. */
static void keys_from_a_url_follow_the_rotation(void **state)
{
    (void)state;
    struct keyset a, b;
    keyset_make(&a, "EdDSA");
    keyset_make(&b, "ES256");
    char ja[2048], jb[2048], set_a[4096], set_ab[8192], set_b[4096];
    jwk_of(&a, "a", "", ja, sizeof ja);
    jwk_of(&b, "b", ", \"use\": \"sig\", \"alg\": \"ES256\"", jb, sizeof jb);
    snprintf(set_a, sizeof set_a, "{\"keys\": [%s]}", ja);
    snprintf(set_ab, sizeof set_ab, "{\"keys\": [%s, %s]}", ja, jb);
    snprintf(set_b, sizeof set_b, "{\"keys\": [%s]}", jb);
    struct fake_idp idp = {.text = NULL};
    hm_jwt_verifier *v;
    hm_err err = {0};
    hm_jwt_config cfg = {.jwks_url = "https://idp.example.test/jwks", .issuer = ISS, .audience = AUD};
    assert_int_equal(hm_jwt_verifier_create(&cfg, &v, &err), HM_OK);
    hm__jwt_set_fetch(v, fake_fetch, &idp);
    const char *ha = "{\"alg\": \"EdDSA\", \"kid\": \"a\"}", *hb = "{\"alg\": \"ES256\", \"kid\": \"b\"}";
    /* the IdP is down at the start: refused with the reason, and retried only after 10 s */
    assert_int_equal(hm_jwt_refresh(v, NOW_MS, &err), HM_EIO);
    expect_refused_at(v, token(&a, ha, claims_at(1, "")), NOW_MS + 1000, "keys are not available (cannot be reached");
    assert_int_equal(idp.fetches, 1);
    idp.text = set_a;
    expect_user_at(v, token(&a, ha, claims_at(11, "")), NOW_MS + 11000, "tromso.sentrum2");
    assert_int_equal(idp.fetches, 2);
    /* the IdP adds key b and signs with it: the unknown kid fetches again, once 10 s passed */
    idp.text = set_ab;
    expect_refused_at(v, token(&b, hb, claims_at(15, "")), NOW_MS + 15000, "does not know (kid 'b'");
    assert_int_equal(idp.fetches, 2);
    expect_user_at(v, token(&b, hb, claims_at(22, "")), NOW_MS + 22000, "tromso.sentrum2");
    assert_int_equal(idp.fetches, 3);
    expect_user_at(v, token(&a, ha, claims_at(23, "")), NOW_MS + 23000, "tromso.sentrum2");
    assert_int_equal(idp.fetches, 3);
    /* it withdraws a; an hour later the set is fetched again and a no longer verifies */
    idp.text = set_b;
    expect_user_at(v, token(&a, ha, claims_at(1800, "")), NOW_MS + 1800000, "tromso.sentrum2");
    expect_refused_at(v, token(&a, ha, claims_at(3630, "")), NOW_MS + 3630000, "does not know (kid 'a'");
    assert_int_equal(idp.fetches, 4);
    /* the IdP goes down: the keys fetched before stay in use */
    idp.text = NULL;
    expect_user_at(v, token(&b, hb, claims_at(7300, "")), NOW_MS + 7300000, "tromso.sentrum2");
    assert_int_equal(idp.fetches, 5);
    /* a flood of made-up kids costs at most one fetch per 10 s */
    char h[64];
    for (int i = 0; i < 50; i++) {
        snprintf(h, sizeof h, "{\"alg\": \"ES256\", \"kid\": \"x%d\"}", i);
        expect_refused_at(v, token(&b, h, claims_at(7301, "")), NOW_MS + 7301000 + i * 100, "does not know");
    }
    assert_int_equal(idp.fetches, 5);
    hm_jwt_verifier_destroy(v);
    unlink(a.pem);
    unlink(b.pem);
    EVP_PKEY_free(a.key);
    EVP_PKEY_free(b.key);
}

/* heime's client assertions (private_key_jwt): signed with each kind of key, with the kid in
 * the header, they verify with the public key. */
static void own_assertions_verify(void **state)
{
    (void)state;
    const char *algs[] = {"RS256", "ES256", "EdDSA"};
    for (int i = 0; i < 3; i++) {
        struct keyset k;
        keyset_make(&k, algs[i]);
        hm_jwt_verifier *v = verifier(&k);
        json_error_t jerr;
        json_t *c = json_loads(claims(""), 0, &jerr);
        char *tok = NULL;
        hm_err err = {0};
        assert_int_equal(hm_jwt_sign(k.key, "heime-1", c, &tok, &err), HM_OK);
        expect_user(v, tok, "tromso.sentrum2");
        hm_jwt_parts p;
        assert_int_equal(hm_jwt_parse(tok, &p, &err), HM_OK);
        assert_string_equal(p.alg, algs[i]);
        assert_string_equal(json_string_value(json_object_get(p.header, "kid")), "heime-1");
        hm_jwt_parts_free(&p);
        free(tok);
        json_decref(c);
        hm_jwt_verifier_destroy(v);
        unlink(k.pem);
        EVP_PKEY_free(k.key);
    }
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_algorithm_verifies_its_own_tokens),
        cmocka_unit_test(none_and_hmac_are_refused),
        cmocka_unit_test(claims_are_checked),
        cmocka_unit_test(malformed_tokens_are_refused),
        cmocka_unit_test(configuration_errors_are_clear),
        cmocka_unit_test(a_key_set_picks_the_key_by_kid),
        cmocka_unit_test(bad_key_sets_are_refused),
        cmocka_unit_test(keys_from_a_url_follow_the_rotation),
        cmocka_unit_test(own_assertions_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
