/* raise.c: how alarms come into being: device alerts through the HL7 PCD sink, "I need help"
 * calls, rule alarms and (from escalate.c) silence alarms, all through one upsert.
 *
 * The upsert keeps one unresolved row per alert_key. A repeat bumps repeats and updated_ms
 * (not a transition, so no history row); an end-of-alarm resolves medium and low alarms, or
 * marks a high one device_ended so that a person still has to acknowledge it. The PCD sink
 * first records the message in hl7_inbox keyed by (sender, control id): a resend finds its key
 * there and changes nothing, and every message, also from unknown pumps, is kept. */
#include "alert/alarm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/policy.h"
#include "base/json.h"

static const char ctx_sql_device[] =
    "SELECT e.id, e.patient_id, hc.root_id, e.pathway FROM device d"
    " JOIN device_assignment da ON da.device_id = d.id AND da.released_ms IS NULL"
    " JOIN episode e ON e.id = da.episode_id JOIN org hc ON hc.id = e.home_care_org_id"
    " WHERE d.serial = ?";
static const char ctx_sql_patient[] =
    "SELECT e.id, e.patient_id, hc.root_id, e.pathway FROM episode e"
    " JOIN org hc ON hc.id = e.home_care_org_id WHERE e.patient_id = ?"
    " AND e.state NOT IN ('completed','discontinued') ORDER BY e.referred_ms DESC LIMIT 1";

static int ctx_query(hm_db *db, const char *sql, hm_val arg, struct hm__ctx *out, hm_err *err)
{
    memset(out, 0, sizeof *out);
    hm_cursor c;
    int rc = hm_db_query(db, sql, &arg, 1, &c, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&c, err);
    if (rc == HM_ROW) {
        out->episode = hm_cursor_int(&c, 0);
        out->patient = hm_cursor_int(&c, 1);
        out->municipality = hm_cursor_int(&c, 2);
        const char *p = hm_cursor_text(&c, 3);
        snprintf(out->pathway, sizeof out->pathway, "%s", p ? p : "");
    }
    hm_cursor_close(&c);
    return rc < 0 ? rc : HM_OK;
}

int hm__ctx_device(hm_db *db, const char *serial, struct hm__ctx *out, hm_err *err)
{
    return ctx_query(db, ctx_sql_device, HM_S(serial), out, err);
}

/* PID-3 names the patient by a Norwegian national identity number (fødselsnummer or D-number:
 * identifier type NNNOR, or their assigning authorities' OIDs): a monitor that its gateway bound
 * to the patient, with no assignment to an episode in heime. Any other identifier (a gateway's
 * own patient ids) is not ours to resolve. */
static int ctx_national_id(hm_db *db, const hm_pcd_msg *m, struct hm__ctx *out, hm_err *err)
{
    static const char *const authorities[] = {"2.16.578.1.12.4.1.4.1", "2.16.578.1.12.4.1.4.2"};
    int national = strcmp(m->patient_id_type, "NNNOR") == 0;
    for (size_t i = 0; i < sizeof authorities / sizeof authorities[0]; i++)
        national |= strcmp(m->patient_id_authority, authorities[i]) == 0;
    if (!national || !m->patient_id[0])
        return HM_OK;
    int64_t patient = 0;
    int rc = hm_db_query_int(db, "SELECT id FROM patient WHERE national_id = ?",
                             HM_ARGS(HM_S(m->patient_id)), &patient, err);
    if (rc == HM_ENOTFOUND)
        return HM_OK;
    return rc ? rc : hm__ctx_patient(db, patient, out, err);
}

int hm__ctx_patient(hm_db *db, int64_t patient, struct hm__ctx *out, hm_err *err)
{
    int rc = ctx_query(db, ctx_sql_patient, HM_I(patient), out, err);
    if (rc || out->patient)
        return rc;
    out->patient = patient; /* no open episode: still the patient's alarm */
    return hm_db_query_int(db, "SELECT municipality_id FROM patient WHERE id = ?",
                           HM_ARGS(HM_I(patient)), &out->municipality, err);
}

static int64_t first_deadline(hm_alarms *a, const struct hm__raise *r)
{
    const hm_escalation *ch = hm__alarm_chain(a, r->pathway);
    if (ch->ntiers < 2)
        return 0;
    return r->now_ms + ch->after_ms[r->prio][0];
}

static int insert_alarm(hm_alarms *a, hm_db *db, const struct hm__raise *r, int64_t *id,
                        hm_err *err)
{
    int64_t due = first_deadline(a, r);
    int rc = hm_db_query_int(
        db,
        "INSERT INTO alarm (source, alert_key, device_serial, device_alert_id, code, text,"
        " priority, kind, state, patient_id, episode_id, municipality_id, pathway, raised_ms,"
        " updated_ms, raised_by, escalate_at_ms) VALUES (?,?,?,?,?,?,?,?,'open',?,?,?,?,?,?,?,?)"
        " RETURNING id",
        HM_ARGS(HM_S(r->source), HM_S(r->key), HM_S(r->serial), HM_S(r->device_alert_id),
                HM_S(r->code), HM_S(r->text), HM_S(hm__alarm_prio_name(r->prio)), HM_S(r->kind),
                r->patient ? HM_I(r->patient) : HM_NULLV, r->episode ? HM_I(r->episode) : HM_NULLV,
                r->municipality ? HM_I(r->municipality) : HM_NULLV,
                r->pathway && r->pathway[0] ? HM_S(r->pathway) : HM_NULLV, HM_I(r->now_ms),
                HM_I(r->now_ms), r->raised_by ? HM_I(r->raised_by) : HM_NULLV,
                due ? HM_I(due) : HM_NULLV),
        id, err);
    if (!rc)
        rc = hm__alarm_history(db, *id, "raised", r->now_ms, r->raised_by, 0, NULL, err);
    if (!rc)
        rc = hm__alarm_audit(db, r->actor, r->now_ms, "create", *id, NULL, r->patient,
                             r->request_id, err);
    return rc;
}

/* The device ended the condition of an unresolved alarm. */
static int device_end(hm_db *db, const struct hm__raise *r, int64_t id, const char *state,
                      const char *prio, const char **what, hm_err *err)
{
    int needs_person = strcmp(prio, "high") == 0 && strcmp(state, "open") == 0;
    int rc;
    if (needs_person) {
        rc = hm_db_exec(db,
                        "UPDATE alarm SET device_ended = 1, updated_ms = ? WHERE id = ? AND"
                        " device_ended = 0",
                        HM_ARGS(HM_I(r->now_ms), HM_I(id)), err);
        if (rc || hm_db_changes(db) == 0)
            return rc; /* a repeated end changes nothing */
        *what = "device_ended";
    } else {
        rc = hm_db_exec(db,
                        "UPDATE alarm SET state = 'resolved', device_ended = 1, resolved_ms = ?,"
                        " updated_ms = ?, escalate_at_ms = NULL WHERE id = ?",
                        HM_ARGS(HM_I(r->now_ms), HM_I(r->now_ms), HM_I(id)), err);
        *what = "resolved";
    }
    if (!rc)
        rc = hm__alarm_history(db, id, needs_person ? "device_ended" : "resolved_by_device",
                               r->now_ms, 0, -1, NULL, err);
    if (!rc)
        rc = hm__alarm_audit(db, r->actor, r->now_ms, "update", id, *what, r->patient,
                             r->request_id, err);
    return rc;
}

static int repeat(hm_db *db, const struct hm__raise *r, int64_t id, const char *prio,
                  const char **what, hm_err *err)
{
    /* A repeat may raise the priority (a device escalating its own alert), never lower it. */
    enum hm_alarm_prio old = HM_ALARM_HIGH;
    hm__alarm_prio_parse(prio, &old);
    enum hm_alarm_prio p = r->prio < old ? r->prio : old;
    *what = "updated";
    return hm_db_exec(
        db,
        "UPDATE alarm SET repeats = repeats + 1, updated_ms = ?, device_ended = 0,"
        " priority = ?, text = ? WHERE id = ?",
        HM_ARGS(HM_I(r->now_ms), HM_S(hm__alarm_prio_name(p)), HM_S(r->text), HM_I(id)), err);
}

int hm__alarm_upsert(hm_alarms *a, hm_db *db, const struct hm__raise *r, int64_t *id,
                     const char **what, hm_err *err)
{
    *id = 0;
    *what = NULL;
    hm_cursor c;
    int rc = hm_db_query(db,
                         "SELECT id, state, priority FROM alarm WHERE alert_key = ? AND"
                         " state <> 'resolved'",
                         HM_ARGS(HM_S(r->key)), &c, err);
    if (rc)
        return rc;
    char state[16] = "", prio[8] = "";
    rc = hm_cursor_next(&c, err);
    if (rc == HM_ROW) {
        *id = hm_cursor_int(&c, 0);
        snprintf(state, sizeof state, "%s", hm_cursor_text(&c, 1));
        snprintf(prio, sizeof prio, "%s", hm_cursor_text(&c, 2));
    }
    hm_cursor_close(&c);
    if (rc < 0)
        return rc;
    if (!*id) {
        if (r->ended)
            return HM_OK; /* the end of something never seen open: the inbox keeps it */
        *what = "raised";
        return insert_alarm(a, db, r, id, err);
    }
    if (r->ended)
        return device_end(db, r, *id, state, prio, what, err);
    return repeat(db, r, *id, prio, what, err);
}

int hm__alarm_raise(hm_alarms *a, hm_db *db, const struct hm__raise *r, struct hm__pending *p,
                    int64_t *id, hm_err *err)
{
    int64_t touched = 0;
    const char *what = NULL;
    int rc = hm__alarm_upsert(a, db, r, &touched, &what, err);
    if (!rc && what)
        rc = hm__alarm_event_json(a, db, touched, what, p, err);
    if (id)
        *id = touched;
    return rc;
}

/* ---- HL7 PCD messages ---- */

static enum hm_alarm_prio pcd_prio(enum hm_pcd_priority p)
{
    if (p == HM_PCD_PRIO_MEDIUM)
        return HM_ALARM_MEDIUM;
    if (p == HM_PCD_PRIO_LOW || p == HM_PCD_PRIO_NONE)
        return HM_ALARM_LOW;
    return HM_ALARM_HIGH; /* unknown priority: treat as the worst, a person will look */
}

static const char *pcd_kind(enum hm_pcd_alert_kind k)
{
    switch (k) {
    case HM_PCD_KIND_PHYSIOLOGICAL:
        return "physiological";
    case HM_PCD_KIND_ADVISORY:
        return "advisory";
    default:
        return "technical";
    }
}

static void hd_text(const hm_hl7_hd *h, char *out, size_t cap, size_t *off)
{
    int n = snprintf(out + *off, cap - *off, "%s^%s^%s|", h->ns, h->uid, h->type);
    if (n > 0)
        *off = *off + (size_t)n < cap ? *off + (size_t)n : cap - 1;
}

struct pcd_job {
    hm_alarms *a;
    const hm_pcd_msg *m;
    json_t *vitals, *skipped; /* PCD-01: the vital signs mapped, the values left out */
    int64_t observed_ms;
    int64_t now_ms;
    char sender[400];
    int duplicate;
    struct hm__pending pend;
};

static char *pcd_summary(const hm_pcd_msg *m, json_t *skipped)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:I}", "kind", hm_pcd_kind_name(m->kind), "type",
                          m->header.trigger, "patient_id", m->patient_id, "time_ms",
                          (json_int_t)m->time_ms);
    if (!j)
        return NULL;
    if (m->kind == HM_PCD_ALERT) {
        json_object_set_new(j, "alert", json_string(m->alert.code.name));
        json_object_set_new(j, "phase", json_string(hm_pcd_phase_name(m->alert.phase)));
        json_object_set_new(j, "priority", json_string(hm_pcd_priority_name(m->alert.priority)));
    } else if (m->kind == HM_PCD_PUMP_EVENT) {
        json_object_set_new(j, "event", json_string(m->event.code.name));
    } else {
        json_t *obs = json_array();
        for (size_t i = 0; i < m->n_obs && i < 16; i++)
            json_array_append_new(obs,
                                  json_pack("{s:s, s:s, s:s}", "code", m->obs[i].id.name, "value",
                                            m->obs[i].value, "unit", m->obs[i].units.name));
        json_object_set_new(j, "obs", obs);
        if (json_array_size(skipped))
            json_object_set(j, "skipped", skipped);
    }
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static int pcd_alert(struct pcd_job *j, hm_db *db, const struct hm__ctx *ctx, int64_t *alarm,
                     hm_err *err)
{
    const hm_pcd_msg *m = j->m;
    const char *code = m->alert.code.name[0] ? m->alert.code.name : m->alert.code.code;
    char key[200];
    snprintf(key, sizeof key, "dev:%s|%s", m->device_serial, code);
    const char *text = m->alert.text[0] ? m->alert.text : code;
    struct hm__raise r = {.source = "device",
                          .key = key,
                          .serial = m->device_serial,
                          .device_alert_id = m->alert.id,
                          .code = code[0] ? code : "MDC_EVT_ALARM",
                          .text = text[0] ? text : "device alarm",
                          .kind = pcd_kind(m->alert.kind),
                          .prio = pcd_prio(m->alert.priority),
                          .ended = m->alert.ended,
                          .patient = ctx->patient,
                          .episode = ctx->episode,
                          .municipality = ctx->municipality,
                          .pathway = ctx->pathway,
                          .now_ms = j->now_ms,
                          .request_id = m->header.control_id};
    return hm__alarm_raise(j->a, db, &r, &j->pend, alarm, err);
}

/* The device was heard: a silence alarm it had ends (it spoke again). */
static int heard(struct pcd_job *j, hm_db *db, const struct hm__ctx *ctx, hm_err *err)
{
    const char *serial = j->m->device_serial;
    int64_t silent = 0;
    int rc = hm_db_query_int(db,
                             "SELECT coalesce(silent_alarm_id, 0) FROM device_heard WHERE"
                             " serial = ?",
                             HM_ARGS(HM_S(serial)), &silent, err);
    if (rc == HM_ENOTFOUND)
        rc = HM_OK;
    if (!rc)
        rc = hm_db_exec(db,
                        "INSERT INTO device_heard (serial, last_ms) VALUES (?, ?) ON CONFLICT"
                        " (serial) DO UPDATE SET last_ms = CASE WHEN excluded.last_ms > device_heard.last_ms"
                        " THEN excluded.last_ms ELSE device_heard.last_ms END,"
                        " silent_alarm_id = NULL",
                        HM_ARGS(HM_S(serial), HM_I(j->now_ms)), err);
    if (rc || !silent)
        return rc;
    char key[120];
    snprintf(key, sizeof key, "silence:%s", serial);
    struct hm__raise r = {.source = "silence",
                          .key = key,
                          .serial = serial,
                          .ended = 1,
                          .patient = ctx->patient,
                          .now_ms = j->now_ms};
    return hm__alarm_raise(j->a, db, &r, &j->pend, NULL, err);
}

/* A PCD-01's vital signs as an observation of ctx's open episode (kind device_vitals, source
 * device, the message's device serial); nothing without an open episode or values. */
static int store_device_vitals(hm_db *db, const hm_pcd_msg *m, const struct hm__ctx *ctx,
                               const json_t *values, int64_t observed_ms, int64_t now_ms,
                               hm_err *err)
{
    if (!ctx->episode || json_object_size(values) == 0)
        return HM_OK;
    char *body = json_dumps(values, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
    if (!body)
        return hm_err_set(err, HM_ENOMEM, "cannot store device values: out of memory");
    int rc = hm_db_exec(db,
                        "INSERT INTO observation (patient_id, episode_id, kind, body, source,"
                        " observed_ms, recorded_ms, device_serial) VALUES"
                        " (?, ?, 'device_vitals', ?, 'device', ?, ?, ?)",
                        HM_ARGS(HM_I(ctx->patient), HM_I(ctx->episode), HM_S(body),
                                HM_I(observed_ms), HM_I(now_ms), HM_S(m->device_serial)),
                        err);
    free(body);
    return rc;
}

static int pcd_job(hm_db *db, void *arg, hm_err *err)
{
    struct pcd_job *j = arg;
    const hm_pcd_msg *m = j->m;
    char *summary = pcd_summary(m, j->skipped);
    if (!summary)
        return hm_err_set(err, HM_ENOMEM, "cannot store message: out of memory");
    int rc = hm_db_exec(db,
                        "INSERT INTO hl7_inbox (sender, control_id, kind, device_serial,"
                        " summary, received_ms) VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                        HM_ARGS(HM_S(j->sender), HM_S(m->header.control_id),
                                HM_S(hm_pcd_kind_name(m->kind)), HM_S(m->device_serial),
                                HM_S(summary), HM_I(j->now_ms)),
                        err);
    free(summary);
    if (rc)
        return rc;
    if (hm_db_changes(db) == 0) {
        j->duplicate = 1; /* a resend: answered AA again, nothing changes */
        return HM_OK;
    }
    struct hm__ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    if (m->device_serial[0] && (rc = hm__ctx_device(db, m->device_serial, &ctx, err)))
        return rc;
    if (!ctx.patient && (rc = ctx_national_id(db, m, &ctx, err)))
        return rc;
    if (m->device_serial[0] && (rc = heard(j, db, &ctx, err)))
        return rc;
    int64_t alarm = 0;
    if (m->kind == HM_PCD_ALERT && (rc = pcd_alert(j, db, &ctx, &alarm, err)))
        return rc;
    if (m->kind == HM_PCD_PUMP_EVENT &&
        (rc = hm__rules_pump_event(db, j->a, m, j->now_ms, &ctx, &j->pend, err)))
        return rc;
    if (j->vitals &&
        (rc = store_device_vitals(db, m, &ctx, j->vitals, j->observed_ms, j->now_ms, err)))
        return rc;
    if (!ctx.patient && !alarm)
        return HM_OK;
    return hm_db_exec(db,
                      "UPDATE hl7_inbox SET patient_id = ?, episode_id = ?, alarm_id = ?"
                      " WHERE sender = ? AND control_id = ?",
                      HM_ARGS(ctx.patient ? HM_I(ctx.patient) : HM_NULLV,
                              ctx.episode ? HM_I(ctx.episode) : HM_NULLV,
                              alarm ? HM_I(alarm) : HM_NULLV, HM_S(j->sender),
                              HM_S(m->header.control_id)),
                      err);
}

int hm_alarms_pcd_sink(void *ctx, const hm_pcd_msg *m, const char *raw, size_t len, hm_err *err)
{
    (void)raw;
    (void)len;
    hm_alarms *a = ctx;
    struct pcd_job *j = calloc(1, sizeof *j);
    if (!j)
        return hm_err_set(err, HM_ENOMEM, "cannot store message: out of memory");
    j->a = a;
    j->m = m;
    j->now_ms = hm_clock_now(a->clock);
    if (m->kind == HM_PCD_OBSERVATION &&
        hm__device_vitals_map(m, j->now_ms, &j->vitals, &j->skipped, &j->observed_ms)) {
        free(j);
        return hm_err_set(err, HM_ENOMEM, "cannot store message: out of memory");
    }
    size_t off = 0;
    hd_text(&m->header.sending_app, j->sender, sizeof j->sender, &off);
    hd_text(&m->header.sending_fac, j->sender, sizeof j->sender, &off);
    int rc = hm_writer_submit(a->w, pcd_job, j, err);
    hm__pending_publish(a, &j->pend, rc == HM_OK);
    json_decref(j->vitals);
    json_decref(j->skipped);
    free(j);
    return rc;
}

/* ---- "I need help" and rules ---- */

struct help_job {
    hm_alarms *a;
    const hm_alarm_call *c;
    int64_t patient;
    const char *text;
    enum hm_alarm_prio prio;
    int64_t id;
    struct hm__pending pend;
};

static int help_job(hm_db *db, void *arg, hm_err *err)
{
    struct help_job *h = arg;
    int em = 0;
    int rc = hm_policy_patient_access(db, h->c->actor, h->patient, h->c->now_ms, &em, err);
    struct hm__ctx ctx;
    if (!rc)
        rc = hm__ctx_patient(db, h->patient, &ctx, err);
    if (rc)
        return rc;
    char key[64];
    snprintf(key, sizeof key, "help:%lld", (long long)h->patient);
    struct hm__raise r = {.source = "help",
                          .key = key,
                          .code = "HEIME_HELP",
                          .text = h->text,
                          .kind = "help",
                          .prio = h->prio,
                          .patient = h->patient,
                          .episode = ctx.episode,
                          .municipality = ctx.municipality,
                          .pathway = ctx.pathway,
                          .raised_by = h->c->actor->account_id,
                          .actor = h->c->actor,
                          .request_id = h->c->request_id,
                          .now_ms = h->c->now_ms};
    return hm__alarm_raise(h->a, db, &r, &h->pend, &h->id, err);
}

int hm_alarms_help(hm_alarms *a, const hm_alarm_call *c, int64_t patient_id, const json_t *in,
                   json_t **out, hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_OBSERVATION_CREATE, err);
    if (rc)
        return rc;
    static const char *const allowed[] = {"text", "priority", NULL};
    const char *text = NULL, *prio = NULL;
    struct help_job h = {.a = a, .c = c, .patient = patient_id, .prio = HM_ALARM_HIGH};
    if (in && !json_is_object(in))
        return hm_err_set(err, HM_EINVAL, "the request body must be a JSON object");
    if (in && ((rc = hm_json_only(in, allowed, err)) ||
               (rc = hm_json_str(in, "text", 0, 500, &text, err)) ||
               (rc = hm_json_str(in, "priority", 0, 8, &prio, err))))
        return rc;
    if (prio && hm__alarm_prio_parse(prio, &h.prio))
        return hm_err_set(err, HM_EINVAL, "field 'priority' must be high, medium or low");
    h.text = text && text[0] ? text : "I need help";
    rc = hm_writer_submit(a->w, help_job, &h, err);
    if (rc) {
        hm__pending_publish(a, &h.pend, 0);
        return rc;
    }
    hm_db *db;
    int64_t patient = 0;
    rc = hm_store_read_begin(a->st, &db, err);
    if (!rc) {
        rc = hm__alarm_load(a, db, h.id, out, &patient, err);
        hm_store_read_end(a->st, db);
    }
    hm__pending_publish(a, &h.pend, 1);
    return rc;
}
