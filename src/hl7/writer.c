/* writer.c: builds HL7 messages with the standard delimiters |^~\& and escapes every value;
 * on top of it, the ACK builder and the one mapping from heime error codes to AE/AR.
 *
 * The writer latches its first error, so a caller chains calls and checks once at
 * hm_hl7_w_finish; it never writes past its maximum size. */
#include "base/arena.h"
#include "hl7/hl7.h"
#include "hl7/hl7_int.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void hm_hl7_writer_init(hm_hl7_writer *w, char *fixed, size_t cap, size_t max)
{
    memset(w, 0, sizeof *w);
    w->max = max ? max : HM_HL7_DEFAULT_MAX_BYTES;
    if (fixed) {
        w->buf = fixed;
        w->cap = cap;
        w->fixed = true;
        if (cap)
            fixed[0] = '\0';
        else
            w->rc = HM_ETOOBIG;
    }
}

void hm_hl7_writer_free(hm_hl7_writer *w)
{
    if (!w->fixed)
        hm_free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

/* Makes room for extra more bytes plus the terminating NUL. */
static bool reserve(hm_hl7_writer *w, size_t extra)
{
    if (w->rc)
        return false;
    size_t need = w->len + extra + 1;
    if (need > w->max + 1) {
        w->rc = HM_ETOOBIG;
        return false;
    }
    if (need <= w->cap)
        return true;
    if (w->fixed) {
        w->rc = HM_ETOOBIG;
        return false;
    }
    size_t ncap = w->cap ? w->cap * 2 : 256;
    while (ncap < need)
        ncap *= 2;
    char *nb = hm_realloc(w->buf, ncap);
    if (!nb) {
        w->rc = HM_ENOMEM;
        return false;
    }
    w->buf = nb;
    w->cap = ncap;
    return true;
}

static void append(hm_hl7_writer *w, const char *s, size_t n)
{
    if (!reserve(w, n))
        return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void append_escaped(hm_hl7_writer *w, const char *text)
{
    if (!text)
        return;
    char tmp[512];
    size_t n = strlen(text);
    /* Escaping grows text at most 5-fold (\.br\); go through in slices that always fit. */
    for (size_t i = 0; i < n && !w->rc; i += 100) {
        size_t k = n - i < 100 ? n - i : 100, out;
        hm_hl7_escape(text + i, k, tmp, sizeof tmp, &out);
        append(w, tmp, out);
    }
}

void hm_hl7_w_segment(hm_hl7_writer *w, const char *name)
{
    if (w->segments++)
        append(w, "\r", 1);
    append(w, name, strlen(name));
    if (strcmp(name, "MSH") == 0)
        append(w, "|^~\\&", 5);
}

void hm_hl7_w_field(hm_hl7_writer *w, const char *text)
{
    append(w, "|", 1);
    append_escaped(w, text);
}

void hm_hl7_w_comp(hm_hl7_writer *w, const char *text)
{
    append(w, "^", 1);
    append_escaped(w, text);
}

void hm_hl7_w_rep(hm_hl7_writer *w, const char *text)
{
    append(w, "~", 1);
    append_escaped(w, text);
}

void hm_hl7_w_sub(hm_hl7_writer *w, const char *text)
{
    append(w, "&", 1);
    append_escaped(w, text);
}

void hm_hl7_w_raw(hm_hl7_writer *w, const char *text)
{
    append(w, text, strlen(text));
}

int hm_hl7_w_finish(hm_hl7_writer *w, const char **data, size_t *len)
{
    if (w->segments)
        append(w, "\r", 1);
    if (w->rc)
        return w->rc;
    *data = w->buf ? w->buf : "";
    *len = w->len;
    return HM_OK;
}

/* ---- ACK ---- */

const char *hm_hl7_ack_code_name(enum hm_hl7_ack_code code)
{
    switch (code) {
    case HM_HL7_AA: return "AA";
    case HM_HL7_AE: return "AE";
    case HM_HL7_AR: return "AR";
    }
    return "AE";
}

static const char *err_0357_text(int code)
{
    switch (code) {
    case 0: return "Message accepted";
    case 100: return "Segment sequence error";
    case 101: return "Required field missing";
    case 102: return "Data type error";
    case 103: return "Table value not found";
    case 200: return "Unsupported message type";
    case 201: return "Unsupported event code";
    case 202: return "Unsupported processing id";
    case 203: return "Unsupported version id";
    case 204: return "Unknown key identifier";
    case 205: return "Duplicate key identifier";
    case 206: return "Application record locked";
    default: return "Application internal error";
    }
}

static void write_hd(hm_hl7_writer *w, const hm_hl7_hd *hd, const char *fallback)
{
    if (!hd || (!hd->ns[0] && !hd->uid[0])) {
        hm_hl7_w_field(w, fallback);
        return;
    }
    hm_hl7_w_field(w, hd->ns);
    if (hd->uid[0] || hd->type[0]) {
        hm_hl7_w_comp(w, hd->uid);
        hm_hl7_w_comp(w, hd->type);
    }
}

static void new_control_id(char *buf, size_t cap)
{
    static atomic_uint_fast64_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    uint64_t n = atomic_fetch_add(&counter, 1) + 1;
    snprintf(buf, cap, "HM%llu.%llu", (unsigned long long)ms, (unsigned long long)n);
}

static bool old_version(const char *v)
{
    return strncmp(v, "2.3", 3) == 0 || strncmp(v, "2.4", 3) == 0;
}

static void write_msh(hm_hl7_writer *w, const hm_hl7_header *in, const char *our_app,
                      const char *our_fac, const char *version)
{
    char ts[32], ctrl[48];
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    hm_hl7_time_format((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, ts, sizeof ts);
    new_control_id(ctrl, sizeof ctrl);
    const char *proc = in && (strcmp(in->processing_id, "T") == 0 ||
                              strcmp(in->processing_id, "D") == 0)
                           ? in->processing_id
                           : "P";
    hm_hl7_w_segment(w, "MSH");
    write_hd(w, in ? &in->receiving_app : NULL, our_app ? our_app : "HEIME");
    write_hd(w, in ? &in->receiving_fac : NULL, our_fac ? our_fac : "HEIME");
    write_hd(w, in ? &in->sending_app : NULL, "");
    write_hd(w, in ? &in->sending_fac : NULL, "");
    hm_hl7_w_field(w, ts);
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "ACK");
    if (in && in->trigger[0]) {
        hm_hl7_w_comp(w, in->trigger);
        hm_hl7_w_comp(w, "ACK");
    }
    hm_hl7_w_field(w, ctrl);
    hm_hl7_w_field(w, proc);
    hm_hl7_w_field(w, version);
}

static void write_err(hm_hl7_writer *w, const hm_hl7_ack_error *e, bool old)
{
    char code[16];
    snprintf(code, sizeof code, "%d", e->code);
    char sev[2] = {e->severity ? e->severity : 'E', '\0'};
    hm_hl7_w_segment(w, "ERR");
    if (old) { /* 2.3/2.4 receivers read ERR-1: ^^^code&text&HL70357 */
        hm_hl7_w_field(w, "");
        hm_hl7_w_comp(w, "");
        hm_hl7_w_comp(w, "");
        hm_hl7_w_comp(w, code);
        hm_hl7_w_sub(w, err_0357_text(e->code));
        hm_hl7_w_sub(w, "HL70357");
    } else {
        hm_hl7_w_field(w, "");
    }
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, code); /* ERR-3 */
    hm_hl7_w_comp(w, err_0357_text(e->code));
    hm_hl7_w_comp(w, "HL70357");
    hm_hl7_w_field(w, sev); /* ERR-4 */
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, "");
    hm_hl7_w_field(w, e->text ? e->text : err_0357_text(e->code)); /* ERR-8 */
}

int hm_hl7_ack_build(const hm_hl7_header *in, enum hm_hl7_ack_code code, const hm_hl7_ack_error *e,
                     const char *our_app, const char *our_fac, hm_hl7_reply *reply, hm_err *err)
{
    if (!reply)
        return hm_err_set(err, HM_EINVAL, "ack: no reply buffer");
    if (code != HM_HL7_AA && !e)
        return hm_err_set(err, HM_EINVAL, "ack: AE and AR need an error description");
    const char *version = in && strncmp(in->version, "2.", 2) == 0 && hm__version_ok(in->version)
                              ? in->version
                              : "2.6";
    bool old = old_version(version);
    hm_hl7_writer w;
    hm_hl7_writer_init(&w, reply->data, sizeof reply->data, sizeof reply->data - 1);
    write_msh(&w, in, our_app, our_fac, version);
    hm_hl7_w_segment(&w, "MSA");
    hm_hl7_w_field(&w, hm_hl7_ack_code_name(code));
    hm_hl7_w_field(&w, in ? in->control_id : "");
    if (code != HM_HL7_AA && old)
        hm_hl7_w_field(&w, e->text);
    if (code != HM_HL7_AA)
        write_err(&w, e, old);
    const char *data;
    size_t len;
    int rc = hm_hl7_w_finish(&w, &data, &len);
    if (rc) {
        reply->len = 0;
        return hm_err_set(err, rc, "ack: reply does not fit in %zu bytes", sizeof reply->data);
    }
    reply->len = len;
    return HM_OK;
}

static bool is_transient(int rc)
{
    return rc == HM_AGAIN || rc == HM_EBUSY || rc == HM_EIO || rc == HM_ENOMEM ||
           rc == HM_EINTERNAL;
}

int hm_hl7_ack_for_error(const hm_hl7_header *in, int rc, const char *why, const char *our_app,
                         const char *our_fac, hm_hl7_reply *reply, hm_err *err)
{
    hm_hl7_ack_error e = {HM_HL7_ERR_INTERNAL, 'E', why && why[0] ? why : hm_strerror(rc)};
    enum hm_hl7_ack_code code = HM_HL7_AE;
    if (is_transient(rc)) {
        code = HM_HL7_AR;
    } else if (rc == HM_EUNSUPPORTED) {
        bool bad_version = in && in->version[0] && !hm__version_ok(in->version);
        e.code = bad_version ? HM_HL7_ERR_UNSUPPORTED_VERSION : HM_HL7_ERR_UNSUPPORTED_MESSAGE;
    } else if (rc == HM_EINVAL) {
        e.code = why && strstr(why, "required") ? HM_HL7_ERR_REQUIRED_FIELD
                                                : HM_HL7_ERR_DATA_TYPE;
    } else if (rc == HM_ENOTFOUND) {
        e.code = HM_HL7_ERR_UNKNOWN_KEY;
    }
    return hm_hl7_ack_build(in, code, &e, our_app, our_fac, reply, err);
}
