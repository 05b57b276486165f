/* fuzz_roster: the roster request check (care/roster_check.c) on arbitrary JSON: it must refuse
 * or accept without crashing, leaking or reading out of bounds, and an accepted roster must hold
 * what the check promises (dates in range, the end after the start, no overlaps per nurse). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "care/care.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    json_error_t je;
    json_t *in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!in || !json_is_object(in)) {
        json_decref(in);
        return 0;
    }
    hm_err err;
    hm_date from, to;
    hm_shift *v = NULL;
    size_t n = 0;
    if (hm_care_roster_parse(in, &from, &to, &v, &n, &err) == HM_OK) {
        for (size_t i = 0; i < n; i++) {
            if (v[i].end <= v[i].start || v[i].end > 1440 || hm_date_cmp(v[i].date, from) < 0 ||
                hm_date_cmp(v[i].date, to) > 0)
                abort();
            if (i && v[i].staff_id == v[i - 1].staff_id &&
                hm_date_cmp(v[i].date, v[i - 1].date) == 0 && v[i].start < v[i - 1].end)
                abort();
        }
        free(v);
    }
    json_decref(in);
    return 0;
}
