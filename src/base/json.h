/* json.h: typed access to fields of JSON objects from outside (HTTP bodies, data files), with
 * one clear message per problem naming the field: "field 'dose' must be a number". */
#ifndef HM_BASE_JSON_H
#define HM_BASE_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"

/* Each getter: HM_OK and *out set when present and of the right type; when absent, HM_OK with
 * *out untouched if optional (required = 0), HM_EINVAL "missing field 'x'" if required; wrong
 * type: HM_EINVAL "field 'x' must be a ...". Strings must be non-empty and at most max_len
 * bytes (0 = no limit besides 64 KiB). */
int hm_json_str(const json_t *obj, const char *key, int required, size_t max_len,
                const char **out, hm_err *err);
int hm_json_int(const json_t *obj, const char *key, int required, int64_t min, int64_t max,
                int64_t *out, hm_err *err);
int hm_json_num(const json_t *obj, const char *key, int required, double min, double max,
                double *out, hm_err *err);
int hm_json_bool(const json_t *obj, const char *key, int required, int *out, hm_err *err);

/* HM_EINVAL "unknown field 'x'" when obj has a key not in the NULL-terminated list. */
int hm_json_only(const json_t *obj, const char *const *allowed, hm_err *err);

#endif
