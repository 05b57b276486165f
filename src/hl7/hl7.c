/* hl7.c: the HL7 v2 parser and its accessors.
 *
 * hm_hl7_parse validates in a fixed order (size, UTF-8, MSH and its delimiters, segment names,
 * limits, required MSH fields) and only then builds a flat index: one entry per segment and one
 * (offset, length) pair per field. Repetitions, components and sub-components are found by
 * scanning the field at access time: fields are short and most are never read. The message
 * buffer is an owned, normalised copy in which every segment ends with CR. */
#include "base/arena.h"
#include "hl7/hl7.h"
#include "hl7/hl7_int.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct part {
    uint32_t off, len;
};

struct segment {
    uint32_t off, len;
    uint32_t first_part, nparts; /* part 0 is the segment name */
    char name[4];
};

struct hm_hl7_msg {
    char *buf;
    size_t len;
    hm_hl7_delims d;
    struct segment *segs;
    size_t nseg;
    struct part *parts;
    size_t nparts;
};

/* ---- UTF-8 and small helpers ---- */

size_t hm__utf8_check(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t need;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            min = 0x10000;
        } else {
            return i;
        }
        if (n - i <= need)
            return i;
        unsigned cp = c & (0x3Fu >> need);
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += need + 1;
    }
    return n;
}

static bool is_delim_char(char c)
{
    unsigned char u = (unsigned char)c;
    if (u < 0x21 || u > 0x7E)
        return false;
    return !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
}

static bool valid_segment_name(const char *s, size_t n)
{
    if (n < 3 || !(s[0] >= 'A' && s[0] <= 'Z'))
        return false;
    for (int i = 1; i < 3; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

/* Reads MSH-1 and MSH-2 from the start of a segment; HM_EINVAL with a reason if unusable. */
int hm__delims_read(const char *s, size_t n, hm_hl7_delims *d, hm_err *err)
{
    if (n < 4 || memcmp(s, "MSH", 3) != 0)
        return hm_err_set(err, HM_EINVAL, "missing MSH segment: the message must start with MSH");
    if (!is_delim_char(s[3]))
        return hm_err_set(err, HM_EINVAL, "invalid field separator (MSH-1) 0x%02x",
                          (unsigned char)s[3]);
    memset(d, 0, sizeof *d);
    d->fs = s[3];
    size_t i = 4;
    char enc[5];
    size_t ne = 0;
    while (i < n && s[i] != d->fs && s[i] != '\r' && s[i] != '\n') {
        if (ne == 5)
            return hm_err_set(err, HM_EINVAL, "MSH-2 encoding characters: more than 5");
        enc[ne++] = s[i++];
    }
    if (ne < 2)
        return hm_err_set(err, HM_EINVAL,
                          "MSH-2 encoding characters missing (need at least component and "
                          "repetition separators)");
    for (size_t a = 0; a < ne; a++) {
        if (!is_delim_char(enc[a]) || enc[a] == d->fs)
            return hm_err_set(err, HM_EINVAL, "MSH-2 encoding character '%c' is not allowed",
                              enc[a]);
        for (size_t b = a + 1; b < ne; b++)
            if (enc[a] == enc[b])
                return hm_err_set(err, HM_EINVAL, "MSH-2 encoding character '%c' repeats",
                                  enc[a]);
    }
    d->comp = enc[0];
    d->rep = enc[1];
    d->esc = ne > 2 ? enc[2] : 0;
    d->sub = ne > 3 ? enc[3] : 0;
    d->trunc = ne > 4 ? enc[4] : 0;
    return HM_OK;
}

/* ---- parsing ---- */

static void limits_fill(const hm_hl7_limits *in, hm_hl7_limits *out)
{
    out->max_bytes = in && in->max_bytes ? in->max_bytes : HM_HL7_DEFAULT_MAX_BYTES;
    if (out->max_bytes > UINT32_MAX / 2) /* the index stores 32-bit offsets */
        out->max_bytes = UINT32_MAX / 2;
    out->max_segments = in && in->max_segments ? in->max_segments : HM_HL7_DEFAULT_MAX_SEGMENTS;
    out->max_fields = in && in->max_fields ? in->max_fields : HM_HL7_DEFAULT_MAX_FIELDS;
}

/* Copies data into m->buf with every segment ending in exactly one CR; blank lines vanish. */
static int normalise(hm_hl7_msg *m, const char *data, size_t len)
{
    m->buf = hm_malloc(len + 2);
    if (!m->buf)
        return HM_ENOMEM;
    size_t o = 0;
    bool line_has_data = false;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '\r' || c == '\n') {
            if (line_has_data)
                m->buf[o++] = '\r';
            line_has_data = false;
            continue;
        }
        m->buf[o++] = c;
        line_has_data = true;
    }
    if (line_has_data)
        m->buf[o++] = '\r';
    m->buf[o] = '\0';
    m->len = o;
    return HM_OK;
}

static int check_segment(const hm_hl7_msg *m, size_t idx, const char *s, size_t n, hm_err *err)
{
    if (!valid_segment_name(s, n)) {
        char shown[8] = {0};
        size_t k = n < 3 ? n : 3;
        for (size_t i = 0; i < k; i++)
            shown[i] = (s[i] >= 0x20 && s[i] < 0x7F) ? s[i] : '?';
        return hm_err_set(err, HM_EINVAL, "segment %zu has an invalid name '%s'%s", idx + 1, shown,
                          n < 3 ? " (truncated message?)" : "");
    }
    if (n > 3 && s[3] != m->d.fs)
        return hm_err_set(err, HM_EINVAL,
                          "segment %zu (%.3s): expected field separator '%c' after the name, "
                          "found '%c'",
                          idx + 1, s, m->d.fs, (s[3] >= 0x20 && s[3] < 0x7F) ? s[3] : '?');
    return HM_OK;
}

/* First pass: validates segment names and counts segments and parts. */
static int count_all(hm_hl7_msg *m, const hm_hl7_limits *lim, hm_err *err)
{
    size_t nseg = 0, nparts = 0, start = 0;
    for (size_t i = 0; i < m->len; i++) {
        if (m->buf[i] != '\r')
            continue;
        const char *s = m->buf + start;
        size_t n = i - start;
        int rc = check_segment(m, nseg, s, n, err);
        if (rc)
            return rc;
        size_t fields = 1;
        for (size_t k = 0; k < n; k++)
            fields += s[k] == m->d.fs;
        if (fields - 1 > lim->max_fields)
            return hm_err_set(err, HM_ETOOBIG, "segment %zu (%.3s) has %zu fields (limit %zu)",
                              nseg + 1, s, fields - 1, lim->max_fields);
        nparts += fields;
        if (++nseg > lim->max_segments)
            return hm_err_set(err, HM_ETOOBIG, "message has more than %zu segments",
                              lim->max_segments);
        start = i + 1;
    }
    m->nseg = nseg;
    m->nparts = nparts;
    return HM_OK;
}

static int build_index(hm_hl7_msg *m)
{
    m->segs = hm_calloc(m->nseg ? m->nseg : 1, sizeof *m->segs);
    m->parts = hm_calloc(m->nparts ? m->nparts : 1, sizeof *m->parts);
    if (!m->segs || !m->parts)
        return HM_ENOMEM;
    size_t si = 0, pi = 0, start = 0;
    for (size_t i = 0; i < m->len; i++) {
        if (m->buf[i] != '\r')
            continue;
        struct segment *g = &m->segs[si++];
        g->off = (uint32_t)start;
        g->len = (uint32_t)(i - start);
        memcpy(g->name, m->buf + start, 3);
        g->name[3] = '\0';
        g->first_part = (uint32_t)pi;
        size_t ps = start;
        for (size_t k = start; k <= i; k++) {
            if (k == i || m->buf[k] == m->d.fs) {
                m->parts[pi].off = (uint32_t)ps;
                m->parts[pi].len = (uint32_t)(k - ps);
                pi++;
                ps = k + 1;
            }
        }
        g->nparts = (uint32_t)(pi - g->first_part);
        start = i + 1;
    }
    return HM_OK;
}

bool hm__version_ok(const char *v)
{
    static const char *const ok[] = {"2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6",
                                     "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(v, ok[i]) == 0)
            return true;
    return false;
}

static int check_msh(const hm_hl7_msg *m, hm_err *err)
{
    size_t nf = hm_hl7_field_count(m, 0);
    if (nf < 12)
        return hm_err_set(err, HM_EINVAL,
                          "truncated MSH: %zu fields, MSH-9, MSH-10 and MSH-12 are required", nf);
    char a[HM_HL7_CTRL_MAX], b[16];
    int rc = hm_hl7_get(m, 0, 9, 1, 1, 1, a, sizeof a, NULL);
    if (rc || !a[0])
        return hm_err_set(err, HM_EINVAL, "MSH-9 message type is required");
    rc = hm_hl7_get(m, 0, 10, 1, 1, 1, a, sizeof a, NULL);
    if (rc == HM_ETOOBIG)
        return hm_err_set(err, HM_EINVAL, "MSH-10 message control id longer than %d characters",
                          HM_HL7_CTRL_MAX - 1);
    if (!a[0])
        return hm_err_set(err, HM_EINVAL, "MSH-10 message control id is required");
    rc = hm_hl7_get(m, 0, 12, 1, 1, 1, b, sizeof b, NULL);
    if (!b[0])
        return hm_err_set(err, HM_EINVAL, "MSH-12 version id is required");
    if (rc || !hm__version_ok(b))
        return hm_err_set(err, HM_EUNSUPPORTED,
                          "unsupported HL7 version '%.15s' (2.3 to 2.8 are accepted)", b);
    return HM_OK;
}

static int check_bytes(const char *data, size_t len, const hm_hl7_limits *lim, hm_err *err)
{
    if (len == 0)
        return hm_err_set(err, HM_EINVAL, "empty message");
    if (len > lim->max_bytes)
        return hm_err_set(err, HM_ETOOBIG, "message of %zu bytes exceeds the limit of %zu", len,
                          lim->max_bytes);
    const void *nul = memchr(data, '\0', len);
    if (nul)
        return hm_err_set(err, HM_EINVAL, "NUL byte at offset %zu",
                          (size_t)((const char *)nul - data));
    size_t bad = hm__utf8_check((const unsigned char *)data, len);
    if (bad < len)
        return hm_err_set(err, HM_EINVAL, "invalid UTF-8 at byte offset %zu", bad);
    return HM_OK;
}

int hm_hl7_parse(const char *data, size_t len, const hm_hl7_limits *lim_in, hm_hl7_msg **out,
                 hm_err *err)
{
    hm_hl7_limits lim;
    limits_fill(lim_in, &lim);
    if (!data && len)
        return hm_err_set(err, HM_EINVAL, "no message data");
    int rc = check_bytes(data, len, &lim, err);
    if (rc)
        return rc;
    hm_hl7_msg *m = hm_calloc(1, sizeof *m);
    if (!m)
        return hm_err_set(err, HM_ENOMEM, "cannot allocate hl7 message");
    rc = normalise(m, data, len);
    if (rc) {
        hm_err_set(err, rc, "cannot allocate hl7 message buffer");
        goto fail;
    }
    rc = hm__delims_read(m->buf, m->len, &m->d, err);
    if (rc)
        goto fail;
    rc = count_all(m, &lim, err);
    if (rc)
        goto fail;
    rc = build_index(m);
    if (rc) {
        hm_err_set(err, rc, "cannot allocate hl7 index");
        goto fail;
    }
    rc = check_msh(m, err);
    if (rc)
        goto fail;
    *out = m;
    return HM_OK;
fail:
    hm_hl7_free(m);
    return rc;
}

void hm_hl7_free(hm_hl7_msg *m)
{
    if (!m)
        return;
    hm_free(m->buf);
    hm_free(m->segs);
    hm_free(m->parts);
    hm_free(m);
}

/* ---- navigation ---- */

size_t hm_hl7_segment_count(const hm_hl7_msg *m)
{
    return m ? m->nseg : 0;
}

int hm_hl7_segment_name(const hm_hl7_msg *m, size_t seg, char name[4])
{
    if (!m || seg >= m->nseg)
        return HM_ENOTFOUND;
    memcpy(name, m->segs[seg].name, 4);
    return HM_OK;
}

int hm_hl7_find(const hm_hl7_msg *m, const char *name, size_t nth, size_t *seg)
{
    if (!m || !name)
        return HM_ENOTFOUND;
    for (size_t i = 0; i < m->nseg; i++) {
        if (strncmp(m->segs[i].name, name, 4) != 0)
            continue;
        if (nth-- == 0) {
            *seg = i;
            return HM_OK;
        }
    }
    return HM_ENOTFOUND;
}

size_t hm_hl7_field_count(const hm_hl7_msg *m, size_t seg)
{
    if (!m || seg >= m->nseg)
        return 0;
    const struct segment *g = &m->segs[seg];
    /* MSH counts MSH-1 (the separator itself), so its parts and fields coincide. */
    return g->name[0] == 'M' && strcmp(g->name, "MSH") == 0 ? g->nparts : g->nparts - 1;
}

/* Locates field number `field` of segment seg; *n = 0 and HM_OK for an absent field. */
static int field_span(const hm_hl7_msg *m, size_t seg, int field, const char **s, size_t *n)
{
    *s = "";
    *n = 0;
    if (!m || seg >= m->nseg || field < 1)
        return HM_EINVAL;
    const struct segment *g = &m->segs[seg];
    bool msh = strcmp(g->name, "MSH") == 0;
    size_t part = msh ? (size_t)field - 1 : (size_t)field;
    if (msh && field == 1) {
        *s = m->buf + g->off + 3;
        *n = 1;
        return HM_OK;
    }
    if (part >= g->nparts)
        return HM_OK;
    const struct part *p = &m->parts[g->first_part + part];
    *s = m->buf + p->off;
    *n = p->len;
    return HM_OK;
}

void hm__piece(const char **s, size_t *n, char delim, int idx)
{
    if (!delim) {
        if (idx != 1)
            *n = 0;
        return;
    }
    const char *p = *s, *end = *s + *n;
    for (int k = 1; k < idx; k++) {
        const char *q = memchr(p, delim, (size_t)(end - p));
        if (!q) {
            *n = 0;
            return;
        }
        p = q + 1;
    }
    const char *q = memchr(p, delim, (size_t)(end - p));
    *s = p;
    *n = (size_t)((q ? q : end) - p);
}

size_t hm_hl7_rep_count(const hm_hl7_msg *m, size_t seg, int field)
{
    const char *s;
    size_t n;
    if (field_span(m, seg, field, &s, &n) || n == 0)
        return 0;
    char name[4];
    hm_hl7_segment_name(m, seg, name);
    if (strcmp(name, "MSH") == 0 && field <= 2)
        return 1;
    size_t c = 1;
    for (size_t i = 0; i < n; i++)
        c += s[i] == m->d.rep;
    return c;
}

int hm_hl7_raw_field(const hm_hl7_msg *m, size_t seg, int field, const char **text, size_t *len)
{
    return field_span(m, seg, field, text, len);
}

int hm_hl7_get(const hm_hl7_msg *m, size_t seg, int field, int rep, int comp, int sub, char *buf,
               size_t cap, size_t *len)
{
    const char *s;
    size_t n;
    if (len)
        *len = 0;
    if (cap)
        buf[0] = '\0';
    if (rep < 1 || comp < 1 || sub < 1)
        return HM_EINVAL;
    int rc = field_span(m, seg, field, &s, &n);
    if (rc)
        return rc;
    if (strcmp(m->segs[seg].name, "MSH") == 0 && field <= 2) {
        if (rep != 1 || comp != 1 || sub != 1)
            n = 0;
        return hm__copy_raw(s, n, buf, cap, len);
    }
    hm__piece(&s, &n, m->d.rep, rep);
    hm__piece(&s, &n, m->d.comp, comp);
    hm__piece(&s, &n, m->d.sub, sub);
    return hm__unescape(&m->d, s, n, buf, cap, len);
}

int hm_hl7_get_by_name(const hm_hl7_msg *m, const char *name, size_t nth, int field, int rep,
                       int comp, int sub, char *buf, size_t cap, size_t *len)
{
    size_t seg;
    if (hm_hl7_find(m, name, nth, &seg) != HM_OK) {
        if (cap)
            buf[0] = '\0';
        if (len)
            *len = 0;
        return HM_OK;
    }
    return hm_hl7_get(m, seg, field, rep, comp, sub, buf, cap, len);
}

const hm_hl7_delims *hm__msg_delims(const hm_hl7_msg *m)
{
    return &m->d;
}
