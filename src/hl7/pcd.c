/* pcd.c: maps IHE PCD-01/04/10 messages (ORU^R01/R40/R42) into hm_pcd_msg.
 *
 * One pass over the OBX segments: each one becomes an observation, and the ones whose OBX-3
 * names an alert or event attribute (matched by MDC reference id or by numeric code) fill the
 * alert or event members. Values longer than the struct's fields are truncated, never
 * overflowed. Priority and kind come from OBX-8 flags (PH/PM/PL/PN, SP/ST/SA) and are
 * overridden by the explicit MDC_ATTR_ALARM_PRIORITY / MDC_ATTR_ALERT_TYPE observations. */
#include "hl7/pcd.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Reads one item; an over-long value is silently truncated to the field. */
static void rd(const hm_hl7_msg *m, size_t seg, int f, int r, int c, char *buf, size_t cap)
{
    hm_hl7_get(m, seg, f, r, c, 1, buf, cap, NULL);
}

static void rd_code(const hm_hl7_msg *m, size_t seg, int f, hm_pcd_code *code)
{
    rd(m, seg, f, 1, 1, code->code, sizeof code->code);
    rd(m, seg, f, 1, 2, code->name, sizeof code->name);
    rd(m, seg, f, 1, 9, code->text, sizeof code->text);
    if (!code->text[0])
        rd(m, seg, f, 1, 5, code->text, sizeof code->text);
}

/* True when the OBX-3 code is the MDC term name (by reference id) or its numeric code. */
static bool is_term(const hm_pcd_code *c, const char *name, const char *code)
{
    return strcmp(c->name, name) == 0 || (code && c->code[0] && strcmp(c->code, code) == 0);
}

static enum hm_pcd_priority priority_from(const char *v)
{
    static const struct {
        const char *text;
        enum hm_pcd_priority p;
    } t[] = {{"PH", HM_PCD_PRIO_HIGH},   {"PM", HM_PCD_PRIO_MEDIUM}, {"PL", HM_PCD_PRIO_LOW},
             {"PN", HM_PCD_PRIO_NONE},   {"high", HM_PCD_PRIO_HIGH}, {"medium", HM_PCD_PRIO_MEDIUM},
             {"low", HM_PCD_PRIO_LOW},   {"none", HM_PCD_PRIO_NONE}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcasecmp(v, t[i].text) == 0)
            return t[i].p;
    return HM_PCD_PRIO_UNKNOWN;
}

static enum hm_pcd_alert_kind kind_from(const char *v)
{
    if (strcmp(v, "SP") == 0 || strcasecmp(v, "physiological") == 0)
        return HM_PCD_KIND_PHYSIOLOGICAL;
    if (strcmp(v, "ST") == 0 || strcasecmp(v, "technical") == 0)
        return HM_PCD_KIND_TECHNICAL;
    if (strcmp(v, "SA") == 0 || strcasecmp(v, "advisory") == 0)
        return HM_PCD_KIND_ADVISORY;
    return HM_PCD_KIND_UNKNOWN;
}

static const char *const phase_names[] = {
    [HM_PCD_PHASE_UNKNOWN] = "unknown",       [HM_PCD_PHASE_START] = "start",
    [HM_PCD_PHASE_START_ONLY] = "start_only", [HM_PCD_PHASE_CONTINUE] = "continue",
    [HM_PCD_PHASE_END] = "end",               [HM_PCD_PHASE_PRESENT] = "present",
    [HM_PCD_PHASE_UPDATE] = "update",         [HM_PCD_PHASE_ESCALATE] = "escalate",
    [HM_PCD_PHASE_INACTIVATE] = "inactivate", [HM_PCD_PHASE_DEESCALATE] = "deescalate",
    [HM_PCD_PHASE_RESET] = "reset"};

static enum hm_pcd_phase phase_from(const char *v)
{
    for (size_t i = 1; i < sizeof phase_names / sizeof phase_names[0]; i++)
        if (strcasecmp(v, phase_names[i]) == 0)
            return (enum hm_pcd_phase)i;
    return HM_PCD_PHASE_UNKNOWN;
}

static enum hm_pcd_state state_from(const char *v)
{
    if (strcasecmp(v, "inactive") == 0)
        return HM_PCD_STATE_INACTIVE;
    if (strcasecmp(v, "active") == 0)
        return HM_PCD_STATE_ACTIVE;
    if (strcasecmp(v, "latched") == 0)
        return HM_PCD_STATE_LATCHED;
    if (strcasecmp(v, "off") == 0)
        return HM_PCD_STATE_OFF;
    return HM_PCD_STATE_UNKNOWN;
}

const char *hm_pcd_priority_name(enum hm_pcd_priority p)
{
    switch (p) {
    case HM_PCD_PRIO_HIGH: return "high";
    case HM_PCD_PRIO_MEDIUM: return "medium";
    case HM_PCD_PRIO_LOW: return "low";
    case HM_PCD_PRIO_NONE: return "none";
    default: return "unknown";
    }
}

const char *hm_pcd_phase_name(enum hm_pcd_phase p)
{
    return (size_t)p < sizeof phase_names / sizeof phase_names[0] ? phase_names[p] : "unknown";
}

const char *hm_pcd_kind_name(enum hm_pcd_kind k)
{
    switch (k) {
    case HM_PCD_OBSERVATION: return "observation";
    case HM_PCD_ALERT: return "alert";
    case HM_PCD_PUMP_EVENT: return "pump_event";
    }
    return "unknown";
}

/* OBX-8 abnormal flags: each repetition may be a priority (PH...) or a source (SP...). */
static void read_flags(const hm_hl7_msg *m, size_t seg, enum hm_pcd_priority *prio,
                       enum hm_pcd_alert_kind *kind)
{
    size_t n = hm_hl7_rep_count(m, seg, 8);
    for (size_t r = 1; r <= n && r <= 8; r++) {
        char v[16];
        hm_hl7_get(m, seg, 8, (int)r, 1, 1, v, sizeof v, NULL);
        enum hm_pcd_priority p = priority_from(v);
        enum hm_pcd_alert_kind k = kind_from(v);
        if (p != HM_PCD_PRIO_UNKNOWN && strlen(v) == 2)
            *prio = p;
        if (k != HM_PCD_KIND_UNKNOWN && strlen(v) == 2)
            *kind = k;
    }
}

static void read_device(const hm_hl7_msg *m, size_t seg, hm_pcd_msg *out)
{
    if (out->device_serial[0] || out->device_eui64[0])
        return;
    char type[16];
    rd(m, seg, 18, 1, 1, out->device_serial, sizeof out->device_serial);
    rd(m, seg, 18, 1, 4, type, sizeof type);
    if (strcasecmp(type, "EUI-64") == 0)
        rd(m, seg, 18, 1, 3, out->device_eui64, sizeof out->device_eui64);
    if (!out->device_serial[0] && out->device_eui64[0])
        snprintf(out->device_serial, sizeof out->device_serial, "%s", out->device_eui64);
}

static void read_obs(const hm_hl7_msg *m, size_t seg, const hm_pcd_code *id, hm_pcd_msg *out)
{
    char type[4], value[HM_PCD_TEXT_MAX];
    rd(m, seg, 2, 1, 1, type, sizeof type);
    rd(m, seg, 5, 1, 1, value, sizeof value);
    if (!value[0]) /* coded values like ^pump-status-infusing carry the text in CWE-2 */
        rd(m, seg, 5, 1, 2, value, sizeof value);
    if (!type[0] && !value[0])
        return; /* a containment entry (MDS, VMD, channel) with no value of its own */
    if (out->n_obs == HM_PCD_MAX_OBS) {
        out->obs_truncated = true;
        return;
    }
    hm_pcd_obs *o = &out->obs[out->n_obs++];
    o->id = *id;
    memcpy(o->type, type, sizeof o->type);
    memcpy(o->value, value, sizeof o->value);
    rd(m, seg, 4, 1, 1, o->sub_id, sizeof o->sub_id);
    rd_code(m, seg, 6, &o->units);
    char t[40];
    rd(m, seg, 14, 1, 1, t, sizeof t);
    if (!t[0] || hm_hl7_time_parse(t, &o->time_ms) != HM_OK)
        o->time_ms = out->time_ms;
}

struct scan {
    bool have_alert, have_event, explicit_prio, explicit_kind;
    enum hm_pcd_priority flag_prio;
    enum hm_pcd_alert_kind flag_kind;
    hm_pcd_code first_flagged;
    bool have_flagged;
};

static void read_alert_attr(const hm_hl7_msg *m, size_t seg, const hm_pcd_code *id,
                            hm_pcd_msg *out, struct scan *sc)
{
    hm_pcd_alert *a = &out->alert;
    char v[HM_PCD_TEXT_MAX];
    rd(m, seg, 5, 1, 1, v, sizeof v);
    if (is_term(id, "MDC_EVT_ALARM", "196616")) {
        rd_code(m, seg, 5, &a->code);
        sc->have_alert = a->code.code[0] || a->code.name[0];
        read_flags(m, seg, &sc->flag_prio, &sc->flag_kind);
    } else if (is_term(id, "MDC_ATTR_EVENT_PHASE", "68481")) {
        a->phase = phase_from(v);
    } else if (is_term(id, "MDC_ATTR_ALARM_STATE", "68482")) {
        a->state = state_from(v);
    } else if (is_term(id, "MDC_ATTR_ALARM_PRIORITY", "68484")) {
        a->priority = priority_from(v);
        sc->explicit_prio = a->priority != HM_PCD_PRIO_UNKNOWN;
    } else if (is_term(id, "MDC_ATTR_ALERT_TYPE", "68485")) {
        a->kind = kind_from(v);
        sc->explicit_kind = a->kind != HM_PCD_KIND_UNKNOWN;
    } else if (is_term(id, "MDC_ATTR_ALERT_TEXT", NULL)) {
        memcpy(a->text, v, sizeof a->text);
    } else {
        /* A physiological limit alarm may be flagged on the measured parameter itself. */
        enum hm_pcd_priority p = HM_PCD_PRIO_UNKNOWN;
        enum hm_pcd_alert_kind k = HM_PCD_KIND_UNKNOWN;
        read_flags(m, seg, &p, &k);
        if (p != HM_PCD_PRIO_UNKNOWN && !sc->have_flagged) {
            sc->first_flagged = *id;
            sc->have_flagged = true;
            if (sc->flag_prio == HM_PCD_PRIO_UNKNOWN)
                sc->flag_prio = p;
            if (sc->flag_kind == HM_PCD_KIND_UNKNOWN)
                sc->flag_kind = k;
        }
    }
}

static void read_event_attr(const hm_hl7_msg *m, size_t seg, const hm_pcd_code *id,
                            hm_pcd_msg *out, struct scan *sc)
{
    if (!is_term(id, "MDC_ATTR_EVT_COND", NULL) || sc->have_event)
        return;
    rd_code(m, seg, 5, &out->event.code);
    sc->have_event = out->event.code.name[0] || out->event.code.code[0];
    char t[40];
    rd(m, seg, 14, 1, 1, t, sizeof t);
    if (!t[0] || hm_hl7_time_parse(t, &out->event.time_ms) != HM_OK)
        out->event.time_ms = out->time_ms;
}

static int finish_alert(hm_pcd_msg *out, const struct scan *sc, hm_err *err)
{
    hm_pcd_alert *a = &out->alert;
    if (!sc->have_alert && sc->have_flagged) {
        a->code = sc->first_flagged;
    } else if (!sc->have_alert) {
        return hm_err_set(err, HM_EINVAL,
                          "ORU^R40 without an alert: no MDC_EVT_ALARM observation and no OBX-8 "
                          "priority flag");
    }
    if (!sc->explicit_prio)
        a->priority = sc->flag_prio;
    if (!sc->explicit_kind)
        a->kind = sc->flag_kind;
    if (!a->text[0])
        snprintf(a->text, sizeof a->text, "%s", a->code.text[0] ? a->code.text : a->code.name);
    a->ended = a->phase == HM_PCD_PHASE_END || a->state == HM_PCD_STATE_INACTIVE ||
               a->state == HM_PCD_STATE_OFF;
    return HM_OK;
}

static int read_kind(const hm_hl7_msg *m, hm_pcd_msg *out, hm_err *err)
{
    int rc = hm_hl7_header_get(m, &out->header);
    if (rc)
        return hm_err_set(err, rc, "pcd: message has no MSH");
    const hm_hl7_header *h = &out->header;
    if (strcmp(h->msg_type, "ORU") == 0 && strcmp(h->trigger, "R01") == 0)
        out->kind = HM_PCD_OBSERVATION;
    else if (strcmp(h->msg_type, "ORU") == 0 && strcmp(h->trigger, "R40") == 0)
        out->kind = HM_PCD_ALERT;
    else if (strcmp(h->msg_type, "ORU") == 0 && strcmp(h->trigger, "R42") == 0)
        out->kind = HM_PCD_PUMP_EVENT;
    else
        return hm_err_set(err, HM_EUNSUPPORTED,
                          "unsupported message type %s^%s: heime takes ORU^R01 (PCD-01), "
                          "ORU^R40 (PCD-04) and ORU^R42 (PCD-10)",
                          h->msg_type, h->trigger);
    return HM_OK;
}

static void read_context(const hm_hl7_msg *m, hm_pcd_msg *out)
{
    char t[40];
    hm_hl7_get_by_name(m, "OBR", 0, 7, 1, 1, 1, t, sizeof t, NULL);
    if (!t[0] || hm_hl7_time_parse(t, &out->time_ms) != HM_OK) {
        if (hm_hl7_time_parse(out->header.time, &out->time_ms) != HM_OK)
            out->time_ms = 0;
    }
    hm_hl7_get_by_name(m, "PID", 0, 3, 1, 1, 1, out->patient_id, sizeof out->patient_id, NULL);
    hm_hl7_get_by_name(m, "PID", 0, 3, 1, 4, 2, out->patient_id_authority,
                       sizeof out->patient_id_authority, NULL);
    if (!out->patient_id_authority[0])
        hm_hl7_get_by_name(m, "PID", 0, 3, 1, 4, 1, out->patient_id_authority,
                           sizeof out->patient_id_authority, NULL);
    hm_hl7_get_by_name(m, "PID", 0, 3, 1, 5, 1, out->patient_id_type,
                       sizeof out->patient_id_type, NULL);
    hm_hl7_get_by_name(m, "OBR", 0, 3, 1, 1, 1, out->alert.id, sizeof out->alert.id, NULL);
}

int hm_pcd_map(const hm_hl7_msg *m, hm_pcd_msg *out, hm_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = read_kind(m, out, err);
    if (rc)
        return rc;
    read_context(m, out);
    struct scan sc = {0};
    size_t seg, nobx = 0;
    for (size_t i = 0; hm_hl7_find(m, "OBX", i, &seg) == HM_OK; i++, nobx++) {
        hm_pcd_code id = {0};
        rd_code(m, seg, 3, &id);
        read_device(m, seg, out);
        read_obs(m, seg, &id, out);
        if (out->kind == HM_PCD_ALERT)
            read_alert_attr(m, seg, &id, out, &sc);
        else if (out->kind == HM_PCD_PUMP_EVENT)
            read_event_attr(m, seg, &id, out, &sc);
    }
    const char *what = out->kind == HM_PCD_ALERT        ? "ORU^R40"
                       : out->kind == HM_PCD_PUMP_EVENT ? "ORU^R42"
                                                        : "ORU^R01";
    if (nobx == 0)
        rc = hm_err_set(err, HM_EINVAL, "%s without OBX segments", what);
    else if (out->kind == HM_PCD_ALERT)
        rc = finish_alert(out, &sc, err);
    else if (out->kind == HM_PCD_PUMP_EVENT && !sc.have_event)
        rc = hm_err_set(err, HM_EINVAL, "ORU^R42 without an event: no MDC_ATTR_EVT_COND OBX");
    else if (out->kind == HM_PCD_OBSERVATION && out->n_obs == 0)
        rc = hm_err_set(err, HM_EINVAL, "ORU^R01 without observation values");
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}
