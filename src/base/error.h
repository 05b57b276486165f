/* error.h: heime's error codes and the error-detail struct every layer fills.
 *
 * Functions return int: HM_OK (0) on success, HM_AGAIN (positive, "try again", not a failure)
 * or a negative HM_E* code. Details for humans go into an optional hm_err filled by
 * hm_err_set() only; messages are lowercase and name what failed first. Errors become HTTP
 * statuses in exactly one place (http/) and HL7 AE/AR in exactly one place (hl7/). */
#ifndef HM_BASE_ERROR_H
#define HM_BASE_ERROR_H

#include <stddef.h>

enum {
    HM_OK = 0,
    HM_AGAIN = 1,        /* not an error: retry later (e.g. writer queue full) */
    HM_EINVAL = -1,      /* malformed or invalid input */
    HM_ENOMEM = -2,      /* allocation failed */
    HM_ENOTFOUND = -3,   /* a referenced thing does not exist */
    HM_EFORBIDDEN = -4,  /* authenticated, but not allowed */
    HM_ECONFLICT = -5,   /* state does not allow it (already assigned, wrong state) */
    HM_EUNAUTH = -6,     /* not authenticated, expired or forged credentials */
    HM_ETOOBIG = -7,     /* input over a size limit */
    HM_EIO = -8,         /* storage or network failure */
    HM_EINTERNAL = -9,   /* a bug: an invariant did not hold */
    HM_EBUSY = -10,      /* overloaded or shutting down; the caller may retry */
    HM_EUNSUPPORTED = -11, /* understood but not supported (e.g. unknown message type) */
    HM_ELIMIT = -12        /* too many attempts: refused until a waiting time has passed */
};

#define HM_ERR_MSG_MAX 256

typedef struct hm_err {
    int code;
    char msg[HM_ERR_MSG_MAX];
} hm_err;

/* Fills err (when not NULL) with code and a printf-style message; returns code so that callers
 * can write `return hm_err_set(err, HM_EINVAL, "...")`. */
int hm_err_set(hm_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Clears err to HM_OK with an empty message. */
void hm_err_clear(hm_err *err);

/* A short fixed description of a code ("invalid input", "not found", ...). */
const char *hm_strerror(int code);

/* The symbolic name of a code ("HM_EINVAL"). */
const char *hm_errname(int code);

#endif
