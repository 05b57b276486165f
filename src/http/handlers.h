/* handlers.h: the JSON API handlers; one file per resource (h_*.c). Each takes the request,
 * calls the domain (care/, auth/) and sets the JSON answer. */
#ifndef HM_HTTP_HANDLERS_H
#define HM_HTTP_HANDLERS_H

#include "http/http.h"

/* The domain call a request makes: who asks, when, and the request id for the audit row. */
#define HM_REQ_CALL(r) (hm_call){(r)->care, &(r)->actor, (r)->now_ms, (r)->request_id}

int hm_h_access_log(hm_req *r);
int hm_h_account_revoke(hm_req *r);
int hm_h_activate(hm_req *r);
int hm_h_approve(hm_req *r);
int hm_h_complete(hm_req *r);
int hm_h_devices(hm_req *r);
int hm_h_staff(hm_req *r);
int hm_h_staff_create(hm_req *r);
int hm_h_competence_record(hm_req *r);
int hm_h_staff_update(hm_req *r);
int hm_h_staff_deactivate(hm_req *r);
int hm_h_staff_reactivate(hm_req *r);
int hm_h_staff_password(hm_req *r);
int hm_h_competence_end(hm_req *r);
int hm_h_competence_remove(hm_req *r);
int hm_h_roster(hm_req *r);
int hm_h_roster_set(hm_req *r);
int hm_h_password_change(hm_req *r);
int hm_h_discontinue(hm_req *r);
int hm_h_drugs(hm_req *r);
int hm_h_eligibility(hm_req *r);
int hm_h_emergency_access(hm_req *r);
int hm_h_emergency_review(hm_req *r);
int hm_h_episode(hm_req *r);
int hm_h_episode_tasks(hm_req *r);
int hm_h_healthz(hm_req *r);
int hm_h_login(hm_req *r);
int hm_h_auth_config(hm_req *r);
int hm_h_oidc_login(hm_req *r);
int hm_h_logout(hm_req *r);
int hm_h_me(hm_req *r);
int hm_h_observation_create(hm_req *r);
int hm_h_observations(hm_req *r);
int hm_h_org_tasks(hm_req *r);
int hm_h_org_tasks_missed(hm_req *r);
int hm_h_orgs(hm_req *r);
int hm_h_pathways(hm_req *r);
int hm_h_patient(hm_req *r);
int hm_h_metrics(hm_req *r);
int hm_h_patient_update(hm_req *r);
int hm_h_patient_episodes(hm_req *r);
int hm_h_patients(hm_req *r);
int hm_h_pump_assign(hm_req *r);
int hm_h_device_assign(hm_req *r);
int hm_h_device_release(hm_req *r);
int hm_h_readmit(hm_req *r);
int hm_h_referral_create(hm_req *r);
int hm_h_regimen(hm_req *r);
int hm_h_news2_scale(hm_req *r);
int hm_h_return_home(hm_req *r);
int hm_h_shortage_create(hm_req *r);
int hm_h_org_plan(hm_req *r);
int hm_h_org_plans(hm_req *r);
int hm_h_task_start(hm_req *r);
int hm_h_task_assign(hm_req *r);
int hm_h_task_unstart(hm_req *r);
int hm_h_task_done(hm_req *r);
int hm_h_task_not_done(hm_req *r);
int hm_h_training(hm_req *r);

/* The patient's questionnaire (h_answers.c). */
int hm_h_questions(hm_req *r);
int hm_h_answers_create(hm_req *r);
int hm_h_episode_answers(hm_req *r);

/* Alarms (h_alarms.c); the alarm service is bound once before serving. */
struct hm_alarms;
void hm_h_alarms_bind(struct hm_alarms *a);
struct hm_alarms *hm_h_alarms_bound(void);
int hm_h_alarms(hm_req *r);
int hm_h_alarm(hm_req *r);
int hm_h_alarm_ack(hm_req *r);
int hm_h_alarm_note(hm_req *r);
int hm_h_alarm_resolve(hm_req *r);
int hm_h_alarm_help(hm_req *r);
int hm_h_alarm_stream(hm_req *r); /* sse.c */

/* The FHIR R4 read facade (fhir*.c). */
int hm_h_fhir_metadata(hm_req *r);
int hm_h_fhir_patient_read(hm_req *r);
int hm_h_fhir_patient_search(hm_req *r);
int hm_h_fhir_observation_read(hm_req *r);
int hm_h_fhir_observation_search(hm_req *r);
int hm_h_fhir_episode_read(hm_req *r);
int hm_h_fhir_episode_search(hm_req *r);
int hm_h_fhir_device_read(hm_req *r);
int hm_h_fhir_device_search(hm_req *r);

#endif
