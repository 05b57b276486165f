/* base/jsonw: what it writes parses back (jansson) to the same values; limits are sticky. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"

static void round_trip(void **state)
{
    (void)state;
    hm_jw w;
    hm_jw_init(&w, 0);
    hm_jw_arr_begin(&w);
    for (int i = 0; i < 3; i++) {
        hm_jw_obj_begin(&w);
        hm_jw_key(&w, "id");
        hm_jw_int(&w, i);
        hm_jw_key(&w, "name");
        hm_jw_str(&w, "Ås \"quoted\" \\ tab\t nl\n ctl\x01");
        hm_jw_key(&w, "lat");
        hm_jw_num(&w, 69.6492);
        hm_jw_key(&w, "whole");
        hm_jw_num(&w, 3);
        hm_jw_key(&w, "none");
        hm_jw_str(&w, NULL);
        hm_jw_key(&w, "ok");
        hm_jw_bool(&w, i % 2);
        hm_jw_key(&w, "doc");
        hm_jw_raw(&w, "{\"a\":[1,2]}");
        hm_jw_key(&w, "list");
        hm_jw_arr_begin(&w);
        hm_jw_int(&w, 1);
        hm_jw_null(&w);
        hm_jw_arr_end(&w);
        hm_jw_obj_end(&w);
    }
    hm_jw_arr_end(&w);
    char *text;
    size_t len;
    hm_err err;
    assert_int_equal(hm_jw_finish(&w, &text, &len, &err), HM_OK);
    assert_int_equal(strlen(text), len);
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    if (!j)
        fail_msg("not JSON: %s in %s", jerr.text, text);
    assert_int_equal(json_array_size(j), 3);
    json_t *o = json_array_get(j, 1);
    assert_int_equal(json_integer_value(json_object_get(o, "id")), 1);
    assert_string_equal(json_string_value(json_object_get(o, "name")),
                        "Ås \"quoted\" \\ tab\t nl\n ctl\x01");
    assert_true(json_is_real(json_object_get(o, "whole")));
    assert_true(json_real_value(json_object_get(o, "lat")) == 69.6492);
    assert_true(json_is_null(json_object_get(o, "none")));
    assert_true(json_is_true(json_object_get(o, "ok")));
    assert_int_equal(json_array_size(json_object_get(json_object_get(o, "doc"), "a")), 2);
    assert_int_equal(json_array_size(json_object_get(o, "list")), 2);
    json_decref(j);
    free(text);
}

static void limit_is_sticky(void **state)
{
    (void)state;
    hm_jw w;
    hm_jw_init(&w, 100);
    hm_jw_arr_begin(&w);
    for (int i = 0; i < 100; i++)
        hm_jw_str(&w, "0123456789");
    hm_jw_arr_end(&w);
    char *text = NULL;
    size_t len;
    hm_err err;
    assert_int_equal(hm_jw_finish(&w, &text, &len, &err), HM_ETOOBIG);
    assert_null(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(limit_is_sticky),
    };
    return cmocka_run_group_tests_name("base/jsonw", tests, NULL, NULL);
}
