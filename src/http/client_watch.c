/* client_watch.c: see client_watch.h. */
#include "http/client_watch.h"

#include <poll.h>

#include <microhttpd.h>

#define WATCH_MS 200

static void *watch_main(void *arg)
{
    hm_client_watch *w = arg;
    while (!atomic_load(&w->done)) {
        /* POLLRDHUP: the peer closed (a pipelined request's bytes do not wake this up);
         * POLLHUP and POLLERR come unasked */
        struct pollfd p = {.fd = w->fd, .events = POLLRDHUP};
        int n = poll(&p, 1, WATCH_MS);
        if (n > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
            atomic_store(&w->gone, 1);
            break;
        }
    }
    return NULL;
}

void hm_client_watch_start(hm_client_watch *w, struct MHD_Connection *conn)
{
    atomic_init(&w->gone, 0);
    atomic_init(&w->done, 0);
    w->running = 0;
    const union MHD_ConnectionInfo *ci =
        conn ? MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD) : NULL;
    if (!ci || ci->connect_fd < 0)
        return;
    w->fd = ci->connect_fd;
    w->running = pthread_create(&w->thread, NULL, watch_main, w) == 0;
}

void hm_client_watch_stop(hm_client_watch *w)
{
    if (!w->running)
        return;
    atomic_store(&w->done, 1);
    pthread_join(w->thread, NULL);
    w->running = 0;
}
