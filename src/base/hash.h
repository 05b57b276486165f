/* hash.h: FNV-1a (64 bits), the one non-cryptographic hash heime's in-memory caches key by
 * (the road service's trips, compressed answers). Not for anything an attacker may choose to
 * collide on where that matters: the caches compare the whole key on a hit. */
#ifndef HM_BASE_HASH_H
#define HM_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HM_FNV_START 14695981039346656037ull

/* h (HM_FNV_START, or a previous result to go on from) mixed with n bytes at p. */
static inline uint64_t hm_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}

#endif
