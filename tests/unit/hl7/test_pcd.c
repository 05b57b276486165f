/* Unit tests of hl7/pcd: each sample under tests/data/hl7/ mapped into hm_pcd_msg. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hl7/hl7.h"
#include "hl7/pcd.h"

static char *load(const char *name, size_t *len)
{
    const char *dir = getenv("HM_HL7_DATA");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/data/hl7", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fprintf(stderr, "cannot open %s\n", path);
    assert_non_null(f);
    char *buf = malloc(65536);
    assert_non_null(buf);
    *len = fread(buf, 1, 65535, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Parses and maps a sample; returns the map's rc; *out is heap-allocated. */
static int map_file(const char *name, hm_pcd_msg **out, hm_err *e)
{
    size_t len;
    char *text = load(name, &len);
    hm_hl7_msg *m = NULL;
    int rc = hm_hl7_parse(text, len, NULL, &m, e);
    if (rc)
        fprintf(stderr, "%s: %s\n", name, e->msg);
    assert_int_equal(rc, HM_OK);
    *out = calloc(1, sizeof **out);
    assert_non_null(*out);
    rc = hm_pcd_map(m, *out, e);
    hm_hl7_free(m);
    free(text);
    return rc;
}

static void occlusion_phases(void **state)
{
    (void)state;
    const char *files[] = {"pcd04_occlusion_start.hl7", "pcd04_occlusion_continue.hl7",
                           "pcd04_occlusion_end.hl7"};
    enum hm_pcd_phase phases[] = {HM_PCD_PHASE_START, HM_PCD_PHASE_CONTINUE, HM_PCD_PHASE_END};
    for (int i = 0; i < 3; i++) {
        hm_pcd_msg *p;
        hm_err e;
        assert_int_equal(map_file(files[i], &p, &e), HM_OK);
        assert_int_equal(p->kind, HM_PCD_ALERT);
        assert_string_equal(p->header.sending_app.ns, "PUMPGW");
        assert_string_equal(p->header.sending_fac.ns, "HEIME_TEST");
        assert_string_equal(p->device_serial, "SIM-PUMP-0001");
        assert_string_equal(p->device_eui64, "0012210000000001");
        assert_string_equal(p->patient_id, "TESTPAT-001");
        assert_string_equal(p->alert.code.name, "MDC_EVT_FLUID_LINE_OCCL");
        assert_string_equal(p->alert.text, "Occlusion downstream");
        assert_string_equal(p->alert.id, "ALERT-77");
        assert_int_equal(p->alert.priority, HM_PCD_PRIO_HIGH);
        assert_int_equal(p->alert.kind, HM_PCD_KIND_TECHNICAL);
        assert_int_equal(p->alert.phase, phases[i]);
        assert_int_equal(p->alert.ended, i == 2);
        assert_int_equal(p->alert.state, i == 2 ? HM_PCD_STATE_INACTIVE : HM_PCD_STATE_ACTIVE);
        /* OBR-7 20261124101458+0100 */
        assert_int_equal(p->time_ms, 1795511698000LL);
        assert_string_equal(hm_pcd_phase_name(p->alert.phase),
                            i == 0 ? "start" : i == 1 ? "continue" : "end");
        free(p);
    }
    hm_pcd_msg *p;
    hm_err e;
    assert_int_equal(map_file("pcd04_occlusion_start.hl7", &p, &e), HM_OK);
    assert_string_equal(p->header.control_id, "ALR-0001");
    assert_string_equal(hm_pcd_priority_name(p->alert.priority), "high");
    assert_string_equal(hm_pcd_kind_name(p->kind), "alert");
    free(p);
}

static void explicit_attributes(void **state)
{
    (void)state;
    hm_pcd_msg *p;
    hm_err e;
    assert_int_equal(map_file("pcd04_low_battery_attrs.hl7", &p, &e), HM_OK);
    assert_string_equal(p->device_serial, "SIM-PUMP-0002");
    assert_string_equal(p->device_eui64, "");
    assert_string_equal(p->alert.code.name, "MDC_EVT_BATT_LO");
    assert_int_equal(p->alert.priority, HM_PCD_PRIO_MEDIUM);
    assert_int_equal(p->alert.kind, HM_PCD_KIND_TECHNICAL);
    assert_string_equal(p->alert.text, "Battery low & charge soon");
    assert_false(p->alert.ended);
    assert_int_equal(p->time_ms % 1000, 500);
    free(p);
}

static void physiological_limit(void **state)
{
    (void)state;
    hm_pcd_msg *p;
    hm_err e;
    assert_int_equal(map_file("pcd04_spo2_low.hl7", &p, &e), HM_OK);
    assert_string_equal(p->alert.code.name, "MDC_PULS_OXIM_SAT_O2");
    assert_int_equal(p->alert.priority, HM_PCD_PRIO_MEDIUM);
    assert_int_equal(p->alert.kind, HM_PCD_KIND_PHYSIOLOGICAL);
    assert_string_equal(p->device_serial, "SIM-SPO2-0001");
    assert_true(p->n_obs >= 1);
    assert_string_equal(p->obs[0].value, "86");
    assert_string_equal(p->obs[0].units.name, "MDC_DIM_PERCENT");
    free(p);
}

static void pump_event(void **state)
{
    (void)state;
    hm_pcd_msg *p;
    hm_err e;
    assert_int_equal(map_file("pcd10_delivery_start.hl7", &p, &e), HM_OK);
    assert_int_equal(p->kind, HM_PCD_PUMP_EVENT);
    assert_string_equal(p->event.code.name, "MDC_EVT_PUMP_DELIV_START");
    assert_string_equal(p->event.code.code, "197288");
    assert_int_equal(p->event.time_ms, 1795503658000LL);
    assert_string_equal(p->device_serial, "SIM-PUMP-0001");
    /* Observations: the event condition, status, rate, VTBI, drug. */
    assert_int_equal(p->n_obs, 5);
    assert_string_equal(p->obs[1].value, "pump-status-infusing");
    assert_string_equal(p->obs[2].id.name, "MDC_FLOW_FLUID_PUMP");
    assert_string_equal(p->obs[2].value, "100");
    assert_string_equal(p->obs[2].units.text, "mL/h");
    assert_string_equal(p->obs[2].units.name, "MDC_DIM_MILLI_L_PER_HR");
    assert_string_equal(p->obs[4].value, "Cefazolin");
    free(p);
}

static void observations(void **state)
{
    (void)state;
    hm_pcd_msg *p;
    hm_err e;
    assert_int_equal(map_file("pcd01_vitals.hl7", &p, &e), HM_OK);
    assert_int_equal(p->kind, HM_PCD_OBSERVATION);
    assert_int_equal(p->n_obs, 5);
    assert_string_equal(p->obs[2].id.name, "MDC_TEMP_BODY");
    assert_string_equal(p->obs[2].value, "38.6");
    assert_string_equal(p->obs[2].sub_id, "1.1.2.1");
    assert_string_equal(p->obs[2].type, "NM");
    assert_int_equal(p->obs[2].time_ms, 1795507140000LL);
    assert_int_equal(p->obs[3].time_ms, p->time_ms); /* no OBX-14: the message time */
    assert_string_equal(p->device_serial, "SIM-MON-0001");
    free(p);
}

static void unsupported_and_incomplete(void **state)
{
    (void)state;
    hm_pcd_msg *p;
    hm_err e;
    assert_int_equal(map_file("adt_a01_unsupported.hl7", &p, &e), HM_EUNSUPPORTED);
    assert_non_null(strstr(e.msg, "unsupported message type ADT^A01"));
    free(p);
    const char *texts[] = {
        "MSH|^~\\&|A|B|C|D|2026||ORU^R40|X|P|2.6\rOBX|1|ST|68481^MDC_ATTR_EVENT_PHASE^MDC||start\r",
        "MSH|^~\\&|A|B|C|D|2026||ORU^R42|X|P|2.6\rOBX|1|NM|1^MDC_FLOW_FLUID_PUMP^MDC||5\r",
        "MSH|^~\\&|A|B|C|D|2026||ORU^R01|X|P|2.6\rPID|1\r",
        "MSH|^~\\&|A|B|C|D|2026||ORU^R99|X|P|2.6\rOBX|1\r",
    };
    const char *needle[] = {"without an alert", "without an event", "without OBX",
                            "unsupported message type ORU^R99"};
    for (int i = 0; i < 4; i++) {
        hm_hl7_msg *m = NULL;
        assert_int_equal(hm_hl7_parse(texts[i], strlen(texts[i]), NULL, &m, NULL), HM_OK);
        p = calloc(1, sizeof *p);
        assert_int_not_equal(hm_pcd_map(m, p, &e), HM_OK);
        assert_non_null(strstr(e.msg, needle[i]));
        free(p);
        hm_hl7_free(m);
    }
}

static void many_observations_truncate(void **state)
{
    (void)state;
    char *text = malloc(200000);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, 200000, "MSH|^~\\&|A|B|C|D|2026||ORU^R01|X|P|2.6\r");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(text + n, 200000 - n, "OBX|%d|NM|1^MDC_X^MDC|1.1.1.%d|%d\r", i, i, i);
    hm_hl7_msg *m = NULL;
    assert_int_equal(hm_hl7_parse(text, n, NULL, &m, NULL), HM_OK);
    hm_pcd_msg *p = calloc(1, sizeof *p);
    assert_int_equal(hm_pcd_map(m, p, NULL), HM_OK);
    assert_int_equal(p->n_obs, HM_PCD_MAX_OBS);
    assert_true(p->obs_truncated);
    free(p);
    hm_hl7_free(m);
    free(text);
}

struct sink_state {
    int calls;
    int rc;
    char last_serial[64];
};

static int sink(void *ctx, const hm_pcd_msg *msg, const char *raw, size_t len, hm_err *err)
{
    struct sink_state *st = ctx;
    st->calls++;
    assert_true(len > 0 && raw[0] == 'M');
    snprintf(st->last_serial, sizeof st->last_serial, "%s", msg->device_serial);
    if (st->rc)
        return hm_err_set(err, st->rc, "writer queue full");
    return HM_OK;
}

static void msa(const hm_hl7_reply *r, const char *code, const char *id, const char *err3)
{
    hm_hl7_msg *m = NULL;
    assert_int_equal(hm_hl7_parse(r->data, r->len, NULL, &m, NULL), HM_OK);
    char v[256];
    hm_hl7_get_by_name(m, "MSA", 0, 1, 1, 1, 1, v, sizeof v, NULL);
    assert_string_equal(v, code);
    hm_hl7_get_by_name(m, "MSA", 0, 2, 1, 1, 1, v, sizeof v, NULL);
    assert_string_equal(v, id);
    hm_hl7_get_by_name(m, "ERR", 0, 3, 1, 1, 1, v, sizeof v, NULL);
    assert_string_equal(v, err3);
    hm_hl7_free(m);
}

static void mllp_handler_answers(void **state)
{
    (void)state;
    struct sink_state st = {0};
    hm_pcd_handler h = {.sink = sink, .ctx = &st, .app_name = "HEIME", .facility = "UNN"};
    hm_hl7_reply r;
    size_t len;
    char *text = load("pcd04_occlusion_start.hl7", &len);
    assert_int_equal(hm_pcd_mllp_handler(&h, text, len, &r), HM_OK);
    msa(&r, "AA", "ALR-0001", "");
    assert_int_equal(st.calls, 1);
    assert_string_equal(st.last_serial, "SIM-PUMP-0001");
    st.rc = HM_EBUSY; /* storage cannot take it now: AR, resend later */
    assert_int_equal(hm_pcd_mllp_handler(&h, text, len, &r), HM_EBUSY);
    msa(&r, "AR", "ALR-0001", "207");
    assert_non_null(strstr(r.data, "writer queue full"));
    free(text);
    st.rc = HM_OK;
    text = load("adt_a01_unsupported.hl7", &len);
    assert_int_equal(hm_pcd_mllp_handler(&h, text, len, &r), HM_EUNSUPPORTED);
    msa(&r, "AE", "ADT-0001", "200");
    free(text);
    const char *broken = "MSH|^~\\&|A|B|C|D|2026||ORU^R40|BRK-1|P|2.6\rOBX^1\r";
    assert_int_equal(hm_pcd_mllp_handler(&h, broken, strlen(broken), &r), HM_EINVAL);
    msa(&r, "AE", "BRK-1", "102");
    const char *nomsh = "garbage";
    assert_int_equal(hm_pcd_mllp_handler(&h, nomsh, strlen(nomsh), &r), HM_EINVAL);
    msa(&r, "AE", "", "102");
    const char *old = "MSH|^~\\&|A|B|C|D|2026||ORU^R40|V21|P|2.1\r";
    assert_int_equal(hm_pcd_mllp_handler(&h, old, strlen(old), &r), HM_EUNSUPPORTED);
    msa(&r, "AE", "V21", "203");
    assert_int_equal(st.calls, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(occlusion_phases),     cmocka_unit_test(explicit_attributes),
        cmocka_unit_test(physiological_limit),  cmocka_unit_test(pump_event),
        cmocka_unit_test(observations),         cmocka_unit_test(unsupported_and_incomplete),
        cmocka_unit_test(many_observations_truncate), cmocka_unit_test(mllp_handler_answers),
    };
    return cmocka_run_group_tests_name("hl7/pcd", tests, NULL, NULL);
}
