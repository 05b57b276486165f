/* routes.c: every route of the JSON API in one table, and the matcher. Authentication and body
 * checks are flags handled by the dispatcher; role and care-relation checks are in the
 * handlers' domain calls (auth/policy.h), so handlers hold only the mapping to and from JSON. */
#include "http/routes.h"
#include "http/handlers.h"

#include <stdlib.h>
#include <string.h>

#define A HM_ROUTE_AUTH
#define B HM_ROUTE_BODY

static const struct hm_route routes[] = {
    {"GET", "/healthz", hm_h_healthz, 0},
    {"GET", "/metrics", hm_h_metrics, 0},
    {"POST", "/api/v1/auth/login", hm_h_login, B},
    {"POST", "/api/v1/auth/logout", hm_h_logout, A},
    {"GET", "/api/v1/me", hm_h_me, A},
    {"POST", "/api/v1/accounts/{id}/revoke", hm_h_account_revoke, A},
    {"GET", "/api/v1/orgs", hm_h_orgs, A},
    {"GET", "/api/v1/orgs/{id}/tasks", hm_h_org_tasks, A},
    {"GET", "/api/v1/orgs/{id}/tasks/missed", hm_h_org_tasks_missed, A},
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
    {"POST", "/api/v1/episodes/{id}/training", hm_h_training, A},
    {"POST", "/api/v1/episodes/{id}/activate", hm_h_activate, A},
    {"POST", "/api/v1/episodes/{id}/readmit", hm_h_readmit, A},
    {"POST", "/api/v1/episodes/{id}/return", hm_h_return_home, A},
    {"POST", "/api/v1/episodes/{id}/complete", hm_h_complete, A | B},
    {"POST", "/api/v1/episodes/{id}/discontinue", hm_h_discontinue, A | B},
    {"GET", "/api/v1/episodes/{id}/tasks", hm_h_episode_tasks, A},
    {"GET", "/api/v1/episodes/{id}/answers", hm_h_episode_answers, A},
    {"POST", "/api/v1/tasks/{id}/done", hm_h_task_done, A | B},
    {"POST", "/api/v1/tasks/{id}/not-done", hm_h_task_not_done, A | B},
    {"GET", "/api/v1/alarms", hm_h_alarms, A},
    {"GET", "/api/v1/alarms/stream", hm_h_alarm_stream, A},
    {"GET", "/api/v1/alarms/{id}", hm_h_alarm, A},
    {"POST", "/api/v1/alarms/{id}/acknowledge", hm_h_alarm_ack, A},
    {"POST", "/api/v1/alarms/{id}/notes", hm_h_alarm_note, A | B},
    {"POST", "/api/v1/alarms/{id}/resolve", hm_h_alarm_resolve, A},
    {"POST", "/api/v1/patients/{id}/alarms", hm_h_alarm_help, A},
};

/* Matches one path segment against one pattern segment; captures {id}. */
static int match(const char *pattern, const char *path, int64_t *params, int *nparams)
{
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
            if (sl == 0 || sl > 18 || *nparams >= HM_ROUTE_MAX_PARAMS)
                return 0;
            int64_t v = 0;
            for (size_t i = 0; i < sl; i++) {
                if (path[i] < '0' || path[i] > '9')
                    return 0;
                v = v * 10 + (path[i] - '0');
            }
            if (v <= 0)
                return 0;
            params[(*nparams)++] = v;
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
                  int64_t params[HM_ROUTE_MAX_PARAMS], int *method_mismatch)
{
    *method_mismatch = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        int64_t tmp[HM_ROUTE_MAX_PARAMS];
        int n = 0;
        if (!match(routes[i].pattern, path, tmp, &n))
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
