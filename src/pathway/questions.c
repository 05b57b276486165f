/* questions.c: the patient's questionnaire of a pathway template ("questions"): loading and
 * validating the section, which questions are due on a treatment day, and checking answers
 * with the alarm rules they meet.
 *
 * Like the rest of the template, everything is checked once at load and the readers trust the
 * parsed structs. Days count from the regimen's start date (day 1). The alarm rules only name a
 * priority: raising the alarm is the alert module's work (its rule pass reads stored answers),
 * so this file stays pure. Format: docs/internals/pathway.md, "questions". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathway/pathway_int.h"

#define QID_MAX 31
#define QTEXT_MAX 1000
#define QLABEL_MAX 200
#define QOPTIONS_MAX 32
#define QTEXT_LENGTH_MAX 4000
#define QDAY_MAX 366

struct qname {
    const char *name;
    int code;
};

static const struct qname qtypes[] = {
    {"yes_no", HM__Q_YES_NO}, {"scale", HM__Q_SCALE}, {"number", HM__Q_NUMBER},
    {"choice", HM__Q_CHOICE}, {"text", HM__Q_TEXT},   {NULL, 0},
};

static const struct qname qcadences[] = {
    {"daily", HM__QC_DAILY},
    {"every_n_days", HM__QC_EVERY_N_DAYS},
    {"weekdays", HM__QC_WEEKDAYS},
    {"days", HM__QC_DAYS},
    {NULL, 0},
};

static int qlookup(const struct qname *t, const json_t *obj, const char *path, const char *key,
                   const char *what, int *out, hm_err *err)
{
    const char *s = NULL;
    int rc = hm__jp_str(obj, path, key, 1, 64, &s, err);
    if (rc != HM_OK)
        return rc;
    for (; t->name; t++)
        if (strcmp(t->name, s) == 0) {
            *out = t->code;
            return HM_OK;
        }
    return hm__jp_err(err, path, key, "unknown %s '%s'", what, s);
}

/* ---- cadence ------------------------------------------------------------------------------ */

static int parse_days(const json_t *j, const char *path, struct hm__question *q, hm_err *err)
{
    const json_t *arr = NULL;
    char sub[128];
    int rc = hm__jp_arr(j, path, "days", 1, QDAY_MAX, &arr, err);
    if (rc != HM_OK)
        return rc;
    hm__jp_join(sub, sizeof sub, path, "days");
    if (json_array_size(arr) == 0)
        return hm__jp_err(err, sub, NULL, "must list at least one day");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *v = json_array_get(arr, i);
        json_int_t d = json_is_integer(v) ? json_integer_value(v) : 0;
        if (d < 1 || d > QDAY_MAX)
            return hm__jp_err(err, sub, NULL, "entry %zu must be a treatment day from 1 to %d", i,
                              QDAY_MAX);
        if (q->days[d / 64] & ((uint64_t)1 << (d % 64)))
            return hm__jp_err(err, sub, NULL, "day %d given twice", (int)d);
        q->days[d / 64] |= (uint64_t)1 << (d % 64);
    }
    return HM_OK;
}

static int parse_qcadence(const json_t *j, const char *path, struct hm__question *q, hm_err *err)
{
    static const char *const plain[] = {"type", NULL};
    static const char *const every[] = {"type", "n", "offset_days", NULL};
    static const char *const wd[] = {"type", "weekdays", NULL};
    static const char *const days[] = {"type", "days", NULL};
    int rc = qlookup(qcadences, j, path, "type", "cadence", &q->cadence, err);
    if (rc != HM_OK)
        return rc;
    switch (q->cadence) {
    case HM__QC_EVERY_N_DAYS:
        rc = hm__jp_keys(j, path, every, err);
        if (rc == HM_OK)
            rc = hm__jp_int(j, path, "n", 1, 1, 56, &q->every_n, err);
        if (rc == HM_OK)
            rc = hm__jp_int(j, path, "offset_days", 0, 0, 365, &q->offset_days, err);
        return rc;
    case HM__QC_WEEKDAYS:
        rc = hm__jp_keys(j, path, wd, err);
        if (rc == HM_OK)
            rc = hm__jp_weekdays(j, path, "weekdays", 1, &q->weekdays, err);
        if (rc == HM_OK && q->weekdays == 0)
            return hm__jp_err(err, path, "weekdays", "must list at least one weekday");
        return rc;
    case HM__QC_DAYS:
        rc = hm__jp_keys(j, path, days, err);
        return rc == HM_OK ? parse_days(j, path, q, err) : rc;
    default:
        return hm__jp_keys(j, path, plain, err);
    }
}

/* ---- answer types ------------------------------------------------------------------------- */

static int parse_scale(const json_t *j, const char *path, struct hm__question *q, hm_err *err)
{
    static const char *const lkeys[] = {"min", "max", NULL};
    int lo = 0, hi = 0;
    const json_t *labels = NULL;
    const char *nb = NULL, *en = NULL;
    char sub[128];
    int rc = hm__jp_int(j, path, "min", 1, -100, 100, &lo, err);
    if (rc == HM_OK)
        rc = hm__jp_int(j, path, "max", 1, -100, 100, &hi, err);
    if (rc == HM_OK && hi <= lo)
        return hm__jp_err(err, path, "max", "must be above min");
    if (rc == HM_OK && hi - lo > 20)
        return hm__jp_err(err, path, "max", "a scale has at most 21 steps");
    if (rc == HM_OK)
        rc = hm__jp_obj(j, path, "labels", 0, &labels, err);
    if (rc != HM_OK)
        return rc;
    q->min = lo;
    q->max = hi;
    if (!labels)
        return HM_OK;
    hm__jp_join(sub, sizeof sub, path, "labels");
    rc = hm__jp_keys(labels, sub, lkeys, err);
    if (rc == HM_OK)
        rc = hm__jp_i18n(labels, sub, "min", 1, QLABEL_MAX, &nb, &en, err);
    if (rc == HM_OK)
        rc = hm__jp_i18n(labels, sub, "max", 1, QLABEL_MAX, &nb, &en, err);
    return rc;
}

static int parse_number(const json_t *j, const char *path, struct hm__question *q, hm_err *err)
{
    int rc = hm__jp_str(j, path, "unit", 0, 16, &q->unit, err);
    if (rc == HM_OK)
        rc = hm__jp_num(j, path, "min", 1, -1e9, 1e9, &q->min, err);
    if (rc == HM_OK)
        rc = hm__jp_num(j, path, "max", 1, -1e9, 1e9, &q->max, err);
    if (rc == HM_OK && q->max <= q->min)
        return hm__jp_err(err, path, "max", "must be above min");
    return rc;
}

static const json_t *option_find(const json_t *options, const char *id)
{
    for (size_t i = 0; id && i < json_array_size(options); i++) {
        const json_t *o = json_array_get(options, i);
        if (strcmp(json_string_value(json_object_get(o, "id")), id) == 0)
            return o;
    }
    return NULL;
}

static int parse_options(const json_t *j, const char *path, struct hm__question *q, hm_err *err)
{
    static const char *const okeys[] = {"id", "nb", "en", NULL};
    const json_t *arr = NULL;
    char sub[128];
    int rc = hm__jp_arr(j, path, "options", 1, QOPTIONS_MAX, &arr, err);
    if (rc != HM_OK)
        return rc;
    hm__jp_join(sub, sizeof sub, path, "options");
    if (json_array_size(arr) < 2)
        return hm__jp_err(err, sub, NULL, "must list at least two options");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *o = json_array_get(arr, i);
        const char *id = NULL, *nb = NULL, *en = NULL;
        char opath[160];
        snprintf(opath, sizeof opath, "%s[%zu]", sub, i);
        if (!json_is_object(o))
            return hm__jp_err(err, opath, NULL, "must be an object");
        rc = hm__jp_keys(o, opath, okeys, err);
        if (rc == HM_OK)
            rc = hm__jp_ident(o, opath, "id", 1, QID_MAX, &id, err);
        if (rc == HM_OK)
            rc = hm__jp_str(o, opath, "nb", 1, QLABEL_MAX, &nb, err);
        if (rc == HM_OK)
            rc = hm__jp_str(o, opath, "en", 1, QLABEL_MAX, &en, err);
        if (rc != HM_OK)
            return rc;
        for (size_t k = 0; k < i; k++)
            if (strcmp(json_string_value(json_object_get(json_array_get(arr, k), "id")), id) == 0)
                return hm__jp_err(err, opath, "id", "duplicate option '%s'", id);
    }
    q->options = arr;
    return HM_OK;
}

/* Which members each answer type accepts (besides the common ones). */
static int qkeys_fit(const json_t *j, const char *path, int type, hm_err *err)
{
    static const char *const yn[] = {"id", "text", "type", "required", "cadence", "alarms", NULL};
    static const char *const scale[] = {"id",      "text",   "type", "required", "cadence",
                                        "alarms",  "min",    "max",  "labels",   NULL};
    static const char *const number[] = {"id",     "text", "type", "required", "cadence",
                                         "alarms", "unit", "min",  "max",      NULL};
    static const char *const choice[] = {"id",     "text",    "type", "required", "cadence",
                                         "alarms", "options", NULL};
    static const char *const text[] = {"id", "text", "type", "required", "cadence", "max_length",
                                       NULL};
    switch (type) {
    case HM__Q_SCALE:
        return hm__jp_keys(j, path, scale, err);
    case HM__Q_NUMBER:
        return hm__jp_keys(j, path, number, err);
    case HM__Q_CHOICE:
        return hm__jp_keys(j, path, choice, err);
    case HM__Q_TEXT:
        return hm__jp_keys(j, path, text, err);
    default:
        return hm__jp_keys(j, path, yn, err);
    }
}

static int parse_qtype(const json_t *j, const char *path, struct hm__question *q, hm_err *err)
{
    int len = 500;
    switch (q->type) {
    case HM__Q_SCALE:
        return parse_scale(j, path, q, err);
    case HM__Q_NUMBER:
        return parse_number(j, path, q, err);
    case HM__Q_CHOICE:
        return parse_options(j, path, q, err);
    case HM__Q_TEXT: {
        int rc = hm__jp_int(j, path, "max_length", 0, 1, QTEXT_LENGTH_MAX, &len, err);
        q->max_length = (size_t)len;
        return rc;
    }
    default:
        return HM_OK;
    }
}

/* ---- alarm rules -------------------------------------------------------------------------- */

static int parse_alarm_condition(const json_t *j, const char *path, const struct hm__question *q,
                                 struct hm__question_alarm *a, hm_err *err)
{
    const json_t *eq = json_object_get(j, "equals");
    const json_t *ge = json_object_get(j, "at_or_above");
    const json_t *le = json_object_get(j, "at_or_below");
    const json_t *in = json_object_get(j, "any_of");
    if (!!eq + !!ge + !!le + !!in != 1)
        return hm__jp_err(err, path, NULL,
                          "needs exactly one condition (equals, at_or_above, at_or_below, any_of)");
    if (q->type == HM__Q_YES_NO) {
        if (!eq || !json_is_boolean(eq))
            return hm__jp_err(err, path, "equals",
                              "a yes_no question's rule is \"equals\": true or false");
        a->cond = 'e';
        a->yes = json_is_true(eq);
        return HM_OK;
    }
    if (q->type == HM__Q_CHOICE) {
        if (!in)
            return hm__jp_err(err, path, NULL, "a choice question's rule is \"any_of\": [options]");
        int rc = hm__jp_arr(j, path, "any_of", 1, QOPTIONS_MAX, &a->any_of, err);
        if (rc == HM_OK && json_array_size(a->any_of) == 0)
            return hm__jp_err(err, path, "any_of", "must list at least one option");
        for (size_t i = 0; rc == HM_OK && i < json_array_size(a->any_of); i++)
            if (!option_find(q->options, json_string_value(json_array_get(a->any_of, i))))
                return hm__jp_err(err, path, "any_of", "entry %zu is not one of the options", i);
        a->cond = 'i';
        return rc;
    }
    if (!ge && !le)
        return hm__jp_err(err, path, NULL,
                          "a scale or number question's rule is \"at_or_above\" or "
                          "\"at_or_below\"");
    const char *key = ge ? "at_or_above" : "at_or_below";
    int rc = hm__jp_num(j, path, key, 1, q->min, q->max, &a->limit, err);
    a->cond = ge ? '>' : '<';
    return rc;
}

static int parse_alarms(const json_t *j, const char *path, struct hm__question *q, hm_err *err)
{
    static const char *const keys[] = {"equals", "at_or_above", "at_or_below", "any_of",
                                       "priority", NULL};
    const json_t *arr = NULL;
    char sub[128];
    int rc = hm__jp_arr(j, path, "alarms", 0, HM__MAX_QUESTION_ALARMS, &arr, err);
    if (rc != HM_OK || !arr)
        return rc;
    hm__jp_join(sub, sizeof sub, path, "alarms");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *r = json_array_get(arr, i);
        struct hm__question_alarm *a = &q->alarms[i];
        char apath[160];
        snprintf(apath, sizeof apath, "%s[%zu]", sub, i);
        if (!json_is_object(r))
            return hm__jp_err(err, apath, NULL, "must be an object");
        rc = hm__jp_keys(r, apath, keys, err);
        if (rc == HM_OK)
            rc = hm__jp_str(r, apath, "priority", 1, 8, &a->priority, err);
        if (rc == HM_OK && strcmp(a->priority, "high") != 0 &&
            strcmp(a->priority, "medium") != 0 && strcmp(a->priority, "low") != 0)
            return hm__jp_err(err, apath, "priority", "must be high, medium or low, not '%s'",
                              a->priority);
        if (rc == HM_OK)
            rc = parse_alarm_condition(r, apath, q, a, err);
        if (rc != HM_OK)
            return rc;
        q->n_alarms = i + 1;
    }
    return HM_OK;
}

/* ---- one question, the section ------------------------------------------------------------ */

static int parse_question(const json_t *j, const char *path, struct hm__question *q, hm_err *err)
{
    const json_t *cad = NULL;
    char sub[128];
    if (!json_is_object(j))
        return hm__jp_err(err, path, NULL, "must be an object");
    q->json = j;
    int rc = hm__jp_ident(j, path, "id", 1, QID_MAX, &q->id, err);
    if (rc == HM_OK)
        rc = hm__jp_i18n(j, path, "text", 1, QTEXT_MAX, &q->text_nb, &q->text_en, err);
    if (rc == HM_OK)
        rc = qlookup(qtypes, j, path, "type", "answer type", &q->type, err);
    if (rc == HM_OK)
        rc = qkeys_fit(j, path, q->type, err);
    if (rc == HM_OK)
        rc = hm__jp_bool(j, path, "required", 0, &q->required, err);
    if (rc == HM_OK)
        rc = parse_qtype(j, path, q, err);
    if (rc == HM_OK)
        rc = hm__jp_obj(j, path, "cadence", 1, &cad, err);
    if (rc != HM_OK)
        return rc;
    hm__jp_join(sub, sizeof sub, path, "cadence");
    rc = parse_qcadence(cad, sub, q, err);
    return rc == HM_OK ? parse_alarms(j, path, q, err) : rc;
}

int hm__parse_questions(const json_t *root, hm_pathway *p, hm_err *err)
{
    const json_t *arr = NULL;
    int rc = hm__jp_arr(root, "", "questions", 0, HM__MAX_QUESTIONS, &arr, err);
    if (rc != HM_OK || !arr || json_array_size(arr) == 0)
        return rc;
    p->questions = calloc(json_array_size(arr), sizeof *p->questions);
    if (!p->questions)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char path[48];
        snprintf(path, sizeof path, "questions[%zu]", i);
        rc = parse_question(json_array_get(arr, i), path, &p->questions[i], err);
        if (rc != HM_OK)
            return rc;
        for (size_t k = 0; k < i; k++)
            if (strcmp(p->questions[k].id, p->questions[i].id) == 0)
                return hm__jp_err(err, path, "id", "duplicate question '%s'", p->questions[i].id);
        p->n_questions = i + 1;
    }
    return HM_OK;
}

/* ---- due dates ---------------------------------------------------------------------------- */

static const struct hm__question *qfind(const hm_pathway *p, const char *id)
{
    for (size_t i = 0; id && i < p->n_questions; i++)
        if (strcmp(p->questions[i].id, id) == 0)
            return &p->questions[i];
    return NULL;
}

static int qdue(const struct hm__question *q, hm_date start, hm_date end, hm_date date)
{
    if (hm_date_cmp(date, start) < 0 || hm_date_cmp(date, end) > 0)
        return 0;
    int day = hm_date_diff_days(start, date) + 1; /* the start date is day 1 */
    switch (q->cadence) {
    case HM__QC_DAILY:
        return 1;
    case HM__QC_EVERY_N_DAYS:
        return day - 1 >= q->offset_days && (day - 1 - q->offset_days) % q->every_n == 0;
    case HM__QC_WEEKDAYS:
        return (q->weekdays >> (hm_date_weekday(date) - 1)) & 1;
    case HM__QC_DAYS:
        return day <= QDAY_MAX && ((q->days[day / 64] >> (day % 64)) & 1);
    default:
        return 0;
    }
}

size_t hm_pathway_question_count(const hm_pathway *p)
{
    return p->n_questions;
}

int hm_pathway_question_exists(const hm_pathway *p, const char *id)
{
    return qfind(p, id) != NULL;
}

int hm_pathway_question_due(const hm_pathway *p, const char *id, hm_date start, hm_date end,
                            hm_date date)
{
    const struct hm__question *q = qfind(p, id);
    return q ? qdue(q, start, end, date) : 0;
}

int hm_pathway_required_questions_due(const hm_pathway *p, hm_date start, hm_date end,
                                      hm_date date)
{
    for (size_t i = 0; i < p->n_questions; i++)
        if (p->questions[i].required && qdue(&p->questions[i], start, end, date))
            return 1;
    return 0;
}

/* The question as the API shows it: the template's object without cadence, alarm rules and
 * comments (a patient has no use for them). */
static json_t *question_public(const struct hm__question *q)
{
    json_t *o = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)q->json, key, v)
    {
        if (key[0] == '_' || strcmp(key, "cadence") == 0 || strcmp(key, "alarms") == 0)
            continue;
        if (json_object_set_new(o, key, json_deep_copy(v)) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    int bad = o && json_object_set_new(o, "required", json_boolean(q->required)) != 0;
    if (o && !bad && q->type == HM__Q_TEXT)
        bad = json_object_set_new(o, "max_length", json_integer((json_int_t)q->max_length)) != 0;
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int hm_pathway_questions_due(const hm_pathway *p, hm_date start, hm_date end, hm_date date,
                             json_t **out, hm_err *err)
{
    json_t *arr = json_array();
    if (!arr)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    for (size_t i = 0; i < p->n_questions; i++) {
        if (!qdue(&p->questions[i], start, end, date))
            continue;
        if (json_array_append_new(arr, question_public(&p->questions[i])) != 0) {
            json_decref(arr);
            return hm_err_set(err, HM_ENOMEM, "out of memory");
        }
    }
    *out = arr;
    return HM_OK;
}

/* ---- answers ------------------------------------------------------------------------------ */

static int check_value(const struct hm__question *q, const json_t *v, hm_err *err)
{
    switch (q->type) {
    case HM__Q_YES_NO:
        if (!json_is_boolean(v))
            return hm_err_set(err, HM_EINVAL, "answer to '%s' must be true or false", q->id);
        return HM_OK;
    case HM__Q_SCALE: {
        double x = json_is_number(v) ? json_number_value(v) : NAN;
        if (!json_is_number(v) || x != floor(x) || x < q->min || x > q->max)
            return hm_err_set(err, HM_EINVAL, "answer to '%s' must be an integer from %g to %g",
                              q->id, q->min, q->max);
        return HM_OK;
    }
    case HM__Q_NUMBER: {
        const char *unit = q->unit ? q->unit : "";
        if (!json_is_number(v))
            return hm_err_set(err, HM_EINVAL, "answer to '%s' must be a number", q->id);
        double x = json_number_value(v);
        if (!isfinite(x) || x < q->min || x > q->max)
            return hm_err_set(err, HM_EINVAL, "answer to '%s' must be between %g and %g%s%s",
                              q->id, q->min, q->max, *unit ? " " : "", unit);
        return HM_OK;
    }
    case HM__Q_CHOICE:
        if (!json_is_string(v) || !option_find(q->options, json_string_value(v)))
            return hm_err_set(err, HM_EINVAL, "answer to '%s' must be one of its options", q->id);
        return HM_OK;
    default: {
        size_t len = json_is_string(v) ? json_string_length(v) : 0;
        if (!json_is_string(v) || len == 0 || strlen(json_string_value(v)) != len)
            return hm_err_set(err, HM_EINVAL, "answer to '%s' must be a non-empty text", q->id);
        if (len > q->max_length)
            return hm_err_set(err, HM_EINVAL, "answer to '%s' is longer than %zu bytes", q->id,
                              q->max_length);
        return HM_OK;
    }
    }
}

static int alarm_met(const struct hm__question *q, const struct hm__question_alarm *a,
                     const json_t *v)
{
    switch (a->cond) {
    case 'e':
        return json_is_true(v) == a->yes;
    case '>':
        return json_number_value(v) >= a->limit;
    case '<':
        return json_number_value(v) <= a->limit;
    case 'i':
        for (size_t i = 0; i < json_array_size(a->any_of); i++)
            if (strcmp(json_string_value(json_array_get(a->any_of, i)), json_string_value(v)) == 0)
                return 1;
        return 0;
    default:
        (void)q;
        return 0;
    }
}

static int prio_rank(const char *p)
{
    return !p ? 9 : strcmp(p, "high") == 0 ? 0 : strcmp(p, "medium") == 0 ? 1 : 2;
}

static void alarm_text(const struct hm__question *q, const struct hm__question_alarm *a,
                       const json_t *v, char *out, size_t cap)
{
    char val[80], rule[80];
    if (q->type == HM__Q_YES_NO)
        snprintf(val, sizeof val, "%s", json_is_true(v) ? "yes" : "no");
    else if (q->type == HM__Q_CHOICE)
        snprintf(val, sizeof val, "%s", json_string_value(v));
    else
        snprintf(val, sizeof val, "%g%s%s", json_number_value(v), q->unit ? " " : "",
                 q->unit ? q->unit : "");
    if (a->cond == '>')
        snprintf(rule, sizeof rule, "at or above %g", a->limit);
    else if (a->cond == '<')
        snprintf(rule, sizeof rule, "at or below %g", a->limit);
    else
        snprintf(rule, sizeof rule, "%s", a->cond == 'e' ? (a->yes ? "yes" : "no") : "listed");
    /* Long question texts are cut: the alarm names the question id, which is enough to find it. */
    int n = snprintf(out, cap, "questionnaire '%s': %s (alarm rule: %s): %.120s", q->id, val, rule,
                     q->text_en);
    if (n < 0)
        out[0] = '\0';
}

int hm_pathway_check_answer(const hm_pathway *p, const char *id, const json_t *value,
                            hm_answer_alarm *alarm, hm_err *err)
{
    const struct hm__question *q = qfind(p, id);
    if (!q)
        return hm_err_set(err, HM_ENOTFOUND, "unknown question '%.64s'", id ? id : "");
    int rc = check_value(q, value, err);
    if (rc != HM_OK)
        return rc;
    const struct hm__question_alarm *best = NULL;
    for (size_t i = 0; i < q->n_alarms; i++)
        if (alarm_met(q, &q->alarms[i], value) &&
            (!best || prio_rank(q->alarms[i].priority) < prio_rank(best->priority)))
            best = &q->alarms[i];
    if (alarm) {
        alarm->priority = best ? best->priority : NULL;
        alarm->text[0] = '\0';
        if (best)
            alarm_text(q, best, value, alarm->text, sizeof alarm->text);
    }
    return HM_OK;
}

static int in_list(const json_t *arr, const char *id)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (json_is_string(json_array_get(arr, i)) &&
            strcmp(json_string_value(json_array_get(arr, i)), id) == 0)
            return 1;
    return 0;
}

int hm_pathway_check_answers(const hm_pathway *p, hm_date start, hm_date end, hm_date date,
                             const json_t *answers, const json_t *answered, hm_err *err)
{
    const char *id;
    json_t *v;
    char d[11];
    hm_date_format(date, d);
    if (!json_is_object(answers))
        return hm_err_set(err, HM_EINVAL, "field 'answers' must be an object");
    if (json_object_size(answers) == 0)
        return hm_err_set(err, HM_EINVAL, "field 'answers' must answer at least one question");
    json_object_foreach((json_t *)answers, id, v)
    {
        const struct hm__question *q = qfind(p, id);
        if (!q)
            return hm_err_set(err, HM_EINVAL, "unknown question '%.64s'", id);
        if (!qdue(q, start, end, date))
            return hm_err_set(err, HM_EINVAL, "question '%s' is not due on %s", id, d);
        int rc = hm_pathway_check_answer(p, id, v, NULL, err);
        if (rc != HM_OK)
            return rc;
    }
    for (size_t i = 0; i < p->n_questions; i++) {
        const struct hm__question *q = &p->questions[i];
        if (q->required && qdue(q, start, end, date) && !json_object_get(answers, q->id) &&
            !in_list(answered, q->id))
            return hm_err_set(err, HM_EINVAL, "question '%s' is required", q->id);
    }
    return HM_OK;
}
