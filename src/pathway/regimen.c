/* regimen.c: the treatment regimen of an episode: central-line types, the JSON shape of the
 * HTTP API (parse and emit), and the checks that keep a regimen safe to generate tasks from
 * (timing, dates, and the drug's stability: how long a prepared bag may hang).
 *
 * Parsing is structural (types, formats, field names); hm_pathway_validate_regimen() holds the
 * rules, so that a regimen built in C by a caller is checked exactly like one from JSON. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pathway/pathway_int.h"

#define RP "regimen" /* the JSON path prefix in parse errors: "regimen.dose: must be a number" */

/* ---- line types --------------------------------------------------------------------------- */

static const struct {
    enum hm_line_type type;
    const char *name;
} line_types[] = {{HM_LINE_PICC, "PICC"}, {HM_LINE_CVC, "CVC"}, {HM_LINE_PORT, "port"}};

int hm_line_type_parse(const char *s, enum hm_line_type *out)
{
    for (size_t i = 0; s && i < sizeof line_types / sizeof line_types[0]; i++) {
        if (strcasecmp(s, line_types[i].name) == 0) {
            *out = line_types[i].type;
            return HM_OK;
        }
    }
    return HM_EINVAL;
}

const char *hm_line_type_name(enum hm_line_type t)
{
    for (size_t i = 0; i < sizeof line_types / sizeof line_types[0]; i++)
        if (line_types[i].type == t)
            return line_types[i].name;
    return "unknown";
}

/* ---- validation --------------------------------------------------------------------------- */

static int terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* The longest time a bag hangs: the longest gap between consecutive bag changes, in minutes. */
static int longest_hang_min(const hm_regimen *r)
{
    if (r->bags_per_day == 1)
        return 24 * 60;
    int a = r->bag_change_minutes[0], b = r->bag_change_minutes[1];
    int lo = a < b ? a : b, hi = a < b ? b : a;
    int gap1 = hi - lo, gap2 = 24 * 60 - gap1;
    return gap1 > gap2 ? gap1 : gap2;
}

/* The drug-stability rule; name is what the message calls the drug. */
static int check_hang(const hm_regimen *r, const char *name, int max_hours, hm_err *err)
{
    int hang = longest_hang_min(r);
    if ((long long)hang <= (long long)max_hours * 60) /* max_hours comes from the caller */
        return HM_OK;
    if (r->bags_per_day == 1 && max_hours >= 12)
        return hm_err_set(err, HM_EINVAL,
                          "%s bags may be used for at most %d h after preparation; "
                          "use 2 bags per day",
                          name, max_hours);
    if (max_hours >= 12) {
        char t0[6], t1[6];
        hm__clock_format(r->bag_change_minutes[0], t0);
        hm__clock_format(r->bag_change_minutes[1], t1);
        return hm_err_set(err, HM_EINVAL,
                          "%s bags may be used for at most %d h after preparation; bag changes "
                          "at %s and %s leave a bag hanging %d h %02d min; space them evenly",
                          name, max_hours, t0, t1, hang / 60, hang % 60);
    }
    return hm_err_set(err, HM_EINVAL,
                      "%s bags may be used for at most %d h after preparation; that needs more "
                      "than 2 bags per day, which the pathway does not support",
                      name, max_hours);
}

static int check_clock_list(const int *mins, int n, const char *what, hm_err *err)
{
    for (int i = 0; i < n; i++) {
        if (mins[i] < 0 || mins[i] >= 24 * 60)
            return hm_err_set(err, HM_EINVAL, "%s %d is not a clock time (minute %d of the day)",
                              what, i + 1, mins[i]);
        for (int k = 0; k < i; k++) {
            char t[6];
            hm__clock_format(mins[i], t);
            if (mins[k] == mins[i])
                return hm_err_set(err, HM_EINVAL, "%s %s given twice", what, t);
        }
    }
    return HM_OK;
}

static int check_timing(const hm_regimen *r, hm_err *err)
{
    if (!isfinite(r->dose) || r->dose <= 0)
        return hm_err_set(err, HM_EINVAL, "dose must be positive");
    if (r->bags_per_day != 1 && r->bags_per_day != 2)
        return hm_err_set(err, HM_EINVAL, "unknown bags_per_day %d: must be 1 or 2",
                          r->bags_per_day);
    if (r->interval_hours < 1 || r->interval_hours > 24 || 24 % r->interval_hours != 0)
        return hm_err_set(err, HM_EINVAL,
                          "interval of %d h does not divide 24 h (use 1, 2, 3, 4, 6, 8, 12 or 24)",
                          r->interval_hours);
    if (r->infusion_minutes < 1)
        return hm_err_set(err, HM_EINVAL, "infusion duration must be at least 1 min");
    if (r->infusion_minutes > r->interval_hours * 60)
        return hm_err_set(err, HM_EINVAL, "infusion of %d min is longer than the interval of %d h",
                          r->infusion_minutes, r->interval_hours);
    int rc = check_clock_list(r->bag_change_minutes, r->bags_per_day, "bag change time", err);
    if (rc != HM_OK)
        return rc;
    if (r->vitals_count < 0 || r->vitals_count > 4)
        return hm_err_set(err, HM_EINVAL, "vitals_count %d must be 0 to 4", r->vitals_count);
    rc = check_clock_list(r->vitals_minutes, r->vitals_count, "vital signs time", err);
    if (rc != HM_OK)
        return rc;
    if (r->labs_weekdays < 0 || r->labs_weekdays > 127)
        return hm_err_set(err, HM_EINVAL, "labs_weekdays %d is not a weekday bitmask",
                          r->labs_weekdays);
    if (r->labs_weekdays && (r->labs_minutes < 0 || r->labs_minutes >= 24 * 60))
        return hm_err_set(err, HM_EINVAL, "lab time is not a clock time (minute %d of the day)",
                          r->labs_minutes);
    return HM_OK;
}

static int check_dates(const hm_pathway *p, const hm_regimen *r, hm_err *err)
{
    char a[11], b[11];
    if (!hm__date_valid(r->start))
        return hm_err_set(err, HM_EINVAL, "start date is not a valid date");
    if (!hm__date_valid(r->end))
        return hm_err_set(err, HM_EINVAL, "end date is not a valid date");
    if (!hm__date_valid(r->line_inserted))
        return hm_err_set(err, HM_EINVAL, "line insertion date is not a valid date");
    hm_date_format(r->start, a);
    if (hm_date_cmp(r->end, r->start) < 0) {
        hm_date_format(r->end, b);
        return hm_err_set(err, HM_EINVAL, "end date %s is before start date %s", b, a);
    }
    if (hm_date_cmp(r->line_inserted, r->start) > 0) {
        hm_date_format(r->line_inserted, b);
        return hm_err_set(err, HM_EINVAL, "line inserted %s, after the start date %s", b, a);
    }
    int days = hm_date_diff_days(r->start, r->end) + 1;
    if (p && days > p->max_episode_days)
        return hm_err_set(err, HM_EINVAL,
                          "episode of %d days is longer than the %d days pathway %s allows", days,
                          p->max_episode_days, p->id);
    return HM_OK;
}

int hm_pathway_validate_regimen(const hm_pathway *p, const hm_regimen *r, hm_err *err)
{
    if (!r)
        return hm_err_set(err, HM_EINVAL, "regimen missing");
    if (!terminated(r->drug_code, sizeof r->drug_code) || !r->drug_code[0])
        return hm_err_set(err, HM_EINVAL, "drug code missing");
    if (!terminated(r->dose_unit, sizeof r->dose_unit) || !r->dose_unit[0])
        return hm_err_set(err, HM_EINVAL, "dose unit missing");
    int rc = check_timing(r, err);
    if (rc != HM_OK)
        return rc;
    if (r->max_bag_hours <= 0)
        return hm_err_set(err, HM_EINVAL,
                          "max_bag_hours of drug '%s' not set: copy it from the drug catalogue",
                          r->drug_code);
    rc = check_hang(r, r->drug_code, r->max_bag_hours, err);
    if (rc != HM_OK)
        return rc;
    if (strcmp(hm_line_type_name(r->line_type), "unknown") == 0)
        return hm_err_set(err, HM_EINVAL, "unknown line type %d (PICC, CVC or port)",
                          (int)r->line_type);
    return check_dates(p, r, err);
}

int hm_regimen_check_drug(const hm_regimen *r, const hm_drug *d, hm_err *err)
{
    if (!r || !d)
        return hm_err_set(err, HM_EINVAL, "regimen or drug missing");
    if (strncmp(r->drug_code, d->code, sizeof r->drug_code) != 0)
        return hm_err_set(err, HM_EINVAL, "regimen drug '%.31s' is not catalogue drug '%s'",
                          r->drug_code, d->code);
    if (r->bags_per_day != 1 && r->bags_per_day != 2)
        return hm_err_set(err, HM_EINVAL, "unknown bags_per_day %d: must be 1 or 2",
                          r->bags_per_day);
    return check_hang(r, d->name, d->max_bag_hours, err);
}

/* ---- JSON --------------------------------------------------------------------------------- */

static int get_date(const json_t *j, const char *key, hm_date *out, hm_err *err)
{
    const char *s = NULL;
    hm_date d;
    int rc = hm__jp_str(j, RP, key, 1, 10, &s, err);
    if (rc != HM_OK)
        return rc;
    if (hm_date_parse(s, &d, NULL) != HM_OK || !hm__date_valid(d))
        return hm__jp_err(err, RP, key, "'%s' is not a date YYYY-MM-DD", s);
    *out = d;
    return HM_OK;
}

/* An array of at most max "HH:MM" strings; *count gets its length. */
static int get_clock_array(const json_t *j, const char *key, int required, int max, int *mins,
                           int *count, hm_err *err)
{
    const json_t *arr = NULL;
    int rc = hm__jp_arr(j, RP, key, required, (size_t)max, &arr, err);
    if (rc != HM_OK || !arr)
        return rc;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (hm__clock_parse(s, &mins[i]) != HM_OK)
            return hm__jp_err(err, RP, key, "entry %zu must be a clock time HH:MM", i);
    }
    *count = (int)json_array_size(arr);
    return HM_OK;
}

static int get_labs(const json_t *j, hm_regimen *r, hm_err *err)
{
    static const char *const keys[] = {"weekdays", "time", NULL};
    const char *path = RP ".labs";
    const json_t *labs = NULL, *days = NULL;
    const char *t = NULL;
    int rc = hm__jp_obj(j, RP, "labs", 0, &labs, err);
    if (rc != HM_OK || !labs)
        return rc;
    rc = hm__jp_keys(labs, path, keys, err);
    if (rc == HM_OK)
        rc = hm__jp_arr(labs, path, "weekdays", 1, 7, &days, err);
    if (rc == HM_OK)
        rc = hm__jp_str(labs, path, "time", 1, 5, &t, err);
    if (rc != HM_OK)
        return rc;
    if (hm__clock_parse(t, &r->labs_minutes) != HM_OK)
        return hm__jp_err(err, path, "time", "'%s' is not a clock time HH:MM", t);
    for (size_t i = 0; i < json_array_size(days); i++) {
        int wd = hm__weekday_parse(json_string_value(json_array_get(days, i)));
        if (!wd)
            return hm__jp_err(err, path, "weekdays", "entry %zu must be a weekday (mon..sun)", i);
        r->labs_weekdays |= 1 << (wd - 1);
    }
    if (!r->labs_weekdays)
        return hm__jp_err(err, path, "weekdays", "must list at least one weekday");
    return HM_OK;
}

static int get_bags(const json_t *j, hm_regimen *r, hm_err *err)
{
    int n = 0;
    int rc = hm__jp_int(j, RP, "bags_per_day", 1, 1, 2, &r->bags_per_day, err);
    if (rc == HM_OK)
        rc = get_clock_array(j, "bag_change_times", 1, 2, r->bag_change_minutes, &n, err);
    if (rc == HM_OK && n != r->bags_per_day)
        return hm__jp_err(err, RP, "bag_change_times", "must have %d entries (bags_per_day)",
                          r->bags_per_day);
    return rc;
}

static int get_line(const json_t *j, hm_regimen *r, hm_err *err)
{
    const char *s = NULL;
    int rc = hm__jp_str(j, RP, "line_type", 1, 8, &s, err);
    if (rc != HM_OK)
        return rc;
    if (hm_line_type_parse(s, &r->line_type) != HM_OK)
        return hm__jp_err(err, RP, "line_type", "'%s' is not PICC, CVC or port", s);
    return get_date(j, "line_inserted", &r->line_inserted, err);
}

int hm_regimen_from_json(const json_t *j, hm_regimen *out, hm_err *err)
{
    static const char *const keys[] = {"drug", "dose", "dose_unit", "interval_hours",
                                       "infusion_minutes", "bags_per_day", "bag_change_times",
                                       "line_type", "line_inserted", "start_date", "end_date",
                                       "vitals_times", "labs", NULL};
    hm_regimen r;
    const char *drug = NULL, *unit = NULL;
    memset(&r, 0, sizeof r);
    if (!json_is_object(j))
        return hm_err_set(err, HM_EINVAL, "regimen must be a JSON object");
    int rc = hm__jp_keys(j, RP, keys, err);
    if (rc == HM_OK)
        rc = hm__jp_str(j, RP, "drug", 1, sizeof r.drug_code - 1, &drug, err);
    if (rc == HM_OK)
        rc = hm__jp_num(j, RP, "dose", 1, 0, 1e6, &r.dose, err);
    if (rc == HM_OK)
        rc = hm__jp_str(j, RP, "dose_unit", 1, sizeof r.dose_unit - 1, &unit, err);
    if (rc == HM_OK)
        rc = hm__jp_int(j, RP, "interval_hours", 1, 1, 24, &r.interval_hours, err);
    if (rc == HM_OK)
        rc = hm__jp_int(j, RP, "infusion_minutes", 1, 1, 24 * 60, &r.infusion_minutes, err);
    if (rc == HM_OK)
        rc = get_bags(j, &r, err);
    if (rc == HM_OK)
        rc = get_line(j, &r, err);
    if (rc == HM_OK)
        rc = get_date(j, "start_date", &r.start, err);
    if (rc == HM_OK)
        rc = get_date(j, "end_date", &r.end, err);
    if (rc == HM_OK)
        rc = get_clock_array(j, "vitals_times", 0, 4, r.vitals_minutes, &r.vitals_count, err);
    if (rc == HM_OK)
        rc = get_labs(j, &r, err);
    if (rc != HM_OK)
        return rc;
    snprintf(r.drug_code, sizeof r.drug_code, "%s", drug);
    snprintf(r.dose_unit, sizeof r.dose_unit, "%s", unit);
    *out = r;
    return HM_OK;
}

static json_t *clock_array(const int *mins, int n)
{
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++) {
        char t[6];
        hm__clock_format(mins[i], t);
        if (json_array_append_new(a, json_string(t)) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *date_string(hm_date d)
{
    char s[11];
    hm_date_format(d, s);
    return json_string(s);
}

static json_t *labs_json(const hm_regimen *r)
{
    if (!r->labs_weekdays)
        return json_null();
    json_t *days = json_array();
    for (int wd = 1; days && wd <= 7; wd++)
        if (r->labs_weekdays & (1 << (wd - 1)))
            json_array_append_new(days, json_string(hm__weekday_name(wd)));
    char t[6];
    hm__clock_format(r->labs_minutes, t);
    return json_pack("{s:o?, s:s}", "weekdays", days, "time", t);
}

json_t *hm_regimen_to_json(const hm_regimen *r)
{
    char drug[sizeof r->drug_code + 1], unit[sizeof r->dose_unit + 1];
    snprintf(drug, sizeof drug, "%.*s", (int)sizeof r->drug_code - 1, r->drug_code);
    snprintf(unit, sizeof unit, "%.*s", (int)sizeof r->dose_unit - 1, r->dose_unit);
    /* "o?" steals the reference and turns a NULL (allocation failure) into null, and
     * json_pack returns NULL as a whole if anything fails, so nothing leaks. */
    return json_pack("{s:s, s:f, s:s, s:i, s:i, s:i, s:o?, s:s, s:o?, s:o?, s:o?, s:o?, s:o?}",
                     "drug", drug, "dose", r->dose, "dose_unit", unit, "interval_hours",
                     r->interval_hours, "infusion_minutes", r->infusion_minutes, "bags_per_day",
                     r->bags_per_day, "bag_change_times",
                     clock_array(r->bag_change_minutes,
                                 r->bags_per_day >= 1 && r->bags_per_day <= 2 ? r->bags_per_day
                                                                              : 0),
                     "line_type", hm_line_type_name(r->line_type), "line_inserted",
                     date_string(r->line_inserted), "start_date", date_string(r->start),
                     "end_date", date_string(r->end), "vitals_times",
                     clock_array(r->vitals_minutes,
                                 r->vitals_count >= 0 && r->vitals_count <= 4 ? r->vitals_count
                                                                              : 0),
                     "labs", labs_json(r));
}
