/* test_jwt: tokens of an external identity provider. Keys are generated here (RSA 2048, P-256,
 * Ed25519), tokens signed here with OpenSSL, and every way a token can be wrong is refused with
 * its reason: signature, algorithm (none, HMAC, another key type), expiry and not-before with
 * leeway, issuer, audience (string or array), the username claim, malformed parts. */
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
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <sodium.h>

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

static char *claims(const char *extra)
{
    static char c[2048];
    snprintf(c, sizeof c,
             "{\"iss\": \"%s\", \"aud\": \"%s\", \"exp\": %lld, \"iat\": %lld,"
             " \"preferred_username\": \"tromso.sentrum2\"%s}",
             ISS, AUD, NOW_S + 300, NOW_S - 10, extra);
    return c;
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

static void expect_refused(hm_jwt_verifier *v, const char *tok, const char *why)
{
    char user[HM_JWT_USERNAME_MAX];
    hm_err err = {0};
    assert_int_equal(hm_jwt_verify(v, tok, NOW_MS, user, &err), HM_EUNAUTH);
    if (!strstr(err.msg, why))
        fail_msg("expected '%s', got '%s'", why, err.msg);
}

static void expect_user(hm_jwt_verifier *v, const char *tok, const char *who)
{
    char user[HM_JWT_USERNAME_MAX];
    hm_err err = {0};
    int rc = hm_jwt_verify(v, tok, NOW_MS, user, &err);
    if (rc)
        fail_msg("refused: %s", err.msg);
    assert_string_equal(user, who);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
