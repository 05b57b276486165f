/* hgs_int.h: internals of the hybrid genetic search shared by hgs.c (population, crossover,
 * split) and hgs_ls.c (granular local search with SWAP*). Private to src/plan/.
 *
 * Routes are evaluated with time-warp segments (Vidal et al. 2013): a segment summarises a
 * sequence of visits by distance, duration, time warp, earliest and latest start and load, and
 * two segments concatenate in O(1), so most moves are priced from prefix and suffix data. */
#ifndef HM_PLAN_HGS_INT_H
#define HM_PLAN_HGS_INT_H

#include <stdint.h>

#include "plan/vrp.h"

/* xoshiro256**: small, fast, and ours, so a seed gives the same run on every libc. */
typedef struct hm__rng {
    uint64_t s[4];
} hm__rng;

void hm__rng_seed(hm__rng *r, uint64_t seed);
uint64_t hm__rng_next(hm__rng *r);
/* Uniform integer in [0, n), n >= 1. */
int hm__rng_int(hm__rng *r, int n);
double hm__rng_unit(hm__rng *r);

typedef struct hm__seg {
    double dist, dur, tw, early, late, load;
    int first, last, cnt;
} hm__seg;

/* Shared solver context: the problem, penalties, neighbourhoods, random state. */
typedef struct hm__hgs {
    const hm__vrp *p;
    int n, nc, V;         /* nodes, customers, vehicle slots */
    const double *d;      /* distance == travel time matrix */
    double cap;
    double pen_cap, pen_tw;
    double fixed;         /* cost of using a route (objective vehicles), else 0 */
    int G;                /* neighbours per customer */
    int *corr;            /* nc+1 rows of G: nearest customers in the correlation measure */
    hm__seg *self;        /* per node single-visit segment */
    hm__rng rng;
} hm__hgs;

static inline hm__seg hm__seg_merge(const hm__hgs *h, const hm__seg *a, const hm__seg *b)
{
    double t = h->d[a->last * h->n + b->first];
    double delta = a->dur - a->tw + t;
    double dwait = b->early - delta - a->late;
    double dtw = a->early + delta - b->late;
    hm__seg r;
    dwait = dwait > 0 ? dwait : 0;
    dtw = dtw > 0 ? dtw : 0;
    r.dist = a->dist + b->dist + t;
    r.dur = a->dur + b->dur + t + dwait;
    r.tw = a->tw + b->tw + dtw;
    r.early = (b->early - delta > a->early ? b->early - delta : a->early) - dwait;
    r.late = (b->late - delta < a->late ? b->late - delta : a->late) + dtw;
    r.load = a->load + b->load;
    r.first = a->first;
    r.last = b->last;
    r.cnt = a->cnt + b->cnt;
    return r;
}

static inline double hm__seg_cost(const hm__hgs *h, const hm__seg *s)
{
    double ex = s->load - h->cap;
    return s->dist + (ex > 0 ? ex * h->pen_cap : 0) + s->tw * h->pen_tw + (s->cnt ? h->fixed : 0);
}

/* Sets up the shared context (neighbours, single-visit segments, initial penalties); the
 * solver uses it, and so do the unit tests that drive the local search directly. */
int hm__hgs_init(hm__hgs *h, const hm__vrp *p, const hm__hgs_opts *o);
void hm__hgs_fini(hm__hgs *h);

/* The local search: loads routes (V slots of customer lists), improves them in place. */
typedef struct hm__ls hm__ls;
hm__ls *hm__ls_create(hm__hgs *h);
void hm__ls_destroy(hm__ls *ls);
/* roff has V+1 offsets into rnodes; the result is written back the same way, routes sorted
 * by the polar angle of their barycentre so that the giant tour is stable for crossover. */
void hm__ls_run(hm__ls *ls, int *rnodes, int *roff);

#endif
