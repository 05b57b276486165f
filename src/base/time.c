/* time.c: dates as proleptic Gregorian day numbers; Oslo conversions through the C library's
 * zone rules (TZ is set once at start-up). */
#include "base/time.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t system_now(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const hm_clock hm_clock_system = {system_now, NULL};

static int64_t fake_now(void *ctx)
{
    return ((hm_fake_clock *)ctx)->t_ms;
}

void hm_fake_clock_init(hm_fake_clock *fc, int64_t start_ms)
{
    fc->clock.now_ms = fake_now;
    fc->clock.ctx = fc;
    fc->t_ms = start_ms;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm, public domain facts). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static hm_date civil_from_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    return (hm_date){(int)(y + (m <= 2)), m, d};
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int hm_date_valid(hm_date d)
{
    return d.y >= 1800 && d.y <= 2200 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
           d.d <= days_in_month(d.y, d.m);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int hm_date_parse(const char *s, hm_date *out, hm_err *err)
{
    hm_date d;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &d.y) ||
        !digits(s + 5, 2, &d.m) || !digits(s + 8, 2, &d.d))
        return hm_err_set(err, HM_EINVAL, "date must be YYYY-MM-DD");
    if (!hm_date_valid(d))
        return hm_err_set(err, HM_EINVAL, "date %s does not exist", s);
    *out = d;
    return HM_OK;
}

void hm_date_format(hm_date d, char out[11])
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", d.y, d.m, d.d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

hm_date hm_date_add_days(hm_date d, int days)
{
    return civil_from_days(days_from_civil(d.y, d.m, d.d) + days);
}

int hm_date_diff_days(hm_date a, hm_date b)
{
    return (int)(days_from_civil(b.y, b.m, b.d) - days_from_civil(a.y, a.m, a.d));
}

int hm_date_cmp(hm_date a, hm_date b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    return a.d < b.d ? -1 : a.d > b.d;
}

int hm_date_weekday(hm_date d)
{
    int64_t z = days_from_civil(d.y, d.m, d.d); /* 1970-01-01 was a Thursday (4) */
    int w = (int)(((z % 7) + 7 + 3) % 7);       /* 0 = Monday */
    return w + 1;
}

int hm_clock_time_parse(const char *s, int *minutes_of_day, hm_err *err)
{
    int h, m;
    if (!s || strlen(s) != 5 || s[2] != ':' || !digits(s, 2, &h) || !digits(s + 3, 2, &m) ||
        h > 23 || m > 59)
        return hm_err_set(err, HM_EINVAL, "clock time must be HH:MM between 00:00 and 23:59");
    *minutes_of_day = h * 60 + m;
    return HM_OK;
}

/* The zone's offset from UTC at a UTC instant, in seconds, from the C library. localtime_r
 * takes a process-wide lock, so the hot paths use the transition table below instead. */
static long libc_offset_at(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_gmtoff;
}

/* Every offset change of the process's zone between 1970 and 2100, read once from the C
 * library's zone rules (tzdata) by sampling each day and bisecting to the second. Lookups are a
 * binary search with no lock; instants outside the table ask the C library. */
#define TABLE_FROM 0LL        /* 1970-01-01 */
#define TABLE_TO 4102444800LL /* 2100-01-01 */
#define MAX_TRANSITIONS 1024

static struct {
    int64_t at[MAX_TRANSITIONS];
    long offset[MAX_TRANSITIONS]; /* in force from at[i] */
    int n;
    long first_offset;
} zone;
static pthread_once_t zone_once = PTHREAD_ONCE_INIT;

static void build_zone_table(void)
{
    zone.first_offset = libc_offset_at((time_t)TABLE_FROM);
    long prev = zone.first_offset;
    for (int64_t t = TABLE_FROM + 86400; t < TABLE_TO && zone.n < MAX_TRANSITIONS; t += 86400) {
        long cur = libc_offset_at((time_t)t);
        if (cur == prev)
            continue;
        int64_t lo = t - 86400, hi = t; /* offset prev at lo, cur at hi */
        while (hi - lo > 1) {
            int64_t mid = lo + (hi - lo) / 2;
            if (libc_offset_at((time_t)mid) == prev)
                lo = mid;
            else
                hi = mid;
        }
        zone.at[zone.n] = hi;
        zone.offset[zone.n] = cur;
        zone.n++;
        prev = cur;
    }
}

static long offset_at(int64_t t)
{
    if (t < TABLE_FROM || t >= TABLE_TO)
        return libc_offset_at((time_t)t);
    pthread_once(&zone_once, build_zone_table);
    int lo = 0, hi = zone.n; /* first transition after t */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (zone.at[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? zone.first_offset : zone.offset[lo - 1];
}

int64_t hm_local_to_utc_ms(hm_date d, int minutes_of_day)
{
    /* Wall time as if it were UTC, then subtract the offset in force. Try the offsets in force
     * a day around it: the first that maps back to the same wall time wins (the earlier,
     * summer-time one for an ambiguous time); none does in the spring gap, where the offset
     * before the gap moves the time forward by the gap's length. */
    int64_t wall = days_from_civil(d.y, d.m, d.d) * 86400 + (int64_t)minutes_of_day * 60;
    long before = offset_at(wall - 86400), after = offset_at(wall + 86400);
    long first = before > after ? before : after, second = before > after ? after : before;
    long cands[2] = {first, second};
    for (int i = 0; i < 2; i++) {
        int64_t utc = wall - cands[i];
        if (offset_at(utc) == cands[i])
            return utc * 1000;
    }
    return (wall - before) * 1000;
}

void hm_utc_to_local(int64_t utc_ms, hm_date *date, int *minutes_of_day)
{
    int64_t s = utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000;
    int64_t local = s + offset_at(s);
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    *date = civil_from_days(days);
    *minutes_of_day = (int)((local - days * 86400) / 60);
}

void hm_time_format_utc(int64_t utc_ms, char out[32])
{
    int64_t s = utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000;
    int ms = (int)(utc_ms - s * 1000);
    int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
    int sod = (int)(s - days * 86400);
    hm_date d = civil_from_days(days);
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.y, d.m, d.d, sod / 3600,
             sod / 60 % 60, sod % 60, ms);
    snprintf(out, 32, "%.31s", tmp);
}

void hm_time_format_local(int64_t utc_ms, char out[32])
{
    int64_t s = utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000;
    long off = offset_at(s);
    int64_t local = s + off;
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int sod = (int)(local - days * 86400);
    hm_date d = civil_from_days(days);
    int aoff = (int)((off < 0 ? -off : off) % 86400);
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", d.y, d.m, d.d, sod / 3600,
             sod / 60 % 60, sod % 60, off < 0 ? '-' : '+', aoff / 3600, aoff / 60 % 60);
    snprintf(out, 32, "%.31s", tmp);
}

int hm_time_parse(const char *s, int64_t *utc_ms, hm_err *err)
{
    hm_date d;
    int hh, mm, ss = 0, ms = 0;
    size_t n = s ? strlen(s) : 0;
    if (n < 16 || n > 40 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
        s[13] != ':' || !digits(s, 4, &d.y) || !digits(s + 5, 2, &d.m) || !digits(s + 8, 2, &d.d) ||
        !digits(s + 11, 2, &hh) || !digits(s + 14, 2, &mm))
        return hm_err_set(err, HM_EINVAL, "time must be ISO 8601, e.g. 2026-11-24T08:00:00Z");
    const char *p = s + 16;
    if (*p == ':') {
        if (!digits(p + 1, 2, &ss))
            return hm_err_set(err, HM_EINVAL, "time has invalid seconds");
        p += 3;
        if (*p == '.') {
            int frac = 0, nd = 0;
            p++;
            while (*p >= '0' && *p <= '9' && nd < 9) {
                if (nd < 3)
                    frac = frac * 10 + (*p - '0');
                nd++;
                p++;
            }
            if (nd == 0)
                return hm_err_set(err, HM_EINVAL, "time has an empty fraction");
            for (int i = nd; i < 3; i++)
                frac *= 10;
            ms = frac;
        }
    }
    if (!hm_date_valid(d) || hh > 23 || mm > 59 || ss > 59)
        return hm_err_set(err, HM_EINVAL, "time %s is out of range", s);
    int64_t wall = days_from_civil(d.y, d.m, d.d) * 86400 + hh * 3600 + mm * 60 + ss;
    if (*p == 'Z' && p[1] == '\0') {
        *utc_ms = wall * 1000 + ms;
        return HM_OK;
    }
    if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 14 || om > 59)
            return hm_err_set(err, HM_EINVAL, "time has an invalid offset");
        int64_t off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        *utc_ms = (wall - off) * 1000 + ms;
        return HM_OK;
    }
    if (*p == '\0') {
        *utc_ms = hm_local_to_utc_ms(d, hh * 60 + mm) + ss * 1000 + ms;
        return HM_OK;
    }
    return hm_err_set(err, HM_EINVAL, "time has trailing characters");
}
