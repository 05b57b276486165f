/* fuzz_accept_encoding: a client's Accept-Encoding header (http/gzip.c). Property: nothing
 * crashes or reads past the value, the answer is 0 or 1, and naming gzip with q=0 after the
 * value always refuses it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/gzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *value = malloc(size + 16);
    if (!value)
        return 0;
    memcpy(value, data, size);
    value[size] = '\0'; /* headers reach heime as C strings; an embedded NUL ends them */
    int gzip = hm_http_accepts_gzip(value);
    if (gzip != 0 && gzip != 1)
        abort();
    /* a later "gzip;q=0" wins only when no earlier element names gzip with q > 0 */
    if (strlen(value) == size) {
        memcpy(value + strlen(value), ",gzip;q=0", 10);
        if (hm_http_accepts_gzip(value) && !gzip)
            abort();
    }
    free(value);
    return 0;
}
