/* http.h: heime's HTTP server on libmicrohttpd: a route table, one dispatcher that does
 * authentication, role checks and body parsing, JSON handlers, and static files of the web UI.
 * One thread per connection, so a handler may block on the group-commit writer without
 * holding up other connections. */
#ifndef HM_HTTP_H
#define HM_HTTP_H

#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"
#include "auth/jwt.h"
#include "auth/oidc.h"
#include "care/care.h"

#define HM_HTTP_BODY_MAX (1024 * 1024) /* bytes; larger bodies get 413 */
#define HM_ROUTE_MAX_PARAMS 4
#define HM_FHIR_ID_MAX 64 /* FHIR R4 id: [A-Za-z0-9.-]{1,64} */

typedef struct hm_http hm_http;

struct hm_http_opts {
    const char *host;
    int port;
    const char *web_root; /* folder of the web UI's static files; NULL = none */
    hm_jwt_verifier *jwt; /* bearer JWTs of an external identity provider; NULL = none */
    hm_oidc *oidc;        /* the UI's sign-in through that provider; NULL = none */
};

int hm_http_start(hm_care *care, const struct hm_http_opts *opts, hm_http **out, hm_err *err);
void hm_http_stop(hm_http *h);
int hm_http_port(const hm_http *h);

/* One request as a handler sees it. */
typedef struct hm_req {
    hm_care *care;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    json_t *body;                          /* parsed JSON body, or NULL */
    int64_t param[HM_ROUTE_MAX_PARAMS];    /* the {id} parts of the route, in order */
    char fhir_id[HM_FHIR_ID_MAX + 1];      /* a FHIR route's {id} */
    hm_actor actor;                        /* valid when the route needs authentication */
    const char *token;                     /* the bearer token, when one was sent */
    hm_jwt_verifier *jwt;                  /* the server's, when it accepts an IdP's tokens */
    hm_oidc *oidc;                         /* the server's, when the UI signs in through it */
    char request_id[24];
    int64_t now_ms;
    /* The answer: a handler sets status and resp (a new reference) on success, or returns a
     * negative HM_E* code with err filled; the dispatcher maps that to a status. */
    int status;
    json_t *resp;
    char *resp_text; /* alternatively: finished JSON text (malloc'd), sent as it is */
    size_t resp_len;
    struct MHD_Response *raw_resp; /* a handler's own response (the SSE stream), sent as is */
    hm_err err;
} hm_req;

typedef int (*hm_handler)(hm_req *r);

/* Query-string value, or NULL. */
const char *hm_req_query(hm_req *r, const char *key);

/* Calls fn for every query-string argument, in order, until it returns non-zero (which is
 * returned); HM_OK when all were seen. value is NULL for a key without "=". */
typedef int (*hm_query_fn)(void *cls, const char *key, const char *value);
int hm_req_query_each(hm_req *r, hm_query_fn fn, void *cls);

/* Sets a successful JSON answer (steals the reference). Returns HM_OK. */
int hm_req_reply(hm_req *r, int status, json_t *body);

/* Sets a successful answer of finished JSON text (takes ownership of text). Returns HM_OK. */
int hm_req_reply_text(hm_req *r, int status, char *text, size_t len);

/* Maps an error code to its HTTP status: the one place this happens. */
int hm_http_status_for(int code);

#endif
