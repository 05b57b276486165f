/* jsonpath.c: typed access to members of JSON data files (templates, the drug catalogue) with
 * the member's JSON path in every error message, so that a typo in a 300-line template is found
 * at once: "tasks[2].cadence.type: unknown cadence 'dayly'". Keys starting with '_' are
 * comments and are allowed anywhere. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pathway/pathway_int.h"

void hm__jp_join(char *out, size_t size, const char *path, const char *key)
{
    if (!path || !*path)
        snprintf(out, size, "%s", key ? key : "");
    else if (!key || !*key)
        snprintf(out, size, "%s", path);
    else
        snprintf(out, size, "%s.%s", path, key);
}

int hm__jp_err(hm_err *err, const char *path, const char *key, const char *fmt, ...)
{
    char where[128];
    char what[192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    hm__jp_join(where, sizeof where, path, key);
    if (!*where)
        return hm_err_set(err, HM_EINVAL, "%s", what);
    return hm_err_set(err, HM_EINVAL, "%s: %s", where, what);
}

void hm__err_prefix(hm_err *err, const char *prefix)
{
    if (!err || !prefix)
        return;
    char msg[HM_ERR_MSG_MAX];
    snprintf(msg, sizeof msg, "%s", err->msg);
    hm_err_set(err, err->code, "%s: %s", prefix, msg);
}

int hm__jp_keys(const json_t *obj, const char *path, const char *const *allowed, hm_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        int ok = key[0] == '_';
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok)
            return hm__jp_err(err, path, key, "unknown field");
    }
    return HM_OK;
}

/* The member, or NULL when absent or null; *rc set to the error when required and absent. */
static json_t *member(const json_t *obj, const char *path, const char *key, int required, int *rc,
                      hm_err *err)
{
    json_t *v = json_object_get(obj, key);
    *rc = HM_OK;
    if (v && !json_is_null(v))
        return v;
    if (required)
        *rc = hm__jp_err(err, path, key, "missing");
    return NULL;
}

int hm__jp_str(const json_t *obj, const char *path, const char *key, int required, size_t max,
               const char **out, hm_err *err)
{
    int rc;
    json_t *v = member(obj, path, key, required, &rc, err);
    if (!v)
        return rc;
    if (!json_is_string(v))
        return hm__jp_err(err, path, key, "must be a string");
    size_t len = json_string_length(v);
    if (len == 0)
        return hm__jp_err(err, path, key, "must not be empty");
    if (len > max)
        return hm__jp_err(err, path, key, "longer than %zu bytes", max);
    if (strlen(json_string_value(v)) != len)
        return hm__jp_err(err, path, key, "must not contain NUL characters");
    *out = json_string_value(v);
    return HM_OK;
}

int hm__jp_int(const json_t *obj, const char *path, const char *key, int required, int min,
               int max, int *out, hm_err *err)
{
    int rc;
    json_t *v = member(obj, path, key, required, &rc, err);
    if (!v)
        return rc;
    if (!json_is_integer(v))
        return hm__jp_err(err, path, key, "must be an integer");
    json_int_t x = json_integer_value(v);
    if (x < min || x > max)
        return hm__jp_err(err, path, key, "must be between %d and %d", min, max);
    *out = (int)x;
    return HM_OK;
}

int hm__jp_num(const json_t *obj, const char *path, const char *key, int required, double min,
               double max, double *out, hm_err *err)
{
    int rc;
    json_t *v = member(obj, path, key, required, &rc, err);
    if (!v)
        return rc;
    if (!json_is_number(v))
        return hm__jp_err(err, path, key, "must be a number");
    double x = json_number_value(v);
    if (!isfinite(x) || x < min || x > max)
        return hm__jp_err(err, path, key, "must be between %g and %g", min, max);
    *out = x;
    return HM_OK;
}

int hm__jp_bool(const json_t *obj, const char *path, const char *key, int required, int *out,
                hm_err *err)
{
    int rc;
    json_t *v = member(obj, path, key, required, &rc, err);
    if (!v)
        return rc;
    if (!json_is_boolean(v))
        return hm__jp_err(err, path, key, "must be true or false");
    *out = json_is_true(v);
    return HM_OK;
}

int hm__jp_obj(const json_t *obj, const char *path, const char *key, int required,
               const json_t **out, hm_err *err)
{
    int rc;
    json_t *v = member(obj, path, key, required, &rc, err);
    if (!v)
        return rc;
    if (!json_is_object(v))
        return hm__jp_err(err, path, key, "must be an object");
    *out = v;
    return HM_OK;
}

int hm__jp_arr(const json_t *obj, const char *path, const char *key, int required, size_t max_items,
               const json_t **out, hm_err *err)
{
    int rc;
    json_t *v = member(obj, path, key, required, &rc, err);
    if (!v)
        return rc;
    if (!json_is_array(v))
        return hm__jp_err(err, path, key, "must be an array");
    if (json_array_size(v) > max_items)
        return hm__jp_err(err, path, key, "more than %zu entries", max_items);
    *out = v;
    return HM_OK;
}
