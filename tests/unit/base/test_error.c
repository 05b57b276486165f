/* Unit tests of base/error: codes, names and the detail setter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/error.h"

static void set_fills_and_returns_code(void **state)
{
    (void)state;
    hm_err e;
    assert_int_equal(hm_err_set(&e, HM_EINVAL, "bad %s", "thing"), HM_EINVAL);
    assert_int_equal(e.code, HM_EINVAL);
    assert_string_equal(e.msg, "bad thing");
    assert_int_equal(hm_err_set(NULL, HM_ENOTFOUND, "x"), HM_ENOTFOUND);
    hm_err_clear(&e);
    assert_int_equal(e.code, HM_OK);
    assert_string_equal(e.msg, "");
}

static void long_messages_are_truncated(void **state)
{
    (void)state;
    hm_err e;
    char big[1000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    hm_err_set(&e, HM_EINVAL, "%s", big);
    assert_int_equal(strlen(e.msg), HM_ERR_MSG_MAX - 1);
}

static void names_and_texts(void **state)
{
    (void)state;
    assert_string_equal(hm_errname(HM_EFORBIDDEN), "HM_EFORBIDDEN");
    assert_string_equal(hm_strerror(HM_ENOTFOUND), "not found");
    assert_string_equal(hm_strerror(-999), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_fills_and_returns_code),
        cmocka_unit_test(long_messages_are_truncated),
        cmocka_unit_test(names_and_texts),
    };
    return cmocka_run_group_tests_name("base/error", tests, NULL, NULL);
}
