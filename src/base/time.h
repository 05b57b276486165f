/* time.h: instants, dates and clock times. Instants are int64 milliseconds since the Unix
 * epoch, UTC, everywhere in storage and APIs. Clock times of care (an 08:00 bag change) are
 * Europe/Oslo wall-clock times on a date, converted to UTC per date, so they stay at 08:00 across
 * the DST changes. The process sets TZ=Europe/Oslo once before any thread starts (cli/main.c)
 * and before the first conversion: the zone's transitions for 1970-2099 are read once from the
 * C library (tzdata, localtime_r) into a table on first use; other years ask the C library.
 *
 * The clock is injected (hm_clock), so escalation timers and task generation are testable on a
 * fake clock. */
#ifndef HM_BASE_TIME_H
#define HM_BASE_TIME_H

#include <stdint.h>

#include "base/error.h"

typedef struct hm_clock {
    int64_t (*now_ms)(void *ctx);
    void *ctx;
} hm_clock;

extern const hm_clock hm_clock_system; /* real time via clock_gettime(CLOCK_REALTIME) */

static inline int64_t hm_clock_now(const hm_clock *c)
{
    return c->now_ms(c->ctx);
}

typedef struct hm_fake_clock {
    hm_clock clock;
    int64_t t_ms;
} hm_fake_clock; /* tests: set t_ms */
void hm_fake_clock_init(hm_fake_clock *fc, int64_t start_ms);

typedef struct hm_date {
    int y, m, d;
} hm_date; /* a calendar date, no zone */

int hm_date_parse(const char *s, hm_date *out, hm_err *err); /* "YYYY-MM-DD", real dates only */
void hm_date_format(hm_date d, char out[11]);                /* "YYYY-MM-DD" */
hm_date hm_date_add_days(hm_date d, int days);
int hm_date_diff_days(hm_date a, hm_date b); /* b - a in days */
int hm_date_cmp(hm_date a, hm_date b);       /* <0, 0, >0 */
int hm_date_weekday(hm_date d);              /* ISO: 1 = Monday ... 7 = Sunday */
int hm_date_valid(hm_date d);                /* 1 when a real calendar date */
/* "HH:MM", 00:00..23:59 */
int hm_clock_time_parse(const char *s, int *minutes_of_day, hm_err *err);

/* The UTC instant of Oslo wall-clock time on a date. A time in the spring-forward gap maps to
 * the same number of minutes after the gap (02:30 -> 03:30); an ambiguous autumn time maps to
 * its first occurrence (summer time). minutes_of_day may be 0..1440. */
int64_t hm_local_to_utc_ms(hm_date d, int minutes_of_day);
/* The Oslo local date and minutes-of-day of a UTC instant. */
void hm_utc_to_local(int64_t utc_ms, hm_date *date, int *minutes_of_day);
/* "2026-03-29T06:00:00.000Z" */
void hm_time_format_utc(int64_t utc_ms, char out[32]);
/* "2026-03-29T08:00:00+02:00" */
void hm_time_format_local(int64_t utc_ms, char out[32]);
/* ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fff]]" then "Z" or "+HH:MM"/"-HH:MM"; without a zone it is
 * Oslo local time. Strict. */
int hm_time_parse(const char *s, int64_t *utc_ms, hm_err *err);

#endif
