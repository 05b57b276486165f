/* gzip.c: see gzip.h. */
#include "http/gzip.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "base/hash.h"

/* zlib's level 1 takes a day list's JSON to within a few percent of level 6's size in a third
 * of the time (measured in bench/api.sh's case 1); the server's CPU is the scarcer here. */
#define LEVEL 1

static const char *skip_space(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

/* The q-value of one list element's parameters ("; q=0.5"); 1 when it has none. A malformed one
 * counts as 0: a client that cannot spell its header gets what every client can read. */
static double q_value(const char *p, const char *end)
{
    double q = 1;
    while (p < end) {
        p = skip_space(p, end);
        if (p < end && *p == ';')
            p = skip_space(p + 1, end);
        if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            p += 2;
            q = 0;
            if (p < end && (*p == '0' || *p == '1'))
                q = *p++ - '0';
            else
                return 0;
            if (p < end && *p == '.') {
                double scale = 0.1;
                for (p++; p < end && isdigit((unsigned char)*p); p++, scale /= 10)
                    q += (*p - '0') * scale;
            }
            if (q > 1)
                return 0;
        }
        while (p < end && *p != ';') /* another parameter: not ours */
            p++;
    }
    return q;
}

int hm_http_accepts_gzip(const char *header)
{
    if (!header)
        return 0;
    double gzip = -1, any = -1; /* -1: not listed */
    for (const char *s = header; *s;) {
        const char *end = strchr(s, ',');
        if (!end)
            end = s + strlen(s);
        const char *name = skip_space(s, end);
        size_t n = 0;
        while (name + n < end && name[n] != ';' && name[n] != ' ' && name[n] != '\t')
            n++;
        double q = q_value(name + n, end);
        if ((n == 4 && strncasecmp(name, "gzip", 4) == 0) ||
            (n == 6 && strncasecmp(name, "x-gzip", 6) == 0))
            gzip = q > gzip ? q : gzip;
        else if (n == 1 && *name == '*')
            any = q;
        s = *end ? end + 1 : end;
    }
    return gzip >= 0 ? gzip > 0 : any > 0;
}

int hm_http_gzip(const void *in, size_t len, char **out, size_t *out_len)
{
    if (len > (size_t)1 << 30) /* zlib counts in 32 bits; no answer of heime's is this large */
        return -1;
    z_stream z;
    memset(&z, 0, sizeof z);
    /* windowBits 15 + 16: a gzip header and trailer around the deflate stream */
    if (deflateInit2(&z, LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong cap = deflateBound(&z, (uLong)len);
    char *buf = malloc(cap);
    if (!buf) {
        deflateEnd(&z);
        return -1;
    }
    z.next_in = (Bytef *)(uintptr_t)in; /* zlib's API is not const; it does not write there */
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = n;
    return 0;
}

#define CACHE_SLOTS 32
#define CACHE_MAX_BYTES (512 << 10) /* larger answers are compressed afresh each time */

struct packed {
    char *plain, *packed;
    size_t plain_len, packed_len;
    uint64_t sample; /* of plain: tells most different texts apart before memcmp */
    uint64_t used;   /* when last returned, for least-recently-used replacement */
};

static struct {
    pthread_mutex_t lock;
    struct packed slot[CACHE_SLOTS];
    uint64_t clock;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The length and 64 bytes spread over the text, mixed. */
static uint64_t sample_of(const char *s, size_t len)
{
    unsigned char spread[64];
    size_t n = len ? sizeof spread : 0;
    for (size_t i = 0; i < n; i++)
        spread[i] = (unsigned char)s[i * (len - 1) / 63];
    return hm_fnv1a(HM_FNV_START ^ len, spread, n);
}

static char *copy_of(const char *s, size_t len)
{
    char *c = malloc(len ? len : 1);
    if (c)
        memcpy(c, s, len);
    return c;
}

/* A copy of the gzip form of in, when cached. */
static int cache_get(const char *in, size_t len, uint64_t sample, char **out, size_t *out_len)
{
    int found = 0;
    pthread_mutex_lock(&cache.lock);
    for (int i = 0; i < CACHE_SLOTS && !found; i++) {
        struct packed *e = &cache.slot[i];
        if (!e->plain || e->plain_len != len || e->sample != sample ||
            memcmp(e->plain, in, len) != 0)
            continue;
        *out = copy_of(e->packed, e->packed_len);
        *out_len = e->packed_len;
        e->used = ++cache.clock;
        found = *out != NULL;
    }
    pthread_mutex_unlock(&cache.lock);
    return found;
}

static void cache_put(const char *in, size_t len, uint64_t sample, const char *packed,
                      size_t packed_len)
{
    char *plain = copy_of(in, len), *pk = copy_of(packed, packed_len);
    if (!plain || !pk) {
        free(plain);
        free(pk);
        return;
    }
    pthread_mutex_lock(&cache.lock);
    struct packed *victim = &cache.slot[0];
    for (int i = 1; i < CACHE_SLOTS; i++)
        if (cache.slot[i].used < victim->used)
            victim = &cache.slot[i];
    char *old_plain = victim->plain, *old_packed = victim->packed;
    *victim = (struct packed){plain, pk, len, packed_len, sample, ++cache.clock};
    pthread_mutex_unlock(&cache.lock);
    free(old_plain);
    free(old_packed);
}

int hm_http_gzip_cached(const char *in, size_t len, char **out, size_t *out_len)
{
    if (len > CACHE_MAX_BYTES)
        return hm_http_gzip(in, len, out, out_len);
    uint64_t sample = sample_of(in, len);
    if (cache_get(in, len, sample, out, out_len))
        return 0;
    int rc = hm_http_gzip(in, len, out, out_len);
    if (rc == 0)
        cache_put(in, len, sample, *out, *out_len);
    return rc;
}
