/* alert/news2: every band edge of every parameter (both sides), SpO2 scale 2 on air and on
 * oxygen, rounding of fractional values, the aggregate response incl. the single-3 rule, and
 * invalid inputs. Expected scores are the chart in DOMAIN.md, section NEWS2. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "alert/news2.h"

/* Observations scoring 0 everywhere. */
static hm_news2_input normal(void)
{
    return (hm_news2_input){.resp_rate = 16,
                            .spo2 = 98,
                            .spo2_scale = 1,
                            .on_oxygen = 0,
                            .systolic_bp = 120,
                            .pulse = 70,
                            .consciousness = HM_ACVPU_ALERT,
                            .temperature = 37.0};
}

static hm_news2_result score(hm_news2_input in)
{
    hm_news2_result r;
    hm_err err;
    memset(&err, 0, sizeof err);
    if (hm_news2_score(&in, &r, &err) != HM_OK)
        fail_msg("score failed: %s", err.msg);
    return r;
}

enum param { RESP, SPO2, SBP, PULSE, TEMP };

struct edge {
    enum param p;
    double v;
    int expect;
};

static const struct edge edges[] = {
    /* respiration: <=8 3, 9-11 1, 12-20 0, 21-24 2, >=25 3 */
    {RESP, 0, 3},
    {RESP, 8, 3},
    {RESP, 9, 1},
    {RESP, 11, 1},
    {RESP, 12, 0},
    {RESP, 20, 0},
    {RESP, 21, 2},
    {RESP, 24, 2},
    {RESP, 25, 3},
    {RESP, 100, 3},
    {RESP, 8.49, 3},
    {RESP, 8.5, 1},
    {RESP, 11.49, 1},
    {RESP, 11.5, 0},
    {RESP, 20.49, 0},
    {RESP, 20.5, 2},
    {RESP, 24.49, 2},
    {RESP, 24.5, 3},
    /* SpO2 scale 1: <=91 3, 92-93 2, 94-95 1, >=96 0 */
    {SPO2, 0, 3},
    {SPO2, 91, 3},
    {SPO2, 92, 2},
    {SPO2, 93, 2},
    {SPO2, 94, 1},
    {SPO2, 95, 1},
    {SPO2, 96, 0},
    {SPO2, 100, 0},
    {SPO2, 91.49, 3},
    {SPO2, 91.5, 2},
    {SPO2, 95.5, 0},
    /* systolic: <=90 3, 91-100 2, 101-110 1, 111-219 0, >=220 3 */
    {SBP, 0, 3},
    {SBP, 90, 3},
    {SBP, 91, 2},
    {SBP, 100, 2},
    {SBP, 101, 1},
    {SBP, 110, 1},
    {SBP, 111, 0},
    {SBP, 219, 0},
    {SBP, 220, 3},
    {SBP, 350, 3},
    {SBP, 90.49, 3},
    {SBP, 90.5, 2},
    {SBP, 219.49, 0},
    {SBP, 219.5, 3},
    /* pulse: <=40 3, 41-50 1, 51-90 0, 91-110 1, 111-130 2, >=131 3 */
    {PULSE, 0, 3},
    {PULSE, 40, 3},
    {PULSE, 41, 1},
    {PULSE, 50, 1},
    {PULSE, 51, 0},
    {PULSE, 90, 0},
    {PULSE, 91, 1},
    {PULSE, 110, 1},
    {PULSE, 111, 2},
    {PULSE, 130, 2},
    {PULSE, 131, 3},
    {PULSE, 300, 3},
    {PULSE, 40.5, 1},
    {PULSE, 130.49, 2},
    {PULSE, 130.5, 3},
    /* temperature: <=35.0 3, 35.1-36.0 1, 36.1-38.0 0, 38.1-39.0 1, >=39.1 2 */
    {TEMP, 20.0, 3},
    {TEMP, 35.0, 3},
    {TEMP, 35.1, 1},
    {TEMP, 36.0, 1},
    {TEMP, 36.1, 0},
    {TEMP, 38.0, 0},
    {TEMP, 38.1, 1},
    {TEMP, 39.0, 1},
    {TEMP, 39.1, 2},
    {TEMP, 45.0, 2},
    {TEMP, 35.04, 3},
    {TEMP, 35.05, 1},
    {TEMP, 36.04, 1},
    {TEMP, 36.05, 0},
    {TEMP, 38.04, 0},
    {TEMP, 38.05, 1},
    {TEMP, 39.04, 1},
    {TEMP, 39.05, 2},
};

static void every_band_edge(void **state)
{
    (void)state;
    static const int part_of[] = {HM_NEWS2_PART_RESP, HM_NEWS2_PART_SPO2, HM_NEWS2_PART_SBP,
                                  HM_NEWS2_PART_PULSE, HM_NEWS2_PART_TEMPERATURE};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        hm_news2_input in = normal();
        double *field[] = {&in.resp_rate, &in.spo2, &in.systolic_bp, &in.pulse, &in.temperature};
        *field[edges[i].p] = edges[i].v;
        hm_news2_result r = score(in);
        int got = r.part[part_of[edges[i].p]];
        if (got != edges[i].expect || r.total != edges[i].expect)
            fail_msg("parameter %d value %g: part %d total %d, expected %d", (int)edges[i].p,
                     edges[i].v, got, r.total, edges[i].expect);
        assert_int_equal(r.any_single_3, edges[i].expect == 3);
        assert_int_equal(r.part[7], 0);
    }
}

static void consciousness_and_oxygen(void **state)
{
    (void)state;
    hm_news2_input in = normal();
    assert_int_equal(score(in).part[HM_NEWS2_PART_CONSCIOUSNESS], 0);
    for (int c = HM_ACVPU_NEW_CONFUSION; c <= HM_ACVPU_UNRESPONSIVE; c++) {
        in.consciousness = (enum hm_news2_consciousness)c;
        hm_news2_result r = score(in);
        assert_int_equal(r.part[HM_NEWS2_PART_CONSCIOUSNESS], 3);
        assert_int_equal(r.total, 3);
        assert_int_equal(r.response, HM_NEWS2_LOW_MEDIUM);
    }
    in = normal();
    in.on_oxygen = 1; /* scale 1 on oxygen: 2 for oxygen, SpO2 bands unchanged */
    hm_news2_result r = score(in);
    assert_int_equal(r.part[HM_NEWS2_PART_OXYGEN], 2);
    assert_int_equal(r.part[HM_NEWS2_PART_SPO2], 0);
    assert_int_equal(r.total, 2);
    in.spo2 = 100;
    assert_int_equal(score(in).part[HM_NEWS2_PART_SPO2], 0);
}

struct s2 {
    double spo2;
    int on_air, on_oxygen;
};

static void spo2_scale_2(void **state)
{
    (void)state;
    /* <=83 3, 84-85 2, 86-87 1, 88-92 0 (either), >=93 0 on air,
     * 93-94 1, 95-96 2, >=97 3 on oxygen */
    static const struct s2 rows[] = {
        {0, 3, 3},    {83, 3, 3},    {84, 2, 2},   {85, 2, 2},   {86, 1, 1},
        {87, 1, 1},   {88, 0, 0},    {92, 0, 0},   {93, 0, 1},   {94, 0, 1},
        {95, 0, 2},   {96, 0, 2},    {97, 0, 3},   {100, 0, 3},  {83.49, 3, 3},
        {83.5, 2, 2}, {92.49, 0, 0}, {92.5, 0, 1}, {96.5, 0, 3},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        hm_news2_input in = normal();
        in.spo2_scale = 2;
        in.spo2 = rows[i].spo2;
        hm_news2_result air = score(in);
        in.on_oxygen = 1;
        hm_news2_result o2 = score(in);
        if (air.part[HM_NEWS2_PART_SPO2] != rows[i].on_air ||
            o2.part[HM_NEWS2_PART_SPO2] != rows[i].on_oxygen)
            fail_msg("scale 2 spo2 %g: air %d oxygen %d", rows[i].spo2,
                     air.part[HM_NEWS2_PART_SPO2], o2.part[HM_NEWS2_PART_SPO2]);
        assert_int_equal(air.part[HM_NEWS2_PART_OXYGEN], 0);
        assert_int_equal(o2.part[HM_NEWS2_PART_OXYGEN], 2);
        assert_int_equal(o2.total, rows[i].on_oxygen + 2);
        assert_int_equal(air.total, rows[i].on_air);
    }
    /* The same 93 % on scale 1 scores 2: the scale matters. */
    hm_news2_input in = normal();
    in.spo2 = 93;
    assert_int_equal(score(in).part[HM_NEWS2_PART_SPO2], 2);
}

static void response_mapping(void **state)
{
    (void)state;
    hm_news2_input in = normal();
    hm_news2_result r = score(in);
    assert_int_equal(r.total, 0);
    assert_int_equal(r.response, HM_NEWS2_ROUTINE);

    in.pulse = 95; /* 1 */
    r = score(in);
    assert_int_equal(r.total, 1);
    assert_int_equal(r.response, HM_NEWS2_LOW);

    in = normal();
    in.resp_rate = 22; /* 2 */
    in.pulse = 115;    /* 2 */
    r = score(in);
    assert_int_equal(r.total, 4);
    assert_int_equal(r.any_single_3, 0);
    assert_int_equal(r.response, HM_NEWS2_LOW);

    in = normal();
    in.systolic_bp = 85; /* a single 3, total 3 */
    r = score(in);
    assert_int_equal(r.total, 3);
    assert_true(r.any_single_3);
    assert_int_equal(r.response, HM_NEWS2_LOW_MEDIUM);

    in.temperature = 38.5; /* 3 + 1 = 4: still low-medium */
    r = score(in);
    assert_int_equal(r.total, 4);
    assert_int_equal(r.response, HM_NEWS2_LOW_MEDIUM);

    in.pulse = 95; /* 3 + 1 + 1 = 5: medium, the single 3 no longer decides */
    r = score(in);
    assert_int_equal(r.total, 5);
    assert_int_equal(r.response, HM_NEWS2_MEDIUM);

    in = normal();
    in.resp_rate = 22;     /* 2 */
    in.pulse = 115;        /* 2 */
    in.temperature = 38.5; /* 1 */
    r = score(in);
    assert_int_equal(r.total, 5);
    assert_int_equal(r.any_single_3, 0);
    assert_int_equal(r.response, HM_NEWS2_MEDIUM);

    in.temperature = 39.5; /* 2: total 6 */
    r = score(in);
    assert_int_equal(r.total, 6);
    assert_int_equal(r.response, HM_NEWS2_MEDIUM);

    in.spo2 = 95; /* 1: total 7 */
    r = score(in);
    assert_int_equal(r.total, 7);
    assert_int_equal(r.response, HM_NEWS2_HIGH);

    /* The worst possible observations: 3 + 3 + 2 + 3 + 3 + 3 + 3 = 20. */
    in = (hm_news2_input){.resp_rate = 30,
                          .spo2 = 99,
                          .spo2_scale = 2,
                          .on_oxygen = 1,
                          .systolic_bp = 80,
                          .pulse = 140,
                          .consciousness = HM_ACVPU_UNRESPONSIVE,
                          .temperature = 34.0};
    r = score(in);
    assert_int_equal(r.total, 20);
    assert_int_equal(r.response, HM_NEWS2_HIGH);
    static const int parts[8] = {3, 3, 2, 3, 3, 3, 3, 0};
    assert_memory_equal(r.part, parts, sizeof parts);
}

enum field { F_RESP, F_SPO2, F_SBP, F_PULSE, F_TEMP, F_SCALE, F_OXYGEN, F_ACVPU };

struct bad {
    const char *what; /* the message must name it */
    enum field f;
    double v;
};

static const struct bad bad[] = {
    {"respiration rate", F_RESP, -1},
    {"respiration rate", F_RESP, NAN},
    {"respiration rate", F_RESP, 101},
    {"spo2", F_SPO2, 100.5},
    {"spo2", F_SPO2, -0.1},
    {"spo2", F_SPO2, NAN},
    {"systolic bp", F_SBP, -5},
    {"systolic bp", F_SBP, INFINITY},
    {"pulse", F_PULSE, 301},
    {"pulse", F_PULSE, -INFINITY},
    {"temperature", F_TEMP, 98.6}, /* Fahrenheit */
    {"temperature", F_TEMP, 19.9},
    {"temperature", F_TEMP, NAN},
    {"spo2 scale", F_SCALE, 0},
    {"spo2 scale", F_SCALE, 3},
    {"on_oxygen", F_OXYGEN, 2},
    {"on_oxygen", F_OXYGEN, -1},
    {"consciousness", F_ACVPU, 5},
    {"consciousness", F_ACVPU, -1},
};

static hm_news2_input with_bad(const struct bad *b)
{
    hm_news2_input in = normal();
    switch (b->f) {
    case F_RESP:
        in.resp_rate = b->v;
        break;
    case F_SPO2:
        in.spo2 = b->v;
        break;
    case F_SBP:
        in.systolic_bp = b->v;
        break;
    case F_PULSE:
        in.pulse = b->v;
        break;
    case F_TEMP:
        in.temperature = b->v;
        break;
    case F_SCALE:
        in.spo2_scale = (int)b->v;
        break;
    case F_OXYGEN:
        in.on_oxygen = (int)b->v;
        break;
    case F_ACVPU:
        in.consciousness = (enum hm_news2_consciousness)(int)b->v;
        break;
    }
    return in;
}

static void invalid_inputs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hm_news2_input in = with_bad(&bad[i]);
        hm_news2_result r;
        memset(&r, 0x5a, sizeof r);
        hm_news2_result before = r;
        hm_err err;
        assert_int_equal(hm_news2_score(&in, &r, &err), HM_EINVAL);
        assert_int_equal(err.code, HM_EINVAL);
        if (!strstr(err.msg, bad[i].what))
            fail_msg("case %zu: message '%s' does not name %s", i, err.msg, bad[i].what);
        assert_memory_equal(&r, &before, sizeof r); /* untouched on failure */
    }
    hm_news2_result r;
    hm_news2_input in = normal();
    assert_int_equal(hm_news2_score(NULL, &r, NULL), HM_EINVAL);
    assert_int_equal(hm_news2_score(&in, NULL, NULL), HM_EINVAL);
    in.spo2 = 200;
    assert_int_equal(hm_news2_score(&in, &r, NULL), HM_EINVAL); /* err is optional */
}

static void response_names(void **state)
{
    (void)state;
    static const char *const names[] = {"routine", "low", "low_medium", "medium", "high"};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(hm_news2_response_name((enum hm_news2_response)i), names[i]);
        enum hm_news2_response r = HM_NEWS2_HIGH;
        assert_int_equal(hm_news2_response_from_name(names[i], &r, NULL), HM_OK);
        assert_int_equal(r, i);
    }
    assert_string_equal(hm_news2_response_name((enum hm_news2_response)9), "unknown");
    assert_string_equal(hm_news2_response_name((enum hm_news2_response) - 1), "unknown");
    enum hm_news2_response r;
    hm_err err;
    assert_int_equal(hm_news2_response_from_name("urgent", &r, &err), HM_EINVAL);
    assert_int_equal(hm_news2_response_from_name(NULL, &r, &err), HM_EINVAL);
    assert_int_equal(hm_news2_response_from_name("High", &r, &err), HM_EINVAL);
}

/* The vectors the browser's news2.js is tested with too (tests/data/news2/vectors.json): the
 * values as the API stores them, read by the same hm_news2_from_json the alert rules use. */
static void shared_vectors(void **state)
{
    (void)state;
    json_error_t jerr;
    json_t *doc = json_load_file(HM_NEWS2_VECTORS, 0, &jerr);
    if (!doc)
        fail_msg("cannot read %s: %s", HM_NEWS2_VECTORS, jerr.text);
    json_t *vecs = json_object_get(doc, "vectors");
    assert_true(json_array_size(vecs) > 100);
    size_t i;
    json_t *v;
    json_array_foreach(vecs, i, v)
    {
        const char *name = json_string_value(json_object_get(v, "name"));
        int scale = (int)json_integer_value(json_object_get(v, "spo2_scale"));
        hm_news2_input in;
        hm_news2_result res;
        int complete = hm_news2_from_json(json_object_get(v, "values"), scale, &in);
        int rc = complete ? hm_news2_score(&in, &res, NULL) : HM_EINVAL;
        if (json_object_get(v, "error")) {
            if (rc == HM_OK)
                fail_msg("%s: scored %d, expected no score", name, res.total);
            continue;
        }
        if (rc != HM_OK)
            fail_msg("%s: no score (complete %d, rc %d)", name, complete, rc);
        int total = (int)json_integer_value(json_object_get(v, "total"));
        const char *resp = json_string_value(json_object_get(v, "response"));
        if (res.total != total || strcmp(hm_news2_response_name(res.response), resp) != 0)
            fail_msg("%s: %d %s, expected %d %s", name, res.total,
                     hm_news2_response_name(res.response), total, resp);
    }
    json_decref(doc);
}

/* An incomplete set, or one with an unknown consciousness value, is not scored. */
static void from_json_incomplete(void **state)
{
    (void)state;
    hm_news2_input in;
    json_t *v = json_pack("{s:i, s:i, s:b, s:i, s:i, s:s, s:f}", "resp_rate", 16, "spo2", 97,
                          "on_oxygen", 0, "systolic_bp", 120, "pulse", 70, "consciousness",
                          "new_confusion", "temperature", 37.0);
    assert_int_equal(hm_news2_from_json(v, 2, &in), 1);
    assert_int_equal(in.consciousness, HM_ACVPU_NEW_CONFUSION);
    assert_int_equal(in.spo2_scale, 2);
    json_object_set_new(v, "on_oxygen", json_integer(0)); /* must be a boolean */
    assert_int_equal(hm_news2_from_json(v, 1, &in), 0);
    json_object_set_new(v, "on_oxygen", json_false());
    json_object_del(v, "pulse");
    assert_int_equal(hm_news2_from_json(v, 1, &in), 0);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_band_edge), cmocka_unit_test(consciousness_and_oxygen),
        cmocka_unit_test(spo2_scale_2),    cmocka_unit_test(response_mapping),
        cmocka_unit_test(invalid_inputs),  cmocka_unit_test(response_names),
        cmocka_unit_test(shared_vectors),  cmocka_unit_test(from_json_incomplete),
    };
    return cmocka_run_group_tests_name("alert/news2", tests, NULL, NULL);
}
