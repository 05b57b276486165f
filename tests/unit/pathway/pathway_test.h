/* pathway_test.h: helpers shared by the pathway unit tests: paths of the shipped data files,
 * loading a template, a known-good regimen, and setting a member of a JSON document by the
 * same dotted path the loader's messages use ("tasks[2].cadence.type"). */
#ifndef HM_TEST_PATHWAY_TEST_H
#define HM_TEST_PATHWAY_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pathway/pathway.h"

#define IV_TEMPLATE HM_SOURCE_ROOT "/pathways/iv-antibiotics.json"
#define SHARED_TEMPLATE HM_SOURCE_ROOT "/pathways/iv-antibiotics-shared-care.json"
#define DRUGS_FILE HM_SOURCE_ROOT "/data/drugs.example.json"
#define TEST_DATA HM_SOURCE_ROOT "/tests/data/pathway/"

static inline int oslo_setup(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Oslo", 1);
    tzset();
    return 0;
}

static inline hm_pathway *load_template(const char *path)
{
    hm_pathway *p = NULL;
    hm_err e;
    int rc = hm_pathway_load_file(path, &p, &e);
    if (rc != HM_OK)
        fprintf(stderr, "load %s: %s\n", path, e.msg);
    assert_int_equal(rc, HM_OK);
    return p;
}

static inline hm_date D(int y, int m, int d)
{
    hm_date x = {y, m, d};
    return x;
}

/* Cefazolin 2 g q8h, two bags a day at 08:00 and 20:00, PICC, 3 weeks from Monday 2026-11-23,
 * vitals at 09:00 and 21:00, labs Monday and Thursday at 08:00. */
static inline hm_regimen good_regimen(void)
{
    hm_regimen r;
    memset(&r, 0, sizeof r);
    snprintf(r.drug_code, sizeof r.drug_code, "cefazolin");
    r.max_bag_hours = 12;
    r.dose = 2;
    snprintf(r.dose_unit, sizeof r.dose_unit, "g");
    r.interval_hours = 8;
    r.infusion_minutes = 30;
    r.bags_per_day = 2;
    r.bag_change_minutes[0] = 8 * 60;
    r.bag_change_minutes[1] = 20 * 60;
    r.line_type = HM_LINE_PICC;
    r.line_inserted = D(2026, 11, 20);
    r.start = D(2026, 11, 23);
    r.end = D(2026, 12, 13);
    r.vitals_minutes[0] = 9 * 60;
    r.vitals_minutes[1] = 21 * 60;
    r.vitals_count = 2;
    r.labs_weekdays = (1 << 0) | (1 << 3); /* Monday, Thursday */
    r.labs_minutes = 8 * 60;
    return r;
}

/* Walks a dotted path with [i] indexes to the parent of its last member. */
static inline json_t *walk_path(json_t *root, const char *path, char *last, size_t last_size)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = root;
    char *s = buf;
    for (;;) {
        size_t n = strcspn(s, ".[");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)n, s);
        s += n;
        if (*s == '\0') {
            snprintf(last, last_size, "%s", name);
            return cur;
        }
        if (n)
            cur = json_object_get(cur, name);
        while (*s == '[') {
            size_t idx = strtoul(s + 1, &s, 10);
            s++; /* ] */
            if (*s == '\0') {
                snprintf(last, last_size, "[%zu]", idx);
                return cur;
            }
            cur = json_array_get(cur, idx);
        }
        if (*s == '.')
            s++;
        if (!cur)
            return NULL;
    }
}

/* Sets (value != NULL, JSON text) or deletes (value == NULL) the member at path. */
static inline void set_path(json_t *root, const char *path, const char *value)
{
    char last[128];
    json_t *parent = walk_path(root, path, last, sizeof last);
    assert_non_null(parent);
    json_t *v = NULL;
    if (value) {
        json_error_t je;
        v = json_loads(value, JSON_DECODE_ANY, &je);
        assert_non_null(v);
    }
    if (last[0] == '[') {
        size_t idx = strtoul(last + 1, NULL, 10);
        if (v)
            json_array_set_new(parent, idx, v);
        else
            json_array_remove(parent, idx);
    } else if (v) {
        json_object_set_new(parent, last, v);
    } else {
        json_object_del(parent, last);
    }
}

static inline json_t *load_json_file(const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    assert_non_null(j);
    return j;
}

#define assert_msg_contains(err, needle)                                                           \
    do {                                                                                           \
        if (!strstr((err).msg, (needle))) {                                                        \
            fprintf(stderr, "message '%s' lacks '%s'\n", (err).msg, (needle));                     \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#endif
