/* hc_solve.c: the home-care solver and the result it hands back. A first plan comes from greedy
 * cheapest insertion in urgency order (well under a second for a 400-visit day); rounds of ruin
 * (random removal, or strings from neighbouring routes) and recreate (cheapest insertion in
 * random order or far tasks first, priced incrementally from cached route states) under
 * threshold accepting (short runs) or simulated annealing (long ones) improve it until the
 * time limit, pricing continuity misses higher early in the run (the best plan is kept by the
 * objective). A task is one nurse's part of a visit (two-nurse visits have two partner tasks).
 * A route is priced by simulating it: travel, waiting, the unpaid break, lateness up to the
 * allowed maximum (none for fixed times), overtime up to the allowed maximum; beyond those
 * limits, or without the competence, a placement is impossible. Two-nurse visits and
 * precedences couple routes through release times iterated to a fixed point. All buffers are
 * sized before the search starts. */
#include "plan/hc.h"
#include "plan/hgs_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BIG 1e18
#ifndef HC_RUIN_MAX
#define HC_RUIN_MAX 26 /* most tasks removed per round, plus 4 */
#endif
#ifndef HC_T0
#define HC_T0 8.0 /* starting temperature, in travel minutes (3 was worse; 16, 20, 40 no better) */
#endif
#ifndef HC_RUIN_AVG
#define HC_RUIN_AVG 10 /* average tasks a string ruin removes */
#endif
#ifndef HC_STRING_MAX
#define HC_STRING_MAX 10 /* longest string removed from one route */
#endif
#ifndef HC_SEED_NEAR
#define HC_SEED_NEAR 6 /* nearest neighbours whose places are priced first */
#endif
#ifndef HC_TRADE_EVERY
#define HC_TRADE_EVERY 1000 /* iterations between rounds of route trades (200: no better) */
#endif
#ifndef HC_PREF_RUIN
#define HC_PREF_RUIN 20 /* % of string ruins seeded at a missed preference (40: no better) */
#endif
/* The search prices continuity misses higher early in the run (see boosted_wc) */
#ifndef HC_WC_BOOST
#define HC_WC_BOOST 3.0 /* weight at the start, times the objective's (2, 5: worse) */
#endif
#ifndef HC_WC_UNTIL
#define HC_WC_UNTIL 0.7 /* progress where it is back to the objective's (0.5, 0.9: no better) */
#endif
#ifndef HC_WC_UNTIL_TA
#define HC_WC_UNTIL_TA 0.85 /* the same under threshold accepting, whose misses drift up */
#endif
/* Acceptance by the run's expected length in iterations (see hm__hc_threshold_share) */
#ifndef HC_TA_C
#define HC_TA_C 2.0 /* threshold: a candidate less than HC_TA_C x T above the current plan */
#endif
#ifndef HC_TA_SHORT
#define HC_TA_SHORT 250000.0 /* threshold accepting alone up to here (10 s: 90 000 to 220 000) */
#endif
#ifndef HC_TA_LONG
#define HC_TA_LONG 500000.0 /* annealing alone from here (60 s: 540 000 to 1.3 million) */
#endif
#ifndef HC_FAR_FIRST
#define HC_FAR_FIRST 50 /* % of recreates that insert the far tasks first (25, 75: worse) */
#endif
/* Random removal: its share of the ruins, constant until HC_RANDOM_FROM of the run, then rising
 * linearly to HC_RANDOM_END at the end (see ruin) */
#ifndef HC_RANDOM_RUIN
#define HC_RANDOM_RUIN 15 /* % (5, 25 over the whole run: worse) */
#endif
#ifndef HC_RANDOM_END
#define HC_RANDOM_END 40
#endif
#ifndef HC_RANDOM_FROM
#define HC_RANDOM_FROM 0.5
#endif
/* The cooling schedule by the run's expected length in iterations (see schedule_exponent) */
#ifndef HC_COOL_EXP
#define HC_COOL_EXP 1.5 /* exponent for runs of HC_COOL_SHORT iterations or fewer (2: no gain) */
#endif
#ifndef HC_COOL_SHORT
#define HC_COOL_SHORT 200000.0 /* about a 10 s run */
#endif
#ifndef HC_COOL_LONG
#define HC_COOL_LONG 1000000.0 /* linear from here (a 60 s run makes 1.1 to 1.2 million) */
#endif
#define HC_NEAR 60 /* neighbours per task kept for the string ruin */
#define FIX_ROUNDS 8

typedef struct task {
    int visit, partner, loc, nw, pref;
    int only; /* the one nurse who may make it (a visit under way), or -1 */
    double wf[HM_PLAN_MAX_WINDOWS], wt[HM_PLAN_MAX_WINDOWS];
    double allow, dur, drop_cost;
    double first, last; /* earliest and latest start in any window (0, BIG without) */
    double far;         /* mean travel from the nurses' starts */
    uint64_t req;
} task;

typedef struct hsol {
    int *route; /* nn rows of nt */
    int *len, *where;
    double *rcost;
    double cost;
} hsol;

typedef struct reval {
    double travel, late, over, end, brk, cost, fail;
    int ok;
} reval;

/* The state of a route simulation before a stop: enough to continue it from there. */
typedef struct sim {
    double t, travel, late, fail, brk;
    int loc, taken, misses, nfail;
} sim;

/* A kept copy of routes' simulations, restored instead of simulating a route again: per nurse
 * whether one is held (has), its cache rows, break, return and cost; per task its arrival,
 * start and failure flag. */
typedef struct sim_copy {
    unsigned char *has, *bad;
    sim *cache;
    double *arr, *st, *brk, *rend, *cost;
} sim_copy;

typedef struct hcs {
    const hm_plan_problem *p;
    const hm_plan_settings *s;
    int nn, nt, nl;
    task *t;
    double *tt;
    double *ttin; /* transposed: ttin[b * nl + a] = tt[a * nl + b], rows read in insertion */
    int *ls, *le; /* nurse start / end location */
    double *release, *arr, *st;
    double *brk, *rend;
    unsigned char *bad; /* per task: its window failed in the last full evaluation */
    sim *cache;            /* per nurse, nt + 1 states: the route of the solution being changed */
    unsigned char *cvalid; /* per nurse: its cache matches that route and the release times */
    unsigned char *svalid; /* per nurse: arr, st and bad of its tasks come from that cache's
                            * simulation (ensure_cache does not write them) */
    double residual; /* sync and precedence violations left after the fixed point */
    double wc;       /* the continuity weight the search prices (the objective's, or more) */
    double prog;     /* the run's progress (0 to 1), for the ruin's mix */
    double ta;       /* the share of candidates judged by threshold accepting (0 to 1) */
    int *pool;
    int *pairs, npairs; /* the first task of each two-nurse visit, ascending */
    int *near, nnear;       /* per task its nnear most related tasks, closest first */
    unsigned char *ruined; /* per nurse: a string was taken from it in this ruin */
    unsigned char *listed; /* per task: in the list being built (all 0 between uses) */
    unsigned char *dirty;  /* per nurse: to simulate again in the release fixed point */
    unsigned char *touched; /* per nurse: its route changed in this iteration's candidate */
    unsigned char *stale;   /* per nurse: tasks unlinked, route not simulated since */
    unsigned char *zsim; /* per nurse: cache, arr/st/bad, brk/rend and zcost hold a simulation
                          * of its route with every release time 0 (full_eval's first round) */
    double *zcost;
    /* a copy of that simulation kept while the route is unchanged, for routes whose later
     * rounds run with release times (two-nurse visits, precedences) */
    sim_copy zcopy;
    /* a copy of each route's last simulation in the fixed point's later rounds, and the
     * release times it ran with (rrel, per task): an unchanged route whose release times came
     * out the same is restored instead of simulated (most of them, every iteration) */
    sim_copy rcopy;
    double *rrel;
    hsol cur, cand, best;
    hm__rng rng;
} hcs;

/* ---- route simulation ---- */

/* The later of two times (fmax is a library call here; times are never NaN). */
static inline double later(double a, double b)
{
    return a > b ? a : b;
}

/* Inline: called for every simulated stop (a call cost 7 % of the search's instructions). */
static inline int window_start(const task *k, double ready, double *start, double *late)
{
    if (k->nw == 0) {
        *start = ready;
        *late = 0;
        return 1;
    }
    for (int w = 0; w < k->nw; w++) {
        if (ready <= k->wt[w] + k->allow) {
            *start = ready > k->wf[w] ? ready : k->wf[w];
            *late = *start > k->wt[w] ? *start - k->wt[w] : 0;
            return 1;
        }
    }
    return 0;
}

static void sim_init(const hcs *h, int nurse, sim *x)
{
    const hc_nurse *n = &h->p->nurses[nurse];
    *x = (sim){.t = n->ss, .brk = -1, .loc = h->ls[nurse], .taken = n->bm <= 0};
}

/* Advances x over task k (break first when due); the stop's arrival and start go to *a, *s.
 * Returns 0 when k cannot start in any of its windows from there. */
static int sim_stop(const hcs *h, int nurse, sim *x, int k, double *arr_out, double *st_out)
{
    const hc_nurse *n = &h->p->nurses[nurse];
    const task *tk = &h->t[k];
    double tr = h->tt[x->loc * h->nl + tk->loc], rel = h->release[k];
    if (!x->taken && x->t + tr >= n->bf) {
        /* break now, or after this visit if that avoids lateness and stays in the window */
        double b = x->t > n->bf ? x->t : n->bf, s1, l1, s2, l2;
        int now_ok = window_start(tk, later(b + n->bm + tr, rel), &s1, &l1);
        int later_ok = window_start(tk, later(x->t + tr, rel), &s2, &l2) && s2 + tk->dur <= n->bt;
        if (!(later_ok && (!now_ok || l2 < l1))) {
            if (b > n->bt)
                x->late += b - n->bt;
            x->brk = b;
            x->t = b + n->bm;
            x->taken = 1;
        }
    }
    double a = x->t + tr, ready = a > rel ? a : rel, s, late;
    int fits = window_start(tk, ready, &s, &late);
    if (!fits) {
        /* impossible here: priced high but graded, so the search can move away from it */
        x->nfail++;
        x->fail += 1 + (ready - (tk->nw ? tk->wt[tk->nw - 1] : ready));
        s = ready;
        late = 0;
    }
    *arr_out = a;
    *st_out = s;
    x->late += late;
    x->travel += tr;
    x->misses += tk->pref >= 0 && tk->pref != nurse;
    x->t = s + tk->dur;
    x->loc = tk->loc;
    return fits;
}

/* The break if not yet taken, the way back, overtime and the route's cost. */
static void sim_finish(const hcs *h, int nurse, const sim *x, int empty, reval *out)
{
    const hc_nurse *n = &h->p->nurses[nurse];
    memset(out, 0, sizeof *out);
    out->ok = 1;
    out->brk = -1;
    if (empty) {
        out->end = n->ss;
        return;
    }
    out->brk = x->brk;
    double t = x->t, late = x->late;
    if (!x->taken) {
        double b = t > n->bf ? t : n->bf;
        out->brk = b;
        if (b > n->bt)
            late += b - n->bt;
        t = b + n->bm;
    }
    double tr = h->tt[x->loc * h->nl + h->le[nurse]], fail = x->fail;
    out->ok = x->nfail == 0;
    out->travel = x->travel + tr;
    out->late = late;
    out->end = t + tr;
    double over = out->end > n->se ? out->end - n->se : 0;
    if (over > h->s->max_overtime + 1e-9) {
        out->ok = 0;
        fail += 1 + over - h->s->max_overtime;
    }
    double work = out->end - n->ss - n->bm;
    if (n->mw > 0 && work > n->mw)
        over += work - n->mw;
    out->over = over;
    out->fail = fail;
    out->cost = out->travel + h->s->w_late * (out->late + out->over) +
                h->wc * x->misses + h->s->w_unserved * fail;
}

/* Simulates stops from..len-1 of a route from state *xp (the state before stop from) to its
 * end; arr, st and cache as for eval_route. */
static void eval_suffix(const hcs *h, int nurse, const int *seq, int from, int len, double *arr,
                        double *st, sim *cache, const sim *xp, reval *out)
{
    sim x = *xp;
    for (int i = from; i < len; i++) {
        if (cache)
            cache[i] = x;
        double a, s;
        int fits = sim_stop(h, nurse, &x, seq[i], &a, &s);
        if (arr) {
            arr[seq[i]] = a;
            st[seq[i]] = s;
            if (arr == h->arr)
                h->bad[seq[i]] = !fits;
        }
    }
    if (cache)
        cache[len] = x;
    sim_finish(h, nurse, &x, len == 0, out);
}

/* Simulates a whole route; arr/st (may be NULL) receive each stop's arrival and start, cache
 * (may be NULL) the state before each stop and after the last. */
static void eval_route(const hcs *h, int nurse, const int *seq, int len, double *arr, double *st,
                       sim *cache, reval *out)
{
    sim x;
    sim_init(h, nurse, &x);
    eval_suffix(h, nurse, seq, 0, len, arr, st, cache, &x, out);
}

/* ---- solution bookkeeping ---- */

static int *row(const hcs *h, const hsol *s, int nurse)
{
    return s->route + (size_t)nurse * (size_t)h->nt;
}

static sim *route_cache(const hcs *h, int nurse)
{
    return h->cache + (size_t)nurse * (size_t)(h->nt + 1);
}

static int copy_alloc(const hcs *h, sim_copy *c)
{
    c->has = calloc((size_t)h->nn, 1);
    c->bad = calloc((size_t)h->nt, 1);
    c->cache = calloc((size_t)h->nn * (size_t)(h->nt + 1), sizeof(sim));
    c->arr = calloc((size_t)h->nt, sizeof(double));
    c->st = calloc((size_t)h->nt, sizeof(double));
    c->brk = calloc((size_t)h->nn, sizeof(double));
    c->rend = calloc((size_t)h->nn, sizeof(double));
    c->cost = calloc((size_t)h->nn, sizeof(double));
    return c->has && c->bad && c->cache && c->arr && c->st && c->brk && c->rend && c->cost
               ? HM_OK
               : HM_ENOMEM;
}

static void copy_free(sim_copy *c)
{
    free(c->has);
    free(c->bad);
    free(c->cache);
    free(c->arr);
    free(c->st);
    free(c->brk);
    free(c->rend);
    free(c->cost);
}

static int sol_alloc(const hcs *h, hsol *s)
{
    s->route = malloc(sizeof(int) * (size_t)h->nn * (size_t)h->nt);
    s->len = calloc((size_t)h->nn, sizeof(int));
    s->where = malloc(sizeof(int) * (size_t)h->nt);
    s->rcost = calloc((size_t)h->nn, sizeof(double));
    if (!s->route || !s->len || !s->where || !s->rcost)
        return HM_ENOMEM;
    for (int i = 0; i < h->nt; i++)
        s->where[i] = -1;
    return HM_OK;
}

static void sol_free(hsol *s)
{
    free(s->route);
    free(s->len);
    free(s->where);
    free(s->rcost);
}

static void sol_copy(const hcs *h, hsol *d, const hsol *s)
{
    for (int n = 0; n < h->nn; n++)
        memcpy(row(h, d, n), row(h, s, n), sizeof(int) * (size_t)s->len[n]);
    memcpy(d->len, s->len, sizeof(int) * (size_t)h->nn);
    memcpy(d->where, s->where, sizeof(int) * (size_t)h->nt);
    memcpy(d->rcost, s->rcost, sizeof(double) * (size_t)h->nn);
    d->cost = s->cost;
}

/* Simulates route n of s into the cache and the schedule arrays (arr, st, bad, brk, rend)
 * and sets its cost. */
static void stored(hcs *h, hsol *s, int n, const reval *ev);

static void eval_store(hcs *h, hsol *s, int n)
{
    reval ev;
    eval_route(h, n, row(h, s, n), s->len[n], h->arr, h->st, route_cache(h, n), &ev);
    stored(h, s, n, &ev);
}

/* Route n of s was simulated into the cache and schedule arrays: its cost and the flags. */
static void stored(hcs *h, hsol *s, int n, const reval *evp)
{
    reval ev = *evp;
    const int *r = row(h, s, n);
    s->rcost[n] = ev.cost;
    h->brk[n] = ev.brk;
    h->rend[n] = ev.end;
    h->cvalid[n] = h->svalid[n] = 1;
    h->stale[n] = 0;
    int zero = 1;
    for (int i = 0; i < s->len[n] && zero; i++)
        zero = h->release[r[i]] == 0;
    h->zsim[n] = (unsigned char)zero;
    h->zcost[n] = ev.cost;
}

/* Keeps route n's current simulation in c. */
static void copy_save(hcs *h, const hsol *s, int n, sim_copy *c)
{
    const int *r = row(h, s, n);
    int len = s->len[n];
    memcpy(c->cache + (size_t)n * (size_t)(h->nt + 1), route_cache(h, n),
           sizeof(sim) * (size_t)(len + 1));
    for (int i = 0; i < len; i++) {
        int k = r[i];
        c->arr[k] = h->arr[k];
        c->st[k] = h->st[k];
        c->bad[k] = h->bad[k];
    }
    c->brk[n] = h->brk[n];
    c->rend[n] = h->rend[n];
    c->cost[n] = s->rcost[n];
    c->has[n] = 1;
}

/* Makes c's copy of route n its current simulation again (the route is unchanged since). */
static void copy_restore(hcs *h, hsol *s, int n, const sim_copy *c)
{
    const int *r = row(h, s, n);
    int len = s->len[n];
    memcpy(route_cache(h, n), c->cache + (size_t)n * (size_t)(h->nt + 1),
           sizeof(sim) * (size_t)(len + 1));
    for (int i = 0; i < len; i++) {
        int k = r[i];
        h->arr[k] = c->arr[k];
        h->st[k] = c->st[k];
        h->bad[k] = c->bad[k];
    }
    s->rcost[n] = h->zcost[n] = c->cost[n];
    h->brk[n] = c->brk[n];
    h->rend[n] = c->rend[n];
    h->cvalid[n] = h->svalid[n] = 1;
}

/* full_eval's first round, every release time 0: a route that holds that simulation keeps
 * it, one with a copy of it gets the copy back, the others are simulated (and copied). */
static void zero_round(hcs *h, hsol *s)
{
    for (int n = 0; n < h->nn; n++) {
        if (h->zsim[n] && h->cvalid[n]) {
            s->rcost[n] = h->zcost[n];
        } else if (h->zcopy.has[n]) {
            copy_restore(h, s, n, &h->zcopy);
            h->zsim[n] = 1;
        } else {
            eval_store(h, s, n);
            copy_save(h, s, n, &h->zcopy);
        }
    }
}

/* A later round of the fixed point: route n simulated with the release times now in force,
 * or its copy restored when it is unchanged and ran with the same release times (the same
 * simulation, bit for bit); a simulation is copied for the next time. */
static void release_round(hcs *h, hsol *s, int n)
{
    const int *r = row(h, s, n);
    int len = s->len[n], same = h->rcopy.has[n];
    for (int i = 0; i < len && same; i++)
        same = h->release[r[i]] == h->rrel[r[i]];
    if (!same) {
        eval_store(h, s, n);
        copy_save(h, s, n, &h->rcopy);
        for (int i = 0; i < len; i++)
            h->rrel[r[i]] = h->release[r[i]];
        return;
    }
    copy_restore(h, s, n, &h->rcopy);
    int zero = 1;
    for (int i = 0; i < len && zero; i++)
        zero = h->release[r[i]] == 0;
    h->stale[n] = 0;
    h->zsim[n] = (unsigned char)zero;
}

/* Full evaluation: routes simulated with release times iterated to a fixed point for
 * two-nurse visits (same start) and precedences (after starts min_gap after before ends).
 * The first round (all release times 0) reuses simulations of unchanged routes: a candidate
 * changes only a few routes. */
static double full_eval(hcs *h, hsol *s)
{
    const hm_plan_problem *p = h->p;
    for (int k = 0; k < h->nt; k++)
        h->release[k] = 0;
    zero_round(h, s);
    /* a route is simulated again only when a release time of one of its tasks moved */
    memset(h->dirty, 0, (size_t)h->nn);
    for (int round = 0; round < FIX_ROUNDS; round++) {
        for (int n = 0; round > 0 && n < h->nn; n++) {
            if (!h->dirty[n])
                continue;
            h->dirty[n] = 0;
            release_round(h, s, n);
        }
        int changed = 0;
        for (int i = 0; i < h->npairs; i++) {
            int k = h->pairs[i], q = h->t[k].partner;
            if (s->where[k] >= 0 && s->where[q] >= 0) {
                double m = later(h->st[k], h->st[q]);
                if (h->st[k] < m - 1e-9 || h->st[q] < m - 1e-9) {
                    h->release[k] = h->release[q] = m;
                    h->dirty[s->where[k]] = h->dirty[s->where[q]] = 1;
                    changed = 1;
                }
            }
        }
        for (int i = 0; i < p->np; i++) {
            int b = p->precs[i].before, a = p->precs[i].after; /* first task of each visit */
            if (s->where[b] < 0 || s->where[a] < 0)
                continue;
            double need = h->st[b] + h->t[b].dur + p->precs[i].gap;
            if (h->st[a] < need - 1e-9) {
                h->release[a] = need;
                h->dirty[s->where[a]] = 1;
                int q = h->t[a].partner;
                if (q >= 0) {
                    h->release[q] = need;
                    if (s->where[q] >= 0)
                        h->dirty[s->where[q]] = 1;
                }
                changed = 1;
            }
        }
        /* caches hold each route's last simulation, stale where release times moved again */
        for (int n = 0; n < h->nn; n++)
            h->cvalid[n] = !h->dirty[n];
        if (!changed)
            break;
    }
    double cost = 0;
    h->residual = 0;
    for (int n = 0; n < h->nn; n++)
        cost += s->rcost[n];
    for (int k = 0; k < h->nt; k++) {
        int q = h->t[k].partner;
        int served = s->where[k] >= 0 && (q < 0 || s->where[q] >= 0);
        if (!served && (q < 0 || k < q))
            cost += h->t[k].drop_cost;
        if (q > k && (s->where[k] >= 0) != (s->where[q] >= 0))
            cost += h->s->w_unserved; /* half a two-nurse visit is no visit */
        if (q > k && s->where[k] >= 0 && s->where[q] >= 0)
            h->residual += fabs(h->st[k] - h->st[q]);
    }
    for (int i = 0; i < p->np; i++) {
        int b = p->precs[i].before, a = p->precs[i].after;
        if (s->where[a] >= 0 && s->where[b] < 0)
            cost += h->s->w_unserved;
        else if (s->where[a] >= 0) {
            double need = h->st[b] + h->t[b].dur + p->precs[i].gap;
            h->residual += h->st[a] < need ? need - h->st[a] : 0;
        }
    }
    cost += h->residual * h->s->w_unserved;
    s->cost = cost;
    return cost;
}

/* ---- insertion ---- */

/* Whether the nurse may make task t at all: she has its competences and, when the visit must
 * stay with one nurse, is that nurse. Every placement test goes through here. */
static int competent(const hcs *h, int nurse, const task *t)
{
    return (h->p->nurses[nurse].comp & t->req) == t->req && (t->only < 0 || t->only == nurse);
}

static int can_serve(const hcs *h, int nurse, int k, const hsol *s)
{
    const task *t = &h->t[k];
    if (!competent(h, nurse, t))
        return 0;
    return t->partner < 0 || s->where[t->partner] != nurse;
}

/* Earliest start task k may have: its partner's start, and after the visits it must follow. */
static double release_of(const hcs *h, const hsol *s, int k)
{
    double r = 0;
    int q = h->t[k].partner, v = h->t[k].visit;
    if (q >= 0 && s->where[q] >= 0)
        r = h->st[q];
    for (int i = 0; i < h->p->np; i++) {
        const hc_prec *pr = &h->p->precs[i];
        if (pr->after == v && s->where[pr->before] >= 0) {
            double need = h->st[pr->before] + h->t[pr->before].dur + pr->gap;
            r = need > r ? need : r;
        }
    }
    return r;
}

/* Latest start task k may have so that placed visits that must follow it keep their times. */
static double deadline_of(const hcs *h, const hsol *s, int k)
{
    double d = BIG;
    int v = h->t[k].visit;
    for (int i = 0; i < h->p->np; i++) {
        const hc_prec *pr = &h->p->precs[i];
        if (pr->before == v && s->where[pr->after] >= 0) {
            double lim = h->st[pr->after] - pr->gap - h->t[k].dur;
            d = lim < d ? lim : d;
        }
    }
    return d;
}

/* The route of nurse n with task k inserted before position pos, priced from the cached state
 * before pos: the simulation stops as soon as it is back in step with the cached schedule
 * (same time and break state after an original stop), since the rest is then unchanged.
 * Returns 0 when the route becomes impossible (or k starts after deadline). */
static int price_insertion(const hcs *h, const hsol *s, int n, int k, int pos, double deadline,
                           reval *out)
{
    const sim *c = route_cache(h, n);
    const int *r = row(h, s, n);
    int len = s->len[n];
    sim x = c[pos];
    double a, st;
    if (!sim_stop(h, n, &x, k, &a, &st) || st > deadline + 1e-9)
        return 0;
    for (int j = pos; j < len; j++) {
        if (!sim_stop(h, n, &x, r[j], &a, &st))
            return 0;
        const sim *o = &c[j + 1];
        if (x.taken == o->taken && fabs(x.t - o->t) < 1e-9) {
            /* in step again: the old suffix follows unchanged */
            const sim *e = &c[len];
            sim y = *e;
            y.travel += x.travel - o->travel;
            y.late += x.late - o->late;
            y.fail += x.fail - o->fail;
            y.misses += x.misses - o->misses;
            y.nfail += x.nfail - o->nfail;
            y.brk = x.taken ? x.brk : e->brk;
            sim_finish(h, n, &y, 0, out);
            return out->ok;
        }
    }
    sim_finish(h, n, &x, 0, out);
    return out->ok;
}

/* After a rejected candidate: the caches of the routes it changed no longer match the current
 * solution; the others do (full_eval left them at the release times now in force), which is
 * what recomputing every cache at the next iteration's start would give, at a fraction of
 * the cost. */
static void forget_touched(hcs *h)
{
    for (int n = 0; n < h->nn; n++)
        if (h->touched[n])
            h->cvalid[n] = h->zsim[n] = h->zcopy.has[n] = h->rcopy.has[n] = 0;
}

/* Before evaluating a solution other than the one the caches were built for. */
static void forget_all(hcs *h)
{
    memset(h->cvalid, 0, (size_t)h->nn);
    memset(h->zsim, 0, (size_t)h->nn);
    memset(h->zcopy.has, 0, (size_t)h->nn);
    memset(h->rcopy.has, 0, (size_t)h->nn);
}

static void ensure_cache(hcs *h, const hsol *s, int n)
{
    if (!h->cvalid[n]) {
        reval ev;
        eval_route(h, n, row(h, s, n), s->len[n], NULL, NULL, route_cache(h, n), &ev);
        h->cvalid[n] = 1;
        h->svalid[n] = 0;
        h->zsim[n] = 0; /* the schedule arrays were not written */
    }
}

/* The places priced before the scan (those next to a task's nearest neighbours), each once */
typedef struct seed_places {
    int cnt;
    int n[2 * HC_SEED_NEAR], pos[2 * HC_SEED_NEAR];
} seed_places;

static int was_priced(const seed_places *pr, int n, int pos)
{
    for (int i = 0; i < pr->cnt; i++)
        if (pr->n[i] == n && pr->pos[i] == pos)
            return 1;
    return 0;
}

/* Prices k at every place of nurse n's route that may beat *best (detour bound), updating it;
 * the places in pr were priced already (against the same routes: no better than *best). */
static void scan_route(hcs *h, const hsol *s, int k, int n, double deadline, double latest,
                       const seed_places *pr, double *best, int *bn, int *bp)
{
    if (!can_serve(h, n, k, s))
        return;
    int len = s->len[n];
    const int *r = row(h, s, n);
    ensure_cache(h, s, n);
    int kl = h->t[k].loc;
    const double *to_k = h->ttin + (size_t)kl * h->nl, *from_k = h->tt + (size_t)kl * h->nl;
    const sim *c = route_cache(h, n);
    const task *tk = &h->t[k];
    double cont = tk->pref >= 0 && tk->pref != n ? h->wc : 0;
    double open = later(tk->first, h->release[k]);
    reval ev;
    for (int pos = 0; pos <= len; pos++) {
        /* departures only get later along a route: once k cannot start after leaving the
         * stop before pos, it cannot at any later place either */
        if (c[pos].t > latest)
            break;
        /* the locations come from the cache, not the tasks (fewer cache misses) */
        int a = c[pos].loc, b = pos < len ? c[pos + 1].loc : h->le[n];
        /* exact time test (a break only delays): k cannot start in time from here */
        double arrive = c[pos].t + to_k[a];
        if (arrive > latest)
            continue;
        /* the travel detour is a lower bound of the cost increase: skip hopeless places;
         * the arc it replaces comes from the cache (a matrix read would miss the cache) */
        double arc = pos < len ? c[pos + 1].travel - c[pos].travel : h->tt[a * h->nl + b];
        double detour = to_k[a] + from_k[b] - arc;
        if (len > 0 && detour + cont >= *best)
            continue;
        /* exact: the stop after k could no longer start in time */
        if (pos < len && later(arrive, open) + tk->dur + from_k[b] > h->t[r[pos]].last)
            continue;
        if (was_priced(pr, n, pos) || !price_insertion(h, s, n, k, pos, deadline, &ev))
            continue;
        double d = ev.cost - s->rcost[n];
        if (d < *best) {
            *best = d;
            *bn = n;
            *bp = pos;
        }
    }
}

/* Cheapest position of task k over all nurses; returns its cost increase (BIG if none).
 * The places next to k's nearest served neighbours are priced first: they are usually good,
 * and the bound they set lets the full scan skip most places on their detour alone. */
static double best_insertion(hcs *h, hsol *s, int k, int *bn, int *bp)
{
    double best = BIG;
    reval ev;
    h->release[k] = release_of(h, s, k);
    double deadline = deadline_of(h, s, k);
    const task *tk = &h->t[k];
    double latest = tk->last < deadline ? tk->last : deadline;
    latest += 1e-9;
    const int *nb = h->near + (size_t)k * (size_t)h->nnear;
    const double *to_k = h->ttin + (size_t)tk->loc * h->nl;
    const double *from_k = h->tt + (size_t)tk->loc * h->nl;
    double open = later(tk->first, h->release[k]);
    seed_places pr = {0};
    for (int i = 0; i < h->nnear && i < HC_SEED_NEAR; i++) {
        int n = s->where[nb[i]];
        if (n < 0 || !can_serve(h, n, k, s))
            continue;
        ensure_cache(h, s, n);
        const int *r = row(h, s, n);
        const sim *c = route_cache(h, n);
        int at = 0, len = s->len[n];
        while (r[at] != nb[i])
            at++;
        for (int pos = at; pos <= at + 1; pos++) {
            /* the scan's exact time tests (below): a place they reject, pricing rejects */
            int a = c[pos].loc, b = pos < len ? c[pos + 1].loc : h->le[n];
            double arrive = c[pos].t + to_k[a];
            if (arrive > latest ||
                (pos < len && later(arrive, open) + tk->dur + from_k[b] > h->t[r[pos]].last) ||
                was_priced(&pr, n, pos))
                continue;
            pr.n[pr.cnt] = n;
            pr.pos[pr.cnt++] = pos;
            if (!price_insertion(h, s, n, k, pos, deadline, &ev))
                continue;
            double d = ev.cost - s->rcost[n];
            if (d < best) {
                best = d;
                *bn = n;
                *bp = pos;
            }
        }
    }
    for (int n = 0; n < h->nn; n++)
        scan_route(h, s, k, n, deadline, latest, &pr, &best, bn, bp);
    return best;
}

/* Inserts k before position pos of nurse n's route and simulates the route again: from the
 * cached state before pos when the cache and the schedule arrays hold the route's simulation
 * (the stops before pos are unchanged), else whole. */
static void insert_at(hcs *h, hsol *s, int k, int n, int pos)
{
    int *r = row(h, s, n);
    int from = h->cvalid[n] && h->svalid[n] ? pos : 0;
    memmove(r + pos + 1, r + pos, sizeof(int) * (size_t)(s->len[n] - pos));
    r[pos] = k;
    s->len[n]++;
    s->where[k] = n;
    h->touched[n] = 1;
    h->zcopy.has[n] = h->rcopy.has[n] = 0;
    sim *c = route_cache(h, n);
    sim x0;
    if (from == 0)
        sim_init(h, n, &x0);
    else
        x0 = c[from];
    reval ev;
    eval_suffix(h, n, r, from, s->len[n], h->arr, h->st, c, &x0, &ev);
    stored(h, s, n, &ev);
}

/* Takes task k out of its route without simulating the route again: the ruin takes several
 * tasks from a route and simulates it once at the end (see ruin). Returns the route. */
static int unlink_task(hcs *h, hsol *s, int k)
{
    int n = s->where[k];
    if (n < 0)
        return -1;
    int *r = row(h, s, n);
    int i = 0;
    while (i < s->len[n] && r[i] != k)
        i++;
    memmove(r + i, r + i + 1, sizeof(int) * (size_t)(s->len[n] - i - 1));
    s->len[n]--;
    s->where[k] = -1;
    h->touched[n] = 1;
    h->zcopy.has[n] = h->rcopy.has[n] = 0;
    h->cvalid[n] = 0;
    h->stale[n] = 1;
    return n;
}

static void remove_task(hcs *h, hsol *s, int k)
{
    int n = unlink_task(h, s, k);
    if (n >= 0)
        eval_store(h, s, n);
}

/* Inserts tasks (partners right after each other) cheapest-first in the given order; a task
 * whose insertion costs more than leaving it out stays out (and takes its partner out). */
static void recreate(hcs *h, hsol *s, int *list, int cnt)
{
    for (int i = 0; i < cnt; i++) {
        int k = list[i];
        if (s->where[k] >= 0)
            continue;
        int n = -1, pos = 0;
        double d = best_insertion(h, s, k, &n, &pos);
        int q = h->t[k].partner;
        double limit = h->t[q >= 0 && q < k ? q : k].drop_cost;
        if (n < 0 || d >= BIG / 2 || d > limit) {
            if (q >= 0)
                remove_task(h, s, q);
            continue;
        }
        insert_at(h, s, k, n, pos);
        if (q >= 0 && s->where[q] < 0) {
            int n2 = -1, pos2 = 0;
            double d2 = best_insertion(h, s, q, &n2, &pos2);
            if (n2 < 0 || d2 >= BIG / 2 || d + d2 > limit) {
                remove_task(h, s, k);
                continue;
            }
            insert_at(h, s, q, n2, pos2);
        }
    }
}

/* ---- nurses trading routes ---- */

/* Whether nurse b may make every task of route a. */
static int can_take(const hcs *h, const hsol *s, int a, int b)
{
    const int *r = row(h, s, a);
    for (int i = 0; i < s->len[a]; i++)
        if (!competent(h, b, &h->t[r[i]]))
            return 0;
    return 1;
}

/* Nurses a and b swap their whole routes. */
static void trade(hcs *h, hsol *s, int a, int b)
{
    int *ra = row(h, s, a), *rb = row(h, s, b);
    int la = s->len[a], lb = s->len[b], m = la > lb ? la : lb;
    for (int i = 0; i < m; i++) {
        int t = ra[i];
        ra[i] = rb[i];
        rb[i] = t;
    }
    s->len[a] = lb;
    s->len[b] = la;
    for (int i = 0; i < lb; i++)
        s->where[ra[i]] = a;
    for (int i = 0; i < la; i++)
        s->where[rb[i]] = b;
    h->touched[a] = h->touched[b] = 1;
    h->zcopy.has[a] = h->zcopy.has[b] = h->rcopy.has[a] = h->rcopy.has[b] = 0;
    eval_store(h, s, a);
    eval_store(h, s, b);
}

/* Every pair of nurses that gains by swapping routes does (a whole route moves, which no
 * ruin of a few tasks can do: which nurse drives which area decides most continuity misses).
 * Returns the number of trades made. */
static int route_trades(hcs *h, hsol *s)
{
    int made = 0;
    reval ea, eb;
    for (int a = 0; a < h->nn; a++) {
        for (int b = a + 1; b < h->nn; b++) {
            if ((!s->len[a] && !s->len[b]) || !can_take(h, s, a, b) || !can_take(h, s, b, a))
                continue;
            eval_route(h, a, row(h, s, b), s->len[b], NULL, NULL, NULL, &ea);
            eval_route(h, b, row(h, s, a), s->len[a], NULL, NULL, NULL, &eb);
            if (ea.cost + eb.cost >= s->rcost[a] + s->rcost[b] - 1e-6)
                continue;
            double old = s->cost;
            trade(h, s, a, b);
            if (full_eval(h, s) < old - 1e-9) {
                made++;
                continue;
            }
            trade(h, s, a, b);
            full_eval(h, s);
        }
    }
    return made;
}

/* ---- ruin ---- */

static void shuffle(hm__rng *r, int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = hm__rng_int(r, i + 1), t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

static double relatedness(const hcs *h, int a, int b)
{
    const task *x = &h->t[a], *y = &h->t[b];
    double d = h->tt[x->loc * h->nl + y->loc];
    double wa = x->nw ? x->wf[0] : 0, wb = y->nw ? y->wf[0] : 0;
    return d + 0.2 * fabs(wa - wb);
}

/* Removes a string of about want tasks of nurse n's route that contains task c. */
static int remove_string(hcs *h, hsol *s, int c, int want, int *removed, int cnt)
{
    int n = s->where[c], len = s->len[n];
    const int *r = row(h, s, n);
    int at = 0;
    while (r[at] != c)
        at++;
    int l = want < len ? want : len;
    int lo = at - hm__rng_int(&h->rng, l); /* a random string of length l holding c */
    lo = lo < 0 ? 0 : lo > len - l ? len - l : lo;
    for (int i = 0; i < l; i++) {
        int k = row(h, s, n)[lo];
        unlink_task(h, s, k);
        removed[cnt++] = k;
    }
    return cnt;
}

/* A random served task whose preferred nurse (competent for it) serves it not; -1 if none. */
static int missed_pref(hcs *h, const hsol *s)
{
    int pick = -1, seen = 0;
    for (int k = 0; k < h->nt; k++) {
        const task *t = &h->t[k];
        int n = s->where[k];
        if (t->pref < 0 || n < 0 || n == t->pref || !competent(h, t->pref, t))
            continue;
        if (hm__rng_int(&h->rng, ++seen) == 0)
            pick = k;
    }
    return pick;
}

/* The stop of nurse n's route whose start is nearest time t. */
static int stop_near_time(const hcs *h, const hsol *s, int n, double t)
{
    const int *r = row(h, s, n);
    int best = r[0];
    for (int i = 1; i < s->len[n]; i++)
        if (fabs(h->st[r[i]] - t) < fabs(h->st[best] - t))
            best = r[i];
    return best;
}

/* The share of random removals (in %) at progress prog: HC_RANDOM_RUIN, from HC_RANDOM_FROM
 * of the run rising linearly to HC_RANDOM_END. Late in the run a random removal improves the
 * current plan two to three times as often as a string ruin (a 10 s run's last tenth: 5 to 8 %
 * of them against 2 to 3 %), scattered single visits being what a nearly settled plan can still
 * place better; early the strings are what reshapes the routes. */
int hm__hc_random_share(double prog)
{
    if (prog <= HC_RANDOM_FROM)
        return HC_RANDOM_RUIN;
    double f = (prog - HC_RANDOM_FROM) / (1 - HC_RANDOM_FROM);
    return (int)(HC_RANDOM_RUIN + (HC_RANDOM_END - HC_RANDOM_RUIN) * (f < 1 ? f : 1) + 0.5);
}

/* Ruin: random tasks (hm__hc_random_share), or strings from the routes nearest a random seed
 * task (slack induction by string removals, Christiaens & Vanden Berghe 2020): strings of 1 to lmax
 * consecutive visits in up to ks routes, walking the seed's neighbours by relatedness, so
 * that nearby routes loosen together and recreate can exchange visits between them. */
static int ruin(hcs *h, hsol *s, int *removed)
{
    int cnt = 0;
    if (hm__rng_int(&h->rng, 100) < hm__hc_random_share(h->prog)) {
        int q = 4 + hm__rng_int(&h->rng, h->nt < 60 ? h->nt / 4 + 1 : HC_RUIN_MAX);
        for (int i = 0; i < q; i++) {
            int k = hm__rng_int(&h->rng, h->nt);
            if (s->where[k] >= 0) {
                unlink_task(h, s, k);
                removed[cnt++] = k;
            }
        }
    } else {
        int served = 0;
        for (int n = 0; n < h->nn; n++)
            served += s->len[n];
        int used = 0;
        for (int n = 0; n < h->nn; n++)
            used += s->len[n] > 0;
        double avg = used ? (double)served / used : 1;
        double lmax = avg < HC_STRING_MAX ? avg : HC_STRING_MAX;
        double ksmax = 4.0 * HC_RUIN_AVG / (1 + lmax) - 1;
        int ks = 1 + hm__rng_int(&h->rng, (int)ksmax > 0 ? (int)ksmax : 1);
        int seed = hm__rng_int(&h->rng, h->nt);
        memset(h->ruined, 0, (size_t)h->nn);
        if (hm__rng_int(&h->rng, 100) < HC_PREF_RUIN) {
            int m = missed_pref(h, s);
            int n = m >= 0 ? h->t[m].pref : -1;
            if (n >= 0 && s->len[n] > 0) {
                seed = m;
                h->ruined[n] = 1;
                double lt = lmax < s->len[n] ? lmax : s->len[n];
                int l = 1 + hm__rng_int(&h->rng, (int)lt > 0 ? (int)lt : 1);
                cnt = remove_string(h, s, stop_near_time(h, s, n, h->st[m]), l, removed, cnt);
            }
        }
        const int *nb = h->near + (size_t)seed * (size_t)h->nnear;
        for (int i = -1; i < h->nnear && ks > 0; i++) {
            int c = i < 0 ? seed : nb[i];
            int n = s->where[c];
            if (n < 0 || h->ruined[n])
                continue;
            h->ruined[n] = 1;
            ks--;
            double lt = lmax < s->len[n] ? lmax : s->len[n];
            int l = 1 + hm__rng_int(&h->rng, (int)lt > 0 ? (int)lt : 1);
            cnt = remove_string(h, s, c, l, removed, cnt);
        }
    }
    /* partners follow */
    int base = cnt;
    for (int i = 0; i < base; i++) {
        int pq = h->t[removed[i]].partner;
        if (pq >= 0 && s->where[pq] >= 0) {
            unlink_task(h, s, pq);
            removed[cnt++] = pq;
        }
    }
    /* each route the ruin changed is simulated once, as the last removal would have: the
     * schedule of the tasks still placed is what recreate prices against (the removed tasks'
     * stale times are never read) */
    for (int n = 0; n < h->nn; n++)
        if (h->stale[n])
            eval_store(h, s, n);
    return cnt;
}

/* Sorts list[lo..hi) by the tasks' mean travel from the nurses' starts, farthest first
 * (insertion sort: a ruin removes about ten). */
static void far_first(const hcs *h, int *list, int lo, int hi)
{
    for (int i = lo + 1; i < hi; i++) {
        int t = list[i], j = i;
        while (j > lo && h->t[list[j - 1]].far < h->t[t].far) {
            list[j] = list[j - 1];
            j--;
        }
        list[j] = t;
    }
}

/* Puts removed and never-served tasks in a randomised urgency order (mandatory first); in
 * HC_FAR_FIRST % of the rounds the far tasks go first within each part (SISR's "far" order):
 * the tasks that are dearest to reach are placed while the routes still have room, and the
 * near ones fill in around them. */
static int reinsert_list(hcs *h, const hsol *s, int *list, int cnt)
{
    for (int i = 0; i < cnt; i++)
        h->listed[list[i]] = 1;
    int given = cnt;
    for (int k = 0; k < h->nt; k++)
        if (s->where[k] < 0 && !h->listed[k])
            list[cnt++] = k;
    for (int i = 0; i < given; i++)
        h->listed[list[i]] = 0;
    shuffle(&h->rng, list, cnt);
    /* stable partition: mandatory first */
    int m = 0;
    for (int i = 0; i < cnt; i++)
        if (h->p->visits[h->t[list[i]].visit].mand) {
            int t = list[i];
            memmove(list + m + 1, list + m, sizeof(int) * (size_t)(i - m));
            list[m++] = t;
        }
    if (hm__rng_int(&h->rng, 100) < HC_FAR_FIRST) {
        far_first(h, list, 0, m);
        far_first(h, list, m, cnt);
    }
    return cnt;
}

/* ---- setup and the search ---- */

/* Each task's nnear most related others (partners excluded), by insertion into a sorted list. */
static int neighbours(hcs *h, hm_err *err)
{
    double *d = malloc(sizeof(double) * (size_t)(h->nnear + 1));
    if (!d)
        return hm_err_set(err, HM_ENOMEM, "cannot allocate the neighbour lists");
    for (int a = 0; a < h->nt; a++) {
        int *nb = h->near + (size_t)a * (size_t)h->nnear, cnt = 0;
        for (int b = 0; b < h->nt; b++) {
            if (b == a || b == h->t[a].partner)
                continue;
            double r = relatedness(h, a, b);
            if (cnt == h->nnear && r >= d[cnt - 1])
                continue;
            int i = cnt < h->nnear ? cnt++ : cnt - 1;
            while (i > 0 && d[i - 1] > r) {
                d[i] = d[i - 1];
                nb[i] = nb[i - 1];
                i--;
            }
            d[i] = r;
            nb[i] = b;
        }
        for (int i = cnt; i < h->nnear; i++)
            nb[i] = a; /* fewer tasks than slots: pad with itself (skipped as already taken) */
    }
    free(d);
    return HM_OK;
}

static int setup(hcs *h, const hm_plan_problem *p, hm_err *err)
{
    h->p = p;
    h->s = &p->set;
    h->wc = p->set.w_continuity;
    h->nn = p->nn;
    h->nt = 0;
    for (int v = 0; v < p->nv; v++)
        h->nt += 1 + p->visits[v].two;
    h->nl = 2 * p->nn + p->nv;
    h->t = calloc((size_t)h->nt, sizeof(task));
    h->tt = malloc(sizeof(double) * (size_t)h->nl * (size_t)h->nl);
    h->ttin = malloc(sizeof(double) * (size_t)h->nl * (size_t)h->nl);
    h->ls = calloc((size_t)h->nn, sizeof(int));
    h->le = calloc((size_t)h->nn, sizeof(int));
    h->release = calloc((size_t)h->nt, sizeof(double));
    h->arr = calloc((size_t)h->nt, sizeof(double));
    h->st = calloc((size_t)h->nt, sizeof(double));
    h->brk = calloc((size_t)h->nn, sizeof(double));
    h->rend = calloc((size_t)h->nn, sizeof(double));
    h->pool = calloc((size_t)2 * h->nt + 1, sizeof(int));
    h->pairs = calloc((size_t)p->nv, sizeof(int));
    h->bad = calloc((size_t)h->nt, 1);
    h->cache = calloc((size_t)h->nn * (size_t)(h->nt + 1), sizeof(sim));
    h->cvalid = calloc((size_t)h->nn, 1);
    h->svalid = calloc((size_t)h->nn, 1);
    h->ruined = calloc((size_t)h->nn, 1);
    h->listed = calloc((size_t)h->nt, 1);
    h->dirty = calloc((size_t)h->nn, 1);
    h->touched = calloc((size_t)h->nn, 1);
    h->stale = calloc((size_t)h->nn, 1);
    h->zsim = calloc((size_t)h->nn, 1);
    h->zcost = calloc((size_t)h->nn, sizeof(double));
    h->rrel = calloc((size_t)h->nt, sizeof(double));
    h->nnear = h->nt - 1 < HC_NEAR ? h->nt - 1 : HC_NEAR;
    h->near = calloc((size_t)h->nt * (size_t)(h->nnear + 1), sizeof(int));
    hm_plan_loc *locs = malloc(sizeof(hm_plan_loc) * (size_t)h->nl);
    if (!h->t || !h->tt || !h->ttin || !h->ls || !h->le || !h->release || !h->arr || !h->st ||
        !h->brk || !h->rend || !h->pool || !h->pairs || !h->bad || !h->cache || !h->cvalid || !h->svalid ||
        !h->ruined || !h->listed || !h->dirty || !h->touched || !h->stale || !h->zsim || !h->zcost ||
        copy_alloc(h, &h->zcopy) || copy_alloc(h, &h->rcopy) || !h->rrel || !h->near || !locs || sol_alloc(h, &h->cur) || sol_alloc(h, &h->cand) ||
        sol_alloc(h, &h->best)) {
        free(locs);
        return hm_err_set(err, HM_ENOMEM, "cannot allocate the planner for %d visits", p->nv);
    }
    for (int n = 0; n < p->nn; n++) {
        locs[2 * n] = p->nurses[n].start;
        locs[2 * n + 1] = p->nurses[n].end;
        h->ls[n] = 2 * n;
        h->le[n] = 2 * n + 1;
    }
    for (int v = 0; v < p->nv; v++)
        locs[2 * p->nn + v] = p->visits[v].loc;
    for (int i = 0; i < h->nl; i++) {
        if ((locs[i].index >= 0) != (p->matrix != NULL) || locs[i].index >= p->nloc) {
            free(locs);
            return hm_err_set(err, HM_EINVAL, "locations must all be matrix indices below %d "
                              "when a matrix is supplied, and coordinates otherwise", p->nloc);
        }
    }
    for (int i = 0; i < h->nl; i++)
        for (int j = 0; j < h->nl; j++)
            h->tt[(size_t)i * h->nl + j] = i == j ? 0 : hm__hc_travel(p, &locs[i], &locs[j]);
    for (int i = 0; i < h->nl; i++)
        for (int j = 0; j < h->nl; j++)
            h->ttin[(size_t)j * h->nl + i] = h->tt[(size_t)i * h->nl + j];
    free(locs);
    /* tasks: visit v's first task is task v (precedences index it); second tasks follow */
    int extra = p->nv;
    for (int v = 0; v < p->nv; v++) {
        const hc_visit *x = &p->visits[v];
        task *k = &h->t[v];
        k->visit = v;
        k->partner = -1;
        k->loc = 2 * p->nn + v;
        k->dur = x->dur;
        k->req = x->req;
        k->pref = -1;
        for (int n = 0; x->pref_id && n < p->nn; n++)
            if (strcmp(p->nurses[n].id, x->pref_id) == 0)
                k->pref = n;
        k->only = -1;
        for (int n = 0; x->req_nurse_id && n < p->nn; n++)
            if (strcmp(p->nurses[n].id, x->req_nurse_id) == 0)
                k->only = n;
        if (x->req_nurse_id && k->only < 0)
            return hm_err_set(err, HM_EINVAL, "visit %s must be made by nurse %s, who is not in "
                              "the problem", x->id, x->req_nurse_id);
        if (x->fixed >= 0) {
            k->nw = 1;
            k->wf[0] = x->fixed - x->tol;
            k->wt[0] = x->fixed + x->tol;
            k->allow = 0;
        } else {
            k->nw = x->nw;
            memcpy(k->wf, x->wf, sizeof k->wf);
            memcpy(k->wt, x->wt, sizeof k->wt);
            k->allow = p->set.max_lateness;
        }
        k->first = k->nw ? k->wf[0] : 0;
        k->last = k->nw ? k->wt[0] + k->allow : BIG;
        for (int w = 1; w < k->nw; w++) {
            k->first = k->wf[w] < k->first ? k->wf[w] : k->first;
            k->last = later(k->last, k->wt[w] + k->allow);
        }
        k->drop_cost = x->mand ? p->set.w_unserved : p->set.w_optional * (x->prio ? x->prio : 1);
        if (x->two) {
            h->pairs[h->npairs++] = v;
            h->t[extra] = *k;
            h->t[extra].partner = v;
            h->t[extra].only = -1; /* the required nurse is one of the two */
            k->partner = extra++;
        }
    }
    /* how far a task is: its mean travel from the nurses' starts (there is no one depot) */
    for (int k = 0; k < h->nt; k++) {
        double sum = 0;
        for (int n = 0; n < h->nn; n++)
            sum += h->tt[(size_t)h->ls[n] * h->nl + h->t[k].loc];
        h->t[k].far = sum / h->nn;
    }
    return neighbours(h, err);
}

static void free_hcs(hcs *h)
{
    free(h->t);
    free(h->tt);
    free(h->ttin);
    free(h->ls);
    free(h->le);
    free(h->release);
    free(h->arr);
    free(h->st);
    free(h->brk);
    free(h->rend);
    free(h->pool);
    free(h->pairs);
    free(h->bad);
    free(h->cache);
    free(h->cvalid);
    free(h->svalid);
    free(h->ruined);
    free(h->listed);
    free(h->dirty);
    free(h->touched);
    free(h->stale);
    free(h->zsim);
    free(h->zcost);
    copy_free(&h->zcopy);
    copy_free(&h->rcopy);
    free(h->rrel);
    free(h->near);
    sol_free(&h->cur);
    sol_free(&h->cand);
    sol_free(&h->best);
}

/* Initial order: mandatory, fixed-time and two-nurse visits first, then by window width. */
static double urgency(const hcs *h, int k)
{
    const task *t = &h->t[k];
    const hc_visit *v = &h->p->visits[t->visit];
    double width = t->nw ? t->wt[t->nw - 1] - t->wf[0] : 1440;
    return (v->mand ? 0 : 1e6) + (v->fixed >= 0 ? 0 : 1e4) + (v->two ? 0 : 5e3) + width;
}

static const hcs *cmp_ctx;

static int cmp_urgency(const void *a, const void *b)
{
    double x = urgency(cmp_ctx, *(const int *)a), y = urgency(cmp_ctx, *(const int *)b);
    return x < y ? -1 : x > y ? 1 : *(const int *)a - *(const int *)b;
}

static void construct(hcs *h)
{
    int cnt = 0;
    for (int k = 0; k < h->nt; k++)
        if (h->t[k].partner < 0 || h->t[k].partner > k)
            h->pool[cnt++] = k;
    cmp_ctx = h;
    qsort(h->pool, (size_t)cnt, sizeof(int), cmp_urgency);
    recreate(h, &h->cur, h->pool, cnt);
    full_eval(h, &h->cur);
}

/* ---- the unit tests' view: incremental pricing against full simulation ---- */

/* The unit-test hooks' start: a solver for p, seeded, with its first plan built. -1 (and
 * nothing to free) when it cannot be set up. */
static int test_start(hcs *h, hm_plan_problem *p, uint64_t seed)
{
    memset(h, 0, sizeof *h);
    hm_err err;
    if (setup(h, p, &err) != HM_OK) {
        free_hcs(h);
        return -1;
    }
    hm__rng_seed(&h->rng, seed);
    construct(h);
    return 0;
}

int hm__hc_check_pricing(hm_plan_problem *p, uint64_t seed, int rounds, long *priced)
{
    hcs h;
    int bad = 0;
    *priced = 0;
    int *seq = malloc(sizeof(int) * ((size_t)p->nv * 2 + 2));
    double *arr = malloc(sizeof(double) * ((size_t)p->nv * 2 + 1));
    double *st = malloc(sizeof(double) * ((size_t)p->nv * 2 + 1));
    if (!seq || !arr || !st || test_start(&h, p, seed) != 0) {
        free(seq);
        free(arr);
        free(st);
        return -1;
    }
    for (int round = 0; round < rounds; round++) {
        sol_copy(&h, &h.cand, &h.cur);
        forget_all(&h);
        int cnt = ruin(&h, &h.cand, h.pool);
        for (int i = 0; i < cnt; i++) {
            int k = h.pool[i];
            h.release[k] = hm__rng_int(&h.rng, 3) == 0 ? 600 : 0; /* sometimes a release */
            double deadline = hm__rng_int(&h.rng, 3) == 0 ? 700 : BIG;
            for (int n = 0; n < h.nn; n++) {
                ensure_cache(&h, &h.cand, n);
                int len = h.cand.len[n];
                const int *r = row(&h, &h.cand, n);
                for (int pos = 0; pos <= len; pos++) {
                    reval inc, full;
                    int ok_inc = price_insertion(&h, &h.cand, n, k, pos, deadline, &inc);
                    memcpy(seq, r, sizeof(int) * (size_t)pos);
                    seq[pos] = k;
                    memcpy(seq + pos + 1, r + pos, sizeof(int) * (size_t)(len - pos));
                    eval_route(&h, n, seq, len + 1, arr, st, NULL, &full);
                    int ok_full = full.ok && st[k] <= deadline + 1e-9;
                    bad += ok_inc != ok_full ||
                           (ok_full && (fabs(inc.cost - full.cost) > 1e-6 ||
                                        fabs(inc.end - full.end) > 1e-6 ||
                                        fabs(inc.brk - full.brk) > 1e-6));
                    ++*priced;
                }
            }
            h.release[k] = 0;
        }
        /* put them back, as the search would, so that the next round starts from a full day */
        recreate(&h, &h.cand, h.pool, cnt);
        full_eval(&h, &h.cand);
        sol_copy(&h, &h.cur, &h.cand);
    }
    free(seq);
    free(arr);
    free(st);
    free_hcs(&h);
    return bad;
}

/* For the unit tests: the cheapest insertion (seed places, then the scan with its time and
 * detour tests) finds the cost of the cheapest place that pricing every place of every route
 * finds, for each task of `rounds` ruins whose cheapest place does not lower its route's cost.
 * Returns the number of tasks where they differ; *tried counts the tasks compared. */
int hm__hc_check_scan(hm_plan_problem *p, uint64_t seed, int rounds, long *tried)
{
    hcs h;
    int bad = 0;
    *tried = 0;
    if (test_start(&h, p, seed) != 0)
        return -1;
    for (int round = 0; round < rounds; round++) {
        sol_copy(&h, &h.cand, &h.cur);
        forget_all(&h);
        int cnt = ruin(&h, &h.cand, h.pool);
        for (int i = 0; i < cnt; i++) {
            int k = h.pool[i], bn = -1, bp = 0;
            double d = best_insertion(&h, &h.cand, k, &bn, &bp), all = BIG;
            double deadline = deadline_of(&h, &h.cand, k);
            for (int n = 0; n < h.nn; n++) {
                if (!can_serve(&h, n, k, &h.cand))
                    continue;
                ensure_cache(&h, &h.cand, n);
                for (int pos = 0; pos <= h.cand.len[n]; pos++) {
                    reval ev;
                    if (price_insertion(&h, &h.cand, n, k, pos, deadline, &ev) &&
                        ev.cost - h.cand.rcost[n] < all)
                        all = ev.cost - h.cand.rcost[n];
                }
            }
            /* a place may cost less than its detour where a delay lowers the lateness (a
             * stop moved into a later window, or the break): the bound is exact only when no
             * place lowers the route's cost */
            if (all >= 0) {
                bad += fabs(d - all) > 1e-9;
                ++*tried;
            }
        }
        recreate(&h, &h.cand, h.pool, cnt);
        full_eval(&h, &h.cand);
        sol_copy(&h, &h.cur, &h.cand);
    }
    free_hcs(&h);
    return bad;
}

/* For the unit tests: route trades after `rounds` ruins of the first plan never raise its
 * cost, and the cost they leave (from kept simulations) is the cost of evaluating the plan
 * from scratch. */
int hm__hc_check_trades(hm_plan_problem *p, uint64_t seed, int rounds, int *made)
{
    hcs h;
    int bad = 0;
    *made = 0;
    if (test_start(&h, p, seed) != 0)
        return -1;
    for (int round = 0; round < rounds; round++) {
        double before = h.cur.cost;
        *made += route_trades(&h, &h.cur);
        double after = h.cur.cost;
        forget_all(&h);
        bad += after > before + 1e-9 || fabs(full_eval(&h, &h.cur) - after) > 1e-6;
        int cnt = ruin(&h, &h.cur, h.pool);
        cnt = reinsert_list(&h, &h.cur, h.pool, cnt);
        recreate(&h, &h.cur, h.pool, cnt);
        full_eval(&h, &h.cur);
    }
    free_hcs(&h);
    return bad;
}

/* For the unit tests: rounds of ruin, recreate and acceptance as in the search (kept
 * simulations, restored copies, insertions simulated from the cached state) against a second
 * solver that evaluates every accepted plan from scratch: cost and schedule must be the same,
 * bit for bit. Returns the number of rounds that differ (-1: no memory). */
int hm__hc_check_kept(hm_plan_problem *p, uint64_t seed, int rounds)
{
    hcs h, g;
    int bad = 0;
    if (test_start(&h, p, seed) != 0)
        return -1;
    if (test_start(&g, p, seed) != 0) {
        free_hcs(&h);
        return -1;
    }
    for (int round = 0; round < rounds; round++) {
        sol_copy(&h, &h.cand, &h.cur);
        memset(h.touched, 0, (size_t)h.nn);
        int cnt = ruin(&h, &h.cand, h.pool);
        cnt = reinsert_list(&h, &h.cand, h.pool, cnt);
        recreate(&h, &h.cand, h.pool, cnt);
        full_eval(&h, &h.cand);
        double u = hm__rng_unit(&h.rng);
        if (h.cand.cost >= h.cur.cost - 5.0 * log(u > 1e-12 ? u : 1e-12)) {
            forget_touched(&h);
            continue;
        }
        sol_copy(&h, &h.cur, &h.cand);
        sol_copy(&g, &g.cur, &h.cur);
        forget_all(&g);
        full_eval(&g, &g.cur);
        int differ = h.cur.cost != g.cur.cost;
        for (int k = 0; k < h.nt; k++)
            differ |= h.cur.where[k] >= 0 && h.cvalid[h.cur.where[k]] &&
                      (h.st[k] != g.st[k] || h.arr[k] != g.arr[k]);
        bad += differ;
    }
    free_hcs(&h);
    free_hcs(&g);
    return bad;
}

/* ---- the continuity weight ---- */

/* Continuity misses of s (those no plan can avoid included, as the route costs count them). */
static int misses(const hcs *h, const hsol *s)
{
    int m = 0;
    for (int k = 0; k < h->nt; k++)
        m += h->t[k].pref >= 0 && s->where[k] >= 0 && s->where[k] != h->t[k].pref;
    return m;
}

/* The objective of s (its cost priced with the search's continuity weight). Once the boost is
 * over (the last 30 % of the run) the cost is the objective: no count of misses per iteration. */
static double objective(const hcs *h, const hsol *s)
{
    if (h->wc == h->s->w_continuity)
        return s->cost;
    return s->cost - (h->wc - h->s->w_continuity) * misses(h, s);
}

/* The search prices continuity misses at wc from now on; the current plan is priced again. */
static void set_wc(hcs *h, double wc)
{
    if (fabs(wc - h->wc) < 1e-9)
        return;
    h->wc = wc;
    forget_all(h);
    full_eval(h, &h->cur);
}

/* For the unit tests: with the continuity weight at factor times the objective's, rounds of
 * ruin and recreate from the first plan; after each, the objective derived from the boosted
 * cost must be the cost of the plan evaluated from scratch at the objective's weight. */
int hm__hc_check_weight(hm_plan_problem *p, uint64_t seed, double factor, int rounds)
{
    hcs h;
    int bad = 0;
    if (test_start(&h, p, seed) != 0)
        return -1;
    double w = p->set.w_continuity;
    set_wc(&h, w * factor);
    for (int round = 0; round < rounds; round++) {
        int cnt = ruin(&h, &h.cur, h.pool);
        cnt = reinsert_list(&h, &h.cur, h.pool, cnt);
        recreate(&h, &h.cur, h.pool, cnt);
        full_eval(&h, &h.cur);
        double obj = objective(&h, &h.cur);
        h.wc = w;
        forget_all(&h);
        bad += fabs(full_eval(&h, &h.cur) - obj) > 1e-6;
        h.wc = w * factor;
        forget_all(&h);
        full_eval(&h, &h.cur);
    }
    free_hcs(&h);
    return bad;
}

/* The continuity weight at progress prog (0 to 1) of the run: HC_WC_BOOST times the
 * objective's at the start, falling linearly to the objective's at HC_WC_UNTIL (HC_WC_UNTIL_TA
 * under threshold accepting, by its share: see hm__hc_threshold_share). Which nurse
 * drives which area decides most misses, and that forms early, while the temperature is high;
 * priced at the objective's weight the routes settle into areas that ignore the preferences,
 * and no later ruin of ten visits moves a whole area. Priced higher early, the routes form
 * around the preferred nurses' visits; the rest of the run weighs misses against travel as
 * the objective does (the best plan is always kept by the objective). */
static double boosted_wc(const hcs *h, double prog)
{
    /* prog is the schedule's progress (see cooled), so the boost ends at the same temperature
     * in runs of every length */
    double until = HC_WC_UNTIL + (HC_WC_UNTIL_TA - HC_WC_UNTIL) * h->ta;
    double left = 1 - prog / until;
    return h->s->w_continuity * (1 + (HC_WC_BOOST - 1) * (left > 0 ? left : 0));
}

/* The cooling exponent for a run of n_exp iterations: HC_COOL_EXP up to HC_COOL_SHORT, 1
 * (linear) from HC_COOL_LONG, by the logarithm in between (20 s runs about 1.28, 30 s 1.18).
 * A short run spends more of its iterations cold, where the best plans are made; a long one
 * has them to spare for the warm part, where linear cooling made the better 60 s plans. */
double hm__hc_cool_exponent(double n_exp)
{
    double f = log(HC_COOL_LONG / n_exp) / log(HC_COOL_LONG / HC_COOL_SHORT);
    if (!(f > 0))
        return 1;
    return 1 + (HC_COOL_EXP - 1) * (f < 1 ? f : 1);
}

/* The share of candidates judged by threshold accepting in a run expected to make n_exp
 * iterations: 1 up to HC_TA_SHORT, 0 from HC_TA_LONG, by the logarithm in between; the others
 * are judged by annealing. Threshold accepting (Dueck and Scheuer 1990: a candidate less than
 * HC_TA_C x T above the current plan is taken, any worse one refused) made 10 s runs better
 * and 60 s runs worse (session 9: 1281.0 against 1265.7): in a short run it reaches plans with
 * less travel before the cold end, in a long one annealing has the time to. A long run
 * (HC_TA_LONG or more) is the annealing one bit for bit. */
double hm__hc_threshold_share(double n_exp)
{
    if (!(n_exp < HC_TA_LONG))
        return 0;
    if (n_exp <= HC_TA_SHORT)
        return 1;
    return log(HC_TA_LONG / n_exp) / log(HC_TA_LONG / HC_TA_SHORT);
}

/* The schedule's progress at the run's progress prog for exponent e: 1 - (1 - prog)^e, the
 * share of the linear schedule's cooling done; exactly prog when e is 1 (the long runs'
 * schedule is the linear one bit for bit). */
double hm__hc_cooled(double prog, double e)
{
    return e == 1 ? prog : 1 - pow(1 - prog, e);
}

/* ---- result ---- */

static int build_result(hcs *h, const hsol *s, hm_plan_result **out);

int hm_plan_solve(hm_plan_problem *p, const hm_plan_opts *o, hm_plan_result **out, hm_err *err)
{
    double t0 = hm__now(), deadline = t0 + (o ? o->time_limit : 10);
    if (p->nn < 1 || p->nv < 1)
        return hm_err_set(err, HM_EINVAL, "a plan needs at least one nurse and one visit");
    hcs h;
    memset(&h, 0, sizeof h);
    int rc = setup(&h, p, err);
    if (rc != HM_OK) {
        free_hcs(&h);
        return rc;
    }
    hm__rng_seed(&h.rng, o ? o->seed : 1);
    construct(&h);
    double t_first = hm__now() - t0, t_best = t_first;
    double t_feas = h.cur.cost < p->set.w_unserved ? t_first : -1;
    sol_copy(&h, &h.best, &h.cur);
    double best_obj = h.cur.cost;
    set_wc(&h, boosted_wc(&h, 0));
    double T0 = HC_T0, temp = T0;
    long it = 0;
    for (;;) {
        double now = hm__now();
        if (now >= deadline || (o && o->max_iterations > 0 && it >= o->max_iterations) ||
            (o && o->cancel && atomic_load(o->cancel)))
            break;
        it++;
        /* progress: the larger of the time and (when limited) iteration fractions */
        double prog_t = (now - t0) / (deadline - t0), prog = prog_t;
        /* the run's expected length: the iterations at this rate by the time limit, or the
         * iteration limit if that comes first */
        double n_exp = prog_t > 0 ? (double)it / prog_t : BIG;
        if (o && o->max_iterations > 0 && (double)it / (double)o->max_iterations > prog)
            prog = (double)it / (double)o->max_iterations;
        if (o && o->max_iterations > 0 && (double)o->max_iterations < n_exp)
            n_exp = (double)o->max_iterations;
        h.prog = prog;
        /* the expected length is a guess in the run's first hundredth: annealing there (the
         * temperature is near its start either way) */
        h.ta = prog < 0.01 ? 0 : hm__hc_threshold_share(n_exp);
        /* cooling by the run's length: quadratic cooling for all lengths made 10 s runs 0.6 %
         * better and 60 s runs 1.9 % worse (session 4) */
        double q = hm__hc_cooled(prog, hm__hc_cool_exponent(n_exp));
        temp = T0 * (1 - q) + 0.01;
        sol_copy(&h, &h.cand, &h.cur);
        memset(h.touched, 0, (size_t)h.nn);
        int cnt = ruin(&h, &h.cand, h.pool);
        cnt = reinsert_list(&h, &h.cand, h.pool, cnt);
        /* release times of the current schedule guide the partner placement */
        recreate(&h, &h.cand, h.pool, cnt);
        full_eval(&h, &h.cand);
        double u = hm__rng_unit(&h.rng);
        int threshold = h.ta >= 1 || (h.ta > 0 && hm__rng_unit(&h.rng) < h.ta);
        if (threshold ? h.cand.cost < h.cur.cost + HC_TA_C * temp
                      : h.cand.cost < h.cur.cost - temp * log(u > 1e-12 ? u : 1e-12))
            sol_copy(&h, &h.cur, &h.cand);
        else
            forget_touched(&h);
        if (it % HC_TRADE_EVERY == 0) {
            set_wc(&h, boosted_wc(&h, q));
            route_trades(&h, &h.cur);
        }
        double obj = objective(&h, &h.cur);
        if (obj < best_obj - 1e-9) {
            sol_copy(&h, &h.best, &h.cur);
            best_obj = obj;
            t_best = hm__now() - t0;
            if (t_feas < 0 && best_obj < p->set.w_unserved)
                t_feas = t_best;
        }
    }
    h.wc = p->set.w_continuity;
    forget_all(&h); /* the caches hold the last candidate's routes, not the best's */
    full_eval(&h, &h.best);
    hm_plan_result *r = NULL;
    rc = build_result(&h, &h.best, &r);
    if (rc != HM_OK) {
        free_hcs(&h);
        return hm_err_set(err, rc, "cannot allocate the plan result");
    }
    free_hcs(&h);
    r->sum.time_to_first = t_first;
    r->sum.time_to_best = t_best;
    r->sum.time_to_feasible = t_feas;
    r->sum.iterations = it;
    r->sum.elapsed = hm__now() - t0;
    hm__hc_check(p, r, &r->sum);
    *out = r;
    return HM_OK;
}

static const char *reason_text(enum hm_plan_reason r)
{
    switch (r) {
    case HM_PLAN_NO_COMPETENCE: return "no nurse with the competence";
    case HM_PLAN_UNREACHABLE: return "window unreachable";
    case HM_PLAN_SHIFT_TOO_SHORT: return "shift too short";
    case HM_PLAN_PREDECESSOR: return "a visit it must follow is unserved";
    case HM_PLAN_NO_ROOM: return "no room left in the nurses' days";
    case HM_PLAN_OPTIONAL_DROPPED: return "optional visit left out";
    }
    return "unknown";
}

/* Why visit v could not be served: tried alone with each nurse who may make it. */
static enum hm_plan_reason explain(hcs *h, const hsol *s, int v)
{
    const hm_plan_problem *p = h->p;
    const task *k = &h->t[v];
    int n_competent = 0, reachable = 0, alone = 0, n_second = 0;
    /* a two-nurse visit needs a second competent nurse besides the one it may require */
    for (int n = 0; k->partner >= 0 && n < h->nn; n++)
        n_second += competent(h, n, &h->t[k->partner]);
    for (int n = 0; n < h->nn; n++) {
        if (!competent(h, n, k))
            continue;
        n_competent++;
        double a = p->nurses[n].ss + h->tt[h->ls[n] * h->nl + k->loc], st, late;
        if (window_start(k, a, &st, &late))
            reachable++;
        reval ev;
        h->release[v] = 0;
        eval_route(h, n, &v, 1, NULL, NULL, NULL, &ev);
        alone += ev.ok;
    }
    if (n_competent < 1 || (k->partner >= 0 && n_second < 2))
        return HM_PLAN_NO_COMPETENCE;
    if (!reachable)
        return HM_PLAN_UNREACHABLE;
    if (!alone)
        return HM_PLAN_SHIFT_TOO_SHORT;
    for (int i = 0; i < p->np; i++)
        if (p->precs[i].after == v && s->where[p->precs[i].before] < 0)
            return HM_PLAN_PREDECESSOR;
    return p->visits[v].mand ? HM_PLAN_NO_ROOM : HM_PLAN_OPTIONAL_DROPPED;
}

void hm_plan_result_destroy(hm_plan_result *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->nn; i++) {
        free(r->nurse_ids ? r->nurse_ids[i] : NULL);
        free(r->routes ? r->routes[i].stops : NULL);
    }
    for (int i = 0; r->visit_ids && i < r->nv; i++)
        free(r->visit_ids[i]);
    free(r->nurse_ids);
    free(r->routes);
    free(r->visit_ids);
    free(r->unserved);
    free(r);
}

/* Strips half-served two-nurse visits, visits whose predecessor is unserved, visits that miss
 * their window in the settled schedule and routes past the overtime limit, then recomputes the
 * schedule: the result only holds what can really happen. */
static int strip_one(hcs *h, hsol *s, int k)
{
    if (s->where[k] < 0)
        return 0;
    remove_task(h, s, k);
    if (h->t[k].partner >= 0 && s->where[h->t[k].partner] >= 0)
        remove_task(h, s, h->t[k].partner);
    return 1;
}

static void clean(hcs *h, hsol *s)
{
    int changed = 1;
    for (int guard = 0; changed && guard < 4 * h->nt + 8; guard++) {
        changed = 0;
        for (int k = 0; k < h->nt; k++) {
            int q = h->t[k].partner;
            if (q >= 0 && s->where[k] >= 0 && s->where[q] < 0)
                changed |= strip_one(h, s, k);
        }
        for (int i = 0; i < h->p->np; i++) {
            int b = h->p->precs[i].before, a = h->p->precs[i].after;
            if (s->where[a] >= 0 && s->where[b] < 0)
                changed |= strip_one(h, s, a);
        }
        if (changed)
            continue;
        full_eval(h, s);
        /* visits that miss their window in the settled schedule: drop the latest one */
        int worst = -1;
        for (int k = 0; k < h->nt; k++)
            if (s->where[k] >= 0 && h->bad[k] && (worst < 0 || h->st[k] > h->st[worst]))
                worst = k;
        if (worst >= 0) {
            changed = strip_one(h, s, worst);
            continue;
        }
        reval ev;
        for (int n = 0; n < h->nn && !changed; n++) {
            eval_route(h, n, row(h, s, n), s->len[n], NULL, NULL, NULL, &ev);
            if (!ev.ok && s->len[n] > 0) /* past the overtime limit: drop the last visit */
                changed = strip_one(h, s, row(h, s, n)[s->len[n] - 1]);
        }
        if (!changed && h->residual > 1e-6) {
            /* sync or precedence still unsettled: drop the latest visit involved */
            for (int k = 0; k < h->nt && !changed; k++) {
                int q = h->t[k].partner;
                if (q > k && s->where[k] >= 0 && fabs(h->st[k] - h->st[q]) > 1e-6)
                    changed = strip_one(h, s, k);
            }
            for (int i = 0; i < h->p->np && !changed; i++) {
                int b = h->p->precs[i].before, a = h->p->precs[i].after;
                if (s->where[a] >= 0 &&
                    h->st[a] < h->st[b] + h->t[b].dur + h->p->precs[i].gap - 1e-6)
                    changed = strip_one(h, s, a);
            }
        }
    }
    full_eval(h, s);
}

static int build_result(hcs *h, const hsol *sconst, hm_plan_result **out)
{
    const hm_plan_problem *p = h->p;
    hsol *s = (hsol *)sconst;
    clean(h, s);
    hm_plan_result *r = calloc(1, sizeof *r);
    if (!r)
        return HM_ENOMEM;
    r->nn = h->nn;
    r->nv = p->nv;
    r->nurse_ids = calloc((size_t)h->nn, sizeof(char *));
    r->routes = calloc((size_t)h->nn, sizeof(hc_route));
    r->visit_ids = calloc((size_t)p->nv, sizeof(char *));
    r->unserved = calloc((size_t)p->nv, sizeof(hm_plan_unserved));
    if (!r->nurse_ids || !r->routes || !r->visit_ids || !r->unserved)
        goto fail;
    for (int v = 0; v < p->nv; v++) {
        r->visit_ids[v] = strdup(p->visits[v].id);
        if (!r->visit_ids[v])
            goto fail;
    }
    for (int n = 0; n < h->nn; n++) {
        hc_route *rt = &r->routes[n];
        r->nurse_ids[n] = strdup(p->nurses[n].id);
        if (!r->nurse_ids[n])
            goto fail;
        rt->nurse = n;
        rt->n = s->len[n];
        rt->stops = calloc((size_t)rt->n + 1, sizeof(hm_plan_stop));
        if (!rt->stops)
            goto fail;
        for (int i = 0; i < rt->n; i++) {
            int k = row(h, s, n)[i];
            int v = h->t[k].visit;
            rt->stops[i] = (hm_plan_stop){.visit = v, .visit_id = r->visit_ids[v],
                                          .arrival = h->arr[k], .start = h->st[k],
                                          .end = h->st[k] + h->t[k].dur};
        }
        rt->break_start = rt->n ? h->brk[n] : -1;
        rt->end = rt->n ? h->rend[n] : p->nurses[n].ss;
    }
    for (int v = 0; v < p->nv; v++) {
        if (s->where[v] >= 0)
            continue;
        enum hm_plan_reason why = explain(h, s, v);
        r->unserved[r->nunserved++] = (hm_plan_unserved){
            .visit = v, .visit_id = r->visit_ids[v], .reason = why, .why = reason_text(why)};
    }
    r->sum.cost = s->cost;
    *out = r;
    return HM_OK;
fail:
    hm_plan_result_destroy(r);
    return HM_ENOMEM;
}

int hm_plan_result_nurse_count(const hm_plan_result *r)
{
    return r->nn;
}

const char *hm_plan_result_nurse_id(const hm_plan_result *r, int nurse)
{
    return nurse >= 0 && nurse < r->nn ? r->nurse_ids[nurse] : NULL;
}

const hm_plan_stop *hm_plan_result_route(const hm_plan_result *r, int nurse, int *n,
                                         double *break_start, double *route_end)
{
    if (nurse < 0 || nurse >= r->nn) {
        *n = 0;
        return NULL;
    }
    const hc_route *rt = &r->routes[nurse];
    *n = rt->n;
    if (break_start)
        *break_start = rt->break_start;
    if (route_end)
        *route_end = rt->end;
    return rt->stops;
}

const hm_plan_unserved *hm_plan_result_unserved(const hm_plan_result *r, int *n)
{
    *n = r->nunserved;
    return r->unserved;
}

void hm_plan_result_summary(const hm_plan_result *r, hm_plan_summary *out)
{
    *out = r->sum;
}
