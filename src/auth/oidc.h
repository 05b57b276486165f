/* oidc.h: signing in to the web UI through the hospital's or municipality's OpenID Connect
 * identity provider (authorization code flow with PKCE, RFC 7636). The browser sends the user
 * to the IdP and comes back with a one-time code; heime exchanges the code at the IdP's token
 * endpoint (server to server, authenticated as the IdP's client wants: a client secret, or a
 * JWT signed with heime's own private key, "private_key_jwt" of RFC 7523, which the
 * Norwegian health sector's HelseID requires, or PKCE alone for a public client), verifies the
 * access token it gets with the configured JWT verifier (auth/jwt.h: signature, issuer,
 * audience, expiry) and opens one of its own sessions for the account the token names, as a
 * password login does. The IdP says who the user is; heime's account says what they may do. */
#ifndef HM_AUTH_OIDC_H
#define HM_AUTH_OIDC_H

#include <jansson.h>

#include "base/error.h"

#define HM_OIDC_CODE_MAX 2048
#define HM_OIDC_URI_MAX 2048

typedef struct hm_oidc_config {
    const char *authorize_url;      /* the IdP's authorization endpoint (the browser goes there) */
    const char *token_url;          /* its token endpoint (heime posts the code there) */
    const char *client_id;          /* heime's client id at the IdP */
    const char *client_secret_file; /* NULL: a public client (PKCE alone) or ... */
    const char *client_key_file;    /* ... a PEM private key (RSA, P-256, Ed25519): private_key_jwt */
    const char *client_key_id;      /* the kid the IdP knows that key by (optional) */
    const char *assertion_audience; /* the assertion's aud; default the token endpoint (some
                                     * IdPs, HelseID among them, want their issuer) */
    const char *scope;              /* default "openid" */
    const char *name;               /* what the sign-in button names, e.g. "HelseID" */
    long timeout_ms;                /* for the token request; default 10000 */
} hm_oidc_config;

typedef struct hm_oidc hm_oidc;

/* Checks and copies the settings (URLs http(s), the secret read from its file); errors name
 * the setting. */
int hm_oidc_create(const hm_oidc_config *cfg, hm_oidc **out, hm_err *err);
void hm_oidc_destroy(hm_oidc *o);

/* What the browser needs to start a sign-in: {name, authorize_url, client_id, scope}. */
json_t *hm_oidc_public(const hm_oidc *o);

/* Exchanges a code for the IdP's access token (*access_token: free() it). HM_EUNAUTH when the
 * IdP refuses the code (its error and description in the message), HM_EIO when it cannot be
 * reached or answers something that is not a token response. */
int hm_oidc_exchange(const hm_oidc *o, const char *code, const char *code_verifier,
                     const char *redirect_uri, char **access_token, hm_err *err);

/* The token endpoint's answer (HTTP status, body text or NULL) read: for the fuzz target. */
int hm__oidc_read_answer(long status, const char *body, char **access_token, hm_err *err);

#endif
