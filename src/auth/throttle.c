/* throttle.c: the failed-login counters of throttle.h: one open-addressed table of
 * username hash -> first failure time and count, under one mutex (logins are rare next to
 * other requests). Keys are hashed with libsodium's keyed short hash so that nobody can aim
 * collisions at another user's entry. */
#include "auth/throttle.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define SLOTS 4096 /* power of two */
#define PROBE 8

struct entry {
    uint64_t key; /* 0 = free */
    int64_t first_ms;
    int fails;
};

struct hm_throttle {
    pthread_mutex_t lock;
    unsigned char secret[crypto_shorthash_KEYBYTES];
    struct entry slots[SLOTS];
};

int hm_throttle_create(hm_throttle **out, hm_err *err)
{
    if (sodium_init() < 0)
        return hm_err_set(err, HM_EINTERNAL, "cannot start login throttling: libsodium");
    hm_throttle *t = calloc(1, sizeof *t);
    if (!t)
        return hm_err_set(err, HM_ENOMEM, "cannot start login throttling: out of memory");
    pthread_mutex_init(&t->lock, NULL);
    crypto_shorthash_keygen(t->secret);
    *out = t;
    return HM_OK;
}

void hm_throttle_destroy(hm_throttle *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static uint64_t key_of(const hm_throttle *t, const char *user)
{
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, (const unsigned char *)user, strnlen(user, 256), t->secret);
    uint64_t k;
    memcpy(&k, out, sizeof k);
    return k ? k : 1;
}

static int in_use(const struct entry *e, int64_t now)
{
    return e->key && now - e->first_ms < HM_THROTTLE_WINDOW_MS;
}

/* Which of two entries in use gives way to a new one first: fewer failures, then the older
 * window. A username at its limit is the one being guessed at: a flood of other usernames must
 * not push its count out (each of those costs a password check, but one eviction would give the
 * guesser HM_THROTTLE_FAILS more tries), so it goes only when its whole run is at the limit. */
static int gives_way_before(const struct entry *a, const struct entry *b)
{
    return a->fails != b->fails ? a->fails < b->fails : a->first_ms < b->first_ms;
}

/* The entry of key, or NULL. With create, a new entry for key in its probe run: a free or
 * expired one, else the one that gives way first. Called with the lock held; lookups always
 * scan the whole run, so clearing an entry never hides another. */
static struct entry *find(hm_throttle *t, uint64_t key, int64_t now, int create)
{
    struct entry *victim = NULL;
    for (unsigned i = 0; i < PROBE; i++) {
        struct entry *e = &t->slots[(key + i) & (SLOTS - 1)];
        if (e->key == key)
            return e;
        if (!victim ||
            (in_use(victim, now) && (!in_use(e, now) || gives_way_before(e, victim))))
            victim = e;
    }
    if (!create)
        return NULL;
    victim->key = key;
    victim->first_ms = now;
    victim->fails = 0;
    return victim;
}

/* Seconds until e's window ends when it holds at least limit failures inside it, else 0. */
static int64_t blocked_for(const struct entry *e, int limit, int64_t now)
{
    if (!e || e->fails < limit || now - e->first_ms >= HM_THROTTLE_WINDOW_MS)
        return 0;
    return (e->first_ms + HM_THROTTLE_WINDOW_MS - now + 999) / 1000;
}

int hm_throttle_check(hm_throttle *t, const char *user, int64_t now_ms, int64_t *retry_after_s,
                      hm_err *err)
{
    pthread_mutex_lock(&t->lock);
    int64_t wait = blocked_for(find(t, key_of(t, user), now_ms, 0), HM_THROTTLE_FAILS, now_ms);
    pthread_mutex_unlock(&t->lock);
    if (retry_after_s)
        *retry_after_s = wait;
    if (!wait)
        return HM_OK;
    return hm_err_set(err, HM_ELIMIT,
                      "too many failed logins for this username; try again in %lld minutes",
                      (long long)((wait + 59) / 60));
}

static void count(hm_throttle *t, uint64_t key, int64_t now)
{
    struct entry *e = find(t, key, now, 1);
    if (now - e->first_ms >= HM_THROTTLE_WINDOW_MS) { /* a new window */
        e->first_ms = now;
        e->fails = 0;
    }
    e->fails++;
}

void hm_throttle_failed(hm_throttle *t, const char *user, int64_t now_ms)
{
    pthread_mutex_lock(&t->lock);
    count(t, key_of(t, user), now_ms);
    pthread_mutex_unlock(&t->lock);
}

void hm_throttle_succeeded(hm_throttle *t, const char *user)
{
    pthread_mutex_lock(&t->lock);
    struct entry *e = find(t, key_of(t, user), 0, 0);
    if (e)
        memset(e, 0, sizeof *e);
    pthread_mutex_unlock(&t->lock);
}
