/* fuzz_json_input: the parsers of JSON that arrives in HTTP bodies and data files: the regimen
 * (then its validation against the IV template), task documentation for each task kind, pathway
 * templates, and the scalar parsers of fields (ISO times, dates, clock times, national ids).
 * The first input byte picks the consumer; the rest is the document. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/natid.h"
#include "base/time.h"
#include "pathway/pathway.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static hm_pathway *iv;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("TZ", "Europe/Oslo", 1);
    tzset();
    hm_err err;
    const char *path = getenv("HM_FUZZ_PATHWAY");
    if (hm_pathway_load_file(path ? path : "pathways/iv-antibiotics.json", &iv, &err) != HM_OK)
        iv = NULL; /* the template-dependent consumers are skipped */
    return 0;
}

static void scalars(const char *s)
{
    hm_err err;
    int64_t t;
    hm_date d;
    int m, ymd;
    enum hm_natid_kind k;
    hm_time_parse(s, &t, &err);
    hm_date_parse(s, &d, &err);
    hm_clock_time_parse(s, &m, &err);
    hm_natid_validate(s, &k, &ymd, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    unsigned which = data[0] % 4;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    if (which == 3) {
        char *s = malloc(len + 1);
        if (!s)
            return 0;
        memcpy(s, body, len);
        s[len] = '\0';
        scalars(s);
        free(s);
        return 0;
    }
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    if (!j)
        return 0;
    hm_err err;
    if (which == 0) {
        hm_regimen r;
        if (hm_regimen_from_json(j, &r, &err) == HM_OK && iv) {
            r.max_bag_hours = 24;
            hm_pathway_validate_regimen(iv, &r, &err);
        }
    } else if (which == 1 && iv) {
        for (size_t i = 0; i < hm_pathway_task_kind_count(iv); i++)
            hm_pathway_validate_documentation(iv, hm_pathway_task_kind_at(iv, i)->id, j, &err);
        const char *s;
        int64_t n;
        double x;
        int b;
        hm_json_str(j, "name", 0, 100, &s, &err);
        hm_json_int(j, "zone", 0, 1, INT64_MAX, &n, &err);
        hm_json_num(j, "lat", 0, -90, 90, &x, &err);
        hm_json_bool(j, "on_oxygen", 0, &b, &err);
    } else if (which == 2) {
        hm_pathway *p;
        if (hm_pathway_load_json(j, &p, &err) == HM_OK)
            hm_pathway_free(p);
    }
    json_decref(j);
    return 0;
}
