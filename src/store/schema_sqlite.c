/* schema_sqlite.c: the SQLite schema as versioned migrations. Never edit a released migration:
 * add a new one. Instants are UTC milliseconds (INTEGER); local dates are 'YYYY-MM-DD' text;
 * booleans are 0/1. The PostgreSQL backend carries the same tables in its own DDL. */
#include "store/store_int.h"

static const char schema_v1[] =
    /* Organisations form a tree: hospital trust > hospital > section > ward; municipality > zone;
     * depot; response centre. */
    "CREATE TABLE org ("
    " id INTEGER PRIMARY KEY,"
    " parent_id INTEGER REFERENCES org(id),"
    " kind TEXT NOT NULL CHECK (kind IN ('region','hospital_trust','hospital','section','ward',"
    "   'department','municipality','zone','depot','response_centre')),"
    " root_id INTEGER REFERENCES org(id),"
    " code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " lat REAL, lon REAL);"
    "CREATE INDEX org_parent ON org(parent_id);"
    /* The closure of the tree (every org is its own ancestor too), kept by the code that inserts
     * organisations, so that access checks are one indexed lookup. */
    "CREATE TABLE org_ancestor ("
    " org_id INTEGER NOT NULL REFERENCES org(id),"
    " ancestor_id INTEGER NOT NULL REFERENCES org(id),"
    " PRIMARY KEY (org_id, ancestor_id)) WITHOUT ROWID;"
    /* A response centre serves municipalities: the care relation for its operators. */
    "CREATE TABLE org_serves ("
    " centre_id INTEGER NOT NULL REFERENCES org(id),"
    " municipality_id INTEGER NOT NULL REFERENCES org(id),"
    " PRIMARY KEY (centre_id, municipality_id));"
    "CREATE TABLE staff ("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES org(id),"
    " name TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK (role IN ('physician','hospital_nurse','municipal_nurse',"
    "   'super_user','operator','logistics','analyst','admin')),"
    " phone TEXT,"
    " active INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX staff_org ON staff(org_id);"
    "CREATE TABLE competence ("
    " id INTEGER PRIMARY KEY,"
    " staff_id INTEGER NOT NULL REFERENCES staff(id),"
    " kind TEXT NOT NULL,"
    " trained_on TEXT NOT NULL,"
    " expires_on TEXT,"
    " UNIQUE (staff_id, kind));"
    "CREATE TABLE patient ("
    " id INTEGER PRIMARY KEY,"
    " national_id TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " address TEXT NOT NULL,"
    " lat REAL NOT NULL, lon REAL NOT NULL,"
    " municipality_id INTEGER NOT NULL REFERENCES org(id),"
    " zone_id INTEGER REFERENCES org(id),"
    " language TEXT NOT NULL,"
    " phone TEXT,"
    " next_of_kin TEXT NOT NULL DEFAULT '[]',"
    " created_ms INTEGER NOT NULL);"
    "CREATE INDEX patient_municipality ON patient(municipality_id);"
    "CREATE TABLE account ("
    " id INTEGER PRIMARY KEY,"
    " username TEXT NOT NULL UNIQUE,"
    " pw_hash TEXT NOT NULL,"
    " role TEXT NOT NULL,"
    " staff_id INTEGER REFERENCES staff(id),"
    " patient_id INTEGER REFERENCES patient(id),"
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " CHECK ((staff_id IS NULL) <> (patient_id IS NULL)));"
    "CREATE TABLE session ("
    " token_hash TEXT PRIMARY KEY,"
    " account_id INTEGER NOT NULL REFERENCES account(id),"
    " created_ms INTEGER NOT NULL,"
    " expires_ms INTEGER NOT NULL,"
    " revoked_ms INTEGER);"
    "CREATE INDEX session_account ON session(account_id);"
    /* An episode of care on one pathway. States: referred > approved > trained > active
     * (<> readmitted) > completed | discontinued. */
    "CREATE TABLE episode ("
    " id INTEGER PRIMARY KEY,"
    " patient_id INTEGER NOT NULL REFERENCES patient(id),"
    " pathway TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('referred','approved','trained','active',"
    "   'readmitted','completed','discontinued')),"
    " hospital_org_id INTEGER NOT NULL REFERENCES org(id),"
    " home_care_org_id INTEGER NOT NULL REFERENCES org(id),"
    " backup_org_id INTEGER REFERENCES org(id),"
    " referred_by INTEGER NOT NULL REFERENCES staff(id),"
    " referred_ms INTEGER NOT NULL,"
    " eligibility TEXT NOT NULL DEFAULT '{}',"
    " physician_id INTEGER REFERENCES staff(id),"
    " approved_ms INTEGER,"
    " trained_ms INTEGER, trained_by INTEGER REFERENCES staff(id),"
    " activated_ms INTEGER,"
    " ended_ms INTEGER,"
    " outcome TEXT, outcome_note TEXT,"
    " hospital_weekdays INTEGER NOT NULL DEFAULT -1,"
    " generated_to TEXT);"
    "CREATE INDEX episode_patient ON episode(patient_id);"
    "CREATE INDEX episode_home_care ON episode(home_care_org_id, state);"
    /* The timeline of state changes, from which bed-days at home are computed. */
    "CREATE TABLE episode_event ("
    " id INTEGER PRIMARY KEY,"
    " episode_id INTEGER NOT NULL REFERENCES episode(id),"
    " kind TEXT NOT NULL,"
    " at_ms INTEGER NOT NULL,"
    " staff_id INTEGER REFERENCES staff(id),"
    " note TEXT);"
    "CREATE INDEX episode_event_episode ON episode_event(episode_id, at_ms);"
    "CREATE TABLE regimen ("
    " id INTEGER PRIMARY KEY,"
    " episode_id INTEGER NOT NULL REFERENCES episode(id),"
    " version INTEGER NOT NULL,"
    " drug_code TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " created_by INTEGER NOT NULL REFERENCES staff(id),"
    " UNIQUE (episode_id, version));"
    "CREATE TABLE device ("
    " id INTEGER PRIMARY KEY,"
    " serial TEXT NOT NULL UNIQUE,"
    " kind TEXT NOT NULL DEFAULT 'infusion_pump',"
    " model TEXT NOT NULL,"
    " depot_id INTEGER REFERENCES org(id),"
    " status TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available','assigned',"
    "   'service','retired')),"
    " service_due TEXT);"
    /* One pump, one patient at a time: at most one open assignment per device and per episode. */
    "CREATE TABLE device_assignment ("
    " id INTEGER PRIMARY KEY,"
    " device_id INTEGER NOT NULL REFERENCES device(id),"
    " episode_id INTEGER NOT NULL REFERENCES episode(id),"
    " assigned_ms INTEGER NOT NULL,"
    " assigned_by INTEGER REFERENCES staff(id),"
    " released_ms INTEGER);"
    "CREATE UNIQUE INDEX device_assignment_open_device ON device_assignment(device_id)"
    " WHERE released_ms IS NULL;"
    "CREATE UNIQUE INDEX device_assignment_open_episode ON device_assignment(episode_id)"
    " WHERE released_ms IS NULL;"
    /* A municipality's declared shortage: home-care tasks on these dates go to the backup ward. */
    "CREATE TABLE shortage ("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES org(id),"
    " from_date TEXT NOT NULL,"
    " to_date TEXT NOT NULL,"
    " reason TEXT NOT NULL,"
    " declared_by INTEGER NOT NULL REFERENCES staff(id),"
    " created_ms INTEGER NOT NULL,"
    " CHECK (to_date >= from_date));"
    /* AUTOINCREMENT: regenerated tasks must never take the id of a deleted one, or a worklist
     * fetched earlier would document the wrong task. */
    "CREATE TABLE task ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " episode_id INTEGER NOT NULL REFERENCES episode(id),"
    " patient_id INTEGER NOT NULL REFERENCES patient(id),"
    " kind TEXT NOT NULL,"
    " local_date TEXT NOT NULL,"
    " seq INTEGER NOT NULL,"
    " window_start_ms INTEGER NOT NULL,"
    " window_end_ms INTEGER NOT NULL,"
    " due_ms INTEGER NOT NULL,"
    " duration_min INTEGER NOT NULL,"
    " competence TEXT,"
    " org_id INTEGER NOT NULL REFERENCES org(id),"
    " location TEXT NOT NULL,"
    " priority INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'planned' CHECK (state IN ('planned','done','not_done',"
    "   'paused','cancelled')),"
    " done_ms INTEGER,"
    " done_by INTEGER REFERENCES staff(id),"
    " documentation TEXT,"
    " reason TEXT,"
    " assigned_staff_id INTEGER REFERENCES staff(id),"
    " route_order INTEGER,"
    " UNIQUE (episode_id, kind, local_date, seq));"
    "CREATE INDEX task_org_date ON task(org_id, local_date);"
    "CREATE INDEX task_episode ON task(episode_id, window_start_ms);"
    "CREATE TABLE observation ("
    " id INTEGER PRIMARY KEY,"
    " patient_id INTEGER NOT NULL REFERENCES patient(id),"
    " episode_id INTEGER REFERENCES episode(id),"
    " kind TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " source TEXT NOT NULL CHECK (source IN ('nurse','patient','device')),"
    " observed_ms INTEGER NOT NULL,"
    " recorded_ms INTEGER NOT NULL,"
    " recorded_by INTEGER NOT NULL REFERENCES account(id),"
    " task_id INTEGER REFERENCES task(id));"
    "CREATE INDEX observation_patient ON observation(patient_id, observed_ms);"
    "CREATE TABLE emergency_access ("
    " id INTEGER PRIMARY KEY,"
    " staff_id INTEGER NOT NULL REFERENCES staff(id),"
    " patient_id INTEGER NOT NULL REFERENCES patient(id),"
    " reason TEXT NOT NULL,"
    " granted_ms INTEGER NOT NULL,"
    " expires_ms INTEGER NOT NULL,"
    " reviewed_ms INTEGER, reviewed_by INTEGER REFERENCES staff(id));"
    "CREATE INDEX emergency_access_staff ON emergency_access(staff_id, patient_id);"
    /* The audit log: append-only, hash-chained (hash = SHA-256 of prev_hash and the row's
     * canonical text). Triggers refuse UPDATE and DELETE through SQL; the chain catches edits
     * made around them. One row per request; audit_patient indexes it by patient. */
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY,"
    " at_ms INTEGER NOT NULL,"
    " account_id INTEGER,"
    " role TEXT NOT NULL,"
    " org_id INTEGER,"
    " action TEXT NOT NULL,"
    " object TEXT NOT NULL,"
    " patients TEXT NOT NULL,"
    " reason TEXT,"
    " emergency INTEGER NOT NULL DEFAULT 0,"
    " request_id TEXT,"
    " prev_hash TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE TABLE audit_patient ("
    " patient_id INTEGER NOT NULL,"
    " audit_id INTEGER NOT NULL,"
    " PRIMARY KEY (patient_id, audit_id)) WITHOUT ROWID;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    /* A counter that every change of what a worklist shows moves on, kept by triggers so that
     * no writer (the API, the planner CLI, a migration) can forget it: caches of worklists
     * compare it before they answer. */
    "CREATE TABLE change_counter (name TEXT PRIMARY KEY, v INTEGER NOT NULL);"
    "INSERT INTO change_counter (name, v) VALUES ('worklist', 0);"
    "CREATE TRIGGER worklist_task_insert AFTER INSERT ON task"
    " BEGIN UPDATE change_counter SET v = v + 1 WHERE name = 'worklist'; END;"
    "CREATE TRIGGER worklist_task_update AFTER UPDATE ON task"
    " BEGIN UPDATE change_counter SET v = v + 1 WHERE name = 'worklist'; END;"
    "CREATE TRIGGER worklist_task_delete AFTER DELETE ON task"
    " BEGIN UPDATE change_counter SET v = v + 1 WHERE name = 'worklist'; END;"
    "CREATE TRIGGER worklist_patient_update AFTER UPDATE ON patient"
    " BEGIN UPDATE change_counter SET v = v + 1 WHERE name = 'worklist'; END;"
    "CREATE TRIGGER worklist_org_update AFTER UPDATE ON org"
    " BEGIN UPDATE change_counter SET v = v + 1 WHERE name = 'worklist'; END;";

/* Alarms (issue 4): device alerts, rule alarms and "I need help", one open row per condition
 * (alert_key), the history of every transition, the HL7 inbox that makes resends harmless, the
 * last time each device was heard from, and the durable webhook outbox. */
static const char schema_v2[] =
    "CREATE TABLE alarm ("
    " id INTEGER PRIMARY KEY,"
    " source TEXT NOT NULL CHECK (source IN ('device','rule','help','silence')),"
    " alert_key TEXT NOT NULL,"
    " device_serial TEXT,"
    " device_alert_id TEXT,"
    " code TEXT NOT NULL,"
    " text TEXT NOT NULL,"
    " priority TEXT NOT NULL CHECK (priority IN ('high','medium','low')),"
    " kind TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('open','acknowledged','resolved')),"
    " device_ended INTEGER NOT NULL DEFAULT 0,"
    " patient_id INTEGER REFERENCES patient(id),"
    " episode_id INTEGER REFERENCES episode(id),"
    " municipality_id INTEGER REFERENCES org(id),"
    " pathway TEXT,"
    " raised_ms INTEGER NOT NULL,"
    " updated_ms INTEGER NOT NULL,"
    " repeats INTEGER NOT NULL DEFAULT 1,"
    " raised_by INTEGER REFERENCES account(id),"
    " acked_ms INTEGER, acked_by INTEGER REFERENCES account(id),"
    " resolved_ms INTEGER, resolved_by INTEGER REFERENCES account(id),"
    " tier INTEGER NOT NULL DEFAULT 0,"
    " escalate_at_ms INTEGER);"
    "CREATE UNIQUE INDEX alarm_open_key ON alarm(alert_key) WHERE state <> 'resolved';"
    "CREATE INDEX alarm_state ON alarm(state, raised_ms);"
    "CREATE INDEX alarm_escalate ON alarm(escalate_at_ms) WHERE escalate_at_ms IS NOT NULL;"
    "CREATE TABLE alarm_event ("
    " id INTEGER PRIMARY KEY,"
    " alarm_id INTEGER NOT NULL REFERENCES alarm(id),"
    " kind TEXT NOT NULL,"
    " at_ms INTEGER NOT NULL,"
    " account_id INTEGER REFERENCES account(id),"
    " tier INTEGER,"
    " note TEXT);"
    "CREATE INDEX alarm_event_alarm ON alarm_event(alarm_id, at_ms);"
    "CREATE TABLE hl7_inbox ("
    " sender TEXT NOT NULL,"
    " control_id TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " device_serial TEXT,"
    " patient_id INTEGER,"
    " episode_id INTEGER,"
    " alarm_id INTEGER,"
    " summary TEXT NOT NULL,"
    " received_ms INTEGER NOT NULL,"
    " PRIMARY KEY (sender, control_id)) WITHOUT ROWID;"
    "CREATE TABLE device_heard ("
    " serial TEXT PRIMARY KEY,"
    " last_ms INTEGER NOT NULL,"
    " silent_alarm_id INTEGER) WITHOUT ROWID;"
    "CREATE TABLE webhook_outbox ("
    " id INTEGER PRIMARY KEY,"
    " alarm_id INTEGER NOT NULL REFERENCES alarm(id),"
    " body TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " next_try_ms INTEGER NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " delivered_ms INTEGER,"
    " last_error TEXT);"
    "CREATE INDEX webhook_outbox_due ON webhook_outbox(next_try_ms) WHERE delivered_ms IS NULL;";

/* Alarm rules (issue 4): durable cursors of the rule passes (observations scored, task
 * deadlines checked), so that each observation and each missed task is judged exactly once,
 * and the infusion state each pump last reported. */
static const char schema_v3[] =
    "CREATE TABLE rule_cursor ("
    " name TEXT PRIMARY KEY,"
    " value INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE pump_state ("
    " serial TEXT PRIMARY KEY,"
    " stopped_ms INTEGER,"
    " alarm_id INTEGER) WITHOUT ROWID;";

/* NEWS2 SpO2 scale per episode (issue 6): scale 2 (target 88-92 %, hypercapnic respiratory
 * failure) only when a physician prescribes it; the alert rules and the browser both read it. */
static const char schema_v4[] =
    "ALTER TABLE episode ADD COLUMN spo2_scale INTEGER NOT NULL DEFAULT 1"
    " CHECK (spo2_scale IN (1, 2));";

/* The missed-task rule pass looks, every tick, for planned tasks whose window ended since its
 * cursor: without this index that was a scan of every task (~760,000 with 10,000 patients,
 * 60-90 ms inside the writer, four times a second). Partial: done tasks never qualify. */
static const char schema_v5[] =
    "CREATE INDEX task_planned_window_end ON task(window_end_ms) WHERE state = 'planned';";
/* The patient's questionnaire (issue 6): one row per answer, never updated (a new answer to the
 * same question on the same day supersedes the older one when shown). alarm_priority and
 * alarm_text are what the pathway's alarm rules said of the answer; the alert module's rule
 * pass raises the alarm from them (cursor "answer"). */
static const char schema_v6[] =
    "CREATE TABLE answer ("
    " id INTEGER PRIMARY KEY,"
    " episode_id INTEGER NOT NULL REFERENCES episode(id),"
    " patient_id INTEGER NOT NULL REFERENCES patient(id),"
    " question_id TEXT NOT NULL,"
    " local_date TEXT NOT NULL,"
    " value TEXT NOT NULL,"
    " answered_by INTEGER NOT NULL REFERENCES account(id),"
    " answered_role TEXT NOT NULL,"
    " answered_ms INTEGER NOT NULL,"
    " alarm_priority TEXT CHECK (alarm_priority IN ('high','medium','low')),"
    " alarm_text TEXT);"
    "CREATE INDEX answer_episode ON answer(episode_id, local_date);";
/* Staff administration and rosters (issues 6 and 5): a password an admin set is temporary until
 * its owner changes it; a nurse's shifts in a zone per Oslo local date (minutes of the day, a
 * shift ends by 24:00 on its own date), with an unpaid break window and length and, when not
 * the zone's office, where the shift starts and ends. A staff member's name is on the worklist:
 * its changes invalidate the cached worklists. */
static const char schema_v7[] =
    "ALTER TABLE account ADD COLUMN password_temporary INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE shift ("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES org(id),"
    " staff_id INTEGER NOT NULL REFERENCES staff(id),"
    " local_date TEXT NOT NULL,"
    " start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),"
    " end_min INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),"
    " break_from_min INTEGER, break_to_min INTEGER,"
    " break_min INTEGER NOT NULL DEFAULT 0 CHECK (break_min >= 0),"
    " start_lat REAL, start_lon REAL, end_lat REAL, end_lon REAL);"
    "CREATE INDEX shift_org_date ON shift(org_id, local_date);"
    "CREATE INDEX shift_staff_date ON shift(staff_id, local_date);"
    "CREATE TRIGGER worklist_staff_update AFTER UPDATE ON staff"
    " BEGIN UPDATE change_counter SET v = v + 1 WHERE name = 'worklist'; END;";

/* Retention of the HL7 inbox (alert/escalate.c) deletes the oldest messages first. */
static const char schema_v8[] = "CREATE INDEX hl7_inbox_received ON hl7_inbox(received_ms);";

/* Device measurements (IHE PCD-01 from a patient's pulse oximeter, blood-pressure monitor,
 * thermometer): an observation a device recorded has no account behind it, but the serial of
 * the device that measured it. SQLite cannot drop a NOT NULL in place, so the table is rebuilt
 * (ids kept: the alarm rules' cursor counts them). */
static const char schema_v9[] =
    "CREATE TABLE observation_v9 ("
    " id INTEGER PRIMARY KEY,"
    " patient_id INTEGER NOT NULL REFERENCES patient(id),"
    " episode_id INTEGER REFERENCES episode(id),"
    " kind TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " source TEXT NOT NULL CHECK (source IN ('nurse','patient','device')),"
    " observed_ms INTEGER NOT NULL,"
    " recorded_ms INTEGER NOT NULL,"
    " recorded_by INTEGER REFERENCES account(id),"
    " task_id INTEGER REFERENCES task(id),"
    " device_serial TEXT,"
    " CHECK ((source = 'device') = (recorded_by IS NULL)),"
    " CHECK ((source = 'device') = (device_serial IS NOT NULL)));"
    "INSERT INTO observation_v9 (id, patient_id, episode_id, kind, body, source, observed_ms,"
    " recorded_ms, recorded_by, task_id) SELECT id, patient_id, episode_id, kind, body, source,"
    " observed_ms, recorded_ms, recorded_by, task_id FROM observation;"
    "DROP TABLE observation;"
    "ALTER TABLE observation_v9 RENAME TO observation;"
    "CREATE INDEX observation_patient ON observation(patient_id, observed_ms);";

/* Devices that monitor the patient (pulse oximeter, blood-pressure monitor, thermometer) join
 * the infusion pump: an episode may have several devices, still one episode per device
 * (device_assignment_open_device) and at most one pump per episode (checked by care/episodes.c,
 * since the kind lives in device). */
static const char schema_v10[] = "DROP INDEX device_assignment_open_episode;";

/* A visit under way: the nurse marks that she has started it (she is at the patient). Re-planning
 * during the day leaves it with her, and she is free at its place once it ends. The task stays
 * 'planned' until documented, so the worklist and missed-task rules see it as before. */
static const char schema_v11[] = "ALTER TABLE task ADD COLUMN started_ms INTEGER;"
                                 "ALTER TABLE task ADD COLUMN started_by INTEGER REFERENCES staff(id);";

/* Rules that raise once per key ever (the questionnaire-missed rule: a resolved alarm is not
 * raised again) look a key up among all alarms, resolved ones too; the unique index covers only
 * open ones, so each look-up scanned the whole table (with 10,000 patients past the questionnaire
 * deadline, 0.3-0.9 s inside the writer per rules tick). */
static const char schema_v12[] = "CREATE INDEX alarm_key ON alarm(alert_key);";

/* The planned start of a visit on its nurse's route (UTC ms), from the last plan of the day: the
 * worklist says "planned 09:40" beside the window, so a nurse knows when she is expected. NULL
 * when no plan placed it; cleared whenever its nurse and route order are. */
static const char schema_v13[] = "ALTER TABLE task ADD COLUMN planned_ms INTEGER;";

/* Why the last plan of the day could not place a visit (the report's reason code: off_duty,
 * no_room, ...), so that the worklist still says it after the plan's report is gone. NULL when
 * placed or never planned. */
static const char schema_v14[] = "ALTER TABLE task ADD COLUMN unplanned TEXT;";

/* A coordinator's own choice of nurse that every later plan of the day keeps (assign.c). */
static const char schema_v15[] = "ALTER TABLE task ADD COLUMN nurse_locked INTEGER NOT NULL"
                                 " DEFAULT 0;";

/* Each plan of a zone's day, as figures without patient data (care/plan_runs.c): the worklist
 * says when the day was last planned, by whom or by the schedule, and with what result, also
 * after the plan's report is gone. */
static const char schema_v16[] =
    "CREATE TABLE plan_run ("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES org(id),"
    " local_date TEXT NOT NULL,"
    " made_ms INTEGER NOT NULL,"
    " made_by TEXT NOT NULL," /* the caller's username; "planner" for the system */
    " made_by_staff_id INTEGER REFERENCES staff(id),"
    " automatic INTEGER NOT NULL," /* the planning schedule or the demo: a day with no plan */
    " visits INTEGER NOT NULL, nurses INTEGER NOT NULL, unserved INTEGER NOT NULL,"
    " travel_minutes REAL NOT NULL, lateness_minutes REAL NOT NULL, feasible INTEGER NOT NULL,"
    " travel_source TEXT NOT NULL, seconds REAL NOT NULL);"
    "CREATE INDEX plan_run_day ON plan_run(org_id, local_date, made_ms);";

/* Visits two nurses make together (a template's task kind with "nurses": 2): the plan puts the
 * second nurse on partner_staff_id with her own route order, so both worklists show the visit. */
static const char schema_v17[] =
    "ALTER TABLE task ADD COLUMN nurses INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE task ADD COLUMN partner_staff_id INTEGER REFERENCES staff(id);"
    "ALTER TABLE task ADD COLUMN partner_route_order INTEGER;";

const struct hm_migration hm__sqlite_migrations[] = {
    {1, schema_v1},
    {2, schema_v2},
    {3, schema_v3},
    {4, schema_v4},
    {5, schema_v5},
    {6, schema_v6},
    {7, schema_v7},
    {8, schema_v8},
    {9, schema_v9},
    {10, schema_v10},
    {11, schema_v11},
    {12, schema_v12},
    {13, schema_v13},
    {14, schema_v14},
    {15, schema_v15},
    {16, schema_v16},
    {17, schema_v17},
};
const int hm__sqlite_migration_count = sizeof hm__sqlite_migrations / sizeof hm__sqlite_migrations[0];
