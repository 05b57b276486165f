/* h_care.c: the care workflow's routes. Each handler builds the call context and hands the
 * request body and route parameters to care/, which does the checks, the work and the audit. */
#include "http/handlers.h"

#include "care/care.h"
#include "http/client_watch.h"
#include "pathway/pathway.h"

/* Runs a care operation and answers its JSON with the given status. */
#define ANSWER(r, status, expr)                                                                    \
    do {                                                                                           \
        json_t *out_ = NULL;                                                                       \
        hm_call call_ = HM_REQ_CALL(r);                                                            \
        const hm_call *c = &call_;                                                                 \
        int rc_ = (expr);                                                                          \
        return rc_ ? rc_ : hm_req_reply((r), (status), out_);                                      \
    } while (0)

int hm_h_orgs(hm_req *r) { ANSWER(r, 200, hm_care_orgs(c, &out_, &r->err)); }
int hm_h_devices(hm_req *r) { ANSWER(r, 200, hm_care_devices(c, &out_, &r->err)); }
int hm_h_staff(hm_req *r) { ANSWER(r, 200, hm_care_staff(c, &out_, &r->err)); }
int hm_h_staff_create(hm_req *r) { ANSWER(r, 201, hm_care_staff_create(c, r->body, &out_, &r->err)); }

int hm_h_competence_record(hm_req *r)
{
    ANSWER(r, 200, hm_care_competence_record(c, r->param[0], r->body, &out_, &r->err));
}
int hm_h_staff_update(hm_req *r)
{
    ANSWER(r, 200, hm_care_staff_update(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_staff_deactivate(hm_req *r)
{
    ANSWER(r, 200, hm_care_staff_set_active(c, r->param[0], 0, &out_, &r->err));
}

int hm_h_staff_reactivate(hm_req *r)
{
    ANSWER(r, 200, hm_care_staff_set_active(c, r->param[0], 1, &out_, &r->err));
}

int hm_h_staff_password(hm_req *r)
{
    ANSWER(r, 200, hm_care_staff_password_reset(c, r->param[0], r->body, &out_, &r->err));
}

/* The body is optional ({"last_day"}); one that is there must be an object. */
int hm_h_competence_end(hm_req *r)
{
    if (r->body && !json_is_object(r->body))
        return hm_err_set(&r->err, HM_EINVAL, "the request body must be a JSON object");
    ANSWER(r, 200, hm_care_competence_end(c, r->param[0], r->param[1], r->body, &out_, &r->err));
}

int hm_h_competence_remove(hm_req *r)
{
    hm_call call = HM_REQ_CALL(r);
    int rc = hm_care_competence_remove(&call, r->param[0], r->param[1], &r->err);
    return rc ? rc : hm_req_reply(r, 204, NULL);
}

int hm_h_roster(hm_req *r)
{
    ANSWER(r, 200, hm_care_roster_get(c, r->param[0], hm_req_query(r, "from"),
                                      hm_req_query(r, "to"), &out_, &r->err));
}

int hm_h_roster_set(hm_req *r)
{
    ANSWER(r, 200, hm_care_roster_set(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_patients(hm_req *r) { ANSWER(r, 200, hm_care_patients_list(c, &out_, &r->err)); }
int hm_h_patient(hm_req *r) { ANSWER(r, 200, hm_care_patient_get(c, r->param[0], &out_, &r->err)); }
int hm_h_patient_update(hm_req *r)
{
    ANSWER(r, 200, hm_care_patient_update(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_patient_episodes(hm_req *r)
{
    ANSWER(r, 200, hm_care_patient_episodes(c, r->param[0], &out_, &r->err));
}

int hm_h_observations(hm_req *r)
{
    ANSWER(r, 200, hm_care_observations_list(c, r->param[0], &out_, &r->err));
}

int hm_h_observation_create(hm_req *r)
{
    ANSWER(r, 201, hm_care_observation_create(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_emergency_access(hm_req *r)
{
    ANSWER(r, 201, hm_care_emergency_access(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_access_log(hm_req *r)
{
    ANSWER(r, 200, hm_care_access_log(c, r->param[0], &out_, &r->err));
}

int hm_h_emergency_review(hm_req *r)
{
    ANSWER(r, 200, hm_care_emergency_review(c, &out_, &r->err));
}

int hm_h_referral_create(hm_req *r)
{
    ANSWER(r, 201, hm_care_referral_create(c, r->body, &out_, &r->err));
}

int hm_h_episode(hm_req *r) { ANSWER(r, 200, hm_care_episode_get(c, r->param[0], &out_, &r->err)); }

int hm_h_eligibility(hm_req *r)
{
    ANSWER(r, 200, hm_care_eligibility_answer(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_approve(hm_req *r)
{
    ANSWER(r, 200, hm_care_episode_approve(c, r->param[0], &out_, &r->err));
}

int hm_h_regimen(hm_req *r)
{
    ANSWER(r, 200, hm_care_regimen_set(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_news2_scale(hm_req *r)
{
    ANSWER(r, 200, hm_care_news2_scale_set(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_pump_assign(hm_req *r)
{
    ANSWER(r, 200, hm_care_pump_assign(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_device_assign(hm_req *r)
{
    ANSWER(r, 200, hm_care_device_assign(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_device_release(hm_req *r)
{
    ANSWER(r, 200, hm_care_device_release(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_training(hm_req *r)
{
    ANSWER(r, 200, hm_care_training_record(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_activate(hm_req *r)
{
    ANSWER(r, 200, hm_care_episode_activate(c, r->param[0], &out_, &r->err));
}

int hm_h_readmit(hm_req *r)
{
    ANSWER(r, 200, hm_care_episode_readmit(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_return_home(hm_req *r)
{
    ANSWER(r, 200, hm_care_episode_return(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_complete(hm_req *r)
{
    ANSWER(r, 200, hm_care_episode_end(c, r->param[0], "completed", r->body, &out_, &r->err));
}

int hm_h_discontinue(hm_req *r)
{
    ANSWER(r, 200, hm_care_episode_end(c, r->param[0], "discontinued", r->body, &out_, &r->err));
}

/* Task lists come back as finished JSON text (see care.h). */
#define ANSWER_TEXT(r, expr)                                                                       \
    do {                                                                                           \
        char *text_ = NULL;                                                                        \
        size_t len_ = 0;                                                                           \
        hm_call call_ = HM_REQ_CALL(r);                                                            \
        const hm_call *c = &call_;                                                                 \
        int rc_ = (expr);                                                                          \
        return rc_ ? rc_ : hm_req_reply_text((r), 200, text_, len_);                               \
    } while (0)

int hm_h_episode_tasks(hm_req *r)
{
    ANSWER_TEXT(r, hm_care_episode_tasks(c, r->param[0], &text_, &len_, &r->err));
}

int hm_h_org_tasks(hm_req *r)
{
    ANSWER_TEXT(r, hm_care_org_tasks(c, r->param[0], hm_req_query(r, "date"), &text_, &len_,
                                     &r->err));
}

int hm_h_org_plans(hm_req *r)
{
    ANSWER(r, 200, hm_care_org_plans(c, r->param[0], hm_req_query(r, "date"), &out_, &r->err));
}

int hm_h_org_tasks_missed(hm_req *r)
{
    ANSWER_TEXT(r, hm_care_org_tasks_missed(c, r->param[0], &text_, &len_, &r->err));
}

int hm_h_shortage_create(hm_req *r)
{
    ANSWER(r, 201, hm_care_shortage_declare(c, r->param[0], r->body, &out_, &r->err));
}

/* A plan holds the planning lock for up to 30 s: when the coordinator closes the page meanwhile,
 * the plan stops and stores nothing, and the lock is free for the next at once. */
int hm_h_org_plan(hm_req *r)
{
    hm_client_watch w;
    hm_client_watch_start(&w, r->conn);
    json_t *out = NULL;
    hm_call call = HM_REQ_CALL(r);
    int rc = hm_care_plan_day_request(&call, r->param[0], r->body, &w.gone, &out, &r->err);
    hm_client_watch_stop(&w);
    return rc ? rc : hm_req_reply(r, 200, out);
}

int hm_h_task_unstart(hm_req *r)
{
    ANSWER(r, 200, hm_care_task_unstart(c, r->param[0], &out_, &r->err));
}

int hm_h_task_assign(hm_req *r)
{
    ANSWER(r, 200, hm_care_task_assign(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_task_start(hm_req *r)
{
    ANSWER(r, 200, hm_care_task_start(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_task_done(hm_req *r)
{
    ANSWER(r, 200, hm_care_task_done(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_task_not_done(hm_req *r)
{
    ANSWER(r, 200, hm_care_task_not_done(c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_drugs(hm_req *r)
{
    json_t *arr = json_array();
    const struct hm_drug_catalogue *d = r->care->drugs;
    for (size_t i = 0; d && i < hm_drug_catalogue_count(d); i++) {
        const hm_drug *x = hm_drug_catalogue_at(d, i);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i}", "code", x->code, "name",
                                             x->name, "atc", x->atc, "max_bag_hours",
                                             x->max_bag_hours));
    }
    return hm_req_reply(r, 200, arr);
}

int hm_h_pathways(hm_req *r)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < r->care->npathways; i++)
        json_array_append_new(arr, hm_pathway_to_json(r->care->pathways[i]));
    return hm_req_reply(r, 200, arr);
}
