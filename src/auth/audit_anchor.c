/* audit_anchor.c: anchors of the audit log's hash chain (see audit.h): the head of the chain
 * as a line of JSON, reading a file of such lines, and checking the log against one. The file
 * comes from outside heime (an operator's copy), so its reader takes any bytes. */
#include "auth/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/time.h"

#define MAX_ANCHORS 1000000

int hm_audit_head(hm_db *db, hm_audit_anchor *head, int64_t *at_ms, hm_err *err)
{
    hm_cursor c;
    int rc = hm_db_query(db, "SELECT id, hash, at_ms FROM audit ORDER BY id DESC LIMIT 1",
                         HM_NOARGS, &c, err);
    if (rc)
        return rc;
    head->row = 0;
    snprintf(head->hash, sizeof head->hash, "%s", HM_AUDIT_GENESIS_HASH);
    *at_ms = 0;
    rc = hm_cursor_next(&c, err);
    if (rc == HM_ROW) {
        head->row = hm_cursor_int(&c, 0);
        snprintf(head->hash, sizeof head->hash, "%s", hm_cursor_text(&c, 1));
        *at_ms = hm_cursor_int(&c, 2);
    }
    hm_cursor_close(&c);
    return rc == HM_ROW || rc == HM_DONE ? HM_OK : rc;
}

size_t hm_audit_anchor_format(const hm_audit_anchor *a, int64_t at_ms, char *buf, size_t cap)
{
    char at[32];
    hm_time_format_utc(at_ms, at);
    int n = snprintf(buf, cap, "{\"row\": %" PRId64 ", \"hash\": \"%s\", \"at\": \"%s\"}", a->row,
                     a->hash, at);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

static int is_hash(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

/* One line: {"row": N >= 0, "hash": 64 lowercase hex digits, ...}. */
static int parse_line(const char *line, size_t len, size_t lineno, hm_audit_anchor *a,
                      hm_err *err)
{
    json_t *j = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *row = json_object_get(j, "row"), *hash = json_object_get(j, "hash");
    int ok = json_is_object(j) && json_is_integer(row) && json_integer_value(row) >= 0 &&
             json_is_string(hash) && is_hash(json_string_value(hash));
    if (ok) {
        a->row = json_integer_value(row);
        snprintf(a->hash, sizeof a->hash, "%s", json_string_value(hash));
    }
    json_decref(j);
    if (!ok)
        return hm_err_set(err, HM_EINVAL,
                          "anchor line %zu: expected {\"row\": N, \"hash\": \"64 hex digits\"}",
                          lineno);
    return HM_OK;
}

int hm_audit_anchors_parse(const char *text, size_t len, hm_audit_anchor **out, size_t *n,
                           hm_err *err)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0, lineno = 0;
    int rc = HM_OK;
    for (size_t at = 0; at < len && !rc;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, from = at;
        at = end + 1;
        lineno++;
        while (from < end && (text[from] == ' ' || text[from] == '\t' || text[from] == '\r'))
            from++;
        if (from == end || text[from] == '#')
            continue;
        if (*n == MAX_ANCHORS) {
            rc = hm_err_set(err, HM_ETOOBIG, "more than %d anchors", MAX_ANCHORS);
            break;
        }
        if (*n == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            hm_audit_anchor *g = realloc(*out, ncap * sizeof *g);
            if (!g) {
                rc = hm_err_set(err, HM_ENOMEM, "out of memory");
                break;
            }
            *out = g;
            cap = ncap;
        }
        rc = parse_line(text + from, end - from, lineno, &(*out)[*n], err);
        if (!rc)
            (*n)++;
    }
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int hm_audit_check_anchor(hm_db *db, const hm_audit_anchor *a, hm_err *err)
{
    if (a->row == 0)
        return HM_OK; /* the empty log: any chain starts from it */
    hm_cursor c;
    int rc = hm_db_query(db, "SELECT hash FROM audit WHERE id = ?", HM_ARGS(HM_I(a->row)), &c,
                         err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&c, err);
    int same = rc == HM_ROW && strcmp(hm_cursor_text(&c, 0), a->hash) == 0;
    hm_cursor_close(&c);
    if (rc == HM_DONE)
        return hm_err_set(err, HM_ECONFLICT,
                          "audit row %" PRId64 ", anchored outside heime, is missing", a->row);
    if (rc != HM_ROW)
        return rc;
    if (!same)
        return hm_err_set(err, HM_ECONFLICT,
                          "audit row %" PRId64 " no longer has the hash anchored outside heime"
                          " (the log was rewritten up to it)",
                          a->row);
    return HM_OK;
}
