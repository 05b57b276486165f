/* gzip.h: compressed answers for clients that ask for them (Accept-Encoding: gzip). A nurse's
 * day list is about 86 KB of JSON and a phone on a mobile network pays for every byte; JSON
 * shrinks to about a tenth. */
#ifndef HM_HTTP_GZIP_H
#define HM_HTTP_GZIP_H

#include <stddef.h>

/* Answers shorter than this go uncompressed: the gzip frame (18 bytes) and the CPU would cost
 * more than the bytes saved. */
#define HM_GZIP_MIN_BYTES 1024

/* Whether an Accept-Encoding header value (NULL when absent) accepts gzip: "gzip", "x-gzip" or
 * "*" with a q-value above 0, unless gzip itself is listed with q=0 (RFC 9110, 12.5.3). */
int hm_http_accepts_gzip(const char *accept_encoding);

/* The gzip stream of in[0..len) in a new buffer (*out, free() it). Returns 0, or -1 when out of
 * memory or zlib fails (the caller then answers uncompressed). */
int hm_http_gzip(const void *in, size_t len, char **out, size_t *out_len);

/* hm_http_gzip through a small cache of the answers compressed last (plain and gzip form,
 * least recently used out): the same zone's worklist goes to every nurse of the zone, the same
 * bytes until something in it changes, and compressing its 86 KB costs more CPU than the rest
 * of the request. A hit compares the whole text, so it can never return another answer's
 * bytes. Thread-safe. */
int hm_http_gzip_cached(const char *in, size_t len, char **out, size_t *out_len);

#endif
