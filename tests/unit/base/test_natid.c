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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_numbers),
        cmocka_unit_test(each_rule_fails_clearly),
        cmocka_unit_test(centuries),
        cmocka_unit_test(synthetic_generator),
    };
    return cmocka_run_group_tests_name("base/natid", tests, NULL, NULL);
}
