/* test_file.c: whole-file reads with a limit: exactly at the limit, one byte over, empty and
 * missing files, a file far larger than the first buffer, and JSON documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"

static char path[64];

static void write_file(const char *text, size_t len)
{
    snprintf(path, sizeof path, "/tmp/hm-test-file-%d", (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

static void test_limits(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len = 0;
    hm_err err;
    write_file("0123456789", 10);
    assert_int_equal(hm_read_file(path, 10, &out, &len, &err), HM_OK);
    assert_int_equal(len, 10);
    assert_string_equal(out, "0123456789");
    free(out);
    assert_int_equal(hm_read_file(path, 9, &out, &len, &err), HM_ETOOBIG);
    assert_non_null(strstr(err.msg, "larger than 9 bytes"));
    write_file("", 0);
    assert_int_equal(hm_read_file(path, 10, &out, &len, &err), HM_OK);
    assert_int_equal(len, 0);
    assert_string_equal(out, "");
    free(out);
    unlink(path);
    assert_int_equal(hm_read_file(path, 10, &out, &len, &err), HM_ENOTFOUND);
    assert_non_null(strstr(err.msg, "cannot open"));
}

static void test_large_file_grows_the_buffer(void **state)
{
    (void)state;
    size_t n = 300000;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    write_file(big, n);
    char *out = NULL;
    size_t len = 0;
    hm_err err;
    assert_int_equal(hm_read_file(path, 1 << 20, &out, &len, &err), HM_OK);
    assert_int_equal(len, n);
    assert_memory_equal(out, big, n);
    assert_int_equal(out[n], '\0');
    free(out);
    assert_int_equal(hm_read_file(path, n - 1, &out, &len, &err), HM_ETOOBIG);
    free(big);
    unlink(path);
}

static void test_json(void **state)
{
    (void)state;
    json_t *j = NULL;
    hm_err err;
    write_file("{\"a\": 1}", 8);
    assert_int_equal(hm_read_json_file(path, 100, &j, &err), HM_OK);
    assert_int_equal(json_integer_value(json_object_get(j, "a")), 1);
    json_decref(j);
    write_file("{\"a\": 1, \"a\": 2}", 16);
    assert_int_equal(hm_read_json_file(path, 100, &j, &err), HM_EINVAL);
    assert_non_null(strstr(err.msg, "invalid JSON at line 1"));
    write_file("{\"a\": ", 6);
    assert_int_equal(hm_read_json_file(path, 100, &j, &err), HM_EINVAL);
    assert_non_null(strstr(err.msg, path));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_large_file_grows_the_buffer),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
