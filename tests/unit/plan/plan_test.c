/* plan_test.c: helpers shared by the plan module's unit tests (see plan_test.h). */
#include "plan_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static unsigned lcg(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

void pt_random_instance(hm__vrp *p, int n, int vehicles, unsigned seed, int tight)
{
    hm__vrp_alloc(p, n, NULL);
    p->vehicles = vehicles;
    p->capacity = 30;
    p->late[0] = 1000;
    for (int i = 0; i < n; i++) {
        p->ids[i] = i;
        p->x[i] = lcg(&seed) % 100;
        p->y[i] = lcg(&seed) % 100;
        if (i == 0)
            continue;
        p->demand[i] = 1 + lcg(&seed) % 10;
        p->service[i] = 5;
        double a = lcg(&seed) % 600, w = tight ? 40 + lcg(&seed) % 100 : 1000;
        p->early[i] = tight ? a : 0;
        p->late[i] = tight ? a + w : 1000;
        if (p->late[i] > 900)
            p->late[i] = 900;
        /* every customer reachable from the depot: the instance is feasible */
        double d0 = sqrt((p->x[i] - p->x[0]) * (p->x[i] - p->x[0]) +
                         (p->y[i] - p->y[0]) * (p->y[i] - p->y[0]));
        if (p->late[i] < d0 + 1)
            p->late[i] = d0 + 1;
    }
    hm__vrp_build_matrix(p, HM__DIST_DIMACS, NULL);
}

double pt_penalised(const hm__vrp *p, const int *rnodes, const int *roff, int V, double pen_cap,
                    double pen_tw)
{
    double total = 0;
    int n = p->n;
    for (int r = 0; r < V; r++) {
        if (roff[r] == roff[r + 1])
            continue;
        double t = p->early[0], load = 0, tw = 0, d = 0;
        int last = 0;
        for (int k = roff[r]; k < roff[r + 1]; k++) {
            int c = rnodes[k];
            d += p->dist[last * n + c];
            t += p->service[last] + p->dist[last * n + c];
            t = fmax(t, p->early[c]);
            if (t > p->late[c]) { /* time warp: pay the excess and continue at the window end */
                tw += t - p->late[c];
                t = p->late[c];
            }
            load += p->demand[c];
            last = c;
        }
        d += p->dist[last * n];
        t += p->service[last] + p->dist[last * n];
        if (t > p->late[0])
            tw += t - p->late[0];
        total += d + pen_tw * tw + (load > p->capacity ? pen_cap * (load - p->capacity) : 0);
    }
    return total;
}

/* Enumerates permutations of customers and, for each, every way to cut it into routes. */
static double best;

static void cuts(const hm__vrp *p, const int *perm, int nc)
{
    int V = p->vehicles;
    int rnodes[16], roff[17];
    for (unsigned mask = 0; mask < (1u << (nc - 1)); mask++) {
        int r = 0;
        roff[0] = 0;
        for (int i = 0; i < nc; i++) {
            rnodes[i] = perm[i];
            if (i < nc - 1 && (mask >> i & 1u))
                roff[++r] = i + 1;
        }
        roff[++r] = nc;
        if (r > V)
            continue;
        hm__vrp_sol s = {.nroutes = r, .start = roff, .nodes = rnodes};
        hm__check c;
        hm__vrp_check(p, &s, &c);
        if (c.feasible && (best < 0 || c.distance < best))
            best = c.distance;
    }
}

static void permute(const hm__vrp *p, int *perm, int k, int nc)
{
    if (k == nc) {
        cuts(p, perm, nc);
        return;
    }
    for (int i = k; i < nc; i++) {
        int t = perm[k];
        perm[k] = perm[i];
        perm[i] = t;
        permute(p, perm, k + 1, nc);
        perm[i] = perm[k];
        perm[k] = t;
    }
}

double pt_brute_force(const hm__vrp *p)
{
    int perm[16] = {0};
    int nc = p->n - 1;
    for (int i = 0; i < nc; i++)
        perm[i] = i + 1;
    best = -1;
    permute(p, perm, 0, nc);
    return best;
}
