/* news2.c: NEWS2 scoring from band tables. Each parameter's chart row is a table of
 * (inclusive upper bound, score) in whole units (tenths of a degree for temperature), so the
 * code that reads the chart is one loop and the chart itself can be checked by eye against
 * DOMAIN.md. Inputs are validated and rounded first (see news2.h), then banded. */
#include "alert/news2.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

struct band {
    long upto; /* inclusive upper bound */
    int score;
};

#define BAND_END LONG_MAX

static const struct band resp_bands[] = {{8, 3}, {11, 1}, {20, 0}, {24, 2}, {BAND_END, 3}};
static const struct band spo2_scale1_bands[] = {{91, 3}, {93, 2}, {95, 1}, {BAND_END, 0}};
/* Scale 2 on air: 88 and above all score 0. */
static const struct band spo2_scale2_air_bands[] = {{83, 3}, {85, 2}, {87, 1}, {BAND_END, 0}};
/* Scale 2 on oxygen: above the 88-92 target, high saturation scores again. */
static const struct band spo2_scale2_oxygen_bands[] = {{83, 3}, {85, 2}, {87, 1},      {92, 0},
                                                       {94, 1}, {96, 2}, {BAND_END, 3}};
static const struct band sbp_bands[] = {{90, 3}, {100, 2}, {110, 1}, {219, 0}, {BAND_END, 3}};
static const struct band pulse_bands[] = {{40, 3},  {50, 1},  {90, 0},
                                          {110, 1}, {130, 2}, {BAND_END, 3}};
/* Tenths of a degree: 35.0 is 350. */
static const struct band temp_bands[] = {{350, 3}, {360, 1}, {380, 0}, {390, 1}, {BAND_END, 2}};

static int band_score(const struct band *b, long v)
{
    while (v > b->upto)
        b++;
    return b->score;
}

/* Round half up; the small epsilon absorbs binary representation error (38.05 * 10 is
 * 380.4999...), so decimal halves round up as written. */
static long round_half_up(double x)
{
    return (long)floor(x + 0.5 + 1e-9);
}

struct range {
    const char *name;
    double lo, hi;
};

static const struct range resp_range = {"respiration rate", 0, 100};
static const struct range spo2_range = {"spo2", 0, 100};
static const struct range sbp_range = {"systolic bp", 0, 350};
static const struct range pulse_range = {"pulse", 0, 300};
static const struct range temp_range = {"temperature", 20.0, 45.0};

static int check_range(const struct range *r, double v, hm_err *err)
{
    if (isnan(v) || v < r->lo || v > r->hi)
        return hm_err_set(err, HM_EINVAL, "news2 %s out of range: %g (must be %g to %g)", r->name,
                          v, r->lo, r->hi);
    return HM_OK;
}

static int check_input(const hm_news2_input *in, hm_err *err)
{
    const struct {
        const struct range *r;
        double v;
    } vals[] = {{&resp_range, in->resp_rate},
                {&spo2_range, in->spo2},
                {&sbp_range, in->systolic_bp},
                {&pulse_range, in->pulse},
                {&temp_range, in->temperature}};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        int rc = check_range(vals[i].r, vals[i].v, err);
        if (rc != HM_OK)
            return rc;
    }
    if (in->spo2_scale != 1 && in->spo2_scale != 2)
        return hm_err_set(err, HM_EINVAL, "news2 spo2 scale must be 1 or 2, not %d",
                          in->spo2_scale);
    if (in->on_oxygen != 0 && in->on_oxygen != 1)
        return hm_err_set(err, HM_EINVAL, "news2 on_oxygen must be 0 (air) or 1, not %d",
                          in->on_oxygen);
    if ((int)in->consciousness < (int)HM_ACVPU_ALERT ||
        (int)in->consciousness > (int)HM_ACVPU_UNRESPONSIVE)
        return hm_err_set(err, HM_EINVAL, "news2 consciousness is not an acvpu value: %d",
                          (int)in->consciousness);
    return HM_OK;
}

static const struct band *spo2_bands(const hm_news2_input *in)
{
    if (in->spo2_scale == 1)
        return spo2_scale1_bands;
    return in->on_oxygen ? spo2_scale2_oxygen_bands : spo2_scale2_air_bands;
}

static enum hm_news2_response response_of(int total, int any_single_3)
{
    if (total >= 7)
        return HM_NEWS2_HIGH;
    if (total >= 5)
        return HM_NEWS2_MEDIUM;
    if (any_single_3)
        return HM_NEWS2_LOW_MEDIUM;
    if (total >= 1)
        return HM_NEWS2_LOW;
    return HM_NEWS2_ROUTINE;
}

int hm_news2_score(const hm_news2_input *in, hm_news2_result *out, hm_err *err)
{
    if (!in || !out)
        return hm_err_set(err, HM_EINVAL, "news2 input or result is missing");
    int rc = check_input(in, err);
    if (rc != HM_OK)
        return rc;
    hm_news2_result r;
    memset(&r, 0, sizeof r);
    r.part[HM_NEWS2_PART_RESP] = band_score(resp_bands, round_half_up(in->resp_rate));
    r.part[HM_NEWS2_PART_SPO2] = band_score(spo2_bands(in), round_half_up(in->spo2));
    r.part[HM_NEWS2_PART_OXYGEN] = in->on_oxygen ? 2 : 0;
    r.part[HM_NEWS2_PART_SBP] = band_score(sbp_bands, round_half_up(in->systolic_bp));
    r.part[HM_NEWS2_PART_PULSE] = band_score(pulse_bands, round_half_up(in->pulse));
    r.part[HM_NEWS2_PART_CONSCIOUSNESS] = in->consciousness == HM_ACVPU_ALERT ? 0 : 3;
    r.part[HM_NEWS2_PART_TEMPERATURE] =
        band_score(temp_bands, round_half_up(in->temperature * 10.0));
    for (int i = 0; i < 8; i++) {
        r.total += r.part[i];
        if (r.part[i] == 3)
            r.any_single_3 = 1;
    }
    r.response = response_of(r.total, r.any_single_3);
    *out = r;
    return HM_OK;
}

static int number(const json_t *o, const char *k, double *out)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_number(v))
        return 0;
    *out = json_number_value(v);
    return 1;
}

static const char *const acvpu_names[] = {"alert", "confusion", "voice", "pain", "unresponsive"};

int hm_news2_from_json(const json_t *v, int spo2_scale, hm_news2_input *in)
{
    memset(in, 0, sizeof *in);
    const json_t *ox = json_object_get(v, "on_oxygen");
    const char *c = json_string_value(json_object_get(v, "consciousness"));
    if (!json_is_boolean(ox) || !c || !number(v, "resp_rate", &in->resp_rate) ||
        !number(v, "spo2", &in->spo2) || !number(v, "systolic_bp", &in->systolic_bp) ||
        !number(v, "pulse", &in->pulse) || !number(v, "temperature", &in->temperature)) {
        memset(in, 0, sizeof *in);
        return 0;
    }
    in->spo2_scale = spo2_scale;
    in->on_oxygen = json_is_true(ox);
    if (strcmp(c, "new_confusion") == 0)
        c = "confusion";
    for (size_t i = 0; i < sizeof acvpu_names / sizeof acvpu_names[0]; i++)
        if (strcmp(c, acvpu_names[i]) == 0) {
            in->consciousness = (enum hm_news2_consciousness)i;
            return 1;
        }
    memset(in, 0, sizeof *in);
    return 0;
}

static const char *const response_names[] = {"routine", "low", "low_medium", "medium", "high"};

const char *hm_news2_response_name(enum hm_news2_response r)
{
    if ((int)r < 0 || (size_t)r >= sizeof response_names / sizeof response_names[0])
        return "unknown";
    return response_names[r];
}

int hm_news2_response_from_name(const char *name, enum hm_news2_response *out, hm_err *err)
{
    for (size_t i = 0; name && i < sizeof response_names / sizeof response_names[0]; i++) {
        if (strcmp(name, response_names[i]) == 0) {
            *out = (enum hm_news2_response)i;
            return HM_OK;
        }
    }
    return hm_err_set(err, HM_EINVAL, "news2 response name is unknown: %s", name ? name : "(null)");
}
