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
    static const char *const bad[] = {"",
                                      "2026-11-24",
                                      "2026-13-01T00:00Z",
                                      "2026-02-29T00:00Z",
                                      "2026-11-24T24:00Z",
                                      "2026-11-24T08:00Zjunk",
                                      "2026-11-24T08:00+1",
                                      "x026-11-24T08:00Z",
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

static void round_trips(void **state)
{
    (void)state;
    /* Every 7 minutes through 2026: UTC -> local -> UTC is exact except in the repeated autumn
     * hour, whose second occurrence maps back to the first (one hour earlier). */
    int64_t start = utc("2026-01-01T00:00:00Z"), end = utc("2027-01-01T00:00:00Z");
    int64_t rep_lo = utc("2026-10-25T01:00:00Z"), rep_hi = utc("2026-10-25T02:00:00Z");
    for (int64_t t = start; t < end; t += 7 * 60 * 1000) {
        hm_date d;
        int m;
        hm_utc_to_local(t, &d, &m);
        int64_t back = hm_local_to_utc_ms(d, m);
        if (t >= rep_lo && t < rep_hi)
            assert_true(back == t - H);
        else if (back != t)
            fail_msg("round trip of %lld gave %lld", (long long)t, (long long)back);
        char a[32], b[32];
        int64_t p1 = 0, p2 = 0;
        hm_time_format_utc(t, a);
        hm_time_format_local(t, b);
        assert_int_equal(hm_time_parse(a, &p1, NULL), HM_OK);
        assert_int_equal(hm_time_parse(b, &p2, NULL), HM_OK);
        assert_true(p1 == t && p2 == t);
    }
    /* Local -> UTC -> local on both change days for every minute outside the gap. */
    static const hm_date days[] = {{2026, 3, 29}, {2026, 10, 25}};
    for (int i = 0; i < 2; i++) {
        for (int m = 0; m < 1440; m++) {
            if (i == 0 && m >= 120 && m < 180)
                continue;
            hm_date d;
            int mm;
            hm_utc_to_local(hm_local_to_utc_ms(days[i], m), &d, &mm);
            assert_int_equal(hm_date_cmp(d, days[i]), 0);
            assert_int_equal(mm, m);
        }
    }
}

static void gap_minutes_move_forward(void **state)
{
    (void)state;
    /* 02:00 -> 03:00, 02:59 -> 03:59 local; the instants are one hour after 01:00 local. */
    int64_t one = hm_local_to_utc_ms(D(2026, 3, 29), 60);
    assert_true(hm_local_to_utc_ms(D(2026, 3, 29), 120) == one + H);
    assert_true(hm_local_to_utc_ms(D(2026, 3, 29), 179) == one + H + 59 * 60 * 1000);
    assert_true(hm_local_to_utc_ms(D(2026, 3, 29), 180) == one + H);
    /* The repeat: 01:59 and 02:00 are one minute apart (both summer time), 03:00 is 2 h later. */
    int64_t a = hm_local_to_utc_ms(D(2026, 10, 25), 119);
    assert_true(hm_local_to_utc_ms(D(2026, 10, 25), 120) == a + 60 * 1000);
    assert_true(hm_local_to_utc_ms(D(2026, 10, 25), 180) == a + 2 * H + 60 * 1000);
    /* Without a zone, hm_time_parse applies the same rules. */
    assert_true(utc("2026-03-29T02:30") == utc("2026-03-29T01:30:00Z"));
    assert_true(utc("2026-10-25T02:30:00") == utc("2026-10-25T00:30:00Z"));
}

static void more_parse_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2026-11-24T08:60Z",           "2026-11-24T08:00:60Z",  "2026-11-24T08:00+15:00",
        "2026-11-24T08:00+01:60",      "2026-11-24T08:00+0100", "2026-11-24T08:00:00.1234567890Z",
        "2026-11-24T08:00:0Z",         "2026-11-24T08:00 Z",    "2026-11-24T08:00z",
        "2026-11-24X08:00Z",           "2026-11-24T08-00Z",     "-026-11-24T08:00Z",
        "2026-11-24T08:00:00.000Z ",   "2026-00-10T08:00Z",     "2026-04-31T08:00Z",
        "2026-11-24T08:00:00+01:00:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hm_err err;
        int64_t out = 42;
        if (hm_time_parse(bad[i], &out, &err) != HM_EINVAL)
            fail_msg("accepted '%s'", bad[i]);
        assert_true(out == 42); /* outputs untouched on failure */
        assert_true(err.msg[0] != '\0');
    }
    int64_t out;
    assert_int_equal(hm_time_parse(NULL, &out, NULL), HM_EINVAL);
    hm_date d;
    assert_int_equal(hm_date_parse(NULL, &d, NULL), HM_EINVAL);
    assert_int_equal(hm_date_parse("2026-11-24x", &d, NULL), HM_EINVAL);
    int m;
    assert_int_equal(hm_clock_time_parse(NULL, &m, NULL), HM_EINVAL);
    assert_int_equal(hm_clock_time_parse("12:60", &m, NULL), HM_EINVAL);
    assert_int_equal(hm_clock_time_parse("12:00 ", &m, NULL), HM_EINVAL);
    assert_int_equal(hm_clock_time_parse("00:00", &m, NULL), HM_OK);
    assert_int_equal(m, 0);
    assert_int_equal(hm_clock_time_parse("23:59", &m, NULL), HM_OK);
    assert_int_equal(m, 1439);
    /* Fractions: one to nine digits, milliseconds kept. */
    assert_true(utc("2026-11-24T08:00:00.5Z") == utc("2026-11-24T08:00:00Z") + 500);
    assert_true(utc("2026-11-24T08:00:00.123456789Z") == utc("2026-11-24T08:00:00Z") + 123);
    assert_true(utc("2026-11-24T08:00-05:30") == utc("2026-11-24T13:30:00Z"));
}

static void date_arithmetic(void **state)
{
    (void)state;
    /* Walk 2000-2040 day by day: add_days, diff_days, cmp and weekday agree. */
    hm_date d = D(2000, 1, 1); /* a Saturday */
    int wd = 6;
    for (int i = 1; i < 366 * 40; i++) {
        hm_date n = hm_date_add_days(d, 1);
        assert_int_equal(hm_date_diff_days(d, n), 1);
        assert_true(hm_date_cmp(d, n) < 0 && hm_date_cmp(n, d) > 0);
        assert_true(hm_date_valid(n));
        wd = wd % 7 + 1;
        assert_int_equal(hm_date_weekday(n), wd);
        d = n;
    }
    assert_int_equal(hm_date_diff_days(D(2024, 3, 1), D(2024, 2, 28)), -2);
    hm_date back = hm_date_add_days(D(2024, 3, 1), -1);
    assert_int_equal(back.d, 29);
    assert_int_equal(hm_date_cmp(D(2026, 5, 5), D(2026, 5, 5)), 0);
}

/* The UTC offset hm_time_format_local prints, in seconds. */
static long printed_offset(int64_t t_ms)
{
    char buf[32];
    hm_time_format_local(t_ms, buf);
    long h = (buf[20] - '0') * 10 + (buf[21] - '0'), m = (buf[23] - '0') * 10 + (buf[24] - '0');
    return (buf[19] == '-' ? -1 : 1) * (h * 3600 + m * 60);
}

static void offsets_agree_with_the_c_library(void **state)
{
    (void)state;
    /* time.c caches the zone's transitions; check it against localtime_r from 1960 to 2110
     * (outside the cached range too), at a stride that drifts through the hours, and on both
     * sides of the exact change seconds of 2026. */
    for (int64_t t = -315619200LL; t < 4417977600LL; t += 86400 + 3607) {
        struct tm tm;
        time_t tt = (time_t)t;
        localtime_r(&tt, &tm);
        if (printed_offset(t * 1000) != tm.tm_gmtoff)
            fail_msg("offset at %lld: %ld, C library %ld", (long long)t, printed_offset(t * 1000),
                     (long)tm.tm_gmtoff);
    }
    int64_t spring = utc("2026-03-29T01:00:00Z"), autumn = utc("2026-10-25T01:00:00Z");
    assert_int_equal(printed_offset(spring - 1), 3600);
    assert_int_equal(printed_offset(spring), 7200);
    assert_int_equal(printed_offset(autumn - 1), 7200);
    assert_int_equal(printed_offset(autumn), 3600);
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
        cmocka_unit_test(round_trips),
        cmocka_unit_test(gap_minutes_move_forward),
        cmocka_unit_test(more_parse_errors),
        cmocka_unit_test(date_arithmetic),
        cmocka_unit_test(offsets_agree_with_the_c_library),
    };
    return cmocka_run_group_tests_name("base/time", tests, setup, NULL);
}
