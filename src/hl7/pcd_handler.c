/* pcd_handler.c: the glue between the MLLP loop and whoever stores PCD messages.
 *
 * Order of work for one message: parse, map, sink, ACK. Errors at any step become an ACK
 * through hm_hl7_ack_for_error (the one place where heime errors turn into AE/AR), so the sink
 * only ever sees complete, mapped messages and only decides between "durable" (AA) and an
 * error. The mapped struct is large (~35 KiB), so it is allocated per message, not on the
 * connection thread's small stack. */
#include "base/arena.h"
#include "hl7/pcd.h"

#include "base/log.h"

#include <stdlib.h>
#include <string.h>

static int answer_error(const hm_pcd_handler *h, const hm_hl7_header *hdr, int rc,
                        const hm_err *e, hm_hl7_reply *reply)
{
    const char *why = e->msg[0] ? e->msg : hm_strerror(rc);
    HM_LOG(HM_LOG_INFO, "hl7: message '%s' answered with an error: %s", hdr->control_id, why);
    hm_hl7_ack_for_error(hdr, rc, why, h->app_name, h->facility, reply, NULL);
    return rc;
}

int hm_pcd_mllp_handler(void *ctx, const char *msg, size_t len, hm_hl7_reply *reply)
{
    const hm_pcd_handler *h = ctx;
    hm_hl7_msg *m = NULL;
    hm_hl7_header hdr;
    hm_err e;
    hm_err_clear(&e);
    int rc = hm_hl7_parse(msg, len, &h->limits, &m, &e);
    if (rc) {
        hm_hl7_header_sniff(msg, len, &hdr);
        return answer_error(h, &hdr, rc, &e, reply);
    }
    hm_pcd_msg *p = hm_malloc(sizeof *p);
    if (!p) {
        hm_hl7_header_get(m, &hdr);
        hm_hl7_free(m);
        hm_err_set(&e, HM_ENOMEM, "out of memory mapping the message");
        return answer_error(h, &hdr, HM_ENOMEM, &e, reply);
    }
    rc = hm_pcd_map(m, p, &e);
    if (rc) {
        hm_hl7_header_get(m, &hdr);
    } else {
        hdr = p->header;
        hm_err_clear(&e);
        rc = h->sink(h->ctx, p, msg, len, &e);
    }
    hm_hl7_free(m);
    hm_free(p);
    if (rc)
        return answer_error(h, &hdr, rc, &e, reply);
    return hm_hl7_ack_build(&hdr, HM_HL7_AA, NULL, h->app_name, h->facility, reply, NULL);
}
