/* server.c: the libmicrohttpd glue. Collects the body (up to HM_HTTP_BODY_MAX), finds the
 * route, authenticates the bearer token, runs the handler and writes the JSON answer. Errors
 * become statuses here and only here, always with a JSON body {"error": "..."}; under /fhir/
 * the body is a FHIR OperationOutcome and the type application/fhir+json instead. */
#include "http/csp.h"
#include "http/fhir.h"
#include "http/gzip.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/routes.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "base/log.h"

struct hm_http {
    struct MHD_Daemon *daemon;
    hm_care *care;
    char *web_root;
    hm_jwt_verifier *jwt;
    hm_oidc *oidc;
    int port;
};

struct conn_ctx {
    char *body;
    size_t len, cap;
    int too_big;
};

static atomic_ullong request_counter;

int hm_http_status_for(int code)
{
    switch (code) {
    case HM_EINVAL:
    case HM_EUNSUPPORTED:
        return 400;
    case HM_EUNAUTH:
        return 401;
    case HM_EFORBIDDEN:
        return 403;
    case HM_ENOTFOUND:
        return 404;
    case HM_ECONFLICT:
        return 409;
    case HM_ETOOBIG:
        return 413;
    case HM_ELIMIT:
        return 429;
    case HM_EBUSY:
    case HM_EIO:
    case HM_ENOMEM:
        return 503;
    default:
        return 500;
    }
}

const char *hm_req_query(hm_req *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

struct query_walk {
    hm_query_fn fn;
    void *cls;
    int rc;
};

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    struct query_walk *w = cls;
    w->rc = w->fn(w->cls, key, value);
    return w->rc ? MHD_NO : MHD_YES;
}

int hm_req_query_each(hm_req *r, hm_query_fn fn, void *cls)
{
    struct query_walk w = {fn, cls, HM_OK};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_arg, &w);
    return w.rc;
}

int hm_req_reply_text(hm_req *r, int status, char *text, size_t len)
{
    r->status = status;
    r->resp_text = text;
    r->resp_len = len;
    return HM_OK;
}

int hm_req_reply(hm_req *r, int status, json_t *body)
{
    r->status = status;
    r->resp = body;
    return HM_OK;
}

#define JSON_TYPE "application/json; charset=utf-8"
#define FHIR_TYPE "application/fhir+json; charset=utf-8"

/* On every answer: no content-type guessing (a JSON answer is never run as HTML), no page of
 * heime's in a frame of another site, and no address (the sign-in's code, a patient id in a
 * route) sent on as a referrer. */
static void add_safety_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
}

/* A response owning text (malloc'd), gzip-compressed when it is long enough and the client
 * accepts gzip. Vary tells caches on the way that the answer depends on Accept-Encoding. */
static struct MHD_Response *compressible_response(struct MHD_Connection *conn, char *text,
                                                  size_t len)
{
    if (len < HM_GZIP_MIN_BYTES)
        return MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    char *packed = NULL;
    size_t packed_len = 0;
    if (hm_http_accepts_gzip(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_ACCEPT_ENCODING)) &&
        hm_http_gzip_cached(text, len, &packed, &packed_len) == 0 && packed_len < len) {
        free(text);
        text = packed;
        len = packed_len;
    } else {
        free(packed);
        packed = NULL;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (packed)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    return resp;
}

static enum MHD_Result send_text(struct MHD_Connection *conn, int status, char *text, size_t len,
                                 const char *request_id, int fhir)
{
    struct MHD_Response *resp = compressible_response(conn, text, len);
    add_safety_headers(resp);
    MHD_add_response_header(resp, "Content-Type", fhir ? FHIR_TYPE : JSON_TYPE);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Request-Id", request_id);
    if (status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *conn, int status, json_t *j,
                                 const char *request_id, int fhir)
{
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    if (!text)
        text = strdup("{\"error\":\"cannot encode the answer\"}");
    return send_text(conn, status, text, strlen(text), request_id, fhir);
}

static enum MHD_Result send_error(struct MHD_Connection *conn, int status, const char *msg,
                                  const char *request_id)
{
    json_t *j = json_pack("{s:s}", "error", msg);
    enum MHD_Result ret = send_json(conn, status, j, request_id, 0);
    json_decref(j);
    return ret;
}

/* An error under /fhir/: an OperationOutcome whose issue code follows the error code. */
static enum MHD_Result send_outcome(struct MHD_Connection *conn, int status, int code,
                                    const char *msg, const char *request_id)
{
    json_t *j = hm_fhir_outcome(code, msg);
    enum MHD_Result ret = send_json(conn, status, j, request_id, 1);
    json_decref(j);
    return ret;
}

static int is_fhir_path(const char *url)
{
    return strncmp(url, "/fhir/", 6) == 0 || strcmp(url, "/fhir") == 0;
}

/* Static files of the web UI, for GET requests outside /api and /fhir. */
static const struct {
    const char *ext, *type;
    int text; /* worth compressing (the others are compressed formats already) */
} mime_types[] = {
    {".html", "text/html; charset=utf-8", 1}, {".js", "text/javascript; charset=utf-8", 1},
    {".mjs", "text/javascript; charset=utf-8", 1}, {".css", "text/css; charset=utf-8", 1},
    {".json", "application/json", 1}, {".svg", "image/svg+xml", 1}, {".png", "image/png", 0},
    {".ico", "image/x-icon", 0}, {".woff2", "font/woff2", 0}, {".wav", "audio/wav", 0},
};

#define STATIC_GZIP_MAX (8 << 20) /* larger files go as they are, from the file */

static int wants_compressed_file(struct MHD_Connection *conn, int text, off_t size)
{
    return text && size >= HM_GZIP_MIN_BYTES && size <= STATIC_GZIP_MAX &&
           hm_http_accepts_gzip(
               MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING));
}

/* The whole file that fd is open on, size bytes as fstat said (malloc'd), or NULL. */
static char *file_bytes(int fd, off_t size)
{
    char *text = malloc(size > 0 ? (size_t)size : 1);
    size_t got = 0;
    while (text && got < (size_t)size) {
        ssize_t n = pread(fd, text + got, (size_t)size - got, (off_t)got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (text && got == (size_t)size)
        return text;
    free(text);
    return NULL;
}

/* A static file's entity tag: its size and modification time, and whether this answer is its
 * gzip form (another representation, so another tag). A browser revalidates the UI's files on
 * every load (Cache-Control: no-cache) and, with the tag, downloads only what changed. */
static void file_tag(const struct stat *sb, int gzip, char *out, size_t n)
{
    snprintf(out, n, "\"%llx-%llx.%lx%s\"", (unsigned long long)sb->st_size,
             (unsigned long long)sb->st_mtim.tv_sec, (unsigned long)sb->st_mtim.tv_nsec,
             gzip ? "-gz" : "");
}

/* If-None-Match lists the tags the client holds ("*": any); weak comparison (RFC 9110, 13.1.2),
 * so a W/ in front does not matter. */
static int client_has(struct MHD_Connection *conn, const char *tag)
{
    const char *held = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (!held)
        return 0;
    for (const char *p = held; *p == ' ' || *p == '\t' || *p == '*'; p++)
        if (*p == '*')
            return 1;
    return strstr(held, tag) != NULL; /* quoted tags cannot overlap */
}

/* An HTML page's Content-Security-Policy (http/csp.h), from the page's bytes as served ("":
 * none). A page that could not be read gets the policy without inline scripts: nothing inline
 * runs. */
static void page_policy(const char *html, size_t len, char *policy, size_t n)
{
    if (hm_http_page_policy(html ? html : "", html ? len : 0, policy, n) != 0)
        policy[0] = '\0';
}

static enum MHD_Result serve_static(struct hm_http *h, struct MHD_Connection *conn,
                                    const char *url, const char *request_id)
{
    if (!h->web_root || strstr(url, "..") || strlen(url) > 512)
        return send_error(conn, 404, "not found", request_id);
    char path[1024];
    snprintf(path, sizeof path, "%s%s", h->web_root,
             strcmp(url, "/") == 0 ? "/index.html" : url);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0)
            close(fd);
        /* The UI routes client-side: unknown paths without an extension get index.html. */
        if (!strchr(strrchr(url, '/') ? strrchr(url, '/') : url, '.')) {
            snprintf(path, sizeof path, "%s/index.html", h->web_root);
            fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || fstat(fd, &sb) != 0) {
                if (fd >= 0)
                    close(fd);
                return send_error(conn, 404, "not found", request_id);
            }
        } else {
            return send_error(conn, 404, "not found", request_id);
        }
    }
    const char *type = "application/octet-stream";
    int text = 0;
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof mime_types / sizeof mime_types[0]; i++)
        if (strcmp(dot, mime_types[i].ext) == 0) {
            type = mime_types[i].type;
            text = mime_types[i].text;
        }
    int gzip = wants_compressed_file(conn, text, sb.st_size);
    int page = strncmp(type, "text/html", 9) == 0;
    char tag[64];
    file_tag(&sb, gzip, tag, sizeof tag);
    int status = client_has(conn, tag) ? 304 : 200;
    /* Read once, from the file the tag describes, when the bytes are needed: to compress them,
     * or to hash a page's inline scripts (http/csp.h); otherwise sent from the file. */
    char *bytes = (status == 200 && gzip) || (page && sb.st_size <= STATIC_GZIP_MAX)
                      ? file_bytes(fd, sb.st_size)
                      : NULL;
    char policy[2048] = "";
    if (page)
        page_policy(bytes, (size_t)sb.st_size, policy, sizeof policy);
    struct MHD_Response *resp = NULL, *packed = NULL; /* packed says Vary itself */
    if (status == 304) {
        free(bytes);
        resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    } else if (gzip && bytes) {
        resp = packed = compressible_response(conn, bytes, (size_t)sb.st_size);
    } else if (bytes) {
        resp = MHD_create_response_from_buffer((size_t)sb.st_size, bytes, MHD_RESPMEM_MUST_FREE);
    }
    if (resp)
        close(fd);
    else
        resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
    if (status == 200)
        MHD_add_response_header(resp, "Content-Type", type);
    add_safety_headers(resp);
    if (policy[0])
        MHD_add_response_header(resp, "Content-Security-Policy", policy);
    if (text && !packed)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, tag);
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static int authenticate(hm_req *r)
{
    const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    if (!auth || strncmp(auth, "Bearer ", 7) != 0)
        return hm_err_set(&r->err, HM_EUNAUTH, "missing bearer token");
    r->token = auth + 7;
    /* An identity provider's JWT names the account; heime's own tokens have no dots. */
    char idp_user[HM_JWT_USERNAME_MAX];
    int idp = r->jwt && hm_jwt_looks_like(r->token);
    if (idp) {
        int rc = hm_jwt_verify(r->jwt, r->token, r->now_ms, idp_user, &r->err);
        if (rc)
            return rc;
    }
    hm_db *db;
    int rc = hm_store_read_begin(r->care->store, &db, &r->err);
    if (rc)
        return rc;
    rc = idp ? hm_account_actor(db, idp_user, &r->actor, &r->err)
             : hm_session_lookup(db, r->token, r->now_ms, &r->actor, &r->err);
    hm_store_read_end(r->care->store, db);
    return rc;
}

static enum MHD_Result answer(struct hm_http *h, struct MHD_Connection *conn, const char *url,
                              const char *method, struct conn_ctx *cc,
                              const struct hm_route **route_out, int *status_out)
{
    hm_req r;
    memset(&r, 0, sizeof r);
    int fhir = is_fhir_path(url);
    r.care = h->care;
    r.jwt = h->jwt;
    r.oidc = h->oidc;
    r.conn = conn;
    r.method = method;
    r.path = url;
    r.now_ms = hm_clock_now(h->care->clock);
    snprintf(r.request_id, sizeof r.request_id, "r%llu",
             (unsigned long long)atomic_fetch_add(&request_counter, 1) + 1);

#define SEND_CODED(st, code, msg)                                                                  \
    (*status_out = (st), fhir ? send_outcome(conn, (st), (code), (msg), r.request_id)             \
                              : send_error(conn, (st), (msg), r.request_id))
#define SEND_ERROR(st, msg) SEND_CODED((st), HM_EINVAL, (msg))
    if (cc->too_big)
        return SEND_CODED(413, HM_ETOOBIG, "request body is larger than 1 MiB");

    const struct hm_route *route = NULL;
    int method_mismatch = 0;
    int rc = hm_route_find(method, url, &route, r.param, r.fhir_id, &method_mismatch);
    if (rc != HM_OK) {
        if (strcmp(method, "GET") == 0 && strncmp(url, "/api/", 5) != 0 && !fhir) {
            *status_out = 0; /* static files are not counted */
            return serve_static(h, conn, url, r.request_id);
        }
        if (fhir) {
            char msg[200];
            int code = hm_fhir_unrouted(method, url, method_mismatch, msg, sizeof msg);
            return SEND_CODED(code == HM_EUNSUPPORTED ? 405 : hm_http_status_for(code), code,
                              msg);
        }
        return method_mismatch ? SEND_CODED(405, HM_EUNSUPPORTED, "method not allowed")
                               : SEND_CODED(404, HM_ENOTFOUND, "no such route");
    }
    *route_out = route;
    if (route->flags & HM_ROUTE_AUTH) {
        rc = authenticate(&r);
        if (rc)
            return SEND_CODED(hm_http_status_for(rc), rc, r.err.msg);
    }
    if (cc->len > 0) {
        json_error_t jerr;
        r.body = json_loadb(cc->body, cc->len, JSON_REJECT_DUPLICATES, &jerr);
        if (!r.body) {
            char msg[300];
            snprintf(msg, sizeof msg, "malformed JSON at line %d column %d: %s", jerr.line,
                     jerr.column, jerr.text);
            return SEND_ERROR(400, msg);
        }
    }
    if ((route->flags & HM_ROUTE_BODY) && (!r.body || !json_is_object(r.body))) {
        json_decref(r.body);
        return SEND_ERROR(400, "the request body must be a JSON object");
    }
    rc = route->handler(&r);
    enum MHD_Result ret;
    if (rc < 0) {
        if (!r.err.msg[0])
            hm_err_set(&r.err, rc, "%s", hm_strerror(rc));
        int status = hm_http_status_for(rc);
        if (status >= 500)
            HM_LOG(HM_LOG_WARN, "%s %s %s: %s", r.request_id, method, route->pattern, r.err.msg);
        ret = SEND_CODED(status, rc, r.err.msg);
    } else if (r.resp_text) {
        *status_out = r.status ? r.status : 200;
        ret = send_text(conn, *status_out, r.resp_text, r.resp_len, r.request_id, fhir);
        r.resp_text = NULL;
    } else if (r.raw_resp) {
        *status_out = r.status ? r.status : 200;
        MHD_add_response_header(r.raw_resp, "X-Request-Id", r.request_id);
        add_safety_headers(r.raw_resp);
        ret = MHD_queue_response(conn, r.status ? (unsigned)r.status : 200, r.raw_resp);
        MHD_destroy_response(r.raw_resp);
    } else if (r.status == 204 || !r.resp) {
        *status_out = r.status ? r.status : 204;
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(resp, "X-Request-Id", r.request_id);
        add_safety_headers(resp);
        ret = MHD_queue_response(conn, r.status ? (unsigned)r.status : 204, resp);
        MHD_destroy_response(resp);
    } else {
        *status_out = r.status ? r.status : 200;
        ret = send_json(conn, *status_out, r.resp, r.request_id, fhir);
    }
#undef SEND_ERROR
#undef SEND_CODED
    json_decref(r.resp);
    json_decref(r.body);
    return ret;
}

static double monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Answers one request and counts it (metrics.h): route, status, time to the answer. */
static enum MHD_Result dispatch(struct hm_http *h, struct MHD_Connection *conn, const char *url,
                                const char *method, struct conn_ctx *cc)
{
    double t0 = monotonic_ms();
    const struct hm_route *route = NULL;
    int status = 0;
    enum MHD_Result ret = answer(h, conn, url, method, cc, &route, &status);
    if (status)
        hm__metrics_observe(route, status, monotonic_ms() - t0);
    return ret;
}


static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    struct hm_http *h = cls;
    struct conn_ctx *cc = *con_cls;
    if (!cc) {
        cc = calloc(1, sizeof *cc);
        if (!cc)
            return MHD_NO;
        *con_cls = cc;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (!cc->too_big && cc->len + *upload_size > HM_HTTP_BODY_MAX) {
            cc->too_big = 1;
            free(cc->body);
            cc->body = NULL;
            cc->len = cc->cap = 0;
        }
        if (!cc->too_big) {
            if (cc->len + *upload_size > cc->cap) {
                size_t cap = cc->cap ? cc->cap * 2 : 4096;
                while (cap < cc->len + *upload_size)
                    cap *= 2;
                char *nb = realloc(cc->body, cap);
                if (!nb)
                    return MHD_NO;
                cc->body = nb;
                cc->cap = cap;
            }
            memcpy(cc->body + cc->len, upload, *upload_size);
            cc->len += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    return dispatch(h, conn, url, method, cc);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct conn_ctx *cc = *con_cls;
    if (cc) {
        free(cc->body);
        free(cc);
        *con_cls = NULL;
    }
}

int hm_http_start(hm_care *care, const struct hm_http_opts *opts, hm_http **out, hm_err *err)
{
    struct hm_http *h = calloc(1, sizeof *h);
    if (!h)
        return hm_err_set(err, HM_ENOMEM, "cannot start http: out of memory");
    h->care = care;
    h->web_root = opts->web_root ? strdup(opts->web_root) : NULL;
    h->jwt = opts->jwt;
    h->oidc = opts->oidc;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)opts->port);
    if (inet_pton(AF_INET, opts->host, &addr.sin_addr) != 1) {
        free(h->web_root);
        free(h);
        return hm_err_set(err, HM_EINVAL, "cannot listen on http %s:%d: not an IPv4 address",
                          opts->host, opts->port);
    }
    h->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
            MHD_USE_ERROR_LOG,
        (uint16_t)opts->port, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_CONNECTION_LIMIT, 2000u,
        MHD_OPTION_CONNECTION_TIMEOUT, 120u,
        MHD_OPTION_END);
    if (!h->daemon) {
        free(h->web_root);
        free(h);
        return hm_err_set(err, HM_EIO, "cannot listen on http %s:%d: %s", opts->host, opts->port,
                          strerror(errno));
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : opts->port;
    *out = h;
    return HM_OK;
}

void hm_http_stop(hm_http *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->daemon);
    free(h->web_root);
    free(h);
}

int hm_http_port(const hm_http *h)
{
    return h->port;
}
