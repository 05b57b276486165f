/* cmd_plan.c: `heime plan`. With --instance it is the planner's own command (src/plan/
 * plan_cli.c: benchmark instances and heime's JSON problems); with --date and --org it plans a
 * zone's day from the database and stores the routes (care/plan_day.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/app.h"
#include "cli/cli.h"
#include "plan/plan.h"
#include "store/store.h"

static const char day_help[] =
    "usage: heime plan --date YYYY-MM-DD --org ZONE [--db URL] [--time-limit SECONDS] [--seed N]\n\n"
    "Plans a home-care zone's day from the database: the zone's nurses on duty and the day's\n"
    "planned visits still ahead; stores each visit's nurse and route order (the worklist API\n"
    "then lists visits in route order per nurse) and prints the routes and what could not be\n"
    "planned, with why, as JSON. ZONE is an organisation id or code (e.g. tromso-sentrum).\n"
    "The nurses on duty are the shifts of the zone's roster for the date (PUT\n"
    "/api/v1/orgs/{id}/roster); a zone with no roster that day gets every nurse on the default\n"
    "day 07:30-15:30, and the report says so (\"rostered\", \"shifts\").\n"
    "Travel times come from a road service (OSRM table API) when HEIME_PLAN_ROAD_URL is set,\n"
    "else from coordinates; the report's \"travel\" says which, and why.\n"
    "For benchmark instances and JSON problems: heime plan --instance FILE (see --help there).\n";

static int resolve_org(hm_care *care, const char *arg, int64_t *id, hm_err *err)
{
    char *end;
    long long v = strtoll(arg, &end, 10);
    if (*end == '\0' && end != arg && v > 0) {
        *id = v;
        return HM_OK;
    }
    hm_db *db;
    int rc = hm_store_read_begin(care->store, &db, err);
    if (rc)
        return rc;
    rc = hm_db_query_int(db, "SELECT id FROM org WHERE code = ?", HM_ARGS(HM_S(arg)), id, err);
    hm_store_read_end(care->store, db);
    if (rc == HM_ENOTFOUND)
        return hm_err_set(err, HM_ENOTFOUND, "unknown organisation '%s'", arg);
    return rc;
}

static int plan_day(int argc, char **argv)
{
    struct hm_app_opts o;
    hm_app_defaults(&o);
    const char *date = NULL, *org = NULL;
    double limit = 5;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(day_help, stdout);
            return 0;
        }
        int used = hm_app_parse_opt("plan", argc, argv, i, &o);
        if (used < 0)
            return 2;
        if (used > 0) {
            i += used - 1;
            continue;
        }
        static const char *const own[] = {"--date", "--org", "--time-limit", "--seed"};
        int known = 0;
        for (size_t k = 0; k < sizeof own / sizeof own[0]; k++)
            known |= strcmp(argv[i], own[k]) == 0;
        if (!known)
            return hm_cli_usage_error("plan", "unknown option '%s' (try --help)", argv[i]);
        if (i + 1 >= argc)
            return hm_cli_usage_error("plan", "option %s needs a value", argv[i]);
        const char *val = argv[++i];
        char *end;
        if (strcmp(argv[i - 1], "--date") == 0) {
            date = val;
        } else if (strcmp(argv[i - 1], "--org") == 0) {
            org = val;
        } else if (strcmp(argv[i - 1], "--time-limit") == 0) {
            limit = strtod(val, &end);
            if (*end || !(limit > 0) || limit > 3600)
                return hm_cli_usage_error("plan", "--time-limit takes seconds from 0 to 3600");
        } else if (strcmp(argv[i - 1], "--seed") == 0) {
            seed = strtoull(val, &end, 10);
            if (*end || end == val)
                return hm_cli_usage_error("plan", "--seed takes a whole number");
        } else {
            return hm_cli_usage_error("plan", "unknown option '%s' (try --help)", argv[i - 1]);
        }
    }
    if (!date || !org)
        return hm_cli_usage_error("plan", "--date and --org go together");
    hm_err err;
    hm_app *app;
    if (hm_app_open(&o, &app, &err)) {
        fprintf(stderr, "heime plan: %s\n", err.msg);
        return 1;
    }
    int64_t org_id = 0;
    json_t *report = NULL;
    int rc = resolve_org(hm_app_care(app), org, &org_id, &err);
    if (!rc)
        rc = hm_care_plan_day(hm_app_care(app), org_id, date, limit, seed, &report, &err);
    hm_app_close(app);
    if (rc) {
        fprintf(stderr, "heime plan: %s\n", err.msg);
        return rc == HM_EINVAL ? 2 : 1;
    }
    char *text = json_dumps(report, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    puts(text);
    free(text);
    json_decref(report);
    return 0;
}

int hm_cli_plan(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--date") == 0 || strcmp(argv[i], "--org") == 0)
            return plan_day(argc, argv);
    return hm_plan_main(argc, argv);
}
