/* template.c: loading and validating pathway templates (JSON data files under pathways/).
 *
 * The loader checks everything once, at load, and names the JSON path of the first problem
 * ("tasks[2].cadence.type: unknown cadence 'dayly'"), so that the generator and the
 * documentation checks can trust the parsed structs. The pathway keeps a private deep copy of
 * the JSON; every string in the parsed structs points into it. See docs/internals/pathway.md
 * for the format, field by field. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "pathway/pathway_int.h"

#define FORMAT_VERSION 1
#define ID_MAX 31
#define PATHWAY_ID_MAX 63
#define LABEL_MAX 200
#define TEXT_MAX 1000

static int ident_valid(const char *s)
{
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

/* An identifier member: non-empty, at most max bytes of a-z 0-9 _ -. */
static int get_ident(const json_t *obj, const char *path, const char *key, int required, size_t max,
                     const char **out, hm_err *err)
{
    const char *s = NULL;
    int rc = hm__jp_str(obj, path, key, required, max, &s, err);
    if (rc != HM_OK || !s)
        return rc;
    if (!ident_valid(s))
        return hm__jp_err(err, path, key, "'%s' must use only a-z, 0-9, '_' and '-'", s);
    *out = s;
    return HM_OK;
}

/* {"nb": "...", "en": "..."}: both languages required. */
static int get_i18n(const json_t *obj, const char *path, const char *key, int required, size_t max,
                    const char **nb, const char **en, hm_err *err)
{
    static const char *const keys[] = {"nb", "en", NULL};
    const json_t *o = NULL;
    char sub[128];
    int rc = hm__jp_obj(obj, path, key, required, &o, err);
    if (rc != HM_OK || !o)
        return rc;
    hm__jp_join(sub, sizeof sub, path, key);
    rc = hm__jp_keys(o, sub, keys, err);
    if (rc == HM_OK)
        rc = hm__jp_str(o, sub, "nb", 1, max, nb, err);
    if (rc == HM_OK)
        rc = hm__jp_str(o, sub, "en", 1, max, en, err);
    return rc;
}

/* ["mon", "thu"] -> bitmask, bit (iso_weekday - 1). */
static int get_weekdays(const json_t *obj, const char *path, const char *key, int required,
                        int *mask, hm_err *err)
{
    const json_t *arr = NULL;
    char sub[128];
    int rc = hm__jp_arr(obj, path, key, required, 7, &arr, err);
    if (rc != HM_OK || !arr)
        return rc;
    hm__jp_join(sub, sizeof sub, path, key);
    int m = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        int wd = hm__weekday_parse(s);
        if (!wd)
            return hm__jp_err(err, sub, NULL, "entry %zu must be a weekday (mon..sun)", i);
        if (m & (1 << (wd - 1)))
            return hm__jp_err(err, sub, NULL, "weekday '%s' given twice", s);
        m |= 1 << (wd - 1);
    }
    *mask = m;
    return HM_OK;
}

static int get_clock(const json_t *obj, const char *path, const char *key, int required, int *out,
                     hm_err *err)
{
    const char *s = NULL;
    int rc = hm__jp_str(obj, path, key, required, 5, &s, err);
    if (rc != HM_OK || !s)
        return rc;
    if (hm__clock_parse(s, out) != HM_OK)
        return hm__jp_err(err, path, key, "'%s' is not a clock time HH:MM", s);
    return HM_OK;
}

/* The same readers for the other files of the module (questions.c). */
int hm__jp_ident(const json_t *obj, const char *path, const char *key, int required, size_t max,
                 const char **out, hm_err *err)
{
    return get_ident(obj, path, key, required, max, out, err);
}

int hm__jp_i18n(const json_t *obj, const char *path, const char *key, int required, size_t max,
                const char **nb, const char **en, hm_err *err)
{
    return get_i18n(obj, path, key, required, max, nb, en, err);
}

int hm__jp_weekdays(const json_t *obj, const char *path, const char *key, int required, int *mask,
                    hm_err *err)
{
    return get_weekdays(obj, path, key, required, mask, err);
}

/* ---- cadence ------------------------------------------------------------------------------ */

struct name_code {
    const char *name;
    int code;
};

static const struct name_code cadence_types[] = {
    {"daily", HM__CAD_DAILY},
    {"every_n_days", HM__CAD_EVERY_N_DAYS},
    {"cycle", HM__CAD_CYCLE},
    {"weekdays", HM__CAD_WEEKDAYS},
    {"bag_changes", HM__CAD_BAG_CHANGES},
    {"vitals_times", HM__CAD_VITALS_TIMES},
    {"lab_schedule", HM__CAD_LAB_SCHEDULE},
    {NULL, 0},
};

static const struct name_code anchor_dates[] = {
    {"start", HM__ANCHOR_START},
    {"line_inserted", HM__ANCHOR_LINE_INSERTED},
    {NULL, 0},
};

static const struct name_code window_anchors[] = {
    {"fixed", HM__WIN_FIXED},
    {"occurrence", HM__WIN_OCCURRENCE},
    {"first_bag_change", HM__WIN_FIRST_BAG_CHANGE},
    {NULL, 0},
};

static int lookup(const struct name_code *t, const char *name)
{
    for (; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t->code;
    return 0;
}

/* A member naming one entry of a table; what names the kind of thing in the message. */
static int get_enum(const json_t *obj, const char *path, const char *key, int required,
                    const struct name_code *t, const char *what, int *out, hm_err *err)
{
    const char *s = NULL;
    int rc = hm__jp_str(obj, path, key, required, 64, &s, err);
    if (rc != HM_OK || !s)
        return rc;
    int code = lookup(t, s);
    if (!code)
        return hm__jp_err(err, path, key, "unknown %s '%s'", what, s);
    *out = code;
    return HM_OK;
}

static int cadence_anchor(const json_t *j, const char *path, struct hm__cadence *c, hm_err *err)
{
    c->anchor = HM__ANCHOR_START;
    c->offset_days = 0;
    int rc = get_enum(j, path, "anchor", 0, anchor_dates, "anchor", &c->anchor, err);
    if (rc == HM_OK)
        rc = hm__jp_int(j, path, "offset_days", 0, 0, 365, &c->offset_days, err);
    return rc;
}

static int cadence_cycle_days(const json_t *j, const char *path, struct hm__cadence *c, hm_err *err)
{
    const json_t *arr = NULL;
    char sub[128];
    int rc = hm__jp_int(j, path, "period_days", 1, 1, HM__MAX_CYCLE_DAYS, &c->period_days, err);
    if (rc == HM_OK)
        rc = hm__jp_arr(j, path, "days", 1, HM__MAX_CYCLE_DAYS, &arr, err);
    if (rc != HM_OK)
        return rc;
    hm__jp_join(sub, sizeof sub, path, "days");
    if (json_array_size(arr) == 0)
        return hm__jp_err(err, sub, NULL, "must list at least one day of the cycle");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *v = json_array_get(arr, i);
        json_int_t d = json_is_integer(v) ? json_integer_value(v) : -1;
        if (d < 0 || d >= c->period_days)
            return hm__jp_err(err, sub, NULL, "entry %zu must be an integer from 0 to %d", i,
                              c->period_days - 1);
        if (c->days & ((uint64_t)1 << d))
            return hm__jp_err(err, sub, NULL, "day %d given twice", (int)d);
        c->days |= (uint64_t)1 << d;
    }
    return HM_OK;
}

/* Each cadence type accepts exactly its own parameters: a stray one is a typo, not a no-op. */
static int cadence_keys_fit(const json_t *j, const char *path, int type, hm_err *err)
{
    static const char *const plain[] = {"type", NULL};
    static const char *const every[] = {"type", "n", "anchor", "offset_days", NULL};
    static const char *const cycle[] = {"type", "period_days", "days", "anchor", "offset_days",
                                        NULL};
    static const char *const weekdays[] = {"type", "weekdays", NULL};
    if (type == HM__CAD_EVERY_N_DAYS)
        return hm__jp_keys(j, path, every, err);
    if (type == HM__CAD_CYCLE)
        return hm__jp_keys(j, path, cycle, err);
    if (type == HM__CAD_WEEKDAYS)
        return hm__jp_keys(j, path, weekdays, err);
    return hm__jp_keys(j, path, plain, err);
}

static int parse_cadence(const json_t *j, const char *path, struct hm__cadence *c, hm_err *err)
{
    int rc = get_enum(j, path, "type", 1, cadence_types, "cadence", &c->type, err);
    if (rc == HM_OK)
        rc = cadence_keys_fit(j, path, c->type, err);
    if (rc != HM_OK)
        return rc;
    switch (c->type) {
    case HM__CAD_EVERY_N_DAYS:
        rc = hm__jp_int(j, path, "n", 1, 1, HM__MAX_CYCLE_DAYS, &c->period_days, err);
        c->days = 1;
        return rc == HM_OK ? cadence_anchor(j, path, c, err) : rc;
    case HM__CAD_CYCLE:
        rc = cadence_cycle_days(j, path, c, err);
        return rc == HM_OK ? cadence_anchor(j, path, c, err) : rc;
    case HM__CAD_WEEKDAYS:
        rc = get_weekdays(j, path, "weekdays", 1, &c->weekdays, err);
        if (rc == HM_OK && c->weekdays == 0)
            return hm__jp_err(err, path, "weekdays", "must list at least one weekday");
        return rc;
    default:
        return HM_OK;
    }
}

/* ---- window ------------------------------------------------------------------------------- */

static int cadence_gives_times(int type)
{
    return type == HM__CAD_BAG_CHANGES || type == HM__CAD_VITALS_TIMES ||
           type == HM__CAD_LAB_SCHEDULE;
}

static int parse_fixed_window(const json_t *j, const char *path, struct hm__window *w, hm_err *err)
{
    static const char *const keys[] = {"anchor", "start", "end", "due", NULL};
    int rc = hm__jp_keys(j, path, keys, err);
    if (rc == HM_OK)
        rc = get_clock(j, path, "start", 1, &w->start_min, err);
    if (rc == HM_OK)
        rc = get_clock(j, path, "end", 1, &w->end_min, err);
    if (rc != HM_OK)
        return rc;
    w->due_min = w->start_min;
    rc = get_clock(j, path, "due", 0, &w->due_min, err);
    if (rc != HM_OK)
        return rc;
    if (w->end_min <= w->start_min)
        return hm__jp_err(err, path, "end", "must be after start (windows do not cross midnight)");
    if (w->due_min < w->start_min || w->due_min > w->end_min)
        return hm__jp_err(err, path, "due", "must lie within the window");
    return HM_OK;
}

static int parse_relative_window(const json_t *j, const char *path, struct hm__window *w,
                                 hm_err *err)
{
    static const char *const keys[] = {"anchor", "offset_min", "before_min", "after_min", NULL};
    int rc = hm__jp_keys(j, path, keys, err);
    if (rc == HM_OK)
        rc = hm__jp_int(j, path, "offset_min", 0, -720, 720, &w->offset_min, err);
    if (rc == HM_OK)
        rc = hm__jp_int(j, path, "before_min", 1, 0, 720, &w->before_min, err);
    if (rc == HM_OK)
        rc = hm__jp_int(j, path, "after_min", 1, 0, 720, &w->after_min, err);
    if (rc == HM_OK && w->before_min + w->after_min == 0)
        return hm__jp_err(err, path, NULL, "before_min + after_min must be positive");
    return rc;
}

static int parse_window(const json_t *j, const char *path, int cadence, struct hm__window *w,
                        hm_err *err)
{
    int rc = get_enum(j, path, "anchor", 1, window_anchors, "window anchor", &w->anchor, err);
    if (rc != HM_OK)
        return rc;
    if (cadence_gives_times(cadence) && w->anchor != HM__WIN_OCCURRENCE)
        return hm__jp_err(err, path, "anchor",
                          "must be 'occurrence' for a cadence that gives clock times");
    if (!cadence_gives_times(cadence) && w->anchor == HM__WIN_OCCURRENCE)
        return hm__jp_err(err, path, "anchor",
                          "'occurrence' needs a cadence that gives clock times "
                          "(bag_changes, vitals_times, lab_schedule)");
    if (w->anchor == HM__WIN_FIXED)
        return parse_fixed_window(j, path, w, err);
    return parse_relative_window(j, path, w, err);
}

/* ---- documentation schema ----------------------------------------------------------------- */

static const struct name_code doc_types[] = {
    {"number", HM__DOC_NUMBER}, {"integer", HM__DOC_INTEGER}, {"boolean", HM__DOC_BOOLEAN},
    {"text", HM__DOC_TEXT},     {"enum", HM__DOC_ENUM},       {"enum_list", HM__DOC_ENUM_LIST},
    {NULL, 0},
};

static int parse_enum_values(const json_t *j, const char *path, struct hm__doc_field *f,
                             hm_err *err)
{
    const json_t *arr = NULL;
    char sub[160];
    int rc = hm__jp_arr(j, path, "values", 1, HM__MAX_ENUM_VALUES, &arr, err);
    if (rc != HM_OK)
        return rc;
    hm__jp_join(sub, sizeof sub, path, "values");
    if (json_array_size(arr) == 0)
        return hm__jp_err(err, sub, NULL, "must list at least one value");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s || !*s || strlen(s) > 64)
            return hm__jp_err(err, sub, NULL, "entry %zu must be a string of 1 to 64 bytes", i);
        for (size_t k = 0; k < i; k++)
            if (strcmp(s, json_string_value(json_array_get(arr, k))) == 0)
                return hm__jp_err(err, sub, NULL, "value '%s' given twice", s);
    }
    f->values = arr;
    f->max_items = json_array_size(arr);
    return HM_OK;
}

static int in_values(const json_t *values, const char *s)
{
    for (size_t i = 0; s && i < json_array_size(values); i++)
        if (strcmp(s, json_string_value(json_array_get(values, i))) == 0)
            return 1;
    return 0;
}

/* "exclusive": values such as "normal" that make no sense together with any other finding. */
static int parse_exclusive(const json_t *j, const char *path, struct hm__doc_field *f, hm_err *err)
{
    const json_t *arr = NULL;
    int rc = hm__jp_arr(j, path, "exclusive", 0, HM__MAX_ENUM_VALUES, &arr, err);
    if (rc != HM_OK || !arr)
        return rc;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!in_values(f->values, s))
            return hm__jp_err(err, path, "exclusive", "entry %zu is not one of the values", i);
    }
    f->exclusive = arr;
    return HM_OK;
}

static int parse_numeric_bounds(const json_t *j, const char *path, struct hm__doc_field *f,
                                hm_err *err)
{
    int rc = HM_OK;
    if (json_object_get(j, "min")) {
        rc = hm__jp_num(j, path, "min", 1, -1e9, 1e9, &f->min, err);
        f->has_min = 1;
    }
    if (rc == HM_OK && json_object_get(j, "max")) {
        rc = hm__jp_num(j, path, "max", 1, -1e9, 1e9, &f->max, err);
        f->has_max = 1;
    }
    if (rc == HM_OK && f->has_min && f->has_max && f->max < f->min)
        return hm__jp_err(err, path, "max", "must not be below min");
    return rc;
}

/* Which optional keys each field type accepts besides type, required, label, unit. */
static int field_keys_fit(const json_t *j, const char *path, int type, hm_err *err)
{
    static const char *const num[] = {"type", "required", "label", "unit", "min", "max", NULL};
    static const char *const plain[] = {"type", "required", "label", NULL};
    static const char *const text[] = {"type", "required", "label", "max_length", NULL};
    static const char *const en[] = {"type", "required", "label", "values", NULL};
    static const char *const enl[] = {"type",      "required",  "label", "values",
                                      "max_items", "exclusive", NULL};
    switch (type) {
    case HM__DOC_NUMBER:
    case HM__DOC_INTEGER:
        return hm__jp_keys(j, path, num, err);
    case HM__DOC_TEXT:
        return hm__jp_keys(j, path, text, err);
    case HM__DOC_ENUM:
        return hm__jp_keys(j, path, en, err);
    case HM__DOC_ENUM_LIST:
        return hm__jp_keys(j, path, enl, err);
    default:
        return hm__jp_keys(j, path, plain, err);
    }
}

static int parse_doc_field(const char *name, const json_t *j, const char *path,
                           struct hm__doc_field *f, hm_err *err)
{
    const char *nb = NULL, *en = NULL;
    int max_len = TEXT_MAX, max_items = 0;
    if (!json_is_object(j))
        return hm__jp_err(err, path, NULL, "must be an object");
    if (strlen(name) > 64 || !ident_valid(name))
        return hm__jp_err(err, path, NULL, "field names use only a-z, 0-9, '_' and '-'");
    f->name = name;
    int rc = get_enum(j, path, "type", 1, doc_types, "field type", &f->type, err);
    if (rc == HM_OK)
        rc = field_keys_fit(j, path, f->type, err);
    if (rc == HM_OK)
        rc = hm__jp_bool(j, path, "required", 0, &f->required, err);
    if (rc == HM_OK)
        rc = get_i18n(j, path, "label", 0, LABEL_MAX, &nb, &en, err);
    if (rc == HM_OK)
        rc = hm__jp_str(j, path, "unit", 0, 16, &f->unit, err);
    if (rc == HM_OK && (f->type == HM__DOC_NUMBER || f->type == HM__DOC_INTEGER))
        rc = parse_numeric_bounds(j, path, f, err);
    if (rc == HM_OK && f->type == HM__DOC_TEXT)
        rc = hm__jp_int(j, path, "max_length", 0, 1, 20000, &max_len, err);
    f->max_length = (size_t)max_len;
    if (rc == HM_OK && (f->type == HM__DOC_ENUM || f->type == HM__DOC_ENUM_LIST))
        rc = parse_enum_values(j, path, f, err);
    if (rc == HM_OK && f->type == HM__DOC_ENUM_LIST) {
        rc = hm__jp_int(j, path, "max_items", 0, 1, (int)f->max_items, &max_items, err);
        if (max_items)
            f->max_items = (size_t)max_items;
    }
    if (rc == HM_OK && f->type == HM__DOC_ENUM_LIST)
        rc = parse_exclusive(j, path, f, err);
    return rc;
}

static int parse_documentation(const json_t *j, const char *path, struct hm__task_rule *r,
                               hm_err *err)
{
    static const char *const keys[] = {"fields", NULL};
    const json_t *fields = NULL;
    char sub[128];
    int rc = hm__jp_keys(j, path, keys, err);
    if (rc == HM_OK)
        rc = hm__jp_obj(j, path, "fields", 1, &fields, err);
    if (rc != HM_OK)
        return rc;
    hm__jp_join(sub, sizeof sub, path, "fields");
    if (json_object_size(fields) > HM__MAX_DOC_FIELDS)
        return hm__jp_err(err, sub, NULL, "more than %d fields", HM__MAX_DOC_FIELDS);
    r->fields = calloc(json_object_size(fields) + 1, sizeof *r->fields);
    if (!r->fields)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)fields, name, v)
    {
        char fpath[160];
        if (name[0] == '_')
            continue;
        snprintf(fpath, sizeof fpath, "%s.%s", sub, name);
        rc = parse_doc_field(name, v, fpath, &r->fields[r->n_fields], err);
        if (rc != HM_OK)
            return rc;
        r->n_fields++;
    }
    return HM_OK;
}

/* ---- tasks -------------------------------------------------------------------------------- */

static int parse_task_kind(const json_t *j, const char *path, hm_task_kind *k, hm_err *err)
{
    const char *loc = NULL;
    int rc = get_ident(j, path, "id", 1, ID_MAX, &k->id, err);
    if (rc == HM_OK)
        rc = get_i18n(j, path, "label", 1, LABEL_MAX, &k->label_nb, &k->label_en, err);
    if (rc == HM_OK)
        rc = get_ident(j, path, "competence", 0, ID_MAX, &k->competence, err);
    if (rc == HM_OK)
        rc = hm__jp_str(j, path, "location", 1, 15, &loc, err);
    if (rc == HM_OK && strcmp(loc, "patient") != 0 && strcmp(loc, "office") != 0)
        return hm__jp_err(err, path, "location", "must be 'patient' or 'office', not '%s'", loc);
    k->location = loc;
    if (rc == HM_OK)
        rc = hm__jp_int(j, path, "duration_min", 1, 1, 24 * 60, &k->duration_min, err);
    if (rc == HM_OK)
        rc = hm__jp_int(j, path, "priority", 1, 1, 3, &k->priority, err);
    k->nurses = 1;
    if (rc == HM_OK)
        rc = hm__jp_int(j, path, "nurses", 0, 1, 2, &k->nurses, err);
    return rc;
}

static int parse_task(const json_t *j, const char *path, struct hm__task_rule *r, hm_err *err)
{
    static const char *const keys[] = {"id",     "label",  "competence",    "location",
                                       "duration_min", "priority", "nurses", "cadence",
                                       "window", "documentation", NULL};
    const json_t *cad = NULL, *win = NULL, *doc = NULL;
    char sub[128];
    if (!json_is_object(j))
        return hm__jp_err(err, path, NULL, "must be an object");
    int rc = hm__jp_keys(j, path, keys, err);
    if (rc == HM_OK)
        rc = parse_task_kind(j, path, &r->kind, err);
    if (rc == HM_OK)
        rc = hm__jp_obj(j, path, "cadence", 1, &cad, err);
    if (rc == HM_OK)
        rc = hm__jp_obj(j, path, "window", 1, &win, err);
    if (rc == HM_OK)
        rc = hm__jp_obj(j, path, "documentation", 0, &doc, err);
    if (rc != HM_OK)
        return rc;
    hm__jp_join(sub, sizeof sub, path, "cadence");
    rc = parse_cadence(cad, sub, &r->cadence, err);
    if (rc != HM_OK)
        return rc;
    hm__jp_join(sub, sizeof sub, path, "window");
    rc = parse_window(win, sub, r->cadence.type, &r->window, err);
    if (rc != HM_OK || !doc)
        return rc;
    hm__jp_join(sub, sizeof sub, path, "documentation");
    return parse_documentation(doc, sub, r, err);
}

static int parse_tasks(const json_t *root, hm_pathway *p, hm_err *err)
{
    const json_t *arr = NULL;
    int rc = hm__jp_arr(root, "", "tasks", 1, HM__MAX_TASKS, &arr, err);
    if (rc != HM_OK)
        return rc;
    if (json_array_size(arr) == 0)
        return hm__jp_err(err, "tasks", NULL, "must define at least one task kind");
    p->rules = calloc(json_array_size(arr), sizeof *p->rules);
    if (!p->rules)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char path[48];
        snprintf(path, sizeof path, "tasks[%zu]", i);
        rc = parse_task(json_array_get(arr, i), path, &p->rules[i], err);
        p->n_rules = i + 1; /* counted even on failure so that free releases its fields */
        if (rc != HM_OK)
            return rc;
        for (size_t k = 0; k < i; k++)
            if (strcmp(p->rules[k].kind.id, p->rules[i].kind.id) == 0)
                return hm__jp_err(err, path, "id", "duplicate task kind '%s'", p->rules[i].kind.id);
    }
    return HM_OK;
}

/* ---- eligibility, division of labour, the whole template ---------------------------------- */

static int parse_eligibility(const json_t *root, hm_pathway *p, hm_err *err)
{
    static const char *const keys[] = {"id", "nb", "en", NULL};
    const json_t *arr = NULL;
    int rc = hm__jp_arr(root, "", "eligibility", 1, HM__MAX_ELIGIBILITY, &arr, err);
    if (rc != HM_OK)
        return rc;
    p->eligibility = calloc(json_array_size(arr) + 1, sizeof *p->eligibility);
    if (!p->eligibility)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *it = json_array_get(arr, i);
        hm_eligibility_item *e = &p->eligibility[i];
        char path[48];
        snprintf(path, sizeof path, "eligibility[%zu]", i);
        if (!json_is_object(it))
            return hm__jp_err(err, path, NULL, "must be an object");
        rc = hm__jp_keys(it, path, keys, err);
        if (rc == HM_OK)
            rc = get_ident(it, path, "id", 1, 63, &e->id, err);
        if (rc == HM_OK)
            rc = hm__jp_str(it, path, "nb", 1, TEXT_MAX, &e->text_nb, err);
        if (rc == HM_OK)
            rc = hm__jp_str(it, path, "en", 1, TEXT_MAX, &e->text_en, err);
        if (rc != HM_OK)
            return rc;
        if (hm_pathway_eligibility_find(p, e->id))
            return hm__jp_err(err, path, "id", "duplicate eligibility item '%s'", e->id);
        p->n_eligibility = i + 1;
    }
    return HM_OK;
}

static int parse_division(const json_t *root, hm_pathway *p, hm_err *err)
{
    static const char *const keys[] = {"hospital_weekdays", "hospital_kinds", NULL};
    const char *path = "division_of_labour";
    const json_t *d = NULL, *kinds = NULL;
    int rc = hm__jp_obj(root, "", path, 1, &d, err);
    if (rc == HM_OK)
        rc = hm__jp_keys(d, path, keys, err);
    if (rc == HM_OK)
        rc = get_weekdays(d, path, "hospital_weekdays", 1, &p->hospital_weekdays, err);
    if (rc == HM_OK)
        rc = hm__jp_arr(d, path, "hospital_kinds", 0, HM__MAX_TASKS, &kinds, err);
    if (rc != HM_OK || !kinds)
        return rc;
    for (size_t i = 0; i < json_array_size(kinds); i++) {
        const char *id = json_string_value(json_array_get(kinds, i));
        struct hm__task_rule *r = (struct hm__task_rule *)hm__pathway_rule(p, id);
        if (!r)
            return hm__jp_err(err, path, "hospital_kinds", "entry %zu: unknown task kind '%s'", i,
                              id ? id : "(not a string)");
        r->hospital_always = 1;
    }
    return HM_OK;
}

static int parse_pathway(const json_t *root, hm_pathway *p, hm_err *err)
{
    /* escalation and alarm_rules are read by the alert module (alert/alarm.h). */
    static const char *const keys[] = {"format_version", "id",          "name",
                                       "description",    "max_episode_days", "eligibility",
                                       "division_of_labour", "tasks",   "escalation",
                                       "alarm_rules",    "questions",        NULL};
    const char *dnb = NULL, *den = NULL;
    int version = 0;
    if (!json_is_object(root))
        return hm_err_set(err, HM_EINVAL, "a pathway template must be a JSON object");
    int rc = hm__jp_keys(root, "", keys, err);
    if (rc == HM_OK)
        rc = hm__jp_int(root, "", "format_version", 1, 1, 1000, &version, err);
    if (rc == HM_OK && version != FORMAT_VERSION)
        return hm__jp_err(err, "", "format_version", "unsupported version %d (this heime reads %d)",
                          version, FORMAT_VERSION);
    if (rc == HM_OK)
        rc = get_ident(root, "", "id", 1, PATHWAY_ID_MAX, &p->id, err);
    if (rc == HM_OK)
        rc = get_i18n(root, "", "name", 1, LABEL_MAX, &p->name_nb, &p->name_en, err);
    if (rc == HM_OK)
        rc = get_i18n(root, "", "description", 0, 4 * TEXT_MAX, &dnb, &den, err);
    p->max_episode_days = 366;
    if (rc == HM_OK)
        rc = hm__jp_int(root, "", "max_episode_days", 0, 1, 3660, &p->max_episode_days, err);
    if (rc == HM_OK)
        rc = parse_eligibility(root, p, err);
    if (rc == HM_OK)
        rc = parse_tasks(root, p, err);
    if (rc == HM_OK)
        rc = parse_division(root, p, err);
    if (rc == HM_OK)
        rc = hm__parse_questions(root, p, err);
    return rc;
}

int hm_pathway_load_json(const json_t *root, hm_pathway **out, hm_err *err)
{
    if (!root || !out)
        return hm_err_set(err, HM_EINVAL, "pathway template missing");
    hm_pathway *p = calloc(1, sizeof *p);
    if (!p)
        return hm_err_set(err, HM_ENOMEM, "out of memory loading a pathway template");
    p->root = json_deep_copy(root);
    if (!p->root) {
        free(p);
        return hm_err_set(err, HM_ENOMEM, "out of memory loading a pathway template");
    }
    int rc = parse_pathway(p->root, p, err);
    if (rc != HM_OK) {
        hm_pathway_free(p);
        return rc;
    }
    *out = p;
    return HM_OK;
}

int hm_pathway_load_file(const char *path, hm_pathway **out, hm_err *err)
{
    json_t *root = NULL;
    int rc = hm_read_json_file(path, HM__FILE_MAX, &root, err);
    if (rc != HM_OK)
        return rc;
    rc = hm_pathway_load_json(root, out, err);
    json_decref(root);
    if (rc != HM_OK)
        hm__err_prefix(err, path);
    return rc;
}

void hm_pathway_free(hm_pathway *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_rules; i++)
        free(p->rules[i].fields);
    free(p->rules);
    free(p->eligibility);
    free(p->questions);
    json_decref(p->root);
    free(p);
}

/* ---- accessors ---------------------------------------------------------------------------- */

const struct hm__task_rule *hm__pathway_rule(const hm_pathway *p, const char *kind)
{
    if (!p || !kind)
        return NULL;
    for (size_t i = 0; i < p->n_rules; i++)
        if (p->rules[i].kind.id && strcmp(p->rules[i].kind.id, kind) == 0)
            return &p->rules[i];
    return NULL;
}

const char *hm_pathway_id(const hm_pathway *p)
{
    return p->id;
}

const char *hm_pathway_name(const hm_pathway *p, const char *lang)
{
    if (lang && strcmp(lang, "nb") == 0)
        return p->name_nb;
    return p->name_en;
}

json_t *hm_pathway_to_json(const hm_pathway *p)
{
    return json_deep_copy(p->root);
}

size_t hm_pathway_eligibility_count(const hm_pathway *p)
{
    return p->n_eligibility;
}

const hm_eligibility_item *hm_pathway_eligibility_at(const hm_pathway *p, size_t i)
{
    return i < p->n_eligibility ? &p->eligibility[i] : NULL;
}

const hm_eligibility_item *hm_pathway_eligibility_find(const hm_pathway *p, const char *id)
{
    for (size_t i = 0; id && i < p->n_eligibility; i++)
        if (strcmp(p->eligibility[i].id, id) == 0)
            return &p->eligibility[i];
    return NULL;
}

int hm_pathway_check_eligibility(const hm_pathway *p, const json_t *answers, hm_err *err)
{
    const char *key;
    json_t *v;
    if (!json_is_object(answers))
        return hm_err_set(err, HM_EINVAL, "eligibility answers must be a JSON object");
    json_object_foreach((json_t *)answers, key, v)
    {
        if (!hm_pathway_eligibility_find(p, key))
            return hm_err_set(err, HM_EINVAL, "unknown eligibility item '%.64s'", key);
        if (!json_is_boolean(v))
            return hm_err_set(err, HM_EINVAL, "eligibility item '%s' must be true or false", key);
    }
    for (size_t i = 0; i < p->n_eligibility; i++) {
        const hm_eligibility_item *e = &p->eligibility[i];
        json_t *a = json_object_get(answers, e->id);
        if (!a)
            return hm_err_set(err, HM_ECONFLICT, "eligibility item '%s' is not answered", e->id);
        if (!json_is_true(a))
            return hm_err_set(err, HM_ECONFLICT, "eligibility item '%s' is not met: %s", e->id,
                              e->text_en);
    }
    return HM_OK;
}

size_t hm_pathway_task_kind_count(const hm_pathway *p)
{
    return p->n_rules;
}

const hm_task_kind *hm_pathway_task_kind_at(const hm_pathway *p, size_t i)
{
    return i < p->n_rules ? &p->rules[i].kind : NULL;
}

const hm_task_kind *hm_pathway_task_kind_find(const hm_pathway *p, const char *id)
{
    const struct hm__task_rule *r = hm__pathway_rule(p, id);
    return r ? &r->kind : NULL;
}

int hm_pathway_task_kind_is_hospital(const hm_pathway *p, const char *id)
{
    const struct hm__task_rule *r = hm__pathway_rule(p, id);
    return r ? r->hospital_always : 0;
}

int hm_pathway_hospital_weekdays(const hm_pathway *p)
{
    return p->hospital_weekdays;
}

int hm_pathway_max_episode_days(const hm_pathway *p)
{
    return p->max_episode_days;
}
