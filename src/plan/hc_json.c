/* hc_json.c: heime's JSON problem format for home-care days (docs/plan-format.md) and the JSON
 * plan `heime plan` prints for it. The reader checks every field (type, range, unknown keys)
 * and names the offending one; it builds the problem through the public API of plan.h only. */
#include "plan/hc.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COMP_PER_ITEM 16

/* "HH:MM" (00:00-47:59) or a number of minutes. */
static int get_time(const json_t *o, const char *key, int required, double *out, const char *ctx,
                    hm_err *err)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        if (required)
            return hm_err_set(err, HM_EINVAL, "%s: missing field '%s'", ctx, key);
        return HM_OK;
    }
    if (json_is_number(v)) {
        double m = json_number_value(v);
        if (!(m >= 0 && m <= 2880))
            return hm_err_set(err, HM_EINVAL, "%s: field '%s' must be 0-2880 minutes", ctx, key);
        *out = m;
        return HM_OK;
    }
    const char *s = json_string_value(v);
    if (s && strlen(s) == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
        s[2] == ':' && isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4])) {
        int hh = (s[0] - '0') * 10 + (s[1] - '0'), mm = (s[3] - '0') * 10 + (s[4] - '0');
        if (hh < 48 && mm < 60) {
            *out = hh * 60 + mm;
            return HM_OK;
        }
    }
    return hm_err_set(err, HM_EINVAL, "%s: field '%s' must be \"HH:MM\" or minutes", ctx, key);
}

static int get_num(const json_t *o, const char *key, double lo, double hi, double *out,
                   const char *ctx, hm_err *err)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return HM_OK;
    double x = json_number_value(v);
    if (!json_is_number(v) || !(x >= lo && x <= hi))
        return hm_err_set(err, HM_EINVAL, "%s: field '%s' must be a number in %g..%g", ctx, key,
                          lo, hi);
    *out = x;
    return HM_OK;
}

static int only(const json_t *o, const char *const *allowed, const char *ctx, hm_err *err)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        int ok = 0;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(k, allowed[i]) == 0;
        if (!ok)
            return hm_err_set(err, HM_EINVAL, "%s: unknown field '%.40s'", ctx, k);
    }
    return HM_OK;
}

/* [lat, lon] or a matrix index. */
static int get_loc(const json_t *o, const char *key, int required, hm_plan_loc *out,
                   const char *ctx, hm_err *err)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        if (required)
            return hm_err_set(err, HM_EINVAL, "%s: missing field '%s'", ctx, key);
        return HM_AGAIN;
    }
    if (json_is_integer(v) && json_integer_value(v) >= 0 &&
        json_integer_value(v) < 2 * HM_PLAN_MAX_VISITS) {
        out->index = (int)json_integer_value(v);
        out->lat = out->lon = 0;
        return HM_OK;
    }
    if (json_is_array(v) && json_array_size(v) == 2 && json_is_number(json_array_get(v, 0)) &&
        json_is_number(json_array_get(v, 1))) {
        out->index = -1;
        out->lat = json_number_value(json_array_get(v, 0));
        out->lon = json_number_value(json_array_get(v, 1));
        return HM_OK;
    }
    return hm_err_set(err, HM_EINVAL, "%s: field '%s' must be [lat, lon] or a matrix index", ctx,
                      key);
}

static int get_comps(const json_t *o, const char **names, int *n, const char *ctx, hm_err *err)
{
    json_t *v = json_object_get(o, "competences");
    *n = 0;
    if (!v)
        return HM_OK;
    if (!json_is_array(v) || json_array_size(v) > MAX_COMP_PER_ITEM)
        return hm_err_set(err, HM_EINVAL, "%s: 'competences' must be an array of at most %d "
                          "names", ctx, MAX_COMP_PER_ITEM);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            return hm_err_set(err, HM_EINVAL, "%s: competences must be strings", ctx);
        names[(*n)++] = json_string_value(e);
    }
    return HM_OK;
}

static int get_id(const json_t *o, const char **id, const char *what, size_t idx, hm_err *err)
{
    *id = json_string_value(json_object_get(o, "id"));
    if (!*id)
        return hm_err_set(err, HM_EINVAL, "%s %zu: missing string field 'id'", what, idx + 1);
    return HM_OK;
}

static int read_nurse(hm_plan_problem *p, const json_t *o, size_t idx, hm_err *err)
{
    static const char *const keys[] = {"id", "start", "end", "shift_start", "shift_end", "break",
                                       "competences", "max_work", NULL};
    hm_plan_nurse n = {0};
    const char *names[MAX_COMP_PER_ITEM];
    int rc;
    if (!json_is_object(o))
        return hm_err_set(err, HM_EINVAL, "nurse %zu: must be an object", idx + 1);
    rc = get_id(o, &n.id, "nurse", idx, err);
    if (rc == HM_OK)
        rc = only(o, keys, n.id, err);
    if (rc == HM_OK)
        rc = get_loc(o, "start", 1, &n.start, n.id, err);
    if (rc == HM_OK) {
        rc = get_loc(o, "end", 0, &n.end, n.id, err);
        if (rc == HM_AGAIN) {
            n.end = n.start;
            rc = HM_OK;
        }
    }
    if (rc == HM_OK)
        rc = get_time(o, "shift_start", 1, &n.shift_start, n.id, err);
    if (rc == HM_OK)
        rc = get_time(o, "shift_end", 1, &n.shift_end, n.id, err);
    if (rc == HM_OK)
        rc = get_num(o, "max_work", 0, 2880, &n.max_work, n.id, err);
    if (rc == HM_OK)
        rc = get_comps(o, names, &n.n_competences, n.id, err);
    json_t *b = json_object_get(o, "break");
    if (rc == HM_OK && b) {
        static const char *const bkeys[] = {"from", "to", "minutes", NULL};
        if (!json_is_object(b))
            return hm_err_set(err, HM_EINVAL, "%s: 'break' must be an object", n.id);
        rc = only(b, bkeys, n.id, err);
        if (rc == HM_OK)
            rc = get_time(b, "from", 1, &n.break_from, n.id, err);
        if (rc == HM_OK)
            rc = get_time(b, "to", 1, &n.break_to, n.id, err);
        if (rc == HM_OK)
            rc = get_num(b, "minutes", 0, 240, &n.break_minutes, n.id, err);
    }
    if (rc != HM_OK)
        return rc;
    n.competences = names;
    return hm_plan_add_nurse(p, &n, err);
}

static int read_windows(const json_t *o, hm_plan_visit *v, hm_err *err)
{
    json_t *w = json_object_get(o, "windows");
    if (!w)
        return HM_OK;
    if (!json_is_array(w) || json_array_size(w) > HM_PLAN_MAX_WINDOWS)
        return hm_err_set(err, HM_EINVAL, "%s: 'windows' must be an array of at most %d "
                          "windows", v->id, HM_PLAN_MAX_WINDOWS);
    size_t i;
    json_t *e;
    json_array_foreach(w, i, e)
    {
        static const char *const wkeys[] = {"from", "to", NULL};
        if (!json_is_object(e))
            return hm_err_set(err, HM_EINVAL, "%s: window %zu must be {\"from\", \"to\"}", v->id,
                              i + 1);
        int rc = only(e, wkeys, v->id, err);
        if (rc == HM_OK)
            rc = get_time(e, "from", 1, &v->win_from[i], v->id, err);
        if (rc == HM_OK)
            rc = get_time(e, "to", 1, &v->win_to[i], v->id, err);
        if (rc != HM_OK)
            return rc;
        v->n_windows++;
    }
    return HM_OK;
}

static int read_visit(hm_plan_problem *p, const json_t *o, size_t idx, hm_err *err)
{
    static const char *const keys[] = {"id", "location", "windows", "duration", "competences",
                                       "priority", "mandatory", "fixed_time", "tolerance",
                                       "preferred_nurse", "required_nurse", "nurses", NULL};
    hm_plan_visit v = {0};
    const char *names[MAX_COMP_PER_ITEM];
    double prio = 1, nurses = 1;
    if (!json_is_object(o))
        return hm_err_set(err, HM_EINVAL, "visit %zu: must be an object", idx + 1);
    v.fixed_time = -1;
    v.mandatory = 1;
    int rc = get_id(o, &v.id, "visit", idx, err);
    if (rc == HM_OK)
        rc = only(o, keys, v.id, err);
    if (rc == HM_OK)
        rc = get_loc(o, "location", 1, &v.loc, v.id, err);
    if (rc == HM_OK)
        rc = read_windows(o, &v, err);
    if (rc == HM_OK)
        rc = get_num(o, "duration", 0, 1440, &v.duration, v.id, err);
    if (rc == HM_OK)
        rc = get_num(o, "priority", 0, 10, &prio, v.id, err);
    if (rc == HM_OK)
        rc = get_num(o, "nurses", 1, 2, &nurses, v.id, err);
    if (rc == HM_OK)
        rc = get_time(o, "fixed_time", 0, &v.fixed_time, v.id, err);
    if (rc == HM_OK)
        rc = get_num(o, "tolerance", 0, 720, &v.tolerance, v.id, err);
    if (rc == HM_OK)
        rc = get_comps(o, names, &v.n_competences, v.id, err);
    if (rc != HM_OK)
        return rc;
    json_t *m = json_object_get(o, "mandatory");
    if (m && !json_is_boolean(m))
        return hm_err_set(err, HM_EINVAL, "%s: 'mandatory' must be true or false", v.id);
    v.mandatory = !m || json_is_true(m);
    json_t *pn = json_object_get(o, "preferred_nurse");
    if (pn && !json_is_string(pn))
        return hm_err_set(err, HM_EINVAL, "%s: 'preferred_nurse' must be a nurse id", v.id);
    v.preferred_nurse = pn ? json_string_value(pn) : NULL;
    json_t *rn = json_object_get(o, "required_nurse");
    if (rn && !json_is_string(rn))
        return hm_err_set(err, HM_EINVAL, "%s: 'required_nurse' must be a nurse id", v.id);
    v.required_nurse = rn ? json_string_value(rn) : NULL;
    if (prio != floor(prio) || nurses != floor(nurses))
        return hm_err_set(err, HM_EINVAL, "%s: 'priority' and 'nurses' must be integers", v.id);
    v.priority = (int)prio;
    v.nurses = (int)nurses;
    v.competences = names;
    return hm_plan_add_visit(p, &v, err);
}

static int read_settings(const json_t *o, hm_plan_settings *s, hm_err *err)
{
    static const char *const keys[] = {"speed_kmh", "road_factor", "max_lateness", "max_overtime",
                                       "w_unserved", "w_late", "w_optional", "w_continuity",
                                       NULL};
    if (!o)
        return HM_OK;
    if (!json_is_object(o))
        return hm_err_set(err, HM_EINVAL, "'settings' must be an object");
    int rc = only(o, keys, "settings", err);
    double *f[] = {&s->speed_kmh, &s->road_factor, &s->max_lateness, &s->max_overtime,
                   &s->w_unserved, &s->w_late, &s->w_optional, &s->w_continuity};
    for (int i = 0; rc == HM_OK && i < 8; i++)
        rc = get_num(o, keys[i], 0, 1e9, f[i], "settings", err);
    return rc;
}

static int read_matrix(hm_plan_problem *p, const json_t *m, hm_err *err)
{
    size_t n = json_array_size(m);
    if (!json_is_array(m) || n < 1 || n > 2 * HM_PLAN_MAX_VISITS)
        return hm_err_set(err, HM_EINVAL, "'matrix' must be a square array of minute rows");
    double *a = malloc(sizeof(double) * n * n);
    if (!a)
        return hm_err_set(err, HM_ENOMEM, "cannot allocate the travel matrix");
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(m, i);
        if (!json_is_array(r) || json_array_size(r) != n) {
            free(a);
            return hm_err_set(err, HM_EINVAL, "'matrix' row %zu must have %zu numbers", i + 1, n);
        }
        for (size_t j = 0; j < n; j++) {
            json_t *e = json_array_get(r, j);
            if (!json_is_number(e)) {
                free(a);
                return hm_err_set(err, HM_EINVAL, "'matrix' row %zu holds a non-number", i + 1);
            }
            a[i * n + j] = json_number_value(e);
        }
    }
    int rc = hm_plan_set_matrix(p, a, (int)n, err);
    free(a);
    return rc;
}

static int read_precedences(hm_plan_problem *p, const json_t *a, hm_err *err)
{
    if (!a)
        return HM_OK;
    if (!json_is_array(a))
        return hm_err_set(err, HM_EINVAL, "'precedences' must be an array");
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
    {
        static const char *const keys[] = {"before", "after", "min_gap", NULL};
        const char *b = json_string_value(json_object_get(e, "before"));
        const char *f = json_string_value(json_object_get(e, "after"));
        double gap = 0;
        if (!json_is_object(e) || !b || !f)
            return hm_err_set(err, HM_EINVAL, "precedence %zu needs 'before' and 'after' ids",
                              i + 1);
        int rc = only(e, keys, "precedence", err);
        if (rc == HM_OK)
            rc = get_num(e, "min_gap", 0, 1440, &gap, "precedence", err);
        if (rc == HM_OK)
            rc = hm_plan_add_precedence(p, b, f, gap, err);
        if (rc != HM_OK)
            return rc;
    }
    return HM_OK;
}

static int read_list(hm_plan_problem *p, const json_t *root, const char *key,
                     int (*fn)(hm_plan_problem *, const json_t *, size_t, hm_err *), hm_err *err)
{
    json_t *a = json_object_get(root, key);
    if (!json_is_array(a) || json_array_size(a) == 0)
        return hm_err_set(err, HM_EINVAL, "'%s' must be a non-empty array", key);
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
    {
        int rc = fn(p, e, i, err);
        if (rc != HM_OK)
            return rc;
    }
    return HM_OK;
}

static int read_problem(const json_t *root, hm_plan_problem **out, hm_err *err)
{
    static const char *const keys[] = {"name", "settings", "matrix", "nurses", "visits",
                                       "precedences", NULL};
    if (!json_is_object(root))
        return hm_err_set(err, HM_EINVAL, "the problem must be a JSON object");
    int rc = only(root, keys, "problem", err);
    hm_plan_settings s;
    hm_plan_settings_default(&s);
    if (rc == HM_OK)
        rc = read_settings(json_object_get(root, "settings"), &s, err);
    hm_plan_problem *p = NULL;
    if (rc == HM_OK)
        rc = hm_plan_problem_create(&s, &p, err);
    json_t *m = json_object_get(root, "matrix");
    if (rc == HM_OK && m)
        rc = read_matrix(p, m, err);
    if (rc == HM_OK)
        rc = read_list(p, root, "nurses", read_nurse, err);
    if (rc == HM_OK)
        rc = read_list(p, root, "visits", read_visit, err);
    if (rc == HM_OK)
        rc = read_precedences(p, json_object_get(root, "precedences"), err);
    if (rc != HM_OK) {
        hm_plan_problem_destroy(p);
        return rc;
    }
    *out = p;
    return HM_OK;
}

int hm__hc_from_json(const char *text, size_t len, hm_plan_problem **out, hm_err *err)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return hm_err_set(err, HM_EINVAL, "invalid JSON at line %d: %s", je.line, je.text);
    int rc = read_problem(root, out, err);
    json_decref(root);
    return rc;
}

static json_t *clock_json(double minutes)
{
    char b[48];
    long m = lround(minutes < 0 ? 0 : minutes > 1e6 ? 1e6 : minutes);
    snprintf(b, sizeof b, "%02ld:%02ld", m / 60, m % 60);
    return json_string(b);
}

json_t *hm__hc_result_json(const hm_plan_problem *p, const hm_plan_result *r)
{
    const hm_plan_summary *s = &r->sum;
    json_t *o = json_object(), *routes = json_array(), *nurses = json_array(), *un = json_array();
    for (int n = 0; n < r->nn; n++) {
        const hc_route *rt = &r->routes[n];
        if (rt->n == 0)
            continue;
        json_t *ids = json_array(), *stops = json_array();
        for (int i = 0; i < rt->n; i++) {
            const hm_plan_stop *st = &rt->stops[i];
            json_array_append_new(ids, json_string(st->visit_id));
            json_t *j = json_object();
            json_object_set_new(j, "visit", json_string(st->visit_id));
            json_object_set_new(j, "arrival", clock_json(st->arrival));
            json_object_set_new(j, "start", clock_json(st->start));
            json_object_set_new(j, "end", clock_json(st->end));
            json_array_append_new(stops, j);
        }
        json_array_append_new(routes, ids);
        json_t *nj = json_object();
        json_object_set_new(nj, "nurse", json_string(r->nurse_ids[n]));
        json_object_set_new(nj, "stops", stops);
        if (rt->break_start >= 0 && p->nurses[n].bm > 0)
            json_object_set_new(nj, "break", clock_json(rt->break_start));
        json_object_set_new(nj, "back", clock_json(rt->end));
        json_array_append_new(nurses, nj);
    }
    for (int i = 0; i < r->nunserved; i++) {
        json_t *j = json_object();
        json_object_set_new(j, "visit", json_string(r->unserved[i].visit_id));
        json_object_set_new(j, "mandatory", json_boolean(p->visits[r->unserved[i].visit].mand));
        json_object_set_new(j, "reason", json_string(r->unserved[i].why));
        json_array_append_new(un, j);
    }
    json_object_set_new(o, "vehicles", json_integer(s->nurses_used));
    json_object_set_new(o, "distance", json_real(s->travel));
    json_object_set_new(o, "feasible", json_boolean(s->feasible));
    json_object_set_new(o, "routes", routes);
    json_object_set_new(o, "nurses", nurses);
    json_object_set_new(o, "unserved", un);
    json_object_set_new(o, "travel_minutes", json_real(s->travel));
    json_object_set_new(o, "lateness_minutes", json_real(s->lateness));
    json_object_set_new(o, "overtime_minutes", json_real(s->overtime));
    json_object_set_new(o, "continuity_misses", json_integer(s->continuity_misses));
    json_object_set_new(o, "objective", json_real(s->cost));
    if (s->violation[0])
        json_object_set_new(o, "violation", json_string(s->violation));
    json_object_set_new(o, "iterations", json_integer(s->iterations));
    json_object_set_new(o, "time_to_first", json_real(s->time_to_first));
    json_object_set_new(o, "time_to_feasible", json_real(s->time_to_feasible));
    json_object_set_new(o, "time_to_best", json_real(s->time_to_best));
    json_object_set_new(o, "elapsed", json_real(s->elapsed));
    return o;
}

int hm__hc_solve_json_text(const char *text, size_t len, const hm_plan_opts *o, json_t **out,
                           hm_err *err)
{
    hm_plan_problem *p = NULL;
    int rc = hm__hc_from_json(text, len, &p, err);
    if (rc != HM_OK)
        return rc;
    hm_plan_result *r = NULL;
    rc = hm_plan_solve(p, o, &r, err);
    if (rc == HM_OK) {
        *out = hm__hc_result_json(p, r);
        hm_plan_result_destroy(r);
    }
    hm_plan_problem_destroy(p);
    return rc;
}
