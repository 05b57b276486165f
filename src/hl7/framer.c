/* framer.c: the MLLP framer, a byte-at-a-time state machine fed with whatever read() returned.
 *
 * Outside a frame every byte but the start block is discarded and counted. Inside, bytes are
 * kept up to the limit; past it the frame is still consumed up to its end block (so the stream
 * resynchronises) and reported as OVERSIZE with its first max bytes, enough to read MSH-10.
 * A frame is delivered at its end block; the CR that should follow is swallowed, and any other
 * byte there is handled as outside a frame (lenient towards senders that omit the CR, and no
 * waiting on a CR that never comes). */
#include "base/arena.h"
#include "hl7/mllp.h"

#include <stdlib.h>
#include <string.h>

enum { OUTSIDE = 0, INSIDE, AFTER_EB };

void hm_mllp_framer_init(hm_mllp_framer *f, size_t max)
{
    memset(f, 0, sizeof *f);
    f->max = max ? max : HM_HL7_DEFAULT_MAX_BYTES;
}

void hm_mllp_framer_free(hm_mllp_framer *f)
{
    hm_free(f->buf);
    memset(f, 0, sizeof *f);
}

int hm_mllp_framer_pending(const hm_mllp_framer *f)
{
    return f->state == INSIDE;
}

static int keep(hm_mllp_framer *f, char c)
{
    if (f->len >= f->max) {
        f->oversize = 1;
        return HM_OK;
    }
    if (f->len == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 4096;
        if (ncap > f->max)
            ncap = f->max;
        char *nb = hm_realloc(f->buf, ncap);
        if (!nb)
            return HM_ENOMEM;
        f->buf = nb;
        f->cap = ncap;
    }
    f->buf[f->len++] = c;
    return HM_OK;
}

/* The frame in the buffer is complete: report it and get ready for the next. */
static int deliver(hm_mllp_framer *f, hm_mllp_frame_fn fn, void *ctx)
{
    enum hm_mllp_event ev = f->oversize ? HM_MLLP_OVERSIZE : HM_MLLP_MESSAGE;
    size_t len = f->len;
    f->len = 0;
    f->oversize = 0;
    f->state = AFTER_EB;
    return fn(ctx, ev, f->buf ? f->buf : "", len);
}

static int report_garbage(hm_mllp_framer *f, hm_mllp_frame_fn fn, void *ctx)
{
    if (!f->garbage)
        return HM_OK;
    size_t n = f->garbage;
    f->garbage = 0;
    return fn(ctx, HM_MLLP_GARBAGE, NULL, n);
}

static int step(hm_mllp_framer *f, char c, hm_mllp_frame_fn fn, void *ctx)
{
    int rc;
    switch (f->state) {
    case AFTER_EB:
        f->state = OUTSIDE;
        /* Any byte but CR after an end block is outside any frame. */
        return c == HM_MLLP_CR ? HM_OK : step(f, c, fn, ctx);
    case OUTSIDE:
        if (c != HM_MLLP_SB) {
            f->garbage++;
            return HM_OK;
        }
        rc = report_garbage(f, fn, ctx);
        f->state = INSIDE;
        f->len = 0;
        f->oversize = 0;
        return rc;
    default: /* INSIDE */
        if (c == HM_MLLP_EB)
            return deliver(f, fn, ctx);
        if (c == HM_MLLP_SB) {
            size_t len = f->len;
            f->len = 0;
            f->oversize = 0;
            return fn(ctx, HM_MLLP_TRUNCATED, f->buf ? f->buf : "", len);
        }
        return keep(f, c);
    }
}

int hm_mllp_framer_feed(hm_mllp_framer *f, const char *data, size_t len, hm_mllp_frame_fn fn,
                        void *ctx)
{
    for (size_t i = 0; i < len; i++) {
        int rc = step(f, data[i], fn, ctx);
        if (rc)
            return rc;
    }
    return report_garbage(f, fn, ctx);
}

int hm_mllp_wrap(const char *msg, size_t len, char *out, size_t cap, size_t *out_len)
{
    if (cap < len + 3)
        return HM_ETOOBIG;
    out[0] = HM_MLLP_SB;
    memcpy(out + 1, msg, len);
    out[len + 1] = HM_MLLP_EB;
    out[len + 2] = HM_MLLP_CR;
    *out_len = len + 3;
    return HM_OK;
}
