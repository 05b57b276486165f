/* audit.h: the append-only, hash-chained audit log. Every read or change of patient data
 * appends one row per request in the same transaction as the change (for reads: in the
 * group-commit batch that must be durable before the data is answered). Row n stores
 * prev_hash = hash of row n-1 and hash = SHA-256(prev_hash | canonical text of row n), so an
 * edited or deleted row breaks the chain at that row. */
#ifndef HM_AUTH_AUDIT_H
#define HM_AUTH_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "store/store.h"

#define HM_AUDIT_MAX_PATIENTS 4096
/* prev_hash of the first row */
#define HM_AUDIT_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct hm_audit_rec {
    int64_t at_ms;
    const hm_actor *actor;  /* NULL for the system itself */
    const char *action;     /* "read", "create", "update", "login", "emergency_access", ... */
    const char *object;     /* what, e.g. "patient/12", "org/7/tasks?date=2026-11-24" */
    const int64_t *patients; /* the patients whose data was touched */
    size_t npatients;
    const char *reason;     /* why: mandatory for emergency access */
    int emergency;          /* 1 when access came through "break the glass" */
    const char *request_id;
} hm_audit_rec;

/* Appends one row (and its per-patient index rows). Must run on the write connection, inside
 * the writer's transaction: the single writer is what keeps the chain in order. */
int hm_audit_append(hm_db *db, const hm_audit_rec *rec, hm_err *err);

/* Walks the whole chain. HM_OK when intact; HM_ECONFLICT with err naming the first changed or
 * missing row otherwise ("audit row 17 was changed", "audit row 17 is missing"). */
int hm_audit_verify(hm_db *db, int64_t *rows_checked, hm_err *err);

/* Anchors. Someone who can write the database could change a row and recompute every hash after
 * it: the chain alone would look intact. The head of the chain (its last row and hash), written
 * down outside heime from time to time (the server appends it to an anchor file every hour, on
 * another disk or machine; or `heime audit head` prints it), pins the chain up to that row: a
 * rewrite changes the hash of every later row, so an anchor recorded after the changed row no
 * longer matches. */
typedef struct hm_audit_anchor {
    int64_t row; /* 0: the empty log */
    char hash[65];
} hm_audit_anchor;

/* The head now: the last row and its hash (row 0 and the genesis hash when the log is empty);
 * *at_ms: that row's time (0 when empty). */
int hm_audit_head(hm_db *db, hm_audit_anchor *head, int64_t *at_ms, hm_err *err);
/* The head as one line of JSON, {"row": N, "hash": "...", "at": "ISO time"}: what an anchor file
 * holds, one per line. Returns the length written (buf of at least HM_AUDIT_ANCHOR_LINE). */
#define HM_AUDIT_ANCHOR_LINE 160
size_t hm_audit_anchor_format(const hm_audit_anchor *a, int64_t at_ms, char *buf, size_t cap);
/* Reads an anchor file: one anchor per line as hm_audit_anchor_format writes it (other keys
 * ignored); blank lines and lines starting with '#' are skipped. *out is malloc'ed (free it),
 * *n may be 0. HM_EINVAL naming the line otherwise. */
int hm_audit_anchors_parse(const char *text, size_t len, hm_audit_anchor **out, size_t *n,
                           hm_err *err);
/* HM_OK when the log still has the anchored row with the anchored hash; HM_ECONFLICT naming the
 * row otherwise. Run after hm_audit_verify: then every row up to the anchor is as recorded. */
int hm_audit_check_anchor(hm_db *db, const hm_audit_anchor *a, hm_err *err);

#endif
