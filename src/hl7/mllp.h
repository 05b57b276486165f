/* mllp.h: MLLP framing (0x0B message 0x1C 0x0D), a threaded MLLP server that hands every
 * complete message to a callback and sends back exactly the reply the callback produced, and
 * a small blocking client used by the pump simulator and the tests.
 *
 * The server never invents an application ACK: the only replies it writes itself are AE
 * protocol errors (with an ERR segment) for frames that never reach the callback, i.e. frames
 * over the size limit and frames cut short by a new start block. */
#ifndef HM_HL7_MLLP_H
#define HM_HL7_MLLP_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "hl7/hl7.h"

#define HM_MLLP_SB 0x0B
#define HM_MLLP_EB 0x1C
#define HM_MLLP_CR 0x0D

/* ---- framer ---- */

enum hm_mllp_event {
    HM_MLLP_MESSAGE,   /* a complete frame: data/len is the message */
    HM_MLLP_GARBAGE,   /* len bytes outside any frame were discarded (data is NULL) */
    HM_MLLP_OVERSIZE,  /* a frame over the limit ended; data/len is its first max bytes */
    HM_MLLP_TRUNCATED  /* a start block arrived inside a frame; data/len is the cut frame */
};

/* Called for each event; a non-zero return stops hm_mllp_framer_feed, which returns it. */
typedef int (*hm_mllp_frame_fn)(void *ctx, enum hm_mllp_event ev, const char *data, size_t len);

typedef struct hm_mllp_framer {
    char *buf;
    size_t len, cap, max;
    size_t garbage; /* bytes discarded since the last report */
    int state;
    int oversize;
} hm_mllp_framer;

/* max is the largest message accepted (0 = HM_HL7_DEFAULT_MAX_BYTES). */
void hm_mllp_framer_init(hm_mllp_framer *f, size_t max);
void hm_mllp_framer_free(hm_mllp_framer *f);
/* Feeds bytes as they come from the wire, in any split; events are delivered in order.
 * Garbage is reported once per feed call. HM_ENOMEM if the buffer cannot grow. */
int hm_mllp_framer_feed(hm_mllp_framer *f, const char *data, size_t len, hm_mllp_frame_fn fn,
                        void *ctx);
/* Non-zero while a frame has started and not yet ended. */
int hm_mllp_framer_pending(const hm_mllp_framer *f);
/* Wraps msg in a frame into out (needs len + 3 bytes). */
int hm_mllp_wrap(const char *msg, size_t len, char *out, size_t cap, size_t *out_len);

/* ---- server ---- */

typedef struct hm_mllp_opts {
    size_t max_message;   /* bytes per message (0 = HM_HL7_DEFAULT_MAX_BYTES) */
    int max_connections;  /* open connections at once; more are closed at once (0 = 256) */
    int idle_timeout_ms;  /* close a connection silent between messages this long (0 = 300 s) */
    int stall_timeout_ms; /* close a connection stuck mid-message or not reading (0 = 10 s) */
    const char *app_name; /* MSH-3 of protocol-level ACKs (NULL = "HEIME") */
    const char *facility; /* MSH-4 of protocol-level ACKs (NULL = "HEIME") */
} hm_mllp_opts;

/* Called on the connection's thread for each complete message (not NUL-terminated). It fills
 * reply (reply->len starts at 0) and returns HM_OK or an error. Whatever it put in reply is
 * sent, and nothing else; an empty reply closes the connection without an answer, so that the
 * sender resends. The handler may block (e.g. until its batch is durable). */
typedef int (*hm_mllp_handler)(void *ctx, const char *msg, size_t len, hm_hl7_reply *reply);

typedef struct hm_mllp_server hm_mllp_server;

typedef struct hm_mllp_stats {
    uint64_t accepted, refused;   /* connections taken / closed at once (over the max) */
    uint64_t messages, replies;   /* handed to the handler / replies sent from it */
    uint64_t no_reply;            /* handler produced no reply: connection closed */
    uint64_t protocol_acks;       /* AE written by the loop itself (oversize, truncated) */
    uint64_t garbage_bytes, oversize, truncated, timeouts;
    uint64_t open;                /* connections open now */
} hm_mllp_stats;

/* Listens on host:port (port 0 = ephemeral; see hm_mllp_server_port) and serves until
 * hm_mllp_server_stop. opts may be NULL. */
int hm_mllp_server_start(const char *host, int port, const hm_mllp_opts *opts, hm_mllp_handler fn,
                         void *ctx, hm_mllp_server **out, hm_err *err);
int hm_mllp_server_port(const hm_mllp_server *s);
void hm_mllp_server_stats(hm_mllp_server *s, hm_mllp_stats *out);
/* Stops accepting, closes every connection (a handler call in progress finishes first),
 * waits for all threads and frees the server. NULL is a no-op. */
void hm_mllp_server_stop(hm_mllp_server *s);

/* ---- client ---- */

typedef struct hm_mllp_client hm_mllp_client;

/* Connects to host:port within timeout_ms. */
int hm_mllp_client_connect(const char *host, int port, int timeout_ms, hm_mllp_client **out,
                           hm_err *err);
/* Sends one framed message. */
int hm_mllp_client_send(hm_mllp_client *c, const char *msg, size_t len, hm_err *err);
/* Sends bytes as they are (no framing): for tests of broken input. */
int hm_mllp_client_send_raw(hm_mllp_client *c, const char *data, size_t len, hm_err *err);
/* Waits up to timeout_ms for the next framed message; copies it into buf (NUL-terminated).
 * HM_EBUSY on timeout, HM_EIO when the peer closed, HM_ETOOBIG when buf is too small. */
int hm_mllp_client_recv(hm_mllp_client *c, int timeout_ms, char *buf, size_t cap, size_t *len,
                        hm_err *err);
void hm_mllp_client_close(hm_mllp_client *c);

/* Splits "HOST:PORT" (host may be empty = 127.0.0.1) into host (cap bytes) and port. */
int hm_mllp_parse_hostport(const char *text, char *host, size_t cap, int *port, hm_err *err);

#endif
