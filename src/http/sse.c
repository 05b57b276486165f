/* sse.c: GET /api/v1/alarms/stream, the live alarm board as server-sent events.
 *
 * Each event is one committed alarm change: "id: <seq>", "event: <raised|updated|
 * acknowledged|note|resolve|escalated|device_ended|resolved>", "data: {"type", "alarm"}".
 * The response is produced by a libmicrohttpd content callback that blocks on the alarm hub;
 * the server runs a thread per connection, so a waiting stream holds up nobody else. The
 * callback waits at most one second at a time (so that a stopping server is never held up)
 * and sends a comment line every 15 s to keep proxies and the idle timeout away. Events of
 * patients the caller may not see are skipped; the answer is remembered per patient for a
 * minute. A client that sends Last-Event-ID resumes after that event while the hub still
 * holds it. */
#include "http/handlers.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alarm.h"

#define SSE_EVENT_MAX (64 * 1024)
#define SSE_SEEN_MAX 256
#define SSE_SEEN_TTL_MS 60000
#define SSE_KEEPALIVE_MS 15000

struct sse {
    hm_alarms *alarms;
    const hm_clock *clock;
    hm_actor actor;
    uint64_t after;
    int64_t last_write_ms;
    char *out; /* formatted bytes not yet handed to the server */
    size_t out_len, out_off;
    char *event; /* one event's JSON text */
    size_t nseen;
    struct {
        int64_t patient, checked_ms;
        int ok;
    } seen[SSE_SEEN_MAX];
};

static int may_see(struct sse *s, int64_t patient, int64_t now)
{
    for (size_t i = 0; i < s->nseen; i++) {
        if (s->seen[i].patient != patient)
            continue;
        if (now - s->seen[i].checked_ms < SSE_SEEN_TTL_MS)
            return s->seen[i].ok;
        hm_err e;
        s->seen[i].ok = hm_alarms_may_see(s->alarms, &s->actor, patient, now, &e) == HM_OK;
        s->seen[i].checked_ms = now;
        return s->seen[i].ok;
    }
    hm_err e;
    int ok = hm_alarms_may_see(s->alarms, &s->actor, patient, now, &e) == HM_OK;
    size_t slot = s->nseen < SSE_SEEN_MAX ? s->nseen++ : (size_t)(patient % SSE_SEEN_MAX);
    s->seen[slot].patient = patient;
    s->seen[slot].checked_ms = now;
    s->seen[slot].ok = ok;
    return ok;
}

/* The event type is the first member of the JSON text: {"type":"raised",...}. */
static void event_type(const char *json, char *out, size_t cap)
{
    static const char prefix[] = "{\"type\":\"";
    snprintf(out, cap, "message");
    if (strncmp(json, prefix, sizeof prefix - 1) != 0)
        return;
    const char *p = json + sizeof prefix - 1;
    const char *q = strchr(p, '"');
    if (q && (size_t)(q - p) < cap) {
        memcpy(out, p, (size_t)(q - p));
        out[q - p] = '\0';
    }
}

static int format_event(struct sse *s)
{
    char type[32];
    event_type(s->event, type, sizeof type);
    size_t cap = strlen(s->event) + 96;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    int n = snprintf(buf, cap, "id: %llu\nevent: %s\ndata: %s\n\n", (unsigned long long)s->after,
                     type, s->event);
    if (n < 0 || (size_t)n >= cap) {
        free(buf);
        return -1;
    }
    free(s->out);
    s->out = buf;
    s->out_len = (size_t)n;
    s->out_off = 0;
    return 0;
}

static ssize_t drain(struct sse *s, char *buf, size_t max)
{
    size_t n = s->out_len - s->out_off;
    if (n > max)
        n = max;
    memcpy(buf, s->out + s->out_off, n);
    s->out_off += n;
    s->last_write_ms = hm_clock_now(s->clock);
    return (ssize_t)n;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct sse *s = cls;
    if (s->out_off < s->out_len)
        return drain(s, buf, max);
    for (;;) {
        int64_t patient = 0;
        hm_err e;
        int rc =
            hm_alarms_next_event(s->alarms, &s->after, 1000, s->event, SSE_EVENT_MAX, &patient, &e);
        int64_t now = hm_clock_now(s->clock);
        if (rc == HM_EBUSY)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (rc == HM_AGAIN) {
            if (now - s->last_write_ms < SSE_KEEPALIVE_MS)
                continue;
            static const char ka[] = ": keep-alive\n\n";
            free(s->out);
            s->out = strdup(ka);
            s->out_len = s->out ? sizeof ka - 1 : 0;
            s->out_off = 0;
            if (!s->out)
                return MHD_CONTENT_READER_END_WITH_ERROR;
            return drain(s, buf, max);
        }
        if (rc != HM_OK)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (!may_see(s, patient, now))
            continue;
        if (format_event(s) != 0)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        return drain(s, buf, max);
    }
}

static void sse_free(void *cls)
{
    struct sse *s = cls;
    free(s->out);
    free(s->event);
    free(s);
}

static uint64_t resume_from(hm_req *r, uint64_t now_seq)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
    if (!h || !*h)
        return now_seq;
    char *end;
    unsigned long long v = strtoull(h, &end, 10);
    if (*end || v > now_seq)
        return now_seq;
    return (uint64_t)v;
}

int hm_h_alarm_stream(hm_req *r)
{
    hm_alarms *a = hm_h_alarms_bound();
    if (!a)
        return hm_err_set(&r->err, HM_EBUSY, "alarms are not available");
    hm_alarm_call call = {&r->actor, r->now_ms, r->request_id};
    int rc = hm_alarms_stream_open(a, &call, &r->err);
    if (rc)
        return rc;
    struct sse *s = calloc(1, sizeof *s);
    if (s)
        s->event = malloc(SSE_EVENT_MAX);
    if (!s || !s->event) {
        if (s)
            free(s);
        return hm_err_set(&r->err, HM_ENOMEM, "cannot open the alarm stream: out of memory");
    }
    s->alarms = a;
    s->clock = r->care->clock;
    s->actor = r->actor;
    s->after = resume_from(r, hm_alarms_seq(a));
    s->last_write_ms = r->now_ms;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, s, sse_free);
    if (!resp) {
        sse_free(s);
        return hm_err_set(&r->err, HM_ENOMEM, "cannot open the alarm stream");
    }
    MHD_add_response_header(resp, "Content-Type", "text/event-stream");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    r->raw_resp = resp;
    r->status = 200;
    return HM_OK;
}
