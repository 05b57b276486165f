/* demo.h: the synthetic demo region: the university hospital (infectious-disease section, its
 * ward, anaesthesia), the municipalities Tromsø (three home-care zones), Senja, Kvænangen and
 * Berlevåg, pump depots Tromsø and Finnmark, a response centre, about 40 staff with roles and
 * competences, and about 12 patients in every episode state. Every person is synthetic: names
 * are drawn from lists of common first and last names, national ids use the synthetic scheme
 * (month + 80, see base/natid.h) so they validate but can belong to nobody.
 *
 * Patients are created through the same care/ operations the API uses (referral, eligibility,
 * approval, regimen, pump, training, activation, tasks), run on a clock set back in time, so
 * the demo's audit trail and tasks are exactly what real use would produce. */
#ifndef HM_DEMO_H
#define HM_DEMO_H

#include <jansson.h>
#include <stdatomic.h>

#include "care/care.h"

#define HM_DEMO_PASSWORD_PREFIX "demo-"

struct hm_demo_opts {
    int extra_patients; /* for benchmarks: this many more active patients (0 = the demo only) */
    int patients_per_zone; /* scaling: zones are added so that no zone has more (default 20) */
    unsigned seed;
};

/* 1 when the store holds no organisations yet. */
int hm_demo_is_empty(hm_store *st, int *empty, hm_err *err);

/* Loads the region into an empty store. care must have its pathways and drugs loaded and its
 * writer running. */
int hm_demo_load(hm_care *care, const struct hm_demo_opts *opts, hm_err *err);

/* Plans today and tomorrow for every home-care zone whose day has no routes yet (1 s each;
 * src/demo/plan_days.c). Stops between zones once *stop is set. */
int hm_demo_plan_days(hm_care *care, const atomic_int *stop, hm_err *err);

/* The demo accounts as the CONTRACT's JSON array (username, password, role, organisation,
 * municipality). Needs no database: the region's staff table is fixed. */
json_t *hm_demo_accounts(void);

#endif
