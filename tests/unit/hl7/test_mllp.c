/* Unit tests of hl7/mllp: the framer under every read split, several frames per read,
 * garbage, oversize and truncated frames; the server over real loopback sockets: split frames,
 * many messages on one connection, stalled and idle connections, a connection flood, replies
 * only from the handler, and a clean stop with connections open. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hl7/hl7.h"
#include "hl7/mllp.h"

/* ---- framer ---- */

struct events {
    int n;
    enum hm_mllp_event ev[32];
    char text[32][128];
    size_t len[32];
};

static int record(void *ctx, enum hm_mllp_event ev, const char *data, size_t len)
{
    struct events *e = ctx;
    if (e->n < 32) {
        e->ev[e->n] = ev;
        e->len[e->n] = len;
        snprintf(e->text[e->n], sizeof e->text[0], "%.*s", data ? (int)(len < 127 ? len : 127) : 0,
                 data ? data : "");
        e->n++;
    }
    return HM_OK;
}

static void feed_split(const char *s, size_t n, size_t max, size_t split, struct events *e)
{
    hm_mllp_framer f;
    hm_mllp_framer_init(&f, max);
    memset(e, 0, sizeof *e);
    for (size_t i = 0; i < n; i += split) {
        size_t k = n - i < split ? n - i : split;
        assert_int_equal(hm_mllp_framer_feed(&f, s + i, k, record, e), HM_OK);
    }
    hm_mllp_framer_free(&f);
}

static void framer_every_split(void **state)
{
    (void)state;
    const char s[] = "\x0b" "MSH|one\r\x1c\r" "\x0b" "MSH|two\r\x1c\r";
    size_t n = sizeof s - 1;
    for (size_t split = 1; split <= n; split++) {
        struct events e;
        feed_split(s, n, 0, split, &e);
        assert_int_equal(e.n, 2);
        assert_int_equal(e.ev[0], HM_MLLP_MESSAGE);
        assert_string_equal(e.text[0], "MSH|one\r");
        assert_string_equal(e.text[1], "MSH|two\r");
    }
}

static void framer_garbage_and_trailing(void **state)
{
    (void)state;
    const char s[] = "junk" "\x0b" "A\x1c\r" "\r\nxx" "\x0b" "B\x1c\r" "after";
    struct events e;
    feed_split(s, sizeof s - 1, 0, sizeof s, &e);
    assert_int_equal(e.n, 5);
    assert_int_equal(e.ev[0], HM_MLLP_GARBAGE);
    assert_int_equal(e.len[0], 4);
    assert_int_equal(e.ev[1], HM_MLLP_MESSAGE);
    assert_string_equal(e.text[1], "A");
    assert_int_equal(e.ev[2], HM_MLLP_GARBAGE);
    assert_int_equal(e.len[2], 4);
    assert_string_equal(e.text[3], "B");
    assert_int_equal(e.ev[4], HM_MLLP_GARBAGE);
    assert_int_equal(e.len[4], 5);
}

static void framer_missing_cr(void **state)
{
    (void)state;
    const char s[] = "\x0b" "A\x1c" "\x0b" "B\x1c";
    struct events e;
    feed_split(s, sizeof s - 1, 0, 1, &e);
    assert_int_equal(e.n, 2);
    assert_string_equal(e.text[0], "A");
    assert_string_equal(e.text[1], "B");
}

static void framer_oversize_resyncs(void **state)
{
    (void)state;
    char s[200];
    size_t n = 0;
    s[n++] = 0x0b;
    memcpy(s + n, "MSH|^~\\&|A|B|C|D|2026||ORU^R40|BIG-1|P|2.6\r", 44);
    n += 44;
    memset(s + n, 'x', 60);
    n += 60;
    memcpy(s + n, "\x1c\r\x0bOK\x1c\r", 7);
    n += 7;
    for (size_t split = 1; split < 8; split++) {
        struct events e;
        feed_split(s, n, 50, split, &e);
        assert_int_equal(e.n, 2);
        assert_int_equal(e.ev[0], HM_MLLP_OVERSIZE);
        assert_int_equal(e.len[0], 50);
        hm_hl7_header h;
        hm_hl7_header_sniff(e.text[0], e.len[0], &h);
        assert_string_equal(h.control_id, "BIG-1");
        assert_int_equal(e.ev[1], HM_MLLP_MESSAGE);
        assert_string_equal(e.text[1], "OK");
    }
}

static void framer_truncated(void **state)
{
    (void)state;
    const char s[] = "\x0b" "MSH|cut" "\x0b" "MSH|whole\x1c\r";
    struct events e;
    feed_split(s, sizeof s - 1, 0, 3, &e);
    assert_int_equal(e.n, 2);
    assert_int_equal(e.ev[0], HM_MLLP_TRUNCATED);
    assert_string_equal(e.text[0], "MSH|cut");
    assert_int_equal(e.ev[1], HM_MLLP_MESSAGE);
    assert_string_equal(e.text[1], "MSH|whole");
}

static int stop_at_first(void *ctx, enum hm_mllp_event ev, const char *d, size_t n)
{
    (void)d;
    (void)n;
    (void)ev;
    (*(int *)ctx)++;
    return HM_EIO;
}

static void framer_callback_stops(void **state)
{
    (void)state;
    hm_mllp_framer f;
    hm_mllp_framer_init(&f, 0);
    int calls = 0;
    const char s[] = "\x0b" "A\x1c\r\x0b" "B\x1c\r";
    assert_int_equal(hm_mllp_framer_feed(&f, s, sizeof s - 1, stop_at_first, &calls), HM_EIO);
    assert_int_equal(calls, 1);
    hm_mllp_framer_free(&f);
    char out[8];
    size_t n;
    assert_int_equal(hm_mllp_wrap("abcd", 4, out, sizeof out, &n), HM_OK);
    assert_int_equal(n, 7);
    assert_int_equal(hm_mllp_wrap("abcdef", 6, out, sizeof out, &n), HM_ETOOBIG);
}

/* ---- server ---- */

/* The test handler: parses, answers AA, or AE for what does not parse; "NOREPLY" in the
 * message makes it produce nothing. */
static int handler(void *ctx, const char *msg, size_t len, hm_hl7_reply *reply)
{
    (void)ctx;
    if (memmem(msg, len, "NOREPLY", 7))
        return HM_EIO;
    hm_hl7_msg *m = NULL;
    hm_err e;
    hm_hl7_header h;
    int rc = hm_hl7_parse(msg, len, NULL, &m, &e);
    if (rc) {
        hm_hl7_header_sniff(msg, len, &h);
        return hm_hl7_ack_for_error(&h, rc, e.msg, "HEIME", "TEST", reply, NULL);
    }
    hm_hl7_header_get(m, &h);
    hm_hl7_free(m);
    return hm_hl7_ack_build(&h, HM_HL7_AA, NULL, "HEIME", "TEST", reply, NULL);
}

static hm_mllp_server *start(const hm_mllp_opts *o)
{
    hm_mllp_server *s = NULL;
    hm_err e;
    assert_int_equal(hm_mllp_server_start("127.0.0.1", 0, o, handler, NULL, &s, &e), HM_OK);
    assert_true(hm_mllp_server_port(s) > 0);
    return s;
}

static hm_mllp_client *connect_to(hm_mllp_server *s)
{
    hm_mllp_client *c = NULL;
    assert_int_equal(hm_mllp_client_connect("127.0.0.1", hm_mllp_server_port(s), 2000, &c, NULL),
                     HM_OK);
    return c;
}

static void msg_with_id(char *buf, size_t cap, const char *id)
{
    snprintf(buf, cap,
             "MSH|^~\\&|PUMP|WARD|HEIME|UNN|20261124101500||ORU^R40^ORU_R40|%s|P|2.6\r"
             "OBX|1|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.0.0.3|start\r",
             id);
}

static void expect_ack(hm_mllp_client *c, const char *code, const char *id)
{
    char buf[HM_HL7_REPLY_MAX];
    size_t n;
    hm_err e;
    int rc = hm_mllp_client_recv(c, 5000, buf, sizeof buf, &n, &e);
    if (rc)
        fprintf(stderr, "recv: %s\n", e.msg);
    assert_int_equal(rc, HM_OK);
    hm_hl7_msg *m = NULL;
    assert_int_equal(hm_hl7_parse(buf, n, NULL, &m, NULL), HM_OK);
    char v[HM_HL7_CTRL_MAX];
    hm_hl7_get_by_name(m, "MSA", 0, 1, 1, 1, 1, v, sizeof v, NULL);
    assert_string_equal(v, code);
    hm_hl7_get_by_name(m, "MSA", 0, 2, 1, 1, 1, v, sizeof v, NULL);
    assert_string_equal(v, id);
    if (strcmp(code, "AA") != 0) {
        size_t seg;
        assert_int_equal(hm_hl7_find(m, "ERR", 0, &seg), HM_OK);
    }
    hm_hl7_free(m);
}

static void server_many_messages_one_connection(void **state)
{
    (void)state;
    hm_mllp_server *s = start(NULL);
    hm_mllp_client *c = connect_to(s);
    char msg[512], id[32];
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "M%d", i);
        msg_with_id(msg, sizeof msg, id);
        assert_int_equal(hm_mllp_client_send(c, msg, strlen(msg), NULL), HM_OK);
        expect_ack(c, "AA", id);
    }
    /* Ten messages in one write, answered in order. */
    char burst[8192];
    size_t bn = 0;
    for (int i = 0; i < 10; i++) {
        snprintf(id, sizeof id, "B%d", i);
        msg_with_id(msg, sizeof msg, id);
        size_t w;
        hm_mllp_wrap(msg, strlen(msg), burst + bn, sizeof burst - bn, &w);
        bn += w;
    }
    assert_int_equal(hm_mllp_client_send_raw(c, burst, bn, NULL), HM_OK);
    for (int i = 0; i < 10; i++) {
        snprintf(id, sizeof id, "B%d", i);
        expect_ack(c, "AA", id);
    }
    hm_mllp_client_close(c);
    hm_mllp_stats st;
    hm_mllp_server_stats(s, &st);
    assert_int_equal(st.messages, 210);
    assert_int_equal(st.replies, 210);
    hm_mllp_server_stop(s);
}

static void server_split_frames(void **state)
{
    (void)state;
    hm_mllp_server *s = start(NULL);
    hm_mllp_client *c = connect_to(s);
    char msg[512], framed[600];
    msg_with_id(msg, sizeof msg, "SPLIT-1");
    size_t n;
    hm_mllp_wrap(msg, strlen(msg), framed, sizeof framed, &n);
    for (size_t i = 0; i < n; i += 7) {
        assert_int_equal(hm_mllp_client_send_raw(c, framed + i, n - i < 7 ? n - i : 7, NULL),
                         HM_OK);
        usleep(2000);
    }
    expect_ack(c, "AA", "SPLIT-1");
    hm_mllp_client_close(c);
    hm_mllp_server_stop(s);
}

static void server_bad_input(void **state)
{
    (void)state;
    hm_mllp_opts o = {.max_message = 300};
    hm_mllp_server *s = start(&o);
    hm_mllp_client *c = connect_to(s);
    /* Garbage outside frames is discarded; the next message is still answered. */
    assert_int_equal(hm_mllp_client_send_raw(c, "hello\r\n", 7, NULL), HM_OK);
    char msg[1024];
    msg_with_id(msg, sizeof msg, "AFTER-GARBAGE");
    hm_mllp_client_send(c, msg, strlen(msg), NULL);
    expect_ack(c, "AA", "AFTER-GARBAGE");
    /* Oversized: AE from the loop with MSA-2 read from the frame's start, then resync. */
    msg_with_id(msg, sizeof msg, "TOO-BIG");
    size_t l = strlen(msg);
    memset(msg + l, 'x', 400);
    memcpy(msg + l + 400, "\r", 2);
    hm_mllp_client_send(c, msg, strlen(msg), NULL);
    expect_ack(c, "AE", "TOO-BIG");
    /* Missing MSH, bad separator, invalid UTF-8, unknown version: AE from the handler. */
    hm_mllp_client_send(c, "PID|1\r", 6, NULL);
    expect_ack(c, "AE", "");
    const char *sep = "MSH|^~\\&|A|B|C|D|2026||ORU^R40|SEP-1|P|2.6\rOBX^1\r";
    hm_mllp_client_send(c, sep, strlen(sep), NULL);
    expect_ack(c, "AE", "SEP-1");
    const char *utf = "MSH|^~\\&|A|B|C|D|2026||ORU^R40|UTF-1|P|2.6\rNTE|1|\xff\r";
    hm_mllp_client_send(c, utf, strlen(utf), NULL);
    expect_ack(c, "AE", "UTF-1");
    /* A truncated frame (new start block before the end): AE, then the next one is fine. */
    hm_mllp_client_send_raw(c, "\x0bMSH|^~\\&|A|B|C|D|2026||ORU^R40|CUT-1|P", 38, NULL);
    msg_with_id(msg, sizeof msg, "NEXT-1");
    hm_mllp_client_send(c, msg, strlen(msg), NULL);
    expect_ack(c, "AE", "CUT-1");
    expect_ack(c, "AA", "NEXT-1");
    hm_mllp_client_close(c);
    hm_mllp_stats st;
    hm_mllp_server_stats(s, &st);
    assert_int_equal(st.oversize, 1);
    assert_int_equal(st.truncated, 1);
    assert_int_equal(st.garbage_bytes, 7);
    assert_int_equal(st.protocol_acks, 2);
    hm_mllp_server_stop(s);
}

static void server_no_reply_closes(void **state)
{
    (void)state;
    hm_mllp_server *s = start(NULL);
    hm_mllp_client *c = connect_to(s);
    const char *m = "MSH|^~\\&|A|B|C|D|2026||ORU^R40|NOREPLY|P|2.6\r";
    hm_mllp_client_send(c, m, strlen(m), NULL);
    char buf[512];
    assert_int_equal(hm_mllp_client_recv(c, 3000, buf, sizeof buf, NULL, NULL), HM_EIO);
    hm_mllp_client_close(c);
    hm_mllp_stats st;
    hm_mllp_server_stats(s, &st);
    assert_int_equal(st.no_reply, 1);
    assert_int_equal(st.replies, 0);
    hm_mllp_server_stop(s);
}

static void server_stall_and_idle_timeouts(void **state)
{
    (void)state;
    hm_mllp_opts o = {.stall_timeout_ms = 300, .idle_timeout_ms = 800};
    hm_mllp_server *s = start(&o);
    hm_mllp_client *stalled = connect_to(s);
    hm_mllp_client_send_raw(stalled, "\x0bMSH|^~\\&|A", 11, NULL);
    hm_mllp_client *idle = connect_to(s);
    char buf[256];
    /* The stalled one is closed after ~300 ms, the idle one after ~800 ms, no reply to either. */
    assert_int_equal(hm_mllp_client_recv(stalled, 3000, buf, sizeof buf, NULL, NULL), HM_EIO);
    assert_int_equal(hm_mllp_client_recv(idle, 3000, buf, sizeof buf, NULL, NULL), HM_EIO);
    /* Trickling bytes does not extend the stall deadline. */
    hm_mllp_client *slow = connect_to(s);
    hm_mllp_client_send_raw(slow, "\x0b", 1, NULL);
    int closed = 0;
    for (int i = 0; i < 20 && !closed; i++) {
        usleep(100000);
        closed = hm_mllp_client_send_raw(slow, "M", 1, NULL) != HM_OK;
    }
    assert_true(closed || hm_mllp_client_recv(slow, 2000, buf, sizeof buf, NULL, NULL) == HM_EIO);
    hm_mllp_client_close(stalled);
    hm_mllp_client_close(idle);
    hm_mllp_client_close(slow);
    hm_mllp_stats st;
    hm_mllp_server_stats(s, &st);
    assert_true(st.timeouts >= 3);
    hm_mllp_server_stop(s);
}

static void server_connection_flood(void **state)
{
    (void)state;
    hm_mllp_opts o = {.max_connections = 4};
    hm_mllp_server *s = start(&o);
    hm_mllp_client *c[12];
    for (int i = 0; i < 12; i++)
        c[i] = connect_to(s);
    usleep(200000);
    /* The first four are served; the rest were closed at once. */
    char msg[512], buf[512], id[16];
    int served = 0, closed = 0;
    for (int i = 0; i < 12; i++) {
        snprintf(id, sizeof id, "F%d", i);
        msg_with_id(msg, sizeof msg, id);
        hm_mllp_client_send(c[i], msg, strlen(msg), NULL);
        int rc = hm_mllp_client_recv(c[i], 2000, buf, sizeof buf, NULL, NULL);
        served += rc == HM_OK;
        closed += rc == HM_EIO;
    }
    assert_int_equal(served, 4);
    assert_int_equal(closed, 8);
    hm_mllp_stats st;
    hm_mllp_server_stats(s, &st);
    assert_int_equal(st.refused, 8);
    for (int i = 0; i < 12; i++)
        hm_mllp_client_close(c[i]);
    /* Once they are gone, new connections are served again. */
    usleep(100000);
    hm_mllp_client *again = connect_to(s);
    msg_with_id(msg, sizeof msg, "AGAIN");
    hm_mllp_client_send(again, msg, strlen(msg), NULL);
    expect_ack(again, "AA", "AGAIN");
    hm_mllp_client_close(again);
    hm_mllp_server_stop(s);
}

static void server_stop_with_open_connections(void **state)
{
    (void)state;
    hm_mllp_server *s = start(NULL);
    hm_mllp_client *a = connect_to(s), *b = connect_to(s);
    hm_mllp_client_send_raw(b, "\x0bMSH|", 5, NULL);
    usleep(50000);
    hm_mllp_server_stop(s);
    char buf[64];
    assert_int_equal(hm_mllp_client_recv(a, 2000, buf, sizeof buf, NULL, NULL), HM_EIO);
    hm_mllp_client_close(a);
    hm_mllp_client_close(b);
    hm_mllp_server_stop(NULL);
    hm_err e;
    hm_mllp_server *bad = NULL;
    assert_int_equal(hm_mllp_server_start("127.0.0.1", 70000, NULL, handler, NULL, &bad, &e),
                     HM_EINVAL);
}

static void hostport(void **state)
{
    (void)state;
    char host[64];
    int port;
    assert_int_equal(hm_mllp_parse_hostport("127.0.0.1:2575", host, sizeof host, &port, NULL),
                     HM_OK);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 2575);
    assert_int_equal(hm_mllp_parse_hostport(":0", host, sizeof host, &port, NULL), HM_OK);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(hm_mllp_parse_hostport("nohost", host, sizeof host, &port, NULL), HM_EINVAL);
    assert_int_equal(hm_mllp_parse_hostport("h:99999", host, sizeof host, &port, NULL), HM_EINVAL);
    assert_int_equal(hm_mllp_parse_hostport("h:12x", host, sizeof host, &port, NULL), HM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(framer_every_split),
        cmocka_unit_test(framer_garbage_and_trailing),
        cmocka_unit_test(framer_missing_cr),
        cmocka_unit_test(framer_oversize_resyncs),
        cmocka_unit_test(framer_truncated),
        cmocka_unit_test(framer_callback_stops),
        cmocka_unit_test(server_many_messages_one_connection),
        cmocka_unit_test(server_split_frames),
        cmocka_unit_test(server_bad_input),
        cmocka_unit_test(server_no_reply_closes),
        cmocka_unit_test(server_stall_and_idle_timeouts),
        cmocka_unit_test(server_connection_flood),
        cmocka_unit_test(server_stop_with_open_connections),
        cmocka_unit_test(hostport),
    };
    return cmocka_run_group_tests_name("hl7/mllp", tests, NULL, NULL);
}
