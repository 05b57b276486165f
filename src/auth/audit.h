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

#endif
