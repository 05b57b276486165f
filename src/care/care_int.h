/* care_int.h: helpers shared by the care/ files only. */
#ifndef HM_CARE_INT_H
#define HM_CARE_INT_H

#include "auth/audit.h"
#include "auth/policy.h"
#include "care/care.h"

/* Runs fn(db, ctx) as a group-commit job: returns once durable (or failed and rolled back). */
int hm__care_write(const hm_call *c, hm_write_fn fn, void *ctx, hm_err *err);

/* Appends the audit row of this call (inside a write job). */
/* Runs sql (one parameter: task_id) and steps to its row: HM_OK with *cur on the row (close it),
 * or HM_ENOTFOUND "task N does not exist" (cursor closed). */
int hm__care_task_row(hm_db *db, int64_t task_id, const char *sql, hm_cursor *cur, hm_err *err);
int hm__care_audit(hm_db *db, const hm_call *c, const char *action, const char *object,
                   const int64_t *patients, size_t n, int emergency, const char *reason,
                   hm_err *err);

/* Appends a read's audit row as its own job, and returns once it is durable: data is answered
 * only after its reading is on record. */
int hm__care_audit_read(const hm_call *c, const char *object, const int64_t *patients, size_t n,
                        int emergency, hm_err *err);

/* The start of a read: the actor's role may do act, and *db is a reader connection (give it
 * back with hm_store_read_end). */
int hm__care_read_begin(const hm_call *c, enum hm_action act, hm_db **db, hm_err *err);

/* The end of a read of patient data: when the read succeeded (rc == HM_OK) its audit row is
 * written, and only then is result handed over in *out; on any failure result is freed and
 * the error returned. */
int hm__care_read_done(const hm_call *c, int rc, const char *object, const int64_t *patients,
                       size_t n, int emergency, json_t *result, json_t **out, hm_err *err);

/* A staff member as GET /api/v1/staff lists them: the columns HM__STAFF_SELECT reads, as JSON
 * with an empty "competences" array to fill (access.c: the list; staff_admin.c: one member). */
#define HM__STAFF_SELECT                                                                           \
    "SELECT s.id, s.name, s.role, s.org_id, o.name, s.phone,"                                     \
    " (SELECT a.username FROM account a WHERE a.staff_id = s.id), s.active"                       \
    " FROM staff s JOIN org o ON o.id = s.org_id"
json_t *hm__care_staff_row(hm_cursor *cur);

/* An answer to the questionnaire as GET /api/v1/episodes/{id}/answers lists it ({id,
 * question_id, date, value, answered_at, answered_by: {name, role}, alarm}): the columns
 * HM__ANSWER_SELECT reads (alias a; add the WHERE). */
#define HM__ANSWER_SELECT                                                                          \
    "SELECT a.id, a.question_id, a.local_date, a.value, a.answered_ms,"                           \
    " coalesce(s.name, pt.name), a.answered_role, a.alarm_priority, a.alarm_text FROM answer a"   \
    " LEFT JOIN account ac ON ac.id = a.answered_by LEFT JOIN staff s ON s.id = ac.staff_id"      \
    " LEFT JOIN patient pt ON pt.id = ac.patient_id"
json_t *hm__care_answer_row(hm_cursor *cur);

/* Role check plus care relation for one patient. */
int hm__care_patient_check(hm_db *db, const hm_call *c, enum hm_action act, int64_t patient_id,
                           int *emergency, hm_err *err);

/* The patient of an episode; HM_ENOTFOUND "episode N does not exist". */
int hm__care_episode_patient(hm_db *db, int64_t episode_id, int64_t *patient_id, hm_err *err);


/* A list's "?date=YYYY-MM-DD" query parameter (NULL: today in Oslo) as "YYYY-MM-DD" in out;
 * HM_EINVAL naming the parameter when it is not a date. */
int hm__care_query_date(const hm_call *c, const char *date, char out[11], hm_err *err);

/* A growable list of ids (patients touched, episodes to extend): push one, doubling the
 * storage as needed. HM_ENOMEM (list unchanged) when it cannot grow. */
typedef struct hm__ids {
    int64_t *v;
    size_t n, cap;
} hm__ids;
int hm__ids_push(hm__ids *ids, int64_t id, hm_err *err);

/* Staff administration (staff_admin.c). May the actor administer a staff member whose role is
 * target_role (and give them new_role, when not NULL)? Admins: anyone; super-users: municipal
 * nurses and super-users only (their organisation is checked separately). */
int hm__staff_may_manage(const hm_actor *a, const char *target_role, const char *new_role,
                         hm_err *err);
/* 1 when role is one of the staff roles. */
int hm__staff_role_known(const char *role);

/* A roster request's {from, to} (roster_check.c): real dates, to not before from, at most
 * HM_ROSTER_MAX_DAYS. */
int hm__roster_range(const json_t *in, hm_date *from, hm_date *to, hm_err *err);

/* One result row as JSON. */
typedef json_t *(*hm_row_fn)(hm_cursor *cur);

/* Appends row(cursor) to arr for every row of sql. */
int hm__care_rows(hm_db *db, const char *sql, const hm_val *p, int n, hm_row_fn row, json_t *arr,
                  hm_err *err);

/* One record read by its id, as a read of its patient's data (a physician's or nurse's
 * HM_ACT_PATIENT_READ): the record's patient (owner_sql, with the id as its one parameter,
 * answers one integer; none: "<what> <id> does not exist", 404), the care-relation check, then
 * the row of row_sql (same parameter) through row, with "patient_id" added when with_patient;
 * audited as "<what>/<id>" in the same way as every other read. */
struct hm__care_by_id {
    const char *what;
    const char *owner_sql;
    const char *row_sql;
    hm_row_fn row;
    int with_patient;
};
int hm__care_read_by_id(const hm_call *c, const struct hm__care_by_id *r, int64_t id,
                        json_t **out, hm_err *err);

/* A list about one patient: the role check for act, the care relation (unless need_relation is
 * 0), the rows of sql (its one parameter is the patient id) through row(), and the read's audit
 * row for "patient/<id>/<what>". */
int hm__care_patient_list(const hm_call *c, int64_t patient_id, enum hm_action act,
                          int need_relation, const char *sql, hm_row_fn row, const char *what,
                          json_t **out, hm_err *err);

/* The columns selected by HM__PATIENT_COLS (in this order) as JSON. */
#define HM__PATIENT_COLS                                                                           \
    "p.id, p.national_id, p.name, m.name, p.address, p.lat, p.lon, p.language, p.phone,"         \
    " p.next_of_kin, p.municipality_id, p.zone_id, z.name"
#define HM__PATIENT_JOIN                                                                           \
    " FROM patient p JOIN org m ON m.id = p.municipality_id LEFT JOIN org z ON z.id = p.zone_id"
json_t *hm__care_patient_json(hm_cursor *cur);

/* "HH:MM" of minutes of the day (0..1440; "24:00" is the end of the day). */
void hm__clock_text(int minutes, char out[6]);

/* Text of a column or "" (never NULL). */
const char *hm__text(hm_cursor *cur, int col);
/* JSON null for SQL NULL, else an integer / real / string. */
json_t *hm__jint(hm_cursor *cur, int col);
json_t *hm__jstr(hm_cursor *cur, int col);
json_t *hm__jtime(hm_cursor *cur, int col); /* ms column as ISO 8601 UTC string */

/* Records a plan of a zone's day from its report (plan_runs.c), in the plan's write job.
 * automatic: made by the planning schedule or the demo for a day that had no plan. */
int hm__plan_run_record(hm_db *db, const hm_call *c, int64_t org_id, const char *date,
                        int automatic, const json_t *report, hm_err *err);

#endif
