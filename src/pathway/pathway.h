/* pathway.h: pathway templates, regimens, task generation and task documentation checks.
 *
 * A pathway template is a JSON data file under pathways/ (format: docs/internals/pathway.md):
 * its eligibility checklist, its task kinds with their cadence, time window, duration,
 * competence, priority and documentation schema, and its division of labour between the
 * municipality and the hospital. Nothing about a particular service is hard-coded here: the
 * engine only interprets the template. This module is pure: no storage, no HTTP, no clock;
 * every function works over structs and jansson values.
 *
 * A loaded hm_pathway is immutable and may be shared across threads. Every function leaves
 * its outputs untouched on failure and puts a message naming the failing field in *err. */
#ifndef HM_PATHWAY_PATHWAY_H
#define HM_PATHWAY_PATHWAY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/time.h"
#include "pathway/drug.h"

/* ---- templates ---------------------------------------------------------------------------- */

typedef struct hm_pathway hm_pathway; /* a loaded, validated template; immutable, shareable */

/* Loads a template file (at most 1 MiB). Errors name the file and the JSON path:
 * "pathways/x.json: tasks[2].cadence.type: unknown cadence 'dayly'". */
int hm_pathway_load_file(const char *path, hm_pathway **out, hm_err *err);
/* Same from a parsed value; root is not consumed (the pathway keeps its own deep copy). */
int hm_pathway_load_json(const json_t *root, hm_pathway **out, hm_err *err);
void hm_pathway_free(hm_pathway *p);

const char *hm_pathway_id(const hm_pathway *p); /* e.g. "iv-antibiotics" */
/* The name in "nb" or "en"; any other language (or NULL) gets English. */
const char *hm_pathway_name(const hm_pathway *p, const char *lang);
/* The whole template as JSON, for GET /api/v1/pathways/{id}; a new reference the caller
 * must json_decref(); NULL only when out of memory. */
json_t *hm_pathway_to_json(const hm_pathway *p);

typedef struct hm_eligibility_item {
    const char *id;
    const char *text_nb;
    const char *text_en;
} hm_eligibility_item;
size_t hm_pathway_eligibility_count(const hm_pathway *p);
/* NULL when i is out of range. */
const hm_eligibility_item *hm_pathway_eligibility_at(const hm_pathway *p, size_t i);
/* The item with this id, or NULL. */
const hm_eligibility_item *hm_pathway_eligibility_find(const hm_pathway *p, const char *id);

/* Checks a referral's checklist answers, {"<item id>": true|false, ...}, against the template:
 * HM_EINVAL for a non-object, an unknown item or a non-boolean answer (naming it); HM_ECONFLICT
 * "eligibility item 'central_line' is not met" for the first item (template order) answered
 * false or not answered; HM_OK when every item is met, i.e. the episode may be approved. */
int hm_pathway_check_eligibility(const hm_pathway *p, const json_t *answers, hm_err *err);

typedef struct hm_task_kind {
    const char *id; /* "bag_compounding", "bag_change", "site_inspection", ... (<= 31 bytes) */
    const char *label_nb, *label_en;
    const char *competence; /* "aseptic_compounding", "infusion_pump", ..., or NULL */
    const char *location;   /* "patient" or "office" */
    int duration_min;
    int priority; /* 1 high, 2 medium, 3 low: a missed bag change is high */
    int nurses;   /* 1, or 2 for a visit two nurses make together (a transfer, a hoist) */
} hm_task_kind;
size_t hm_pathway_task_kind_count(const hm_pathway *p);
const hm_task_kind *hm_pathway_task_kind_at(const hm_pathway *p, size_t i); /* NULL if out of range */
const hm_task_kind *hm_pathway_task_kind_find(const hm_pathway *p, const char *id); /* NULL if unknown */
/* 1 when the template gives this kind to the hospital on every day, 0 otherwise. */
int hm_pathway_task_kind_is_hospital(const hm_pathway *p, const char *id);
/* The template's default hospital weekdays: bit (iso_weekday - 1) set for each weekday. */
int hm_pathway_hospital_weekdays(const hm_pathway *p);
/* The longest episode (end - start + 1, in days) the template accepts. */
int hm_pathway_max_episode_days(const hm_pathway *p);

/* ---- regimens ----------------------------------------------------------------------------- */

enum hm_line_type { HM_LINE_PICC = 1, HM_LINE_CVC = 2, HM_LINE_PORT = 3 };
/* "PICC", "CVC", "port", case-insensitive; HM_EINVAL (and *out untouched) otherwise. */
int hm_line_type_parse(const char *s, enum hm_line_type *out);
/* "PICC", "CVC", "port"; "unknown" for any other value. */
const char *hm_line_type_name(enum hm_line_type t);

typedef struct hm_regimen {
    char drug_code[32];
    int max_bag_hours; /* copied from the catalogue by the caller */
    double dose;
    char dose_unit[16];
    int interval_hours;        /* e.g. 8 for q8h */
    int infusion_minutes;      /* duration of each infusion */
    int bags_per_day;          /* 1 or 2 */
    int bag_change_minutes[2]; /* local clock times of the bag changes (minutes of day) */
    enum hm_line_type line_type;
    hm_date line_inserted;
    hm_date start, end; /* end inclusive (the planned end date) */
    int vitals_minutes[4];
    int vitals_count; /* vital signs ordered at these local times each day (0 = none) */
    int labs_weekdays; /* bitmask, bit (iso_weekday-1): blood samples on these weekdays; 0 = none */
    int labs_minutes;  /* local time of the blood sample window start */
} hm_regimen;

/* Checks a regimen against itself, the drug's stability and the template's limits. Errors:
 * drug code missing, dose not positive, unknown bags_per_day, interval not dividing 24 h,
 * infusion longer than the interval, bag hang time longer than max_bag_hours ("cefazolin bags
 * may be used for at most 12 h after preparation; use 2 bags per day"), max_bag_hours not
 * filled in, invalid or duplicate clock times, invalid dates, end before start, episode longer
 * than the template allows, line inserted after start, unknown line type. */
int hm_pathway_validate_regimen(const hm_pathway *p, const hm_regimen *r, hm_err *err);

/* Extra check with the catalogue entry: the drug's code matches, and its name in the message. */
int hm_regimen_check_drug(const hm_regimen *r, const hm_drug *d, hm_err *err);

/* Parses the HTTP API's regimen shape:
 * {"drug": "cefazolin", "dose": 2, "dose_unit": "g", "interval_hours": 8, "infusion_minutes": 30,
 *  "bags_per_day": 2, "bag_change_times": ["08:00","20:00"], "line_type": "PICC",
 *  "line_inserted": "2026-11-20", "start_date": "2026-11-23", "end_date": "2026-12-31",
 *  "vitals_times": ["09:00"], "labs": {"weekdays": ["mon","thu"], "time": "08:00"}}
 * vitals_times and labs are optional (null or absent = none). Unknown fields, wrong types and
 * missing fields get messages naming the field. Does not look up the drug: max_bag_hours is 0
 * and the caller fills it from the catalogue. Structural only: call
 * hm_pathway_validate_regimen() afterwards. */
int hm_regimen_from_json(const json_t *j, hm_regimen *out, hm_err *err);
/* The same shape (round-trips through hm_regimen_from_json); new reference, NULL on ENOMEM. */
json_t *hm_regimen_to_json(const hm_regimen *r);

/* ---- task generation ---------------------------------------------------------------------- */

typedef struct hm_date_range {
    hm_date from, to; /* inclusive */
} hm_date_range;

typedef struct hm_episode_ctx {
    int64_t home_care_org; /* the municipality / zone responsible by default */
    int64_t hospital_org;  /* hospital nurses' organisation, for the hospital's days */
    int64_t backup_org;    /* the ward that takes over when the municipality has a shortage
                            * (0: hospital_org takes over) */
    const hm_date_range *shortages;
    size_t n_shortages;    /* dates on which backup_org does the home-care tasks */
    int hospital_weekdays; /* bitmask overriding the template's division of labour; -1 = template */
} hm_episode_ctx;

typedef struct hm_gen_task {
    char kind[32];
    hm_date date;                           /* local date the task belongs to */
    int64_t window_start_ms, window_end_ms; /* UTC; from local clock times */
    int64_t due_ms;                         /* the clock time itself (e.g. the bag change), UTC */
    int duration_min;
    char competence[32]; /* "" when none */
    int64_t org_id;      /* responsible organisation after division of labour and shortages */
    char location[16];   /* "patient" | "office" */
    int priority;
    int seq;    /* 1.. within the day for repeated kinds (bag 1, bag 2), else 1 */
    int nurses; /* 1, or 2 nurses together */
} hm_gen_task;

/* Generates the tasks of every date in [from, to] ∩ [r->start, r->end], sorted by window
 * start (then due time, then template order, then seq). Validates the regimen first and
 * fails with its error. Responsibility, in order: kinds the template always gives to the
 * hospital -> hospital_org; the hospital's weekdays -> hospital_org; a shortage date ->
 * backup_org (or hospital_org when backup_org is 0); otherwise home_care_org. ctx may be NULL
 * (all org ids 0, template weekdays). *out is malloc'ed (free() it); NULL when *n is 0.
 * (kind, date, seq) identifies a task within an episode, and generation is deterministic and
 * split-invariant (a range in pieces gives the same tasks as in one call), so regenerating the
 * future after a regimen change can match old and new tasks by that key. */
int hm_pathway_generate(const hm_pathway *p, const hm_regimen *r, const hm_episode_ctx *ctx,
                        hm_date from, hm_date to, hm_gen_task **out, size_t *n, hm_err *err);

/* ---- documentation ------------------------------------------------------------------------ */

/* Validates a nurse's documentation of a done task against the kind's documentation schema
 * in the template. doc must be a JSON object (NULL counts as {}). Unknown fields, missing
 * required fields, wrong types, out-of-range numbers, values outside an enumerated list, too
 * long texts: HM_EINVAL naming the field ("field 'pulse' must be between 20 and 250 /min").
 * An unknown kind: HM_ENOTFOUND. */
int hm_pathway_validate_documentation(const hm_pathway *p, const char *kind, const json_t *doc,
                                      hm_err *err);

/* ---- the patient's questionnaire ---------------------------------------------------------- */

/* A template's optional "questions" section (docs/internals/pathway.md): questions the patient
 * answers at home, each with its answer type, whether it is required, its cadence over the
 * treatment days (day 1 = the regimen's start date) and optional alarm rules per answer. */

size_t hm_pathway_question_count(const hm_pathway *p);
/* 1 when the template has a question with this id, else 0. */
int hm_pathway_question_exists(const hm_pathway *p, const char *id);
/* 1 when the question is due on date for a treatment from start to end (inclusive), else 0
 * (also for an unknown id and a date outside [start, end]). */
int hm_pathway_question_due(const hm_pathway *p, const char *id, hm_date start, hm_date end,
                            hm_date date);
/* 1 when some required question is due on date for a treatment from start to end, else 0: a
 * day on which no answer is asked for cannot be a missed questionnaire. */
int hm_pathway_required_questions_due(const hm_pathway *p, hm_date start, hm_date end,
                                      hm_date date);
/* The questions due on date, in template order, as the API shows them: an array of
 * {"id", "text": {"nb", "en"}, "type", "required", and per type "min", "max", "labels",
 * "unit", "options", "max_length"} (cadence and alarm rules left out). New reference in *out. */
int hm_pathway_questions_due(const hm_pathway *p, hm_date start, hm_date end, hm_date date,
                             json_t **out, hm_err *err);

/* What the template's alarm rules say of one answer. */
typedef struct hm_answer_alarm {
    const char *priority; /* "high", "medium", "low", or NULL: no alarm */
    char text[240];       /* e.g. "chills or shivering: yes (alarm rule: yes)" */
} hm_answer_alarm;

/* Checks one answer's value against its question: yes_no a boolean, scale an integer from min
 * to max, number a number from min to max, choice one option id, text a non-empty string of
 * at most max_length bytes. HM_ENOTFOUND for an unknown question, HM_EINVAL naming the
 * question ("answer to 'pain' must be an integer from 0 to 10"). On success *alarm holds the
 * highest-priority alarm rule the answer meets (priority NULL when none). */
int hm_pathway_check_answer(const hm_pathway *p, const char *id, const json_t *value,
                            hm_answer_alarm *alarm, hm_err *err);

/* Checks a whole set of answers for date, {"<question id>": value, ...}, all or nothing:
 * a non-object or empty set, an unknown question, a question not due on date, a bad value
 * (hm_pathway_check_answer) and a required question due on date that is neither in answers
 * nor in answered (an array of question ids answered earlier that day, or NULL) are HM_EINVAL
 * naming the question. */
int hm_pathway_check_answers(const hm_pathway *p, hm_date start, hm_date end, hm_date date,
                             const json_t *answers, const json_t *answered, hm_err *err);

#endif
