/* plan_cli.c: the `heime plan` subcommand: argument parsing, format detection, solving and the
 * JSON result of DESIGN.md's CONTRACT ({"vehicles", "distance", "feasible", "routes", ...}).
 * Every solution is passed through the independent checker before it is printed; the printed
 * distance and feasibility are the checker's, not the solver's. */
#include "base/file.h"
#include "plan/hc.h"
#include "plan/plan.h"
#include "plan/vrp.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct plan_args {
    const char *instance;
    double time_limit;
    unsigned long long seed;
    long iterations;
    enum hm__dist_conv conv;
    enum hm__objective objective;
} plan_args;

static const char usage[] =
    "usage: heime plan --instance FILE [--time-limit SECONDS] [--seed N] [--iterations N]\n"
    "                  [--distance exact|dimacs] [--objective distance|vehicles]\n"
    "\n"
    "Solves a routing and scheduling instance and prints the plan as one JSON object:\n"
    "{\"vehicles\": N, \"distance\": D, \"feasible\": true|false, \"routes\": [[ids...], ...], ...}\n"
    "\n"
    "  --instance FILE     Solomon text, VRPLIB (.vrp) or heime JSON (docs/plan-format.md)\n"
    "  --time-limit S      wall-clock seconds, default 10\n"
    "  --seed N            random seed, default 1; the same seed gives the same run\n"
    "  --iterations N      also stop after N search iterations (0, the default: no limit);\n"
    "                      a run that stops on iterations is the same on any machine\n"
    "  --distance CONV     exact (default): unrounded Euclidean; dimacs: each arc\n"
    "                      truncated to one decimal, floor(10*d)/10; travel time = distance\n"
    "  --objective OBJ     distance (default): shortest total distance with at most the\n"
    "                      instance's vehicles; vehicles: fewest vehicles, then distance\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "heime plan: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int parse_seed(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '\0')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno)
        return -1;
    *out = v;
    return 0;
}

/* Returns -1 for help printed, 0 ok, 2 usage error. */
/* Every option takes a value; an unknown one is named as such, not as one missing its value. */
static int known_option(const char *o)
{
    static const char *const names[] = {"--instance", "--time-limit", "--seed", "--iterations",
                                        "--distance", "--objective"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strcmp(o, names[k]) == 0)
            return 1;
    return 0;
}

static int parse_args(int argc, char **argv, plan_args *a)
{
    a->instance = NULL;
    a->time_limit = 10;
    a->seed = 1;
    a->iterations = 0;
    a->conv = HM__DIST_EXACT;
    a->objective = HM__OBJ_DISTANCE;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            fputs(usage, stdout);
            return -1;
        }
        if (strncmp(o, "--", 2) != 0)
            return usage_error("unexpected argument '%s' (try --help)", o);
        if (!known_option(o))
            return usage_error("unknown option '%s' (try --help)", o);
        if (i + 1 >= argc)
            return usage_error("option %s needs a value", o);
        const char *v = argv[++i];
        if (strcmp(o, "--instance") == 0) {
            a->instance = v;
        } else if (strcmp(o, "--time-limit") == 0) {
            if (parse_double(v, 0.001, 86400, &a->time_limit) < 0)
                return usage_error("--time-limit must be seconds between 0.001 and 86400, "
                                   "not '%s'", v);
        } else if (strcmp(o, "--seed") == 0) {
            if (parse_seed(v, &a->seed) < 0)
                return usage_error("--seed must be a non-negative integer, not '%s'", v);
        } else if (strcmp(o, "--iterations") == 0) {
            unsigned long long n;
            if (parse_seed(v, &n) < 0 || n > 1000000000ULL)
                return usage_error("--iterations must be an integer from 0 to 10^9, not '%s'", v);
            a->iterations = (long)n;
        } else if (strcmp(o, "--distance") == 0) {
            if (strcmp(v, "exact") == 0)
                a->conv = HM__DIST_EXACT;
            else if (strcmp(v, "dimacs") == 0)
                a->conv = HM__DIST_DIMACS;
            else
                return usage_error("--distance must be exact or dimacs, not '%s'", v);
        } else if (strcmp(o, "--objective") == 0) {
            if (strcmp(v, "distance") == 0)
                a->objective = HM__OBJ_DISTANCE;
            else if (strcmp(v, "vehicles") == 0)
                a->objective = HM__OBJ_VEHICLES;
            else
                return usage_error("--objective must be distance or vehicles, not '%s'", v);
        } else {
            return usage_error("unknown option '%s' (try --help)", o);
        }
    }
    if (!a->instance)
        return usage_error("--instance FILE is required (try --help)");
    return 0;
}

enum format { FMT_JSON, FMT_VRPLIB, FMT_SOLOMON };

static enum format detect(const char *text)
{
    const char *s = text;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    if (*s == '{')
        return FMT_JSON;
    if (strstr(text, "NODE_COORD_SECTION") || strncmp(s, "NAME", 4) == 0)
        return FMT_VRPLIB;
    return FMT_SOLOMON;
}

static json_t *routes_json(const hm__vrp *p, const hm__vrp_sol *s)
{
    json_t *routes = json_array();
    for (int r = 0; r < s->nroutes; r++) {
        json_t *route = json_array();
        for (int k = s->start[r]; k < s->start[r + 1]; k++)
            json_array_append_new(route, json_integer(p->ids[s->nodes[k]]));
        json_array_append_new(routes, route);
    }
    return routes;
}

static int print_json(json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(o);
    if (!text)
        return 1;
    puts(text);
    free(text);
    return 0;
}

static int solve_vrp(const plan_args *a, const char *text, size_t len, enum format fmt)
{
    hm__vrp p;
    hm_err err = {0};
    int rc = fmt == FMT_VRPLIB ? hm__read_vrplib(text, len, &p, &err)
                               : hm__read_solomon(text, len, &p, &err);
    if (rc == HM_OK) {
        rc = hm__vrp_build_matrix(&p, a->conv, &err);
        if (rc != HM_OK)
            hm__vrp_free(&p);
    }
    if (rc != HM_OK) {
        fprintf(stderr, "heime plan: cannot read %s: %s\n", a->instance, err.msg);
        return 1;
    }
    hm__hgs_opts o = {.time_limit = a->time_limit, .seed = a->seed, .objective = a->objective,
                      .max_iterations = a->iterations};
    hm__vrp_sol sol;
    hm__hgs_stats st;
    rc = hm__hgs_solve(&p, &o, &sol, &st, &err);
    if (rc != HM_OK) {
        fprintf(stderr, "heime plan: cannot solve %s: %s\n", a->instance, err.msg);
        hm__vrp_free(&p);
        return 1;
    }
    hm__check chk;
    hm__vrp_check(&p, &sol, &chk);
    json_t *out = json_object();
    json_object_set_new(out, "instance", json_string(p.name[0] ? p.name : a->instance));
    json_object_set_new(out, "vehicles", json_integer(chk.vehicles));
    json_object_set_new(out, "distance", json_real(chk.distance));
    json_object_set_new(out, "feasible", json_boolean(chk.feasible));
    json_object_set_new(out, "routes", routes_json(&p, &sol));
    if (!chk.feasible)
        json_object_set_new(out, "violation", json_string(chk.why));
    json_object_set_new(out, "distance_convention",
                        json_string(a->conv == HM__DIST_DIMACS ? "dimacs" : "exact"));
    json_object_set_new(out, "objective",
                        json_string(a->objective == HM__OBJ_VEHICLES ? "vehicles" : "distance"));
    json_object_set_new(out, "seed", json_integer((json_int_t)a->seed));
    json_object_set_new(out, "iterations", json_integer(st.iterations));
    json_object_set_new(out, "time_to_best", json_real(st.time_to_best));
    json_object_set_new(out, "elapsed", json_real(st.elapsed));
    hm__sol_free(&sol);
    hm__vrp_free(&p);
    return print_json(out);
}

int hm_plan_main(int argc, char **argv)
{
    plan_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc < 0)
        return 0;
    if (rc)
        return rc;
    char *text;
    size_t len;
    hm_err err = {0};
    if (hm_read_file(a.instance, HM__VRP_MAX_FILE, &text, &len, &err) != HM_OK) {
        fprintf(stderr, "heime plan: %s\n", err.msg);
        return 1;
    }
    enum format fmt = detect(text);
    if (fmt == FMT_JSON) {
        hm_plan_opts o = {.time_limit = a.time_limit, .seed = a.seed,
                          .max_iterations = a.iterations};
        json_t *out = NULL;
        rc = hm__hc_solve_json_text(text, len, &o, &out, &err);
        free(text);
        if (rc != HM_OK) {
            fprintf(stderr, "heime plan: cannot plan %s: %s\n", a.instance, err.msg);
            return 1;
        }
        return print_json(out);
    }
    rc = solve_vrp(&a, text, len, fmt);
    free(text);
    return rc;
}
