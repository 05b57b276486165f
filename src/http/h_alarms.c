/* h_alarms.c: the response centre's routes: the open-alarm list, one alarm with its history,
 * acknowledge, note, resolve, and "I need help". The alarm service (alert/alarm.h) does the
 * checks, the durable write and the audit; these handlers only route. The service is bound
 * once at start-up by the application (hm_h_alarms_bind), before the server takes requests. */
#include "http/handlers.h"

#include "alert/alarm.h"

static hm_alarms *bound;

void hm_h_alarms_bind(hm_alarms *a)
{
    bound = a;
}

hm_alarms *hm_h_alarms_bound(void)
{
    return bound;
}

#define ALARM_CALL(r)                                                                              \
    (hm_alarm_call)                                                                                \
    {                                                                                              \
        &(r)->actor, (r)->now_ms, (r)->request_id                                                  \
    }

/* Runs an alarm operation and answers its JSON with the given status. */
#define ALARM_ANSWER(r, status, expr)                                                              \
    do {                                                                                           \
        if (!bound)                                                                                \
            return hm_err_set(&(r)->err, HM_EBUSY, "alarms are not available");                    \
        json_t *out_ = NULL;                                                                       \
        hm_alarm_call call_ = ALARM_CALL(r);                                                       \
        const hm_alarm_call *c = &call_;                                                           \
        int rc_ = (expr);                                                                          \
        return rc_ ? rc_ : hm_req_reply((r), (status), out_);                                      \
    } while (0)

int hm_h_alarms(hm_req *r)
{
    ALARM_ANSWER(r, 200, hm_alarms_list(bound, c, &out_, &r->err));
}

int hm_h_alarm(hm_req *r)
{
    ALARM_ANSWER(r, 200, hm_alarms_get(bound, c, r->param[0], &out_, &r->err));
}

int hm_h_alarm_ack(hm_req *r)
{
    ALARM_ANSWER(r, 200, hm_alarms_ack(bound, c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_alarm_note(hm_req *r)
{
    ALARM_ANSWER(r, 201, hm_alarms_note(bound, c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_alarm_resolve(hm_req *r)
{
    ALARM_ANSWER(r, 200, hm_alarms_resolve(bound, c, r->param[0], r->body, &out_, &r->err));
}

int hm_h_alarm_help(hm_req *r)
{
    ALARM_ANSWER(r, 201, hm_alarms_help(bound, c, r->param[0], r->body, &out_, &r->err));
}
