/* oidc.c: see oidc.h. */
#include "auth/oidc.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwks.h"
#include "auth/jwt.h"
#include "base/curl_body.h"
#include "base/log.h"
#include "base/time.h"

#define ANSWER_MAX (64 << 10) /* a token response is a few KB */
#define SECRET_MAX 512
#define ASSERTION_MAX 4096    /* a signed client assertion: a few hundred bytes */
#define ASSERTION_LIFE_S 60   /* it is used at once; a short life limits a replay */

struct hm_oidc {
    char *authorize_url, *token_url, *client_id, *secret, *scope, *name;
    EVP_PKEY *client_key; /* private_key_jwt: heime signs a client assertion with it */
    char *client_key_id;
    char *assertion_audience; /* NULL: the token endpoint */
    long timeout_ms;
};

/* The client secret: the file's first line, without its line end. */
static int read_secret(const char *path, char **out, hm_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return hm_err_set(err, HM_EINVAL, "oidc_client_secret_file: cannot read '%s'", path);
    char buf[SECRET_MAX + 2];
    int ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    buf[ok ? strcspn(buf, "\r\n") : 0] = '\0';
    if (!buf[0] || strlen(buf) > SECRET_MAX)
        return hm_err_set(err, HM_EINVAL, "oidc_client_secret_file: '%s' holds no secret of 1 to %d"
                          " characters on its first line", path, SECRET_MAX);
    *out = strdup(buf);
    return *out ? HM_OK : hm_err_set(err, HM_ENOMEM, "out of memory");
}

/* heime's private key for private_key_jwt, of a kind it can sign with (auth/jwks.h). */
static int read_client_key(const char *path, EVP_PKEY **out, hm_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return hm_err_set(err, HM_EINVAL, "oidc_client_key_file: cannot read '%s'", path);
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!key)
        return hm_err_set(err, HM_EINVAL, "oidc_client_key_file: '%s' is not a PEM private key"
                          " (without a passphrase)", path);
    char alg[8];
    int rc = hm_jwk_alg_of(key, alg, "oidc_client_key_file", err);
    if (rc) {
        EVP_PKEY_free(key);
        return rc;
    }
    *out = key;
    return HM_OK;
}

int hm_oidc_create(const hm_oidc_config *cfg, hm_oidc **out, hm_err *err)
{
    if (!hm_is_http_url(cfg->authorize_url))
        return hm_err_set(err, HM_EINVAL, "oidc_authorize_url must be an http(s) URL");
    if (!hm_is_http_url(cfg->token_url))
        return hm_err_set(err, HM_EINVAL, "oidc_token_url must be an http(s) URL");
    if (!cfg->client_id || !cfg->client_id[0])
        return hm_err_set(err, HM_EINVAL, "oidc_client_id is required with oidc_authorize_url");
    int with_secret = cfg->client_secret_file && cfg->client_secret_file[0];
    int with_key = cfg->client_key_file && cfg->client_key_file[0];
    if (with_secret && with_key)
        return hm_err_set(err, HM_EINVAL, "set oidc_client_secret_file or oidc_client_key_file,"
                          " not both: the IdP takes one way of authenticating its client");
    hm_oidc *o = calloc(1, sizeof *o);
    if (!o)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    o->authorize_url = strdup(cfg->authorize_url);
    o->token_url = strdup(cfg->token_url);
    o->client_id = strdup(cfg->client_id);
    o->scope = strdup(cfg->scope && cfg->scope[0] ? cfg->scope : "openid");
    o->name = strdup(cfg->name && cfg->name[0] ? cfg->name : "");
    o->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 10000;
    int rc = o->authorize_url && o->token_url && o->client_id && o->scope && o->name
                 ? HM_OK
                 : hm_err_set(err, HM_ENOMEM, "out of memory");
    if (!rc && with_secret)
        rc = read_secret(cfg->client_secret_file, &o->secret, err);
    if (!rc && with_key)
        rc = read_client_key(cfg->client_key_file, &o->client_key, err);
    if (!rc && cfg->client_key_id && cfg->client_key_id[0] &&
        !(o->client_key_id = strdup(cfg->client_key_id)))
        rc = hm_err_set(err, HM_ENOMEM, "out of memory");
    if (!rc && cfg->assertion_audience && cfg->assertion_audience[0] &&
        !(o->assertion_audience = strdup(cfg->assertion_audience)))
        rc = hm_err_set(err, HM_ENOMEM, "out of memory");
    if (rc) {
        hm_oidc_destroy(o);
        return rc;
    }
    if (strncmp(o->token_url, "http://", 7) == 0)
        HM_LOG(HM_LOG_WARN, "oidc: the token endpoint %s is plain http: only for testing",
               o->token_url);
    *out = o;
    return HM_OK;
}

void hm_oidc_destroy(hm_oidc *o)
{
    if (!o)
        return;
    free(o->authorize_url);
    free(o->token_url);
    free(o->client_id);
    if (o->secret)
        memset(o->secret, 0, strlen(o->secret));
    free(o->secret);
    free(o->scope);
    free(o->name);
    EVP_PKEY_free(o->client_key);
    free(o->client_key_id);
    free(o->assertion_audience);
    free(o);
}

json_t *hm_oidc_public(const hm_oidc *o)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "name", o->name, "authorize_url", o->authorize_url,
                     "client_id", o->client_id, "scope", o->scope);
}

/* "name=value" appended to form, the value percent-encoded. */
static int add_field(CURL *h, char *form, size_t cap, const char *name, const char *value)
{
    char *esc = curl_easy_escape(h, value, 0);
    if (!esc)
        return -1;
    size_t used = strlen(form);
    int n = snprintf(form + used, cap - used, "%s%s=%s", used ? "&" : "", name, esc);
    curl_free(esc);
    return n < 0 || (size_t)n >= cap - used ? -1 : 0;
}

/* The token response's access_token, or the IdP's refusal as an error (RFC 6749, 5.1, 5.2). */
int hm__oidc_read_answer(long status, const char *body, char **access_token, hm_err *err)
{
    json_error_t jerr;
    json_t *j = body ? json_loads(body, 0, &jerr) : NULL;
    const char *tok = json_string_value(json_object_get(j, "access_token"));
    const char *error = json_string_value(json_object_get(j, "error"));
    const char *why = json_string_value(json_object_get(j, "error_description"));
    int rc;
    if (status == 200 && tok && tok[0]) {
        *access_token = strdup(tok);
        rc = *access_token ? HM_OK : hm_err_set(err, HM_ENOMEM, "out of memory");
    } else if (status >= 400 && status < 500 && error) {
        rc = hm_err_set(err, HM_EUNAUTH, "the identity provider refused the sign-in: %.100s%s%.200s",
                        error, why ? ": " : "", why ? why : "");
    } else {
        rc = hm_err_set(err, HM_EIO, "the identity provider's token endpoint answered %ld %s",
                        status, j ? "without an access token" : "something that is not JSON");
    }
    json_decref(j);
    return rc;
}

/* The client assertion of private_key_jwt (RFC 7523, 2.2; OpenID Connect Core, 9): heime's
 * client id as issuer and subject, the token endpoint (or the configured audience) as audience,
 * a one-time jti, a minute to live. */
static int client_assertion(const hm_oidc *o, char **out, hm_err *err)
{
    unsigned char nonce[16];
    char jti[sodium_base64_ENCODED_LEN(sizeof nonce, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    randombytes_buf(nonce, sizeof nonce);
    sodium_bin2base64(jti, sizeof jti, nonce, sizeof nonce,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    json_int_t now = (json_int_t)(hm_clock_now(&hm_clock_system) / 1000);
    json_t *claims = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "iss", o->client_id, "sub",
                               o->client_id, "aud",
                               o->assertion_audience ? o->assertion_audience : o->token_url, "jti", jti, "iat", now, "nbf",
                               now, "exp", now + ASSERTION_LIFE_S);
    if (!claims)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    int rc = hm_jwt_sign(o->client_key, o->client_key_id, claims, out, err);
    json_decref(claims);
    return rc;
}

int hm_oidc_exchange(const hm_oidc *o, const char *code, const char *code_verifier,
                     const char *redirect_uri, char **access_token, hm_err *err)
{
    char *assertion = NULL;
    if (o->client_key) {
        int rc = client_assertion(o, &assertion, err);
        if (rc)
            return rc;
    }
    hm_curl_start();
    CURL *h = curl_easy_init();
    if (!h) {
        free(assertion);
        return hm_err_set(err, HM_ENOMEM, "cannot start a request to the identity provider");
    }
    char form[3 * (HM_OIDC_CODE_MAX + HM_OIDC_URI_MAX + 128 + SECRET_MAX + ASSERTION_MAX) + 256] =
        "";
    int bad = add_field(h, form, sizeof form, "grant_type", "authorization_code") ||
              add_field(h, form, sizeof form, "code", code) ||
              add_field(h, form, sizeof form, "redirect_uri", redirect_uri) ||
              add_field(h, form, sizeof form, "client_id", o->client_id) ||
              add_field(h, form, sizeof form, "code_verifier", code_verifier) ||
              (o->secret && add_field(h, form, sizeof form, "client_secret", o->secret)) ||
              (assertion &&
               (add_field(h, form, sizeof form, "client_assertion_type",
                          "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") ||
                add_field(h, form, sizeof form, "client_assertion", assertion)));
    free(assertion);
    if (bad) {
        curl_easy_cleanup(h);
        return hm_err_set(err, HM_EINVAL, "cannot build the token request");
    }
    hm_curl_body a = {.max = ANSWER_MAX};
    long status;
    CURLcode cc = hm_curl_json(h, o->token_url, form, o->timeout_ms, &a, &status);
    memset(form, 0, sizeof form); /* the code and the secret */
    curl_easy_cleanup(h);
    int rc;
    if (a.too_big)
        rc = hm_err_set(err, HM_EIO, "the identity provider's answer is longer than %d bytes",
                        ANSWER_MAX);
    else if (cc != CURLE_OK)
        rc = hm_err_set(err, HM_EIO, "the identity provider cannot be reached: %s",
                        curl_easy_strerror(cc));
    else
        rc = hm__oidc_read_answer(status, a.data, access_token, err);
    free(a.data);
    return rc;
}
