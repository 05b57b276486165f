/* config.c: the configuration file of heime serve and demo. One JSON object, for example
 *   {"db": "sqlite:/var/lib/heime/heime.db", "http": "0.0.0.0:8080",
 *    "alarm_webhook": "https://alarm.example/hook", "task_grace_s": 1800, "log_level": "info"}
 * Every key is checked (an unknown key is a typo that would silently do nothing); what the
 * command line gives wins over the file. */
#include "cli/config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/curl_body.h"
#include "base/file.h"
#include "base/log.h"
#include "base/time.h"
#include "care/plan_ahead.h"
#include "care/road.h"
#include "cli/app.h"

const struct hm__app_opt hm__app_opts[] = {
    {"--db", "db", offsetof(struct hm_app_opts, db)},
    {"--http", "http", offsetof(struct hm_app_opts, http)},
    {"--mllp", "mllp", offsetof(struct hm_app_opts, mllp)},
    {"--pathways", "pathways", offsetof(struct hm_app_opts, pathways)},
    {"--drugs", "drugs", offsetof(struct hm_app_opts, drugs)},
    {"--web", "web", offsetof(struct hm_app_opts, web)},
    {"--config", NULL, offsetof(struct hm_app_opts, config)},
};
const size_t hm__app_nopts = sizeof hm__app_opts / sizeof hm__app_opts[0];

/* Settings that are a non-empty string (a file path, an issuer URL, ...): key, field. */
static const struct {
    const char *key;
    size_t offset;
} strings[] = {
    {"audit_anchor_file", offsetof(struct hm_app_opts, audit_anchor_file)},
    {"jwt_public_key_file", offsetof(struct hm_app_opts, jwt_public_key_file)},
    {"jwt_jwks_url", offsetof(struct hm_app_opts, jwt_jwks_url)},
    {"jwt_issuer", offsetof(struct hm_app_opts, jwt_issuer)},
    {"jwt_audience", offsetof(struct hm_app_opts, jwt_audience)},
    {"jwt_username_claim", offsetof(struct hm_app_opts, jwt_username_claim)},
    {"oidc_authorize_url", offsetof(struct hm_app_opts, oidc_authorize_url)},
    {"oidc_token_url", offsetof(struct hm_app_opts, oidc_token_url)},
    {"oidc_client_id", offsetof(struct hm_app_opts, oidc_client_id)},
    {"oidc_client_secret_file", offsetof(struct hm_app_opts, oidc_client_secret_file)},
    {"oidc_client_key_file", offsetof(struct hm_app_opts, oidc_client_key_file)},
    {"oidc_client_key_id", offsetof(struct hm_app_opts, oidc_client_key_id)},
    {"oidc_assertion_audience", offsetof(struct hm_app_opts, oidc_assertion_audience)},
    {"oidc_scope", offsetof(struct hm_app_opts, oidc_scope)},
    {"oidc_name", offsetof(struct hm_app_opts, oidc_name)},
};

/* Whole-number settings: key, field (int64_t or int), range. */
static const struct {
    const char *key;
    size_t offset;
    int is_int64;
    long min, max;
} numbers[] = {
    {"heartbeat_s", offsetof(struct hm_app_opts, heartbeat_s), 1, 1, HM_CONFIG_HEARTBEAT_MAX},
    {"task_grace_s", offsetof(struct hm_app_opts, task_grace_s), 1, 1, HM_CONFIG_GRACE_MAX},
    {"hl7_inbox_days", offsetof(struct hm_app_opts, hl7_inbox_days), 1, 1,
     HM_CONFIG_INBOX_DAYS_MAX},
    {"writer_queue_limit", offsetof(struct hm_app_opts, writer_queue_limit), 0, 1, 1000000},
    {"writer_slow_ms", offsetof(struct hm_app_opts, writer_slow_ms), 0, 1, 3600000},
    {"plan_days_ahead", offsetof(struct hm_app_opts, plan_days_ahead), 0, 1,
     HM_PLAN_DAYS_AHEAD_MAX},
    {"plan_zone_seconds", offsetof(struct hm_app_opts, plan_zone_seconds), 0, 1,
     HM_PLAN_ZONE_SECONDS_MAX},
    {"plan_road_max_table", offsetof(struct hm_app_opts, plan_road_max_table), 0, 2,
     HM_ROAD_MAX_TABLE_MAX},
};

static int path_setting(struct hm_app_opts *o, const char *file, const char *key, json_t *v,
                        int *known, hm_err *err)
{
    for (size_t k = 0; k < hm__app_nopts; k++) {
        if (!hm__app_opts[k].key || strcmp(key, hm__app_opts[k].key) != 0)
            continue;
        *known = 1;
        if (!json_is_string(v) || !json_string_length(v))
            return hm_err_set(err, HM_EINVAL, "config %s: '%s' must be a non-empty string", file,
                              key);
        if (!(o->given & (1u << k))) /* the command line wins */
            *(const char **)((char *)o + hm__app_opts[k].offset) = json_string_value(v);
        return HM_OK;
    }
    return HM_OK;
}

static int number_setting(struct hm_app_opts *o, const char *file, const char *key, json_t *v,
                          int *known, hm_err *err)
{
    for (size_t k = 0; k < sizeof numbers / sizeof numbers[0]; k++) {
        if (strcmp(key, numbers[k].key) != 0)
            continue;
        *known = 1;
        json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
        if (!json_is_integer(v) || n < numbers[k].min || n > numbers[k].max)
            return hm_err_set(err, HM_EINVAL, "config %s: '%s' must be a whole number from %ld to %ld",
                              file, key, numbers[k].min, numbers[k].max);
        if (numbers[k].is_int64)
            *(int64_t *)((char *)o + numbers[k].offset) = (int64_t)n;
        else
            *(int *)((char *)o + numbers[k].offset) = (int)n;
        return HM_OK;
    }
    return HM_OK;
}

static int string_setting(struct hm_app_opts *o, const char *file, const char *key, json_t *v,
                          int *known, hm_err *err)
{
    for (size_t k = 0; k < sizeof strings / sizeof strings[0]; k++) {
        if (strcmp(key, strings[k].key) != 0)
            continue;
        *known = 1;
        const char *s = json_string_value(v);
        if (!s || !s[0])
            return hm_err_set(err, HM_EINVAL, "config %s: '%s' must be a non-empty string", file,
                              key);
        *(const char **)((char *)o + strings[k].offset) = s;
        return HM_OK;
    }
    return HM_OK;
}

static int other_setting(struct hm_app_opts *o, const char *file, const char *key, json_t *v,
                         int *known, hm_err *err)
{
    if (strcmp(key, "alarm_webhook") == 0 || strcmp(key, "plan_road_url") == 0) {
        *known = 1;
        const char *s = json_string_value(v);
        if (!hm_is_http_url(s))
            return hm_err_set(err, HM_EINVAL, "config %s: '%s' must be an http(s) URL", file, key);
        if (strcmp(key, "alarm_webhook") == 0)
            o->alarm_webhook = s;
        else
            o->plan_road_url = s;
    } else if (strcmp(key, "plan_daily_at") == 0) {
        *known = 1;
        const char *s = json_string_value(v);
        int minutes;
        hm_err terr;
        if (!s || hm_clock_time_parse(s, &minutes, &terr))
            return hm_err_set(err, HM_EINVAL,
                              "config %s: 'plan_daily_at' must be an Oslo clock time \"HH:MM\"",
                              file);
        o->plan_daily_at = s;
    } else if (strcmp(key, "log_level") == 0) {
        *known = 1;
        const char *s = json_string_value(v);
        if (!s || hm_log_set_level(s) != 0)
            return hm_err_set(err, HM_EINVAL,
                              "config %s: 'log_level' must be debug, info, warn, error or off",
                              file);
    }
    return HM_OK;
}

int hm_app_config_load(struct hm_app_opts *o, hm_err *err)
{
    if (!o->config)
        return HM_OK;
    const char *file = o->config;
    json_t *doc;
    hm_err rerr;
    if (hm_read_json_file(file, 1024 * 1024, &doc, &rerr))
        return hm_err_set(err, HM_EINVAL, "config %s", rerr.msg);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return hm_err_set(err, HM_EINVAL, "config %s: must be a JSON object", file);
    }
    o->config_doc = doc;
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
    {
        int known = 0;
        int rc = path_setting(o, file, key, v, &known, err);
        if (!rc && !known)
            rc = number_setting(o, file, key, v, &known, err);
        if (!rc && !known)
            rc = string_setting(o, file, key, v, &known, err);
        if (!rc && !known)
            rc = other_setting(o, file, key, v, &known, err);
        if (rc)
            return rc;
        if (!known)
            return hm_err_set(err, HM_EINVAL,
                              "config %s: unknown setting '%s' (known: db, http, mllp, pathways,"
                              " drugs, web, alarm_webhook, audit_anchor_file, heartbeat_s,"
                              " task_grace_s, hl7_inbox_days, writer_queue_limit, writer_slow_ms,"
                              " log_level, jwt_public_key_file, jwt_jwks_url, jwt_issuer,"
                              " jwt_audience, jwt_username_claim, oidc_authorize_url,"
                              " oidc_token_url, oidc_client_id, oidc_client_secret_file,"
                              " oidc_client_key_file, oidc_client_key_id, oidc_assertion_audience,"
                              " oidc_scope, oidc_name,"
                              " plan_daily_at, plan_days_ahead, plan_zone_seconds,"
                              " plan_road_url, plan_road_max_table)",
                              file, key);
    }
    return HM_OK;
}

void hm_app_opts_release(struct hm_app_opts *o)
{
    json_decref(o->config_doc);
    o->config_doc = NULL;
}
