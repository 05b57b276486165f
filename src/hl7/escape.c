/* escape.c: HL7 escape sequences, timestamps and MSH header extraction.
 *
 * Unescaping turns \F\ \S\ \T\ \R\ \E\ into delimiters, \Xhh..\ into bytes (only when they form
 * valid UTF-8 without NUL; otherwise the sequence stays as literal text), \.br\ into a newline,
 * and drops formatting and character-set switches (\H\ \N\ \.sp\ \C..\ \M..\ \Z..\). An
 * unterminated escape is kept as literal text: nothing in the input can make us read past the
 * value or emit bytes that are not UTF-8. */
#include "hl7/hl7.h"
#include "hl7/hl7_int.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct out {
    char *buf;
    size_t cap, len;
    bool over;
};

static void put(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (o->len + 1 < o->cap)
            o->buf[o->len++] = s[i];
        else
            o->over = true;
    }
}

static int finish(struct out *o, size_t *len)
{
    if (o->cap)
        o->buf[o->len] = '\0';
    if (len)
        *len = o->len;
    return o->over ? HM_ETOOBIG : HM_OK;
}

int hm__copy_raw(const char *s, size_t n, char *buf, size_t cap, size_t *len)
{
    struct out o = {buf, cap, 0, false};
    put(&o, s, n);
    return finish(&o, len);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* \Xhhhh\ : emits the bytes when they are valid UTF-8 without NUL; false to keep it literal. */
static bool put_hex(struct out *o, const char *h, size_t n)
{
    unsigned char bytes[128];
    if (n == 0 || n % 2 || n / 2 > sizeof bytes)
        return false;
    for (size_t i = 0; i < n; i += 2) {
        int a = hexval(h[i]), b = hexval(h[i + 1]);
        if (a < 0 || b < 0 || (a == 0 && b == 0))
            return false;
        bytes[i / 2] = (unsigned char)(a * 16 + b);
    }
    if (hm__utf8_check(bytes, n / 2) != n / 2)
        return false;
    put(o, (const char *)bytes, n / 2);
    return true;
}

/* Handles one escape sequence body (between the escape characters); false = keep literal. */
static bool put_escape(struct out *o, const hm_hl7_delims *d, const char *q, size_t n)
{
    if (n == 1) {
        char map = 0;
        switch (q[0]) {
        case 'F': map = d->fs; break;
        case 'S': map = d->comp; break;
        case 'T': map = d->sub; break;
        case 'R': map = d->rep; break;
        case 'E': map = d->esc; break;
        case 'P': map = d->trunc; break;
        case 'H': /* highlight on/off: formatting only */
        case 'N': return true;
        default: return false;
        }
        if (map)
            put(o, &map, 1);
        return map != 0;
    }
    if (n >= 1 && q[0] == 'X')
        return put_hex(o, q + 1, n - 1);
    if (n == 3 && memcmp(q, ".br", 3) == 0) {
        put(o, "\n", 1);
        return true;
    }
    /* Formatting commands and character-set switches carry no text. */
    return n >= 1 && (q[0] == '.' || q[0] == 'C' || q[0] == 'M' || q[0] == 'Z');
}

int hm__unescape(const hm_hl7_delims *d, const char *s, size_t n, char *buf, size_t cap,
                 size_t *len)
{
    struct out o = {buf, cap, 0, false};
    size_t i = 0;
    while (i < n) {
        if (!d->esc || s[i] != d->esc) {
            put(&o, s + i, 1);
            i++;
            continue;
        }
        const char *end = memchr(s + i + 1, d->esc, n - i - 1);
        if (!end) { /* unterminated: the rest is literal text */
            put(&o, s + i, n - i);
            break;
        }
        size_t body = (size_t)(end - (s + i + 1));
        if (!put_escape(&o, d, s + i + 1, body))
            put(&o, s + i, body + 2);
        i += body + 2;
    }
    return finish(&o, len);
}

int hm_hl7_escape(const char *text, size_t len, char *buf, size_t cap, size_t *out_len)
{
    struct out o = {buf, cap, 0, false};
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        const char *rep = NULL;
        char hex[8];
        switch (c) {
        case '|': rep = "\\F\\"; break;
        case '^': rep = "\\S\\"; break;
        case '&': rep = "\\T\\"; break;
        case '~': rep = "\\R\\"; break;
        case '\\': rep = "\\E\\"; break;
        case '\n': rep = "\\.br\\"; break;
        default:
            if (c < 0x20 || c == 0x7F) {
                snprintf(hex, sizeof hex, "\\X%02X\\", c);
                rep = hex;
            }
        }
        if (rep)
            put(&o, rep, strlen(rep));
        else
            put(&o, text + i, 1);
    }
    return finish(&o, out_len);
}

/* ---- timestamps ---- */

static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int64_t)era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, size_t n, int *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

int hm_hl7_time_parse(const char *t, int64_t *ms)
{
    int v[6] = {0, 1, 1, 0, 0, 0};
    static const int width[6] = {4, 2, 2, 2, 2, 2};
    size_t n = strlen(t), i = 0;
    if (n < 4)
        return HM_EINVAL;
    for (int k = 0; k < 6 && i < n && t[i] >= '0' && t[i] <= '9'; k++) {
        if (i + (size_t)width[k] > n || !digits(t + i, (size_t)width[k], &v[k]))
            return HM_EINVAL;
        i += (size_t)width[k];
    }
    int frac = 0, scale = 1000;
    if (i < n && t[i] == '.') {
        i++;
        size_t fd = 0;
        while (i < n && t[i] >= '0' && t[i] <= '9' && fd < 4) {
            if (fd < 3) {
                scale /= 10;
                frac += (t[i] - '0') * scale;
            }
            i++;
            fd++;
        }
        if (fd == 0)
            return HM_EINVAL;
    }
    int off_min = 0;
    if (i < n && (t[i] == '+' || t[i] == '-')) {
        int hh, mm;
        if (n - i != 5 || !digits(t + i + 1, 2, &hh) || !digits(t + i + 3, 2, &mm) || hh > 14 ||
            mm > 59)
            return HM_EINVAL;
        off_min = (t[i] == '-' ? -1 : 1) * (hh * 60 + mm);
        i = n;
    }
    if (i != n || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > days_in_month(v[0], v[1]) ||
        v[3] > 23 || v[4] > 59 || v[5] > 59)
        return HM_EINVAL;
    int64_t days = days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]);
    int64_t secs = days * 86400 + v[3] * 3600 + v[4] * 60 + v[5] - (int64_t)off_min * 60;
    *ms = secs * 1000 + frac;
    return HM_OK;
}

int hm_hl7_time_format(int64_t ms, char *buf, size_t cap)
{
    time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int milli = (int)(ms - (int64_t)secs * 1000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm))
        return HM_EINVAL;
    int n = snprintf(buf, cap, "%04d%02d%02d%02d%02d%02d.%03d+0000", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
    return n < 0 || (size_t)n >= cap ? HM_ETOOBIG : HM_OK;
}

/* ---- header ---- */

static void get_msh(const hm_hl7_msg *m, int field, int comp, char *buf, size_t cap)
{
    hm_hl7_get(m, 0, field, 1, comp, 1, buf, cap, NULL);
}

static void get_hd(const hm_hl7_msg *m, int field, hm_hl7_hd *hd)
{
    get_msh(m, field, 1, hd->ns, sizeof hd->ns);
    get_msh(m, field, 2, hd->uid, sizeof hd->uid);
    get_msh(m, field, 3, hd->type, sizeof hd->type);
}

int hm_hl7_header_get(const hm_hl7_msg *m, hm_hl7_header *out)
{
    char name[4];
    if (hm_hl7_segment_name(m, 0, name) || strcmp(name, "MSH") != 0)
        return HM_EINVAL;
    memset(out, 0, sizeof *out);
    get_hd(m, 3, &out->sending_app);
    get_hd(m, 4, &out->sending_fac);
    get_hd(m, 5, &out->receiving_app);
    get_hd(m, 6, &out->receiving_fac);
    get_msh(m, 7, 1, out->time, sizeof out->time);
    get_msh(m, 9, 1, out->msg_type, sizeof out->msg_type);
    get_msh(m, 9, 2, out->trigger, sizeof out->trigger);
    get_msh(m, 9, 3, out->structure, sizeof out->structure);
    get_msh(m, 10, 1, out->control_id, sizeof out->control_id);
    get_msh(m, 11, 1, out->processing_id, sizeof out->processing_id);
    get_msh(m, 12, 1, out->version, sizeof out->version);
    return HM_OK;
}

/* Replaces anything that is not printable UTF-8 with '?', so sniffed text is safe to echo. */
static void sanitise(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t ok = hm__utf8_check((const unsigned char *)s + i, n - i);
        for (size_t k = i; k < i + ok; k++)
            if ((unsigned char)s[k] < 0x20 || s[k] == 0x7F)
                s[k] = '?';
        i += ok;
        if (i < n)
            s[i++] = '?';
    }
}

static void sniff_piece(const hm_hl7_delims *d, const char *seg, size_t n, int field, int comp,
                        char *buf, size_t cap)
{
    const char *s = seg;
    size_t len = n;
    hm__piece(&s, &len, d->fs, field); /* piece 1 is "MSH", piece k is MSH-k for k >= 2 */
    hm__piece(&s, &len, d->rep, 1);
    hm__piece(&s, &len, d->comp, comp);
    hm__piece(&s, &len, d->sub, 1);
    hm__unescape(d, s, len, buf, cap, NULL);
    sanitise(buf);
}

void hm_hl7_header_sniff(const char *data, size_t len, hm_hl7_header *out)
{
    memset(out, 0, sizeof *out);
    if (!data)
        return;
    size_t scan = len < 4096 ? len : 4096;
    const char *msh = NULL;
    for (size_t i = 0; i + 3 <= scan && !msh; i++)
        if (memcmp(data + i, "MSH", 3) == 0)
            msh = data + i;
    if (!msh)
        return;
    size_t n = len - (size_t)(msh - data);
    for (size_t i = 0; i < n; i++) {
        if (msh[i] == '\r' || msh[i] == '\n' || msh[i] == '\0' || msh[i] == 0x1C) {
            n = i;
            break;
        }
    }
    hm_hl7_delims d;
    if (hm__delims_read(msh, n, &d, NULL) != HM_OK)
        return;
    struct {
        hm_hl7_hd *hd;
        int field;
    } hds[] = {{&out->sending_app, 3},
               {&out->sending_fac, 4},
               {&out->receiving_app, 5},
               {&out->receiving_fac, 6}};
    for (size_t k = 0; k < 4; k++) {
        sniff_piece(&d, msh, n, hds[k].field, 1, hds[k].hd->ns, sizeof hds[k].hd->ns);
        sniff_piece(&d, msh, n, hds[k].field, 2, hds[k].hd->uid, sizeof hds[k].hd->uid);
        sniff_piece(&d, msh, n, hds[k].field, 3, hds[k].hd->type, sizeof hds[k].hd->type);
    }
    sniff_piece(&d, msh, n, 7, 1, out->time, sizeof out->time);
    sniff_piece(&d, msh, n, 9, 1, out->msg_type, sizeof out->msg_type);
    sniff_piece(&d, msh, n, 9, 2, out->trigger, sizeof out->trigger);
    sniff_piece(&d, msh, n, 9, 3, out->structure, sizeof out->structure);
    sniff_piece(&d, msh, n, 10, 1, out->control_id, sizeof out->control_id);
    sniff_piece(&d, msh, n, 11, 1, out->processing_id, sizeof out->processing_id);
    sniff_piece(&d, msh, n, 12, 1, out->version, sizeof out->version);
}
