/* base/time: dates, clock times and the Europe/Oslo DST changes of 2026 (29 March, 25 October). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/time.h"

#define H (3600LL * 1000)

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Oslo", 1);
    tzset();
    return 0;
}

static int64_t utc(const char *s)
{
    int64_t t = 0;
    hm_err err;
    assert_int_equal(hm_time_parse(s, &t, &err), HM_OK);
    return t;
}

static hm_date D(int y, int m, int d)
{
    return (hm_date){y, m, d};
}

static void eight_oclock_stays_eight_across_dst(void **state)
{
    (void)state;
    /* Winter: UTC+1; summer: UTC+2. */
    assert_true(hm_local_to_utc_ms(D(2026, 3, 28), 480) == utc("2026-03-28T07:00:00Z"));
    assert_true(hm_local_to_utc_ms(D(2026, 3, 29), 480) == utc("2026-03-29T06:00:00Z"));
    assert_true(hm_local_to_utc_ms(D(2026, 3, 30), 480) == utc("2026-03-30T06:00:00Z"));
    assert_true(hm_local_to_utc_ms(D(2026, 10, 24), 480) == utc("2026-10-24T06:00:00Z"));
    assert_true(hm_local_to_utc_ms(D(2026, 10, 25), 480) == utc("2026-10-25T07:00:00Z"));
    assert_true(hm_local_to_utc_ms(D(2026, 10, 26), 480) == utc("2026-10-26T07:00:00Z"));
    hm_date d;
    int m;
    hm_utc_to_local(utc("2026-03-29T06:00:00Z"), &d, &m);
    assert_int_equal(m, 480);
    assert_int_equal(d.d, 29);
    hm_utc_to_local(utc("2026-10-25T07:00:00Z"), &d, &m);
    assert_int_equal(m, 480);
}

static void day_lengths_on_change_days(void **state)
{
    (void)state;
    int64_t spring = hm_local_to_utc_ms(D(2026, 3, 30), 0) - hm_local_to_utc_ms(D(2026, 3, 29), 0);
    int64_t autumn =
        hm_local_to_utc_ms(D(2026, 10, 26), 0) - hm_local_to_utc_ms(D(2026, 10, 25), 0);
    int64_t normal = hm_local_to_utc_ms(D(2026, 11, 2), 0) - hm_local_to_utc_ms(D(2026, 11, 1), 0);
    assert_true(spring == 23 * H);
    assert_true(autumn == 25 * H);
    assert_true(normal == 24 * H);
    assert_true(hm_local_to_utc_ms(D(2026, 3, 29), 1440) == hm_local_to_utc_ms(D(2026, 3, 30), 0));
}

static void gap_and_repeat(void **state)
{
    (void)state;
    /* 02:30 does not exist on 29 March: it becomes 03:30 summer time (01:30Z). */
    assert_true(hm_local_to_utc_ms(D(2026, 3, 29), 150) == utc("2026-03-29T01:30:00Z"));
    /* 02:30 happens twice on 25 October: the first, summer-time one (00:30Z). */
    assert_true(hm_local_to_utc_ms(D(2026, 10, 25), 150) == utc("2026-10-25T00:30:00Z"));
    char buf[32];
    hm_time_format_local(utc("2026-10-25T00:30:00Z"), buf);
    assert_string_equal(buf, "2026-10-25T02:30:00+02:00");
    hm_time_format_local(utc("2026-10-25T01:30:00Z"), buf);
    assert_string_equal(buf, "2026-10-25T02:30:00+01:00");
}

static void parse_and_format(void **state)
{
    (void)state;
    char buf[32];
    int64_t t = utc("2026-11-24T08:15:30.250Z");
    hm_time_format_utc(t, buf);
    assert_string_equal(buf, "2026-11-24T08:15:30.250Z");
    assert_true(utc("2026-11-24T09:15:30.250+01:00") == t);
    assert_true(utc("2026-11-24T09:15:30.25") == t); /* no zone: Oslo local */
    hm_time_format_local(t, buf);
    assert_string_equal(buf, "2026-11-24T09:15:30+01:00");
    static const char *const bad[] = {"", "2026-11-24", "2026-13-01T00:00Z", "2026-02-29T00:00Z",
                                      "2026-11-24T24:00Z", "2026-11-24T08:00Zjunk",
                                      "2026-11-24T08:00+1", "x026-11-24T08:00Z",
                                      "2026-11-24T08:00:00.Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hm_err err;
        int64_t out;
        if (hm_time_parse(bad[i], &out, &err) != HM_EINVAL)
            fail_msg("accepted '%s'", bad[i]);
    }
}

static void dates(void **state)
{
    (void)state;
    hm_date d;
    hm_err err;
    assert_int_equal(hm_date_parse("2024-02-29", &d, &err), HM_OK);
    assert_int_equal(hm_date_parse("2023-02-29", &d, &err), HM_EINVAL);
    assert_int_equal(hm_date_parse("2026-1-01", &d, &err), HM_EINVAL);
    assert_int_equal(hm_date_weekday(D(2026, 11, 24)), 2); /* a Tuesday */
    assert_int_equal(hm_date_weekday(D(2026, 3, 29)), 7);  /* a Sunday */
    assert_int_equal(hm_date_diff_days(D(2026, 1, 1), D(2027, 1, 1)), 365);
    hm_date n = hm_date_add_days(D(2026, 12, 31), 1);
    assert_int_equal(n.y, 2027);
    assert_int_equal(n.m, 1);
    assert_int_equal(n.d, 1);
    char buf[11];
    hm_date_format(D(2026, 3, 9), buf);
    assert_string_equal(buf, "2026-03-09");
    int m;
    assert_int_equal(hm_clock_time_parse("20:30", &m, &err), HM_OK);
    assert_int_equal(m, 1230);
    assert_int_equal(hm_clock_time_parse("24:00", &m, &err), HM_EINVAL);
    assert_int_equal(hm_clock_time_parse("8:00", &m, &err), HM_EINVAL);
}

static void fake_clock(void **state)
{
    (void)state;
    hm_fake_clock fc;
    hm_fake_clock_init(&fc, 1000);
    assert_true(hm_clock_now(&fc.clock) == 1000);
    fc.t_ms += 500;
    assert_true(hm_clock_now(&fc.clock) == 1500);
    assert_true(hm_clock_now(&hm_clock_system) > utc("2020-01-01T00:00:00Z"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eight_oclock_stays_eight_across_dst),
        cmocka_unit_test(day_lengths_on_change_days),
        cmocka_unit_test(gap_and_repeat),
        cmocka_unit_test(parse_and_format),
        cmocka_unit_test(dates),
        cmocka_unit_test(fake_clock),
    };
    return cmocka_run_group_tests_name("base/time", tests, setup, NULL);
}
