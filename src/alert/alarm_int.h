/* alarm_int.h: what the alert module's alarm files share (not for other modules). */
#ifndef HM_ALERT_ALARM_INT_H
#define HM_ALERT_ALARM_INT_H

#include <pthread.h>

#include "alert/alarm.h"
#include "alert/device_obs.h"

#define HM__HUB_SIZE 4096
#define HM__PENDING_MAX 256
#define HM__TEMPLATE_MAX (1024 * 1024) /* bytes of a pathway template file */
#define HM__TICK_BATCH 200   /* escalations fired per tick (escalate.c's LIMIT) */
#define HM__DELIVER_BATCH 32 /* webhook rows posted per pass (escalate.c's LIMIT) */

struct hm__hub_ev {
    uint64_t seq;
    int64_t patient;
    char *text;
};

struct hm_alarms {
    hm_store *st;
    hm_writer *w;
    const hm_clock *clock;
    char *webhook;
    int64_t heartbeat_ms;
    hm_escalation fallback;
    hm_escalation *chains;
    size_t nchains;
    hm_alarm_rules fallback_rules;
    hm_alarm_rules *rules;
    size_t nrules;
    int64_t task_grace_ms;
    int64_t inbox_keep_ms;
    int64_t prune_next_ms; /* when the workers next prune the HL7 inbox */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t seq;
    int stopping;
    int streams_closed;
    struct hm__hub_ev ring[HM__HUB_SIZE];
    pthread_t worker;
    int worker_on;
    int64_t self_report_next_ms; /* when the tick next looks for overdue self-reports */
};

/* Live events gathered inside a write job, published only once it committed. */
struct hm__pending {
    size_t n;
    json_t *ev[HM__PENDING_MAX];
    int64_t patient[HM__PENDING_MAX];
};

/* What is raised: a device alert, a rule, a help call or a silence. */
struct hm__raise {
    const char *source; /* device, rule, help, silence */
    const char *key;
    const char *serial;
    const char *device_alert_id;
    const char *code;
    const char *text;
    const char *kind;
    enum hm_alarm_prio prio;
    int ended; /* the device says the condition is over */
    int64_t patient, episode, municipality;
    const char *pathway;
    int64_t raised_by; /* account, 0 = the system */
    const hm_actor *actor;
    const char *request_id;
    int64_t now_ms;
};

/* The patient context of a device (its open assignment) or of a patient (open episode). */
struct hm__ctx {
    int64_t patient, episode, municipality;
    char pathway[64];
};

extern const char hm__alarm_cols[];
const char *hm__alarm_prio_name(enum hm_alarm_prio p);
int hm__alarm_prio_parse(const char *s, enum hm_alarm_prio *out);
const hm_escalation *hm__alarm_chain(const hm_alarms *a, const char *pathway);
json_t *hm__alarm_row_json(hm_alarms *a, hm_cursor *c);
int hm__alarm_load(hm_alarms *a, hm_db *db, int64_t id, json_t **out, int64_t *patient,
                   hm_err *err);
int hm__alarm_event_json(hm_alarms *a, hm_db *db, int64_t id, const char *type,
                         struct hm__pending *p, hm_err *err);
void hm__pending_publish(hm_alarms *a, struct hm__pending *p, int committed);
void hm__alarm_publish(hm_alarms *a, int64_t patient, json_t *ev);
int hm__alarm_history(hm_db *db, int64_t id, const char *kind, int64_t at, int64_t account,
                      int64_t tier, const char *note, hm_err *err);
int hm__alarm_audit(hm_db *db, const hm_actor *who, int64_t at, const char *action, int64_t id,
                    const char *what, int64_t patient, const char *request_id, hm_err *err);
int hm__alarm_audit_read(hm_alarms *a, const hm_alarm_call *c, const char *object,
                         int64_t *patients, size_t n, hm_err *err);

/* Inside a write job: opens, repeats or ends the alarm of r->key. *id is the alarm touched (0
 * when nothing was), *what the live event type ("raised", "updated", "device_ended",
 * "resolved") or NULL. */
int hm__alarm_upsert(hm_alarms *a, hm_db *db, const struct hm__raise *r, int64_t *id,
                     const char **what, hm_err *err);
/* Inside a write job: hm__alarm_upsert, then the live event it calls for (into *p, published
 * once the job committed). *id is the alarm touched (0 when none); id may be NULL. */
int hm__alarm_raise(hm_alarms *a, hm_db *db, const struct hm__raise *r, struct hm__pending *p,
                    int64_t *id, hm_err *err);
const hm_alarm_rules *hm__alarm_rules(const hm_alarms *a, const char *pathway);
/* The rule passes, as one write job each (rules.c); events go to *p. */
int hm__rules_job(hm_db *db, hm_alarms *a, int64_t now_ms, struct hm__pending *p, hm_err *err);
/* Self-report rules ("a report at least every N hours"): the search over every active episode
 * is a read (hm__self_report_candidates, on a reader connection, every
 * HM__SELF_REPORT_EVERY_MS), and only its candidates are judged again and raised in a write
 * job: a search over 10,000 episodes inside the writer held up every commit for ~70 ms. */
#define HM__OVERDUE_MAX 400
#define HM__SELF_REPORT_EVERY_MS 30000
struct hm__overdue {
    size_t n;
    size_t rule[HM__OVERDUE_MAX];
    int64_t patient[HM__OVERDUE_MAX];
};
int hm__self_report_candidates(hm_db *db, hm_alarms *a, int64_t now, struct hm__overdue *out,
                               hm_err *err);
int hm__self_report_job(hm_db *db, hm_alarms *a, const struct hm__overdue *o, int64_t now,
                        struct hm__pending *p, hm_err *err);
/* A PCD-10 event: keeps pump_state and ends a "pump stopped" alarm when it runs again. */
int hm__rules_pump_event(hm_db *db, hm_alarms *a, const hm_pcd_msg *m, int64_t now_ms,
                         const struct hm__ctx *ctx, struct hm__pending *p, hm_err *err);
int hm__ctx_device(hm_db *db, const char *serial, struct hm__ctx *out, hm_err *err);
int hm__ctx_patient(hm_db *db, int64_t patient, struct hm__ctx *out, hm_err *err);


#endif
