/* jsonw.h: a streaming JSON writer into a growable buffer, for large answers (worklists) where
 * building a jansson tree first would cost an allocation per value. Keys and strings are
 * escaped; numbers use the shortest round-trip form for doubles. Errors (out of memory, over
 * the maximum size) are sticky: check hm_jw_finish() once at the end. */
#ifndef HM_BASE_JSONW_H
#define HM_BASE_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define HM_JW_MAX_DEPTH 32

typedef struct hm_jw {
    char *buf;
    size_t len, cap, max;
    int failed;
    int depth;
    int after_key; /* the next value follows a key: no separator */
    unsigned char first[HM_JW_MAX_DEPTH]; /* 1 until the first member of that level */
} hm_jw;

/* max: the largest output allowed (bytes); 0 = 64 MiB. */
void hm_jw_init(hm_jw *w, size_t max);
void hm_jw_free(hm_jw *w);

void hm_jw_obj_begin(hm_jw *w);
void hm_jw_obj_end(hm_jw *w);
void hm_jw_arr_begin(hm_jw *w);
void hm_jw_arr_end(hm_jw *w);
void hm_jw_key(hm_jw *w, const char *key);
void hm_jw_str(hm_jw *w, const char *s); /* NULL writes null */
void hm_jw_int(hm_jw *w, int64_t v);
void hm_jw_num(hm_jw *w, double v);
void hm_jw_bool(hm_jw *w, int v);
void hm_jw_null(hm_jw *w);
/* Writes already-encoded JSON text as one value (e.g. a stored JSON column); NULL writes null. */
void hm_jw_raw(hm_jw *w, const char *json);

/* Hands the finished text to the caller (NUL-terminated, free() it); HM_ENOMEM or HM_ETOOBIG
 * when any write failed. The writer is empty afterwards. */
int hm_jw_finish(hm_jw *w, char **out, size_t *len, hm_err *err);

#endif
