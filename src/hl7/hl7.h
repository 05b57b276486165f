/* hl7.h: HL7 v2 (2.3 to 2.8) parser, writer and ACK builder.
 *
 * The parser copies one message into a private buffer and indexes its segments and fields;
 * accessors then find repetitions, components and sub-components on demand and return
 * unescaped text into a caller's buffer. It honours the encoding characters declared in MSH-1
 * and MSH-2, accepts CR, LF or CRLF between segments, and enforces hard limits (size, segments,
 * fields), valid UTF-8 and a well-formed MSH before anything else sees the message.
 *
 * Positions follow HL7 numbering: fields, repetitions, components and sub-components all count
 * from 1 (OBX-5.2 is field 5, repetition 1, component 2, sub-component 1). Segments are
 * addressed by their 0-based position in the message (hm_hl7_find gives it). An absent item is
 * not an error: it reads as empty text. Every function consumes nothing it is given. */
#ifndef HM_HL7_HL7_H
#define HM_HL7_HL7_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct hm_hl7_msg hm_hl7_msg;

/* Limits applied by hm_hl7_parse; zero members take the defaults below. */
typedef struct hm_hl7_limits {
    size_t max_bytes;    /* whole message */
    size_t max_segments; /* segments per message */
    size_t max_fields;   /* fields per segment */
} hm_hl7_limits;

#define HM_HL7_DEFAULT_MAX_BYTES (1024u * 1024u)
#define HM_HL7_DEFAULT_MAX_SEGMENTS 2000u
#define HM_HL7_DEFAULT_MAX_FIELDS 256u

/* Parses len bytes at data. On success *out owns a copy of the message (free it with
 * hm_hl7_free). Errors: HM_ETOOBIG (a limit), HM_EINVAL (malformed: reason in err),
 * HM_EUNSUPPORTED (a version outside 2.3 to 2.8), HM_ENOMEM. */
int hm_hl7_parse(const char *data, size_t len, const hm_hl7_limits *lim, hm_hl7_msg **out,
                 hm_err *err);
void hm_hl7_free(hm_hl7_msg *m);

size_t hm_hl7_segment_count(const hm_hl7_msg *m);
/* Writes the 3-letter name of segment seg into name[4]; HM_ENOTFOUND when seg is out of range. */
int hm_hl7_segment_name(const hm_hl7_msg *m, size_t seg, char name[4]);
/* Finds the nth (0-based) segment called name; *seg is its position. HM_ENOTFOUND if none. */
int hm_hl7_find(const hm_hl7_msg *m, const char *name, size_t nth, size_t *seg);
/* Fields in segment seg (for MSH, MSH-1 and MSH-2 count); 0 when seg is out of range. */
size_t hm_hl7_field_count(const hm_hl7_msg *m, size_t seg);
/* Repetitions in a field (0 when empty or absent). */
size_t hm_hl7_rep_count(const hm_hl7_msg *m, size_t seg, int field);

/* Copies the unescaped text at seg/field/rep/comp/sub into buf (always NUL-terminated when
 * cap > 0) and its length into *len (may be NULL). Absent items give "". HM_ETOOBIG when the
 * text does not fit (buf then holds a truncated prefix), HM_EINVAL on a bad position.
 * MSH-1 and MSH-2 are returned as written (they are the delimiters, never escaped). */
int hm_hl7_get(const hm_hl7_msg *m, size_t seg, int field, int rep, int comp, int sub, char *buf,
               size_t cap, size_t *len);
/* Same, addressing the segment by name and 0-based occurrence; absent segment gives "". */
int hm_hl7_get_by_name(const hm_hl7_msg *m, const char *name, size_t nth, int field, int rep,
                       int comp, int sub, char *buf, size_t cap, size_t *len);
/* The raw (still escaped) bytes of one field, for callers that re-emit it verbatim. */
int hm_hl7_raw_field(const hm_hl7_msg *m, size_t seg, int field, const char **text, size_t *len);

/* ---- header: what an ACK needs, read from a parsed message or sniffed from broken bytes ---- */

#define HM_HL7_HD_MAX 128  /* one HD component (namespace, universal id, id type) */
#define HM_HL7_CTRL_MAX 200 /* MSH-10 is ST(199) in 2.6 */

typedef struct hm_hl7_hd {
    char ns[HM_HL7_HD_MAX];  /* HD-1 namespace id */
    char uid[HM_HL7_HD_MAX]; /* HD-2 universal id (e.g. an EUI-64) */
    char type[16];           /* HD-3 universal id type (e.g. EUI-64) */
} hm_hl7_hd;

typedef struct hm_hl7_header {
    hm_hl7_hd sending_app;    /* MSH-3 */
    hm_hl7_hd sending_fac;    /* MSH-4 */
    hm_hl7_hd receiving_app;  /* MSH-5 */
    hm_hl7_hd receiving_fac;  /* MSH-6 */
    char time[32];            /* MSH-7 as sent */
    char msg_type[8];         /* MSH-9.1, e.g. ORU */
    char trigger[8];          /* MSH-9.2, e.g. R40 */
    char structure[16];       /* MSH-9.3, e.g. ORU_R01 */
    char control_id[HM_HL7_CTRL_MAX]; /* MSH-10 */
    char processing_id[4];    /* MSH-11.1 */
    char version[16];         /* MSH-12.1 */
} hm_hl7_header;

/* Fills *out from a parsed message's MSH (oversized values are truncated). */
int hm_hl7_header_get(const hm_hl7_msg *m, hm_hl7_header *out);
/* Best effort on bytes that did not parse: reads whatever MSH fields can be found (possibly
 * none) so that an error ACK can still carry MSA-2. Never fails; unknown fields stay empty. */
void hm_hl7_header_sniff(const char *data, size_t len, hm_hl7_header *out);

/* Parses an HL7 DTM/TS ("YYYY[MM[DD[HH[MM[SS[.S...]]]]]][+/-ZZZZ]") into UTC milliseconds since
 * 1970. Without an offset the time is taken as UTC. HM_EINVAL when malformed. */
int hm_hl7_time_parse(const char *text, int64_t *ms);
/* Formats UTC milliseconds as "YYYYMMDDHHMMSS.sss+0000" into buf (cap >= 24). */
int hm_hl7_time_format(int64_t ms, char *buf, size_t cap);

/* ---- writer: builds a message with standard delimiters |^~\& and correct escaping ---- */

typedef struct hm_hl7_writer {
    char *buf;
    size_t len, cap, max;
    int rc; /* first error; later calls do nothing once set */
    int segments;
    int fixed; /* writing into a caller's buffer: never grows */
} hm_hl7_writer;

/* max bounds the message size (0 = HM_HL7_DEFAULT_MAX_BYTES). If fixed is not NULL the writer
 * writes into it (cap bytes, never grows) instead of allocating. */
void hm_hl7_writer_init(hm_hl7_writer *w, char *fixed, size_t cap, size_t max);
/* Frees an allocated buffer (a no-op for a fixed one). */
void hm_hl7_writer_free(hm_hl7_writer *w);
/* Starts a segment; for "MSH" also writes MSH-1 and MSH-2 ("MSH|^~\&"). */
void hm_hl7_w_segment(hm_hl7_writer *w, const char *name);
/* Starts the next field with escaped text (NULL = empty). */
void hm_hl7_w_field(hm_hl7_writer *w, const char *text);
/* Appends a component / repetition / sub-component separator and escaped text. */
void hm_hl7_w_comp(hm_hl7_writer *w, const char *text);
void hm_hl7_w_rep(hm_hl7_writer *w, const char *text);
void hm_hl7_w_sub(hm_hl7_writer *w, const char *text);
/* Appends text as is (the caller guarantees it holds no stray delimiters). */
void hm_hl7_w_raw(hm_hl7_writer *w, const char *text);
/* Ends the last segment with CR and returns the message (NUL-terminated, owned by the writer)
 * or the first error met while building (HM_ETOOBIG, HM_ENOMEM). */
int hm_hl7_w_finish(hm_hl7_writer *w, const char **data, size_t *len);

/* Escapes text for one HL7 value using standard delimiters into buf; HM_ETOOBIG if it won't fit. */
int hm_hl7_escape(const char *text, size_t len, char *buf, size_t cap, size_t *out_len);

/* ---- ACK ---- */

#define HM_HL7_REPLY_MAX 4096

/* The bytes an MLLP handler answers with (without MLLP framing). */
typedef struct hm_hl7_reply {
    char data[HM_HL7_REPLY_MAX];
    size_t len;
} hm_hl7_reply;

enum hm_hl7_ack_code { HM_HL7_AA = 0, HM_HL7_AE, HM_HL7_AR };

/* HL7 table 0357 (message error condition codes) values heime uses. */
enum {
    HM_HL7_ERR_SEGMENT_SEQUENCE = 100,
    HM_HL7_ERR_REQUIRED_FIELD = 101,
    HM_HL7_ERR_DATA_TYPE = 102,
    HM_HL7_ERR_TABLE_VALUE = 103,
    HM_HL7_ERR_UNSUPPORTED_MESSAGE = 200,
    HM_HL7_ERR_UNSUPPORTED_EVENT = 201,
    HM_HL7_ERR_UNSUPPORTED_PROCESSING = 202,
    HM_HL7_ERR_UNSUPPORTED_VERSION = 203,
    HM_HL7_ERR_UNKNOWN_KEY = 204,
    HM_HL7_ERR_DUPLICATE_KEY = 205,
    HM_HL7_ERR_RECORD_LOCKED = 206,
    HM_HL7_ERR_INTERNAL = 207
};

/* What to report in ERR: the 0357 code, severity (E, W, I or F) and a message for humans. */
typedef struct hm_hl7_ack_error {
    int code;
    char severity;
    const char *text;
} hm_hl7_ack_error;

/* Builds an ACK answering the message whose header is in (NULL or an empty control id gives an
 * ACK with an empty MSA-2). Sender and receiver are mirrored: MSH-3/4 of the ACK are the
 * incoming MSH-5/6 (or our_app/our_fac when those are empty), MSH-5/6 the incoming MSH-3/4.
 * MSA-2 is the incoming MSH-10. For AE and AR, e must say why: an ERR segment carries
 * ERR-3 (0357 code), ERR-4 (severity) and ERR-8 (text); for 2.3/2.4 MSA-3 repeats the text. */
int hm_hl7_ack_build(const hm_hl7_header *in, enum hm_hl7_ack_code code, const hm_hl7_ack_error *e,
                     const char *our_app, const char *our_fac, hm_hl7_reply *reply, hm_err *err);

/* The one place where heime error codes become AE or AR: HM_EBUSY, HM_EIO, HM_ENOMEM,
 * HM_AGAIN and HM_EINTERNAL give AR (resend later); everything else AE (the message is wrong).
 * why goes into ERR-8. */
int hm_hl7_ack_for_error(const hm_hl7_header *in, int rc, const char *why, const char *our_app,
                         const char *our_fac, hm_hl7_reply *reply, hm_err *err);

/* The MSA-1 code text ("AA", "AE", "AR"). */
const char *hm_hl7_ack_code_name(enum hm_hl7_ack_code code);

#endif
