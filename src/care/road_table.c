/* road_table.c: reading the routing service's table answer (road.h). Outside input: every shape
 * is checked, and any answer but a full table of the asked size is refused with its reason. */
#include "care/road.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

/* Durations longer than this are not a home-care trip: refused as a broken answer. */
#define MAX_SECONDS (7.0 * 86400)

static int table_row(const json_t *row, int r, int cols, double *out, hm_err *err)
{
    if (!json_is_array(row) || json_array_size(row) != (size_t)cols)
        return hm_err_set(err, HM_EINVAL, "road service: durations row %d must list %d values", r,
                          cols);
    for (int c = 0; c < cols; c++) {
        const json_t *v = json_array_get(row, (size_t)c);
        if (json_is_null(v)) {
            out[c] = -1;
            continue;
        }
        double s = json_number_value(v);
        if (!json_is_number(v) || !isfinite(s) || s < 0 || s > MAX_SECONDS)
            return hm_err_set(err, HM_EINVAL,
                              "road service: durations[%d][%d] must be seconds from 0 to %g or"
                              " null",
                              r, c, MAX_SECONDS);
        out[c] = s / 60.0;
    }
    return HM_OK;
}

int hm_road_table_parse(const char *body, size_t len, int rows, int cols, double *out,
                        size_t stride, hm_err *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        return hm_err_set(err, HM_EINVAL, "road service: not JSON (%s)", jerr.text);
    int rc = HM_OK;
    const char *code = json_string_value(json_object_get(doc, "code"));
    const json_t *durations = json_object_get(doc, "durations");
    if (!json_is_object(doc) || !code) {
        rc = hm_err_set(err, HM_EINVAL, "road service: the answer has no \"code\"");
    } else if (strcmp(code, "Ok") != 0) {
        const char *msg = json_string_value(json_object_get(doc, "message"));
        rc = hm_err_set(err, HM_EINVAL, "road service: %.60s%s%.120s", code, msg ? ": " : "",
                        msg ? msg : "");
    } else if (!json_is_array(durations) || json_array_size(durations) != (size_t)rows) {
        rc = hm_err_set(err, HM_EINVAL, "road service: \"durations\" must list %d rows", rows);
    }
    for (int r = 0; r < rows && !rc; r++)
        rc =
            table_row(json_array_get(durations, (size_t)r), r, cols, out + (size_t)r * stride, err);
    json_decref(doc);
    return rc;
}
