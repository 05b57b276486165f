/* base/natid: fødselsnummer, D-nummer and synthetic numbers: check digits, dates, centuries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/natid.h"

/* Completes 9 digits with both check digits; returns 0 when a check digit would be 10. */
static int complete(const char *nine, char out[12])
{
    static const int w1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    static const int w2[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    int d[11], s = 0;
    for (int i = 0; i < 9; i++)
        d[i] = nine[i] - '0';
    for (int i = 0; i < 9; i++)
        s += d[i] * w1[i];
    d[9] = (11 - s % 11) % 11;
    if (d[9] == 10)
        return 0;
    s = 0;
    for (int i = 0; i < 10; i++)
        s += d[i] * w2[i];
    d[10] = (11 - s % 11) % 11;
    if (d[10] == 10)
        return 0;
    for (int i = 0; i < 11; i++)
        out[i] = (char)('0' + d[i]);
    out[11] = 0;
    return 1;
}

/* A valid number for a date and a starting individual number. */
static void make(const char *ddmmyy, int ind, char out[12])
{
    for (int k = 0; k < 100; k++) {
        char nine[16];
        snprintf(nine, sizeof nine, "%.6s%03d", ddmmyy, ind + k);
        if (complete(nine, out))
            return;
    }
    fail_msg("no valid number for %s", ddmmyy);
}

static void valid_numbers(void **state)
{
    (void)state;
    char id[12];
    enum hm_natid_kind kind;
    int ymd;
    hm_err err;
    make("170385", 123, id); /* 1985, individual number 1xx */
    assert_int_equal(hm_natid_validate(id, &kind, &ymd, &err), HM_OK);
    assert_int_equal(kind, HM_NATID_FNR);
    assert_int_equal(ymd, 19850317);
    make("290224", 510, id); /* 29 Feb 2024, 5xx with year <= 39: 2000s */
    assert_int_equal(hm_natid_validate(id, &kind, &ymd, &err), HM_OK);
    assert_int_equal(ymd, 20240229);
    make("570385", 123, id); /* D-nummer: day + 40 */
    assert_int_equal(hm_natid_validate(id, &kind, &ymd, &err), HM_OK);
    assert_int_equal(kind, HM_NATID_DNR);
    assert_int_equal(ymd, 19850317);
    make("178385", 123, id); /* synthetic: month + 80 */
    assert_int_equal(hm_natid_validate(id, &kind, &ymd, &err), HM_OK);
    assert_int_equal(kind, HM_NATID_SYNTHETIC);
    assert_int_equal(ymd, 19850317);
}

static void each_rule_fails_clearly(void **state)
{
    (void)state;
    char id[12];
    hm_err err;
    assert_int_equal(hm_natid_validate("1234567890", NULL, NULL, &err), HM_EINVAL);
    assert_string_equal(err.msg, "national id must be 11 digits");
    assert_int_equal(hm_natid_validate("1234567890a", NULL, NULL, &err), HM_EINVAL);
    make("170385", 123, id);
    id[9] = id[9] == '9' ? '0' : (char)(id[9] + 1);
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
    assert_string_equal(err.msg, "national id check digit 1 is wrong");
    make("170385", 123, id);
    id[10] = id[10] == '9' ? '0' : (char)(id[10] + 1);
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
    assert_string_equal(err.msg, "national id check digit 2 is wrong");
    make("290223", 123, id); /* 29 Feb 1923 did not exist */
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
    assert_string_equal(err.msg, "national id has an invalid date");
    make("321385", 123, id); /* day 32, month 13 */
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
    make("010150", 700, id); /* 500-749 with year 50: no century */
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
}

static void centuries(void **state)
{
    (void)state;
    char id[12];
    int ymd;
    hm_err err;
    make("010160", 600, id); /* 500-749, yy >= 54: 1800s */
    assert_int_equal(hm_natid_validate(id, NULL, &ymd, &err), HM_OK);
    assert_int_equal(ymd, 18600101);
    make("010145", 920, id); /* 900-999, yy >= 40: 1900s */
    assert_int_equal(hm_natid_validate(id, NULL, &ymd, &err), HM_OK);
    assert_int_equal(ymd, 19450101);
    make("010110", 950, id); /* 900-999, yy <= 39: 2000s */
    assert_int_equal(hm_natid_validate(id, NULL, &ymd, &err), HM_OK);
    assert_int_equal(ymd, 20100101);
}

static void synthetic_generator(void **state)
{
    (void)state;
    hm_err err;
    static const int dates[] = {19350101, 19671231, 19990228, 20000229, 20240229, 20391231};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        char prev[12] = "";
        for (unsigned seq = 0; seq < 300; seq++) {
            char id[12];
            enum hm_natid_kind kind;
            int ymd;
            assert_int_equal(hm_natid_synthetic(dates[i], seq, id, &err), HM_OK);
            assert_int_equal(hm_natid_validate(id, &kind, &ymd, &err), HM_OK);
            assert_int_equal(kind, HM_NATID_SYNTHETIC);
            assert_int_equal(ymd, dates[i]);
            assert_string_not_equal(id, prev); /* every seq a different number */
            memcpy(prev, id, sizeof prev);
        }
    }
    char id[12];
    assert_int_equal(hm_natid_synthetic(20230229, 0, id, &err), HM_EINVAL);
    assert_int_equal(hm_natid_synthetic(19850101, 100000, id, &err), HM_EINVAL);
}

static void leap_days_and_dnummer(void **state)
{
    (void)state;
    char id[12];
    enum hm_natid_kind kind;
    int ymd;
    hm_err err;
    make("290224", 500, id); /* 29 Feb 2024 exists */
    assert_int_equal(hm_natid_validate(id, &kind, &ymd, &err), HM_OK);
    assert_int_equal(ymd, 20240229);
    make("290223", 500, id); /* 29 Feb 2023 does not */
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
    assert_string_equal(err.msg, "national id has an invalid date");
    make("690224", 500, id); /* D-nummer of 29 Feb 2024 */
    assert_int_equal(hm_natid_validate(id, &kind, &ymd, &err), HM_OK);
    assert_int_equal(kind, HM_NATID_DNR);
    assert_int_equal(ymd, 20240229);
    make("690223", 500, id);
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
    make("290200", 510, id); /* 2000 was a leap year */
    assert_int_equal(hm_natid_validate(id, NULL, &ymd, &err), HM_OK);
    assert_int_equal(ymd, 20000229);
    make("720185", 123, id); /* D-nummer day 32 */
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
    make("000185", 123, id); /* day 0 */
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
    make("014585", 123, id); /* month + 40 (H-number) is not accepted */
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
    make("019385", 123, id); /* synthetic month 13 */
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
    make("010185", 800, id); /* 750-899 with year 85: no century */
    assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
    assert_int_equal(hm_natid_validate(NULL, NULL, NULL, &err), HM_EINVAL);
    assert_int_equal(hm_natid_validate("123456789012", NULL, NULL, &err), HM_EINVAL);
    assert_int_equal(hm_natid_validate(" 1234567890", NULL, NULL, &err), HM_EINVAL);
    assert_string_equal(err.msg, "national id must be 11 digits");
}

static void check_digit_ten_is_invalid(void **state)
{
    (void)state;
    /* Find 9 digits whose first check digit would be 10; no last two digits can make them valid. */
    static const int w1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    for (int ind = 100; ind < 200; ind++) {
        char nine[10];
        snprintf(nine, sizeof nine, "170385%03d", ind);
        int s = 0;
        for (int i = 0; i < 9; i++)
            s += (nine[i] - '0') * w1[i];
        if ((11 - s % 11) % 11 != 10)
            continue;
        for (int k = 0; k < 100; k++) {
            char id[12];
            snprintf(id, sizeof id, "%s%02d", nine, k);
            hm_err err;
            assert_int_equal(hm_natid_validate(id, NULL, NULL, &err), HM_EINVAL);
            assert_string_equal(err.msg, "national id check digit 1 is wrong");
        }
        return;
    }
    fail_msg("no individual number with check digit 10");
}

static void synthetic_many_dates(void **state)
{
    (void)state;
    /* Every 13th day from 1900 to 2039, a few seqs each, plus the last available seq. */
    for (int y = 1900; y <= 2039; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= 28; d += 13) {
                int date = y * 10000 + m * 100 + d;
                unsigned seq = (unsigned)(y + m + d) % 250;
                char id[12];
                int ymd;
                enum hm_natid_kind kind;
                hm_err err;
                assert_int_equal(hm_natid_synthetic(date, seq, id, &err), HM_OK);
                assert_int_equal(hm_natid_validate(id, &kind, &ymd, &err), HM_OK);
                assert_int_equal(kind, HM_NATID_SYNTHETIC);
                assert_int_equal(ymd, date);
            }
        }
    }
    /* The available seqs end somewhere below 500; the one after the last fails cleanly. */
    unsigned n = 0;
    char id[12];
    hm_err err;
    while (hm_natid_synthetic(19850317, n, id, &err) == HM_OK)
        n++;
    assert_true(n > 300 && n < 500);
    assert_int_equal(hm_natid_synthetic(19850317, n, id, &err), HM_EINVAL);
    assert_int_equal(hm_natid_synthetic(18991231, 0, id, &err), HM_EINVAL);
    assert_int_equal(hm_natid_synthetic(20400101, 0, id, &err), HM_EINVAL);
    assert_int_equal(hm_natid_synthetic(19851301, 0, id, &err), HM_EINVAL);
    assert_int_equal(hm_natid_synthetic(-1, 0, id, &err), HM_EINVAL);
    /* Deterministic. */
    char a[12], b[12];
    assert_int_equal(hm_natid_synthetic(20240229, 7, a, NULL), HM_OK);
    assert_int_equal(hm_natid_synthetic(20240229, 7, b, NULL), HM_OK);
    assert_string_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_numbers),
        cmocka_unit_test(each_rule_fails_clearly),
        cmocka_unit_test(centuries),
        cmocka_unit_test(synthetic_generator),
        cmocka_unit_test(leap_days_and_dnummer),
        cmocka_unit_test(check_digit_ten_is_invalid),
        cmocka_unit_test(synthetic_many_dates),
    };
    return cmocka_run_group_tests_name("base/natid", tests, NULL, NULL);
}
