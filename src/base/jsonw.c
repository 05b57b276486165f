/* jsonw.c: the streaming JSON writer. */
#include "base/jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hm_jw_init(hm_jw *w, size_t max)
{
    memset(w, 0, sizeof *w);
    w->max = max ? max : (size_t)64 << 20;
    w->first[0] = 1;
}

void hm_jw_free(hm_jw *w)
{
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

static void put(hm_jw *w, const char *s, size_t n)
{
    if (w->failed)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->len + n + 1)
            cap *= 2;
        if (cap > w->max + 1) {
            w->failed = HM_ETOOBIG;
            return;
        }
        char *b = realloc(w->buf, cap);
        if (!b) {
            w->failed = HM_ENOMEM;
            return;
        }
        w->buf = b;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

/* A comma before every member but the first of its level. Keys place their own comma. */
static void separate(hm_jw *w)
{
    if (w->first[w->depth])
        w->first[w->depth] = 0;
    else
        put(w, ",", 1);
}

static void open_level(hm_jw *w, char c)
{
    put(w, &c, 1);
    if (w->depth + 1 >= HM_JW_MAX_DEPTH) {
        w->failed = HM_ETOOBIG;
        return;
    }
    w->depth++;
    w->first[w->depth] = 1;
}

static void close_level(hm_jw *w, char c)
{
    if (w->depth > 0)
        w->depth--;
    put(w, &c, 1);
}

void hm_jw_obj_begin(hm_jw *w)
{
    if (!w->after_key)
        separate(w);
    w->after_key = 0;
    open_level(w, '{');
}

void hm_jw_obj_end(hm_jw *w)
{
    close_level(w, '}');
}

void hm_jw_arr_begin(hm_jw *w)
{
    if (!w->after_key)
        separate(w);
    w->after_key = 0;
    open_level(w, '[');
}

void hm_jw_arr_end(hm_jw *w)
{
    close_level(w, ']');
}

static void quoted(hm_jw *w, const char *s)
{
    put(w, "\"", 1);
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const char *esc = NULL;
        char u[8];
        if (*p == '"')
            esc = "\\\"";
        else if (*p == '\\')
            esc = "\\\\";
        else if (*p == '\n')
            esc = "\\n";
        else if (*p == '\r')
            esc = "\\r";
        else if (*p == '\t')
            esc = "\\t";
        else if (*p < 0x20) {
            snprintf(u, sizeof u, "\\u%04x", *p);
            esc = u;
        }
        if (!esc)
            continue;
        put(w, run, (size_t)((const char *)p - run));
        put(w, esc, strlen(esc));
        run = (const char *)p + 1;
    }
    put(w, run, strlen(run));
    put(w, "\"", 1);
}

void hm_jw_key(hm_jw *w, const char *key)
{
    separate(w);
    quoted(w, key);
    put(w, ":", 1);
    w->after_key = 1;
}

static void value_prefix(hm_jw *w)
{
    if (!w->after_key)
        separate(w);
    w->after_key = 0;
}

void hm_jw_str(hm_jw *w, const char *s)
{
    value_prefix(w);
    if (s)
        quoted(w, s);
    else
        put(w, "null", 4);
}

void hm_jw_int(hm_jw *w, int64_t v)
{
    value_prefix(w);
    char b[24];
    int n = snprintf(b, sizeof b, "%lld", (long long)v);
    put(w, b, (size_t)n);
}

void hm_jw_num(hm_jw *w, double v)
{
    value_prefix(w);
    if (!isfinite(v)) {
        put(w, "null", 4);
        return;
    }
    char b[32];
    int n = snprintf(b, sizeof b, "%.10g", v);
    put(w, b, (size_t)n);
    /* Keep it a JSON real, as jansson would. */
    if (!strpbrk(b, ".eE"))
        put(w, ".0", 2);
}

void hm_jw_bool(hm_jw *w, int v)
{
    value_prefix(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void hm_jw_null(hm_jw *w)
{
    value_prefix(w);
    put(w, "null", 4);
}

void hm_jw_raw(hm_jw *w, const char *json)
{
    value_prefix(w);
    if (json)
        put(w, json, strlen(json));
    else
        put(w, "null", 4);
}

int hm_jw_finish(hm_jw *w, char **out, size_t *len, hm_err *err)
{
    w->after_key = 0;
    if (w->failed) {
        int code = w->failed;
        hm_jw_free(w);
        return hm_err_set(err, code, code == HM_ETOOBIG ? "answer too large" : "out of memory");
    }
    put(w, "", 0);
    if (w->failed || !w->buf) {
        hm_jw_free(w);
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    }
    w->buf[w->len] = '\0';
    *out = w->buf;
    *len = w->len;
    w->buf = NULL;
    w->len = w->cap = 0;
    return HM_OK;
}
