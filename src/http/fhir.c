/* fhir.c: the FHIR facade's shared parts: OperationOutcome, why a /fhir/ path did not route,
 * strict search parameters (FHIR's "handling=strict": an unknown parameter is an error that
 * names it, never silently ignored), searchset Bundles and references. */
#include "http/fhir.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"

static const struct {
    int code;
    const char *issue;
} issue_codes[] = {
    {HM_EINVAL, "invalid"},      {HM_EUNSUPPORTED, "not-supported"}, {HM_EUNAUTH, "login"},
    {HM_EFORBIDDEN, "forbidden"}, {HM_ENOTFOUND, "not-found"},       {HM_ECONFLICT, "conflict"},
    {HM_ETOOBIG, "too-costly"},  {HM_ELIMIT, "throttled"},          {HM_EBUSY, "transient"},
};

json_t *hm_fhir_outcome(int code, const char *msg)
{
    const char *issue = "exception";
    for (size_t i = 0; i < sizeof issue_codes / sizeof issue_codes[0]; i++)
        if (issue_codes[i].code == code)
            issue = issue_codes[i].issue;
    return json_pack("{s:s, s:[{s:s, s:s, s:s}]}", "resourceType", "OperationOutcome", "issue",
                     "severity", "error", "code", issue, "diagnostics",
                     msg && msg[0] ? msg : "error");
}

/* The resource types the facade serves. */
static const char *const served[] = {"Patient", "Observation", "EpisodeOfCare", "Device", NULL};

static int served_type(const char *seg, size_t len)
{
    for (int i = 0; served[i]; i++)
        if (strlen(served[i]) == len && memcmp(served[i], seg, len) == 0)
            return 1;
    return 0;
}

int hm_fhir_unrouted(const char *method, const char *url, int method_mismatch, char *msg,
                     size_t n)
{
    const char *seg = url + (strncmp(url, "/fhir/", 6) == 0 ? 6 : strlen(url));
    size_t len = strcspn(seg, "/");
    int known = served_type(seg, len) || (len == 8 && memcmp(seg, "metadata", 8) == 0);
    if (method_mismatch || (known && strcmp(method, "GET") != 0)) {
        snprintf(msg, n, "the FHIR facade is read-only: %.16s is not supported on %.100s", method,
                 url);
        return HM_EUNSUPPORTED;
    }
    if (len == 0)
        snprintf(msg, n, "no resource type in the path; see /fhir/metadata");
    else if (!known)
        snprintf(msg, n, "unknown resource type '%.*s'; this server serves Patient, Observation,"
                         " EpisodeOfCare and Device",
                 (int)(len > 40 ? 40 : len), seg);
    else
        snprintf(msg, n, "%.*s: '%.60s' is not a valid FHIR id or operation", (int)len, seg,
                 seg + len + (seg[len] ? 1 : 0));
    return HM_ENOTFOUND;
}

/* ---- search parameters ---- */

struct parse_ctx {
    struct hm_fhir_query *q;
    const char *const *allowed;
    hm_err *err;
};

static int known_param(const char *const *allowed, const char *name)
{
    static const char *const common[] = {"_count", "_offset", "_format", NULL};
    for (int i = 0; common[i]; i++)
        if (strcmp(common[i], name) == 0)
            return 1;
    for (int i = 0; allowed[i]; i++)
        if (strcmp(allowed[i], name) == 0)
            return 1;
    return 0;
}

/* A whole decimal number in min..max. */
static int parse_int(const char *name, const char *v, int min, int max, int *out, hm_err *err)
{
    long long x = 0;
    size_t i = 0;
    for (; v[i] >= '0' && v[i] <= '9' && i < 9; i++)
        x = x * 10 + (v[i] - '0');
    if (i == 0 || v[i] != '\0' || x < min || x > max)
        return hm_err_set(err, HM_EINVAL, "search parameter '%s' must be a whole number from %d to"
                                          " %d, not '%.40s'",
                          name, min, max, v);
    *out = (int)x;
    return HM_OK;
}

static int format_ok(const char *v)
{
    return strcmp(v, "json") == 0 || strcmp(v, "application/json") == 0 ||
           strcmp(v, "application/fhir+json") == 0;
}

static int one_param(void *cls, const char *key, const char *value)
{
    struct parse_ctx *p = cls;
    struct hm_fhir_query *q = p->q;
    if (!known_param(p->allowed, key))
        return hm_err_set(p->err, HM_EUNSUPPORTED,
                          "unsupported search parameter '%.60s' for %s (see /fhir/metadata)", key,
                          q->type);
    if (!value || !value[0])
        return hm_err_set(p->err, HM_EINVAL, "search parameter '%.60s' has no value", key);
    if (hm_fhir_query_get(q, key))
        return hm_err_set(p->err, HM_EUNSUPPORTED,
                          "search parameter '%.60s' is given more than once: not supported", key);
    if (q->n == HM_FHIR_MAX_PARAMS)
        return hm_err_set(p->err, HM_EINVAL, "too many search parameters");
    int rc = HM_OK;
    if (strcmp(key, "_count") == 0)
        rc = parse_int(key, value, 0, HM_FHIR_COUNT_MAX, &q->count, p->err);
    else if (strcmp(key, "_offset") == 0)
        rc = parse_int(key, value, 0, 1000000, &q->offset, p->err);
    else if (strcmp(key, "_format") == 0 && !format_ok(value))
        rc = hm_err_set(p->err, HM_EUNSUPPORTED, "_format '%.60s' is not supported: only json",
                        value);
    if (rc)
        return rc;
    q->v[q->n].name = key;
    q->v[q->n].value = value;
    q->n++;
    return HM_OK;
}

int hm_fhir_query_parse(hm_req *r, const char *type, const char *const *allowed,
                        struct hm_fhir_query *q)
{
    memset(q, 0, sizeof *q);
    q->type = type;
    q->count = HM_FHIR_COUNT_DEFAULT;
    struct parse_ctx p = {q, allowed, &r->err};
    return hm_req_query_each(r, one_param, &p);
}

const char *hm_fhir_query_get(const struct hm_fhir_query *q, const char *name)
{
    for (int i = 0; i < q->n; i++)
        if (strcmp(q->v[i].name, name) == 0)
            return q->v[i].value;
    return NULL;
}

/* ---- bundles ---- */

/* Percent-encodes a query value into out (RFC 3986 unreserved characters stay). */
static void url_encode(const char *v, char *out, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t j = 0;
    for (const unsigned char *s = (const unsigned char *)v; *s && j + 4 < n; s++) {
        int plain = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
                    (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' || *s == '_' || *s == '~';
        if (plain) {
            out[j++] = (char)*s;
        } else {
            out[j++] = '%';
            out[j++] = hex[*s >> 4];
            out[j++] = hex[*s & 15];
        }
    }
    out[j] = '\0';
}

/* The server's base URL as the client addressed it: http://<Host>/fhir. */
static void base_url(hm_req *r, char *out, size_t n)
{
    const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
    int sane = host && host[0] && strlen(host) < 200 && !strpbrk(host, " \"<>\\/");
    snprintf(out, n, "http://%s/fhir", sane ? host : "localhost");
}

/* A link URL: the search with its parameters, _offset set to offset. */
static json_t *page_link(const char *rel, const char *base, const struct hm_fhir_query *q, int offset)
{
    char url[4096];
    size_t len = (size_t)snprintf(url, sizeof url, "%s/%s?", base, q->type);
    for (int i = 0; i < q->n && len < sizeof url; i++) {
        if (strcmp(q->v[i].name, "_offset") == 0)
            continue;
        char enc[1024];
        url_encode(q->v[i].value, enc, sizeof enc);
        len += (size_t)snprintf(url + len, sizeof url - len, "%s=%s&", q->v[i].name, enc);
    }
    if (len < sizeof url)
        snprintf(url + len, sizeof url - len, "_offset=%d", offset);
    return json_pack("{s:s, s:s}", "relation", rel, "url", url);
}

json_t *hm_fhir_page(json_t *all, const struct hm_fhir_query *q, size_t *total)
{
    *total = json_array_size(all);
    json_t *page = json_array();
    for (size_t i = (size_t)q->offset; i < *total && i - (size_t)q->offset < (size_t)q->count; i++)
        json_array_append(page, json_array_get(all, i));
    json_decref(all);
    return page;
}

int hm_fhir_reply_bundle(hm_req *r, const struct hm_fhir_query *q, json_t *page, size_t total)
{
    char base[256];
    base_url(r, base, sizeof base);
    json_t *entries = json_array();
    size_t i;
    json_t *res;
    json_array_foreach(page, i, res)
    {
        char full[512];
        const char *id = json_string_value(json_object_get(res, "id"));
        snprintf(full, sizeof full, "%s/%s/%s", base,
                 json_string_value(json_object_get(res, "resourceType")), id ? id : "");
        json_array_append_new(entries, json_pack("{s:s, s:O, s:{s:s}}", "fullUrl", full,
                                                 "resource", res, "search", "mode", "match"));
    }
    size_t next = (size_t)q->offset + json_array_size(page);
    json_t *links = json_array();
    json_array_append_new(links, page_link("self", base, q, q->offset));
    if (q->count > 0 && next < total)
        json_array_append_new(links, page_link("next", base, q, (int)next));
    if (q->offset > 0)
        json_array_append_new(links, page_link("previous", base, q,
                                          q->offset > q->count ? q->offset - q->count : 0));
    json_decref(page);
    json_t *b = json_pack("{s:s, s:s, s:I, s:o, s:o}", "resourceType", "Bundle", "type",
                          "searchset", "total", (json_int_t)total, "link", links, "entry",
                          entries);
    if (json_array_size(entries) == 0)
        json_object_del(b, "entry"); /* FHIR: no empty arrays */
    return hm_req_reply(r, 200, b);
}

/* ---- references, ids, values ---- */

static int parse_id(const char *s, int64_t *out)
{
    int64_t v = 0;
    size_t i = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (i >= 18)
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    if (i == 0 || s[i] != '\0' || v <= 0)
        return 0;
    *out = v;
    return 1;
}

int hm_fhir_ref_param(const char *param, const char *value, const char *type, int64_t *id,
                      hm_err *err)
{
    const char *v = value;
    size_t tl = strlen(type);
    const char *slash = strrchr(value, '/');
    if (slash) {
        /* "Type/id" at the end of the value (a relative or an absolute reference). */
        const char *t = slash - tl;
        if (t < value || memcmp(t, type, tl) != 0 || (t > value && t[-1] != '/'))
            return hm_err_set(err, HM_EINVAL,
                              "search parameter '%s' must reference a %s: '%s/<id>' or '<id>',"
                              " not '%.60s'",
                              param, type, type, value);
        v = slash + 1;
    }
    if (!parse_id(v, id))
        return hm_err_set(err, HM_EINVAL,
                          "search parameter '%s': '%.60s' is not a %s id of this server", param,
                          value, type);
    return HM_OK;
}

int hm_fhir_numeric_id(const char *type, const char *fid, int64_t *id, hm_err *err)
{
    if (!parse_id(fid, id))
        return hm_err_set(err, HM_ENOTFOUND, "%s/%.64s does not exist", type, fid);
    return HM_OK;
}

json_t *hm_fhir_ref(const char *type, int64_t id, const char *display)
{
    char ref[96];
    snprintf(ref, sizeof ref, "%s/%lld", type, (long long)id);
    json_t *j = json_pack("{s:s}", "reference", ref);
    if (display && display[0])
        json_object_set_new(j, "display", json_string(display));
    return j;
}

const char *hm_fhir_str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

json_t *hm_fhir_datetime(int64_t utc_ms)
{
    char t[32];
    hm_time_format_utc(utc_ms, t);
    return json_string(t);
}

/* One alternative of a token: "code", "system|code", "|code" (no system) or "system|". */
static int token_one(const char *t, size_t len, const char *system, const char *code)
{
    const char *bar = memchr(t, '|', len);
    if (!bar)
        return strlen(code) == len && memcmp(t, code, len) == 0;
    size_t sl = (size_t)(bar - t), cl = len - sl - 1;
    int sys_ok = strlen(system) == sl && memcmp(t, system, sl) == 0;
    return sys_ok && (cl == 0 || (strlen(code) == cl && memcmp(bar + 1, code, cl) == 0));
}

int hm_fhir_token_match(const char *param, const char *system, const char *code)
{
    /* A comma separates alternatives (FHIR's OR within one parameter). */
    for (const char *t = param;;) {
        size_t len = strcspn(t, ",");
        if (token_one(t, len, system, code))
            return 1;
        if (!t[len])
            return 0;
        t += len + 1;
    }
}
