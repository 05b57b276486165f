/* client_watch.h: noticing that a client went away while its request is still being worked on
 * (a plan of up to 30 s): a thread polls the connection's socket for the peer's close and sets
 * a flag the work checks (hm_plan_opts.cancel), so that nothing runs on for nobody. */
#ifndef HM_CLIENT_WATCH_H
#define HM_CLIENT_WATCH_H

#include <pthread.h>
#include <stdatomic.h>

struct MHD_Connection;

typedef struct hm_client_watch {
    atomic_int gone; /* set once the client closed its side of the connection */
    atomic_int done; /* set by hm_client_watch_stop */
    int fd;
    int running; /* 0 when the watch could not start: gone then never sets */
    pthread_t thread;
} hm_client_watch;

/* Starts watching conn's socket (every 200 ms). Without a socket or a thread it watches
 * nothing, and the work runs to its end as before. */
void hm_client_watch_start(hm_client_watch *w, struct MHD_Connection *conn);
void hm_client_watch_stop(hm_client_watch *w);

#endif
