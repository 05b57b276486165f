/* alert/device_obs: PCD-01 values mapped to the vital_signs template's keys and units: codes
 * by number or reference id, unit conversion and rounding, plausibility, the newest of two
 * sources of one value, the measuring time (and a device clock ahead of ours), and what is left
 * out with its reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "alert/alarm_int.h"

#define NOW 1800000000000LL

static void add(hm_pcd_msg *m, const char *code, const char *ref, const char *type,
                const char *value, const char *unit_code, const char *unit_ref, int64_t t)
{
    hm_pcd_obs *o = &m->obs[m->n_obs++];
    memset(o, 0, sizeof *o);
    snprintf(o->id.code, sizeof o->id.code, "%s", code);
    snprintf(o->id.name, sizeof o->id.name, "%s", ref);
    snprintf(o->type, sizeof o->type, "%s", type);
    snprintf(o->value, sizeof o->value, "%s", value);
    snprintf(o->units.code, sizeof o->units.code, "%s", unit_code);
    snprintf(o->units.name, sizeof o->units.name, "%s", unit_ref);
    o->time_ms = t;
}

static hm_pcd_msg *msg(void)
{
    static hm_pcd_msg m;
    memset(&m, 0, sizeof m);
    m.kind = HM_PCD_OBSERVATION;
    add(&m, "69640", "MDC_DEV_SPEC_PROFILE_PULS_OXIM", "", "", "", "", 0); /* the device's OBX */
    return &m;
}

static void map(const hm_pcd_msg *m, json_t **values, json_t **skipped, int64_t *at)
{
    assert_int_equal(hm__device_vitals_map(m, NOW, values, skipped, at), HM_OK);
}

static void codes_units_and_rounding(void **state)
{
    (void)state;
    hm_pcd_msg *m = msg();
    add(m, "150456", "", "NM", "95.5", "262688", "", NOW - 60000);          /* by number */
    add(m, "", "MDC_PRESS_BLD_NONINV_DIA", "NM", "10", "", "MDC_DIM_KILO_PASCAL", NOW - 60000);
    add(m, "150392", "MDC_TEMP_TYMP", "NM", "100.4", "266560", "", NOW - 120000); /* °F */
    add(m, "151562", "MDC_RESP_RATE", "NM", " 17 ", "", "", NOW - 60000);  /* no unit: /min */
    json_t *v, *sk;
    int64_t at;
    map(m, &v, &sk, &at);
    assert_int_equal(json_integer_value(json_object_get(v, "spo2")), 96); /* half up */
    assert_int_equal(json_integer_value(json_object_get(v, "diastolic_bp")), 75); /* 75.006 */
    assert_true(json_real_value(json_object_get(v, "temperature")) == 38.0);
    assert_int_equal(json_integer_value(json_object_get(v, "resp_rate")), 17);
    assert_int_equal(json_object_size(v), 4);
    assert_int_equal(json_array_size(sk), 0);
    assert_int_equal(at, NOW - 60000); /* the newest value's time */
    json_decref(v);
    json_decref(sk);
}

static void newest_source_wins_and_bad_values_are_named(void **state)
{
    (void)state;
    hm_pcd_msg *m = msg();
    add(m, "149546", "MDC_PULS_RATE_NON_INV", "NM", "80", "264864", "", NOW - 50000);
    add(m, "149530", "MDC_PULS_OXIM_PULS_RATE", "NM", "70", "264864", "", NOW - 90000); /* older */
    add(m, "150456", "MDC_PULS_OXIM_SAT_O2", "ST", "96", "262688", "", NOW);  /* not NM */
    add(m, "150021", "MDC_PRESS_BLD_NONINV_SYS", "NM", "1e400", "266016", "", NOW);
    add(m, "150364", "MDC_TEMP_BODY", "NM", "310.15", "268192", "", NOW);      /* not plausible */
    add(m, "150364", "MDC_TEMP_BODY", "NM", "37", "", "MDC_DIM_KELVIN", NOW);  /* unknown unit */
    add(m, "999999", "MDC_SOMETHING_ELSE", "NM", "1", "", "", NOW);             /* not ours */
    json_t *v, *sk;
    int64_t at;
    map(m, &v, &sk, &at);
    assert_int_equal(json_object_size(v), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "pulse")), 80);
    assert_int_equal(json_array_size(sk), 4);
    const char *why[] = {"not a number", "not a number", "outside what can be measured",
                         "unknown unit"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(sk, i), "why")),
                            why[i]);
    json_decref(v);
    json_decref(sk);
}

static void time_falls_back_to_arrival(void **state)
{
    (void)state;
    hm_pcd_msg *m = msg();
    add(m, "150456", "", "NM", "97", "", "", NOW + 10 * 60000); /* device clock ahead */
    json_t *v, *sk;
    int64_t at;
    map(m, &v, &sk, &at);
    assert_int_equal(at, NOW);
    json_decref(v);
    json_decref(sk);
    m = msg();
    add(m, "150456", "", "NM", "97", "", "", 0); /* no time at all */
    map(m, &v, &sk, &at);
    assert_int_equal(at, NOW);
    json_decref(v);
    json_decref(sk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_units_and_rounding),
        cmocka_unit_test(newest_source_wins_and_bad_values_are_named),
        cmocka_unit_test(time_falls_back_to_arrival),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
