/* fuzz_mllp_frame: libFuzzer target for the MLLP framer. The first bytes choose read sizes;
 * the rest is fed once whole and once in those splits. Property: the frames (kind and bytes)
 * and the total of discarded garbage must not depend on how the bytes were split. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hl7/hl7.h"
#include "hl7/mllp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct trace {
    uint64_t hash;   /* over every frame event: kind, length and bytes */
    size_t frames;
    size_t garbage;  /* garbage is reported per feed call, so only its total is comparable */
};

static int on_event(void *ctx, enum hm_mllp_event ev, const char *d, size_t n)
{
    struct trace *t = ctx;
    if (ev == HM_MLLP_GARBAGE) {
        t->garbage += n;
        return HM_OK;
    }
    t->frames++;
    uint64_t h = t->hash ^ ((uint64_t)ev * 0x100000001b3ull) ^ n;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)d[i]) * 0x100000001b3ull;
    t->hash = h * 31 + 7;
    if (ev == HM_MLLP_MESSAGE) {
        hm_hl7_msg *m = NULL;
        if (hm_hl7_parse(d, n, NULL, &m, NULL) == HM_OK)
            hm_hl7_free(m);
    }
    return HM_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    const uint8_t *splits = data;
    size_t nsplits = 4;
    const char *s = (const char *)data + nsplits;
    size_t n = size - nsplits;
    size_t max = 64 + (splits[0] % 4) * 64;

    struct trace whole = {0}, parts = {0};
    hm_mllp_framer f;
    hm_mllp_framer_init(&f, max);
    hm_mllp_framer_feed(&f, s, n, on_event, &whole);
    hm_mllp_framer_free(&f);

    hm_mllp_framer_init(&f, max);
    for (size_t i = 0, k = 0; i < n; k++) {
        size_t step = 1 + splits[k % nsplits] % 17;
        if (step > n - i)
            step = n - i;
        hm_mllp_framer_feed(&f, s + i, step, on_event, &parts);
        i += step;
    }
    hm_mllp_framer_free(&f);
    if (whole.hash != parts.hash || whole.frames != parts.frames || whole.garbage != parts.garbage)
        abort(); /* framing depends on read boundaries */
    char out[512];
    size_t wl;
    hm_mllp_wrap(s, n < 400 ? n : 400, out, sizeof out, &wl);
    return 0;
}
