/* pathway_int.h: the private layout of a loaded pathway template, shared by the files of
 * src/pathway/ only (template.c builds it, generate.c and doc.c read it).
 *
 * Invariant: every const char * below points into the pathway's own deep copy of its JSON
 * (p->root), so the strings live exactly as long as the pathway and nothing is copied twice.
 * Everything here has been validated at load: the readers never re-check the template. */
#ifndef HM_PATHWAY_PATHWAY_INT_H
#define HM_PATHWAY_PATHWAY_INT_H

#include <stdint.h>

#include "pathway/pathway.h"

/* Limits on template data (the file comes from outside, so every list has a maximum). */
#define HM__MAX_TASKS 64
#define HM__MAX_ELIGIBILITY 64
#define HM__MAX_DOC_FIELDS 64
#define HM__MAX_ENUM_VALUES 64
#define HM__MAX_CYCLE_DAYS 56
#define HM__MAX_QUESTIONS 32
#define HM__MAX_QUESTION_ALARMS 8
#define HM__FILE_MAX (1024 * 1024)

enum hm__cadence_type {
    HM__CAD_DAILY = 1,    /* every day */
    HM__CAD_EVERY_N_DAYS, /* every n days from an anchor date (+ offset) */
    HM__CAD_CYCLE,        /* chosen days of a repeating cycle from an anchor date (+ offset) */
    HM__CAD_WEEKDAYS,     /* fixed weekdays */
    HM__CAD_BAG_CHANGES,  /* at each of the regimen's bag-change times */
    HM__CAD_VITALS_TIMES, /* at each of the regimen's ordered vital-sign times */
    HM__CAD_LAB_SCHEDULE  /* on the regimen's lab weekdays at its lab time */
};

enum hm__anchor_date { HM__ANCHOR_START = 1, HM__ANCHOR_LINE_INSERTED };

enum hm__window_anchor {
    HM__WIN_FIXED = 1,       /* fixed local clock window on the task's date */
    HM__WIN_OCCURRENCE,      /* around the clock time the cadence produced */
    HM__WIN_FIRST_BAG_CHANGE /* around the day's first bag change */
};

struct hm__cadence {
    int type;
    int anchor;      /* enum hm__anchor_date, for every_n_days and cycle */
    int period_days; /* every_n_days: n; cycle: the cycle length */
    int offset_days; /* first occurrence this many days after the anchor */
    uint64_t days;   /* cycle: bit k set = day k of the cycle (every_n_days: bit 0) */
    int weekdays;    /* weekdays: bit (iso_weekday - 1) */
};

struct hm__window {
    int anchor;                           /* enum hm__window_anchor */
    int start_min, end_min, due_min;      /* fixed */
    int offset_min, before_min, after_min; /* relative: ref = time + offset; [ref-before, ref+after] */
};

enum hm__doc_type {
    HM__DOC_NUMBER = 1,
    HM__DOC_INTEGER,
    HM__DOC_BOOLEAN,
    HM__DOC_TEXT,
    HM__DOC_ENUM,
    HM__DOC_ENUM_LIST
};

struct hm__doc_field {
    const char *name;
    const char *unit; /* NULL when none */
    int type;         /* enum hm__doc_type */
    int required;
    int has_min, has_max;
    double min, max;
    size_t max_length;    /* text */
    size_t max_items;     /* enum_list */
    const json_t *values; /* enum, enum_list: array of strings */
    const json_t *exclusive; /* enum_list: values that cannot be combined with others, or NULL */
};

struct hm__task_rule {
    hm_task_kind kind;
    struct hm__cadence cadence;
    struct hm__window window;
    struct hm__doc_field *fields;
    size_t n_fields;
    int hospital_always; /* from division_of_labour.hospital_kinds */
};

/* The patient's questionnaire (questions.c). */
enum hm__question_type {
    HM__Q_YES_NO = 1,
    HM__Q_SCALE,  /* an integer from min to max, with labels at the ends */
    HM__Q_NUMBER, /* a real with a unit and a plausibility range */
    HM__Q_CHOICE, /* one option id */
    HM__Q_TEXT    /* free text up to max_length bytes */
};

enum hm__question_cadence {
    HM__QC_DAILY = 1,    /* every day of the treatment */
    HM__QC_EVERY_N_DAYS, /* treatment day 1 + offset_days + k*n */
    HM__QC_WEEKDAYS,     /* on these weekdays */
    HM__QC_DAYS          /* on these treatment days (1 = the start date) */
};

/* One alarm rule of a question: exactly one condition. */
struct hm__question_alarm {
    int cond;     /* 'e' equals (yes_no), '>' at_or_above, '<' at_or_below, 'i' any_of (choice) */
    int yes;      /* equals */
    double limit; /* at_or_above, at_or_below */
    const json_t *any_of; /* array of option ids */
    const char *priority; /* "high", "medium", "low" */
};

struct hm__question {
    const char *id;
    const char *text_nb, *text_en;
    int type; /* enum hm__question_type */
    int required;
    double min, max;      /* scale (integers), number */
    const char *unit;     /* number; NULL when none */
    size_t max_length;    /* text */
    const json_t *options; /* choice: array of {"id", "nb", "en"} */
    int cadence;           /* enum hm__question_cadence */
    int every_n, offset_days;
    int weekdays;     /* bit (iso_weekday - 1) */
    uint64_t days[6]; /* HM__QC_DAYS: bit d set = treatment day d (1..366) */
    struct hm__question_alarm alarms[HM__MAX_QUESTION_ALARMS];
    size_t n_alarms;
    const json_t *json; /* the question as written in the template */
};

struct hm_pathway {
    json_t *root; /* private deep copy; owns every string below */
    const char *id;
    const char *name_nb, *name_en;
    int max_episode_days;
    int hospital_weekdays;
    hm_eligibility_item *eligibility;
    size_t n_eligibility;
    struct hm__task_rule *rules;
    size_t n_rules;
    struct hm__question *questions;
    size_t n_questions;
};

/* Parses the optional "questions" section (questions.c). */
int hm__parse_questions(const json_t *root, hm_pathway *p, hm_err *err);

/* The rule of a task kind, or NULL. */
const struct hm__task_rule *hm__pathway_rule(const hm_pathway *p, const char *kind);

/* "mon".."sun" (case-insensitive) -> 1..7; 0 when not a weekday name. */
int hm__weekday_parse(const char *s);
/* 1..7 -> "mon".."sun". */
const char *hm__weekday_name(int iso_weekday);

/* Parses "HH:MM" (00:00..23:59) into minutes of the day; HM_EINVAL otherwise. */
int hm__clock_parse(const char *s, int *minutes);
/* Formats minutes of the day as "HH:MM". */
void hm__clock_format(int minutes, char out[6]);

/* 1 when d is a real calendar date (years 1900..9999), else 0. */
int hm__date_valid(hm_date d);

/* JSON access for data files, with the JSON path in every message: "tasks[2].priority: must be
 * between 1 and 3". path is the object's own path ("" at the root). Keys starting with '_' are
 * comments and always allowed. All return HM_OK or HM_EINVAL; absent optional fields leave
 * *out untouched; strings must be non-empty, at most max bytes and free of NUL. */
int hm__jp_err(hm_err *err, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int hm__jp_keys(const json_t *obj, const char *path, const char *const *allowed, hm_err *err);
int hm__jp_str(const json_t *obj, const char *path, const char *key, int required, size_t max,
               const char **out, hm_err *err);
int hm__jp_int(const json_t *obj, const char *path, const char *key, int required, int min,
               int max, int *out, hm_err *err);
int hm__jp_num(const json_t *obj, const char *path, const char *key, int required, double min,
               double max, double *out, hm_err *err);
int hm__jp_bool(const json_t *obj, const char *path, const char *key, int required, int *out,
                hm_err *err);
/* The member as an object/array (absent: NULL with HM_OK unless required). */
int hm__jp_obj(const json_t *obj, const char *path, const char *key, int required,
               const json_t **out, hm_err *err);
int hm__jp_arr(const json_t *obj, const char *path, const char *key, int required, size_t max_items,
               const json_t **out, hm_err *err);
/* An identifier (a-z 0-9 _ -, at most max bytes); an i18n object {"nb", "en"} (both required,
 * each at most max bytes); a list of weekday names as a bitmask (bit iso_weekday - 1). */
int hm__jp_ident(const json_t *obj, const char *path, const char *key, int required, size_t max,
                 const char **out, hm_err *err);
int hm__jp_i18n(const json_t *obj, const char *path, const char *key, int required, size_t max,
                const char **nb, const char **en, hm_err *err);
int hm__jp_weekdays(const json_t *obj, const char *path, const char *key, int required, int *mask,
                    hm_err *err);
/* Joins path and key ("tasks[2]" + "cadence" -> "tasks[2].cadence") into out. */
void hm__jp_join(char *out, size_t size, const char *path, const char *key);
/* Prefixes err's message with "prefix: " (used to name the file). */
void hm__err_prefix(hm_err *err, const char *prefix);

#endif
