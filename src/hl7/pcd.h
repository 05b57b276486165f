/* pcd.h: IHE Patient Care Device messages mapped into one neutral struct.
 *
 * Reads PCD-01 (ORU^R01, device observations), PCD-04 (ORU^R40, alerts) and PCD-10 (ORU^R42,
 * infusion pump events) from a parsed HL7 message. The struct knows nothing about storage or
 * patients' records: the alert module decides what an alert means for whom. Anything else
 * (other message types, triggers) is HM_EUNSUPPORTED with a message; the caller answers AE.
 * docs/internals/hl7.md lists which segment and field carries each member. */
#ifndef HM_HL7_PCD_H
#define HM_HL7_PCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "hl7/hl7.h"

#define HM_PCD_MAX_OBS 64
#define HM_PCD_TEXT_MAX 128
#define HM_PCD_ID_MAX 64

enum hm_pcd_kind { HM_PCD_OBSERVATION = 1, HM_PCD_ALERT, HM_PCD_PUMP_EVENT };

/* Alert priority from OBX-8 (PH/PM/PL/PN, IHE PCD TF-2 Table B.8-4) or the
 * MDC_ATTR_ALARM_PRIORITY observation. */
enum hm_pcd_priority {
    HM_PCD_PRIO_UNKNOWN = 0,
    HM_PCD_PRIO_NONE,
    HM_PCD_PRIO_LOW,
    HM_PCD_PRIO_MEDIUM,
    HM_PCD_PRIO_HIGH
};

/* MDC_ATTR_EVENT_PHASE values. */
enum hm_pcd_phase {
    HM_PCD_PHASE_UNKNOWN = 0,
    HM_PCD_PHASE_START,
    HM_PCD_PHASE_START_ONLY,
    HM_PCD_PHASE_CONTINUE,
    HM_PCD_PHASE_END,
    HM_PCD_PHASE_PRESENT,
    HM_PCD_PHASE_UPDATE,
    HM_PCD_PHASE_ESCALATE,
    HM_PCD_PHASE_INACTIVATE,
    HM_PCD_PHASE_DEESCALATE,
    HM_PCD_PHASE_RESET
};

/* MDC_ATTR_ALARM_STATE values. */
enum hm_pcd_state {
    HM_PCD_STATE_UNKNOWN = 0,
    HM_PCD_STATE_INACTIVE,
    HM_PCD_STATE_ACTIVE,
    HM_PCD_STATE_LATCHED,
    HM_PCD_STATE_OFF
};

/* Alert kind from OBX-8 (SP/ST/SA) or MDC_ATTR_ALERT_TYPE. */
enum hm_pcd_alert_kind {
    HM_PCD_KIND_UNKNOWN = 0,
    HM_PCD_KIND_PHYSIOLOGICAL,
    HM_PCD_KIND_TECHNICAL,
    HM_PCD_KIND_ADVISORY
};

/* A coded element: numeric MDC code, its reference id and the display text, when sent. */
typedef struct hm_pcd_code {
    char code[16];               /* CWE-1, e.g. "196616" */
    char name[HM_PCD_ID_MAX];    /* CWE-2, e.g. "MDC_EVT_ALARM" */
    char text[HM_PCD_TEXT_MAX];  /* CWE-9 original text, or CWE-5 alternate text */
} hm_pcd_code;

typedef struct hm_pcd_obs {
    hm_pcd_code id;          /* OBX-3 */
    char sub_id[32];         /* OBX-4, containment path such as 1.1.2.4 */
    char type[4];            /* OBX-2 value type (NM, ST, CWE, ...) */
    char value[HM_PCD_TEXT_MAX]; /* OBX-5 (first component for coded values) */
    hm_pcd_code units;       /* OBX-6 */
    int64_t time_ms;         /* OBX-14, else the message time; 0 if none */
} hm_pcd_obs;

typedef struct hm_pcd_alert {
    hm_pcd_code code;        /* what is alarming: OBX-5 of the MDC_EVT_ALARM OBX, or OBX-3 */
    char text[HM_PCD_TEXT_MAX]; /* MDC_ATTR_ALERT_TEXT, else the code's text */
    char id[HM_PCD_ID_MAX];  /* OBR-3 filler order number: the alert's identity across phases */
    enum hm_pcd_priority priority;
    enum hm_pcd_phase phase;
    enum hm_pcd_state state;
    enum hm_pcd_alert_kind kind;
    bool ended;              /* the device says the condition is over (phase end, state off) */
} hm_pcd_alert;

typedef struct hm_pcd_event {
    hm_pcd_code code;        /* OBX-5 of MDC_ATTR_EVT_COND, e.g. MDC_EVT_PUMP_DELIV_START */
    int64_t time_ms;         /* OBX-14 of that OBX, else OBR-7, else MSH-7 */
} hm_pcd_event;

typedef struct hm_pcd_msg {
    enum hm_pcd_kind kind;
    hm_hl7_header header;           /* MSH: control id, sending application/facility, ... */
    int64_t time_ms;                /* OBR-7 observation time, else MSH-7 */
    char device_serial[HM_PCD_ID_MAX]; /* OBX-18 EI-1 of the device (MDS) OBX */
    char device_eui64[HM_PCD_ID_MAX];  /* OBX-18 EI-3 when EI-4 is EUI-64 */
    char patient_id[HM_PCD_ID_MAX];    /* PID-3 CX-1, first repetition (may be empty) */
    char patient_id_authority[HM_PCD_ID_MAX]; /* its CX-4: HD-2 universal id (an OID), else HD-1 */
    char patient_id_type[16];          /* its CX-5 identifier type code, e.g. NNNOR */
    hm_pcd_alert alert;             /* kind == HM_PCD_ALERT */
    hm_pcd_event event;             /* kind == HM_PCD_PUMP_EVENT */
    size_t n_obs;
    bool obs_truncated;             /* more than HM_PCD_MAX_OBS observations were sent */
    hm_pcd_obs obs[HM_PCD_MAX_OBS];
} hm_pcd_msg;

/* Maps a parsed message into *out (a large struct: allocate it, don't put it on a small stack).
 * HM_EUNSUPPORTED for message types other than ORU^R01/R40/R42; HM_EINVAL when a required
 * part is missing (no OBX, no alert or event code); err says which. */
int hm_pcd_map(const hm_hl7_msg *m, hm_pcd_msg *out, hm_err *err);

/* ---- a ready-made MLLP handler: parse, map, hand over, answer ---- */

/* Receives each mapped message. Returns HM_OK only once the message's effects are durable
 * (then AA is sent); any error becomes AE or AR through hm_hl7_ack_for_error, with err->msg
 * (when set) as the reason. raw/len is the message as received. */
typedef int (*hm_pcd_sink)(void *ctx, const hm_pcd_msg *msg, const char *raw, size_t len,
                           hm_err *err);

typedef struct hm_pcd_handler {
    hm_pcd_sink sink;
    void *ctx;
    const char *app_name; /* MSH-3 of ACKs when the sender left MSH-5 empty (NULL = HEIME) */
    const char *facility; /* MSH-4 likewise */
    hm_hl7_limits limits; /* parser limits (zeros = defaults) */
} hm_pcd_handler;

/* An hm_mllp_handler (ctx is an hm_pcd_handler *): parses the message (AE with the reason, and
 * MSA-2 sniffed from the bytes, when it does not parse), maps it (AE for unsupported types),
 * calls the sink and answers AA, AE or AR. The sink never sees a message that failed. */
int hm_pcd_mllp_handler(void *ctx, const char *msg, size_t len, hm_hl7_reply *reply);

const char *hm_pcd_priority_name(enum hm_pcd_priority p); /* "high", "medium", "low", ... */
const char *hm_pcd_phase_name(enum hm_pcd_phase p);       /* "start", "continue", "end", ... */
const char *hm_pcd_kind_name(enum hm_pcd_kind k);         /* "observation", "alert", "pump_event" */

#endif
