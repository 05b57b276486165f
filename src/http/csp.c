/* csp.c: see csp.h. */
#include "http/csp.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Everything from the UI's own origin; no plugins, no framing (clickjacking), no <base> that
 * redirects relative URLs, forms only to heime. Images also as data: URLs (uPlot's legends). */
#define FIXED                                                                                      \
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"               \
    " frame-ancestors 'none'; form-action 'self'; script-src 'self'"

/* The next "<script" (any case) in [p, end), or NULL. */
static const char *find_script(const char *p, const char *end)
{
    for (; p + 7 <= end; p++)
        if (p[0] == '<' && strncasecmp(p + 1, "script", 6) == 0)
            return p;
    return NULL;
}

static const char *find_text(const char *p, const char *end, const char *text)
{
    size_t n = strlen(text);
    for (; p + n <= end; p++)
        if (strncasecmp(p, text, n) == 0)
            return p;
    return NULL;
}

int hm_http_page_policy(const char *html, size_t len, char *out, size_t n)
{
    int used = snprintf(out, n, "%s", FIXED);
    if (used < 0 || (size_t)used >= n)
        return -1;
    const char *end = html + len;
    for (const char *p = find_script(html, end); p; p = find_script(p + 7, end)) {
        const char *open_end = memchr(p, '>', (size_t)(end - p));
        if (!open_end)
            break;
        const char *src = find_text(p, open_end, " src=");
        const char *close = find_text(open_end + 1, end, "</script");
        if (!close)
            break;
        if (src) /* an external script: 'self' covers it */
            continue;
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(digest, (const unsigned char *)open_end + 1,
                           (unsigned long long)(close - open_end - 1));
        char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                           sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof b64, digest, sizeof digest, sodium_base64_VARIANT_ORIGINAL);
        int k = snprintf(out + used, n - (size_t)used, " 'sha256-%s'", b64);
        if (k < 0 || (size_t)k >= n - (size_t)used)
            return -1;
        used += k;
    }
    return 0;
}
