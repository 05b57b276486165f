/* hc_check.c: the independent checker of home-care plans. It reads only the problem and the
 * result's stops (times as the solver reported them) and verifies, from scratch: each visit
 * served at most once (two-nurse visits by two different nurses starting together) or listed
 * unserved, competences and a visit's required nurse, travel between consecutive stops (and the break, which must not
 * overlap a visit), windows and fixed times (lateness up to the allowed maximum, none for
 * fixed times), shift limits, precedences. It recomputes travel, lateness and overtime. */
#include "plan/hc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL 1e-6

typedef struct chk {
    const hm_plan_problem *p;
    hm_plan_summary *out;
    int *count, *first_nurse;
    int *by_required; /* the visit's required nurse is one who makes it */
    double *start, *end;
} chk;

static void violation(chk *c, const char *fmt, const char *a, const char *b)
{
    if (c->out->violation[0] == '\0')
        snprintf(c->out->violation, sizeof c->out->violation, fmt, a, b);
}

/* Lateness of a start against the visit's windows; -1 when no window admits it. */
static double lateness(const hm_plan_problem *p, const hc_visit *v, double s)
{
    if (v->fixed >= 0) {
        if (s < v->fixed - v->tol - TOL || s > v->fixed + v->tol + TOL)
            return -1;
        return 0;
    }
    if (v->nw == 0)
        return 0;
    double best = -1;
    for (int w = 0; w < v->nw; w++) {
        if (s < v->wf[w] - TOL)
            continue;
        double late = s > v->wt[w] ? s - v->wt[w] : 0;
        if (late <= p->set.max_lateness + TOL && (best < 0 || late < best))
            best = late;
    }
    return best;
}

static void check_route(chk *c, int n, const hc_route *rt)
{
    const hm_plan_problem *p = c->p;
    const hc_nurse *nu = &p->nurses[n];
    if (rt->n == 0)
        return;
    c->out->nurses_used++;
    double t = nu->ss;
    const hm_plan_loc *loc = &nu->start;
    int brk_done = nu->bm <= 0;
    for (int i = 0; i < rt->n; i++) {
        const hm_plan_stop *st = &rt->stops[i];
        if (st->visit < 0 || st->visit >= p->nv) {
            violation(c, "nurse %s has a stop for an unknown visit%s", nu->id, "");
            return;
        }
        const hc_visit *v = &p->visits[st->visit];
        if ((nu->comp & v->req) != v->req)
            violation(c, "nurse %s lacks a competence visit %s needs", nu->id, v->id);
        if (!brk_done && rt->break_start >= t - TOL && rt->break_start <= st->arrival) {
            t = rt->break_start + nu->bm;
            brk_done = 1;
        }
        double tr = hm__hc_travel(p, loc, &v->loc);
        c->out->travel += tr;
        if (st->arrival < t + tr - TOL)
            violation(c, "nurse %s cannot reach visit %s by the arrival time given", nu->id, v->id);
        if (st->start < st->arrival - TOL || fabs(st->end - st->start - v->dur) > TOL)
            violation(c, "visit %s (nurse %s) has inconsistent start or end", v->id, nu->id);
        double late = lateness(p, v, st->start);
        if (late < 0)
            violation(c, "visit %s starts outside its windows or fixed time (nurse %s)", v->id,
                      nu->id);
        else
            c->out->lateness += late;
        if (v->pref_id && strcmp(v->pref_id, nu->id) != 0)
            c->out->continuity_misses++;
        int k = st->visit;
        if (v->req_nurse_id && strcmp(v->req_nurse_id, nu->id) == 0)
            c->by_required[k] = 1;
        if (c->count[k] == 1 && c->first_nurse[k] == n)
            violation(c, "nurse %s makes visit %s twice", nu->id, v->id);
        if (c->count[k] == 1 && fabs(c->start[k] - st->start) > TOL)
            violation(c, "the two nurses of visit %s do not start together%s", v->id, "");
        c->count[k]++;
        c->first_nurse[k] = n;
        c->start[k] = st->start;
        c->end[k] = st->end;
        t = st->end;
        loc = &v->loc;
    }
    if (!brk_done) {
        if (rt->break_start < t - TOL)
            violation(c, "nurse %s has no break or it overlaps a visit%s", nu->id, "");
        t = rt->break_start + nu->bm;
    }
    if (nu->bm > 0) {
        if (rt->break_start < nu->bf - TOL)
            violation(c, "nurse %s breaks before the break window%s", nu->id, "");
        else if (rt->break_start > nu->bt)
            c->out->lateness += rt->break_start - nu->bt;
    }
    double tr = hm__hc_travel(p, loc, &nu->end);
    c->out->travel += tr;
    if (rt->end < t + tr - TOL)
        violation(c, "nurse %s cannot be back by the end time given%s", nu->id, "");
    double over = rt->end > nu->se ? rt->end - nu->se : 0;
    if (over > p->set.max_overtime + TOL)
        violation(c, "nurse %s works past the allowed overtime%s", nu->id, "");
    double work = rt->end - nu->ss - nu->bm;
    if (nu->mw > 0 && work > nu->mw)
        over += work - nu->mw;
    c->out->overtime += over;
}

static void check_coverage(chk *c, const hm_plan_result *r)
{
    const hm_plan_problem *p = c->p;
    int *listed = calloc((size_t)p->nv, sizeof(int));
    if (!listed) {
        violation(c, "checker out of memory%s%s", "", "");
        return;
    }
    for (int i = 0; i < r->nunserved; i++) {
        int v = r->unserved[i].visit;
        if (v < 0 || v >= p->nv || listed[v]++) {
            violation(c, "unserved list is malformed%s%s", "", "");
            continue;
        }
        if (p->visits[v].mand)
            c->out->unserved_mandatory++;
        else
            c->out->unserved_optional++;
    }
    for (int v = 0; v < p->nv; v++) {
        int need = 1 + p->visits[v].two;
        if (c->count[v] == 0 && !listed[v])
            violation(c, "visit %s is neither served nor listed unserved%s", p->visits[v].id, "");
        if (c->count[v] > 0 && listed[v])
            violation(c, "visit %s is both served and listed unserved%s", p->visits[v].id, "");
        if (c->count[v] != 0 && c->count[v] != need)
            violation(c, "visit %s has the wrong number of nurses%s", p->visits[v].id, "");
        if (c->count[v] != 0 && p->visits[v].req_nurse_id && !c->by_required[v])
            violation(c, "visit %s is not made by nurse %s, who must make it", p->visits[v].id,
                      p->visits[v].req_nurse_id);
    }
    free(listed);
}

static void check_precedences(chk *c)
{
    const hm_plan_problem *p = c->p;
    for (int i = 0; i < p->np; i++) {
        int b = p->precs[i].before, a = p->precs[i].after;
        if (c->count[a] == 0)
            continue;
        if (c->count[b] == 0)
            violation(c, "visit %s is served but %s, which must come first, is not",
                      p->visits[a].id, p->visits[b].id);
        else if (c->start[a] < c->end[b] + p->precs[i].gap - TOL)
            violation(c, "visit %s starts too soon after %s", p->visits[a].id, p->visits[b].id);
    }
}

void hm__hc_check(const hm_plan_problem *p, const hm_plan_result *r, hm_plan_summary *out)
{
    out->violation[0] = '\0';
    out->travel = out->lateness = out->overtime = 0;
    out->nurses_used = out->continuity_misses = 0;
    out->unserved_mandatory = out->unserved_optional = 0;
    chk c = {.p = p, .out = out};
    c.count = calloc((size_t)p->nv, sizeof(int));
    c.first_nurse = calloc((size_t)p->nv, sizeof(int));
    c.by_required = calloc((size_t)p->nv, sizeof(int));
    c.start = calloc((size_t)p->nv, sizeof(double));
    c.end = calloc((size_t)p->nv, sizeof(double));
    if (!c.count || !c.first_nurse || !c.by_required || !c.start || !c.end) {
        violation(&c, "checker out of memory%s%s", "", "");
    } else if (r->nn != p->nn) {
        violation(&c, "result has %s nurse routes for another problem%s", "the wrong number of",
                  "");
    } else {
        for (int n = 0; n < p->nn; n++)
            check_route(&c, n, &r->routes[n]);
        check_coverage(&c, r);
        check_precedences(&c);
    }
    free(c.count);
    free(c.first_nurse);
    free(c.by_required);
    free(c.start);
    free(c.end);
    out->feasible = out->violation[0] == '\0' && out->unserved_mandatory == 0;
}
