/* client.c: a small blocking MLLP client (connect, send a frame, wait for the next frame).
 * Used by the pump simulator and the tests; frames that arrive together are queued so none
 * is lost between calls. */
#include "base/arena.h"
#include "hl7/mllp.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_MAX 16

struct frame {
    char *data;
    size_t len;
};

struct hm_mllp_client {
    int fd;
    hm_mllp_framer fr;
    struct frame q[QUEUE_MAX];
    size_t head, count;
};

int hm_mllp_parse_hostport(const char *text, char *host, size_t cap, int *port, hm_err *err)
{
    const char *colon = text ? strrchr(text, ':') : NULL;
    if (!colon)
        return hm_err_set(err, HM_EINVAL, "'%s' is not HOST:PORT", text ? text : "");
    size_t hl = (size_t)(colon - text);
    if (hl >= cap)
        return hm_err_set(err, HM_EINVAL, "host in '%s' is too long", text);
    char *end;
    errno = 0;
    long p = strtol(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || p < 0 || p > 65535)
        return hm_err_set(err, HM_EINVAL, "bad port in '%s'", text);
    if (hl == 0)
        snprintf(host, cap, "127.0.0.1");
    else
        snprintf(host, cap, "%.*s", (int)hl, text);
    *port = (int)p;
    return HM_OK;
}

static int connect_one(const struct addrinfo *a, int timeout_ms)
{
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0)
        return -1;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (poll(&p, 1, timeout_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) ||
        soerr) {
        close(fd);
        return -1;
    }
    /* The socket stays non-blocking: every read and write below waits with poll. */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

int hm_mllp_client_connect(const char *host, int port, int timeout_ms, hm_mllp_client **out,
                           hm_err *err)
{
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, service, &hints, &res);
    if (gai)
        return hm_err_set(err, HM_EINVAL, "mllp client: cannot resolve '%s': %s", host,
                          gai_strerror(gai));
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next)
        fd = connect_one(a, timeout_ms);
    freeaddrinfo(res);
    if (fd < 0)
        return hm_err_set(err, HM_EIO, "mllp client: cannot connect to %s:%d", host, port);
    hm_mllp_client *c = hm_calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return hm_err_set(err, HM_ENOMEM, "mllp client: out of memory");
    }
    c->fd = fd;
    hm_mllp_framer_init(&c->fr, 0);
    *out = c;
    return HM_OK;
}

static int send_bytes(hm_mllp_client *c, const char *p, size_t n, hm_err *err)
{
    while (n) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && (errno == EINTR))
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pf = {.fd = c->fd, .events = POLLOUT};
            if (poll(&pf, 1, 10000) != 1)
                return hm_err_set(err, HM_EIO, "mllp client: send timed out");
            continue;
        }
        if (w <= 0)
            return hm_err_set(err, HM_EIO, "mllp client: send failed: %s", strerror(errno));
        p += w;
        n -= (size_t)w;
    }
    return HM_OK;
}

int hm_mllp_client_send_raw(hm_mllp_client *c, const char *data, size_t len, hm_err *err)
{
    return send_bytes(c, data, len, err);
}

int hm_mllp_client_send(hm_mllp_client *c, const char *msg, size_t len, hm_err *err)
{
    char sb = HM_MLLP_SB, eb[2] = {HM_MLLP_EB, HM_MLLP_CR};
    int rc = send_bytes(c, &sb, 1, err);
    if (!rc)
        rc = send_bytes(c, msg, len, err);
    if (!rc)
        rc = send_bytes(c, eb, 2, err);
    return rc;
}

static int on_frame(void *ctx, enum hm_mllp_event ev, const char *data, size_t len)
{
    hm_mllp_client *c = ctx;
    if (ev != HM_MLLP_MESSAGE || c->count == QUEUE_MAX)
        return HM_OK;
    char *copy = hm_malloc(len + 1);
    if (!copy)
        return HM_ENOMEM;
    memcpy(copy, data, len);
    copy[len] = '\0';
    struct frame *f = &c->q[(c->head + c->count) % QUEUE_MAX];
    f->data = copy;
    f->len = len;
    c->count++;
    return HM_OK;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hm_mllp_client_recv(hm_mllp_client *c, int timeout_ms, char *buf, size_t cap, size_t *len,
                        hm_err *err)
{
    int64_t deadline = mono_ms() + timeout_ms;
    while (c->count == 0) {
        int64_t left = deadline - mono_ms();
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int pr = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return hm_err_set(err, HM_EBUSY, "mllp client: no reply within %d ms", timeout_ms);
        char tmp[8192];
        ssize_t n = read(c->fd, tmp, sizeof tmp);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return hm_err_set(err, HM_EIO, "mllp client: connection closed by the server");
        int rc = hm_mllp_framer_feed(&c->fr, tmp, (size_t)n, on_frame, c);
        if (rc)
            return hm_err_set(err, rc, "mllp client: cannot buffer the reply");
    }
    struct frame *f = &c->q[c->head];
    c->head = (c->head + 1) % QUEUE_MAX;
    c->count--;
    int rc = HM_OK;
    size_t n = f->len;
    if (n + 1 > cap) {
        n = cap ? cap - 1 : 0;
        rc = hm_err_set(err, HM_ETOOBIG, "mllp client: reply of %zu bytes does not fit", f->len);
    }
    if (cap) {
        memcpy(buf, f->data, n);
        buf[n] = '\0';
    }
    if (len)
        *len = n;
    hm_free(f->data);
    return rc;
}

void hm_mllp_client_close(hm_mllp_client *c)
{
    if (!c)
        return;
    close(c->fd);
    while (c->count) {
        hm_free(c->q[c->head].data);
        c->head = (c->head + 1) % QUEUE_MAX;
        c->count--;
    }
    hm_mllp_framer_free(&c->fr);
    hm_free(c);
}
