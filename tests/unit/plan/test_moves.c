/* Unit tests of the local search's neighbourhoods against brute force: on random tiny
 * instances (every customer a neighbour of every other), the local search must never worsen
 * the penalised cost, and its result must admit no improving relocation (of one customer or a
 * pair, in either orientation), swap (1-1, 2-1, 2-2), 2-opt inside a route or 2-opt* between
 * routes, each enumerated exhaustively here and priced by plain simulation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "plan/hgs_int.h"
#include "plan_test.h"

#define MAXV 6
#define MAXL 16

typedef struct routes {
    int V, len[MAXV], r[MAXV][MAXL];
} routes;

static const hm__vrp *P;
static double PC, PT;

static double cost(const routes *s)
{
    int rnodes[MAXV * MAXL], roff[MAXV + 1], k = 0;
    for (int i = 0; i < s->V; i++) {
        roff[i] = k;
        for (int j = 0; j < s->len[i]; j++)
            rnodes[k++] = s->r[i][j];
    }
    roff[s->V] = k;
    return pt_penalised(P, rnodes, roff, s->V, PC, PT);
}

/* Removes positions [i, i+k) of route a; returns the removed customers in out. */
static void cut(routes *s, int a, int i, int k, int *out)
{
    memcpy(out, s->r[a] + i, sizeof(int) * (size_t)k);
    memmove(s->r[a] + i, s->r[a] + i + k, sizeof(int) * (size_t)(s->len[a] - i - k));
    s->len[a] -= k;
}

static void paste(routes *s, int a, int i, const int *in, int k)
{
    memmove(s->r[a] + i + k, s->r[a] + i, sizeof(int) * (size_t)(s->len[a] - i));
    memcpy(s->r[a] + i, in, sizeof(int) * (size_t)k);
    s->len[a] += k;
}

static double best_found;
static const char *best_kind;

static void consider(const routes *s, const char *kind)
{
    double c = cost(s);
    if (c < best_found - 1e-6) {
        best_found = c;
        best_kind = kind;
    }
}

/* Relocate a block of k (1 or 2) customers, optionally reversed, anywhere. */
static void relocations(const routes *s0, int k, int rev)
{
    for (int a = 0; a < s0->V; a++)
        for (int i = 0; i + k <= s0->len[a]; i++) {
            routes s = *s0;
            int blk[2];
            cut(&s, a, i, k, blk);
            if (rev && k == 2) {
                int t = blk[0];
                blk[0] = blk[1];
                blk[1] = t;
            }
            for (int b = 0; b < s.V; b++)
                for (int j = 0; j <= s.len[b]; j++) {
                    if (b == a && j == i)
                        continue;
                    routes t = s;
                    paste(&t, b, j, blk, k);
                    consider(&t, k == 1 ? "relocate" : rev ? "relocate pair reversed" : "relocate pair");
                }
        }
}

/* Exchange a block of k1 at (a,i) with a block of k2 at (b,j); same-route blocks must be
 * separated by at least one customer (the local search leaves adjacent ones to relocations). */
static void swaps(const routes *s0, int k1, int k2, const char *kind)
{
    for (int a = 0; a < s0->V; a++)
        for (int i = 0; i + k1 <= s0->len[a]; i++)
            for (int b = 0; b < s0->V; b++)
                for (int j = 0; j + k2 <= s0->len[b]; j++) {
                    if (a == b && !(i + k1 < j || j + k2 < i))
                        continue;
                    routes s = *s0;
                    int x[2], y[2];
                    memcpy(x, s.r[a] + i, sizeof(int) * (size_t)k1);
                    memcpy(y, s.r[b] + j, sizeof(int) * (size_t)k2);
                    if (a == b && j < i) {
                        cut(&s, a, i, k1, x);
                        paste(&s, a, i, y, k2);
                        cut(&s, a, j, k2, y);
                        paste(&s, a, j, x, k1);
                    } else {
                        cut(&s, b, j, k2, y);
                        paste(&s, b, j, x, k1);
                        cut(&s, a, i, k1, x);
                        paste(&s, a, i, y, k2);
                    }
                    consider(&s, kind);
                }
}

/* Reverse [i..j] inside a route, i >= 1 (the segment follows a customer, as the move does). */
static void two_opt(const routes *s0)
{
    for (int a = 0; a < s0->V; a++)
        for (int i = 1; i < s0->len[a]; i++)
            for (int j = i + 1; j < s0->len[a]; j++) {
                routes s = *s0;
                for (int l = i, h = j; l < h; l++, h--) {
                    int t = s.r[a][l];
                    s.r[a][l] = s.r[a][h];
                    s.r[a][h] = t;
                }
                consider(&s, "2-opt");
            }
}

/* Exchange tails: route a after position i (i >= 1) with route b after position j (j >= 0). */
static void two_opt_star(const routes *s0)
{
    for (int a = 0; a < s0->V; a++)
        for (int b = 0; b < s0->V; b++) {
            if (a == b)
                continue;
            for (int i = 1; i <= s0->len[a]; i++)
                for (int j = 0; j <= s0->len[b]; j++) {
                    routes s = *s0;
                    int ta = s0->len[a] - i, tb = s0->len[b] - j;
                    if (i + tb > MAXL || j + ta > MAXL)
                        continue;
                    memcpy(s.r[a] + i, s0->r[b] + j, sizeof(int) * (size_t)tb);
                    memcpy(s.r[b] + j, s0->r[a] + i, sizeof(int) * (size_t)ta);
                    s.len[a] = i + tb;
                    s.len[b] = j + ta;
                    consider(&s, "2-opt*");
                }
        }
}

static void run_case_calls(unsigned seed, int n, int V, int tight, double pc, double pt,
                           int calls);

static void run_case(unsigned seed, int n, int V, int tight, double pc, double pt)
{
    run_case_calls(seed, n, V, tight, pc, pt, 1);
}

/* The local search object is reused across calls (the genetic search makes thousands): its
 * caches (SWAP*'s best insertion places per route) must go stale by their stamps alone. Each
 * call gets a different random start; every result must hold each customer exactly once and
 * be no worse than its start, and the last must be a local optimum. */
static void run_case_calls(unsigned seed, int n, int V, int tight, double pc, double pt,
                           int calls)
{
    hm__vrp p;
    pt_random_instance(&p, n, V, seed, tight);
    P = &p;
    PC = pc;
    PT = pt;
    hm__hgs_opts o = {.seed = seed, .granular = n};
    hm__hgs h;
    assert_int_equal(hm__hgs_init(&h, &p, &o), HM_OK);
    h.pen_cap = pc;
    h.pen_tw = pt;
    hm__ls *ls = hm__ls_create(&h);
    assert_non_null(ls);
    int rnodes[MAXV * MAXL], roff[MAXV + 1];
    routes s = {.V = h.V};
    double after = 0;
    for (int call = 0; call < calls; call++) {
        /* a random start: customers dealt to the routes by a stride that changes per call */
        memset(s.len, 0, sizeof s.len);
        for (int c = 1; c < n; c++) {
            int r = (int)((c * (7 + 2 * (unsigned)call) + seed + (unsigned)call) % (unsigned)h.V);
            s.r[r][s.len[r]++] = c;
        }
        double before = cost(&s);
        int k = 0;
        for (int r = 0; r < s.V; r++) {
            roff[r] = k;
            for (int j = 0; j < s.len[r]; j++)
                rnodes[k++] = s.r[r][j];
        }
        roff[s.V] = k;
        hm__ls_run(ls, rnodes, roff);
        int seen[MAXV * MAXL + 1] = {0};
        assert_int_equal(roff[s.V], n - 1);
        for (int r = 0; r < s.V; r++) {
            s.len[r] = roff[r + 1] - roff[r];
            assert_true(s.len[r] >= 0 && s.len[r] <= MAXL);
            memcpy(s.r[r], rnodes + roff[r], sizeof(int) * (size_t)s.len[r]);
            for (int j = 0; j < s.len[r]; j++)
                assert_int_equal(seen[s.r[r][j]]++, 0);
        }
        after = cost(&s);
        assert_true(after <= before + 1e-6);
    }
    best_found = after;
    best_kind = NULL;
    relocations(&s, 1, 0);
    relocations(&s, 2, 0);
    relocations(&s, 2, 1);
    swaps(&s, 1, 1, "swap 1-1");
    swaps(&s, 2, 1, "swap 2-1");
    swaps(&s, 2, 2, "swap 2-2");
    two_opt(&s);
    two_opt_star(&s);
    if (best_kind)
        fail_msg("seed %u: %s improves %.4f to %.4f", seed, best_kind, after, best_found);
    hm__ls_destroy(ls);
    hm__hgs_fini(&h);
    hm__vrp_free(&p);
}

static void local_optimum_loose_windows(void **state)
{
    (void)state;
    for (unsigned seed = 1; seed <= 40; seed++)
        run_case(seed, 9, 4, 0, 5, 1);
}

static void local_optimum_tight_windows(void **state)
{
    (void)state;
    for (unsigned seed = 1; seed <= 40; seed++)
        run_case(seed, 9, 4, 1, 3, 2);
}

static void repeated_calls(void **state)
{
    (void)state;
    for (unsigned seed = 200; seed <= 230; seed++)
        run_case_calls(seed, 12, 5, (int)(seed % 2), 4, 2, 6);
}

static void local_optimum_high_penalties(void **state)
{
    (void)state;
    for (unsigned seed = 100; seed <= 130; seed++)
        run_case(seed, 10, 5, 1, 100, 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(local_optimum_loose_windows),
        cmocka_unit_test(local_optimum_tight_windows),
        cmocka_unit_test(local_optimum_high_penalties),
        cmocka_unit_test(repeated_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
