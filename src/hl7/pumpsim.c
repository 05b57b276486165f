/* pumpsim.c: `heime pumpsim`, a simulator of infusion-pump traffic over MLLP.
 *
 * N pumps spread over C connections (one thread each) send IHE PCD-04 alerts (occlusion, air in
 * line, low battery, reservoir low, infusion complete; each with a start, 0-3 repeats and an
 * end) and PCD-10 delivery events at a total target rate, wait for each ACK, and print JSON
 * statistics at the end. With --monitors, the patients' monitoring devices (pulse oximeters,
 * blood-pressure monitors, thermometers, named as the demo depot's) send their readings as IHE
 * PCD-01 among them. Control ids carry a per-run prefix so two runs never look like
 * resends of each other. Used by the demo and by bench/ingest.sh. */
#include "base/arena.h"
#include "hl7/pumpsim.h"
#include "hl7/hl7.h"
#include "hl7/mllp.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ACK_TIMEOUT_MS 5000

struct alarm_kind {
    const char *name, *text, *priority, *kind;
};

/* Reference ids of ISO/IEEE 11073-10101; the numeric code is sent as 0 (as the IHE samples do
 * for terms whose code they do not carry), receivers match on the reference id. */
static const struct alarm_kind alarms[] = {
    {"MDC_EVT_FLUID_LINE_OCCL", "Occlusion downstream", "PH", "ST"},
    {"MDC_EVT_FLUID_LINE_AIR", "Air in line", "PH", "ST"},
    {"MDC_EVT_BATT_LO", "Battery low", "PM", "ST"},
    {"MDC_EVT_RESERVOIR_LO", "Reservoir volume low", "PM", "ST"},
    {"MDC_EVT_PUMP_DELIV_COMP", "Infusion complete", "PL", "SA"},
};
#define N_ALARMS (sizeof alarms / sizeof alarms[0])

/* A monitoring device's readings (PCD-01): what it measures, in which units, and the range a
 * reading is drawn from (an occasional reading above `hi`, up to `fever`, shows the alarm rules
 * at work: a thermometer's fever). */
struct vital {
    const char *code, *name, *unit_code, *unit_name;
    double lo, hi, fever;
    int decimals;
};

static const struct vital oximeter[] = {
    {"150456", "MDC_PULS_OXIM_SAT_O2", "262688", "MDC_DIM_PERCENT", 93, 99, 0, 0},
    {"149530", "MDC_PULS_OXIM_PULS_RATE", "264864", "MDC_DIM_BEAT_PER_MIN", 58, 96, 0, 0},
};
static const struct vital bp_monitor[] = {
    {"150021", "MDC_PRESS_BLD_NONINV_SYS", "266016", "MDC_DIM_MMHG", 105, 150, 0, 0},
    {"150022", "MDC_PRESS_BLD_NONINV_DIA", "266016", "MDC_DIM_MMHG", 62, 92, 0, 0},
    {"149546", "MDC_PULS_RATE_NON_INV", "264864", "MDC_DIM_BEAT_PER_MIN", 58, 96, 0, 0},
};
static const struct vital thermometer[] = {
    {"150364", "MDC_TEMP_BODY", "268192", "MDC_DIM_DEGC", 36.2, 37.8, 38.9, 1},
};

/* The kinds of monitor, in the order --monitors makes them; serials as the demo depot's. The
 * device (MDS) terms are sent by reference id with code 0, as the alert terms above. */
static const struct monitor_kind {
    const char *serial_prefix, *mds_code, *mds_name;
    const struct vital *vitals;
    int nvitals;
} monitor_kinds[] = {
    {"MON-OXI-", "0", "MDC_DEV_ANALY_SAT_O2_MDS", oximeter, 2},
    {"MON-BPM-", "0", "MDC_DEV_ANALY_PRESS_BLD_MDS", bp_monitor, 3},
    {"MON-TMP-", "0", "MDC_DEV_METER_TEMP_MDS", thermometer, 1},
};
#define N_MONITOR_KINDS (sizeof monitor_kinds / sizeof monitor_kinds[0])

struct pump {
    char serial[64];
    uint64_t seq, alert_no;
    int alarm;       /* index into alarms, -1 when none is active */
    int repeats;     /* continue phases left before the end */
    bool infusing;
    int monitor;     /* a monitoring device: index into monitor_kinds; -1: an infusion pump */
};

struct config {
    char host[256];
    int port, pumps, monitors, connections;
    double rate, duration;
    char prefix[32];
    uint64_t seed;
    char run[24];
};

struct worker {
    const struct config *cfg;
    int index;
    struct pump *pumps;
    int npumps;
    uint64_t rng;
    uint64_t sent, aa, ae, ar, no_ack;
    double *lat;
    size_t nlat, caplat;
    pthread_t thread;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t next_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

/* ---- messages ---- */

static void msh(hm_hl7_writer *w, const struct config *cfg, struct pump *p, const char *trigger,
                const char *structure, char *ctrl, size_t cap)
{
    char ts[32];
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    hm_hl7_time_format((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, ts, sizeof ts);
    snprintf(ctrl, cap, "%s-%s-%" PRIu64, cfg->run, p->serial, ++p->seq);
    hm_hl7_w_segment(w, "MSH");
    hm_hl7_w_field(w, "PUMPSIM");
    hm_hl7_w_field(w, "HEIME_PUMPSIM");
    hm_hl7_w_field(w, "HEIME");
    hm_hl7_w_field(w, "HEIME");
    hm_hl7_w_field(w, ts);
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "ORU");
    hm_hl7_w_comp(w, trigger);
    hm_hl7_w_comp(w, structure);
    hm_hl7_w_field(w, ctrl);
    hm_hl7_w_field(w, "P");
    hm_hl7_w_field(w, "2.6");
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "AL");
    hm_hl7_w_field(w, "NE");
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "UNICODE UTF-8");
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "");
    /* MSH-21: the IHE PCD profile (ACM for PCD-04, IPEC for PCD-10, DEC for PCD-01). */
    static const char *const profiles[][2] = {
        {"IHE_PCD_ACM_001", "1.3.6.1.4.1.19376.1.6.4.4"},
        {"IHE_PCD_010", "1.3.6.1.4.1.19376.1.6.4.10"},
        {"IHE_PCD_001", "1.3.6.1.4.1.19376.1.6.1.1.1"},
    };
    int k = strcmp(trigger, "R40") == 0 ? 0 : strcmp(trigger, "R01") == 0 ? 2 : 1;
    hm_hl7_w_field(w, profiles[k][0]);
    hm_hl7_w_comp(w, "IHE PCD");
    hm_hl7_w_comp(w, profiles[k][1]);
    hm_hl7_w_comp(w, "ISO");
    hm_hl7_w_segment(w, "PID");
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "");
}

/* One observation: OBX|n|type|code^name^MDC|sub|value[^value_name^MDC]|unit^unit_name^MDC||
 * prio~kind|||F. Fields left NULL stay empty. */
struct obx_fields {
    const char *type, *code, *name, *sub, *value;
    const char *value_name;           /* a coded value's name (CWE) */
    const char *unit_code, *unit_name; /* OBX-6, for numbers */
    const char *prio, *kind;           /* OBX-8 abnormal flags: priority, then kind */
};

static void obx(hm_hl7_writer *w, int n, const struct obx_fields *o)
{
    char num[16];
    snprintf(num, sizeof num, "%d", n);
    hm_hl7_w_segment(w, "OBX");
    hm_hl7_w_field(w, num);
    hm_hl7_w_field(w, o->type);
    hm_hl7_w_field(w, o->code);
    hm_hl7_w_comp(w, o->name);
    hm_hl7_w_comp(w, "MDC");
    hm_hl7_w_field(w, o->sub);
    hm_hl7_w_field(w, o->value);
    if (o->value_name) {
        hm_hl7_w_comp(w, o->value_name);
        hm_hl7_w_comp(w, "MDC");
    }
    hm_hl7_w_field(w, o->unit_code ? o->unit_code : "");
    if (o->unit_code) {
        hm_hl7_w_comp(w, o->unit_name);
        hm_hl7_w_comp(w, "MDC");
    }
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, o->prio);
    if (o->kind)
        hm_hl7_w_rep(w, o->kind);
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "F");
}

/* OBX 1: the device itself (its MDS), with its serial in OBX-18. */
static void device_obx(hm_hl7_writer *w, const struct pump *p)
{
    const struct monitor_kind *m = p->monitor >= 0 ? &monitor_kinds[p->monitor] : NULL;
    hm_hl7_w_segment(w, "OBX");
    hm_hl7_w_field(w, "1");
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, m ? m->mds_code : "70049");
    hm_hl7_w_comp(w, m ? m->mds_name : "MDC_DEV_PUMP_INFUS_LVP_MDS");
    hm_hl7_w_comp(w, "MDC");
    hm_hl7_w_field(w, "1.0.0.0");
    for (int i = 0; i < 6; i++) /* OBX-5 to OBX-10 */
        hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "X"); /* OBX-11 */
    for (int i = 0; i < 6; i++)
        hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, p->serial); /* OBX-18 equipment instance identifier */
}

static void alert_msg(hm_hl7_writer *w, const struct config *cfg, struct pump *p, const char *phase,
                      char *ctrl, size_t cap)
{
    const struct alarm_kind *a = &alarms[p->alarm];
    char alert_id[96];
    snprintf(alert_id, sizeof alert_id, "%s-%s-A%" PRIu64, cfg->run, p->serial, p->alert_no);
    msh(w, cfg, p, "R40", "ORU_R40", ctrl, cap);
    hm_hl7_w_segment(w, "OBR");
    hm_hl7_w_field(w, "1");
    hm_hl7_w_field(w, alert_id);
    hm_hl7_w_field(w, alert_id);
    hm_hl7_w_field(w, "196616");
    hm_hl7_w_comp(w, "MDC_EVT_ALARM");
    hm_hl7_w_comp(w, "MDC");
    device_obx(w, p);
    obx(w, 2,
        &(struct obx_fields){.type = "CWE",
                             .code = "196616",
                             .name = "MDC_EVT_ALARM",
                             .sub = "1.1.0.0.1",
                             .value = "0",
                             .value_name = a->name,
                             .prio = a->priority,
                             .kind = a->kind});
    obx(w, 3,
        &(struct obx_fields){.type = "ST",
                             .code = "68481",
                             .name = "MDC_ATTR_EVENT_PHASE",
                             .sub = "1.1.0.0.3",
                             .value = phase});
    obx(w, 4,
        &(struct obx_fields){.type = "ST",
                             .code = "68482",
                             .name = "MDC_ATTR_ALARM_STATE",
                             .sub = "1.1.0.0.4",
                             .value = strcmp(phase, "end") == 0 ? "inactive" : "active"});
    obx(w, 5,
        &(struct obx_fields){.type = "ST",
                             .code = "0",
                             .name = "MDC_ATTR_ALERT_TEXT",
                             .sub = "1.1.0.0.8",
                             .value = a->text});
}

static void event_msg(hm_hl7_writer *w, const struct config *cfg, struct pump *p, const char *event,
                      char *ctrl, size_t cap)
{
    msh(w, cfg, p, "R42", "ORU_R01", ctrl, cap);
    hm_hl7_w_segment(w, "OBR");
    hm_hl7_w_field(w, "1");
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, ctrl);
    hm_hl7_w_field(w, "0");
    hm_hl7_w_comp(w, event);
    hm_hl7_w_comp(w, "MDC");
    device_obx(w, p);
    /* 197288 is MDC_EVT_PUMP_DELIV_START in the IPEC sample; the others are sent as 0. */
    const char *code = strcmp(event, "MDC_EVT_PUMP_DELIV_START") == 0 ? "197288" : "0";
    obx(w, 2,
        &(struct obx_fields){.type = "CWE",
                             .code = "0",
                             .name = "MDC_ATTR_EVT_COND",
                             .sub = "1.0.0.2",
                             .value = code,
                             .value_name = event});
    obx(w, 3,
        &(struct obx_fields){.type = "CWE",
                             .code = "184519",
                             .name = "MDC_PUMP_INFUSING_STATUS",
                             .sub = "1.1.1.1",
                             .value = "",
                             .value_name = p->infusing ? "pump-status-infusing"
                                                       : "pump-status-not-infusing"});
    obx(w, 4,
        &(struct obx_fields){.type = "NM",
                             .code = "157784",
                             .name = "MDC_FLOW_FLUID_PUMP",
                             .sub = "1.1.2.4",
                             .value = p->infusing ? "100" : "0",
                             .unit_code = "265266",
                             .unit_name = "MDC_DIM_MILLI_L_PER_HR"});
}

/* A monitor's reading (PCD-01, ORU^R01): one numeric OBX per value, with its unit. */
static void vitals_msg(struct worker *wk, struct pump *p, hm_hl7_writer *w, char *ctrl, size_t cap)
{
    const struct monitor_kind *m = &monitor_kinds[p->monitor];
    msh(w, wk->cfg, p, "R01", "ORU_R01", ctrl, cap);
    hm_hl7_w_segment(w, "OBR");
    hm_hl7_w_field(w, "1");
    hm_hl7_w_field(w, ctrl);
    hm_hl7_w_field(w, ctrl);
    hm_hl7_w_field(w, "182777000");
    hm_hl7_w_comp(w, "monitoring of patient");
    hm_hl7_w_comp(w, "SCT");
    device_obx(w, p);
    for (int i = 0; i < m->nvitals; i++) {
        const struct vital *v = &m->vitals[i];
        double u = (double)(next_rand(&wk->rng) % 10000) / 10000.0;
        bool high = v->fever > v->hi && next_rand(&wk->rng) % 20 == 0;
        double x = high ? v->hi + u * (v->fever - v->hi) : v->lo + u * (v->hi - v->lo);
        char sub[32], value[32];
        snprintf(sub, sizeof sub, "1.1.1.%d", i + 1);
        snprintf(value, sizeof value, "%.*f", v->decimals, x);
        obx(w, i + 2,
            &(struct obx_fields){.type = "NM",
                                 .code = v->code,
                                 .name = v->name,
                                 .sub = sub,
                                 .value = value,
                                 .unit_code = v->unit_code,
                                 .unit_name = v->unit_name});
    }
}

/* Picks the device's next message: a monitor's reading, or a pump's alert phase or delivery
 * event. */
static void next_message(struct worker *wk, struct pump *p, hm_hl7_writer *w, char *ctrl,
                         size_t cap)
{
    const struct config *cfg = wk->cfg;
    if (p->monitor >= 0) {
        vitals_msg(wk, p, w, ctrl, cap);
        return;
    }
    if (p->alarm >= 0) {
        bool end = p->repeats-- <= 0;
        alert_msg(w, cfg, p, end ? "end" : "continue", ctrl, cap);
        if (end)
            p->alarm = -1;
        return;
    }
    uint64_t r = next_rand(&wk->rng) % 100;
    if (r < 40) {
        p->alarm = (int)(next_rand(&wk->rng) % N_ALARMS);
        p->repeats = (int)(next_rand(&wk->rng) % 4);
        p->alert_no++;
        alert_msg(w, cfg, p, "start", ctrl, cap);
        return;
    }
    const char *ev;
    if (!p->infusing) {
        p->infusing = true;
        ev = "MDC_EVT_PUMP_DELIV_START";
    } else {
        p->infusing = false;
        ev = r < 70 ? "MDC_EVT_PUMP_DELIV_STOP" : "MDC_EVT_PUMP_DELIV_COMP";
    }
    event_msg(w, cfg, p, ev, ctrl, cap);
}

/* ---- sending ---- */

static void record_latency(struct worker *wk, double ms)
{
    if (wk->nlat == wk->caplat) {
        size_t ncap = wk->caplat ? wk->caplat * 2 : 4096;
        if (ncap > 50u * 1000 * 1000)
            return;
        double *n = hm_realloc(wk->lat, ncap * sizeof *n);
        if (!n)
            return;
        wk->lat = n;
        wk->caplat = ncap;
    }
    wk->lat[wk->nlat++] = ms;
}

static void count_ack(struct worker *wk, const char *reply, size_t len)
{
    hm_hl7_msg *m = NULL;
    char code[4] = "";
    if (hm_hl7_parse(reply, len, NULL, &m, NULL) == HM_OK)
        hm_hl7_get_by_name(m, "MSA", 0, 1, 1, 1, 1, code, sizeof code, NULL);
    hm_hl7_free(m);
    if (strcmp(code, "AA") == 0 || strcmp(code, "CA") == 0)
        wk->aa++;
    else if (strcmp(code, "AR") == 0 || strcmp(code, "CR") == 0)
        wk->ar++;
    else
        wk->ae++;
}

static int send_one(struct worker *wk, hm_mllp_client **cl, const char *msg, size_t len)
{
    const struct config *cfg = wk->cfg;
    if (!*cl && hm_mllp_client_connect(cfg->host, cfg->port, 2000, cl, NULL) != HM_OK) {
        *cl = NULL;
        wk->no_ack++;
        usleep(100000);
        return HM_EIO;
    }
    char reply[HM_HL7_REPLY_MAX];
    size_t rlen;
    double t0 = now_s();
    wk->sent++;
    if (hm_mllp_client_send(*cl, msg, len, NULL) != HM_OK ||
        hm_mllp_client_recv(*cl, ACK_TIMEOUT_MS, reply, sizeof reply, &rlen, NULL) != HM_OK) {
        wk->no_ack++;
        hm_mllp_client_close(*cl);
        *cl = NULL;
        return HM_EIO;
    }
    record_latency(wk, (now_s() - t0) * 1000.0);
    count_ack(wk, reply, rlen);
    return HM_OK;
}

static void *worker_main(void *arg)
{
    struct worker *wk = arg;
    const struct config *cfg = wk->cfg;
    double rate = cfg->rate / cfg->connections;
    double start = now_s(), end = start + cfg->duration;
    hm_mllp_client *cl = NULL;
    hm_hl7_writer w;
    hm_hl7_writer_init(&w, NULL, 0, 0);
    char ctrl[HM_HL7_CTRL_MAX];
    for (uint64_t k = 0; wk->npumps > 0; k++) {
        double due = start + (double)k / rate;
        double now = now_s();
        if (due >= end || now >= end)
            break;
        if (due > now)
            usleep((useconds_t)((due - now) * 1e6));
        struct pump *p = &wk->pumps[k % (uint64_t)wk->npumps];
        w.len = 0;
        w.segments = 0;
        w.rc = HM_OK;
        next_message(wk, p, &w, ctrl, sizeof ctrl);
        const char *msg;
        size_t len;
        if (hm_hl7_w_finish(&w, &msg, &len) == HM_OK)
            send_one(wk, &cl, msg, len);
    }
    hm_hl7_writer_free(&w);
    hm_mllp_client_close(cl);
    return NULL;
}

/* ---- command line ---- */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: heime pumpsim --mllp HOST:PORT [--pumps N] [--monitors N] [--rate MSG_PER_S]\n"
            "                     [--duration S] [--connections C] [--serial-prefix P] [--seed N]\n\n"
            "Plays infusion-pump HL7 traffic over MLLP: IHE PCD-04 alerts (occlusion, air in\n"
            "line, low battery, reservoir low, infusion complete; start, repeats, end) and\n"
            "PCD-10 delivery events, for N pumps over C connections at a total rate, waiting\n"
            "for each ACK. Prints JSON statistics at the end: sent, aa, ae, ar, no_ack and\n"
            "latency_ms p50/p99/max. Monitoring devices send IHE PCD-01 readings among them.\n\n"
            "  --mllp HOST:PORT     where heime listens (required)\n"
            "  --pumps N            simulated pumps (default 10; 0 with --monitors)\n"
            "  --monitors N         also N monitors, in turn a pulse oximeter, a blood-pressure\n"
            "                       monitor and a thermometer: MON-OXI-001, MON-BPM-001,\n"
            "                       MON-TMP-001, MON-OXI-002, ... (default 0)\n"
            "  --rate MSG_PER_S     total messages per second (default 10)\n"
            "  --duration S         seconds to run (default 10)\n"
            "  --connections C      MLLP connections, one thread each (default 1)\n"
            "  --serial-prefix P    pump serial numbers are P0001, P0002, ... (default SIM-PUMP-)\n"
            "  --seed N             random seed, for a reproducible sequence (default 1)\n");
}

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "heime pumpsim: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return 2;
}

static bool to_long(const char *s, long lo, long hi, long *v)
{
    char *end;
    errno = 0;
    *v = strtol(s, &end, 10);
    return s[0] && !errno && !*end && *v >= lo && *v <= hi;
}

static bool to_double(const char *s, double lo, double hi, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return s[0] && !errno && !*end && *v >= lo && *v <= hi;
}

static int parse_one(struct config *c, const char *opt, const char *val, bool *have_mllp)
{
    long l;
    if (strcmp(opt, "--mllp") == 0) {
        if (hm_mllp_parse_hostport(val, c->host, sizeof c->host, &c->port, NULL) || c->port == 0)
            return bad("--mllp wants HOST:PORT with a port from 1 to 65535, got '%s'", val);
        *have_mllp = true;
    } else if (strcmp(opt, "--pumps") == 0) {
        if (!to_long(val, 0, 100000, &l))
            return bad("--pumps wants a number from 0 to 100000, got '%s'", val);
        c->pumps = (int)l;
    } else if (strcmp(opt, "--monitors") == 0) {
        if (!to_long(val, 0, 999, &l))
            return bad("--monitors wants a number from 0 to 999, got '%s'", val);
        c->monitors = (int)l;
    } else if (strcmp(opt, "--connections") == 0) {
        if (!to_long(val, 1, 1000, &l))
            return bad("--connections wants a number from 1 to 1000, got '%s'", val);
        c->connections = (int)l;
    } else if (strcmp(opt, "--rate") == 0) {
        if (!to_double(val, 0.01, 1e6, &c->rate))
            return bad("--rate wants messages per second (0.01 to 1000000), got '%s'", val);
    } else if (strcmp(opt, "--duration") == 0) {
        if (!to_double(val, 0.01, 86400, &c->duration))
            return bad("--duration wants seconds (0.01 to 86400), got '%s'", val);
    } else if (strcmp(opt, "--serial-prefix") == 0) {
        if (!val[0] || strlen(val) >= sizeof c->prefix || strpbrk(val, "|^~\\&\r\n"))
            return bad("--serial-prefix wants 1 to 31 characters without HL7 delimiters, got '%s'",
                       val);
        snprintf(c->prefix, sizeof c->prefix, "%s", val);
    } else if (strcmp(opt, "--seed") == 0) {
        if (!to_long(val, 0, 0x7fffffffL, &l))
            return bad("--seed wants a non-negative number, got '%s'", val);
        c->seed = (uint64_t)l;
    } else {
        return bad("unknown option '%s' (try --help)", opt);
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct config *c)
{
    memset(c, 0, sizeof *c);
    c->pumps = 10;
    c->connections = 1;
    c->rate = 10;
    c->duration = 10;
    c->seed = 1;
    snprintf(c->prefix, sizeof c->prefix, "SIM-PUMP-");
    bool have_mllp = false;
    static const char *const names[] = {"--mllp",     "--pumps",         "--monitors", "--connections",
                                        "--rate",     "--duration",      "--serial-prefix",
                                        "--seed"};
    for (int i = 1; i < argc; i += 2) {
        int known = 0;
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            known |= strcmp(argv[i], names[k]) == 0;
        if (!known)
            return bad("unknown option '%s' (try --help)", argv[i]);
        if (i + 1 >= argc)
            return bad("option '%s' needs a value", argv[i]);
        int rc = parse_one(c, argv[i], argv[i + 1], &have_mllp);
        if (rc)
            return rc;
    }
    if (!have_mllp)
        return bad("%s", "--mllp HOST:PORT is required (try --help)");
    if (c->pumps + c->monitors == 0)
        return bad("%s", "nothing to simulate: --pumps and --monitors are both 0");
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *v, size_t n, double p)
{
    if (!n)
        return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static void print_stats(const struct config *cfg, struct worker *wk, double elapsed)
{
    uint64_t sent = 0, aa = 0, ae = 0, ar = 0, no_ack = 0;
    size_t n = 0;
    for (int i = 0; i < cfg->connections; i++) {
        sent += wk[i].sent;
        aa += wk[i].aa;
        ae += wk[i].ae;
        ar += wk[i].ar;
        no_ack += wk[i].no_ack;
        n += wk[i].nlat;
    }
    double *all = hm_malloc((n ? n : 1) * sizeof *all);
    size_t k = 0;
    for (int i = 0; all && i < cfg->connections; i++) {
        if (wk[i].nlat)
            memcpy(all + k, wk[i].lat, wk[i].nlat * sizeof *all);
        k += wk[i].nlat;
    }
    if (all)
        qsort(all, k, sizeof *all, cmp_double);
    printf("{\"sent\": %" PRIu64 ", \"aa\": %" PRIu64 ", \"ae\": %" PRIu64 ", \"ar\": %" PRIu64
           ", \"no_ack\": %" PRIu64 ", \"latency_ms\": {\"p50\": %.3f, \"p99\": %.3f, "
           "\"max\": %.3f}, \"duration_s\": %.3f, \"rate\": %.1f, \"pumps\": %d, "
           "\"monitors\": %d, \"connections\": %d}\n",
           sent, aa, ae, ar, no_ack, all ? percentile(all, k, 0.50) : 0,
           all ? percentile(all, k, 0.99) : 0, all && k ? all[k - 1] : 0, elapsed,
           elapsed > 0 ? (double)sent / elapsed : 0, cfg->pumps, cfg->monitors, cfg->connections);
    hm_free(all);
}

int hm_pumpsim_main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
    struct config cfg;
    int rc = parse_args(argc, argv, &cfg);
    if (rc)
        return rc;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(cfg.run, sizeof cfg.run, "R%llx",
             (unsigned long long)now.tv_sec * 1000ull + (unsigned long long)now.tv_nsec / 1000000);
    int ndev = cfg.pumps + cfg.monitors;
    struct pump *pumps = hm_calloc((size_t)ndev, sizeof *pumps);
    struct worker *wk = hm_calloc((size_t)cfg.connections, sizeof *wk);
    if (!pumps || !wk) {
        hm_free(pumps);
        hm_free(wk);
        fprintf(stderr, "heime pumpsim: out of memory\n");
        return 1;
    }
    /* The monitors first: a slow run (the demo's, a message every 10 s) reaches them soon. */
    for (int i = 0; i < cfg.pumps; i++) {
        struct pump *p = &pumps[cfg.monitors + i];
        snprintf(p->serial, sizeof p->serial, "%s%04d", cfg.prefix, i + 1);
        p->alarm = -1;
        p->monitor = -1;
    }
    for (int i = 0; i < cfg.monitors; i++) {
        struct pump *m = &pumps[i];
        m->monitor = i % (int)N_MONITOR_KINDS;
        snprintf(m->serial, sizeof m->serial, "%s%03d", monitor_kinds[m->monitor].serial_prefix,
                 i / (int)N_MONITOR_KINDS + 1);
        m->alarm = -1;
    }
    /* Connection c serves a contiguous slice of the devices. */
    int per = ndev / cfg.connections, extra = ndev % cfg.connections, first = 0;
    for (int c = 0; c < cfg.connections; c++) {
        wk[c].cfg = &cfg;
        wk[c].index = c;
        wk[c].npumps = per + (c < extra);
        wk[c].pumps = pumps + first;
        first += wk[c].npumps;
        wk[c].rng = (cfg.seed + 1) * 0x9E3779B97F4A7C15ull + (uint64_t)c * 7919u + 1;
    }
    double t0 = now_s();
    int started = 0;
    for (; started < cfg.connections; started++)
        if (pthread_create(&wk[started].thread, NULL, worker_main, &wk[started]) != 0)
            break;
    for (int c = 0; c < started; c++)
        pthread_join(wk[c].thread, NULL);
    print_stats(&cfg, wk, now_s() - t0);
    uint64_t tried = 0, aa = 0;
    for (int c = 0; c < cfg.connections; c++) {
        tried += wk[c].sent + wk[c].no_ack;
        aa += wk[c].aa;
        hm_free(wk[c].lat);
    }
    hm_free(pumps);
    hm_free(wk);
    if (started < cfg.connections) {
        fprintf(stderr, "heime pumpsim: could start only %d of %d connection threads\n", started,
                cfg.connections);
        return 1;
    }
    if (tried > 0 && aa == 0) {
        fprintf(stderr, "heime pumpsim: no message was acknowledged with AA\n");
        return 1;
    }
    return 0;
}
