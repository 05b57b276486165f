/* hl7_int.h: internals shared by the files of src/hl7/ only (never included elsewhere).
 * Delimiters of one message, UTF-8 checking and the escape codec. */
#ifndef HM_HL7_HL7_INT_H
#define HM_HL7_HL7_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "hl7/hl7.h"

/* The delimiters a message declares in MSH-1/MSH-2; 0 when a character is not declared. */
typedef struct hm_hl7_delims {
    char fs, comp, rep, esc, sub, trunc;
} hm_hl7_delims;

/* Returns the offset of the first byte that is not valid UTF-8, or n when all of it is. */
size_t hm__utf8_check(const unsigned char *s, size_t n);
/* Reads MSH-1/MSH-2 at the start of s (a segment beginning with MSH). */
int hm__delims_read(const char *s, size_t n, hm_hl7_delims *d, hm_err *err);
/* Unescapes [s, s+n) into buf (NUL-terminated); HM_ETOOBIG when truncated. */
int hm__unescape(const hm_hl7_delims *d, const char *s, size_t n, char *buf, size_t cap,
                 size_t *len);
/* Copies [s, s+n) into buf as is; HM_ETOOBIG when truncated. */
int hm__copy_raw(const char *s, size_t n, char *buf, size_t cap, size_t *len);
/* Narrows [*s, *s+*n) to its idx-th (1-based) piece split on delim (0 = no split). */
void hm__piece(const char **s, size_t *n, char delim, int idx);
/* True for the versions heime accepts in MSH-12 (2.3 to 2.8.2). */
bool hm__version_ok(const char *v);
const hm_hl7_delims *hm__msg_delims(const hm_hl7_msg *m);

#endif
