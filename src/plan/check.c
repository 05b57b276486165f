/* check.c: the independent feasibility checker for VRPTW solutions. It shares nothing with the
 * solver but the model: it walks each route from scratch, checks every customer is served
 * exactly once, the fleet limit, capacity and time windows (waiting allowed, lateness not), and
 * recomputes the total distance. The tests run it on every solution the solver returns. */
#include "plan/vrp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(hm__check *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(hm__check *out, const char *fmt, ...)
{
    if (out->feasible) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(out->why, sizeof out->why, fmt, ap);
        va_end(ap);
        out->feasible = 0;
    }
}

static void check_route(const hm__vrp *p, const int *r, int len, int ridx, hm__check *out)
{
    int n = p->n;
    double t = p->early[0], load = 0, d = 0;
    int prev = 0;
    for (int k = 0; k < len; k++) {
        int c = r[k];
        double arc = p->dist[prev * n + c];
        d += arc;
        t += p->service[prev] + arc;
        if (t < p->early[c])
            t = p->early[c];
        if (t > p->late[c] + HM__VRP_EPS)
            fail(out, "customer %ld served after its window closes (route %d)", p->ids[c],
                 ridx + 1);
        load += p->demand[c];
        prev = c;
    }
    if (len > 0) {
        d += p->dist[prev * n];
        t += p->service[prev] + p->dist[prev * n];
        if (t > p->late[0] + HM__VRP_EPS)
            fail(out, "route %d returns to the depot after it closes", ridx + 1);
    }
    if (load > p->capacity + HM__VRP_EPS)
        fail(out, "route %d exceeds capacity", ridx + 1);
    out->distance += d;
    out->vehicles += len > 0;
}

void hm__vrp_check(const hm__vrp *p, const hm__vrp_sol *s, hm__check *out)
{
    memset(out, 0, sizeof *out);
    out->feasible = 1;
    int *count = calloc((size_t)p->n, sizeof *count);
    if (!count) {
        fail(out, "checker out of memory");
        return;
    }
    for (int r = 0; r < s->nroutes; r++) {
        const int *nodes = s->nodes + s->start[r];
        int len = s->start[r + 1] - s->start[r];
        int ok = 1;
        for (int k = 0; k < len; k++) {
            if (nodes[k] <= 0 || nodes[k] >= p->n) {
                fail(out, "route %d holds an unknown node %d", r + 1, nodes[k]);
                ok = 0;
            } else {
                count[nodes[k]]++;
            }
        }
        if (ok)
            check_route(p, nodes, len, r, out);
    }
    for (int c = 1; c < p->n; c++) {
        if (count[c] == 0)
            fail(out, "customer %ld is not served", p->ids[c]);
        else if (count[c] > 1)
            fail(out, "customer %ld is served %d times", p->ids[c], count[c]);
    }
    if (out->vehicles > p->vehicles)
        fail(out, "uses %d vehicles, more than the %d available", out->vehicles, p->vehicles);
    free(count);
}
