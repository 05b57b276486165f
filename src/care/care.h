/* care.h: the care workflow, the domain layer between the protocols (HTTP, MLLP, CLI) and
 * storage: patients, referrals, episodes and their state machine, regimens, pump assignment,
 * tasks, observations, emergency access and the access log.
 *
 * Every operation takes the caller (hm_actor), checks the role table and the care relation
 * (auth/policy.h), and writes its audit row in the same transaction as its change (writes run
 * as group-commit jobs, so an answer means durable). Operations speak JSON on both sides: a
 * parsed request object in, a new JSON value out, so the HTTP handlers only route. */
#ifndef HM_CARE_H
#define HM_CARE_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/error.h"
#include "base/time.h"
#include "store/store.h"
#include "store/writer.h"

struct hm_pathway;
struct hm_drug_catalogue;
struct hm_road_service;

typedef struct hm_care {
    hm_store *store;
    hm_writer *writer;
    const hm_clock *clock;
    const struct hm_pathway *const *pathways; /* loaded templates */
    size_t npathways;
    const struct hm_drug_catalogue *drugs;
    const struct hm_road_service *road; /* travel times for plans (care/road.h); NULL: estimated */
} hm_care;

/* The context of one call: who, when, which request (for the audit row and logs). */
typedef struct hm_call {
    hm_care *care;
    const hm_actor *actor;
    int64_t now_ms;
    const char *request_id;
} hm_call;

const struct hm_pathway *hm_care_pathway(const hm_care *c, const char *id);

/* Patients */
int hm_care_patients_list(const hm_call *c, json_t **out, hm_err *err);
int hm_care_patient_get(const hm_call *c, int64_t patient_id, json_t **out, hm_err *err);
/* The patients of hm_care_patients_list that f->match accepts (given each patient as the list
 * shows it), a page of them: *out holds those from f->offset on, at most f->limit, and *total
 * counts every match. The read's audit row names the patients answered, not the ones passed
 * over. (The FHIR facade's Patient search.) */
typedef struct hm_patient_filter {
    int (*match)(const json_t *patient, void *cls);
    void *cls;
    size_t offset, limit;
} hm_patient_filter;
int hm_care_patients_find(const hm_call *c, const hm_patient_filter *f, json_t **out,
                          size_t *total, hm_err *err);
/* Changes a patient's contact details (name, address with coordinates, zone within the same
 * municipality, language, phone, next of kin): clinical staff with a care relation; audited.
 * Answers the patient as hm_care_patient_get does. */
int hm_care_patient_update(const hm_call *c, int64_t patient_id, const json_t *in, json_t **out,
                           hm_err *err);
int hm_care_patient_episodes(const hm_call *c, int64_t patient_id, json_t **out, hm_err *err);
int hm_care_referral_create(const hm_call *c, const json_t *in, json_t **out, hm_err *err);

/* Episodes */
int hm_care_episode_get(const hm_call *c, int64_t episode_id, json_t **out, hm_err *err);
int hm_care_eligibility_answer(const hm_call *c, int64_t episode_id, const json_t *in,
                               json_t **out, hm_err *err);
int hm_care_episode_approve(const hm_call *c, int64_t episode_id, json_t **out, hm_err *err);
int hm_care_regimen_set(const hm_call *c, int64_t episode_id, const json_t *in, json_t **out,
                        hm_err *err);
/* Physician: the SpO2 scale NEWS2 uses for this episode {spo2_scale: 1|2, note?}. */
int hm_care_news2_scale_set(const hm_call *c, int64_t episode_id, const json_t *in, json_t **out,
                            hm_err *err);
int hm_care_pump_assign(const hm_call *c, int64_t episode_id, const json_t *in, json_t **out,
                        hm_err *err);
/* A monitoring device (any kind but an infusion pump) {serial} to the episode, and one device
 * (monitor or pump) back from it {serial}. */
int hm_care_device_assign(const hm_call *c, int64_t episode_id, const json_t *in, json_t **out,
                          hm_err *err);
int hm_care_device_release(const hm_call *c, int64_t episode_id, const json_t *in, json_t **out,
                           hm_err *err);
int hm_care_training_record(const hm_call *c, int64_t episode_id, const json_t *in,
                            json_t **out, hm_err *err);
int hm_care_episode_activate(const hm_call *c, int64_t episode_id, json_t **out, hm_err *err);
int hm_care_episode_readmit(const hm_call *c, int64_t episode_id, const json_t *in,
                            json_t **out, hm_err *err);
int hm_care_episode_return(const hm_call *c, int64_t episode_id, const json_t *in, json_t **out,
                           hm_err *err);
/* end: "completed" or "discontinued" */
int hm_care_episode_end(const hm_call *c, int64_t episode_id, const char *end_state,
                        const json_t *in, json_t **out, hm_err *err);

/* Tasks */
/* Task lists answer JSON text (an array), written without building a tree: free() it. */
int hm_care_episode_tasks(const hm_call *c, int64_t episode_id, char **out, size_t *len,
                          hm_err *err);
int hm_care_org_tasks(const hm_call *c, int64_t org_id, const char *date, char **out,
                      size_t *len, hm_err *err);
int hm_care_org_tasks_missed(const hm_call *c, int64_t org_id, char **out, size_t *len,
                             hm_err *err);
/* The nurse has started the visit (she is at the patient): the task is under way until documented. */
int hm_care_task_start(const hm_call *c, int64_t task_id, const json_t *in, json_t **out,
                       hm_err *err);
/* Takes a start back (DELETE /api/v1/tasks/{id}/start): the nurse who started it or a super-user. */
int hm_care_task_unstart(const hm_call *c, int64_t task_id, json_t **out, hm_err *err);
int hm_care_task_done(const hm_call *c, int64_t task_id, const json_t *in, json_t **out,
                      hm_err *err);
int hm_care_task_not_done(const hm_call *c, int64_t task_id, const json_t *in, json_t **out,
                          hm_err *err);
/* A coordinator's choice of nurse (assign.c): in {"staff_id": N or null, "locked": bool}; a
 * locked visit stays with that nurse through every later plan of the day. Municipal nurses and
 * super-users with access to the task's organisation; the task planned and not under way. */
int hm_care_task_assign(const hm_call *c, int64_t task_id, const json_t *in, json_t **out,
                        hm_err *err);
/* Moves the task horizon of every active episode on to today + the horizon (run at start-up
 * and every hour by the server). *extended: how many episodes got new days. */
int hm_care_tasks_extend(hm_care *care, int64_t now_ms, int *extended, hm_err *err);
int hm_care_shortage_declare(const hm_call *c, int64_t org_id, const json_t *in, json_t **out,
                             hm_err *err);

/* Observations */
int hm_care_observation_create(const hm_call *c, int64_t patient_id, const json_t *in,
                               json_t **out, hm_err *err);
int hm_care_observations_list(const hm_call *c, int64_t patient_id, json_t **out, hm_err *err);
/* One observation as the list shows it, with "patient_id": care relation to its patient, audited
 * as "observation/<id>"; HM_ENOTFOUND when there is no such observation. */
int hm_care_observation_get(const hm_call *c, int64_t observation_id, json_t **out, hm_err *err);
/* A patient's measurements for the FHIR facade's Observation search, read in one transaction
 * and audited as the observation list is ("patient/<id>/observations"): {"observations": as
 * hm_care_observations_list, "answers": the questionnaire answers as
 * hm_care_episode_answers lists them, of every episode}, each newest first, at most 500. */
int hm_care_patient_measurements(const hm_call *c, int64_t patient_id, json_t **out,
                                 hm_err *err);
/* One questionnaire answer as hm_care_episode_answers lists it, with "patient_id"; care
 * relation to its patient, audited as "answer/<id>"; HM_ENOTFOUND when there is none. */
int hm_care_answer_get(const hm_call *c, int64_t answer_id, json_t **out, hm_err *err);

/* Episodes with their organisations, for the FHIR facade's EpisodeOfCare: id, patient_id,
 * pathway, state, referred_at, activated_at, ended_at, hospital_org_id, hospital_org,
 * home_care_org_id, home_care_org, physician. One episode (care relation to its patient,
 * audited as "episode/<id>"), or a patient's, newest first (audited as
 * "patient/<id>/episodes"). */
int hm_care_episode_record(const hm_call *c, int64_t episode_id, json_t **out, hm_err *err);
int hm_care_patient_episode_records(const hm_call *c, int64_t patient_id, json_t **out,
                                    hm_err *err);

/* The patient's questionnaire (answers.c). Questions due on date ("YYYY-MM-DD", NULL = today in
 * Europe/Oslo) with the day's newest answer of each; a set of answers {"date"?, "answers":
 * {"<question id>": value}} checked against the template, all or nothing; an episode's answers,
 * newest first. */
int hm_care_questions_due(const hm_call *c, int64_t patient_id, const char *date, json_t **out,
                          hm_err *err);
int hm_care_answers_submit(const hm_call *c, int64_t patient_id, const json_t *in, json_t **out,
                           hm_err *err);
int hm_care_episode_answers(const hm_call *c, int64_t episode_id, json_t **out, hm_err *err);

/* Access */
int hm_care_emergency_access(const hm_call *c, int64_t patient_id, const json_t *in,
                             json_t **out, hm_err *err);
int hm_care_access_log(const hm_call *c, int64_t patient_id, json_t **out, hm_err *err);
int hm_care_emergency_review(const hm_call *c, json_t **out, hm_err *err);

/* Organisations: inserts one under parent (0 = a top-level organisation), keeping the tree's
 * root and ancestor closure. Runs inside a write job. */
int hm_care_org_insert(hm_db *db, const char *code, int64_t parent, const char *kind,
                       const char *name, double lat, double lon, int64_t *id, hm_err *err);

/* Plans a zone's day (org id, date "YYYY-MM-DD"): its nurses on duty and the day's planned
 * visits still ahead go to the planner; each task gets its nurse and route order. *out: the
 * routes per nurse and the visits that could not be planned, with why. */
/* A plan that keeps the day's routes holds each visit that has a nurse to her and its planned
 * start within this many minutes either way: late visits are fitted in without moving what the
 * nurses and patients were told by more than that. The API may ask for 1..MAX. */
#define HM_PLAN_KEEP_MINUTES 15
#define HM_PLAN_KEEP_MINUTES_MAX 120
int hm_care_plan_day(hm_care *care, int64_t org_id, const char *date, double time_limit,
                     unsigned long long seed, json_t **out, hm_err *err);
/* The same, only when the day wants it, checked under the planning lock so that a plan made
 * meanwhile (a coordinator's) is never planned over; *out NULL when it wants nothing
 * (care/plan_ahead.c): a whole plan when none of its visits has a route yet and some is still to
 * be planned; when it has routes and visits came after its plan (no route and no reason why
 * not), those are fitted in and the routes kept (HM_PLAN_KEEP_MINUTES, as the API's
 * "keep_routes"). cancel: NULL, or a flag that ends the search at once when set (a server
 * shutting down): then nothing is stored and the answer is HM_EBUSY. */
int hm_care_plan_day_if_wanted(hm_care *care, int64_t org_id, const char *date,
                               double time_limit, unsigned long long seed,
                               const atomic_int *cancel, json_t **out, hm_err *err);
/* The plans made of a zone's day, newest first (GET /api/v1/orgs/{id}/plans?date=, default today
 * in Oslo): {"org_id", "date", "plans": [{"made_at", "made_by", "made_by_name", "automatic",
 * "visits", "nurses", "unserved", "travel_minutes", "lateness_minutes", "feasible",
 * "travel_source", "seconds"}]}. Who may list the zone's tasks may list them. */
int hm_care_org_plans(const hm_call *c, int64_t org_id, const char *date, json_t **out,
                      hm_err *err);
/* The same from the API (POST /api/v1/orgs/{id}/plan): a municipal nurse or super-user of an
 * organisation with access to the zone; in: {"date": "YYYY-MM-DD" (default today in Oslo),
 * "time_limit_s": 0.1-30 (default 5), "keep_routes": true (fit the visits without a nurse into
 * the day's routes; the others keep their nurse and start within "keep_minutes", default
 * HM_PLAN_KEEP_MINUTES)}. One plan at a time: HM_ECONFLICT while another runs. cancel: NULL, or
 * set while the plan runs (the caller went away): it stops, stores nothing, HM_EBUSY. */
int hm_care_plan_day_request(const hm_call *c, int64_t org_id, const json_t *in,
                             const atomic_int *cancel, json_t **out, hm_err *err);

/* Rosters (roster.c): a zone's shifts per Oslo local date. */
#define HM_ROSTER_MAX_DAYS 62     /* days one request reads or sets */
#define HM_ROSTER_MAX_SHIFTS 5000 /* shifts one request sets */
typedef struct hm_shift {
    int64_t staff_id;
    hm_date date;
    int start, end;             /* minutes of the local day; start < end <= 1440 */
    int break_from, break_to;   /* window in which the unpaid break starts; -1: none */
    int break_min;              /* length of the break; 0: none */
    int has_start_loc, has_end_loc; /* 0: the zone's office */
    double start_lat, start_lon, end_lat, end_lon;
} hm_shift;
/* Checks a roster request {from, to, shifts: [{staff_id, date, start, end, break_from?,
 * break_to?, break_minutes?, start_location?, end_location?}]} without the database: real dates
 * inside from..to, clock times, the end after the start, the break inside the shift, no two
 * shifts of one nurse overlapping. *shifts (free() it) comes sorted by nurse, date and start. */
int hm_care_roster_parse(const json_t *in, hm_date *from, hm_date *to, hm_shift **shifts,
                         size_t *n, hm_err *err);
/* The zone's shifts from..to (NULL: today; to NULL: from). Clinical staff of the zone's
 * municipality (or hospital) and admins. */
int hm_care_roster_get(const hm_call *c, int64_t org_id, const char *from, const char *to,
                       json_t **out, hm_err *err);
/* Replaces the zone's shifts from..to with the request's (super-users of that zone, or of its
 * municipality itself, and admins); each nurse must be an active nurse of the zone. *out: the
 * roster as read back. */
int hm_care_roster_set(const hm_call *c, int64_t org_id, const json_t *in, json_t **out,
                       hm_err *err);

/* Reference data */
int hm_care_orgs(const hm_call *c, json_t **out, hm_err *err);
int hm_care_devices(const hm_call *c, json_t **out, hm_err *err);
/* Staff with role, organisation, login name and competences (kind, trained_on, expires_on). */
int hm_care_staff(const hm_call *c, json_t **out, hm_err *err);
/* Admin: a new staff member with a login {name, role, org_id, phone?, username, password}. */
int hm_care_staff_create(const hm_call *c, const json_t *in, json_t **out, hm_err *err);
/* Admin or super-user: records (or renews) a competence {kind, trained_on, expires_on?}. */
int hm_care_competence_record(const hm_call *c, int64_t staff_id, const json_t *in, json_t **out,
                              hm_err *err);
/* Staff administration (admins; super-users for municipal nurses and super-users of their own
 * municipality). Update: {name?, phone? (null clears), role?, org_id?}; *out is the staff member
 * as the staff list shows them. */
int hm_care_staff_update(const hm_call *c, int64_t staff_id, const json_t *in, json_t **out,
                         hm_err *err);
/* active 0: disables the login, revokes its sessions, unassigns the planned visits ahead and
 * removes the shifts from today on (*out adds sessions_revoked, tasks_unassigned and
 * shifts_removed); active 1: enables it again. A new org_id in an update removes the shifts
 * from today on in zones the new organisation is not inside (*out adds shifts_removed). */
int hm_care_staff_set_active(const hm_call *c, int64_t staff_id, int active, json_t **out,
                             hm_err *err);
/* {password}: a temporary password (the owner is asked to change it); revokes the sessions. */
int hm_care_staff_password_reset(const hm_call *c, int64_t staff_id, const json_t *in,
                                 json_t **out, hm_err *err);
/* Ends a competence: {last_day?} (default yesterday, so it stops counting today); in may be
 * NULL. Remove: deletes a wrongly recorded one. Admins and super-users (own municipality). */
int hm_care_competence_end(const hm_call *c, int64_t staff_id, int64_t competence_id,
                           const json_t *in, json_t **out, hm_err *err);
int hm_care_competence_remove(const hm_call *c, int64_t staff_id, int64_t competence_id,
                              hm_err *err);

#endif
