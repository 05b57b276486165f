/* fuzz_hl7_parse: libFuzzer target for the HL7 parser, its accessors, header sniffing, the
 * PCD mapping (with a PCD-01's vital signs, alert/device_obs.c) and ACK building. Also checks
 * one property: any UTF-8 text without NUL written through the writer reads back unchanged
 * (escaping round-trips). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hl7/hl7.h"
#include "hl7/pcd.h"
#include "alert/device_obs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static hm_pcd_msg pcd; /* large: keep it off the stack */

static void walk(const hm_hl7_msg *m)
{
    char small[8], big[512];
    size_t nseg = hm_hl7_segment_count(m);
    for (size_t s = 0; s < nseg && s < 64; s++) {
        size_t nf = hm_hl7_field_count(m, s);
        for (int f = 1; f <= (int)nf + 1 && f <= 24; f++) {
            size_t nr = hm_hl7_rep_count(m, s, f);
            for (int r = 1; r <= (int)nr + 1 && r <= 3; r++)
                for (int c = 1; c <= 4; c++)
                    for (int sub = 1; sub <= 2; sub++) {
                        hm_hl7_get(m, s, f, r, c, sub, small, sizeof small, NULL);
                        hm_hl7_get(m, s, f, r, c, sub, big, sizeof big, NULL);
                    }
            int64_t ms;
            hm_hl7_time_parse(big, &ms);
        }
    }
}

/* A PCD-01's vital signs, as the alarm sink maps them (alert/device_obs.c). */
static void device_vitals(const hm_pcd_msg *p)
{
    json_t *values = NULL, *skipped = NULL;
    int64_t at = 0;
    if (hm__device_vitals_map(p, 1800000000000LL, &values, &skipped, &at) == HM_OK) {
        char *s = json_dumps(values, JSON_COMPACT);
        free(s);
        json_decref(values);
        json_decref(skipped);
    }
}

static void round_trip(const uint8_t *data, size_t size)
{
    if (size > 2000 || memchr(data, 0, size))
        return;
    char *text = malloc(size + 1);
    if (!text)
        return;
    memcpy(text, data, size);
    text[size] = '\0';
    hm_hl7_writer w;
    hm_hl7_writer_init(&w, NULL, 0, 0);
    hm_hl7_w_segment(&w, "MSH");
    const char *f[] = {"A", "B", "C", "D", "2026", "", "ORU", "X", "P", "2.6"};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        hm_hl7_w_field(&w, f[i]);
    hm_hl7_w_segment(&w, "NTE");
    hm_hl7_w_field(&w, text);
    hm_hl7_w_comp(&w, text);
    const char *msg;
    size_t len;
    hm_hl7_msg *m = NULL;
    if (hm_hl7_w_finish(&w, &msg, &len) == HM_OK &&
        hm_hl7_parse(msg, len, NULL, &m, NULL) == HM_OK) {
        char *back = malloc(size + 1);
        if (back) {
            hm_hl7_get_by_name(m, "NTE", 0, 1, 1, 2, 1, back, size + 1, NULL);
            if (strcmp(back, text) != 0)
                abort(); /* escaping did not round-trip */
            free(back);
        }
    }
    hm_hl7_free(m);
    hm_hl7_writer_free(&w);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    hm_hl7_header h;
    hm_hl7_reply reply;
    hm_hl7_header_sniff(text, size, &h);
    hm_hl7_ack_for_error(&h, HM_EINVAL, "fuzz", "HEIME", "FUZZ", &reply, NULL);
    hm_hl7_limits lim = {.max_bytes = 65536, .max_segments = 200, .max_fields = 64};
    hm_hl7_msg *m = NULL;
    hm_err err;
    if (hm_hl7_parse(text, size, &lim, &m, &err) == HM_OK) {
        if (hm_hl7_header_get(m, &h) == HM_OK)
            hm_hl7_ack_build(&h, HM_HL7_AA, NULL, "HEIME", "FUZZ", &reply, NULL);
        walk(m);
        if (hm_pcd_map(m, &pcd, &err) != HM_OK)
            hm_hl7_ack_for_error(&h, err.code, err.msg, NULL, NULL, &reply, NULL);
        else if (pcd.kind == HM_PCD_OBSERVATION)
            device_vitals(&pcd);
        hm_hl7_free(m);
    }
    round_trip(data, size);
    return 0;
}
