/* arena.h: per-request memory (one arena per HTTP request, per HL7 message) and the one
 * allocation hook every heime allocation goes through.
 *
 * An arena hands out memory from large blocks and frees it all at once in hm_arena_destroy(),
 * so handlers never free; non-memory resources (statements, files) register clean-up hooks
 * that destroy runs first, in reverse order of registration. Every pointer an arena returns is
 * 16-byte aligned and stays valid until the arena is destroyed. An arena is not thread-safe:
 * it belongs to the one thread handling its request.
 *
 * hm_malloc/hm_calloc/hm_realloc/hm_free are the allocation hook (STYLE.md item 6): tests call
 * hm_alloc_fail_after(n) to make the (n+1)-th allocation fail, for n = 0, 1, 2 ... until the
 * operation under test succeeds, and check that each failure is clean and leaks nothing. */
#ifndef HM_BASE_ARENA_H
#define HM_BASE_ARENA_H

#include <stddef.h>

typedef struct hm_arena hm_arena;

/* A new arena whose blocks hold block_size bytes (0 picks 8 KiB; values are clamped to
 * 256 B .. 1 GiB). NULL on allocation failure. The first block is allocated on first use. */
hm_arena *hm_arena_create(size_t block_size);

/* Runs the clean-up hooks (most recently registered first), then frees every block and the
 * arena. NULL is a no-op. */
void hm_arena_destroy(hm_arena *a);

/* n bytes, 16-byte aligned, uninitialised; n == 0 gives a valid unique pointer. A request larger
 * than a quarter of the block size gets its own block, so big buffers waste no block space.
 * NULL on allocation failure or when n is over 1 GiB. */
void *hm_arena_alloc(hm_arena *a, size_t n);

/* n * size zeroed bytes; NULL when the product overflows or allocation fails. */
void *hm_arena_calloc(hm_arena *a, size_t n, size_t size);

/* Copies of s (NULL gives NULL) and of at most n bytes of s (stops at a NUL), NUL-terminated. */
char *hm_arena_strdup(hm_arena *a, const char *s);
char *hm_arena_strndup(hm_arena *a, const char *s, size_t n);

/* A formatted string in the arena; NULL on allocation failure or a format error. */
char *hm_arena_printf(hm_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Registers fn(arg) to run when the arena is destroyed (before memory is freed, so arg may
 * point into the arena). HM_OK, or HM_ENOMEM when the hook could not be recorded, in which case
 * fn will NOT run and the caller must release the resource itself. HM_EINVAL for a NULL fn. */
int hm_arena_on_destroy(hm_arena *a, void (*fn)(void *), void *arg);

/* Bytes handed out so far (after alignment), for request memory limits and tests. */
size_t hm_arena_used(const hm_arena *a);

/* The allocation hook. Same contracts as the C library (hm_malloc(0) returns a unique pointer;
 * hm_realloc(p, 0) frees nothing and returns a 1-byte block, so a NULL result always means
 * failure and p is still valid). hm_free(NULL) is a no-op. hm_strdup(NULL) is NULL. */
void *hm_malloc(size_t n);
void *hm_calloc(size_t n, size_t size);
void *hm_realloc(void *p, size_t n);
void hm_free(void *p);
char *hm_strdup(const char *s);

/* Test hook, thread-safe: the (n+1)-th allocation through hm_malloc/hm_calloc/hm_realloc
 * (and so every arena) from now on fails once, then allocation works again; -1 disables
 * (the default). hm_alloc_fail_after(0) fails the very next allocation. */
void hm_alloc_fail_after(long n);

/* How many allocations the test hook has failed since the process started, so a test can tell
 * "the operation succeeded although a failure was injected" from "no failure was reached". */
long hm_alloc_injected_failures(void);

#endif
