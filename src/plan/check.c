/* check.c: the independent feasibility checker for VRPTW solutions. It shares nothing with the
 * solver but the model: it walks each route from scratch, checks every customer is served
 * exactly once, the fleet limit, capacity and time windows (waiting allowed, lateness not), and
 * recomputes the total distance. The tests run it on every solution the solver returns. */
#include "plan/vrp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(hm__check *out, const char *fmt, long a, long b)
{
    if (out->feasible) {
        snprintf(out->why, sizeof out->why, fmt, a, b);
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
            fail(out, "customer %ld served after its window closes (route %ld)", p->ids[c],
                 ridx + 1);
        load += p->demand[c];
        prev = c;
    }
    if (len > 0) {
        d += p->dist[prev * n];
        t += p->service[prev] + p->dist[prev * n];
        if (t > p->late[0] + HM__VRP_EPS)
            fail(out, "route %ld returns to the depot after it closes%ld", ridx + 1, 0);
    }
    if (load > p->capacity + HM__VRP_EPS)
        fail(out, "route %ld exceeds capacity%ld", ridx + 1, 0);
    out->distance += d;
    out->vehicles += len > 0;
}

void hm__vrp_check(const hm__vrp *p, const hm__vrp_sol *s, hm__check *out)
{
    memset(out, 0, sizeof *out);
    out->feasible = 1;
    int *count = calloc((size_t)p->n, sizeof *count);
    if (!count) {
        fail(out, "checker out of memory%ld%ld", 0, 0);
        return;
    }
    for (int r = 0; r < s->nroutes; r++) {
        const int *nodes = s->nodes + s->start[r];
        int len = s->start[r + 1] - s->start[r];
        int ok = 1;
        for (int k = 0; k < len; k++) {
            if (nodes[k] <= 0 || nodes[k] >= p->n) {
                fail(out, "route %ld holds an unknown node %ld", r + 1, nodes[k]);
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
            fail(out, "customer %ld is not served%ld", p->ids[c], 0);
        else if (count[c] > 1)
            fail(out, "customer %ld is served %ld times", p->ids[c], count[c]);
    }
    if (out->vehicles > p->vehicles)
        fail(out, "uses %ld vehicles, more than the %ld available", out->vehicles, p->vehicles);
    free(count);
}
