/* road.c: asking the routing service for a day's travel matrix (road.h), in blocks of at most
 * max_table / 2 sources by as many destinations, each block one GET whose coordinates are only
 * that block's places (at most max_table). */
#include "care/road.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An answer larger than this is not a table of a day's places. */
#define MAX_ANSWER (64u * 1024 * 1024)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_start(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct answer {
    char *data;
    size_t len, cap;
    int too_big;
};

static size_t take(char *p, size_t size, size_t n, void *ctx)
{
    struct answer *a = ctx;
    size_t add = size * n;
    if (a->len + add + 1 > MAX_ANSWER) {
        a->too_big = 1;
        return 0;
    }
    if (a->len + add + 1 > a->cap) {
        size_t cap = a->cap ? a->cap : 16384;
        while (cap < a->len + add + 1)
            cap *= 2;
        char *grown = realloc(a->data, cap);
        if (!grown)
            return 0;
        a->data = grown;
        a->cap = cap;
    }
    memcpy(a->data + a->len, p, add);
    a->len += add;
    a->data[a->len] = '\0';
    return add;
}

/* Appends text to the URL being built; 0 when it does not fit. */
__attribute__((format(printf, 4, 5))) static int put(char *url, size_t cap, size_t *len,
                                                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(url + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap - *len)
        return 0;
    *len += (size_t)n;
    return 1;
}

/* The URL of one block: sources [r0, r0+nr), destinations [c0, c0+nc). When both are the same
 * places they are listed once and OSRM answers the full table of them. */
static char *block_url(const hm_road_service *s, const double *lat, const double *lon, int r0,
                       int nr, int c0, int nc)
{
    int same = r0 == c0 && nr == nc;
    size_t cap = strlen(s->url) + (size_t)(nr + nc) * 56 + 64;
    char *url = malloc(cap);
    if (!url)
        return NULL;
    size_t len = (size_t)snprintf(url, cap, "%s/", s->url);
    int ok = 1;
    for (int k = 0; k < nr + (same ? 0 : nc) && ok; k++) {
        int i = k < nr ? r0 + k : c0 + (k - nr);
        ok = put(url, cap, &len, k ? ";%.6f,%.6f" : "%.6f,%.6f", lon[i], lat[i]);
    }
    ok = ok && put(url, cap, &len, "?annotations=duration");
    if (ok && !same) {
        ok = put(url, cap, &len, "&sources=");
        for (int k = 0; k < nr && ok; k++)
            ok = put(url, cap, &len, k ? ";%d" : "%d", k);
        ok = ok && put(url, cap, &len, "&destinations=");
        for (int k = 0; k < nc && ok; k++)
            ok = put(url, cap, &len, k ? ";%d" : "%d", nr + k);
    }
    if (!ok) {
        free(url);
        return NULL;
    }
    return url;
}

/* One block through the matrix's curl handle h (kept for all blocks, so that they share one
 * connection to the service). */
static int fetch_block(CURL *h, const hm_road_service *s, const double *lat, const double *lon,
                       int n, int r0, int nr, int c0, int nc, double *out, hm_err *err)
{
    if (r0 == c0 && nr == 1 && nc == 1) { /* a place to itself: a table needs two places */
        out[(size_t)r0 * (size_t)n + (size_t)c0] = 0;
        return HM_OK;
    }
    char *url = block_url(s, lat, lon, r0, nr, c0, nc);
    if (!url)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    struct answer a = {0};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, s->timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, take);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* a table compresses well */
    CURLcode cc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    free(url);
    int rc;
    if (a.too_big)
        rc = hm_err_set(err, HM_ETOOBIG, "road service: answer over %u bytes", MAX_ANSWER);
    else if (cc != CURLE_OK)
        rc = hm_err_set(err, HM_EIO, "road service: %s", curl_easy_strerror(cc));
    else /* OSRM answers errors (400 InvalidQuery, ...) with a JSON body that says why */
        rc = hm_road_table_parse(a.data ? a.data : "", a.len, nr, nc,
                                 out + (size_t)r0 * (size_t)n + (size_t)c0, (size_t)n, err);
    if (rc && cc == CURLE_OK && status != 200 && !a.too_big) {
        char why[sizeof((hm_err){0}).msg];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        rc = hm_err_set(err, rc, "road service: HTTP %ld (%s)", status, why);
    }
    free(a.data);
    return rc;
}

int hm_road_matrix(const hm_road_service *s, const double *lat, const double *lon, int n,
                   double *out, int *no_route, hm_err *err)
{
    *no_route = 0;
    /* Half the limit per side, so that no request names more places than the limit, as older
     * OSRM versions count them (newer ones count sources x destinations). */
    int b = (s->max_table >= 2 ? s->max_table : HM_ROAD_MAX_TABLE_DEFAULT) / 2;
    pthread_once(&curl_once, curl_start);
    CURL *h = curl_easy_init();
    if (!h)
        return hm_err_set(err, HM_ENOMEM, "road service: cannot start curl");
    int rc = HM_OK;
    for (int r0 = 0; r0 < n && !rc; r0 += b)
        for (int c0 = 0; c0 < n && !rc; c0 += b)
            rc = fetch_block(h, s, lat, lon, n, r0, n - r0 < b ? n - r0 : b, c0,
                             n - c0 < b ? n - c0 : b, out, err);
    curl_easy_cleanup(h);
    for (size_t i = 0; !rc && i < (size_t)n * (size_t)n; i++) {
        if (out[i] < 0) {
            out[i] = HM_ROAD_NO_ROUTE_MINUTES;
            (*no_route)++;
        } else if (out[i] > HM_ROAD_NO_ROUTE_MINUTES) {
            out[i] = HM_ROAD_NO_ROUTE_MINUTES;
        }
    }
    return rc;
}
