/* base/arena: alignment, small and large allocations, clean-up hooks in reverse order, and
 * allocation failure injected through hm_alloc_fail_after (each failure clean, no leaks). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/error.h"

static int teardown(void **state)
{
    (void)state;
    hm_alloc_fail_after(-1);
    return 0;
}

static void alignment(void **state)
{
    (void)state;
    hm_arena *a = hm_arena_create(0);
    assert_non_null(a);
    for (size_t n = 0; n < 300; n++) {
        unsigned char *p = hm_arena_alloc(a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xab, n);
    }
    char *s = hm_arena_strdup(a, "x");
    assert_int_equal((uintptr_t)s % 16, 0);
    void *big = hm_arena_alloc(a, 100000);
    assert_non_null(big);
    assert_int_equal((uintptr_t)big % 16, 0);
    hm_arena_destroy(a);
}

static void many_small_and_large(void **state)
{
    (void)state;
    hm_arena *a = hm_arena_create(1024);
    assert_non_null(a);
    enum { N = 5000 };
    static unsigned char *ptrs[N];
    static size_t sizes[N];
    for (int i = 0; i < N; i++) {
        sizes[i] = (i % 97 == 0) ? (size_t)(2000 + i * 3) : (size_t)(1 + i % 61);
        ptrs[i] = hm_arena_alloc(a, sizes[i]);
        assert_non_null(ptrs[i]);
        memset(ptrs[i], i & 0xff, sizes[i]);
    }
    /* Nothing overlapped: every allocation still holds its own pattern. */
    for (int i = 0; i < N; i++)
        for (size_t k = 0; k < sizes[i]; k++)
            if (ptrs[i][k] != (unsigned char)(i & 0xff))
                fail_msg("allocation %d byte %zu was overwritten", i, k);
    assert_true(hm_arena_used(a) >= 5000);
    hm_arena_destroy(a);
}

static void strings(void **state)
{
    (void)state;
    hm_arena *a = hm_arena_create(256);
    assert_string_equal(hm_arena_strdup(a, "hello"), "hello");
    assert_string_equal(hm_arena_strndup(a, "hello", 3), "hel");
    assert_string_equal(hm_arena_strndup(a, "hi", 10), "hi");
    assert_string_equal(hm_arena_strndup(a, "", 0), "");
    assert_null(hm_arena_strdup(a, NULL));
    assert_string_equal(hm_arena_printf(a, "%s-%03d", "bed", 7), "bed-007");
    char big[3000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *p = hm_arena_printf(a, "<%s>", big);
    assert_non_null(p);
    assert_int_equal(strlen(p), sizeof big + 1);
    assert_int_equal(p[0], '<');
    assert_int_equal(p[sizeof big], '>');
    int *z = hm_arena_calloc(a, 100, sizeof(int));
    for (int i = 0; i < 100; i++)
        assert_int_equal(z[i], 0);
    assert_null(hm_arena_calloc(a, SIZE_MAX / 2, 4)); /* overflow */
    assert_null(hm_arena_alloc(a, SIZE_MAX));
    assert_null(hm_arena_alloc(a, SIZE_MAX - 8));
    hm_arena_destroy(a);
    hm_arena_destroy(NULL);
}

static char order[16];
static size_t order_len;

static void record(void *arg)
{
    if (order_len < sizeof order - 1)
        order[order_len++] = *(const char *)arg;
}

static void noop(void *arg)
{
    (void)arg;
}

static void hooks_run_in_reverse(void **state)
{
    (void)state;
    order_len = 0;
    memset(order, 0, sizeof order);
    hm_arena *a = hm_arena_create(0);
    /* The args live in the arena: hooks run before memory is freed. */
    assert_int_equal(hm_arena_on_destroy(a, record, hm_arena_strdup(a, "a")), HM_OK);
    assert_int_equal(hm_arena_on_destroy(a, record, hm_arena_strdup(a, "b")), HM_OK);
    hm_arena_alloc(a, 50000);
    assert_int_equal(hm_arena_on_destroy(a, record, hm_arena_strdup(a, "c")), HM_OK);
    assert_int_equal(hm_arena_on_destroy(a, NULL, NULL), HM_EINVAL);
    hm_arena_destroy(a);
    assert_string_equal(order, "cba");
}

static void injected_failures_are_clean(void **state)
{
    (void)state;
    hm_alloc_fail_after(0);
    assert_null(hm_arena_create(0));
    /* One failure only: the next allocation works again. */
    hm_arena *a = hm_arena_create(0);
    assert_non_null(a);
    hm_alloc_fail_after(0);
    assert_null(hm_arena_alloc(a, 10)); /* the first block */
    assert_non_null(hm_arena_alloc(a, 10));
    hm_alloc_fail_after(0);
    assert_null(hm_arena_alloc(a, 1 << 20)); /* a dedicated block */
    hm_alloc_fail_after(0);
    assert_non_null(hm_arena_printf(a, "%d", 5000)); /* fits in the current block */
    hm_alloc_fail_after(-1);
    hm_arena_destroy(a);
    a = hm_arena_create(0);
    hm_alloc_fail_after(0);
    assert_null(hm_arena_printf(a, "%d", 5000)); /* needs the first block */
    assert_non_null(hm_arena_strdup(a, "x"));    /* the failure was one-shot */
    hm_alloc_fail_after(-1);
    hm_arena_destroy(a);

    /* Fail allocation 1, 2, 3 ... of a composite operation until it succeeds. */
    long before = hm_alloc_injected_failures();
    int n;
    for (n = 0; n < 1000; n++) {
        long injected = hm_alloc_injected_failures();
        hm_alloc_fail_after(n);
        hm_arena *b = hm_arena_create(256);
        int ok = b != NULL;
        for (int i = 0; ok && i < 20; i++)
            ok = hm_arena_alloc(b, 200) != NULL && hm_arena_on_destroy(b, noop, b) == HM_OK;
        char *s = ok ? hm_strdup("payload") : NULL;
        ok = ok && s;
        hm_alloc_fail_after(-1);
        hm_free(s);
        hm_arena_destroy(b);
        if (ok && hm_alloc_injected_failures() == injected)
            break;
        assert_false(ok);
    }
    assert_true(n > 10 && n < 1000);
    assert_int_equal(hm_alloc_injected_failures() - before, n);
}

static void hook_failure_reports_enomem(void **state)
{
    (void)state;
    hm_arena *a = hm_arena_create(256);
    hm_alloc_fail_after(0);
    order_len = 0;
    assert_int_equal(hm_arena_on_destroy(a, record, "x"), HM_ENOMEM);
    hm_alloc_fail_after(-1);
    hm_arena_destroy(a);
    assert_int_equal(order_len, 0); /* an unregistered hook never runs */
}

static void plain_hook_functions(void **state)
{
    (void)state;
    char *p = hm_malloc(0);
    assert_non_null(p);
    p = hm_realloc(p, 100);
    assert_non_null(p);
    memset(p, 1, 100);
    char *q = hm_realloc(p, 0);
    assert_non_null(q);
    hm_free(q);
    int *z = hm_calloc(10, sizeof(int));
    assert_int_equal(z[9], 0);
    hm_free(z);
    assert_null(hm_calloc(SIZE_MAX / 2, 4));
    char *s = hm_strdup("abc");
    assert_string_equal(s, "abc");
    hm_free(s);
    assert_null(hm_strdup(NULL));
    hm_free(NULL);
    hm_alloc_fail_after(1);
    void *ok = hm_malloc(8);
    assert_non_null(ok);
    assert_null(hm_calloc(1, 8));
    void *again = hm_realloc(ok, 16);
    assert_non_null(again);
    hm_alloc_fail_after(0);
    assert_null(hm_realloc(again, 32)); /* failure leaves the block valid */
    hm_free(again);
}

enum { THREADS = 4, PER_THREAD = 20000 };

static void *hammer(void *arg)
{
    long *fails = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        void *p = hm_malloc(16);
        if (!p)
            (*fails)++;
        hm_free(p);
    }
    return NULL;
}

static void fail_after_is_thread_safe(void **state)
{
    (void)state;
    /* Exactly one allocation fails across all threads, whatever the interleaving. */
    pthread_t t[THREADS];
    long fails[THREADS] = {0};
    hm_alloc_fail_after(PER_THREAD * THREADS / 2);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &fails[i]), 0);
    long total = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        total += fails[i];
    }
    assert_int_equal(total, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(alignment, teardown),
        cmocka_unit_test_teardown(many_small_and_large, teardown),
        cmocka_unit_test_teardown(strings, teardown),
        cmocka_unit_test_teardown(hooks_run_in_reverse, teardown),
        cmocka_unit_test_teardown(injected_failures_are_clean, teardown),
        cmocka_unit_test_teardown(hook_failure_reports_enomem, teardown),
        cmocka_unit_test_teardown(plain_hook_functions, teardown),
        cmocka_unit_test_teardown(fail_after_is_thread_safe, teardown),
    };
    return cmocka_run_group_tests_name("base/arena", tests, NULL, NULL);
}
