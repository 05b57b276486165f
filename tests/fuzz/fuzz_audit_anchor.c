/* fuzz_audit_anchor: the reader of audit anchor files (`heime audit verify --anchors FILE`),
 * which come from outside heime. Property: every anchor read back is formatted and read again to
 * the same row and hash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    hm_audit_anchor *a = NULL;
    size_t n = 0;
    hm_err err;
    if (hm_audit_anchors_parse((const char *)data, size, &a, &n, &err) != HM_OK)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char line[HM_AUDIT_ANCHOR_LINE];
        size_t len = hm_audit_anchor_format(&a[i], 0, line, sizeof line);
        hm_audit_anchor *b = NULL;
        size_t m = 0;
        if (hm_audit_anchors_parse(line, len, &b, &m, &err) != HM_OK || m != 1 ||
            b[0].row != a[i].row || strcmp(b[0].hash, a[i].hash) != 0)
            abort();
        free(b);
    }
    free(a);
    return 0;
}
