/* Unit tests of hl7/pumpsim: the simulator against an in-process MLLP server whose handler
 * parses and maps every message (so each one must be a valid PCD-04 or PCD-10 message), its
 * JSON statistics, and its argument checking. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hl7/hl7.h"
#include "hl7/mllp.h"
#include "hl7/pcd.h"
#include "hl7/pumpsim.h"

struct seen {
    pthread_mutex_t mu;
    int alerts, events, starts, continues, ends, bad;
    int prio[5];
};

static int handler(void *ctx, const char *msg, size_t len, hm_hl7_reply *reply)
{
    struct seen *s = ctx;
    hm_hl7_msg *m = NULL;
    hm_err e;
    hm_hl7_header h;
    hm_pcd_msg *p = calloc(1, sizeof *p);
    int rc = hm_hl7_parse(msg, len, NULL, &m, &e);
    if (!rc)
        rc = hm_pcd_map(m, p, &e);
    pthread_mutex_lock(&s->mu);
    if (rc) {
        s->bad++;
        fprintf(stderr, "pumpsim sent a bad message: %s\n", e.msg);
    } else if (p->kind == HM_PCD_ALERT) {
        s->alerts++;
        s->starts += p->alert.phase == HM_PCD_PHASE_START;
        s->continues += p->alert.phase == HM_PCD_PHASE_CONTINUE;
        s->ends += p->alert.phase == HM_PCD_PHASE_END && p->alert.ended;
        s->prio[p->alert.priority]++;
        if (strncmp(p->device_serial, "TST-", 4) != 0 || !p->alert.id[0])
            s->bad++;
    } else if (p->kind == HM_PCD_PUMP_EVENT) {
        s->events++;
        if (strncmp(p->event.code.name, "MDC_EVT_PUMP_DELIV_", 19) != 0)
            s->bad++;
    }
    pthread_mutex_unlock(&s->mu);
    if (rc) {
        hm_hl7_header_sniff(msg, len, &h);
        rc = hm_hl7_ack_for_error(&h, rc, e.msg, NULL, NULL, reply, NULL);
    } else {
        rc = hm_hl7_ack_build(&p->header, HM_HL7_AA, NULL, NULL, NULL, reply, NULL);
    }
    free(p);
    hm_hl7_free(m);
    return rc;
}

/* Runs pumpsim with args and returns its exit code; its stdout goes into out. */
static int run(int argc, char **argv, char *out, size_t cap)
{
    fflush(stdout);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    int saved = dup(1);
    dup2(fileno(tmp), 1);
    int rc = hm_pumpsim_main(argc, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    rewind(tmp);
    size_t n = fread(out, 1, cap - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
    return rc;
}

static long json_int(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(json, pat);
    assert_non_null(p);
    return strtol(p + strlen(pat), NULL, 10);
}

static void plays_valid_traffic(void **state)
{
    (void)state;
    struct seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    hm_mllp_server *srv = NULL;
    assert_int_equal(hm_mllp_server_start("127.0.0.1", 0, NULL, handler, &s, &srv, NULL), HM_OK);
    char hp[32];
    snprintf(hp, sizeof hp, "127.0.0.1:%d", hm_mllp_server_port(srv));
    char *argv[] = {"pumpsim", "--mllp", hp, "--pumps", "12", "--rate", "400", "--duration",
                    "1.5", "--connections", "3", "--serial-prefix", "TST-", "--seed", "7", NULL};
    char out[2048];
    assert_int_equal(run(15, argv, out, sizeof out), 0);
    hm_mllp_server_stop(srv);
    long sent = json_int(out, "sent"), aa = json_int(out, "aa");
    assert_true(sent > 300);
    assert_int_equal(aa, sent);
    assert_int_equal(json_int(out, "ae"), 0);
    assert_int_equal(json_int(out, "no_ack"), 0);
    assert_non_null(strstr(out, "\"latency_ms\": {\"p50\": "));
    assert_int_equal(s.bad, 0);
    assert_int_equal(s.alerts + s.events, sent);
    assert_true(s.starts > 0 && s.continues > 0 && s.ends > 0 && s.events > 0);
    assert_true(s.prio[HM_PCD_PRIO_HIGH] > 0 && s.prio[HM_PCD_PRIO_MEDIUM] > 0 &&
                s.prio[HM_PCD_PRIO_LOW] > 0);
}

static void counts_missing_acks(void **state)
{
    (void)state;
    /* Nothing listens on this port: every attempt is a no-ack, and the exit code says so. */
    char *argv[] = {"pumpsim", "--mllp", "127.0.0.1:1", "--rate", "20", "--duration", "0.3", NULL};
    char out[2048];
    assert_int_equal(run(7, argv, out, sizeof out), 1);
    assert_int_equal(json_int(out, "aa"), 0);
    assert_true(json_int(out, "no_ack") > 0);
}

static void bad_arguments(void **state)
{
    (void)state;
    char out[4096];
    char *help[] = {"pumpsim", "--help", NULL};
    assert_int_equal(run(2, help, out, sizeof out), 0);
    assert_non_null(strstr(out, "usage: heime pumpsim"));
    char *none[] = {"pumpsim", NULL};
    assert_int_equal(run(1, none, out, sizeof out), 2);
    char *cases[][3] = {
        {"pumpsim", "--mllp", "nohost"},  {"pumpsim", "--pumps", "0"},
        {"pumpsim", "--rate", "fast"},    {"pumpsim", "--duration", "-1"},
        {"pumpsim", "--bogus", "1"},      {"pumpsim", "--connections", "5000"},
        {"pumpsim", "--serial-prefix", "a|b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(run(3, cases[i], out, sizeof out), 2);
    char *dangling[] = {"pumpsim", "--mllp", "127.0.0.1:2575", "--pumps", NULL};
    assert_int_equal(run(4, dangling, out, sizeof out), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plays_valid_traffic),
        cmocka_unit_test(counts_missing_acks),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests_name("hl7/pumpsim", tests, NULL, NULL);
}
