/* device_obs.c: vital signs that a patient's devices measured (IHE PCD-01, ORU^R01 from a pulse
 * oximeter, blood-pressure monitor, thermometer or multi-parameter monitor, through its gateway)
 * become an observation of the patient: kind "device_vitals", source "device", with the
 * device's serial. They appear on the patient's timeline and go through the alarm rules like the
 * values a nurse types (the temperature rule; NEWS2 needs the level of consciousness, which no
 * device measures, so a device's set alone is never scored).
 *
 * Terms (ISO/IEEE 11073-10101) and units are matched by numeric code or reference id, as the rest
 * of the PCD mapping is, and converted to the units of the pathway templates (%, /min, mmHg,
 * degrees Celsius). A value that is not a number, comes in a unit we do not know, or lies outside
 * what can be measured on a living body is left out and named in the HL7 inbox's summary; the
 * message itself is still taken (AA): the other values in it are good. The sink (raise.c)
 * stores them; this file only reads the message, so that the fuzzer can run it alone. */
#include "alert/device_obs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum unit_kind { U_PERCENT, U_PER_MIN, U_PRESSURE, U_TEMPERATURE };

struct term {
    const char *code, *ref; /* numeric MDC code ("" when we match by reference id only) */
    const char *field;      /* the key in the observation's values */
    enum unit_kind unit;
    double lo, hi; /* measurable on a living body, in the converted unit (not alarm limits) */
    int decimals;
};

static const struct term terms[] = {
    {"150456", "MDC_PULS_OXIM_SAT_O2", "spo2", U_PERCENT, 1, 100, 0},
    {"149530", "MDC_PULS_OXIM_PULS_RATE", "pulse", U_PER_MIN, 1, 300, 0},
    {"149546", "MDC_PULS_RATE_NON_INV", "pulse", U_PER_MIN, 1, 300, 0},
    {"147842", "MDC_ECG_HEART_RATE", "pulse", U_PER_MIN, 1, 300, 0},
    {"150021", "MDC_PRESS_BLD_NONINV_SYS", "systolic_bp", U_PRESSURE, 1, 350, 0},
    {"150022", "MDC_PRESS_BLD_NONINV_DIA", "diastolic_bp", U_PRESSURE, 1, 300, 0},
    {"151562", "MDC_RESP_RATE", "resp_rate", U_PER_MIN, 1, 100, 0},
    {"150364", "MDC_TEMP_BODY", "temperature", U_TEMPERATURE, 20, 45, 1},
    {"150380", "MDC_TEMP_ORAL", "temperature", U_TEMPERATURE, 20, 45, 1},
    {"150384", "MDC_TEMP_AXILLA", "temperature", U_TEMPERATURE, 20, 45, 1},
    {"150388", "MDC_TEMP_RECT", "temperature", U_TEMPERATURE, 20, 45, 1},
    {"150392", "MDC_TEMP_TYMP", "temperature", U_TEMPERATURE, 20, 45, 1},
    {"", "MDC_TEMP", "temperature", U_TEMPERATURE, 20, 45, 1},
};

/* A unit: its numeric MDC code, reference id, UCUM spellings, and value = raw * scale + offset
 * in the canonical unit of its kind. */
struct unit {
    enum unit_kind kind;
    const char *code, *ref, *ucum1, *ucum2;
    double scale, offset;
};

static const struct unit units[] = {
    {U_PERCENT, "262688", "MDC_DIM_PERCENT", "%", "", 1, 0},
    {U_PER_MIN, "264864", "MDC_DIM_BEAT_PER_MIN", "/min", "{beats}/min", 1, 0},
    {U_PER_MIN, "264928", "MDC_DIM_RESP_PER_MIN", "/min", "{breaths}/min", 1, 0},
    {U_PRESSURE, "266016", "MDC_DIM_MMHG", "mm[Hg]", "mmHg", 1, 0},
    {U_PRESSURE, "265987", "MDC_DIM_KILO_PASCAL", "kPa", "", 7.500616827, 0},
    {U_TEMPERATURE, "268192", "MDC_DIM_DEGC", "Cel", "\xc2\xb0" "C", 1, 0},
    {U_TEMPERATURE, "266560", "MDC_DIM_FAHR", "[degF]", "\xc2\xb0" "F", 5.0 / 9.0,
     -32.0 * 5.0 / 9.0},
};

static int same(const char *a, const char *b)
{
    return a[0] && b[0] && strcmp(a, b) == 0;
}

static const struct term *find_term(const hm_pcd_code *c)
{
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
        if (same(c->code, terms[i].code) || same(c->name, terms[i].ref))
            return &terms[i];
    return NULL;
}

/* The unit of a value: an empty OBX-6 means the term's canonical unit. */
static const struct unit *find_unit(enum unit_kind kind, const hm_pcd_code *u)
{
    static const struct unit canonical[] = {{U_PERCENT, "", "", "", "", 1, 0},
                                            {U_PER_MIN, "", "", "", "", 1, 0},
                                            {U_PRESSURE, "", "", "", "", 1, 0},
                                            {U_TEMPERATURE, "", "", "", "", 1, 0}};
    if (!u->code[0] && !u->name[0] && !u->text[0])
        return &canonical[kind];
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        const struct unit *x = &units[i];
        if (x->kind != kind)
            continue;
        if (same(u->code, x->code) || same(u->name, x->ref) || same(u->code, x->ucum1) ||
            same(u->code, x->ucum2) || same(u->name, x->ucum1) || same(u->name, x->ucum2) ||
            same(u->text, x->ucum1) || same(u->text, x->ucum2))
            return x;
    }
    return NULL;
}

static int parse_number(const char *s, double *out)
{
    char *end = NULL;
    if (!s[0])
        return 0;
    double v = strtod(s, &end);
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    if (!end || *end || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static int skip(json_t *skipped, const hm_pcd_obs *o, const char *why)
{
    const char *what = o->id.name[0] ? o->id.name : o->id.code;
    return json_array_append_new(skipped, json_pack("{s:s, s:s, s:s}", "code", what, "value",
                                                    o->value, "why", why));
}

/* One OBX: its converted value, or the reason it is left out (0 returned). */
static int convert(const hm_pcd_obs *o, const struct term *t, double *out, const char **why)
{
    double raw;
    if (strcmp(o->type, "NM") != 0 || !parse_number(o->value, &raw)) {
        *why = "not a number";
        return 0;
    }
    const struct unit *u = find_unit(t->unit, &o->units);
    if (!u) {
        *why = "unknown unit";
        return 0;
    }
    double v = raw * u->scale + u->offset;
    double p = t->decimals ? 10.0 : 1.0;
    v = floor(v * p + 0.5) / p;
    if (v < t->lo || v > t->hi) {
        *why = "outside what can be measured";
        return 0;
    }
    *out = v;
    return 1;
}

int hm__device_vitals_map(const hm_pcd_msg *m, int64_t now_ms, json_t **values, json_t **skipped,
                          int64_t *observed_ms)
{
    json_t *vals = json_object(), *sk = json_array();
    int64_t newest = 0, taken_at[sizeof terms / sizeof terms[0]] = {0};
    int rc = vals && sk ? HM_OK : HM_ENOMEM;
    for (size_t i = 0; !rc && i < m->n_obs; i++) {
        const hm_pcd_obs *o = &m->obs[i];
        const struct term *t = find_term(&o->id);
        if (!t)
            continue; /* not a vital sign: the device's own OBX, settings, ... */
        double v = 0;
        const char *why = NULL;
        if (!convert(o, t, &v, &why)) {
            rc = skip(sk, o, why) ? HM_ENOMEM : HM_OK;
            continue;
        }
        /* Two sources of one value (pulse from the oximeter and the cuff): the newest wins. */
        size_t slot = 0;
        while (strcmp(terms[slot].field, t->field) != 0)
            slot++;
        if (json_object_get(vals, t->field) && o->time_ms < taken_at[slot])
            continue;
        taken_at[slot] = o->time_ms;
        json_t *j = t->decimals ? json_real(v) : json_integer((json_int_t)v);
        rc = json_object_set_new(vals, t->field, j) ? HM_ENOMEM : HM_OK;
        if (o->time_ms > newest)
            newest = o->time_ms;
    }
    if (rc) {
        json_decref(vals);
        json_decref(sk);
        return rc;
    }
    /* No time sent, or a device clock ahead of ours: the time it reached us. */
    *observed_ms = newest && newest <= now_ms + 5 * 60 * 1000 ? newest : now_ms;
    *values = vals;
    *skipped = sk;
    return HM_OK;
}
