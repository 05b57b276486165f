/* test_throttle.c: failed-login counting: the limit, the window, a success clearing the count,
 * users kept apart, and a table far smaller than the number of users (the entries with fewest
 * failures make room without blocking anyone wrongly, and a blocked one is not flooded out). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "auth/throttle.h"

#define T0 1800000000000LL

static void limit_and_window(void **state)
{
    (void)state;
    hm_throttle *t;
    hm_err err;
    assert_int_equal(hm_throttle_create(&t, &err), HM_OK);
    for (int i = 0; i < HM_THROTTLE_FAILS - 1; i++) {
        assert_int_equal(hm_throttle_check(t, "kari", T0 + i, NULL, &err), HM_OK);
        hm_throttle_failed(t, "kari", T0 + i);
    }
    assert_int_equal(hm_throttle_check(t, "kari", T0 + 10, NULL, &err), HM_OK);
    hm_throttle_failed(t, "kari", T0 + 10);
    int64_t wait = 0;
    assert_int_equal(hm_throttle_check(t, "kari", T0 + 60000, &wait, &err), HM_ELIMIT);
    assert_int_equal(wait, (HM_THROTTLE_WINDOW_MS - 60000) / 1000);
    assert_non_null(strstr(err.msg, "try again in 14 minutes"));
    assert_int_equal(hm_throttle_check(t, "ola", T0 + 60000, NULL, &err), HM_OK);
    /* The window that began with the first failure ends; then a fresh count. */
    assert_int_equal(hm_throttle_check(t, "kari", T0 + HM_THROTTLE_WINDOW_MS, NULL, &err), HM_OK);
    hm_throttle_failed(t, "kari", T0 + HM_THROTTLE_WINDOW_MS);
    assert_int_equal(hm_throttle_check(t, "kari", T0 + HM_THROTTLE_WINDOW_MS + 1, NULL, &err),
                     HM_OK);
    hm_throttle_destroy(t);
}

static void success_clears(void **state)
{
    (void)state;
    hm_throttle *t;
    hm_err err;
    assert_int_equal(hm_throttle_create(&t, &err), HM_OK);
    for (int i = 0; i < HM_THROTTLE_FAILS - 1; i++)
        hm_throttle_failed(t, "per", T0);
    hm_throttle_succeeded(t, "per");
    for (int i = 0; i < HM_THROTTLE_FAILS - 1; i++)
        hm_throttle_failed(t, "per", T0 + 1);
    assert_int_equal(hm_throttle_check(t, "per", T0 + 2, NULL, &err), HM_OK);
    hm_throttle_destroy(t);
}

static void many_users(void **state)
{
    (void)state;
    hm_throttle *t;
    hm_err err;
    char name[32];
    assert_int_equal(hm_throttle_create(&t, &err), HM_OK);
    /* 20,000 users with one failure each: nobody is blocked. */
    for (int i = 0; i < 20000; i++) {
        snprintf(name, sizeof name, "user%d", i);
        hm_throttle_failed(t, name, T0 + i);
    }
    for (int i = 0; i < 20000; i += 97) {
        snprintf(name, sizeof name, "user%d", i);
        assert_int_equal(hm_throttle_check(t, name, T0 + 20000, NULL, &err), HM_OK);
    }
    /* One guessed at hard in the middle of it is still blocked. */
    for (int i = 0; i < HM_THROTTLE_FAILS; i++)
        hm_throttle_failed(t, "target", T0 + 20000 + i);
    assert_int_equal(hm_throttle_check(t, "target", T0 + 20010, NULL, &err), HM_ELIMIT);
    /* A flood of 100,000 other usernames (one failure each) after the block: the blocked entry
     * is not the one that makes room, so the guesser gets no fresh tries. */
    for (int i = 0; i < 100000; i++) {
        snprintf(name, sizeof name, "flood%d", i);
        hm_throttle_failed(t, name, T0 + 20020 + i / 100);
    }
    assert_int_equal(hm_throttle_check(t, "target", T0 + 21100, NULL, &err), HM_ELIMIT);
    hm_throttle_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limit_and_window),
        cmocka_unit_test(success_clears),
        cmocka_unit_test(many_users),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
