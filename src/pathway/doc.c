/* doc.c: checking a nurse's documentation of a done task against the task kind's schema in
 * the template (vital signs with units and ranges, insertion-site findings from a list, bag
 * lot numbers, free text). The schema is template data; this file only interprets it.
 * Every problem is reported naming the field, so the UI can point at it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pathway/pathway_int.h"

static const struct hm__doc_field *find_field(const struct hm__task_rule *r, const char *name)
{
    for (size_t i = 0; i < r->n_fields; i++)
        if (strcmp(r->fields[i].name, name) == 0)
            return &r->fields[i];
    return NULL;
}

static int in_list(const json_t *values, const char *s)
{
    for (size_t i = 0; values && s && i < json_array_size(values); i++)
        if (strcmp(s, json_string_value(json_array_get(values, i))) == 0)
            return 1;
    return 0;
}

/* "alert, confusion, voice" for messages, truncated to fit. */
static void list_values(const json_t *values, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(values) && used < size; i++) {
        int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "",
                         json_string_value(json_array_get(values, i)));
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static int range_error(const struct hm__doc_field *f, hm_err *err)
{
    const char *u = f->unit ? f->unit : "";
    const char *sp = f->unit ? " " : "";
    if (f->has_min && f->has_max)
        return hm_err_set(err, HM_EINVAL, "field '%s' must be between %g and %g%s%s", f->name,
                          f->min, f->max, sp, u);
    if (f->has_min)
        return hm_err_set(err, HM_EINVAL, "field '%s' must be at least %g%s%s", f->name, f->min,
                          sp, u);
    return hm_err_set(err, HM_EINVAL, "field '%s' must be at most %g%s%s", f->name, f->max, sp, u);
}

static int check_number(const struct hm__doc_field *f, const json_t *v, hm_err *err)
{
    if (!json_is_number(v))
        return hm_err_set(err, HM_EINVAL, "field '%s' must be a number", f->name);
    double x = json_number_value(v);
    if (!isfinite(x))
        return hm_err_set(err, HM_EINVAL, "field '%s' must be a finite number", f->name);
    /* JSON writers differ on 80 vs 80.0, so a real with no fraction counts as an integer. */
    if (f->type == HM__DOC_INTEGER && x != floor(x))
        return hm_err_set(err, HM_EINVAL, "field '%s' must be a whole number", f->name);
    if ((f->has_min && x < f->min) || (f->has_max && x > f->max))
        return range_error(f, err);
    return HM_OK;
}

static int check_text(const struct hm__doc_field *f, const json_t *v, hm_err *err)
{
    if (!json_is_string(v))
        return hm_err_set(err, HM_EINVAL, "field '%s' must be a string", f->name);
    size_t len = json_string_length(v);
    if (len > f->max_length)
        return hm_err_set(err, HM_EINVAL, "field '%s' is longer than %zu bytes", f->name,
                          f->max_length);
    if (strlen(json_string_value(v)) != len)
        return hm_err_set(err, HM_EINVAL, "field '%s' must not contain NUL characters", f->name);
    if (len == 0 && f->required)
        return hm_err_set(err, HM_EINVAL, "field '%s' must not be empty", f->name);
    return HM_OK;
}

static int check_enum(const struct hm__doc_field *f, const json_t *v, hm_err *err)
{
    char list[160];
    if (json_is_string(v) && in_list(f->values, json_string_value(v)))
        return HM_OK;
    list_values(f->values, list, sizeof list);
    return hm_err_set(err, HM_EINVAL, "field '%s' must be one of: %s", f->name, list);
}

static int check_enum_list(const struct hm__doc_field *f, const json_t *v, hm_err *err)
{
    char list[160];
    if (!json_is_array(v))
        return hm_err_set(err, HM_EINVAL, "field '%s' must be an array", f->name);
    size_t n = json_array_size(v);
    if (n > f->max_items)
        return hm_err_set(err, HM_EINVAL, "field '%s' has more than %zu entries", f->name,
                          f->max_items);
    if (n == 0 && f->required)
        return hm_err_set(err, HM_EINVAL, "field '%s' must list at least one value", f->name);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(v, i));
        if (!in_list(f->values, s)) {
            list_values(f->values, list, sizeof list);
            return hm_err_set(err, HM_EINVAL, "field '%s' entry %zu must be one of: %s", f->name,
                              i, list);
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(s, json_string_value(json_array_get(v, k))) == 0)
                return hm_err_set(err, HM_EINVAL, "field '%s' lists '%s' twice", f->name, s);
        if (n > 1 && in_list(f->exclusive, s))
            return hm_err_set(err, HM_EINVAL, "field '%s': '%s' cannot be combined with others",
                              f->name, s);
    }
    return HM_OK;
}

static int check_value(const struct hm__doc_field *f, const json_t *v, hm_err *err)
{
    switch (f->type) {
    case HM__DOC_NUMBER:
    case HM__DOC_INTEGER:
        return check_number(f, v, err);
    case HM__DOC_BOOLEAN:
        if (!json_is_boolean(v))
            return hm_err_set(err, HM_EINVAL, "field '%s' must be true or false", f->name);
        return HM_OK;
    case HM__DOC_TEXT:
        return check_text(f, v, err);
    case HM__DOC_ENUM:
        return check_enum(f, v, err);
    case HM__DOC_ENUM_LIST:
        return check_enum_list(f, v, err);
    default:
        return hm_err_set(err, HM_EINTERNAL, "field '%s' has no known type", f->name);
    }
}

int hm_pathway_validate_documentation(const hm_pathway *p, const char *kind, const json_t *doc,
                                      hm_err *err)
{
    const struct hm__task_rule *r = hm__pathway_rule(p, kind);
    if (!r)
        return hm_err_set(err, HM_ENOTFOUND, "unknown task kind '%s'", kind ? kind : "(none)");
    if (doc && !json_is_object(doc))
        return hm_err_set(err, HM_EINVAL, "documentation must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)doc, key, v)
    {
        const struct hm__doc_field *f = find_field(r, key);
        if (!f)
            return hm_err_set(err, HM_EINVAL, "unknown field '%.64s' for task kind '%s'", key,
                              r->kind.id);
        if (json_is_null(v))
            continue;
        int rc = check_value(f, v, err);
        if (rc != HM_OK)
            return rc;
    }
    for (size_t i = 0; i < r->n_fields; i++) {
        const json_t *v2 = doc ? json_object_get(doc, r->fields[i].name) : NULL;
        if (r->fields[i].required && (!v2 || json_is_null(v2)))
            return hm_err_set(err, HM_EINVAL, "missing field '%s'", r->fields[i].name);
    }
    return HM_OK;
}
