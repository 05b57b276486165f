/* Unit tests of hl7/hl7: parsing every structural feature, every bad input of issue 4,
 * escape round trips, timestamps, the writer and the shapes of AA/AE/AR acknowledgements. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "hl7/hl7.h"

#define MSH_OK "MSH|^~\\&|PUMPGW^0123456789ABCDEF^EUI-64|WARD1|HEIME|UNN|20261124101500+0100||ORU^R40^ORU_R40|CTRL-1|P|2.6\r"

static hm_hl7_msg *parse_ok(const char *text)
{
    hm_hl7_msg *m = NULL;
    hm_err e;
    int rc = hm_hl7_parse(text, strlen(text), NULL, &m, &e);
    if (rc)
        fprintf(stderr, "parse failed: %s\n", e.msg);
    assert_int_equal(rc, HM_OK);
    return m;
}

static int parse_fail(const char *text, size_t len, const char *needle)
{
    hm_hl7_msg *m = NULL;
    hm_err e;
    hm_err_clear(&e);
    int rc = hm_hl7_parse(text, len, NULL, &m, &e);
    assert_int_not_equal(rc, HM_OK);
    assert_null(m);
    if (needle && !strstr(e.msg, needle)) {
        fprintf(stderr, "error '%s' lacks '%s'\n", e.msg, needle);
        fail();
    }
    return rc;
}

static void get(const hm_hl7_msg *m, const char *seg, size_t nth, int f, int r, int c, int s,
                const char *expect)
{
    char buf[256];
    assert_int_equal(hm_hl7_get_by_name(m, seg, nth, f, r, c, s, buf, sizeof buf, NULL), HM_OK);
    assert_string_equal(buf, expect);
}

static void msh_fields(void **state)
{
    (void)state;
    hm_hl7_msg *m = parse_ok(MSH_OK "PID|||12345^^^UNN^PI||Nordmann^Kari\r");
    get(m, "MSH", 0, 1, 1, 1, 1, "|");
    get(m, "MSH", 0, 2, 1, 1, 1, "^~\\&");
    get(m, "MSH", 0, 3, 1, 1, 1, "PUMPGW");
    get(m, "MSH", 0, 3, 1, 2, 1, "0123456789ABCDEF");
    get(m, "MSH", 0, 4, 1, 1, 1, "WARD1");
    get(m, "MSH", 0, 9, 1, 2, 1, "R40");
    get(m, "MSH", 0, 10, 1, 1, 1, "CTRL-1");
    get(m, "MSH", 0, 12, 1, 1, 1, "2.6");
    get(m, "PID", 0, 3, 1, 4, 1, "UNN");
    get(m, "PID", 0, 5, 1, 2, 1, "Kari");
    get(m, "PID", 0, 99, 1, 1, 1, "");
    get(m, "ZZZ", 0, 1, 1, 1, 1, "");
    assert_int_equal(hm_hl7_segment_count(m), 2);
    assert_int_equal(hm_hl7_field_count(m, 0), 12);
    assert_int_equal(hm_hl7_field_count(m, 1), 5);
    hm_hl7_header h;
    assert_int_equal(hm_hl7_header_get(m, &h), HM_OK);
    assert_string_equal(h.sending_app.ns, "PUMPGW");
    assert_string_equal(h.sending_app.uid, "0123456789ABCDEF");
    assert_string_equal(h.sending_app.type, "EUI-64");
    assert_string_equal(h.msg_type, "ORU");
    assert_string_equal(h.trigger, "R40");
    assert_string_equal(h.structure, "ORU_R40");
    assert_string_equal(h.control_id, "CTRL-1");
    assert_string_equal(h.version, "2.6");
    hm_hl7_free(m);
}

static void reps_comps_subs(void **state)
{
    (void)state;
    hm_hl7_msg *m = parse_ok(MSH_OK "OBX|1|CWE|a^b&c&d^e~f^g|x~~z\r");
    size_t seg;
    assert_int_equal(hm_hl7_find(m, "OBX", 0, &seg), HM_OK);
    assert_int_equal(seg, 1);
    assert_int_equal(hm_hl7_rep_count(m, seg, 3), 2);
    assert_int_equal(hm_hl7_rep_count(m, seg, 4), 3);
    assert_int_equal(hm_hl7_rep_count(m, seg, 9), 0);
    get(m, "OBX", 0, 3, 1, 1, 1, "a");
    get(m, "OBX", 0, 3, 1, 2, 1, "b");
    get(m, "OBX", 0, 3, 1, 2, 2, "c");
    get(m, "OBX", 0, 3, 1, 2, 3, "d");
    get(m, "OBX", 0, 3, 1, 2, 4, "");
    get(m, "OBX", 0, 3, 1, 3, 1, "e");
    get(m, "OBX", 0, 3, 2, 1, 1, "f");
    get(m, "OBX", 0, 3, 2, 2, 1, "g");
    get(m, "OBX", 0, 3, 3, 1, 1, "");
    get(m, "OBX", 0, 4, 2, 1, 1, "");
    get(m, "OBX", 0, 4, 3, 1, 1, "z");
    char buf[8];
    assert_int_equal(hm_hl7_get(m, seg, 3, 0, 1, 1, buf, sizeof buf, NULL), HM_EINVAL);
    assert_int_equal(hm_hl7_get(m, seg, 0, 1, 1, 1, buf, sizeof buf, NULL), HM_EINVAL);
    hm_hl7_free(m);
}

static void custom_delimiters(void **state)
{
    (void)state;
    /* Field separator '#', component '$', repetition '*', escape '!', sub-component '%'. */
    hm_hl7_msg *m = parse_ok("MSH#$*!%#APP#FAC#R#RF#20260101##ORU$R01#C9#P#2.5\r"
                             "OBX#1#ST#code$name#v1*v2$x%y#a!F!b!S!c\r");
    get(m, "MSH", 0, 1, 1, 1, 1, "#");
    get(m, "MSH", 0, 9, 1, 2, 1, "R01");
    get(m, "OBX", 0, 3, 1, 2, 1, "name");
    get(m, "OBX", 0, 4, 2, 1, 1, "v2");
    get(m, "OBX", 0, 4, 2, 2, 2, "y");
    get(m, "OBX", 0, 5, 1, 1, 1, "a#b$c");
    hm_hl7_free(m);
}

static void line_endings(void **state)
{
    (void)state;
    const char *texts[] = {
        MSH_OK "PID|1\rOBX|1\r",
        "MSH|^~\\&|A|B|C|D|20260101||ORU^R01|X|P|2.6\nPID|1\nOBX|1\n",
        "MSH|^~\\&|A|B|C|D|20260101||ORU^R01|X|P|2.6\r\nPID|1\r\nOBX|1\r\n\r\n",
        "MSH|^~\\&|A|B|C|D|20260101||ORU^R01|X|P|2.6\rPID|1\rOBX|1", /* no final CR */
    };
    for (size_t i = 0; i < 4; i++) {
        hm_hl7_msg *m = parse_ok(texts[i]);
        assert_int_equal(hm_hl7_segment_count(m), 3);
        get(m, "OBX", 0, 1, 1, 1, 1, "1");
        hm_hl7_free(m);
    }
}

static void versions(void **state)
{
    (void)state;
    const char *ok[] = {"2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8"};
    char buf[256];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        snprintf(buf, sizeof buf, "MSH|^~\\&|A|B|C|D|2026||ORU^R01|X|P|%s\r", ok[i]);
        hm_hl7_free(parse_ok(buf));
    }
    const char *bad = "MSH|^~\\&|A|B|C|D|2026||ORU^R01|X|P|2.1\r";
    assert_int_equal(parse_fail(bad, strlen(bad), "unsupported HL7 version '2.1'"),
                     HM_EUNSUPPORTED);
}

static void escapes(void **state)
{
    (void)state;
    hm_hl7_msg *m = parse_ok(MSH_OK "NTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f|l1\\.br\\l2|"
                                    "\\H\\bold\\N\\|\\X41C3A5\\|\\X00\\|\\XC3\\|half\\S|"
                                    "\\Q\\|\\Cxxyy\\x|\\\\\r");
    get(m, "NTE", 0, 3, 1, 1, 1, "a|b^c&d~e\\f");
    get(m, "NTE", 0, 4, 1, 1, 1, "l1\nl2");
    get(m, "NTE", 0, 5, 1, 1, 1, "bold");
    get(m, "NTE", 0, 6, 1, 1, 1, "A\xC3\xA5");
    get(m, "NTE", 0, 7, 1, 1, 1, "\\X00\\"); /* NUL is never produced */
    get(m, "NTE", 0, 8, 1, 1, 1, "\\XC3\\"); /* half a UTF-8 character stays literal */
    get(m, "NTE", 0, 9, 1, 1, 1, "half\\S");  /* unterminated escape stays literal */
    get(m, "NTE", 0, 10, 1, 1, 1, "\\Q\\");   /* unknown escape stays literal */
    get(m, "NTE", 0, 11, 1, 1, 1, "x");       /* character-set switch dropped */
    get(m, "NTE", 0, 12, 1, 1, 1, "\\\\");    /* empty escape stays literal */
    hm_hl7_free(m);
}

static void escape_round_trip(void **state)
{
    (void)state;
    const char *values[] = {"plain", "a|b^c~d\\e&f", "line1\nline2", "tab\there",
                            "Troms\xC3\xB8 \xE2\x82\xAC", "\\F\\", "", "^^^~~~|||&&&\\\\"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        hm_hl7_writer w;
        hm_hl7_writer_init(&w, NULL, 0, 0);
        hm_hl7_w_segment(&w, "MSH");
        const char *f[] = {"A", "B", "C", "D", "2026", "", NULL};
        for (int k = 0; f[k]; k++)
            hm_hl7_w_field(&w, f[k]);
        hm_hl7_w_field(&w, "ORU");
        hm_hl7_w_comp(&w, "R01");
        hm_hl7_w_field(&w, "X1");
        hm_hl7_w_field(&w, "P");
        hm_hl7_w_field(&w, "2.6");
        hm_hl7_w_segment(&w, "NTE");
        hm_hl7_w_field(&w, "1");
        hm_hl7_w_field(&w, values[i]);
        hm_hl7_w_comp(&w, values[i]);
        hm_hl7_w_sub(&w, values[i]);
        hm_hl7_w_rep(&w, values[i]);
        const char *data;
        size_t len;
        assert_int_equal(hm_hl7_w_finish(&w, &data, &len), HM_OK);
        assert_int_equal(strlen(data), len);
        hm_hl7_msg *m = parse_ok(data);
        get(m, "NTE", 0, 2, 1, 1, 1, values[i]);
        get(m, "NTE", 0, 2, 1, 2, 1, values[i]);
        get(m, "NTE", 0, 2, 1, 2, 2, values[i]);
        get(m, "NTE", 0, 2, 2, 1, 1, values[i]);
        hm_hl7_free(m);
        hm_hl7_writer_free(&w);
    }
}

static void writer_limits(void **state)
{
    (void)state;
    char small[16];
    hm_hl7_writer w;
    hm_hl7_writer_init(&w, small, sizeof small, 0);
    hm_hl7_w_segment(&w, "MSH");
    hm_hl7_w_field(&w, "a very long value that does not fit");
    const char *data;
    size_t len;
    assert_int_equal(hm_hl7_w_finish(&w, &data, &len), HM_ETOOBIG);
    hm_hl7_writer_init(&w, NULL, 0, 32);
    hm_hl7_w_segment(&w, "NTE");
    hm_hl7_w_field(&w, "0123456789012345678901234567890123456789");
    assert_int_equal(hm_hl7_w_finish(&w, &data, &len), HM_ETOOBIG);
    hm_hl7_writer_free(&w);
    char buf[8];
    size_t n;
    assert_int_equal(hm_hl7_escape("|||", 3, buf, sizeof buf, &n), HM_ETOOBIG);
}

static void get_truncates(void **state)
{
    (void)state;
    hm_hl7_msg *m = parse_ok(MSH_OK "NTE|1|0123456789\r");
    char buf[5];
    size_t n;
    assert_int_equal(hm_hl7_get_by_name(m, "NTE", 0, 2, 1, 1, 1, buf, sizeof buf, &n),
                     HM_ETOOBIG);
    assert_string_equal(buf, "0123");
    const char *raw;
    size_t seg;
    assert_int_equal(hm_hl7_find(m, "NTE", 0, &seg), HM_OK);
    assert_int_equal(hm_hl7_raw_field(m, seg, 2, &raw, &n), HM_OK);
    assert_int_equal(n, 10);
    assert_memory_equal(raw, "0123456789", 10);
    hm_hl7_free(m);
}

static void bad_inputs(void **state)
{
    (void)state;
    parse_fail("", 0, "empty message");
    const char *nomsh = "PID|1|2\rOBX|1\r";
    parse_fail(nomsh, strlen(nomsh), "missing MSH");
    const char *later = "PID|1\r" MSH_OK;
    parse_fail(later, strlen(later), "missing MSH");
    const char *fs = "MSHA^~\\&|A\r";
    parse_fail(fs, strlen(fs), "invalid field separator");
    const char *enc = "MSH||A|B\r";
    parse_fail(enc, strlen(enc), "MSH-2");
    const char *dup = "MSH|^^\\&|A\r";
    parse_fail(dup, strlen(dup), "repeats");
    const char *wrongsep = MSH_OK "PID^1^2\r";
    parse_fail(wrongsep, strlen(wrongsep), "expected field separator '|'");
    const char *trunc_seg = MSH_OK "PID|1\rOB";
    parse_fail(trunc_seg, strlen(trunc_seg), "truncated");
    const char *trunc_msh = "MSH|^~\\&|A|B|C|D|2026||ORU^R";
    parse_fail(trunc_msh, strlen(trunc_msh), "truncated MSH");
    const char *no_ctrl = "MSH|^~\\&|A|B|C|D|2026||ORU^R01||P|2.6\r";
    parse_fail(no_ctrl, strlen(no_ctrl), "MSH-10");
    const char *no_type = "MSH|^~\\&|A|B|C|D|2026||^R01|X|P|2.6\r";
    parse_fail(no_type, strlen(no_type), "MSH-9");
    const char *no_ver = "MSH|^~\\&|A|B|C|D|2026||ORU^R01|X|P|\r";
    parse_fail(no_ver, strlen(no_ver), "MSH-12");
    const char *utf = MSH_OK "NTE|1|\xC3\x28\r";
    assert_int_equal(parse_fail(utf, strlen(utf), "invalid UTF-8 at byte offset"), HM_EINVAL);
    const char *overlong = MSH_OK "NTE|1|\xC0\xAF\r";
    parse_fail(overlong, strlen(overlong), "invalid UTF-8");
    const char *surrogate = MSH_OK "NTE|1|\xED\xA0\x80\r";
    parse_fail(surrogate, strlen(surrogate), "invalid UTF-8");
    char nul[] = MSH_OK "NTE|1|a\0b\r";
    parse_fail(nul, sizeof nul - 1, "NUL byte");
    const char *lower = MSH_OK "pid|1\r";
    parse_fail(lower, strlen(lower), "invalid name");
}

static void limits(void **state)
{
    (void)state;
    hm_hl7_limits lim = {.max_bytes = 100};
    hm_hl7_msg *m = NULL;
    hm_err e;
    char big[400];
    snprintf(big, sizeof big, "%sNTE|1|%0200d\r", MSH_OK, 7);
    assert_int_equal(hm_hl7_parse(big, strlen(big), &lim, &m, &e), HM_ETOOBIG);
    assert_non_null(strstr(e.msg, "exceeds the limit"));
    lim = (hm_hl7_limits){.max_segments = 3};
    const char *segs = MSH_OK "A01|1\rA02|1\rA03|1\r";
    assert_int_equal(hm_hl7_parse(segs, strlen(segs), &lim, &m, &e), HM_ETOOBIG);
    assert_non_null(strstr(e.msg, "more than 3 segments"));
    lim = (hm_hl7_limits){.max_fields = 12};
    const char *fields = MSH_OK "NTE|1|2|3|4|5|6|7|8|9|10|11|12|13\r";
    assert_int_equal(hm_hl7_parse(fields, strlen(fields), &lim, &m, &e), HM_ETOOBIG);
    assert_non_null(strstr(e.msg, "13 fields"));
    assert_null(m);
}

static void times(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(hm_hl7_time_parse("19700101000000", &ms), HM_OK);
    assert_int_equal(ms, 0);
    assert_int_equal(hm_hl7_time_parse("20261124101500+0100", &ms), HM_OK);
    assert_int_equal(ms, 1795511700000LL);
    assert_int_equal(hm_hl7_time_parse("20261124091500.25", &ms), HM_OK);
    assert_int_equal(ms, 1795511700250LL);
    assert_int_equal(hm_hl7_time_parse("2026", &ms), HM_OK);
    assert_int_equal(hm_hl7_time_parse("20240229", &ms), HM_OK);
    assert_int_equal(hm_hl7_time_parse("20230229", &ms), HM_EINVAL);
    assert_int_equal(hm_hl7_time_parse("2026113", &ms), HM_EINVAL);
    assert_int_equal(hm_hl7_time_parse("20261324", &ms), HM_EINVAL);
    assert_int_equal(hm_hl7_time_parse("20261124+01", &ms), HM_EINVAL);
    assert_int_equal(hm_hl7_time_parse("abc", &ms), HM_EINVAL);
    char buf[32];
    assert_int_equal(hm_hl7_time_format(1795511700250LL, buf, sizeof buf), HM_OK);
    assert_string_equal(buf, "20261124091500.250+0000");
}

/* Reads field f, component c of the nth segment called name in an ACK. */
static void ack_get(const hm_hl7_reply *r, const char *seg, int f, int c, const char *expect)
{
    hm_hl7_msg *m = NULL;
    hm_err e;
    assert_int_equal(hm_hl7_parse(r->data, r->len, NULL, &m, &e), HM_OK);
    get(m, seg, 0, f, 1, c, 1, expect);
    hm_hl7_free(m);
}

static void ack_shapes(void **state)
{
    (void)state;
    hm_hl7_msg *m = parse_ok(MSH_OK);
    hm_hl7_header h;
    hm_hl7_header_get(m, &h);
    hm_hl7_free(m);
    hm_hl7_reply r;
    assert_int_equal(hm_hl7_ack_build(&h, HM_HL7_AA, NULL, "HEIME", "UNN", &r, NULL), HM_OK);
    assert_int_equal(r.len, strlen(r.data));
    assert_memory_equal(r.data, "MSH|^~\\&|HEIME|UNN|PUMPGW^0123456789ABCDEF^EUI-64|WARD1|", 52);
    ack_get(&r, "MSH", 9, 1, "ACK");
    ack_get(&r, "MSH", 9, 2, "R40");
    ack_get(&r, "MSH", 12, 1, "2.6");
    ack_get(&r, "MSA", 1, 1, "AA");
    ack_get(&r, "MSA", 2, 1, "CTRL-1");
    assert_null(strstr(r.data, "ERR|"));

    hm_hl7_ack_error ae = {HM_HL7_ERR_UNSUPPORTED_MESSAGE, 'E', "message type ADT^A01 | unknown"};
    assert_int_equal(hm_hl7_ack_build(&h, HM_HL7_AE, &ae, "HEIME", "UNN", &r, NULL), HM_OK);
    ack_get(&r, "MSA", 1, 1, "AE");
    ack_get(&r, "MSA", 2, 1, "CTRL-1");
    ack_get(&r, "ERR", 3, 1, "200");
    ack_get(&r, "ERR", 3, 3, "HL70357");
    ack_get(&r, "ERR", 4, 1, "E");
    ack_get(&r, "ERR", 8, 1, "message type ADT^A01 | unknown");
    assert_int_equal(hm_hl7_ack_build(&h, HM_HL7_AE, NULL, NULL, NULL, &r, NULL), HM_EINVAL);

    assert_int_equal(hm_hl7_ack_for_error(&h, HM_EBUSY, "writer queue full", NULL, NULL, &r, NULL),
                     HM_OK);
    ack_get(&r, "MSA", 1, 1, "AR");
    ack_get(&r, "ERR", 3, 1, "207");
    ack_get(&r, "ERR", 8, 1, "writer queue full");
    assert_int_equal(hm_hl7_ack_for_error(&h, HM_EINVAL, "MSH-10 is required", NULL, NULL, &r,
                                          NULL),
                     HM_OK);
    ack_get(&r, "MSA", 1, 1, "AE");
    ack_get(&r, "ERR", 3, 1, "101");
    ack_get(&r, "MSH", 3, 1, "HEIME"); /* incoming MSH-5 was HEIME */
}

static void ack_without_control_id(void **state)
{
    (void)state;
    hm_hl7_reply r;
    assert_int_equal(hm_hl7_ack_for_error(NULL, HM_EINVAL, "missing MSH segment", "HEIME", "UNN",
                                          &r, NULL),
                     HM_OK);
    ack_get(&r, "MSA", 1, 1, "AE");
    ack_get(&r, "MSA", 2, 1, "");
    ack_get(&r, "ERR", 8, 1, "missing MSH segment");
    ack_get(&r, "MSH", 3, 1, "HEIME");
    ack_get(&r, "MSH", 9, 1, "ACK");
}

static void ack_old_version(void **state)
{
    (void)state;
    hm_hl7_msg *m = parse_ok("MSH|^~\\&|A|B|C|D|2026||ORU^R01|OLD1|P|2.3.1\r");
    hm_hl7_header h;
    hm_hl7_header_get(m, &h);
    hm_hl7_free(m);
    hm_hl7_reply r;
    hm_hl7_ack_error e = {HM_HL7_ERR_DATA_TYPE, 'E', "bad value"};
    assert_int_equal(hm_hl7_ack_build(&h, HM_HL7_AE, &e, NULL, NULL, &r, NULL), HM_OK);
    ack_get(&r, "MSH", 12, 1, "2.3.1");
    ack_get(&r, "MSA", 3, 1, "bad value");
    ack_get(&r, "ERR", 1, 4, "102");
    ack_get(&r, "MSH", 3, 1, "C");
}

static void sniff_broken(void **state)
{
    (void)state;
    hm_hl7_header h;
    const char *t = "garbage MSH|^~\\&|APP^X|FAC|R|RF|2026||ORU^R40|BROKEN-7|P|2.6\rOBX|\xff";
    hm_hl7_header_sniff(t, strlen(t), &h);
    assert_string_equal(h.sending_app.ns, "APP");
    assert_string_equal(h.control_id, "BROKEN-7");
    assert_string_equal(h.trigger, "R40");
    const char *cut = "MSH|^~\\&|APP|FAC|R|RF|2026||ORU^R40|CUT-\xc3";
    hm_hl7_header_sniff(cut, strlen(cut), &h);
    assert_string_equal(h.control_id, "CUT-?");
    hm_hl7_header_sniff("no header here", 14, &h);
    assert_string_equal(h.control_id, "");
    hm_hl7_header_sniff(NULL, 0, &h);
    hm_hl7_header_sniff("MSH", 3, &h);
    assert_string_equal(h.msg_type, "");
}

/* Fails the 1st, 2nd, 3rd... allocation until parsing and writing succeed: every failure must
 * be a clean HM_ENOMEM with nothing leaked (ASan checks the leaks). */
static void allocation_failures(void **state)
{
    (void)state;
    const char *t = MSH_OK "PID|1\rOBX|1|ST|a^b|1|v\r";
    int ok = 0;
    for (long n = 0; n < 50 && !ok; n++) {
        long before = hm_alloc_injected_failures();
        hm_alloc_fail_after(n);
        hm_hl7_msg *m = NULL;
        hm_err e;
        int rc = hm_hl7_parse(t, strlen(t), NULL, &m, &e);
        hm_alloc_fail_after(-1);
        if (hm_alloc_injected_failures() == before) {
            assert_int_equal(rc, HM_OK);
            ok = 1;
        } else {
            assert_int_equal(rc, HM_ENOMEM);
            assert_null(m);
        }
        hm_hl7_free(m);
    }
    assert_true(ok);
    ok = 0;
    for (long n = 0; n < 50 && !ok; n++) {
        long before = hm_alloc_injected_failures();
        hm_alloc_fail_after(n);
        hm_hl7_writer w;
        hm_hl7_writer_init(&w, NULL, 0, 0);
        hm_hl7_w_segment(&w, "NTE");
        for (int i = 0; i < 100; i++)
            hm_hl7_w_field(&w, "0123456789");
        const char *data;
        size_t len;
        int rc = hm_hl7_w_finish(&w, &data, &len);
        hm_alloc_fail_after(-1);
        if (hm_alloc_injected_failures() == before) {
            assert_int_equal(rc, HM_OK);
            ok = 1;
        } else {
            assert_int_equal(rc, HM_ENOMEM);
        }
        hm_hl7_writer_free(&w);
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(msh_fields),        cmocka_unit_test(reps_comps_subs),
        cmocka_unit_test(custom_delimiters), cmocka_unit_test(line_endings),
        cmocka_unit_test(versions),          cmocka_unit_test(escapes),
        cmocka_unit_test(escape_round_trip), cmocka_unit_test(writer_limits),
        cmocka_unit_test(get_truncates),     cmocka_unit_test(bad_inputs),
        cmocka_unit_test(limits),            cmocka_unit_test(times),
        cmocka_unit_test(ack_shapes),        cmocka_unit_test(ack_without_control_id),
        cmocka_unit_test(ack_old_version),   cmocka_unit_test(sniff_broken),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests_name("hl7/parser", tests, NULL, NULL);
}
