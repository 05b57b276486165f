/* alarm.h: alarms and the response centre: the alarm state machine, the HL7 PCD sink, the
 * live event hub behind the SSE stream, durable escalation deadlines and the webhook outbox.
 *
 * States: open -> acknowledged -> resolved (open -> resolved too). A device's end-of-alarm
 * resolves a medium or low alarm at once; a high one keeps waiting for a person's
 * acknowledgement (device_ended = 1), and that acknowledgement then resolves it. One open
 * alarm per condition (alert_key: the device serial and the alert code), so a device that
 * repeats an alert updates its row. Every transition writes an alarm_event row and an audit
 * row in the same group-commit job; callers are answered only once that job is durable.
 * docs/internals/escalation.md explains deadlines, exactly-once firing and the outbox. */
#ifndef HM_ALERT_ALARM_H
#define HM_ALERT_ALARM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/error.h"
#include "base/time.h"
#include "hl7/pcd.h"
#include "store/store.h"
#include "store/writer.h"

#define HM_ALARM_TIERS_MAX 6
#define HM_ALARM_NOTE_MAX 2000

enum hm_alarm_prio { HM_ALARM_HIGH = 0, HM_ALARM_MEDIUM = 1, HM_ALARM_LOW = 2 };

/* One pathway's escalation chain: tier names and, per priority, how long an alarm may stay
 * unacknowledged at each tier before it moves to the next one. */
typedef struct hm_escalation {
    char pathway[64]; /* "" = the default for every pathway */
    int ntiers;
    char tier[HM_ALARM_TIERS_MAX][32];       /* e.g. "home_care", "ward", "physician" */
    int64_t after_ms[3][HM_ALARM_TIERS_MAX]; /* [priority][tier] */
} hm_escalation;

/* One pathway's measurement rules ("alarm_rules" in its template). */
typedef struct hm_alarm_rules {
    char pathway[64];        /* "" = the default for every pathway */
    int news2_prio[5];       /* per NEWS2 response (routine..high): -1 none, else a priority */
    double temp_at_or_above; /* °C; 0 = no temperature threshold */
    int temp_prio;
    int64_t pump_stopped_ms; /* infusion stopped longer than this raises an alarm; 0 = off */
    int pump_stopped_prio;
    char self_report_kinds[4][32]; /* task kinds the patient does: a missed one is a missed
                                      self-report */
    char self_report_kind[32];     /* observation kind the patient must send ... */
    int64_t self_report_every_ms;  /* ... at least this often (0 = no such rule) */
    int self_report_prio;
    int questionnaire_after_min; /* a day of an active treatment without any questionnaire
                                    answer is missed after this local time (minutes of the
                                    day); -1 = no such rule */
    int questionnaire_prio;
    /* Whether the pathway asks for answers on date in a treatment from start to end (its
     * questions' cadence lives in the pathway module): NULL means every day. */
    int (*answers_due)(const void *pathway, hm_date start, hm_date end, hm_date date);
    const void *pathway_ctx; /* passed to answers_due */
} hm_alarm_rules;

typedef struct hm_alarm_opts {
    const char *webhook_url; /* POST target of escalations; NULL = none */
    int64_t heartbeat_ms;    /* silence longer than this raises a technical alarm (0 = 10 min) */
    const hm_escalation *chains; /* per-pathway chains; the one with pathway "" is the default */
    size_t nchains;
    const hm_alarm_rules *rules; /* per-pathway rules; the one with pathway "" is the default */
    size_t nrules;
    int64_t task_grace_ms; /* a task not done this long after its window is missed
                              (0 = 30 min) */
    int64_t inbox_keep_ms; /* HL7 messages received (hl7_inbox: resend detection and the
                              record of what each device sent) are kept this long (0 = 90 days) */
} hm_alarm_opts;

typedef struct hm_alarms hm_alarms;

/* The caller of one operation. */
typedef struct hm_alarm_call {
    const hm_actor *actor;
    int64_t now_ms;
    const char *request_id;
} hm_alarm_call;

int hm_alarms_create(hm_store *st, hm_writer *w, const hm_clock *clock, const hm_alarm_opts *o,
                     hm_alarms **out, hm_err *err);
/* Wakes every waiting stream reader (they see stopping) and frees. NULL is a no-op. */
void hm_alarms_destroy(hm_alarms *a);

/* The default chain: home care, then the hospital ward, then the physician; high 5/10/15 min,
 * medium 15/30/60, low 60/120/240. */
void hm_escalation_default(hm_escalation *out);
/* Reads the "escalation" section of a pathway template file into *out (HM_ENOTFOUND when the
 * file has none). Shape: {"tiers": [...], "unacknowledged_minutes": {"high": [...], ...}}. */
int hm_escalation_load_file(const char *path, hm_escalation *out, hm_err *err);

/* The default rules: NEWS2 low-medium -> medium, medium and high -> high alarm; temperature
 * >= 38.5 °C -> high; pump stopped 30 min -> high. */
void hm_alarm_rules_default(hm_alarm_rules *out);
/* Reads the "alarm_rules" section of a pathway template file (HM_ENOTFOUND when none):
 * {"news2": {"low": null, "low_medium": "medium", "medium": "high", "high": "high"},
 *  "temperature_at_or_above": 38.5, "temperature_priority": "high",
 *  "pump_stopped_minutes": 30, "pump_stopped_priority": "high",
 *  "self_report_kinds": ["questionnaire"],
 *  "self_report": {"kind": "vital_signs", "every_hours": 24, "priority": "medium"},
 *  "questionnaire_missed": {"after": "20:00", "priority": "low"}}.
 * Missing members keep the defaults. */
int hm_alarm_rules_load_file(const char *path, hm_alarm_rules *out, hm_err *err);

/* The hm_pcd_sink for hm_pcd_mllp_handler (ctx is the hm_alarms *): stores the message
 * durably (inbox, device heartbeat, alarm upsert) and returns HM_OK only once committed. A
 * resend (same sending application, facility and control id) returns HM_OK and changes
 * nothing. */
int hm_alarms_pcd_sink(void *ctx, const hm_pcd_msg *m, const char *raw, size_t len, hm_err *err);

/* The open and acknowledged alarms the caller may see, high before medium before low, oldest
 * first within a priority. Audited as one read. */
int hm_alarms_list(hm_alarms *a, const hm_alarm_call *c, json_t **out, hm_err *err);
/* One alarm with its history. */
int hm_alarms_get(hm_alarms *a, const hm_alarm_call *c, int64_t id, json_t **out, hm_err *err);
/* Transitions; in may hold {"note": "..."} (required for hm_alarms_note). */
int hm_alarms_ack(hm_alarms *a, const hm_alarm_call *c, int64_t id, const json_t *in, json_t **out,
                  hm_err *err);
int hm_alarms_note(hm_alarms *a, const hm_alarm_call *c, int64_t id, const json_t *in, json_t **out,
                   hm_err *err);
int hm_alarms_resolve(hm_alarms *a, const hm_alarm_call *c, int64_t id, const json_t *in,
                      json_t **out, hm_err *err);
/* "I need help" from a patient (their own id) or a nurse with a care relation:
 * {"text": "...", "priority": "high"|"medium"|"low"} (both optional; default high). */
int hm_alarms_help(hm_alarms *a, const hm_alarm_call *c, int64_t patient_id, const json_t *in,
                   json_t **out, hm_err *err);
/* One pass of the timers: fires every escalation whose deadline has passed (each exactly
 * once: the deadline moves in the same transaction as the outbox row), raises silence
 * alarms, and runs the rules (rules.c): NEWS2 and temperature on each new vital-signs
 * observation, missed tasks and self-reports, pumps stopped too long. *fired counts
 * escalations. */
int hm_alarms_tick(hm_alarms *a, int64_t now_ms, int *fired, hm_err *err);
/* Deletes HL7 inbox rows older than the retention (opts.inbox_keep_ms), 1,000 per write job so
 * that no batch waits long; *deleted counts them. The workers run it hourly. */
int hm_alarms_prune_inbox(hm_alarms *a, int64_t now_ms, int64_t *deleted, hm_err *err);
/* Delivers due webhook outbox rows (one POST each, backoff on failure). *sent counts 2xx. */
int hm_alarms_deliver(hm_alarms *a, int64_t now_ms, int *sent, hm_err *err);

/* Starts a thread that runs tick and deliver about every 250 ms; stopped by destroy. */
int hm_alarms_start_workers(hm_alarms *a, hm_err *err);

/* ---- live events (the SSE stream) ---- */

/* Ends every live stream (their next wait returns HM_EBUSY at once) and refuses new waits:
 * call before stopping the HTTP server, so that it does not wait for idle streams. */
void hm_alarms_close_streams(hm_alarms *a);
/* Records (audit) that the caller opened the live stream; role check included. */
int hm_alarms_stream_open(hm_alarms *a, const hm_alarm_call *c, hm_err *err);
/* The sequence number of the newest event (0 = none yet). */
uint64_t hm_alarms_seq(hm_alarms *a);
/* Waits up to timeout_ms for an event after seq *after; copies its JSON text (NUL-terminated)
 * into buf and sets *after to its number. HM_AGAIN on timeout, HM_EBUSY when stopping.
 * Events older than the hub keeps are skipped. *patient is the event's patient (0 = none). */
int hm_alarms_next_event(hm_alarms *a, uint64_t *after, int timeout_ms, char *buf, size_t cap,
                         int64_t *patient, hm_err *err);
/* May this actor see alarms of this patient (0 = an unassigned device)? HM_OK or
 * HM_EFORBIDDEN. Runs on a read connection. */
int hm_alarms_may_see(hm_alarms *a, const hm_actor *who, int64_t patient_id, int64_t now_ms,
                      hm_err *err);

#endif
