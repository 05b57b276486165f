/* curl_body.h: what heime's HTTP clients (the road service, the identity provider's token
 * endpoint, alarm webhooks) share on top of libcurl: its one-time global start, and an answer's
 * body read into memory up to a limit, so that a service answering without end cannot fill it. */
#ifndef HM_BASE_CURL_BODY_H
#define HM_BASE_CURL_BODY_H

#include <curl/curl.h>
#include <stddef.h>

/* 1 when s is an http:// or https:// URL: the only schemes heime's clients follow (libcurl
 * would also take file://, ftp:// and more, which no setting of heime should reach). */
int hm_is_http_url(const char *s);

/* curl_global_init, once per process, before the first easy handle. */
void hm_curl_start(void);

typedef struct hm_curl_body {
    size_t max;    /* the most bytes taken; set before the transfer */
    char *data;    /* NUL-terminated once anything came; free() it */
    size_t len, cap;
    int too_big;   /* the answer was longer than max: the transfer was stopped */
} hm_curl_body;

/* For CURLOPT_WRITEFUNCTION with CURLOPT_WRITEDATA a hm_curl_body. */
size_t hm_curl_take(char *p, size_t size, size_t n, void *body);

/* One request for JSON on the easy handle h (made by the caller, who may have set more): GET
 * url, or POST the form (application/x-www-form-urlencoded) when it is not NULL; http(s) only,
 * at most timeout_ms; the answer into body (set body->max first), its status into *status. */
CURLcode hm_curl_json(CURL *h, const char *url, const char *form, long timeout_ms,
                      hm_curl_body *body, long *status);

#endif
