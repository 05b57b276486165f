/* fuzz_oidc_answer: what an identity provider's token endpoint answers (auth/oidc.c), with
 * every status class. Property: nothing crashes or leaks; a token is returned only for a 200
 * whose JSON holds a non-empty access_token string, else an error with a message. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/oidc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const long statuses[] = {200, 400, 401, 500, 302};
    long status = statuses[data[0] % 5];
    char *body = malloc(size);
    if (!body)
        return 0;
    memcpy(body, data + 1, size - 1);
    body[size - 1] = '\0';
    char *token = NULL;
    hm_err err = {0};
    int rc = hm__oidc_read_answer(status, body, &token, &err);
    if (rc == HM_OK && (status != 200 || !token || !token[0]))
        abort();
    if (rc != HM_OK && (token || !err.msg[0]))
        abort();
    free(token);
    free(body);
    return 0;
}
