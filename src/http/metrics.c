/* metrics.c: the server's own counters and GET /metrics (Prometheus text format 0.0.4).
 * Counting is a few relaxed atomic additions per request; the text is written on demand. */
#include "http/metrics.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "store/writer.h"

#define MAX_ROUTES 256
#define CLASSES 4 /* 2xx, 3xx, 4xx, 5xx */

/* Upper bounds of the latency buckets, in milliseconds (exported in seconds). */
static const double bucket_ms[] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500};
#define NBUCKETS (sizeof bucket_ms / sizeof bucket_ms[0])

static _Atomic unsigned long long requests[MAX_ROUTES + 1][CLASSES]; /* last row: no route */
static _Atomic unsigned long long latency_us_sum[MAX_ROUTES + 1];
static _Atomic unsigned long long buckets[NBUCKETS + 1]; /* cumulative at export; +Inf last */

static size_t route_slot(const struct hm_route *route)
{
    size_t n;
    const struct hm_route *table = hm_route_table(&n);
    if (!route || route < table || route >= table + n || (size_t)(route - table) >= MAX_ROUTES)
        return MAX_ROUTES;
    return (size_t)(route - table);
}

void hm__metrics_observe(const struct hm_route *route, int status, double ms)
{
    size_t slot = route_slot(route);
    int cls = status >= 500 ? 3 : status >= 400 ? 2 : status >= 300 ? 1 : 0;
    atomic_fetch_add_explicit(&requests[slot][cls], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&latency_us_sum[slot], (unsigned long long)(ms * 1000.0),
                              memory_order_relaxed);
    size_t b = 0;
    while (b < NBUCKETS && ms > bucket_ms[b])
        b++;
    atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
}

/* A growing text buffer; on allocation failure it stays short and the caller answers 500. */
struct text {
    char *s;
    size_t len, cap;
    int failed;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    for (int attempt = 0; attempt < 2 && !t->failed; attempt++) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap * 2 + (size_t)n + 1;
        char *s = realloc(t->s, cap);
        if (!s) {
            t->failed = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
}

static void http_section(struct text *t)
{
    static const char *const class_names[CLASSES] = {"2xx", "3xx", "4xx", "5xx"};
    size_t n;
    const struct hm_route *table = hm_route_table(&n);
    put(t, "# HELP heime_http_requests_total Requests answered, per route and status class.\n"
           "# TYPE heime_http_requests_total counter\n");
    for (size_t i = 0; i <= MAX_ROUTES; i++) {
        if (i < MAX_ROUTES && i >= n)
            continue;
        const char *method = i < n ? table[i].method : "";
        const char *route = i < n ? table[i].pattern : "(none)";
        for (int c = 0; c < CLASSES; c++) {
            unsigned long long v = atomic_load_explicit(&requests[i][c], memory_order_relaxed);
            if (v)
                put(t, "heime_http_requests_total{method=\"%s\",route=\"%s\",code=\"%s\"} %llu\n",
                    method, route, class_names[c], v);
        }
    }
    put(t, "# HELP heime_http_request_seconds Time from a request's arrival to its answer.\n"
           "# TYPE heime_http_request_seconds histogram\n");
    unsigned long long cum = 0, total_us = 0;
    for (size_t b = 0; b <= NBUCKETS; b++) {
        cum += atomic_load_explicit(&buckets[b], memory_order_relaxed);
        if (b < NBUCKETS)
            put(t, "heime_http_request_seconds_bucket{le=\"%g\"} %llu\n", bucket_ms[b] / 1000.0,
                cum);
        else
            put(t, "heime_http_request_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
    }
    for (size_t i = 0; i <= MAX_ROUTES; i++)
        total_us += atomic_load_explicit(&latency_us_sum[i], memory_order_relaxed);
    put(t, "heime_http_request_seconds_sum %.6f\nheime_http_request_seconds_count %llu\n",
        (double)total_us / 1e6, cum);
}

static void writer_section(struct text *t, hm_writer *w)
{
    struct hm_writer_stats s;
    hm_writer_get_stats(w, &s);
    put(t,
        "# HELP heime_writer_batches_total Group commits (one transaction, one fsync each).\n"
        "# TYPE heime_writer_batches_total counter\nheime_writer_batches_total %llu\n"
        "# HELP heime_writer_jobs_total Writes committed through the group-commit writer.\n"
        "# TYPE heime_writer_jobs_total counter\nheime_writer_jobs_total %llu\n"
        "# HELP heime_writer_batch_max The largest batch so far.\n"
        "# TYPE heime_writer_batch_max gauge\nheime_writer_batch_max %llu\n"
        "# HELP heime_writer_queued Writes waiting for the next batch now.\n"
        "# TYPE heime_writer_queued gauge\nheime_writer_queued %llu\n"
        "# HELP heime_writer_slow_batches_total Batches slower than the slow-batch threshold.\n"
        "# TYPE heime_writer_slow_batches_total counter\nheime_writer_slow_batches_total %llu\n",
        s.batches, s.jobs, s.max_batch, s.queued, s.slow_batches);
}

static void alarms_section(struct text *t, hm_store *st)
{
    hm_db *db;
    hm_err err;
    if (hm_store_read_begin(st, &db, &err))
        return;
    hm_cursor c;
    if (hm_db_query(db,
                    "SELECT priority, count(*) FROM alarm WHERE state <> 'resolved'"
                    " GROUP BY priority ORDER BY priority",
                    HM_NOARGS, &c, &err) == HM_OK) {
        put(t, "# HELP heime_alarms_open Alarms not resolved, per priority.\n"
               "# TYPE heime_alarms_open gauge\n");
        while (hm_cursor_next(&c, &err) == HM_ROW) {
            const char *prio = hm_cursor_text(&c, 0);
            put(t, "heime_alarms_open{priority=\"%s\"} %lld\n", prio ? prio : "",
                (long long)hm_cursor_int(&c, 1));
        }
        hm_cursor_close(&c);
    }
    hm_store_read_end(st, db);
}

int hm_h_metrics(hm_req *r)
{
    struct text t = {malloc(8192), 0, 8192, 0};
    if (!t.s)
        return hm_err_set(&r->err, HM_ENOMEM, "cannot write metrics: out of memory");
    t.s[0] = '\0';
    http_section(&t);
    writer_section(&t, r->care->writer);
    alarms_section(&t, r->care->store);
    if (t.failed) {
        free(t.s);
        return hm_err_set(&r->err, HM_ENOMEM, "cannot write metrics: out of memory");
    }
    r->raw_resp = MHD_create_response_from_buffer(t.len, t.s, MHD_RESPMEM_MUST_FREE);
    if (!r->raw_resp) {
        free(t.s);
        return hm_err_set(&r->err, HM_ENOMEM, "cannot write metrics: out of memory");
    }
    MHD_add_response_header(r->raw_resp, "Content-Type", "text/plain; version=0.0.4");
    MHD_add_response_header(r->raw_resp, "Cache-Control", "no-store");
    r->status = 200;
    return HM_OK;
}
