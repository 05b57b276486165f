/* Unit tests of the alarm service on a temporary store (SQLite, and PostgreSQL too when
 * HEIME_TEST_PG names a server: tests/unit/test_db.h) and a fake clock: the state
 * machine (raise, repeat, device end, acknowledge, resolve), resend de-duplication, escalation
 * deadlines that fire exactly once (also across a "restart" of the service), the webhook
 * outbox with backoff, and silence alarms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/alarm.h"
#include "test_db.h"

#define MIN (60 * 1000LL)
#define T0 1795511698000LL

static char db_url[256];
static int on_pg; /* the group running now: SQLite (0) or PostgreSQL (1) */
static hm_store *st;
static hm_writer *w;
static hm_fake_clock fc;
static hm_actor op;

static int64_t q(const char *sql)
{
    hm_db *db;
    int64_t v = -1;
    hm_err e;
    assert_int_equal(hm_store_read_begin(st, &db, &e), HM_OK);
    int rc = hm_db_query_int(db, sql, NULL, 0, &v, &e);
    hm_store_read_end(st, db);
    assert_int_equal(rc, HM_OK);
    return v;
}

static int seed_job(hm_db *db, void *arg, hm_err *err)
{
    (void)arg;
    int rc = hm_db_exec(db,
                        "INSERT INTO org (id, kind, code, name) VALUES (1, 'response_centre',"
                        " 'rc', 'Centre')",
                        NULL, 0, err);
    if (!rc)
        rc = hm_db_exec(db, "INSERT INTO org_ancestor VALUES (1, 1)", NULL, 0, err);
    if (!rc)
        rc = hm_db_exec(db,
                        "INSERT INTO staff (id, org_id, name, role) VALUES (1, 1, 'Op',"
                        " 'operator')",
                        NULL, 0, err);
    if (!rc)
        rc = hm_db_exec(db,
                        "INSERT INTO account (id, username, pw_hash, role, staff_id) VALUES"
                        " (1, 'op', 'x', 'operator', 1)",
                        NULL, 0, err);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    hm_err e;
    if (test_db_fresh(on_pg, "alarm", db_url, sizeof db_url) ||
        hm_store_open(db_url, &st, &e) || hm_writer_start(st, &w, &e))
        return -1;
    hm_writer_submit(w, seed_job, NULL, &e);
    hm_fake_clock_init(&fc, T0);
    memset(&op, 0, sizeof op);
    op.account_id = 1;
    op.staff_id = 1;
    op.org_id = 1;
    snprintf(op.role, sizeof op.role, "operator");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hm_writer_stop(w);
    hm_store_close(st);
    test_db_remove(db_url);
    return 0;
}

static hm_alarms *open_alarms(const char *webhook, int64_t heartbeat_ms)
{
    hm_alarm_opts o = {.webhook_url = webhook, .heartbeat_ms = heartbeat_ms};
    hm_alarms *a = NULL;
    hm_err e;
    assert_int_equal(hm_alarms_create(st, w, &fc.clock, &o, &a, &e), HM_OK);
    return a;
}

static int sink(hm_alarms *a, const char *serial, const char *code, enum hm_pcd_priority prio,
                int ended, const char *control)
{
    hm_pcd_msg *m = calloc(1, sizeof *m);
    m->kind = HM_PCD_ALERT;
    snprintf(m->header.sending_app.ns, sizeof m->header.sending_app.ns, "GW");
    snprintf(m->header.control_id, sizeof m->header.control_id, "%s", control);
    snprintf(m->header.trigger, sizeof m->header.trigger, "R40");
    snprintf(m->device_serial, sizeof m->device_serial, "%s", serial);
    snprintf(m->alert.code.name, sizeof m->alert.code.name, "%s", code);
    snprintf(m->alert.text, sizeof m->alert.text, "%s text", code);
    m->alert.priority = prio;
    m->alert.ended = ended != 0;
    m->alert.phase = ended ? HM_PCD_PHASE_END : HM_PCD_PHASE_START;
    hm_err e;
    int rc = hm_alarms_pcd_sink(a, m, "", 0, &e);
    free(m);
    return rc;
}

static int64_t open_id(const char *serial)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(max(id), 0) FROM alarm WHERE device_serial = '%s' AND state <>"
             " 'resolved'",
             serial);
    return q(sql);
}

static void raise_repeat_end_and_resend(void **state)
{
    (void)state;
    hm_alarms *a = open_alarms(NULL, 0);
    assert_int_equal(sink(a, "P1", "MDC_EVT_OCCL", HM_PCD_PRIO_HIGH, 0, "c1"), HM_OK);
    assert_int_equal(sink(a, "P1", "MDC_EVT_OCCL", HM_PCD_PRIO_HIGH, 0, "c2"), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE device_serial = 'P1'"), 1);
    assert_int_equal(q("SELECT repeats FROM alarm WHERE device_serial = 'P1'"), 2);
    /* A resend of c2 changes nothing. */
    assert_int_equal(sink(a, "P1", "MDC_EVT_OCCL", HM_PCD_PRIO_HIGH, 0, "c2"), HM_OK);
    assert_int_equal(q("SELECT repeats FROM alarm WHERE device_serial = 'P1'"), 2);
    assert_int_equal(q("SELECT count(*) FROM hl7_inbox"), 2);
    /* The device ends a high alarm: it waits for a person. */
    assert_int_equal(sink(a, "P1", "MDC_EVT_OCCL", HM_PCD_PRIO_HIGH, 1, "c3"), HM_OK);
    assert_int_equal(q("SELECT device_ended FROM alarm WHERE device_serial = 'P1'"), 1);
    int64_t id = open_id("P1");
    assert_true(id > 0);
    hm_alarm_call c = {&op, T0, "t"};
    json_t *out = NULL;
    hm_err e;
    assert_int_equal(hm_alarms_ack(a, &c, id, NULL, &out, &e), HM_OK);
    assert_string_equal(json_string_value(json_object_get(out, "state")), "resolved");
    json_decref(out);
    assert_int_equal(hm_alarms_ack(a, &c, id, NULL, &out, &e), HM_ECONFLICT);
    /* A medium alarm ended by the device closes at once. */
    assert_int_equal(sink(a, "P2", "MDC_EVT_BATT_LO", HM_PCD_PRIO_MEDIUM, 0, "c4"), HM_OK);
    assert_int_equal(sink(a, "P2", "MDC_EVT_BATT_LO", HM_PCD_PRIO_MEDIUM, 1, "c5"), HM_OK);
    assert_int_equal(open_id("P2"), 0);
    /* The end of something never open stores the message only. */
    assert_int_equal(sink(a, "P3", "MDC_EVT_X", HM_PCD_PRIO_LOW, 1, "c6"), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE device_serial = 'P3'"), 0);
    assert_int_equal(q("SELECT count(*) FROM hl7_inbox WHERE device_serial = 'P3'"), 1);
    /* Every transition has its audit row. */
    assert_true(q("SELECT count(*) FROM audit WHERE object LIKE 'alarm/%'") >= 5);
    hm_alarms_destroy(a);
}

/* Messages older than the retention go (in chunks of 1,000), younger ones and a resend of a
 * kept one stay as they were. */
static void inbox_retention(void **state)
{
    (void)state;
    hm_alarm_opts o = {.inbox_keep_ms = 86400000};
    hm_alarms *a = NULL;
    hm_err e;
    assert_int_equal(hm_alarms_create(st, w, &fc.clock, &o, &a, &e), HM_OK);
    char control[16];
    for (int i = 0; i < 1203; i++) {
        fc.t_ms = T0 + i;
        snprintf(control, sizeof control, "old%d", i);
        assert_int_equal(sink(a, "R1", "MDC_EVT_X", HM_PCD_PRIO_LOW, 1, control), HM_OK);
    }
    fc.t_ms = T0 + 2 * 86400000LL;
    assert_int_equal(sink(a, "R1", "MDC_EVT_X", HM_PCD_PRIO_LOW, 1, "new1"), HM_OK);
    int64_t deleted = 0;
    assert_int_equal(hm_alarms_prune_inbox(a, fc.t_ms, &deleted, &e), HM_OK);
    assert_int_equal(deleted, 1203);
    assert_int_equal(q("SELECT count(*) FROM hl7_inbox"), 1);
    assert_int_equal(q("SELECT count(*) FROM hl7_inbox WHERE control_id = 'new1'"), 1);
    assert_int_equal(hm_alarms_prune_inbox(a, fc.t_ms, &deleted, &e), HM_OK);
    assert_int_equal(deleted, 0);
    hm_alarms_destroy(a);
}

static void escalation_fires_exactly_once_across_restarts(void **state)
{
    (void)state;
    hm_alarms *a = open_alarms("http://127.0.0.1:1/hook", 0);
    fc.t_ms = T0;
    assert_int_equal(sink(a, "E1", "MDC_EVT_AIR", HM_PCD_PRIO_HIGH, 0, "e1"), HM_OK);
    int64_t id = open_id("E1");
    int fired = -1;
    hm_err e;
    /* Default chain: high alarms move on after 5, then 10 minutes. */
    fc.t_ms = T0 + 5 * MIN - 1;
    assert_int_equal(hm_alarms_tick(a, fc.t_ms, &fired, &e), HM_OK);
    assert_int_equal(fired, 0);
    /* "Crash" during the downtime: a new service over the same store fires it once. */
    hm_alarms_destroy(a);
    a = open_alarms("http://127.0.0.1:1/hook", 0);
    fc.t_ms = T0 + 7 * MIN;
    assert_int_equal(hm_alarms_tick(a, fc.t_ms, &fired, &e), HM_OK);
    assert_int_equal(fired, 1);
    assert_int_equal(hm_alarms_tick(a, fc.t_ms, &fired, &e), HM_OK);
    assert_int_equal(fired, 0);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT tier FROM alarm WHERE id = %lld", (long long)id);
    assert_int_equal(q(sql), 1);
    assert_int_equal(q("SELECT count(*) FROM webhook_outbox"), 1);
    /* The next deadline counts from the first one, not from when the tick ran. */
    fc.t_ms = T0 + 15 * MIN;
    assert_int_equal(hm_alarms_tick(a, fc.t_ms, &fired, &e), HM_OK);
    assert_int_equal(fired, 1);
    assert_int_equal(q(sql), 2);
    /* The last tier: no further deadline. */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM alarm WHERE id = %lld AND escalate_at_ms IS"
             " NULL",
             (long long)id);
    assert_int_equal(q(sql), 1);
    /* The receiver is down: the outbox keeps the rows and backs off. */
    int sent = -1;
    assert_int_equal(hm_alarms_deliver(a, fc.t_ms, &sent, &e), HM_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(q("SELECT count(*) FROM webhook_outbox WHERE delivered_ms IS NULL AND"
                       " attempts = 1 AND last_error IS NOT NULL"),
                     2);
    assert_int_equal(hm_alarms_deliver(a, fc.t_ms, &sent, &e), HM_OK);
    assert_int_equal(q("SELECT max(attempts) FROM webhook_outbox"), 1); /* not due yet */
    hm_alarms_destroy(a);
}

static void acknowledged_alarm_does_not_escalate(void **state)
{
    (void)state;
    hm_alarms *a = open_alarms(NULL, 0);
    fc.t_ms = T0;
    assert_int_equal(sink(a, "A1", "MDC_EVT_AIR", HM_PCD_PRIO_HIGH, 0, "a1"), HM_OK);
    int64_t id = open_id("A1");
    hm_alarm_call c = {&op, T0 + MIN, "t"};
    json_t *out = NULL, *note = json_pack("{s:s}", "note", "on it");
    hm_err e;
    assert_int_equal(hm_alarms_ack(a, &c, id, note, &out, &e), HM_OK);
    json_decref(out);
    int fired = -1;
    assert_int_equal(hm_alarms_tick(a, T0 + 60 * MIN, &fired, &e), HM_OK);
    assert_int_equal(fired, 0);
    assert_int_equal(hm_alarms_note(a, &c, id, note, &out, &e), HM_OK);
    json_decref(out);
    assert_int_equal(hm_alarms_resolve(a, &c, id, NULL, &out, &e), HM_OK);
    json_decref(out);
    assert_int_equal(hm_alarms_resolve(a, &c, id, NULL, &out, &e), HM_ECONFLICT);
    assert_int_equal(hm_alarms_note(a, &c, id, NULL, &out, &e), HM_EINVAL);
    assert_int_equal(hm_alarms_ack(a, &c, 999999, NULL, &out, &e), HM_ENOTFOUND);
    json_decref(note);
    /* Patients' accounts do not act on alarms. */
    hm_actor pat = {.account_id = 9, .patient_id = 1};
    snprintf(pat.role, sizeof pat.role, "patient");
    hm_alarm_call pc = {&pat, T0, "t"};
    assert_int_equal(hm_alarms_ack(a, &pc, id, NULL, &out, &e), HM_EFORBIDDEN);
    hm_alarms_destroy(a);
}

static int care_rows(hm_db *db, void *arg, hm_err *err);

static void silence_raises_and_voice_ends_it(void **state)
{
    (void)state;
    hm_alarms *a = open_alarms(NULL, 2 * MIN);
    hm_err e0;
    int64_t far = T0 + 24 * 60 * MIN;
    assert_int_equal(hm_writer_submit(w, care_rows, &far, &e0), HM_OK);
    fc.t_ms = T0;
    /* An unassigned pump falling silent is expected: no alarm. */
    assert_int_equal(sink(a, "S9", "MDC_EVT_X", HM_PCD_PRIO_LOW, 0, "s9"), HM_OK);
    assert_int_equal(sink(a, "S1", "MDC_EVT_X", HM_PCD_PRIO_LOW, 0, "s1"), HM_OK);
    int fired = 0;
    hm_err e;
    assert_int_equal(hm_alarms_tick(a, T0 + MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE source = 'silence'"), 0);
    assert_int_equal(hm_alarms_tick(a, T0 + 3 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE source = 'silence' AND state = 'open'"
                       " AND patient_id = 1 AND device_serial = 'S1'"),
                     1);
    /* Raised once, not on every tick. */
    assert_int_equal(hm_alarms_tick(a, T0 + 4 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE source = 'silence'"), 1);
    fc.t_ms = T0 + 5 * MIN;
    assert_int_equal(sink(a, "S1", "MDC_EVT_X", HM_PCD_PRIO_LOW, 1, "s2"), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE source = 'silence' AND state = 'open'"),
                     0);
    hm_alarms_destroy(a);
}

static void stream_hub_orders_events(void **state)
{
    (void)state;
    hm_alarms *a = open_alarms(NULL, 0);
    uint64_t after = hm_alarms_seq(a);
    assert_int_equal(sink(a, "H1", "MDC_EVT_Y", HM_PCD_PRIO_MEDIUM, 0, "h1"), HM_OK);
    assert_int_equal(sink(a, "H1", "MDC_EVT_Y", HM_PCD_PRIO_MEDIUM, 0, "h2"), HM_OK);
    char buf[8192];
    int64_t patient = -1;
    hm_err e;
    assert_int_equal(hm_alarms_next_event(a, &after, 100, buf, sizeof buf, &patient, &e), HM_OK);
    assert_non_null(strstr(buf, "\"type\":\"raised\""));
    assert_int_equal(patient, 0);
    assert_int_equal(hm_alarms_next_event(a, &after, 100, buf, sizeof buf, &patient, &e), HM_OK);
    assert_non_null(strstr(buf, "\"type\":\"updated\""));
    assert_int_equal(hm_alarms_next_event(a, &after, 50, buf, sizeof buf, &patient, &e), HM_AGAIN);
    hm_alarms_destroy(a);
}

static void escalation_section_is_read_and_checked(void **state)
{
    (void)state;
    char path[200];
    snprintf(path, sizeof path, "/tmp/hm-test-esc-%d.json", (int)getpid());
    FILE *f = fopen(path, "w");
    fputs("{\"id\": \"p1\", \"escalation\": {\"tiers\": [\"a\", \"b\"],"
          " \"unacknowledged_minutes\": {\"high\": [0.5], \"medium\": [2], \"low\": [3]}}}",
          f);
    fclose(f);
    hm_escalation esc;
    hm_err e;
    assert_int_equal(hm_escalation_load_file(path, &esc, &e), HM_OK);
    assert_string_equal(esc.pathway, "p1");
    assert_int_equal(esc.ntiers, 2);
    assert_int_equal(esc.after_ms[HM_ALARM_HIGH][0], 30000);
    f = fopen(path, "w");
    fputs("{\"id\": \"p1\", \"escalation\": {\"tiers\": [\"a\", \"b\"],"
          " \"unacknowledged_minutes\": {\"high\": [-1], \"medium\": [2], \"low\": [3]}}}",
          f);
    fclose(f);
    assert_int_equal(hm_escalation_load_file(path, &esc, &e), HM_EINVAL);
    f = fopen(path, "w");
    fputs("{\"id\": \"p1\"}", f);
    fclose(f);
    assert_int_equal(hm_escalation_load_file(path, &esc, &e), HM_ENOTFOUND);
    unlink(path);
}

static int pump_event(hm_alarms *a, const char *serial, const char *code, const char *control)
{
    hm_pcd_msg *m = calloc(1, sizeof *m);
    m->kind = HM_PCD_PUMP_EVENT;
    snprintf(m->header.sending_app.ns, sizeof m->header.sending_app.ns, "GW");
    snprintf(m->header.control_id, sizeof m->header.control_id, "%s", control);
    snprintf(m->device_serial, sizeof m->device_serial, "%s", serial);
    snprintf(m->event.code.name, sizeof m->event.code.name, "%s", code);
    m->event.time_ms = fc.t_ms;
    hm_err e;
    int rc = hm_alarms_pcd_sink(a, m, "", 0, &e);
    free(m);
    return rc;
}

static void pump_stopped_too_long(void **state)
{
    (void)state;
    hm_alarms *a = open_alarms(NULL, 24 * 60 * MIN);
    fc.t_ms = T0;
    assert_int_equal(pump_event(a, "PS1", "MDC_EVT_PUMP_DELIV_STOP", "p1"), HM_OK);
    int fired = 0;
    hm_err e;
    assert_int_equal(hm_alarms_tick(a, T0 + 29 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE code = 'PUMP_STOPPED'"), 0);
    assert_int_equal(hm_alarms_tick(a, T0 + 31 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE code = 'PUMP_STOPPED' AND"
                       " priority = 'high'"),
                     1);
    assert_int_equal(hm_alarms_tick(a, T0 + 40 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE code = 'PUMP_STOPPED'"), 1);
    /* Running again ends the condition; a high alarm still waits for a person. */
    fc.t_ms = T0 + 41 * MIN;
    assert_int_equal(pump_event(a, "PS1", "MDC_EVT_PUMP_DELIV_START", "p2"), HM_OK);
    assert_int_equal(q("SELECT device_ended FROM alarm WHERE code = 'PUMP_STOPPED'"), 1);
    assert_int_equal(q("SELECT count(*) FROM pump_state"), 0);
    hm_alarms_destroy(a);
}

static int care_rows(hm_db *db, void *arg, hm_err *err)
{
    const int64_t *window_end = arg;
    static const char *const sql[] = {
        "INSERT INTO org (id, kind, code, name) VALUES (2, 'municipality', 'm', 'M')",
        "INSERT INTO org_ancestor VALUES (2, 2)",
        "INSERT INTO org_serves VALUES (1, 2)",
        "INSERT INTO patient (id, national_id, name, address, lat, lon, municipality_id,"
        " language, created_ms) VALUES (1, '1', 'P', 'A', 0, 0, 2, 'nb', 0)",
        "INSERT INTO episode (id, patient_id, pathway, state, hospital_org_id, home_care_org_id,"
        " referred_by, referred_ms) VALUES (1, 1, 'iv-antibiotics', 'active', 1, 2, 1, 0)",
    };
    int rc = HM_OK;
    for (size_t i = 0; !rc && i < sizeof sql / sizeof sql[0]; i++)
        rc = hm_db_exec(db, sql[i], NULL, 0, err);
    if (!rc)
        rc = hm_db_exec(db, "INSERT INTO device (id, serial, model) VALUES (1, 'S1', 'x')", NULL, 0,
                        err);
    if (!rc)
        rc = hm_db_exec(db,
                        "INSERT INTO device_assignment (device_id, episode_id, assigned_ms)"
                        " VALUES (1, 1, 0)",
                        NULL, 0, err);
    for (int k = 0; !rc && k < 2; k++)
        rc = hm_db_exec(db,
                        "INSERT INTO task (episode_id, patient_id, kind, local_date, seq,"
                        " window_start_ms, window_end_ms, due_ms, duration_min, org_id,"
                        " location, priority, state) VALUES (1, 1, 'bag_change', '2026-11-24',"
                        " ?, 0, ?, 0, 20, 2, 'home', 1, ?)",
                        HM_ARGS(HM_I(k), HM_I(*window_end), HM_S(k ? "done" : "planned")), err);
    return rc;
}

/* The alarm service, started at T0, and a bag change whose window ended at T0 - 10 min. */
static hm_alarms *alarms_with_overdue_task(void)
{
    hm_alarms *a = open_alarms(NULL, 24 * 60 * MIN);
    int fired = 0;
    hm_err e;
    /* The first pass starts the cursor: older windows are not reported at start-up. */
    assert_int_equal(hm_alarms_tick(a, T0, &fired, &e), HM_OK);
    int64_t window_end = T0 - 10 * MIN;
    assert_int_equal(hm_writer_submit(w, care_rows, &window_end, &e), HM_OK);
    return a;
}

static void missed_task_raises_once(void **state)
{
    (void)state;
    hm_alarms *a = alarms_with_overdue_task();
    int fired = 0;
    hm_err e;
    assert_int_equal(hm_alarms_tick(a, T0 + 19 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE code = 'TASK_MISSED'"), 0);
    assert_int_equal(hm_alarms_tick(a, T0 + 21 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE code = 'TASK_MISSED' AND"
                       " priority = 'high' AND patient_id = 1"),
                     1);
    /* Once, also after a restart of the service. */
    hm_alarms_destroy(a);
    a = open_alarms(NULL, 24 * 60 * MIN);
    assert_int_equal(hm_alarms_tick(a, T0 + 60 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE code = 'TASK_MISSED'"), 1);
    /* The response centre serving the municipality sees it. */
    hm_alarm_call c = {&op, T0 + 60 * MIN, "t"};
    json_t *list = NULL;
    assert_int_equal(hm_alarms_list(a, &c, &list, &e), HM_OK);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
    hm_alarms_destroy(a);
}

static int exec_job(hm_db *db, void *arg, hm_err *err)
{
    return hm_db_exec(db, (const char *)arg, NULL, 0, err);
}

/* A visit a nurse started but did not document is not "not done": the alarm says so. */
static void started_task_not_documented(void **state)
{
    (void)state;
    hm_alarms *a = alarms_with_overdue_task();
    int fired = 0;
    hm_err e;
    char *sql = "UPDATE task SET started_ms = 1764000000000 WHERE state = 'planned'";
    assert_int_equal(hm_writer_submit(w, exec_job, sql, &e), HM_OK);
    assert_int_equal(hm_alarms_tick(a, T0 + 21 * MIN, &fired, &e), HM_OK);
    hm_db *db;
    assert_int_equal(hm_store_read_begin(st, &db, &e), HM_OK);
    hm_cursor c;
    assert_int_equal(hm_db_query(db, "SELECT text FROM alarm WHERE code = 'TASK_MISSED'", NULL, 0,
                                 &c, &e),
                     HM_OK);
    assert_int_equal(hm_cursor_next(&c, &e), HM_ROW);
    if (strncmp(hm_cursor_text(&c, 0), "task bag_change started 2025-11-24T16:00:00", 43) != 0 ||
        !strstr(hm_cursor_text(&c, 0), "but not documented (window ended "))
        fail_msg("text: %s", hm_cursor_text(&c, 0));
    hm_cursor_close(&c);
    hm_store_read_end(st, db);
    hm_alarms_destroy(a);
}

/* The pathway's word on whether a day asks for answers, in the test: only when *ctx is set. */
static int asks_when_set(const void *ctx, hm_date start, hm_date end, hm_date date)
{
    assert_int_equal(hm_date_cmp(start, (hm_date){2026, 11, 20}), 0);
    assert_int_equal(hm_date_cmp(end, (hm_date){2026, 12, 10}), 0);
    (void)date;
    return *(const int *)ctx;
}

/* A day without answers is a missed questionnaire only when the pathway asked for answers that
 * day (required questions on some weekdays only leave the others silent). */
static void questionnaire_missed_only_when_asked(void **state)
{
    (void)state;
    int asks = 0;
    hm_alarm_rules r;
    hm_alarm_rules_default(&r);
    snprintf(r.pathway, sizeof r.pathway, "iv-antibiotics");
    r.questionnaire_after_min = 0;
    r.answers_due = asks_when_set;
    r.pathway_ctx = &asks;
    hm_alarm_opts o = {.heartbeat_ms = 24 * 60 * MIN, .rules = &r, .nrules = 1};
    hm_alarms *a = NULL;
    hm_err e;
    assert_int_equal(hm_alarms_create(st, w, &fc.clock, &o, &a, &e), HM_OK);
    int64_t far = T0 + 3 * 24 * 60 * MIN; /* no missed-task noise */
    assert_int_equal(hm_writer_submit(w, care_rows, &far, &e), HM_OK);
    char *sql = "INSERT INTO regimen (episode_id, version, drug_code, body, created_ms, created_by)"
                " VALUES (1, 1, 'x', '{\"start_date\": \"2026-11-20\", \"end_date\":"
                " \"2026-12-10\"}', 0, 1)";
    assert_int_equal(hm_writer_submit(w, exec_job, sql, &e), HM_OK);
    int fired = 0;
    /* 2026-11-24: not asked, no alarm */
    assert_int_equal(hm_alarms_tick(a, T0, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE code = 'SELF_REPORT_MISSED'"), 0);
    /* 2026-11-25: asked and not answered */
    asks = 1;
    assert_int_equal(hm_alarms_tick(a, T0 + 24 * 60 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE code = 'SELF_REPORT_MISSED' AND"
                       " alert_key = 'rule:1|QUESTIONNAIRE_MISSED:2026-11-25'"),
                     1);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE code = 'SELF_REPORT_MISSED'"), 1);
    hm_alarms_destroy(a);
}

static void missed_self_report(void **state)
{
    (void)state;
    hm_alarm_rules r;
    hm_alarm_rules_default(&r);
    snprintf(r.pathway, sizeof r.pathway, "iv-antibiotics");
    snprintf(r.self_report_kind, sizeof r.self_report_kind, "vital_signs");
    r.self_report_every_ms = 60 * MIN;
    hm_alarm_opts o = {.heartbeat_ms = 24 * 60 * MIN, .rules = &r, .nrules = 1};
    hm_alarms *a = NULL;
    hm_err e;
    assert_int_equal(hm_alarms_create(st, w, &fc.clock, &o, &a, &e), HM_OK);
    int64_t far = T0 + 24 * 60 * MIN; /* no missed-task noise */
    assert_int_equal(hm_writer_submit(w, care_rows, &far, &e), HM_OK);
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE episode SET activated_ms = %lld", (long long)(T0 - 30 * MIN));
    assert_int_equal(hm_writer_submit(w, exec_job, sql, &e), HM_OK);
    int fired = 0;
    assert_int_equal(hm_alarms_tick(a, T0, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE code = 'SELF_REPORT_MISSED'"), 0);
    assert_int_equal(hm_alarms_tick(a, T0 + 31 * MIN, &fired, &e), HM_OK);
    assert_int_equal(hm_alarms_tick(a, T0 + 32 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT count(*) FROM alarm WHERE code = 'SELF_REPORT_MISSED' AND"
                       " priority = 'medium' AND patient_id = 1"),
                     1);
    /* A report, then silence again: the open alarm repeats, it is not duplicated. */
    snprintf(sql, sizeof sql,
             "INSERT INTO observation (patient_id, episode_id, kind, body, source, observed_ms,"
             " recorded_ms, recorded_by) VALUES (1, 1, 'vital_signs', '{}', 'patient', %lld, %lld,"
             " 1)",
             (long long)(T0 + 40 * MIN), (long long)(T0 + 40 * MIN));
    assert_int_equal(hm_writer_submit(w, exec_job, sql, &e), HM_OK);
    assert_int_equal(hm_alarms_tick(a, T0 + 90 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT repeats FROM alarm WHERE code = 'SELF_REPORT_MISSED'"), 1);
    assert_int_equal(hm_alarms_tick(a, T0 + 101 * MIN, &fired, &e), HM_OK);
    assert_int_equal(q("SELECT repeats FROM alarm WHERE code = 'SELF_REPORT_MISSED'"), 2);
    hm_alarms_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(raise_repeat_end_and_resend, setup, teardown),
        cmocka_unit_test_setup_teardown(inbox_retention, setup, teardown),
        cmocka_unit_test_setup_teardown(escalation_fires_exactly_once_across_restarts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(acknowledged_alarm_does_not_escalate, setup, teardown),
        cmocka_unit_test_setup_teardown(silence_raises_and_voice_ends_it, setup, teardown),
        cmocka_unit_test_setup_teardown(stream_hub_orders_events, setup, teardown),
        cmocka_unit_test(escalation_section_is_read_and_checked),
        cmocka_unit_test_setup_teardown(pump_stopped_too_long, setup, teardown),
        cmocka_unit_test_setup_teardown(missed_task_raises_once, setup, teardown),
        cmocka_unit_test_setup_teardown(started_task_not_documented, setup, teardown),
        cmocka_unit_test_setup_teardown(missed_self_report, setup, teardown),
        cmocka_unit_test_setup_teardown(questionnaire_missed_only_when_asked, setup, teardown),
    };
    return TEST_DB_RUN_BOTH("alarm", tests, NULL, NULL, &on_pg);
}
