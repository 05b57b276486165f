/* road.c: asking the routing service for a day's travel matrix (road.h), in blocks of at most
 * max_table / 2 sources by as many destinations, each block one GET whose coordinates are only
 * that block's places (at most max_table). Trips the service answered are remembered for a
 * while (the pair cache below), so that re-planning a day asks only about new places. */
#include "care/road.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/curl_body.h"
#include "base/hash.h"

/* An answer larger than this is not a table of a day's places. */
#define MAX_ANSWER (64u * 1024 * 1024)

/* The pair cache: minutes from one place to another as the service last answered, keyed by
 * both places' coordinates in millionths of a degree (the precision the URL sends). A day is
 * planned again and again as visits come and go (every change, the schedule, a coordinator's
 * "Planlegg ruter"), mostly over the same places; asking the service for the whole table each
 * time was the plan's slowest part. Entries last CACHE_TTL_S (roads change: closures, ferries'
 * timetables) and are replaced when their slot is needed; a pair without a route is not kept,
 * so it is asked again. 4-way sets in a table of CACHE_SETS x 4 entries (24 bytes each, 12 MB). */
#define CACHE_SETS (1 << 17)
#define CACHE_WAYS 4
#define CACHE_TTL_S (6 * 3600)

struct trip {
    int32_t from_lat, from_lon, to_lat, to_lon;
    float minutes;
    uint32_t until; /* monotonic seconds; 0: empty */
};

static struct trip (*cache)[CACHE_WAYS];
static uint64_t cache_service; /* whose answers the cache holds: a hash of the service's URL */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint32_t)t.tv_sec + 1; /* never 0 */
}

static int32_t micro(double deg)
{
    return (int32_t)(deg * 1e6 + (deg < 0 ? -0.5 : 0.5));
}

static struct trip key_of(const double *lat, const double *lon, int i, int j)
{
    return (struct trip){micro(lat[i]), micro(lon[i]), micro(lat[j]), micro(lon[j]), 0, 0};
}

static struct trip *set_of(const struct trip *k)
{
    const int32_t parts[4] = {k->from_lat, k->from_lon, k->to_lat, k->to_lon};
    uint64_t h = hm_fnv1a(HM_FNV_START, parts, sizeof parts);
    return cache[(h ^ (h >> 29)) & (CACHE_SETS - 1)];
}

static int same_places(const struct trip *a, const struct trip *b)
{
    return a->from_lat == b->from_lat && a->from_lon == b->from_lon && a->to_lat == b->to_lat &&
           a->to_lon == b->to_lon;
}

/* Fills the block [r0, r0+nr) x [c0, c0+nc) of out from the cache: 1 when every pair was there
 * (nothing is written otherwise). Called with cache_lock held. */
static int block_from_cache(const double *lat, const double *lon, int n, int r0, int nr, int c0,
                            int nc, double *out, uint32_t now)
{
    for (int pass = 0; pass < 2; pass++) /* first: all there? then: copy */
        for (int i = r0; i < r0 + nr; i++)
            for (int j = c0; j < c0 + nc; j++) {
                struct trip k = key_of(lat, lon, i, j), *set = set_of(&k), *hit = NULL;
                for (int w = 0; w < CACHE_WAYS && !hit; w++)
                    if (set[w].until > now && same_places(&set[w], &k))
                        hit = &set[w];
                if (!hit)
                    return 0;
                if (pass)
                    out[(size_t)i * (size_t)n + (size_t)j] = hit->minutes;
            }
    return 1;
}

/* Remembers the block's answered trips (not the pairs without a route). */
static void block_to_cache(const double *lat, const double *lon, int n, int r0, int nr, int c0,
                           int nc, const double *out, uint32_t now)
{
    for (int i = r0; i < r0 + nr; i++)
        for (int j = c0; j < c0 + nc; j++) {
            double m = out[(size_t)i * (size_t)n + (size_t)j];
            if (m < 0)
                continue;
            struct trip k = key_of(lat, lon, i, j), *set = set_of(&k), *slot = &set[0];
            for (int w = 0; w < CACHE_WAYS; w++) {
                if (same_places(&set[w], &k) || set[w].until <= now) {
                    slot = &set[w];
                    break;
                }
                if (set[w].until < slot->until) /* the one that expires first */
                    slot = &set[w];
            }
            k.minutes = (float)m;
            k.until = now + CACHE_TTL_S;
            *slot = k;
        }
}

static void cache_alloc(void)
{
    cache = calloc(CACHE_SETS, sizeof *cache);
}

/* Another service (a changed setting, a test's fake) answers for other roads: forget. Called
 * with cache_lock held. */
static void cache_for(const char *url)
{
    uint64_t h = hm_fnv1a(HM_FNV_START, url, strlen(url));
    if (cache && h != cache_service)
        memset(cache, 0, CACHE_SETS * sizeof *cache);
    cache_service = h;
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
    hm_curl_body a = {.max = MAX_ANSWER};
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* a table compresses well */
    long status;
    CURLcode cc = hm_curl_json(h, url, NULL, s->timeout_ms, &a, &status);
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
    hm_curl_start();
    static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
    pthread_once(&cache_once, cache_alloc);
    pthread_mutex_lock(&cache_lock);
    cache_for(s->url);
    pthread_mutex_unlock(&cache_lock);
    CURL *h = curl_easy_init();
    if (!h)
        return hm_err_set(err, HM_ENOMEM, "road service: cannot start curl");
    int rc = HM_OK;
    for (int r0 = 0; r0 < n && !rc; r0 += b)
        for (int c0 = 0; c0 < n && !rc; c0 += b) {
            int nr = n - r0 < b ? n - r0 : b, nc = n - c0 < b ? n - c0 : b;
            uint32_t now = now_s();
            pthread_mutex_lock(&cache_lock);
            int known = cache && block_from_cache(lat, lon, n, r0, nr, c0, nc, out, now);
            pthread_mutex_unlock(&cache_lock);
            if (known)
                continue;
            rc = fetch_block(h, s, lat, lon, n, r0, nr, c0, nc, out, err);
            pthread_mutex_lock(&cache_lock);
            if (!rc && cache)
                block_to_cache(lat, lon, n, r0, nr, c0, nc, out, now);
            pthread_mutex_unlock(&cache_lock);
        }
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
