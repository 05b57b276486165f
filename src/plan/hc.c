/* hc.c: the home-care problem built through the public API of plan.h: nurses, visits,
 * precedences, competence names mapped to bits, and travel (a supplied matrix, or great-circle
 * distance times a road factor at a configured speed). Every input is validated here, so the
 * solver (hc_solve.c) can trust the model. The solver is a large-neighbourhood search: greedy
 * cheapest insertion first, then ruin and recreate under simulated annealing. */
#include "plan/hc.h"
#include "plan/hgs_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- problem ---- */

void hm_plan_settings_default(hm_plan_settings *s)
{
    s->speed_kmh = 40;
    s->road_factor = 1.3;
    s->max_lateness = 30;
    s->max_overtime = 60;
    s->w_unserved = 1e6;
    s->w_late = 1000;
    s->w_optional = 200;
    s->w_continuity = 10;
}

int hm_plan_problem_create(const hm_plan_settings *s, hm_plan_problem **out, hm_err *err)
{
    hm_plan_problem *p = calloc(1, sizeof *p);
    if (!p)
        return hm_err_set(err, HM_ENOMEM, "cannot allocate a plan problem");
    if (s)
        p->set = *s;
    else
        hm_plan_settings_default(&p->set);
    const hm_plan_settings *t = &p->set;
    if (!(t->speed_kmh > 0 && t->speed_kmh < 1000) || !(t->road_factor >= 1 && t->road_factor < 10) ||
        !(t->max_lateness >= 0) || !(t->max_overtime >= 0) || !(t->w_unserved >= 0) ||
        !(t->w_late >= 0) || !(t->w_optional >= 0) || !(t->w_continuity >= 0)) {
        free(p);
        return hm_err_set(err, HM_EINVAL, "plan settings out of range");
    }
    *out = p;
    return HM_OK;
}

void hm_plan_problem_destroy(hm_plan_problem *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->nn; i++)
        free(p->nurses[i].id);
    for (int i = 0; i < p->nv; i++) {
        free(p->visits[i].id);
        free(p->visits[i].pref_id);
        free(p->visits[i].req_nurse_id);
    }
    for (int i = 0; i < p->ncomp; i++)
        free(p->comp_names[i]);
    free(p->nurses);
    free(p->visits);
    free(p->precs);
    free(p->matrix);
    free(p);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static int comp_mask(hm_plan_problem *p, const char *const *names, int n, uint64_t *mask,
                     hm_err *err)
{
    *mask = 0;
    for (int i = 0; i < n; i++) {
        if (!names[i] || !names[i][0] || strlen(names[i]) > 64)
            return hm_err_set(err, HM_EINVAL, "competence names must be 1-64 characters");
        int k = 0;
        while (k < p->ncomp && strcmp(p->comp_names[k], names[i]) != 0)
            k++;
        if (k == p->ncomp) {
            if (p->ncomp == HM_PLAN_MAX_COMPETENCES)
                return hm_err_set(err, HM_ETOOBIG, "more than %d competences",
                                  HM_PLAN_MAX_COMPETENCES);
            p->comp_names[k] = dup_str(names[i]);
            if (!p->comp_names[k])
                return hm_err_set(err, HM_ENOMEM, "out of memory");
            p->ncomp++;
        }
        *mask |= (uint64_t)1 << k;
    }
    return HM_OK;
}

static int check_loc(const hm_plan_loc *l, const char *what, const char *id, hm_err *err)
{
    if (l->index >= 0)
        return HM_OK;
    if (!(l->lat >= -90 && l->lat <= 90 && l->lon >= -180 && l->lon <= 180))
        return hm_err_set(err, HM_EINVAL, "%s of %s: latitude/longitude out of range", what, id);
    return HM_OK;
}

static int valid_id(const char *id)
{
    return id && id[0] && strlen(id) <= 128;
}

int hm_plan_add_nurse(hm_plan_problem *p, const hm_plan_nurse *n, hm_err *err)
{
    if (!valid_id(n->id))
        return hm_err_set(err, HM_EINVAL, "nurse id must be 1-128 characters");
    for (int i = 0; i < p->nn; i++)
        if (strcmp(p->nurses[i].id, n->id) == 0)
            return hm_err_set(err, HM_ECONFLICT, "nurse %s added twice", n->id);
    if (p->nn == HM_PLAN_MAX_NURSES)
        return hm_err_set(err, HM_ETOOBIG, "more than %d nurses", HM_PLAN_MAX_NURSES);
    if (!(n->shift_start >= 0 && n->shift_end > n->shift_start && n->shift_end <= 2880))
        return hm_err_set(err, HM_EINVAL, "nurse %s: shift must satisfy 0 <= start < end <= 2880",
                          n->id);
    if (!(n->break_minutes >= 0 && n->break_minutes < n->shift_end - n->shift_start) ||
        (n->break_minutes > 0 && !(n->break_from <= n->break_to)) || !(n->max_work >= 0))
        return hm_err_set(err, HM_EINVAL, "nurse %s: bad break or maximum working time", n->id);
    int rc = check_loc(&n->start, "start", n->id, err);
    if (rc == HM_OK)
        rc = check_loc(&n->end, "end", n->id, err);
    if (rc != HM_OK)
        return rc;
    if (p->nn == p->cap_n) {
        int cap = p->cap_n ? 2 * p->cap_n : 16;
        hc_nurse *a = realloc(p->nurses, sizeof *a * (size_t)cap);
        if (!a)
            return hm_err_set(err, HM_ENOMEM, "out of memory");
        p->nurses = a;
        p->cap_n = cap;
    }
    hc_nurse *d = &p->nurses[p->nn];
    memset(d, 0, sizeof *d);
    rc = comp_mask(p, n->competences, n->n_competences, &d->comp, err);
    if (rc != HM_OK)
        return rc;
    d->id = dup_str(n->id);
    if (!d->id)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    d->start = n->start;
    d->end = n->end;
    d->ss = n->shift_start;
    d->se = n->shift_end;
    d->bm = n->break_minutes;
    d->bf = n->break_minutes > 0 ? n->break_from : 0;
    d->bt = n->break_minutes > 0 ? n->break_to : 0;
    d->mw = n->max_work;
    p->nn++;
    return HM_OK;
}

static int check_visit(const hm_plan_visit *v, hm_err *err)
{
    if (!valid_id(v->id))
        return hm_err_set(err, HM_EINVAL, "visit id must be 1-128 characters");
    if (v->n_windows < 0 || v->n_windows > HM_PLAN_MAX_WINDOWS)
        return hm_err_set(err, HM_EINVAL, "visit %s: 0-%d time windows", v->id,
                          HM_PLAN_MAX_WINDOWS);
    for (int w = 0; w < v->n_windows; w++)
        if (!(v->win_from[w] >= 0 && v->win_from[w] <= v->win_to[w] && v->win_to[w] <= 2880))
            return hm_err_set(err, HM_EINVAL, "visit %s: window %d must satisfy 0 <= from <= to "
                              "<= 2880", v->id, w + 1);
    if (!(v->duration >= 0 && v->duration <= 1440))
        return hm_err_set(err, HM_EINVAL, "visit %s: duration must be 0-1440 minutes", v->id);
    if (v->priority < 0 || v->priority > 10)
        return hm_err_set(err, HM_EINVAL, "visit %s: priority must be 0-10", v->id);
    if (v->nurses != 1 && v->nurses != 2)
        return hm_err_set(err, HM_EINVAL, "visit %s: needs 1 or 2 nurses", v->id);
    if (v->fixed_time >= 0 && !(v->fixed_time <= 2880 && v->tolerance >= 0 && v->tolerance <= 720))
        return hm_err_set(err, HM_EINVAL, "visit %s: bad fixed time or tolerance", v->id);
    if (v->preferred_nurse && !valid_id(v->preferred_nurse))
        return hm_err_set(err, HM_EINVAL, "visit %s: bad preferred nurse id", v->id);
    if (v->required_nurse && !valid_id(v->required_nurse))
        return hm_err_set(err, HM_EINVAL, "visit %s: bad required nurse id", v->id);
    return check_loc(&v->loc, "location", v->id, err);
}

int hm_plan_add_visit(hm_plan_problem *p, const hm_plan_visit *v, hm_err *err)
{
    int rc = check_visit(v, err);
    if (rc != HM_OK)
        return rc;
    for (int i = 0; i < p->nv; i++)
        if (strcmp(p->visits[i].id, v->id) == 0)
            return hm_err_set(err, HM_ECONFLICT, "visit %s added twice", v->id);
    if (p->nv == HM_PLAN_MAX_VISITS)
        return hm_err_set(err, HM_ETOOBIG, "more than %d visits", HM_PLAN_MAX_VISITS);
    if (p->nv == p->cap_v) {
        int cap = p->cap_v ? 2 * p->cap_v : 64;
        hc_visit *a = realloc(p->visits, sizeof *a * (size_t)cap);
        if (!a)
            return hm_err_set(err, HM_ENOMEM, "out of memory");
        p->visits = a;
        p->cap_v = cap;
    }
    hc_visit *d = &p->visits[p->nv];
    memset(d, 0, sizeof *d);
    rc = comp_mask(p, v->competences, v->n_competences, &d->req, err);
    if (rc != HM_OK)
        return rc;
    d->id = dup_str(v->id);
    d->pref_id = v->preferred_nurse ? dup_str(v->preferred_nurse) : NULL;
    d->req_nurse_id = v->required_nurse ? dup_str(v->required_nurse) : NULL;
    if (!d->id || (v->preferred_nurse && !d->pref_id) ||
        (v->required_nurse && !d->req_nurse_id)) {
        free(d->id);
        free(d->pref_id);
        free(d->req_nurse_id);
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    }
    d->loc = v->loc;
    d->nw = v->n_windows;
    for (int w = 0; w < v->n_windows; w++) {
        d->wf[w] = v->win_from[w];
        d->wt[w] = v->win_to[w];
    }
    d->dur = v->duration;
    d->prio = v->priority;
    d->mand = v->mandatory != 0;
    d->fixed = v->fixed_time;
    d->tol = v->tolerance;
    d->two = v->nurses == 2;
    p->nv++;
    return HM_OK;
}

static int visit_index(const hm_plan_problem *p, const char *id)
{
    for (int i = 0; i < p->nv; i++)
        if (strcmp(p->visits[i].id, id) == 0)
            return i;
    return -1;
}

int hm_plan_add_precedence(hm_plan_problem *p, const char *before, const char *after,
                           double min_gap, hm_err *err)
{
    int b = visit_index(p, before ? before : ""), a = visit_index(p, after ? after : "");
    if (b < 0 || a < 0)
        return hm_err_set(err, HM_ENOTFOUND, "precedence names unknown visit %s",
                          b < 0 ? (before ? before : "(null)") : after);
    if (a == b || !(min_gap >= 0 && min_gap <= 1440))
        return hm_err_set(err, HM_EINVAL, "precedence %s -> %s: distinct visits and gap 0-1440",
                          before, after);
    if (p->np == p->cap_p) {
        int cap = p->cap_p ? 2 * p->cap_p : 16;
        hc_prec *x = realloc(p->precs, sizeof *x * (size_t)cap);
        if (!x)
            return hm_err_set(err, HM_ENOMEM, "out of memory");
        p->precs = x;
        p->cap_p = cap;
    }
    p->precs[p->np++] = (hc_prec){.before = b, .after = a, .gap = min_gap};
    return HM_OK;
}

int hm_plan_set_matrix(hm_plan_problem *p, const double *minutes, int nloc, hm_err *err)
{
    if (nloc < 1 || nloc > 2 * HM_PLAN_MAX_VISITS)
        return hm_err_set(err, HM_ETOOBIG, "travel matrix must have 1-%d locations",
                          2 * HM_PLAN_MAX_VISITS);
    size_t n = (size_t)nloc * (size_t)nloc;
    for (size_t i = 0; i < n; i++)
        if (!(minutes[i] >= 0 && minutes[i] <= 1440))
            return hm_err_set(err, HM_EINVAL, "travel matrix entry %zu must be 0-1440 minutes", i);
    double *m = malloc(n * sizeof *m);
    if (!m)
        return hm_err_set(err, HM_ENOMEM, "cannot allocate travel matrix");
    memcpy(m, minutes, n * sizeof *m);
    free(p->matrix);
    p->matrix = m;
    p->nloc = nloc;
    return HM_OK;
}

double hm__hc_travel(const hm_plan_problem *p, const hm_plan_loc *a, const hm_plan_loc *b)
{
    if (a->index >= 0 && b->index >= 0 && p->matrix)
        return p->matrix[(size_t)a->index * (size_t)p->nloc + (size_t)b->index];
    /* haversine great-circle distance, times the road factor, at the configured speed */
    const double R = 6371.0, rad = M_PI / 180.0;
    double dlat = (b->lat - a->lat) * rad, dlon = (b->lon - a->lon) * rad;
    double s = sin(dlat / 2) * sin(dlat / 2) +
               cos(a->lat * rad) * cos(b->lat * rad) * sin(dlon / 2) * sin(dlon / 2);
    double km = 2 * R * asin(sqrt(s < 1 ? s : 1));
    return km * p->set.road_factor / p->set.speed_kmh * 60.0;
}
