/* hgs_ls.c: the granular local search of the hybrid genetic search. Routes are doubly linked
 * lists of nodes, each carrying prefix and suffix time-warp segments, so that inter-route moves
 * (relocate of 1-2 nodes, swaps of 1-2 nodes, 2-opt*) are priced in O(1) from the penalised
 * route cost; intra-route moves are priced by rebuilding the route's sequence in a scratch
 * buffer. Only pairs (u, v) with v among u's G nearest neighbours are tried, and a pair is
 * retried only when one of its routes changed. SWAP* (Vidal 2022) exchanges two customers of
 * two routes whose polar sectors overlap, each reinserted at its best position.
 * Everything is allocated in hm__ls_create: the search itself never allocates. */
#include "plan/hgs_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct lnode lnode;
typedef struct lroute lroute;

typedef struct rkey {
    double angle;
    int r;
} rkey;

/* The fields the move filters read come first, so that one cache line holds them. The arcs
 * into a node and over it are cached here: the matrix is symmetric (Euclidean), and a move
 * that reads them from the node instead of the matrix saves a cache miss on v's row. */
struct lnode {
    int c, depot, pos;
    double din;   /* distance from prev to this node (0 at a start depot) */
    double dskip; /* distance from prev to next (customers only) */
    double rem;   /* distance change when the customer leaves its route (SWAP*) */
    lnode *next, *prev;
    lroute *r;
    long tested;
    hm__seg pre, suf;
};

struct lroute {
    int idx, ncust;
    long modified, swap_tested;
    lnode *start, *end;
    hm__seg all;
    double cost;
    double ang_lo, ang_hi; /* polar sector of the customers, in [0, 2pi) with lo <= hi + 2pi */
    int full_circle;
};

/* Best three insertion positions of a customer in a route (SWAP* preprocessing), and the
 * move count when they were computed: valid while the route is unchanged since. */
typedef struct ins3 {
    double cost[3];
    lnode *after[3];
    long when;
} ins3;

struct hm__ls {
    hm__hgs *h;
    lnode *cl;            /* n nodes; cl[0] unused */
    lnode *ds, *de;       /* V start and end depots */
    lroute *routes;       /* V */
    int *order;           /* nc customers in random order */
    int *buf;             /* scratch sequence */
    double *angle;        /* polar angle per node */
    ins3 *ins;                    /* SWAP*: V rows of n, customer c's best places in route r */
    rkey *keys;                   /* V route sort keys */
    long nmoves;
    int loop;
};

static const double EPS = 1e-7;

hm__ls *hm__ls_create(hm__hgs *h)
{
    hm__ls *ls = calloc(1, sizeof *ls);
    if (!ls)
        return NULL;
    ls->h = h;
    ls->cl = calloc((size_t)h->n, sizeof *ls->cl);
    ls->ds = calloc((size_t)h->V, sizeof *ls->ds);
    ls->de = calloc((size_t)h->V, sizeof *ls->de);
    ls->routes = calloc((size_t)h->V, sizeof *ls->routes);
    ls->order = calloc((size_t)h->nc, sizeof *ls->order);
    ls->buf = calloc((size_t)h->n + 2, sizeof *ls->buf);
    ls->angle = calloc((size_t)h->n, sizeof *ls->angle);
    ls->ins = calloc((size_t)h->V * (size_t)h->n, sizeof(ins3)); /* when 0: stale at once */
    ls->keys = calloc((size_t)h->V, sizeof(rkey));
    if (!ls->keys || !ls->cl || !ls->ds || !ls->de || !ls->routes || !ls->order || !ls->buf || !ls->angle ||
        !ls->ins) {
        hm__ls_destroy(ls);
        return NULL;
    }
    const hm__vrp *p = h->p;
    for (int c = 0; c < h->n; c++) {
        ls->cl[c].c = c;
        ls->angle[c] = atan2(p->y[c] - p->y[0], p->x[c] - p->x[0]);
        if (ls->angle[c] < 0)
            ls->angle[c] += 2 * M_PI;
    }
    for (int i = 0; i < h->nc; i++)
        ls->order[i] = i + 1;
    for (int r = 0; r < h->V; r++) {
        ls->routes[r].idx = r;
        ls->routes[r].start = &ls->ds[r];
        ls->routes[r].end = &ls->de[r];
        ls->ds[r].depot = ls->de[r].depot = 1;
        ls->ds[r].r = ls->de[r].r = &ls->routes[r];
    }
    return ls;
}

void hm__ls_destroy(hm__ls *ls)
{
    if (!ls)
        return;
    free(ls->cl);
    free(ls->ds);
    free(ls->de);
    free(ls->routes);
    free(ls->order);
    free(ls->buf);
    free(ls->angle);
    free(ls->ins);
    free(ls->keys);
    free(ls);
}

/* ---- route bookkeeping ---- */

static void update_sector(hm__ls *ls, lroute *r)
{
    /* The sector is the smallest arc covering all customer angles: found from the largest gap
     * between consecutive sorted angles; routes are short, so an insertion walk is fine. */
    r->full_circle = 0;
    if (r->ncust == 0) {
        r->ang_lo = r->ang_hi = 0;
        return;
    }
    double lo = 0, hi = 0;
    int first = 1;
    for (lnode *z = r->start->next; !z->depot; z = z->next) {
        double a = ls->angle[z->c];
        if (first) {
            lo = hi = a;
            first = 0;
            continue;
        }
        /* extend the arc [lo, hi] (hi may exceed 2pi) minimally to contain a */
        double up = a - hi, down = lo - a;
        while (up < 0)
            up += 2 * M_PI;
        while (down < 0)
            down += 2 * M_PI;
        double inside = a - lo;
        while (inside < 0)
            inside += 2 * M_PI;
        if (inside <= hi - lo)
            continue;
        if (up <= down)
            hi += up;
        else
            lo -= down;
    }
    while (lo < 0) {
        lo += 2 * M_PI;
        hi += 2 * M_PI;
    }
    if (hi - lo >= 2 * M_PI)
        r->full_circle = 1;
    r->ang_lo = lo;
    r->ang_hi = hi;
}

static int sectors_overlap(const lroute *a, const lroute *b)
{
    if (a->full_circle || b->full_circle)
        return 1;
    for (int k = -1; k <= 1; k++) {
        double lo = b->ang_lo + k * 2 * M_PI, hi = b->ang_hi + k * 2 * M_PI;
        if (lo <= a->ang_hi + 1e-9 && a->ang_lo <= hi + 1e-9)
            return 1;
    }
    return 0;
}

static void update_route(hm__ls *ls, lroute *r)
{
    const hm__hgs *h = ls->h;
    lnode *z = r->start;
    int pos = 0;
    z->pre = h->self[0];
    z->pos = 0;
    z->r = r;
    z->din = 0;
    for (z = z->next; z; z = z->next) {
        z->pos = ++pos;
        z->r = r;
        z->din = h->d[z->prev->c * h->n + z->c];
        z->pre = hm__seg_merge(h, &z->prev->pre, &h->self[z->c]);
        if (z->depot)
            break;
    }
    r->ncust = pos - 1;
    for (z = r->start->next; !z->depot; z = z->next) {
        z->dskip = h->d[z->prev->c * h->n + z->next->c];
        z->rem = z->dskip - z->din - z->next->din;
    }
    r->end->suf = h->self[0];
    for (z = r->end->prev; z; z = z->prev) {
        z->suf = hm__seg_merge(h, &h->self[z->c], &z->next->suf);
        if (z->depot)
            break;
    }
    r->all = r->end->pre;
    r->cost = hm__seg_cost(h, &r->all);
    r->modified = ls->nmoves;
    update_sector(ls, r);
}

/* ---- pricing helpers ---- */

static double cost2(const hm__hgs *h, const hm__seg *a, const hm__seg *b)
{
    hm__seg s = hm__seg_merge(h, a, b);
    return hm__seg_cost(h, &s);
}

static double cost3(const hm__hgs *h, const hm__seg *a, const hm__seg *b, const hm__seg *c)
{
    hm__seg s = hm__seg_merge(h, a, b);
    s = hm__seg_merge(h, &s, c);
    return hm__seg_cost(h, &s);
}

static double cost_buf(const hm__hgs *h, const int *buf, int len)
{
    hm__seg s = h->self[0];
    for (int i = 0; i < len; i++)
        s = hm__seg_merge(h, &s, &h->self[buf[i]]);
    s = hm__seg_merge(h, &s, &h->self[0]);
    return hm__seg_cost(h, &s);
}

typedef struct mv {
    lnode *u, *x, *v, *y;
    lroute *ru, *rv;
} mv;

/* Intra-route rewrite rules: walking the route, a node listed in `at` is replaced by its
 * emit list; after node `after` (possibly the start depot) the sequence `ins` is emitted. */
typedef struct rewrite {
    const lnode *at[4];
    const lnode *emit[4][2];
    int k[4], nat;
    const lnode *after;
    const lnode *ins[2];
    int nins;
} rewrite;

/* Prices an intra-route rewrite by walking only the changed stretch: the prefix before the
 * first touched node and the suffix after the last one come from the stored segments. */
static double intra_delta(hm__ls *ls, const lroute *r, const rewrite *w)
{
    const hm__hgs *h = ls->h;
    const lnode *lo = w->after ? w->after->next : w->at[0];
    const lnode *hi = w->after ? w->after : w->at[0];
    for (int a = 0; a < w->nat; a++) {
        if (w->at[a]->pos < lo->pos)
            lo = w->at[a];
        if (w->at[a]->pos > hi->pos)
            hi = w->at[a];
    }
    if (hi->pos < lo->pos) /* nothing but an insertion right after `after` */
        hi = lo->prev;
    hm__seg s = lo->prev->pre;
    if (w->after == lo->prev)
        for (int i = 0; i < w->nins; i++)
            s = hm__seg_merge(h, &s, &h->self[w->ins[i]->c]);
    for (const lnode *z = lo; z != hi->next; z = z->next) {
        int replaced = 0;
        for (int a = 0; a < w->nat; a++)
            if (w->at[a] == z) {
                for (int i = 0; i < w->k[a]; i++)
                    s = hm__seg_merge(h, &s, &h->self[w->emit[a][i]->c]);
                replaced = 1;
            }
        if (!replaced)
            s = hm__seg_merge(h, &s, &h->self[z->c]);
        if (z == w->after)
            for (int i = 0; i < w->nins; i++)
                s = hm__seg_merge(h, &s, &h->self[w->ins[i]->c]);
    }
    s = hm__seg_merge(h, &s, &hi->next->suf);
    return hm__seg_cost(h, &s) - r->cost;
}

static double D(const hm__hgs *h, const lnode *a, const lnode *b)
{
    return h->d[a->c * h->n + b->c];
}

/* Lower bound of the new cost of two routes from their new distances. */
static int lb_fails(const hm__hgs *h, const mv *m, double du, double dv, int u_left)
{
    double lb = m->ru->all.dist + du + m->rv->all.dist + dv + (u_left ? h->fixed : 0) + h->fixed;
    return lb >= m->ru->cost + m->rv->cost - EPS;
}

/* ---- applying moves ---- */

static void unlink_node(lnode *u)
{
    u->prev->next = u->next;
    u->next->prev = u->prev;
}

static void insert_after(lnode *u, lnode *v)
{
    unlink_node(u);
    u->prev = v;
    u->next = v->next;
    v->next->prev = u;
    v->next = u;
}

static void swap_nodes(lnode *u, lnode *v)
{
    lnode *up = u->prev, *un = u->next, *vp = v->prev, *vn = v->next;
    if (un == v) {
        up->next = v; v->prev = up; v->next = u; u->prev = v; u->next = vn; vn->prev = u;
        return;
    }
    if (vn == u) {
        vp->next = u; u->prev = vp; u->next = v; v->prev = u; v->next = un; un->prev = v;
        return;
    }
    up->next = v; v->prev = up; v->next = un; un->prev = v;
    vp->next = u; u->prev = vp; u->next = vn; vn->prev = u;
}

static void finish_move(hm__ls *ls, lroute *a, lroute *b)
{
    ls->nmoves++;
    update_route(ls, a);
    if (b != a)
        update_route(ls, b);
}

/* ---- the moves; u is a customer, x = next(u), v a customer or start depot, y = next(v) ---- */


static int move_relocate(hm__ls *ls, mv *m, int nodes, int reversed)
{
    const hm__hgs *h = ls->h;
    lnode *u = m->u, *x = m->x, *v = m->v, *y = m->y;
    if (u == y || v == u)
        return 0;
    if (nodes == 2 && (x->depot || v == x))
        return 0;
    lnode *last = nodes == 2 ? x : u;     /* last node of the moved block in route order */
    double delta;
    lnode *nx = last->next;
    double du = D(h, u->prev, nx) - u->din - nx->din;
    lnode *first = nodes == 2 && reversed ? x : u, *lastin = nodes == 2 && reversed ? u : last;
    double dv = D(h, first, v) + D(h, lastin, y) - y->din;
    if (m->ru == m->rv && m->ru->all.dist + du + dv + h->fixed >= m->ru->cost - EPS)
        return 0;
    if (m->ru != m->rv) {
        if (lb_fails(h, m, du, dv, m->ru->ncust > nodes))
            return 0;
        hm__seg blk = h->self[u->c];
        if (nodes == 2) {
            blk = reversed ? h->self[x->c] : h->self[u->c];
            const hm__seg *second = reversed ? &h->self[u->c] : &h->self[x->c];
            blk = hm__seg_merge(h, &blk, second);
        }
        delta = cost2(h, &u->prev->pre, &last->next->suf) +
                cost3(h, &v->pre, &blk, &y->suf) - m->ru->cost - m->rv->cost;
    } else {
        rewrite w = {.nat = 0, .after = v, .nins = nodes};
        w.at[w.nat] = u; w.k[w.nat++] = 0;
        if (nodes == 2) {
            w.at[w.nat] = x; w.k[w.nat++] = 0;
        }
        w.ins[0] = reversed ? x : u;
        w.ins[1] = reversed ? u : x;
        delta = intra_delta(ls, m->ru, &w);
    }
    if (delta > -EPS)
        return 0;
    if (nodes == 1) {
        insert_after(u, v);
    } else if (!reversed) {
        insert_after(u, v);
        insert_after(x, u);
    } else {
        insert_after(x, v);
        insert_after(u, x);
    }
    finish_move(ls, m->ru, m->rv);
    return 1;
}

static int move_swap11(hm__ls *ls, mv *m)
{
    const hm__hgs *h = ls->h;
    lnode *u = m->u, *v = m->v;
    if (v->depot || u == v->prev || u == m->y)
        return 0;
    double delta;
    if (m->ru != m->rv) {
        double du = D(h, u->prev, v) + D(h, m->x, v) - u->din - m->x->din;
        double dv = D(h, u, v->prev) + D(h, u, m->y) - v->din - m->y->din;
        if (lb_fails(h, m, du, dv, 1))
            return 0;
        delta = cost3(h, &u->prev->pre, &h->self[v->c], &m->x->suf) +
                cost3(h, &v->prev->pre, &h->self[u->c], &m->y->suf) - m->ru->cost -
                m->rv->cost;
    } else {
        double dd = D(h, u->prev, v) + D(h, m->x, v) - u->din - m->x->din +
                    D(h, u, v->prev) + D(h, u, m->y) - v->din - m->y->din;
        if (m->ru->all.dist + dd + h->fixed >= m->ru->cost - EPS)
            return 0;
        rewrite w = {.nat = 2, .nins = 0};
        w.at[0] = u; w.emit[0][0] = v; w.k[0] = 1;
        w.at[1] = v; w.emit[1][0] = u; w.k[1] = 1;
        delta = intra_delta(ls, m->ru, &w);
    }
    if (delta > -EPS)
        return 0;
    swap_nodes(u, v);
    finish_move(ls, m->ru, m->rv);
    return 1;
}

static int move_swap21(hm__ls *ls, mv *m)
{
    const hm__hgs *h = ls->h;
    lnode *u = m->u, *x = m->x, *v = m->v, *y = m->y;
    if (v->depot || x->depot || u == v->prev || x == v->prev || u == y || v == x)
        return 0;
    double delta;
    double du = D(h, u->prev, v) + D(h, x->next, v) - u->din - x->din - x->next->din;
    double dv = D(h, u, v->prev) + x->din + D(h, x, y) - v->din - y->din;
    if (m->ru == m->rv && m->ru->all.dist + du + dv + h->fixed >= m->ru->cost - EPS)
        return 0; /* the blocks are not adjacent, so the same arcs change as between routes */
    if (m->ru != m->rv) {
        if (lb_fails(h, m, du, dv, 1))
            return 0;
        hm__seg ux = hm__seg_merge(h, &h->self[u->c], &h->self[x->c]);
        delta = cost3(h, &u->prev->pre, &h->self[v->c], &x->next->suf) +
                cost3(h, &v->prev->pre, &ux, &y->suf) - m->ru->cost - m->rv->cost;
    } else {
        rewrite w = {.nat = 3, .nins = 0};
        w.at[0] = u; w.emit[0][0] = v; w.k[0] = 1;
        w.at[1] = x; w.k[1] = 0;
        w.at[2] = v; w.emit[2][0] = u; w.emit[2][1] = x; w.k[2] = 2;
        delta = intra_delta(ls, m->ru, &w);
    }
    if (delta > -EPS)
        return 0;
    swap_nodes(u, v);
    insert_after(x, u);
    finish_move(ls, m->ru, m->rv);
    return 1;
}

static int move_swap22(hm__ls *ls, mv *m)
{
    const hm__hgs *h = ls->h;
    lnode *u = m->u, *x = m->x, *v = m->v, *y = m->y;
    if (v->depot || x->depot || y->depot || y == u->prev || u == y || x == v || v == x->next)
        return 0;
    double delta;
    double du = D(h, u->prev, v) + y->din + D(h, x->next, y) - u->din - x->din - x->next->din;
    double dv = D(h, u, v->prev) + x->din + D(h, x, y->next) - v->din - y->din - y->next->din;
    if (m->ru == m->rv && m->ru->all.dist + du + dv + h->fixed >= m->ru->cost - EPS)
        return 0;
    if (m->ru != m->rv) {
        if (lb_fails(h, m, du, dv, 1))
            return 0;
        hm__seg ux = hm__seg_merge(h, &h->self[u->c], &h->self[x->c]);
        hm__seg vy = hm__seg_merge(h, &h->self[v->c], &h->self[y->c]);
        delta = cost3(h, &u->prev->pre, &vy, &x->next->suf) +
                cost3(h, &v->prev->pre, &ux, &y->next->suf) - m->ru->cost - m->rv->cost;
    } else {
        rewrite w = {.nat = 4, .nins = 0};
        w.at[0] = u; w.emit[0][0] = v; w.k[0] = 1;
        w.at[1] = x; w.emit[1][0] = y; w.k[1] = 1;
        w.at[2] = v; w.emit[2][0] = u; w.k[2] = 1;
        w.at[3] = y; w.emit[3][0] = x; w.k[3] = 1;
        delta = intra_delta(ls, m->ru, &w);
    }
    if (delta > -EPS)
        return 0;
    swap_nodes(u, v);
    swap_nodes(x, y);
    finish_move(ls, m->ru, m->rv);
    return 1;
}

/* 2-opt inside a route: reverse x..v (u before v). The matrix is symmetric, so only the two
 * end arcs change distance; the time summary of the reversed stretch is walked. */
static int move_2opt(hm__ls *ls, mv *m)
{
    const hm__hgs *h = ls->h;
    lnode *u = m->u, *v = m->v;
    if (m->ru != m->rv || v->depot || u->pos > v->pos || u->next == v)
        return 0;
    double dd = D(h, u, v) + D(h, m->x, m->y) - m->x->din - m->y->din;
    if (m->ru->all.dist + dd + h->fixed >= m->ru->cost - EPS)
        return 0;
    hm__seg s = u->pre;
    for (lnode *z = v; z != u; z = z->prev)
        s = hm__seg_merge(h, &s, &h->self[z->c]);
    s = hm__seg_merge(h, &s, &m->y->suf);
    double delta = hm__seg_cost(h, &s) - m->ru->cost;
    if (delta > -EPS)
        return 0;
    /* relink the reversed block */
    lnode *prev = u, *after = m->y;
    for (lnode *z = v, *nz; z != u; z = nz) {
        nz = z->prev;
        prev->next = z;
        z->prev = prev;
        prev = z;
    }
    prev->next = after;
    after->prev = prev;
    finish_move(ls, m->ru, m->rv);
    return 1;
}

/* 2-opt* between routes: (u,x),(v,y) become (u,y),(v,x): the routes exchange their tails. */
static int move_2optstar(hm__ls *ls, mv *m)
{
    const hm__hgs *h = ls->h;
    lnode *u = m->u, *x = m->x, *v = m->v, *y = m->y;
    if (m->ru == m->rv)
        return 0;
    double lb = u->pre.dist + D(h, u, y) + y->suf.dist + v->pre.dist + D(h, x, v) + x->suf.dist;
    if (lb >= m->ru->cost + m->rv->cost - EPS)
        return 0;
    double delta = cost2(h, &u->pre, &y->suf) + cost2(h, &v->pre, &x->suf) - m->ru->cost -
                   m->rv->cost;
    if (delta > -EPS)
        return 0;
    lnode *ue = m->ru->end, *ve = m->rv->end;
    lnode *xl = ue->prev, *yl = ve->prev;
    int xt = !x->depot, yt = !y->depot;
    if (yt) {
        u->next = y; y->prev = u; yl->next = ue; ue->prev = yl;
    } else {
        u->next = ue; ue->prev = u;
    }
    if (xt) {
        v->next = x; x->prev = v; xl->next = ve; ve->prev = xl;
    } else {
        v->next = ve; ve->prev = v;
    }
    finish_move(ls, m->ru, m->rv);
    return 1;
}

static void set_mv(mv *m, lnode *u, lnode *v)
{
    m->u = u;
    m->x = u->next;
    m->ru = u->r;
    m->v = v;
    m->y = v->next;
    m->rv = v->r;
}

static int try_all(hm__ls *ls, lnode *u, lnode *v)
{
    mv m;
    set_mv(&m, u, v);
    if (move_relocate(ls, &m, 1, 0) || move_relocate(ls, &m, 2, 0) ||
        move_relocate(ls, &m, 2, 1) || move_swap11(ls, &m) || move_swap21(ls, &m) ||
        move_swap22(ls, &m) || move_2opt(ls, &m) || move_2optstar(ls, &m))
        return 1;
    return 0;
}

static int try_after_depot(hm__ls *ls, lnode *u, lnode *depot)
{
    mv m;
    set_mv(&m, u, depot);
    return move_relocate(ls, &m, 1, 0) || move_relocate(ls, &m, 2, 0) ||
           move_relocate(ls, &m, 2, 1) || move_2optstar(ls, &m);
}

/* ---- SWAP* ---- */

static void ins3_reset(ins3 *b)
{
    for (int i = 0; i < 3; i++) {
        b->cost[i] = 1e30;
        b->after[i] = NULL;
    }
}

static void ins3_add(ins3 *b, double c, lnode *after)
{
    if (c >= b->cost[2])
        return;
    int i = 2;
    while (i > 0 && c < b->cost[i - 1]) {
        b->cost[i] = b->cost[i - 1];
        b->after[i] = b->after[i - 1];
        i--;
    }
    b->cost[i] = c;
    b->after[i] = after;
}

static ins3 *ins_of(const hm__ls *ls, const lroute *to, int c)
{
    return &ls->ins[(size_t)to->idx * (size_t)ls->h->n + (size_t)c];
}

/* For every customer of `from`, its three cheapest (distance) insertion points in `to`,
 * recomputed only when `to` changed since they were last computed (as in HGS-CVRP). */
static void preprocess_insertions(hm__ls *ls, lroute *from, lroute *to)
{
    const hm__hgs *h = ls->h;
    int n = h->n;
    for (lnode *u = from->start->next; !u->depot; u = u->next) {
        ins3 *b = ins_of(ls, to, u->c);
        if (b->when >= to->modified)
            continue;
        ins3_reset(b);
        b->when = ls->nmoves;
        for (lnode *a = to->start; !a->depot || a == to->start; a = a->next) {
            int nx = a->next->c;
            double c = h->d[u->c * n + a->c] + h->d[u->c * n + nx] - a->next->din;
            ins3_add(b, c, a);
        }
    }
}

/* Cheapest place to insert u into v's route once v is removed: the best stored point not
 * adjacent to v, or v's own place. */
static double cheapest_in_place(const hm__hgs *h, const ins3 *b, lnode *u, lnode *v,
                                lnode **after)
{
    int n = h->n;
    *after = v->prev;
    double best = h->d[u->c * n + v->prev->c] + h->d[u->c * n + v->next->c] - v->dskip;
    for (int i = 0; i < 3; i++)
        if (b->after[i] && b->after[i] != v && b->after[i]->next != v && b->cost[i] < best) {
            best = b->cost[i];
            *after = b->after[i];
        }
    return best;
}

/* Sequence of route r with `out` removed and `in` inserted after `after` (which may be the
 * node right before `out`). */
static int build_exchange(const lroute *r, const lnode *out, const lnode *in, const lnode *after,
                          int *buf)
{
    int len = 0;
    if (after == r->start)
        buf[len++] = in->c;
    for (const lnode *z = r->start->next; !z->depot; z = z->next) {
        if (z != out)
            buf[len++] = z->c;
        if (z == after)
            buf[len++] = in->c;
    }
    return len;
}

static int swap_star(hm__ls *ls, lroute *r1, lroute *r2)
{
    const hm__hgs *h = ls->h;
    preprocess_insertions(ls, r1, r2);
    preprocess_insertions(ls, r2, r1);
    double best = 0;
    lnode *bu = NULL, *bv = NULL, *bu_after = NULL, *bv_after = NULL;
    for (lnode *u = r1->start->next; !u->depot; u = u->next) {
        double rem_u = u->rem;
        for (lnode *v = r2->start->next; !v->depot; v = v->next) {
            double rem_v = v->rem;
            lnode *au, *av;
            double iu = cheapest_in_place(h, ins_of(ls, r2, u->c), u, v, &au);
            double iv = cheapest_in_place(h, ins_of(ls, r1, v->c), v, u, &av);
            double est = rem_u + rem_v + iu + iv;
            if (est < best - EPS) {
                best = est;
                bu = u; bv = v; bu_after = au; bv_after = av;
            }
        }
    }
    if (!bu)
        return 0;
    /* the estimate ignores load and time warp: price the pair exactly before applying */
    int l1 = build_exchange(r1, bu, bv, bv_after, ls->buf);
    double c1 = cost_buf(h, ls->buf, l1);
    int l2 = build_exchange(r2, bv, bu, bu_after, ls->buf);
    double c2 = cost_buf(h, ls->buf, l2);
    if (c1 + c2 - r1->cost - r2->cost > -EPS)
        return 0;
    insert_after(bu, bu_after);
    insert_after(bv, bv_after);
    finish_move(ls, r1, r2);
    return 1;
}

/* ---- driver ---- */

static void shuffle(hm__rng *r, int *a, int len)
{
    for (int i = len - 1; i > 0; i--) {
        int j = hm__rng_int(r, i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

static void load_routes(hm__ls *ls, const int *rnodes, const int *roff)
{
    const hm__hgs *h = ls->h;
    for (int r = 0; r < h->V; r++) {
        lroute *rt = &ls->routes[r];
        lnode *prev = rt->start;
        prev->prev = NULL;
        for (int k = roff[r]; k < roff[r + 1]; k++) {
            lnode *z = &ls->cl[rnodes[k]];
            prev->next = z;
            z->prev = prev;
            prev = z;
        }
        prev->next = rt->end;
        rt->end->prev = prev;
        rt->end->next = NULL;
        rt->modified = 0;
        rt->swap_tested = -1;
        update_route(ls, rt);
    }
    for (int c = 1; c < h->n; c++)
        ls->cl[c].tested = -1;
}

static lroute *empty_route(hm__ls *ls)
{
    for (int r = 0; r < ls->h->V; r++)
        if (ls->routes[r].ncust == 0)
            return &ls->routes[r];
    return NULL;
}

static int customer_pass(hm__ls *ls)
{
    hm__hgs *h = ls->h;
    int improved = 0;
    for (int i = 0; i < h->nc; i++) {
        lnode *u = &ls->cl[ls->order[i]];
        long last = u->tested;
        u->tested = ls->nmoves;
        const int *nb = h->corr + (size_t)u->c * h->G;
        for (int k = 0; k < h->G; k++) {
            if (nb[k] <= 0)
                break;
            lnode *v = &ls->cl[nb[k]];
            long mod = u->r->modified > v->r->modified ? u->r->modified : v->r->modified;
            if (ls->loop > 0 && mod <= last)
                continue;
            if (try_all(ls, u, v)) {
                improved = 1;
                continue;
            }
            if (v->prev->depot && try_after_depot(ls, u, v->prev))
                improved = 1;
        }
        {
            /* unlike HGS-CVRP also in the first loop: cheap, and the result is then a true
             * local optimum for relocations into an empty route as well */
            lroute *e = empty_route(ls);
            if (e && try_after_depot(ls, u, e->start))
                improved = 1;
        }
    }
    return improved;
}

static int swap_star_pass(hm__ls *ls)
{
    int improved = 0;
    for (int a = 0; a < ls->h->V; a++) {
        lroute *r1 = &ls->routes[a];
        if (r1->ncust == 0)
            continue;
        long last = r1->swap_tested;
        r1->swap_tested = ls->nmoves;
        for (int b = a + 1; b < ls->h->V; b++) {
            lroute *r2 = &ls->routes[b];
            if (r2->ncust == 0)
                continue;
            long mod = r1->modified > r2->modified ? r1->modified : r2->modified;
            if (ls->loop > 0 && mod <= last)
                continue;
            if (sectors_overlap(r1, r2) && swap_star(ls, r1, r2))
                improved = 1;
            if (r1->ncust == 0)
                break;
        }
    }
    return improved;
}

static int cmp_rkey(const void *a, const void *b)
{
    const rkey *x = a, *y = b;
    return x->angle < y->angle ? -1 : x->angle > y->angle ? 1 : x->r - y->r;
}

static void export_routes(hm__ls *ls, int *rnodes, int *roff)
{
    const hm__hgs *h = ls->h;
    const hm__vrp *p = h->p;
    rkey *keys = ls->keys;
    int nk = 0;
    for (int r = 0; r < h->V; r++) {
        lroute *rt = &ls->routes[r];
        if (rt->ncust == 0)
            continue;
        double sx = 0, sy = 0;
        for (lnode *z = rt->start->next; !z->depot; z = z->next) {
            sx += p->x[z->c];
            sy += p->y[z->c];
        }
        keys[nk].angle = atan2(sy / rt->ncust - p->y[0], sx / rt->ncust - p->x[0]);
        keys[nk++].r = r;
    }
    qsort(keys, (size_t)nk, sizeof keys[0], cmp_rkey);
    int k = 0;
    for (int i = 0; i < h->V; i++) {
        roff[i] = k;
        if (i >= nk)
            continue;
        lroute *rt = &ls->routes[keys[i].r];
        for (lnode *z = rt->start->next; !z->depot; z = z->next)
            rnodes[k++] = z->c;
    }
    roff[h->V] = k;
}

void hm__ls_run(hm__ls *ls, int *rnodes, int *roff)
{
    hm__hgs *h = ls->h;
    /* the move counter runs on across calls, so SWAP* caches from earlier calls are stale by
     * their stamps alone and need no clearing */
    ls->nmoves++;
    load_routes(ls, rnodes, roff);
    shuffle(&h->rng, ls->order, h->nc);
    for (int c = 1; c < h->n; c++) {
        int *nb = h->corr + (size_t)c * h->G;
        int len = 0;
        while (len < h->G && nb[len] > 0)
            len++;
        shuffle(&h->rng, nb, len);
    }
    int improved = 1;
    for (ls->loop = 0; improved; ls->loop++) {
        improved = customer_pass(ls);
        /* SWAP* only once the cheap moves are exhausted (see planner.md) */
        if (!improved)
            improved = swap_star_pass(ls);
    }
    export_routes(ls, rnodes, roff);
}
