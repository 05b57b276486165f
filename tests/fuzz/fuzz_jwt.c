/* fuzz_jwt: bearer tokens from outside (auth/jwt.c): the parse of any text, and the whole
 * verification against a key generated at start. Property: nothing crashes or leaks, and no
 * input verifies (the fuzzer cannot sign with the key it does not have). */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/jwt.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static hm_jwt_verifier *verifier;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (sodium_init() < 0)
        abort();
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    char pem[] = "/tmp/heime-fuzz-jwt-XXXXXX";
    int fd = mkstemp(pem);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!key || !f || PEM_write_PUBKEY(f, key) != 1)
        abort();
    fclose(f);
    EVP_PKEY_free(key);
    hm_err err;
    hm_jwt_config cfg = {.public_key_file = pem, .issuer = "https://idp.example.test",
                         .audience = "heime"};
    if (hm_jwt_verifier_create(&cfg, &verifier, &err) != HM_OK)
        abort();
    unlink(pem);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *token = malloc(size + 1);
    if (!token)
        return 0;
    memcpy(token, data, size);
    token[size] = '\0'; /* a header value: text up to its end */
    hm_err err;
    hm_jwt_parts p;
    if (hm_jwt_parse(token, &p, &err) == HM_OK)
        hm_jwt_parts_free(&p);
    char user[HM_JWT_USERNAME_MAX];
    if (hm_jwt_verify(verifier, token, 1795000000000LL, user, &err) == HM_OK)
        abort(); /* a forged token was accepted */
    free(token);
    return 0;
}
