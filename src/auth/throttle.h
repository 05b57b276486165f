/* throttle.h: failed logins, counted in memory per username. After HM_THROTTLE_FAILS failures
 * of one username within HM_THROTTLE_WINDOW_MS, further logins of it are refused without
 * looking at the password until the window that began with the first failure has passed.
 * Checking a password costs argon2id's ~0.1 s of CPU: refusing early slows guessing and keeps
 * the server responsive. A successful login clears the count. Not per client address: behind
 * the TLS proxy every request comes from the same address, and one person's typos would lock
 * out everyone. Counts live in the process (a restart forgets them) in a fixed table: the entry
 * with the fewest failures (then the oldest) makes room for a new one, so a username at its
 * limit is not pushed out by a flood of others. */
#ifndef HM_AUTH_THROTTLE_H
#define HM_AUTH_THROTTLE_H

#include <stdint.h>

#include "base/error.h"

#define HM_THROTTLE_FAILS 5
#define HM_THROTTLE_WINDOW_MS (15 * 60 * 1000)

typedef struct hm_throttle hm_throttle;

int hm_throttle_create(hm_throttle **out, hm_err *err);
void hm_throttle_destroy(hm_throttle *t);
/* HM_OK when a login of user may be tried now; HM_ELIMIT with "too many failed logins ...
 * try again in N minutes" (and *retry_after_s) otherwise. */
int hm_throttle_check(hm_throttle *t, const char *user, int64_t now_ms, int64_t *retry_after_s,
                      hm_err *err);
void hm_throttle_failed(hm_throttle *t, const char *user, int64_t now_ms);
void hm_throttle_succeeded(hm_throttle *t, const char *user);

#endif
