/* h_answers.c: the patient's questionnaire routes: the questions due on a day, a set of
 * answers, and an episode's answers for the staff timeline. care/answers.c does the checks
 * (role, care relation, the template), the work and the audit. */
#include "http/handlers.h"

#include "care/care.h"

int hm_h_questions(hm_req *r)
{
    json_t *out = NULL;
    hm_call c = HM_REQ_CALL(r);
    int rc = hm_care_questions_due(&c, r->param[0], hm_req_query(r, "date"), &out, &r->err);
    return rc ? rc : hm_req_reply(r, 200, out);
}

int hm_h_answers_create(hm_req *r)
{
    json_t *out = NULL;
    hm_call c = HM_REQ_CALL(r);
    int rc = hm_care_answers_submit(&c, r->param[0], r->body, &out, &r->err);
    return rc ? rc : hm_req_reply(r, 201, out);
}

int hm_h_episode_answers(hm_req *r)
{
    json_t *out = NULL;
    hm_call c = HM_REQ_CALL(r);
    int rc = hm_care_episode_answers(&c, r->param[0], &out, &r->err);
    return rc ? rc : hm_req_reply(r, 200, out);
}
