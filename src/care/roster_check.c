/* roster_check.c: the check of a roster request without the database (hm_care_roster_parse):
 * the date range, each shift's date inside it, clock times ("24:00" only as an end), the end
 * after the start, the break window and length inside the shift, optional start and end places,
 * and no two shifts of one nurse overlapping. Kept apart from roster.c so that it is tested and
 * fuzzed on its own: it takes only base/ (JSON fields, dates and clock times). */
#include "care/care_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"

/* "HH:MM" (00:00..23:59), or "24:00" where end_of_day allows it. */
static int clock_field(const json_t *o, const char *key, int required, int end_of_day, int *out,
                       hm_err *err)
{
    const char *s = NULL;
    int rc = hm_json_str(o, key, required, 5, &s, err);
    if (rc || !s)
        return rc;
    if (end_of_day && strcmp(s, "24:00") == 0) {
        *out = 1440;
        return HM_OK;
    }
    rc = hm_clock_time_parse(s, out, err);
    if (rc)
        return hm_err_set(err, HM_EINVAL, "field '%s' must be a clock time HH:MM, not '%s'", key,
                          s);
    return HM_OK;
}

static int location_field(const json_t *o, const char *key, int *has, double *lat, double *lon,
                          hm_err *err)
{
    const json_t *loc = json_object_get(o, key);
    if (!loc || json_is_null(loc))
        return HM_OK;
    static const char *const allowed[] = {"lat", "lon", NULL};
    if (!json_is_object(loc))
        return hm_err_set(err, HM_EINVAL, "field '%s' must be an object {lat, lon}", key);
    int rc = hm_json_only(loc, allowed, err);
    if (!rc)
        rc = hm_json_num(loc, "lat", 1, -90, 90, lat, err);
    if (!rc)
        rc = hm_json_num(loc, "lon", 1, -180, 180, lon, err);
    if (rc)
        return hm_err_set(err, rc, "field '%s': %s", key, err ? err->msg : "");
    *has = 1;
    return HM_OK;
}

static int parse_times(const json_t *o, hm_shift *s, hm_err *err)
{
    int rc = clock_field(o, "start", 1, 0, &s->start, err);
    if (!rc)
        rc = clock_field(o, "end", 1, 1, &s->end, err);
    if (rc)
        return rc;
    if (s->end <= s->start)
        return hm_err_set(err, HM_EINVAL, "the shift must end after it starts");
    int64_t minutes = 0;
    rc = hm_json_int(o, "break_minutes", 0, 0, 240, &minutes, err);
    if (rc)
        return rc;
    s->break_min = (int)minutes;
    s->break_from = s->break_to = -1;
    rc = clock_field(o, "break_from", 0, 0, &s->break_from, err);
    if (!rc)
        rc = clock_field(o, "break_to", 0, 0, &s->break_to, err);
    if (rc)
        return rc;
    if ((s->break_from < 0) != (s->break_to < 0))
        return hm_err_set(err, HM_EINVAL, "'break_from' and 'break_to' go together");
    if (s->break_min > 0 && s->break_from < 0)
        return hm_err_set(err, HM_EINVAL, "a break needs its window 'break_from' to 'break_to'");
    if (s->break_from < 0)
        return HM_OK;
    if (s->break_from < s->start || s->break_to < s->break_from ||
        s->break_to + s->break_min > s->end)
        return hm_err_set(err, HM_EINVAL,
                          "the break must start between 'break_from' and 'break_to' and fit"
                          " inside the shift");
    return HM_OK;
}

static int parse_shift(const json_t *o, hm_date from, hm_date to, hm_shift *s, hm_err *err)
{
    static const char *const allowed[] = {"staff_id", "date", "start", "end", "break_from",
                                          "break_to", "break_minutes", "start_location",
                                          "end_location", NULL};
    if (!json_is_object(o))
        return hm_err_set(err, HM_EINVAL, "each shift must be an object");
    memset(s, 0, sizeof *s);
    const char *date = NULL;
    int rc = hm_json_only(o, allowed, err);
    if (!rc)
        rc = hm_json_int(o, "staff_id", 1, 1, INT64_MAX, &s->staff_id, err);
    if (!rc)
        rc = hm_json_str(o, "date", 1, 10, &date, err);
    if (!rc && hm_date_parse(date, &s->date, err) != HM_OK)
        rc = hm_err_set(err, HM_EINVAL, "field 'date' must be a date YYYY-MM-DD, not '%s'", date);
    if (!rc && (hm_date_cmp(s->date, from) < 0 || hm_date_cmp(s->date, to) > 0))
        rc = hm_err_set(err, HM_EINVAL, "the shift's date %s is outside 'from' to 'to'", date);
    if (!rc)
        rc = parse_times(o, s, err);
    if (!rc)
        rc = location_field(o, "start_location", &s->has_start_loc, &s->start_lat,
                            &s->start_lon, err);
    if (!rc)
        rc = location_field(o, "end_location", &s->has_end_loc, &s->end_lat, &s->end_lon, err);
    return rc;
}

static int shift_order(const void *a, const void *b)
{
    const hm_shift *x = a, *y = b;
    if (x->staff_id != y->staff_id)
        return x->staff_id < y->staff_id ? -1 : 1;
    int d = hm_date_cmp(x->date, y->date);
    if (d)
        return d;
    return x->start - y->start;
}

/* Sorted by nurse, date and start: overlapping shifts are neighbours. */
static int check_overlaps(hm_shift *v, size_t n, hm_err *err)
{
    qsort(v, n, sizeof *v, shift_order);
    for (size_t i = 1; i < n; i++) {
        if (v[i].staff_id != v[i - 1].staff_id || hm_date_cmp(v[i].date, v[i - 1].date) != 0)
            continue;
        if (v[i].start < v[i - 1].end) {
            char day[11];
            hm_date_format(v[i].date, day);
            return hm_err_set(err, HM_EINVAL, "staff member %lld has overlapping shifts on %s",
                              (long long)v[i].staff_id, day);
        }
    }
    return HM_OK;
}

int hm__roster_range(const json_t *in, hm_date *from, hm_date *to, hm_err *err)
{
    const char *f = NULL, *t = NULL;
    int rc = hm_json_str(in, "from", 1, 10, &f, err);
    if (!rc)
        rc = hm_json_str(in, "to", 1, 10, &t, err);
    if (!rc && hm_date_parse(f, from, err) != HM_OK)
        rc = hm_err_set(err, HM_EINVAL, "field 'from' must be a date YYYY-MM-DD, not '%s'", f);
    if (!rc && hm_date_parse(t, to, err) != HM_OK)
        rc = hm_err_set(err, HM_EINVAL, "field 'to' must be a date YYYY-MM-DD, not '%s'", t);
    if (rc)
        return rc;
    int days = hm_date_diff_days(*from, *to);
    if (days < 0)
        return hm_err_set(err, HM_EINVAL, "field 'to' is before 'from'");
    if (days >= HM_ROSTER_MAX_DAYS)
        return hm_err_set(err, HM_EINVAL, "a roster covers at most %d days at a time",
                          HM_ROSTER_MAX_DAYS);
    return HM_OK;
}

int hm_care_roster_parse(const json_t *in, hm_date *from, hm_date *to, hm_shift **shifts,
                         size_t *n, hm_err *err)
{
    static const char *const allowed[] = {"from", "to", "shifts", NULL};
    hm_date f, t;
    int rc = hm_json_only(in, allowed, err);
    if (!rc)
        rc = hm__roster_range(in, &f, &t, err);
    if (rc)
        return rc;
    const json_t *arr = json_object_get(in, "shifts");
    if (!json_is_array(arr))
        return hm_err_set(err, HM_EINVAL, "field 'shifts' must be an array (empty to clear)");
    size_t count = json_array_size(arr);
    if (count > HM_ROSTER_MAX_SHIFTS)
        return hm_err_set(err, HM_ETOOBIG, "a roster holds at most %d shifts at a time",
                          HM_ROSTER_MAX_SHIFTS);
    hm_shift *v = calloc(count ? count : 1, sizeof *v);
    if (!v)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    for (size_t i = 0; i < count && !rc; i++) {
        rc = parse_shift(json_array_get(arr, i), f, t, &v[i], err);
        if (rc)
            rc = hm_err_set(err, rc, "shift %zu: %s", i + 1, err ? err->msg : "");
    }
    if (!rc)
        rc = check_overlaps(v, count, err);
    if (rc) {
        free(v);
        return rc;
    }
    *from = f;
    *to = t;
    *shifts = v;
    *n = count;
    return HM_OK;
}
