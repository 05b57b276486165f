/* app.h: starting and stopping the running application (store, writer, templates, drug
 * catalogue, HTTP server), shared by `heime serve` and `heime demo`. */
#ifndef HM_CLI_APP_H
#define HM_CLI_APP_H

#include "care/care.h"

struct hm_app_opts {
    const char *db;        /* --db URL */
    const char *http;      /* --http HOST:PORT */
    const char *mllp;      /* --mllp HOST:PORT */
    const char *pathways;  /* --pathways DIR */
    const char *drugs;     /* --drugs FILE */
    const char *web;       /* --web DIR */
    const char *config;    /* --config FILE */
    /* Settings without an option of their own: from the configuration file, else from the
     * environment (HEIME_ALARM_WEBHOOK, HEIME_AUDIT_ANCHOR_FILE, HEIME_HEARTBEAT_S, HEIME_TASK_GRACE_S,
     * HEIME_WRITER_QUEUE_LIMIT, HEIME_WRITER_SLOW_MS), else built-in defaults (0 / NULL). */
    const char *alarm_webhook;
    const char *audit_anchor_file; /* HEIME_AUDIT_ANCHOR_FILE: the audit head appended hourly */
    /* Sign-in through an external identity provider (auth/jwt.h): HEIME_JWT_PUBLIC_KEY_FILE
     * or HEIME_JWT_JWKS_URL, HEIME_JWT_ISSUER, HEIME_JWT_AUDIENCE, HEIME_JWT_USERNAME_CLAIM. */
    const char *jwt_public_key_file, *jwt_jwks_url, *jwt_issuer, *jwt_audience,
        *jwt_username_claim;
    /* The web UI's sign-in button for that IdP (auth/oidc.h), needs the JWT settings:
     * HEIME_OIDC_AUTHORIZE_URL, HEIME_OIDC_TOKEN_URL, HEIME_OIDC_CLIENT_ID,
     * HEIME_OIDC_CLIENT_SECRET_FILE or HEIME_OIDC_CLIENT_KEY_FILE (+ HEIME_OIDC_CLIENT_KEY_ID,
     * HEIME_OIDC_ASSERTION_AUDIENCE),
     * HEIME_OIDC_SCOPE, HEIME_OIDC_NAME. */
    const char *oidc_authorize_url, *oidc_token_url, *oidc_client_id, *oidc_client_secret_file,
        *oidc_client_key_file, *oidc_client_key_id, *oidc_assertion_audience, *oidc_scope,
        *oidc_name;
    /* The daily planning schedule (care/plan_ahead.h), off unless a time is set:
     * HEIME_PLAN_DAILY_AT ("HH:MM", Oslo), HEIME_PLAN_DAYS_AHEAD (default 1),
     * HEIME_PLAN_ZONE_SECONDS (default 10). */
    const char *plan_daily_at;
    int plan_days_ahead, plan_zone_seconds;
    /* Road travel times for plans from an OSRM table service (care/road.h):
     * HEIME_PLAN_ROAD_URL, HEIME_PLAN_ROAD_MAX_TABLE (default 100); unset: estimated. */
    const char *plan_road_url;
    int plan_road_max_table;
    int64_t heartbeat_s, task_grace_s, hl7_inbox_days;
    int writer_queue_limit, writer_slow_ms;
    unsigned given; /* options given on the command line (bit k: opts table row k) */
    void *config_doc; /* the parsed file, owning its strings (hm_app_opts_release) */
};

/* Parses the options shared by serve and demo from argv[i]; returns the number of argv
 * entries consumed (1 or 2), 0 when argv[i] is not one of them, or -1 after printing a usage
 * error. */
int hm_app_parse_opt(const char *cmd, int argc, char **argv, int i, struct hm_app_opts *o);
void hm_app_defaults(struct hm_app_opts *o);
/* Reads --config FILE (JSON) into o: settings the command line did not give. Unknown keys,
 * wrong types and values out of range are errors naming the file and the key. */
int hm_app_config_load(struct hm_app_opts *o, hm_err *err);
void hm_app_opts_release(struct hm_app_opts *o);

typedef struct hm_app hm_app;
/* Opens the store, starts the writer, loads pathways and drugs. */
int hm_app_open(const struct hm_app_opts *o, hm_app **out, hm_err *err);
hm_care *hm_app_care(hm_app *a);
/* Starts HTTP and serves until SIGINT or SIGTERM. */
int hm_app_serve(hm_app *a, const struct hm_app_opts *o, hm_err *err);
void hm_app_close(hm_app *a);

/* Splits "HOST:PORT"; HM_EINVAL with a message otherwise. */
int hm_parse_hostport(const char *s, char *host, size_t hostlen, int *port, hm_err *err);

#endif
