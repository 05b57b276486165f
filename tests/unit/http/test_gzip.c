/* Accept-Encoding's reading and the gzip stream of http/gzip.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "http/gzip.h"

static void accept_encoding_is_read_by_the_rfc(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        int gzip;
    } cases[] = {
        {NULL, 0},
        {"", 0},
        {"gzip", 1},
        {"GZip", 1},
        {"x-gzip", 1},
        {"gzip, deflate, br", 1},
        {"deflate, br", 0},
        {"br;q=1.0, gzip;q=0.8, *;q=0.1", 1},
        {"gzip;q=0", 0},
        {"gzip; q=0.000", 0},
        {"gzip ; q=0.001", 1},
        {"*", 1},
        {"*;q=0", 0},
        {"*, gzip;q=0", 0},      /* gzip refused by name beats the wildcard */
        {"identity;q=1, *;q=0", 0},
        {"gzip;level=9;q=0", 0}, /* a parameter before q */
        {"gzip;q=1.5", 0},       /* not a q-value: as refused */
        {"gzip;q=x", 0},
        {"gzipped", 0},
        {"  gzip  ", 1},
        {",,gzip,,", 1},
        {"gzip;q=0, x-gzip", 1}, /* the better of the two spellings */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (hm_http_accepts_gzip(cases[i].header) != cases[i].gzip)
            fail_msg("Accept-Encoding '%s': expected %d", cases[i].header ? cases[i].header : "(none)",
                     cases[i].gzip);
    }
}

static void gzip_round_trips_and_shrinks_json(void **state)
{
    (void)state;
    size_t len = 0, cap = 200000;
    char *json = malloc(cap);
    assert_non_null(json);
    len += (size_t)snprintf(json, cap, "[");
    for (int i = 0; i < 1000; i++)
        len += (size_t)snprintf(json + len, cap - len,
                                "%s{\"id\":%d,\"kind\":\"bag_change\",\"window_start\":\"2026-11-25T%02d:00\"}",
                                i ? "," : "", i, i % 24);
    len += (size_t)snprintf(json + len, cap - len, "]");
    char *packed;
    size_t packed_len;
    assert_int_equal(hm_http_gzip(json, len, &packed, &packed_len), 0);
    assert_true(packed_len < len / 5);
    assert_int_equal((unsigned char)packed[0], 0x1f); /* gzip's magic */
    assert_int_equal((unsigned char)packed[1], 0x8b);

    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    char *back = malloc(len + 1);
    z.next_in = (Bytef *)packed;
    z.avail_in = (uInt)packed_len;
    z.next_out = (Bytef *)back;
    z.avail_out = (uInt)len + 1;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, len);
    assert_memory_equal(back, json, len);
    inflateEnd(&z);
    free(back);
    free(packed);
    free(json);
}

static char *inflated(const char *packed, size_t packed_len, size_t *len)
{
    static char buf[1 << 16];
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *)packed;
    z.avail_in = (uInt)packed_len;
    z.next_out = (Bytef *)buf;
    z.avail_out = sizeof buf;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    *len = z.total_out;
    inflateEnd(&z);
    return buf;
}

/* Text number i: all the same length, differing in one byte in the middle, which the cache's
 * sample may not see: only the full comparison tells them apart. */
static void text_of(int i, char *out, size_t n)
{
    memset(out, 'a', n);
    snprintf(out + n / 2 + 1, 8, "%05d", i);
    out[n / 2 + 6] = 'a';
}

static void cached_answers_are_always_the_texts_own(void **state)
{
    (void)state;
    enum { LEN = 4000, TEXTS = 80 };
    char text[LEN];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < TEXTS; i++) {
            int k = round == 1 ? i % 5 : i; /* round 1: a few texts again and again (hits) */
            text_of(k, text, LEN);
            char *packed;
            size_t packed_len, len;
            assert_int_equal(hm_http_gzip_cached(text, LEN, &packed, &packed_len), 0);
            char *back = inflated(packed, packed_len, &len);
            assert_int_equal(len, LEN);
            assert_memory_equal(back, text, LEN);
            free(packed);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accept_encoding_is_read_by_the_rfc),
        cmocka_unit_test(gzip_round_trips_and_shrinks_json),
        cmocka_unit_test(cached_answers_are_always_the_texts_own),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
