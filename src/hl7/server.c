/* server.c: the MLLP listener. One accept thread, one detached thread per connection.
 *
 * Why threads and not an epoll loop: the handler blocks until the message's effects are durable
 * (the group-commit writer answers per batch), so every connection needs its own place to wait.
 * With an event loop that wait would need a worker pool and a completion queue; a thread per
 * connection gives the same concurrency with straight-line code, and the connection count is
 * capped (max_connections) so the thread count is too. Each thread's stack is 256 KiB.
 *
 * Invariants: a reply goes out only if the handler produced it, or if the frame never reached
 * the handler (oversize, truncated), in which case the loop answers AE with an ERR segment.
 * Stop wakes the accept thread through a pipe and every connection through shutdown(), then
 * waits until the connection count is zero. */
#include "base/arena.h"
#include "hl7/mllp.h"

#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn {
    struct hm_mllp_server *srv;
    int fd;
    struct conn *next, *prev;
};

struct hm_mllp_server {
    hm_mllp_opts opts;
    hm_mllp_handler fn;
    void *ctx;
    int lfd, port;
    int wake[2];
    pthread_t acceptor;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct conn *conns;
    int nconn;
    bool stopping;
    hm_mllp_stats st;
};

#define STAT_ADD(s, field, n)                                                                      \
    do {                                                                                           \
        pthread_mutex_lock(&(s)->mu);                                                              \
        (s)->st.field += (n);                                                                      \
        pthread_mutex_unlock(&(s)->mu);                                                            \
    } while (0)

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- one connection ---- */

struct session {
    struct conn *c;
    hm_mllp_framer fr;
    hm_hl7_reply reply;
    char out[HM_HL7_REPLY_MAX + 3];
};

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return HM_EIO;
        p += w;
        n -= (size_t)w;
    }
    return HM_OK;
}

static int send_reply(struct session *ss)
{
    size_t n;
    if (hm_mllp_wrap(ss->reply.data, ss->reply.len, ss->out, sizeof ss->out, &n))
        return HM_EINTERNAL;
    return send_all(ss->c->fd, ss->out, n);
}

/* A frame that never reaches the handler still gets an answer: AE with the reason. */
static int protocol_ack(struct session *ss, const char *data, size_t len, const char *why)
{
    struct hm_mllp_server *s = ss->c->srv;
    hm_hl7_header h;
    hm_hl7_header_sniff(data, len, &h);
    if (hm_hl7_ack_for_error(&h, HM_EINVAL, why, s->opts.app_name, s->opts.facility, &ss->reply,
                             NULL))
        return HM_EINTERNAL;
    STAT_ADD(s, protocol_acks, 1);
    HM_LOG(HM_LOG_WARN, "mllp: answered AE to control id '%s': %s", h.control_id, why);
    return send_reply(ss);
}

static int on_message(struct session *ss, const char *data, size_t len)
{
    struct hm_mllp_server *s = ss->c->srv;
    STAT_ADD(s, messages, 1);
    ss->reply.len = 0;
    int rc = s->fn(s->ctx, data, len, &ss->reply);
    if (ss->reply.len == 0 || ss->reply.len > sizeof ss->reply.data) {
        /* No ACK the handler did not produce: close, and the sender will resend. */
        STAT_ADD(s, no_reply, 1);
        HM_LOG(HM_LOG_WARN, "mllp: handler gave no reply (%s): closing the connection",
               hm_errname(rc));
        return HM_EIO;
    }
    STAT_ADD(s, replies, 1);
    return send_reply(ss);
}

static int on_frame(void *ctx, enum hm_mllp_event ev, const char *data, size_t len)
{
    struct session *ss = ctx;
    struct hm_mllp_server *s = ss->c->srv;
    char why[128];
    switch (ev) {
    case HM_MLLP_MESSAGE:
        return on_message(ss, data, len);
    case HM_MLLP_GARBAGE:
        STAT_ADD(s, garbage_bytes, len);
        HM_LOG(HM_LOG_WARN, "mllp: discarded %zu bytes outside any frame", len);
        return HM_OK;
    case HM_MLLP_OVERSIZE:
        STAT_ADD(s, oversize, 1);
        snprintf(why, sizeof why, "message exceeds the limit of %zu bytes", ss->fr.max);
        return protocol_ack(ss, data, len, why);
    case HM_MLLP_TRUNCATED:
        STAT_ADD(s, truncated, 1);
        return protocol_ack(ss, data, len,
                            "truncated frame: a start block arrived before the end block");
    }
    return HM_OK;
}

/* Poll timeout: the idle limit between messages, the stall limit once a frame has begun. */
static int wait_ms(const struct session *ss, int64_t frame_start)
{
    const hm_mllp_opts *o = &ss->c->srv->opts;
    if (!hm_mllp_framer_pending(&ss->fr))
        return o->idle_timeout_ms;
    int64_t left = frame_start + o->stall_timeout_ms - now_ms();
    return left > 0 ? (int)left : 0;
}

static void serve(struct session *ss)
{
    struct hm_mllp_server *s = ss->c->srv;
    char buf[16384];
    int64_t frame_start = 0;
    for (;;) {
        struct pollfd p = {.fd = ss->c->fd, .events = POLLIN};
        int pr = poll(&p, 1, wait_ms(ss, frame_start));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr == 0) {
            STAT_ADD(s, timeouts, 1);
            HM_LOG(HM_LOG_INFO, "mllp: closing a connection %s",
                   hm_mllp_framer_pending(&ss->fr) ? "stalled mid-message" : "idle");
            return;
        }
        ssize_t n = pr < 0 ? -1 : read(ss->c->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        bool was_pending = hm_mllp_framer_pending(&ss->fr);
        if (hm_mllp_framer_feed(&ss->fr, buf, (size_t)n, on_frame, ss) != HM_OK)
            return;
        if (!was_pending || !hm_mllp_framer_pending(&ss->fr))
            frame_start = now_ms();
    }
}

static void conn_release(struct conn *c)
{
    struct hm_mllp_server *s = c->srv;
    pthread_mutex_lock(&s->mu);
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    s->nconn--;
    s->st.open = (uint64_t)s->nconn;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    close(c->fd);
    hm_free(c);
}

static void *conn_main(void *arg)
{
    struct session *ss = hm_calloc(1, sizeof *ss);
    struct conn *c = arg;
    if (ss) {
        ss->c = c;
        hm_mllp_framer_init(&ss->fr, c->srv->opts.max_message);
        serve(ss);
        hm_mllp_framer_free(&ss->fr);
        hm_free(ss);
    }
    conn_release(c);
    return NULL;
}

/* ---- accepting ---- */

static void set_socket_options(int fd, const hm_mllp_opts *o)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {.tv_sec = o->stall_timeout_ms / 1000,
                         .tv_usec = (o->stall_timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static void admit(struct hm_mllp_server *s, int fd)
{
    pthread_mutex_lock(&s->mu);
    bool full = s->nconn >= s->opts.max_connections || s->stopping;
    struct conn *c = full ? NULL : hm_calloc(1, sizeof *c);
    if (!c) {
        s->st.refused++;
        pthread_mutex_unlock(&s->mu);
        close(fd);
        HM_LOG(HM_LOG_WARN, "mllp: refused a connection (%d open, max %d)", s->nconn,
               s->opts.max_connections);
        return;
    }
    c->srv = s;
    c->fd = fd;
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    s->nconn++;
    s->st.accepted++;
    s->st.open = (uint64_t)s->nconn;
    pthread_mutex_unlock(&s->mu);
    set_socket_options(fd, &s->opts);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t t;
    int rc = pthread_create(&t, &attr, conn_main, c);
    pthread_attr_destroy(&attr);
    if (rc) {
        HM_LOG(HM_LOG_ERROR, "mllp: cannot start a connection thread: %s", strerror(rc));
        conn_release(c);
    }
}

static void *accept_main(void *arg)
{
    struct hm_mllp_server *s = arg;
    for (;;) {
        struct pollfd p[2] = {{.fd = s->lfd, .events = POLLIN}, {.fd = s->wake[0], .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            break;
        if (!(p[0].revents & POLLIN))
            continue;
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE)
                usleep(10000); /* out of descriptors: back off instead of spinning */
            continue;
        }
        admit(s, fd);
    }
    return NULL;
}

static int listen_on(const char *host, int port, int *lfd, int *bound, hm_err *err)
{
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host && host[0] ? host : NULL, service, &hints, &res);
    if (gai)
        return hm_err_set(err, HM_EINVAL, "mllp: cannot resolve '%s': %s", host ? host : "",
                          gai_strerror(gai));
    int fd = -1, e = 0;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 128) == 0)
            break;
        e = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return hm_err_set(err, HM_EIO, "mllp: cannot listen on %s:%d: %s", host ? host : "", port,
                          strerror(e));
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    *bound = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                      : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    *lfd = fd;
    return HM_OK;
}

static void opts_fill(const hm_mllp_opts *in, hm_mllp_opts *o)
{
    memset(o, 0, sizeof *o);
    if (in)
        *o = *in;
    if (!o->max_message)
        o->max_message = HM_HL7_DEFAULT_MAX_BYTES;
    if (o->max_connections <= 0)
        o->max_connections = 256;
    if (o->idle_timeout_ms <= 0)
        o->idle_timeout_ms = 300000;
    if (o->stall_timeout_ms <= 0)
        o->stall_timeout_ms = 10000;
    if (!o->app_name)
        o->app_name = "HEIME";
    if (!o->facility)
        o->facility = "HEIME";
}

int hm_mllp_server_start(const char *host, int port, const hm_mllp_opts *opts, hm_mllp_handler fn,
                         void *ctx, hm_mllp_server **out, hm_err *err)
{
    if (!fn || !out || port < 0 || port > 65535)
        return hm_err_set(err, HM_EINVAL, "mllp: bad server arguments (port %d)", port);
    struct hm_mllp_server *s = hm_calloc(1, sizeof *s);
    if (!s)
        return hm_err_set(err, HM_ENOMEM, "mllp: cannot allocate the server");
    opts_fill(opts, &s->opts);
    s->fn = fn;
    s->ctx = ctx;
    s->lfd = s->wake[0] = s->wake[1] = -1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    int rc = listen_on(host, port, &s->lfd, &s->port, err);
    if (rc)
        goto fail;
    if (pipe2(s->wake, O_CLOEXEC) != 0) {
        rc = hm_err_set(err, HM_EIO, "mllp: cannot create the wake-up pipe: %s", strerror(errno));
        goto fail;
    }
    if (pthread_create(&s->acceptor, NULL, accept_main, s) != 0) {
        rc = hm_err_set(err, HM_EIO, "mllp: cannot start the accept thread");
        goto fail;
    }
    HM_LOG(HM_LOG_INFO, "mllp: listening on %s:%d", host ? host : "*", s->port);
    *out = s;
    return HM_OK;
fail:
    if (s->lfd >= 0)
        close(s->lfd);
    if (s->wake[0] >= 0) {
        close(s->wake[0]);
        close(s->wake[1]);
    }
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    hm_free(s);
    return rc;
}

int hm_mllp_server_port(const hm_mllp_server *s)
{
    return s ? s->port : -1;
}

void hm_mllp_server_stats(hm_mllp_server *s, hm_mllp_stats *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->st;
    pthread_mutex_unlock(&s->mu);
}

void hm_mllp_server_stop(hm_mllp_server *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_mutex_unlock(&s->mu);
    char b = 1;
    while (write(s->wake[1], &b, 1) < 0 && errno == EINTR)
        ;
    pthread_join(s->acceptor, NULL);
    close(s->lfd);
    pthread_mutex_lock(&s->mu);
    for (struct conn *c = s->conns; c; c = c->next)
        shutdown(c->fd, SHUT_RDWR);
    while (s->nconn > 0)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    close(s->wake[0]);
    close(s->wake[1]);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    hm_free(s);
}
