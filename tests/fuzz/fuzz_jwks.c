/* fuzz_jwks: an identity provider's key set as fetched from its jwks_uri (auth/jwks.c): any
 * text is read as a JWKS. Property: nothing crashes or leaks; what is accepted holds at least
 * one key, each with one of the three algorithms heime verifies, and a lookup by its own kid
 * finds it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hm_jwks *s = NULL;
    hm_err err;
    if (hm_jwks_parse((const char *)data, size, "fuzz", &s, &err) != HM_OK)
        return 0;
    if (s->n == 0 || s->n > HM_JWKS_MAX_KEYS)
        abort();
    for (size_t i = 0; i < s->n; i++) {
        const hm_jwk *k = &s->keys[i];
        if (strcmp(k->alg, "RS256") != 0 && strcmp(k->alg, "ES256") != 0 &&
            strcmp(k->alg, "EdDSA") != 0)
            abort();
        if (k->kid[0] && !hm_jwks_find(s, k->kid, k->alg, 0))
            abort();
    }
    hm_jwks_free(s);
    return 0;
}
