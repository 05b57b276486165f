/* The roster request check (hm_care_roster_parse), without a database: ranges, clock times,
 * "24:00", breaks inside the shift, overlapping shifts of one nurse, and the sorted result. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "care/care.h"

/* Parses text; returns the code and leaves the message in err. */
static int parse(const char *text, hm_shift **v, size_t *n, hm_err *err)
{
    json_error_t je;
    json_t *in = json_loads(text, 0, &je);
    assert_non_null(in);
    hm_date from, to;
    *v = NULL;
    *n = 0;
    int rc = hm_care_roster_parse(in, &from, &to, v, n, err);
    json_decref(in);
    return rc;
}

static void expect_error(const char *text, const char *words)
{
    hm_err err = {0};
    hm_shift *v;
    size_t n;
    assert_int_equal(parse(text, &v, &n, &err), HM_EINVAL);
    assert_null(v);
    if (!strstr(err.msg, words))
        fail_msg("'%s' lacks '%s'", err.msg, words);
}

static void good_roster_is_sorted(void **state)
{
    (void)state;
    hm_err err = {0};
    hm_shift *v;
    size_t n;
    int rc = parse("{\"from\": \"2026-11-25\", \"to\": \"2026-11-26\", \"shifts\": ["
                   "{\"staff_id\": 7, \"date\": \"2026-11-26\", \"start\": \"15:00\","
                   " \"end\": \"24:00\"},"
                   "{\"staff_id\": 7, \"date\": \"2026-11-26\", \"start\": \"07:00\","
                   " \"end\": \"15:00\", \"break_from\": \"11:00\", \"break_to\": \"13:00\","
                   " \"break_minutes\": 30, \"start_location\": {\"lat\": 69.6, \"lon\": 18.9}},"
                   "{\"staff_id\": 3, \"date\": \"2026-11-25\", \"start\": \"07:30\","
                   " \"end\": \"15:30\"}]}",
                   &v, &n, &err);
    assert_int_equal(rc, HM_OK);
    assert_int_equal(n, 3);
    assert_int_equal(v[0].staff_id, 3);
    assert_int_equal(v[0].break_from, -1);
    assert_int_equal(v[1].start, 7 * 60);
    assert_int_equal(v[1].break_min, 30);
    assert_int_equal(v[1].has_start_loc, 1);
    assert_int_equal(v[1].has_end_loc, 0);
    assert_int_equal(v[2].end, 1440);
    free(v);
}

static void touching_shifts_do_not_overlap(void **state)
{
    (void)state;
    hm_err err = {0};
    hm_shift *v;
    size_t n;
    assert_int_equal(parse("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": ["
                           "{\"staff_id\": 1, \"date\": \"2026-11-25\", \"start\": \"07:00\","
                           " \"end\": \"15:00\"},"
                           "{\"staff_id\": 1, \"date\": \"2026-11-25\", \"start\": \"15:00\","
                           " \"end\": \"23:00\"},"
                           "{\"staff_id\": 2, \"date\": \"2026-11-25\", \"start\": \"08:00\","
                           " \"end\": \"16:00\"}]}",
                           &v, &n, &err),
                     HM_OK);
    assert_int_equal(n, 3);
    free(v);
    assert_int_equal(parse("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": []}",
                           &v, &n, &err),
                     HM_OK);
    assert_int_equal(n, 0);
    free(v);
}

static void bad_rosters(void **state)
{
    (void)state;
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-24\", \"shifts\": []}",
                 "before 'from'");
    expect_error("{\"from\": \"2026-11-01\", \"to\": \"2027-01-05\", \"shifts\": []}",
                 "at most 62 days");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\"}", "'shifts' must be an array");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"x\": 1, \"shifts\": []}",
                 "unknown field 'x'");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": [1]}",
                 "shift 1: each shift must be an object");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": ["
                 "{\"staff_id\": 1, \"date\": \"2026-11-25\", \"start\": \"09:00\","
                 " \"end\": \"09:00\"}]}",
                 "end after it starts");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": ["
                 "{\"staff_id\": 1, \"date\": \"2026-11-25\", \"start\": \"24:00\","
                 " \"end\": \"24:00\"}]}",
                 "field 'start' must be a clock time");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": ["
                 "{\"staff_id\": 1, \"date\": \"2026-11-26\", \"start\": \"07:00\","
                 " \"end\": \"15:00\"}]}",
                 "outside 'from' to 'to'");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": ["
                 "{\"staff_id\": 1, \"date\": \"2026-11-25\", \"start\": \"07:00\","
                 " \"end\": \"15:00\"},"
                 "{\"staff_id\": 1, \"date\": \"2026-11-25\", \"start\": \"14:59\","
                 " \"end\": \"23:00\"}]}",
                 "overlapping shifts on 2026-11-25");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": ["
                 "{\"staff_id\": 1, \"date\": \"2026-11-25\", \"start\": \"07:00\","
                 " \"end\": \"15:00\", \"break_from\": \"11:00\"}]}",
                 "go together");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": ["
                 "{\"staff_id\": 1, \"date\": \"2026-11-25\", \"start\": \"07:00\","
                 " \"end\": \"15:00\", \"break_from\": \"14:45\", \"break_to\": \"14:50\","
                 " \"break_minutes\": 30}]}",
                 "fit inside the shift");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": ["
                 "{\"staff_id\": 1, \"date\": \"2026-11-25\", \"start\": \"07:00\","
                 " \"end\": \"15:00\", \"break_minutes\": 500}]}",
                 "break_minutes");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": ["
                 "{\"staff_id\": 0, \"date\": \"2026-11-25\", \"start\": \"07:00\","
                 " \"end\": \"15:00\"}]}",
                 "staff_id");
    expect_error("{\"from\": \"2026-11-25\", \"to\": \"2026-11-25\", \"shifts\": ["
                 "{\"staff_id\": 1, \"date\": \"2026-11-25\", \"start\": \"07:00\","
                 " \"end\": \"15:00\", \"end_location\": {\"lat\": 69}}]}",
                 "end_location");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_roster_is_sorted),
        cmocka_unit_test(touching_shifts_do_not_overlap),
        cmocka_unit_test(bad_rosters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
