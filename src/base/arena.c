/* arena.c: block arenas with clean-up hooks, and the allocation hook with fault injection.
 *
 * An arena is a list of blocks; the head is the block being filled. A request that does not
 * fit either gets a fresh standard block (which becomes the head; the old head's tail is
 * abandoned) or, when large, a dedicated block linked behind the head so the head keeps
 * filling. Clean-up hooks live in arena memory and form a LIFO list, so destroy runs them in
 * reverse order of registration before any block is freed. Alignment is computed on
 * addresses, so it does not depend on what malloc guarantees. */
#include "base/arena.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

#define ARENA_ALIGN 16
#define ARENA_DEFAULT_BLOCK 8192
#define ARENA_MIN_BLOCK 256
/* Requests above 1 GiB are refused outright: no request needs that much, and the limit keeps
 * all size arithmetic far from overflow. */
#define ARENA_MAX_REQUEST ((size_t)1 << 30)

struct block {
    struct block *next;
    size_t cap;  /* usable bytes after the header, including alignment slack */
    size_t used; /* bytes consumed from the start of data */
    unsigned char data[];
};

struct hook {
    struct hook *next;
    void (*fn)(void *);
    void *arg;
};

struct hm_arena {
    struct block *head;
    struct hook *hooks;
    size_t block_size;
    size_t handed_out;
};

/* ---- the allocation hook ---- */

static atomic_long fail_countdown = -1;
static atomic_long injected_failures = 0;

/* 1 when the test hook says this allocation must fail. Lock-free: each allocation takes one
 * step off the countdown, and exactly one of them sees it at 0 and disarms it. */
static int injected_failure(void)
{
    long c = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    while (c >= 0) {
        long next = c == 0 ? -1 : c - 1;
        if (atomic_compare_exchange_weak(&fail_countdown, &c, next)) {
            if (c != 0)
                return 0;
            atomic_fetch_add(&injected_failures, 1);
            return 1;
        }
    }
    return 0;
}

void hm_alloc_fail_after(long n)
{
    atomic_store(&fail_countdown, n < 0 ? -1 : n);
}

long hm_alloc_injected_failures(void)
{
    return atomic_load(&injected_failures);
}

void *hm_malloc(size_t n)
{
    if (injected_failure())
        return NULL;
    return malloc(n ? n : 1);
}

void *hm_calloc(size_t n, size_t size)
{
    if (injected_failure())
        return NULL;
    if (n == 0 || size == 0)
        return calloc(1, 1);
    if (n > SIZE_MAX / size)
        return NULL; /* checked here: some allocators abort instead of returning NULL */
    return calloc(n, size);
}

void *hm_realloc(void *p, size_t n)
{
    if (injected_failure())
        return NULL;
    return realloc(p, n ? n : 1);
}

void hm_free(void *p)
{
    free(p);
}

char *hm_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = hm_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* ---- arenas ---- */

hm_arena *hm_arena_create(size_t block_size)
{
    hm_arena *a = hm_malloc(sizeof *a);
    if (!a)
        return NULL;
    if (block_size == 0)
        block_size = ARENA_DEFAULT_BLOCK;
    if (block_size < ARENA_MIN_BLOCK)
        block_size = ARENA_MIN_BLOCK;
    if (block_size > ARENA_MAX_REQUEST)
        block_size = ARENA_MAX_REQUEST;
    a->head = NULL;
    a->hooks = NULL;
    a->block_size = block_size;
    a->handed_out = 0;
    return a;
}

void hm_arena_destroy(hm_arena *a)
{
    if (!a)
        return;
    for (struct hook *h = a->hooks; h; h = h->next)
        h->fn(h->arg);
    struct block *b = a->head;
    while (b) {
        struct block *next = b->next;
        hm_free(b);
        b = next;
    }
    hm_free(a);
}

/* The aligned address n bytes can take in b, or NULL when they do not fit. */
static void *fit(struct block *b, size_t n)
{
    uintptr_t base = (uintptr_t)b->data;
    uintptr_t at = (base + b->used + (ARENA_ALIGN - 1)) & ~(uintptr_t)(ARENA_ALIGN - 1);
    size_t off = (size_t)(at - base);
    if (off > b->cap || b->cap - off < n)
        return NULL;
    b->used = off + n;
    return (void *)at;
}

/* An empty block with cap usable bytes (callers add ARENA_ALIGN of slack for alignment). */
static struct block *new_block(size_t cap)
{
    struct block *b = hm_malloc(sizeof *b + cap);
    if (!b)
        return NULL;
    b->next = NULL;
    b->cap = cap;
    b->used = 0;
    return b;
}

void *hm_arena_alloc(hm_arena *a, size_t n)
{
    if (!a || n > ARENA_MAX_REQUEST)
        return NULL;
    if (n == 0)
        n = 1;
    void *p = a->head ? fit(a->head, n) : NULL;
    if (!p) {
        int large = n > a->block_size / 4;
        struct block *b = new_block((large ? n : a->block_size) + ARENA_ALIGN);
        if (!b)
            return NULL;
        if (large && a->head) {
            b->next = a->head->next; /* keep filling the current head */
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
        p = fit(b, n);
    }
    a->handed_out += (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    return p;
}

void *hm_arena_calloc(hm_arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *p = hm_arena_alloc(a, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

char *hm_arena_strndup(hm_arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    size_t len = strnlen(s, n);
    char *p = hm_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *hm_arena_strdup(hm_arena *a, const char *s)
{
    if (!s)
        return NULL;
    return hm_arena_strndup(a, s, strlen(s));
}

char *hm_arena_printf(hm_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0)
        return NULL;
    char *p = hm_arena_alloc(a, (size_t)len + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return p;
}

int hm_arena_on_destroy(hm_arena *a, void (*fn)(void *), void *arg)
{
    if (!a || !fn)
        return HM_EINVAL;
    struct hook *h = hm_arena_alloc(a, sizeof *h);
    if (!h)
        return HM_ENOMEM;
    h->fn = fn;
    h->arg = arg;
    h->next = a->hooks;
    a->hooks = h;
    return HM_OK;
}

size_t hm_arena_used(const hm_arena *a)
{
    return a ? a->handed_out : 0;
}
