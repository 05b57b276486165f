/* app.c: application start-up and shutdown for serve and demo. */
#include "cli/app.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/alarm.h"
#include "auth/audit.h"
#include "base/curl_body.h"
#include "base/file.h"
#include "base/log.h"
#include "cli/cli.h"
#include "care/plan_ahead.h"
#include "care/road.h"
#include "cli/config.h"
#include "hl7/mllp.h"
#include "hl7/pcd.h"
#include "http/handlers.h"
#include "http/http.h"
#include "pathway/pathway.h"

struct hm_app {
    hm_care care;
    hm_pathway *paths[32];
    size_t npaths;
    hm_drug_catalogue *drugs;
    hm_escalation chains[32];
    size_t nchains;
    hm_alarm_rules rules[32];
    size_t nrules;
    hm_alarms *alarms;
    hm_jwt_verifier *jwt; /* NULL: only heime's own session tokens */
    hm_oidc *oidc;        /* NULL: the UI signs in with passwords only */
    hm_road_service road; /* travel times for plans; url NULL: estimated from coordinates */
};

void hm_app_defaults(struct hm_app_opts *o)
{
    memset(o, 0, sizeof *o);
    o->db = "sqlite:heime.db";
    o->http = "127.0.0.1:8080";
    o->mllp = "127.0.0.1:2575";
    o->pathways = "pathways";
    o->drugs = "data/drugs.example.json";
    o->web = "web";
}

int hm_app_parse_opt(const char *cmd, int argc, char **argv, int i, struct hm_app_opts *o)
{
    for (size_t k = 0; k < hm__app_nopts; k++) {
        if (strcmp(argv[i], hm__app_opts[k].option) != 0)
            continue;
        if (i + 1 >= argc) {
            hm_cli_usage_error(cmd, "option %s needs a value", hm__app_opts[k].option);
            return -1;
        }
        *(const char **)((char *)o + hm__app_opts[k].offset) = argv[i + 1];
        o->given |= 1u << k;
        return 2;
    }
    return 0;
}

int hm_parse_hostport(const char *s, char *host, size_t hostlen, int *port, hm_err *err)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= hostlen)
        return hm_err_set(err, HM_EINVAL, "'%s' must be HOST:PORT", s);
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || p < 0 || p > 65535)
        return hm_err_set(err, HM_EINVAL, "'%s' has an invalid port", s);
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = (int)p;
    return HM_OK;
}

/* The alarm rules ask the pathway whether a day of treatment asks for answers (alert/alarm.h). */
static int answers_due(const void *pathway, hm_date start, hm_date end, hm_date date)
{
    return hm_pathway_required_questions_due(pathway, start, end, date);
}

static int load_pathways(hm_app *a, const char *dir, hm_err *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return hm_err_set(err, HM_EIO, "cannot open pathway folder %s", dir);
    struct dirent *e;
    int rc = HM_OK;
    for (e = readdir(d); e && rc == HM_OK; e = readdir(d)) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        if (a->npaths == sizeof a->paths / sizeof a->paths[0])
            break;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        rc = hm_pathway_load_file(path, &a->paths[a->npaths], err);
        if (rc == HM_OK)
            a->npaths++;
        /* The template's escalation chain, when it names one (alert/alarm.h). */
        if (rc == HM_OK) {
            hm_err eerr;
            int erc = hm_escalation_load_file(path, &a->chains[a->nchains], &eerr);
            if (erc == HM_OK)
                a->nchains++;
            else if (erc != HM_ENOTFOUND)
                rc = hm_err_set(err, erc, "pathway %s: %s", path, eerr.msg);
            erc = rc ? rc : hm_alarm_rules_load_file(path, &a->rules[a->nrules], &eerr);
            if (!rc && erc == HM_OK) {
                a->rules[a->nrules].answers_due = answers_due;
                a->rules[a->nrules].pathway_ctx = a->paths[a->npaths - 1];
                a->nrules++;
            } else if (!rc && erc != HM_ENOTFOUND) {
                rc = hm_err_set(err, erc, "pathway %s: %s", path, eerr.msg);
            }
        }
    }
    closedir(d);
    if (rc == HM_OK && a->npaths == 0)
        rc = hm_err_set(err, HM_EINVAL, "no pathway templates in %s", dir);
    return rc;
}

/* A whole number of units from the environment (0 when unset); out of range is an error. */
static int env_count(const char *name, long max, const char *unit, int64_t *out, hm_err *err)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return HM_OK;
    char *end;
    long s = strtol(v, &end, 10);
    if (*end || s <= 0 || s > max)
        return hm_err_set(err, HM_EINVAL, "%s must be 1-%ld %s", name, max, unit);
    *out = s;
    return HM_OK;
}

/* Alarm settings: the configuration file's, else the environment's HEIME_ALARM_WEBHOOK (URL
 * that escalations are POSTed to), HEIME_HEARTBEAT_S (device silence limit) and
 * HEIME_TASK_GRACE_S (how long after its window a task not done is missed). */
static int open_alarms(hm_app *a, const struct hm_app_opts *o, hm_err *err)
{
    hm_alarm_opts ao = {.webhook_url = o->alarm_webhook ? o->alarm_webhook
                                                        : getenv("HEIME_ALARM_WEBHOOK"),
                        .chains = a->chains,
                        .nchains = a->nchains,
                        .rules = a->rules,
                        .nrules = a->nrules};
    int64_t heartbeat = o->heartbeat_s, grace = o->task_grace_s, inbox = o->hl7_inbox_days;
    int rc = heartbeat ? HM_OK : env_count("HEIME_HEARTBEAT_S", HM_CONFIG_HEARTBEAT_MAX,
                                           "seconds", &heartbeat, err);
    if (!rc && !grace)
        rc = env_count("HEIME_TASK_GRACE_S", HM_CONFIG_GRACE_MAX, "seconds", &grace, err);
    if (!rc && !inbox)
        rc = env_count("HEIME_HL7_INBOX_DAYS", HM_CONFIG_INBOX_DAYS_MAX, "days", &inbox, err);
    if (rc)
        return rc;
    ao.heartbeat_ms = heartbeat * 1000;
    ao.task_grace_ms = grace * 1000;
    ao.inbox_keep_ms = inbox * 86400 * 1000;
    return hm_alarms_create(a->care.store, a->care.writer, a->care.clock, &ao, &a->alarms, err);
}

/* A setting from the configuration file, else from the environment. */
static const char *setting(const char *configured, const char *env)
{
    return configured ? configured : getenv(env);
}

/* The road service for plans' travel times: the file's plan_road_url, else
 * HEIME_PLAN_ROAD_URL; none: the planner estimates travel from coordinates. */
static int open_road(hm_app *a, const struct hm_app_opts *o, hm_err *err)
{
    const char *url = setting(o->plan_road_url, "HEIME_PLAN_ROAD_URL");
    if (!url || !url[0])
        return HM_OK;
    if (!hm_is_http_url(url))
        return hm_err_set(err, HM_EINVAL, "HEIME_PLAN_ROAD_URL must be an http(s) URL");
    int64_t max_table = o->plan_road_max_table;
    int rc = max_table ? HM_OK
                       : env_count("HEIME_PLAN_ROAD_MAX_TABLE", HM_ROAD_MAX_TABLE_MAX, "places",
                                   &max_table, err);
    if (!rc && max_table == 1) /* the file's range starts at 2 too: a table needs two places */
        rc = hm_err_set(err, HM_EINVAL, "HEIME_PLAN_ROAD_MAX_TABLE must be 2-%d places",
                        HM_ROAD_MAX_TABLE_MAX);
    if (rc)
        return rc;
    a->road = (hm_road_service){url, max_table ? (int)max_table : HM_ROAD_MAX_TABLE_DEFAULT,
                                HM_ROAD_TIMEOUT_MS};
    a->care.road = &a->road;
    return HM_OK;
}

int hm_app_open(const struct hm_app_opts *o, hm_app **out, hm_err *err)
{
    hm_app *a = calloc(1, sizeof *a);
    if (!a)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    a->care.clock = &hm_clock_system;
    int rc = load_pathways(a, o->pathways, err);
    if (!rc)
        rc = hm_drug_catalogue_load_file(o->drugs, &a->drugs, err);
    if (!rc)
        rc = hm_store_open(o->db, &a->care.store, err);
    if (!rc)
        rc = hm_writer_start(a->care.store, &a->care.writer, err);
    if (!rc)
        hm_writer_configure(a->care.writer, o->writer_queue_limit, o->writer_slow_ms);
    if (!rc)
        rc = open_alarms(a, o, err);
    if (!rc)
        rc = open_road(a, o, err);
    if (rc) {
        hm_app_close(a);
        return rc;
    }
    a->care.pathways = (const struct hm_pathway *const *)a->paths;
    a->care.npathways = a->npaths;
    a->care.drugs = a->drugs;
    *out = a;
    return HM_OK;
}

hm_care *hm_app_care(hm_app *a)
{
    return &a->care;
}

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* The audit chain's head, to the log and (when configured) appended to the anchor file, which
 * belongs on storage that the database's writers cannot change (another disk, a log host, WORM
 * storage): `heime audit verify --anchors FILE` then catches a log rewritten up to a recorded
 * head. A failure is logged, never fatal: the anchor is a second line of defence. */
static void anchor_audit_head(hm_app *a, const char *path)
{
    hm_db *db;
    hm_err err;
    hm_audit_anchor head;
    int64_t at = 0;
    int rc = hm_store_read_begin(a->care.store, &db, &err);
    if (!rc) {
        rc = hm_audit_head(db, &head, &at, &err);
        hm_store_read_end(a->care.store, db);
    }
    if (rc) {
        HM_LOG(HM_LOG_WARN, "audit anchor: %s", err.msg);
        return;
    }
    char line[HM_AUDIT_ANCHOR_LINE + 1];
    size_t len = hm_audit_anchor_format(&head, at, line, sizeof line - 1);
    HM_LOG(HM_LOG_INFO, "audit head: %s", line);
    if (!path)
        return;
    line[len++] = '\n';
    if (hm_append_durable(path, line, len, &err))
        HM_LOG(HM_LOG_WARN, "audit anchor: %s", err.msg);
}

/* The identity provider's token verifier, when its keys are configured (a file or a URL). A
 * key set that cannot be fetched at start does not stop heime (alarms must flow while an IdP
 * is down): it is logged, and fetched again when a token comes. */
static int jwt_open(hm_app *a, const struct hm_app_opts *o, hm_err *err)
{
    hm_jwt_config cfg = {
        .public_key_file = setting(o->jwt_public_key_file, "HEIME_JWT_PUBLIC_KEY_FILE"),
        .jwks_url = setting(o->jwt_jwks_url, "HEIME_JWT_JWKS_URL"),
        .issuer = setting(o->jwt_issuer, "HEIME_JWT_ISSUER"),
        .audience = setting(o->jwt_audience, "HEIME_JWT_AUDIENCE"),
        .username_claim = setting(o->jwt_username_claim, "HEIME_JWT_USERNAME_CLAIM"),
    };
    if ((!cfg.public_key_file || !cfg.public_key_file[0]) && (!cfg.jwks_url || !cfg.jwks_url[0]))
        return HM_OK;
    int rc = hm_jwt_verifier_create(&cfg, &a->jwt, err);
    if (rc)
        return rc;
    HM_LOG(HM_LOG_INFO, "accepting bearer JWTs of issuer %s for audience %s", cfg.issuer,
           cfg.audience);
    hm_err ferr = {0};
    if (hm_jwt_refresh(a->jwt, hm_clock_now(&hm_clock_system), &ferr))
        HM_LOG(HM_LOG_ERROR, "jwt: the identity provider's keys are not available yet (%s);"
               " tried again when a token comes, at most every 10 s", ferr.msg);
    return HM_OK;
}

/* The UI's sign-in through the IdP, when its authorization endpoint is configured; its tokens
 * are verified by the JWT settings, so those must be there too. */
static int oidc_open(hm_app *a, const struct hm_app_opts *o, hm_err *err)
{
    hm_oidc_config cfg = {
        .authorize_url = setting(o->oidc_authorize_url, "HEIME_OIDC_AUTHORIZE_URL"),
        .token_url = setting(o->oidc_token_url, "HEIME_OIDC_TOKEN_URL"),
        .client_id = setting(o->oidc_client_id, "HEIME_OIDC_CLIENT_ID"),
        .client_secret_file = setting(o->oidc_client_secret_file, "HEIME_OIDC_CLIENT_SECRET_FILE"),
        .client_key_file = setting(o->oidc_client_key_file, "HEIME_OIDC_CLIENT_KEY_FILE"),
        .client_key_id = setting(o->oidc_client_key_id, "HEIME_OIDC_CLIENT_KEY_ID"),
        .assertion_audience = setting(o->oidc_assertion_audience, "HEIME_OIDC_ASSERTION_AUDIENCE"),
        .scope = setting(o->oidc_scope, "HEIME_OIDC_SCOPE"),
        .name = setting(o->oidc_name, "HEIME_OIDC_NAME"),
    };
    if (!cfg.authorize_url || !cfg.authorize_url[0])
        return HM_OK;
    if (!a->jwt)
        return hm_err_set(err, HM_EINVAL, "oidc_authorize_url needs jwt_public_key_file (or"
                          " jwt_jwks_url), jwt_issuer and jwt_audience to verify the tokens");
    int rc = hm_oidc_create(&cfg, &a->oidc, err);
    if (!rc)
        HM_LOG(HM_LOG_INFO, "the web UI signs in through %s", cfg.authorize_url);
    return rc;
}

/* The daily planning schedule, when a time is configured (file or HEIME_PLAN_DAILY_AT); *out
 * stays NULL otherwise. */
static int plan_schedule_open(hm_app *a, const struct hm_app_opts *o, hm_plan_schedule **out,
                              hm_err *err)
{
    *out = NULL;
    const char *at = setting(o->plan_daily_at, "HEIME_PLAN_DAILY_AT");
    if (!at || !at[0])
        return HM_OK;
    struct hm_plan_schedule_opts so = {.days_ahead = 1, .zone_seconds = 10};
    hm_err terr;
    if (hm_clock_time_parse(at, &so.at_minutes, &terr))
        return hm_err_set(err, HM_EINVAL, "plan_daily_at must be an Oslo clock time \"HH:MM\"");
    int64_t days = o->plan_days_ahead, seconds = o->plan_zone_seconds;
    int rc = days ? HM_OK
                  : env_count("HEIME_PLAN_DAYS_AHEAD", HM_PLAN_DAYS_AHEAD_MAX, "days", &days, err);
    if (!rc && !seconds)
        rc = env_count("HEIME_PLAN_ZONE_SECONDS", HM_PLAN_ZONE_SECONDS_MAX, "seconds", &seconds,
                       err);
    if (rc)
        return rc;
    so.days_ahead = days ? (int)days : so.days_ahead;
    so.zone_seconds = seconds ? (double)seconds : so.zone_seconds;
    rc = hm_plan_schedule_start(&a->care, &so, out, err);
    if (!rc)
        HM_LOG(HM_LOG_INFO,
               "planning schedule: from %02d:%02d each day, the next %d day(s) of every zone:"
               " planned when they have no routes, late visits fitted in when they have, %g s"
               " per zone",
               so.at_minutes / 60, so.at_minutes % 60, so.days_ahead, so.zone_seconds);
    return rc;
}

int hm_app_serve(hm_app *a, const struct hm_app_opts *o, hm_err *err)
{
    char host[256];
    int port = 0;
    int rc = hm_parse_hostport(o->http, host, sizeof host, &port, err);
    if (rc)
        return rc;
    char mhost[256];
    int mport;
    if ((rc = hm_parse_hostport(o->mllp, mhost, sizeof mhost, &mport, err)))
        return rc;
    hm_h_alarms_bind(a->alarms);
    if ((rc = jwt_open(a, o, err)) || (rc = oidc_open(a, o, err)))
        return rc;
    struct hm_http_opts ho = {host, port, o->web, a->jwt, a->oidc};
    hm_http *h;
    if ((rc = hm_http_start(&a->care, &ho, &h, err)))
        return rc;
    /* Pumps' messages go straight to the alarm service: AA only once durable. */
    hm_pcd_handler ph = {.sink = hm_alarms_pcd_sink, .ctx = a->alarms, .app_name = "HEIME",
                         .facility = "HEIME"};
    hm_mllp_server *mllp = NULL;
    hm_plan_schedule *schedule = NULL;
    if ((rc = hm_mllp_server_start(mhost, mport, NULL, hm_pcd_mllp_handler, &ph, &mllp, err)) ||
        (rc = hm_alarms_start_workers(a->alarms, err)) ||
        (rc = plan_schedule_open(a, o, &schedule, err))) {
        hm_mllp_server_stop(mllp);
        hm_http_stop(h);
        return rc;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    HM_LOG(HM_LOG_INFO, "heime serving http://%s:%d/ and mllp %s:%d (store: %s)", host,
           hm_http_port(h), mhost, hm_mllp_server_port(mllp), o->db);
    fflush(stderr);
    /* The main thread keeps the task horizon moving and anchors the audit log: at start, then
     * every hour. */
    const char *anchor_file = setting(o->audit_anchor_file, "HEIME_AUDIT_ANCHOR_FILE");
    int64_t next_extend = 0;
    while (!stop_requested) {
        int64_t now = hm_clock_now(a->care.clock);
        if (now >= next_extend) {
            anchor_audit_head(a, anchor_file);
            int n = 0;
            hm_err xerr;
            if (hm_care_tasks_extend(&a->care, now, &n, &xerr))
                HM_LOG(HM_LOG_WARN, "task horizon: %s", xerr.msg);
            else if (n)
                HM_LOG(HM_LOG_INFO, "task horizon: extended %d episodes", n);
            next_extend = now + 3600 * 1000;
        }
        sleep(1);
    }
    HM_LOG(HM_LOG_INFO, "heime stopping");
    hm_plan_schedule_stop(schedule); /* cuts the zone being planned short */
    hm_mllp_server_stop(mllp);
    hm_alarms_close_streams(a->alarms);
    hm_http_stop(h);
    return HM_OK;
}

void hm_app_close(hm_app *a)
{
    if (!a)
        return;
    hm_h_alarms_bind(NULL);
    hm_alarms_destroy(a->alarms);
    hm_writer_stop(a->care.writer);
    hm_store_close(a->care.store);
    for (size_t i = 0; i < a->npaths; i++)
        hm_pathway_free(a->paths[i]);
    hm_drug_catalogue_free(a->drugs);
    hm_jwt_verifier_destroy(a->jwt);
    hm_oidc_destroy(a->oidc);
    free(a);
}
