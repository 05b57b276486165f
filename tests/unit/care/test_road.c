/* The road service's table answer (hm_road_table_parse, care/road_table.c), without a network:
 * a full table in minutes at the caller's stride, null for "no route", and a clear refusal of
 * every other shape. The requests themselves are tested against a fake service in
 * tests/e2e/test_plan_road.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "care/road.h"

static int parse(const char *text, int rows, int cols, double *out, size_t stride, hm_err *err)
{
    return hm_road_table_parse(text, strlen(text), rows, cols, out, stride, err);
}

static void expect_refused(const char *text, int rows, int cols, const char *words)
{
    hm_err err = {0};
    double out[16];
    assert_int_equal(parse(text, rows, cols, out, 4, &err), HM_EINVAL);
    if (!strstr(err.msg, words))
        fail_msg("'%s' -> '%s', wanted '%s'", text, err.msg, words);
}

static void a_table_becomes_minutes_at_the_stride(void **state)
{
    (void)state;
    double out[2 * 5];
    for (int i = 0; i < 10; i++)
        out[i] = 99;
    hm_err err = {0};
    assert_int_equal(parse("{\"code\": \"Ok\", \"durations\": [[0, 90.6, null], [600, 0, 30]],"
                           " \"destinations\": []}",
                           2, 3, out, 5, &err),
                     HM_OK);
    assert_float_equal(out[0], 0, 1e-9);
    assert_float_equal(out[1], 1.51, 1e-9);
    assert_float_equal(out[2], -1, 1e-9); /* no route */
    assert_float_equal(out[3], 99, 1e-9); /* past the block: untouched */
    assert_float_equal(out[5], 10, 1e-9);
    assert_float_equal(out[7], 0.5, 1e-9);
}

static void the_services_error_is_said(void **state)
{
    (void)state;
    expect_refused("{\"code\": \"InvalidQuery\", \"message\": \"Query string malformed\"}", 1, 1,
                   "road service: InvalidQuery: Query string malformed");
    expect_refused("{\"code\": \"TooBig\"}", 1, 1, "road service: TooBig");
}

static void other_shapes_are_refused(void **state)
{
    (void)state;
    expect_refused("", 1, 1, "not JSON");
    expect_refused("<html>502 Bad Gateway</html>", 1, 1, "not JSON");
    expect_refused("[[0]]", 1, 1, "no \"code\"");
    expect_refused("{\"durations\": [[0]]}", 1, 1, "no \"code\"");
    expect_refused("{\"code\": 1}", 1, 1, "no \"code\"");
    expect_refused("{\"code\": \"Ok\"}", 1, 1, "must list 1 rows");
    expect_refused("{\"code\": \"Ok\", \"durations\": [[0], [0]]}", 1, 1, "must list 1 rows");
    expect_refused("{\"code\": \"Ok\", \"durations\": [[0, 1]]}", 1, 1, "row 0 must list 1");
    expect_refused("{\"code\": \"Ok\", \"durations\": [0]}", 1, 1, "row 0 must list 1");
    expect_refused("{\"code\": \"Ok\", \"durations\": [[-1]]}", 1, 1, "durations[0][0]");
    expect_refused("{\"code\": \"Ok\", \"durations\": [[\"60\"]]}", 1, 1, "durations[0][0]");
    expect_refused("{\"code\": \"Ok\", \"durations\": [[1e300]]}", 1, 1, "durations[0][0]");
    expect_refused("{\"code\": \"Ok\", \"durations\": [[0], [true]]}", 2, 1, "durations[1][0]");
    expect_refused("{\"code\": \"Ok\", \"code\": \"Ok\", \"durations\": [[0]]}", 1, 1, "not JSON");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_table_becomes_minutes_at_the_stride),
        cmocka_unit_test(the_services_error_is_said),
        cmocka_unit_test(other_shapes_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
