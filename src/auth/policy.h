/* policy.h: the access policy of DESIGN.md, in one place.
 *
 * Two questions: may this role do this action at all (a table of role x action), and may this
 * person see this patient (a care relation: their organisation is responsible for, or takes part
 * in, an active or recent episode of the patient; a response centre serving the patient's
 * municipality; the patient themself; or a live emergency access with a reason). Municipal staff
 * of one municipality never see another's patients. Analysts see only aggregates. */
#ifndef HM_AUTH_POLICY_H
#define HM_AUTH_POLICY_H

#include <stdint.h>

#include "auth/auth.h"
#include "store/store.h"

/* How long after an episode ends its care relation still gives access (days). */
#define HM_POLICY_RECENT_DAYS 30
/* How long an emergency access lasts. */
#define HM_EMERGENCY_ACCESS_MS (4LL * 3600 * 1000)

enum hm_action {
    HM_ACT_PATIENT_READ,
    HM_ACT_REFERRAL_CREATE,
    HM_ACT_ELIGIBILITY_ANSWER,
    HM_ACT_EPISODE_APPROVE,
    HM_ACT_REGIMEN_SET,
    HM_ACT_DEVICE_ASSIGN,
    HM_ACT_TRAINING_RECORD,
    HM_ACT_EPISODE_ACTIVATE,
    HM_ACT_EPISODE_READMIT,
    HM_ACT_EPISODE_END,
    HM_ACT_TASK_DOCUMENT,
    HM_ACT_TASK_LIST,
    HM_ACT_OBSERVATION_CREATE,
    HM_ACT_SHORTAGE_DECLARE,
    HM_ACT_EMERGENCY_ACCESS,
    HM_ACT_EMERGENCY_REVIEW,
    HM_ACT_ACCESS_LOG_READ,
    HM_ACT_ORG_READ,
    HM_ACT_DEVICE_READ,
    HM_ACT_STAFF_READ,
    HM_ACT_NEWS2_SCALE_SET,
    HM_ACT_STAFF_ADMIN,
    HM_ACT_ROSTER_READ,
    HM_ACT_ROSTER_SET,
    HM_ACT_PATIENT_UPDATE,
    HM_ACT_PLAN_DAY,
    HM_ACT__COUNT
};

const char *hm_action_name(enum hm_action a);

/* The care relation as SQL, the one definition both the single-patient check and the patient
 * list use: the episodes (alias e, joined with its home-care organisation as hc) that give a
 * staff member access. Its three parameters, in order: the end of "recent" (episodes ended
 * after it still count, UTC ms), the staff member's organisation, the same organisation again. */
#define HM_POLICY_CARE_EPISODES                                                                    \
    "SELECT e.patient_id FROM episode e JOIN org hc ON hc.id = e.home_care_org_id"                \
    " WHERE (e.state NOT IN ('completed','discontinued') OR e.ended_ms > ?)"                      \
    " AND (EXISTS (SELECT 1 FROM org_ancestor a WHERE a.org_id = ?"                               \
    "        AND a.ancestor_id IN (e.hospital_org_id, coalesce(e.backup_org_id, 0), hc.root_id))" \
    "   OR EXISTS (SELECT 1 FROM org_serves s JOIN org_ancestor a ON a.ancestor_id = s.centre_id" \
    "        WHERE a.org_id = ? AND s.municipality_id = hc.root_id))"

/* HM_OK when the role may do the action at all, else HM_EFORBIDDEN with a message. */
int hm_policy_role_allows(const hm_actor *a, enum hm_action act, hm_err *err);

/* May the actor see patient_id now? HM_OK (with *via_emergency set when only an emergency access
 * grants it), HM_EFORBIDDEN ("no care relation to this patient"), or a storage error. A patient
 * that does not exist is also HM_EFORBIDDEN, so that ids cannot be probed. */
int hm_policy_patient_access(hm_db *db, const hm_actor *a, int64_t patient_id, int64_t now_ms,
                             int *via_emergency, hm_err *err);

/* May the actor work with an organisation's tasks (list, document)? Same top-level
 * organisation (the same municipality, or the same hospital trust), or an ancestor. */
int hm_policy_org_access(hm_db *db, const hm_actor *a, int64_t org_id, hm_err *err);

#endif
