/* vrp.c: the VRPTW model's lifetime, its distance matrix under the two conventions, and small
 * helpers (file reading, the solver's clock) shared by the readers and the solver.
 * The matrix is built once per problem; the solver only reads it. */
#include "plan/vrp.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int hm__vrp_alloc(hm__vrp *p, int n, hm_err *err)
{
    memset(p, 0, sizeof *p);
    if (n < 1 || n > HM__VRP_MAX_NODES)
        return hm_err_set(err, HM_ETOOBIG, "instance has %d nodes (limit %d)", n,
                          HM__VRP_MAX_NODES);
    p->n = n;
    p->ids = calloc((size_t)n, sizeof *p->ids);
    p->x = calloc((size_t)n, sizeof(double));
    p->y = calloc((size_t)n, sizeof(double));
    p->demand = calloc((size_t)n, sizeof(double));
    p->early = calloc((size_t)n, sizeof(double));
    p->late = calloc((size_t)n, sizeof(double));
    p->service = calloc((size_t)n, sizeof(double));
    if (!p->ids || !p->x || !p->y || !p->demand || !p->early || !p->late || !p->service) {
        hm__vrp_free(p);
        return hm_err_set(err, HM_ENOMEM, "cannot allocate instance of %d nodes", n);
    }
    return HM_OK;
}

void hm__vrp_free(hm__vrp *p)
{
    if (!p)
        return;
    free(p->ids);
    free(p->x);
    free(p->y);
    free(p->demand);
    free(p->early);
    free(p->late);
    free(p->service);
    free(p->dist);
    memset(p, 0, sizeof *p);
}

static double arc(const hm__vrp *p, int i, int j, enum hm__dist_conv conv)
{
    double dx = p->x[i] - p->x[j], dy = p->y[i] - p->y[j];
    double d = sqrt(dx * dx + dy * dy);
    /* DIMACS 2021: truncate each arc to one decimal, travel time identical. */
    return conv == HM__DIST_DIMACS ? floor(10.0 * d) / 10.0 : d;
}

int hm__vrp_build_matrix(hm__vrp *p, enum hm__dist_conv conv, hm_err *err)
{
    size_t n = (size_t)p->n;
    free(p->dist);
    p->dist = malloc(n * n * sizeof(double));
    if (!p->dist)
        return hm_err_set(err, HM_ENOMEM, "cannot allocate %zux%zu distance matrix", n, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            p->dist[i * n + j] = arc(p, (int)i, (int)j, conv);
    return HM_OK;
}

int hm__vrp_validate(const hm__vrp *p, hm_err *err)
{
    if (p->n < 2)
        return hm_err_set(err, HM_EINVAL, "instance has no customers");
    if (p->vehicles < 1)
        return hm_err_set(err, HM_EINVAL, "instance has no vehicles");
    if (!(p->capacity > 0))
        return hm_err_set(err, HM_EINVAL, "vehicle capacity must be positive");
    for (int i = 0; i < p->n; i++) {
        if (!isfinite(p->x[i]) || !isfinite(p->y[i]) || fabs(p->x[i]) > 1e9 || fabs(p->y[i]) > 1e9)
            return hm_err_set(err, HM_EINVAL, "node %ld has bad coordinates", p->ids[i]);
        if (!(p->demand[i] >= 0) || p->demand[i] > 1e12)
            return hm_err_set(err, HM_EINVAL, "node %ld has a bad demand", p->ids[i]);
        if (!(p->service[i] >= 0) || p->service[i] > 1e12)
            return hm_err_set(err, HM_EINVAL, "node %ld has a bad service time", p->ids[i]);
        if (!(p->early[i] <= p->late[i]) || fabs(p->early[i]) > 1e12 || fabs(p->late[i]) > 1e12)
            return hm_err_set(err, HM_EINVAL, "node %ld has a bad time window", p->ids[i]);
    }
    return HM_OK;
}

void hm__sol_free(hm__vrp_sol *s)
{
    if (!s)
        return;
    free(s->start);
    free(s->nodes);
    memset(s, 0, sizeof *s);
}

/* HEIME_PLAN_CLOCK=cpu makes time limits count the calling thread's CPU time instead of wall
 * time: a benchmark aid on a shared machine, where other jobs would otherwise take part of
 * each instance's seconds. Read once; 0 unknown, 1 wall, 2 cpu. */
static atomic_int clock_kind;

double hm__now(void)
{
    int kind = atomic_load_explicit(&clock_kind, memory_order_relaxed);
    if (kind == 0) {
        const char *v = getenv("HEIME_PLAN_CLOCK");
        kind = v && strcmp(v, "cpu") == 0 ? 2 : 1;
        atomic_store_explicit(&clock_kind, kind, memory_order_relaxed);
    }
    struct timespec ts;
    clock_gettime(kind == 2 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
