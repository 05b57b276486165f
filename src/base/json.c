/* json.c: typed JSON field access with field-naming error messages. */
#include "base/json.h"

#include <math.h>
#include <string.h>

int hm_json_str(const json_t *obj, const char *key, int required, size_t max_len,
                const char **out, hm_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            return hm_err_set(err, HM_EINVAL, "missing field '%s'", key);
        return HM_OK;
    }
    if (!json_is_string(v))
        return hm_err_set(err, HM_EINVAL, "field '%s' must be a string", key);
    size_t len = json_string_length(v);
    if (len == 0 && required)
        return hm_err_set(err, HM_EINVAL, "field '%s' must not be empty", key);
    if (len > (max_len ? max_len : 65536))
        return hm_err_set(err, HM_EINVAL, "field '%s' is longer than %zu bytes", key,
                          max_len ? max_len : (size_t)65536);
    if (strlen(json_string_value(v)) != len)
        return hm_err_set(err, HM_EINVAL, "field '%s' must not contain NUL characters", key);
    *out = json_string_value(v);
    return HM_OK;
}

int hm_json_int(const json_t *obj, const char *key, int required, int64_t min, int64_t max,
                int64_t *out, hm_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            return hm_err_set(err, HM_EINVAL, "missing field '%s'", key);
        return HM_OK;
    }
    if (!json_is_integer(v))
        return hm_err_set(err, HM_EINVAL, "field '%s' must be an integer", key);
    int64_t x = json_integer_value(v);
    if (x < min || x > max)
        return hm_err_set(err, HM_EINVAL, "field '%s' must be between %lld and %lld", key,
                          (long long)min, (long long)max);
    *out = x;
    return HM_OK;
}

int hm_json_num(const json_t *obj, const char *key, int required, double min, double max,
                double *out, hm_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            return hm_err_set(err, HM_EINVAL, "missing field '%s'", key);
        return HM_OK;
    }
    if (!json_is_number(v))
        return hm_err_set(err, HM_EINVAL, "field '%s' must be a number", key);
    double x = json_number_value(v);
    if (!isfinite(x) || x < min || x > max)
        return hm_err_set(err, HM_EINVAL, "field '%s' must be between %g and %g", key, min, max);
    *out = x;
    return HM_OK;
}

int hm_json_bool(const json_t *obj, const char *key, int required, int *out, hm_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            return hm_err_set(err, HM_EINVAL, "missing field '%s'", key);
        return HM_OK;
    }
    if (!json_is_boolean(v))
        return hm_err_set(err, HM_EINVAL, "field '%s' must be true or false", key);
    *out = json_is_true(v);
    return HM_OK;
}

int hm_json_only(const json_t *obj, const char *const *allowed, hm_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok)
            return hm_err_set(err, HM_EINVAL, "unknown field '%s'", key);
    }
    return HM_OK;
}
