/* routes.c: every route of the JSON API in one table, and the matcher. Authentication and body
 * checks are flags handled by the dispatcher; role and care-relation checks are in the
 * handlers' domain calls (auth/policy.h), so handlers hold only the mapping to and from JSON. */
#include "http/routes.h"
#include "http/handlers.h"

#include <stdlib.h>
#include <string.h>

#define A HM_ROUTE_AUTH
#define B HM_ROUTE_BODY
#define F HM_ROUTE_FHIR

static const struct hm_route routes[] = {
    {"GET", "/healthz", hm_h_healthz, 0},
    {"GET", "/metrics", hm_h_metrics, 0},
    {"POST", "/api/v1/auth/login", hm_h_login, B},
    {"GET", "/api/v1/auth/config", hm_h_auth_config, 0},
    {"POST", "/api/v1/auth/oidc", hm_h_oidc_login, B},
    {"POST", "/api/v1/auth/logout", hm_h_logout, A},
    {"GET", "/api/v1/me", hm_h_me, A},
    {"POST", "/api/v1/accounts/{id}/revoke", hm_h_account_revoke, A},
    {"GET", "/api/v1/orgs", hm_h_orgs, A},
    {"GET", "/api/v1/orgs/{id}/tasks", hm_h_org_tasks, A},
    {"GET", "/api/v1/orgs/{id}/tasks/missed", hm_h_org_tasks_missed, A},
    {"POST", "/api/v1/orgs/{id}/plan", hm_h_org_plan, A},
    {"GET", "/api/v1/orgs/{id}/plans", hm_h_org_plans, A},
    {"POST", "/api/v1/orgs/{id}/shortages", hm_h_shortage_create, A | B},
    {"GET", "/api/v1/drugs", hm_h_drugs, A},
    {"GET", "/api/v1/pathways", hm_h_pathways, A},
    {"GET", "/api/v1/devices", hm_h_devices, A},
    {"GET", "/api/v1/staff", hm_h_staff, A},
    {"POST", "/api/v1/staff", hm_h_staff_create, A | B},
    {"PUT", "/api/v1/staff/{id}/competences", hm_h_competence_record, A | B},
    {"PATCH", "/api/v1/staff/{id}", hm_h_staff_update, A | B},
    {"POST", "/api/v1/staff/{id}/deactivate", hm_h_staff_deactivate, A},
    {"POST", "/api/v1/staff/{id}/reactivate", hm_h_staff_reactivate, A},
    {"PUT", "/api/v1/staff/{id}/password", hm_h_staff_password, A | B},
    {"POST", "/api/v1/staff/{id}/competences/{id}/end", hm_h_competence_end, A},
    {"DELETE", "/api/v1/staff/{id}/competences/{id}", hm_h_competence_remove, A},
    {"GET", "/api/v1/orgs/{id}/roster", hm_h_roster, A},
    {"PUT", "/api/v1/orgs/{id}/roster", hm_h_roster_set, A | B},
    {"POST", "/api/v1/auth/password", hm_h_password_change, A | B},
    {"GET", "/api/v1/patients", hm_h_patients, A},
    {"GET", "/api/v1/patients/{id}", hm_h_patient, A},
    {"PATCH", "/api/v1/patients/{id}", hm_h_patient_update, A | B},
    {"GET", "/api/v1/patients/{id}/episodes", hm_h_patient_episodes, A},
    {"GET", "/api/v1/patients/{id}/observations", hm_h_observations, A},
    {"POST", "/api/v1/patients/{id}/observations", hm_h_observation_create, A | B},
    {"GET", "/api/v1/patients/{id}/questions", hm_h_questions, A},
    {"POST", "/api/v1/patients/{id}/answers", hm_h_answers_create, A | B},
    {"POST", "/api/v1/patients/{id}/emergency-access", hm_h_emergency_access, A | B},
    {"GET", "/api/v1/patients/{id}/access-log", hm_h_access_log, A},
    {"GET", "/api/v1/audit/emergency", hm_h_emergency_review, A},
    {"POST", "/api/v1/referrals", hm_h_referral_create, A | B},
    {"GET", "/api/v1/episodes/{id}", hm_h_episode, A},
    {"PUT", "/api/v1/episodes/{id}/eligibility", hm_h_eligibility, A | B},
    {"POST", "/api/v1/episodes/{id}/approve", hm_h_approve, A},
    {"PUT", "/api/v1/episodes/{id}/regimen", hm_h_regimen, A | B},
    {"PUT", "/api/v1/episodes/{id}/news2-scale", hm_h_news2_scale, A | B},
    {"POST", "/api/v1/episodes/{id}/pump", hm_h_pump_assign, A | B},
    {"POST", "/api/v1/episodes/{id}/devices", hm_h_device_assign, A | B},
    {"POST", "/api/v1/episodes/{id}/devices/release", hm_h_device_release, A | B},
    {"POST", "/api/v1/episodes/{id}/training", hm_h_training, A},
    {"POST", "/api/v1/episodes/{id}/activate", hm_h_activate, A},
    {"POST", "/api/v1/episodes/{id}/readmit", hm_h_readmit, A},
    {"POST", "/api/v1/episodes/{id}/return", hm_h_return_home, A},
    {"POST", "/api/v1/episodes/{id}/complete", hm_h_complete, A | B},
    {"POST", "/api/v1/episodes/{id}/discontinue", hm_h_discontinue, A | B},
    {"GET", "/api/v1/episodes/{id}/tasks", hm_h_episode_tasks, A},
    {"GET", "/api/v1/episodes/{id}/answers", hm_h_episode_answers, A},
    {"POST", "/api/v1/tasks/{id}/start", hm_h_task_start, A},
    {"DELETE", "/api/v1/tasks/{id}/start", hm_h_task_unstart, A},
    {"PUT", "/api/v1/tasks/{id}/assignment", hm_h_task_assign, A},
    {"POST", "/api/v1/tasks/{id}/done", hm_h_task_done, A | B},
    {"POST", "/api/v1/tasks/{id}/not-done", hm_h_task_not_done, A | B},
    {"GET", "/api/v1/alarms", hm_h_alarms, A},
    {"GET", "/api/v1/alarms/stream", hm_h_alarm_stream, A},
    {"GET", "/api/v1/alarms/{id}", hm_h_alarm, A},
    {"POST", "/api/v1/alarms/{id}/acknowledge", hm_h_alarm_ack, A},
    {"POST", "/api/v1/alarms/{id}/notes", hm_h_alarm_note, A | B},
    {"POST", "/api/v1/alarms/{id}/resolve", hm_h_alarm_resolve, A},
    {"POST", "/api/v1/patients/{id}/alarms", hm_h_alarm_help, A},
    /* The FHIR R4 read facade (http/fhir*.c): {id} is a FHIR id there, not only digits. */
    {"GET", "/fhir/metadata", hm_h_fhir_metadata, F},
    {"GET", "/fhir/Patient", hm_h_fhir_patient_search, A | F},
    {"GET", "/fhir/Patient/{id}", hm_h_fhir_patient_read, A | F},
    {"GET", "/fhir/Observation", hm_h_fhir_observation_search, A | F},
    {"GET", "/fhir/Observation/{id}", hm_h_fhir_observation_read, A | F},
    {"GET", "/fhir/EpisodeOfCare", hm_h_fhir_episode_search, A | F},
    {"GET", "/fhir/EpisodeOfCare/{id}", hm_h_fhir_episode_read, A | F},
    {"GET", "/fhir/Device", hm_h_fhir_device_search, A | F},
    {"GET", "/fhir/Device/{id}", hm_h_fhir_device_read, A | F},
};

/* A FHIR id: [A-Za-z0-9.-]{1,64}, copied into out. */
static int match_fhir_id(const char *seg, size_t len, char out[HM_FHIR_ID_MAX + 1])
{
    if (len == 0 || len > HM_FHIR_ID_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = seg[i];
        int ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                 (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
        if (!ok)
            return 0;
    }
    memcpy(out, seg, len);
    out[len] = '\0';
    return 1;
}

/* A positive decimal integer of at most 18 digits. */
static int match_number(const char *seg, size_t len, int64_t *out)
{
    if (len == 0 || len > 18)
        return 0;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (seg[i] < '0' || seg[i] > '9')
            return 0;
        v = v * 10 + (seg[i] - '0');
    }
    *out = v;
    return v > 0;
}

/* Matches the path against the pattern segment by segment; captures {id} (a FHIR id in
 * fhir_id for FHIR routes, else a number in params). */
static int match(const struct hm_route *route, const char *path, int64_t *params, int *nparams,
                 char fhir_id[HM_FHIR_ID_MAX + 1])
{
    const char *pattern = route->pattern;
    while (*pattern && *path) {
        if (*pattern != '/' || *path != '/')
            return 0;
        pattern++;
        path++;
        const char *pe = strchr(pattern, '/');
        const char *se = strchr(path, '/');
        size_t pl = pe ? (size_t)(pe - pattern) : strlen(pattern);
        size_t sl = se ? (size_t)(se - path) : strlen(path);
        if (pl == 4 && memcmp(pattern, "{id}", 4) == 0) {
            if (route->flags & HM_ROUTE_FHIR) {
                if (!match_fhir_id(path, sl, fhir_id))
                    return 0;
            } else {
                if (*nparams >= HM_ROUTE_MAX_PARAMS || !match_number(path, sl, &params[*nparams]))
                    return 0;
                (*nparams)++;
            }
        } else if (pl != sl || memcmp(pattern, path, pl) != 0) {
            return 0;
        }
        pattern += pl;
        path += sl;
    }
    /* A trailing slash on the path is tolerated. */
    return *pattern == '\0' && (*path == '\0' || (path[0] == '/' && path[1] == '\0'));
}

const struct hm_route *hm_route_table(size_t *count)
{
    *count = sizeof routes / sizeof routes[0];
    return routes;
}

int hm_route_find(const char *method, const char *path, const struct hm_route **out,
                  int64_t params[HM_ROUTE_MAX_PARAMS], char fhir_id[HM_FHIR_ID_MAX + 1],
                  int *method_mismatch)
{
    *method_mismatch = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        int64_t tmp[HM_ROUTE_MAX_PARAMS] = {0};
        int n = 0;
        if (!match(&routes[i], path, tmp, &n, fhir_id))
            continue;
        if (strcmp(routes[i].method, method) != 0) {
            *method_mismatch = 1;
            continue;
        }
        memcpy(params, tmp, sizeof tmp);
        *out = &routes[i];
        return HM_OK;
    }
    return HM_ENOTFOUND;
}
