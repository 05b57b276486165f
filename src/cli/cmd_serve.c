/* cmd_serve.c: `heime serve` and `heime demo`: open the store and serve; demo first loads the
 * synthetic demo region when the store is empty, and `demo --accounts` only prints accounts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "demo/demo.h"
#include "hl7/pumpsim.h"

#include <pthread.h>
#include <unistd.h>

static const char serve_help[] =
    "usage: heime serve [--db URL] [--http HOST:PORT] [--mllp HOST:PORT] [--config FILE]\n"
    "                   [--pathways DIR] [--drugs FILE] [--web DIR]\n\n"
    "Serves the web UI and the JSON API.\n\n"
    "  --db URL          sqlite:PATH (default sqlite:heime.db) or a postgresql:// URL\n"
    "  --http HOST:PORT  HTTP listen address (default 127.0.0.1:8080)\n"
    "  --mllp HOST:PORT  HL7 MLLP listen address (default 127.0.0.1:2575)\n"
    "  --pathways DIR    pathway templates (default pathways)\n"
    "  --drugs FILE      drug catalogue (default data/drugs.example.json)\n"
    "  --web DIR         static files of the web UI (default web)\n"
    "  --config FILE     settings as a JSON object (README: Configuration); the command line\n"
    "                    wins over the file, the file over HEIME_* environment variables\n";

static const char demo_help[] =
    "usage: heime demo [--db URL] [--http HOST:PORT] [--mllp HOST:PORT] [--patients N]\n"
    "                  [--per-zone N] [--load-only] [--pumpsim] [--plan]\n"
    "       heime demo --accounts\n\n"
    "Loads the synthetic demo region into an empty database, then serves it.\n\n"
    "  --accounts        print the demo accounts as JSON and exit\n"
    "  --patients N      add N more active patients (benchmarks), in extra Tromsø zones\n"
    "  --per-zone N      patients per extra zone (default 20)\n"
    "  --load-only       load the demo region and exit without serving\n"
    "  --pumpsim         play gentle device traffic (PCD-04 alerts, PCD-10 events) from the demo's\n"
    "                    Tromsø pumps, and readings (PCD-01) from the first demo patient's\n"
    "                    monitors, into the MLLP listener while serving (make run uses it)\n"
    "  --plan            plan today's and tomorrow's routes of every home-care zone whose day\n"
    "                    has none yet, 1 s per zone and day (in the background while serving;\n"
    "                    make run uses it)\n"
    "  (and every option of heime serve, --config FILE too)\n";

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

static int positive_int(const char *cmd, const char *opt, const char *s, int max, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || end == s || v < 0 || v > max)
        return hm_cli_usage_error(cmd, "%s takes a whole number from 0 to %d", opt, max);
    *out = (int)v;
    return 0;
}

/* The demo's device traffic: the simulator, in a thread, against our own MLLP listener, with
 * the serial numbers of the demo's Tromsø pumps (CSTRO-00001 ...) and of the monitors of the
 * first demo patient (MON-OXI-001, MON-BPM-001, MON-TMP-001), a message every 10 s. */
static void *pumpsim_thread(void *arg)
{
    const char *mllp = arg;
    sleep(3); /* let the listener come up */
    char *argv[] = {"pumpsim",    "--mllp", (char *)mllp, "--pumps",         "14",
                    "--monitors", "3",      "--rate",     "0.1",             "--duration",
                    "86400",      "--serial-prefix",      "CSTRO-0",         NULL};
    hm_pumpsim_main((int)(sizeof argv / sizeof argv[0]) - 1, argv);
    return NULL;
}

/* What `serve` or `demo` does besides serving. */
struct run_mode {
    int demo;                         /* load the demo region into an empty database */
    const struct hm_demo_opts *dopts; /* with demo */
    int load_only;                    /* do not serve */
    int pumpsim;                      /* play device traffic into our MLLP listener */
    int plan;                         /* plan the zones' days (hm_demo_plan_days) */
};

static int run(const char *cmd, const struct hm_app_opts *o, const struct run_mode *m);

/* The demo's routes, planned in the background while the server comes up and serves. */
struct plan_thread {
    hm_care *care;
    atomic_int stop;
};

static void *plan_thread(void *arg)
{
    struct plan_thread *t = arg;
    hm_err err;
    if (hm_demo_plan_days(t->care, &t->stop, &err))
        HM_LOG(HM_LOG_WARN, "demo: planning the routes failed: %s", err.msg);
    return NULL;
}

/* Reads the configuration file, runs, and frees what the file's settings live in. */
static int configured_run(const char *cmd, struct hm_app_opts *o, const struct run_mode *m)
{
    hm_err err;
    if (hm_app_config_load(o, &err)) {
        hm_app_opts_release(o);
        return hm_cli_usage_error(cmd, "%s", err.msg);
    }
    int rc = run(cmd, o, m);
    hm_app_opts_release(o);
    return rc;
}

static int run(const char *cmd, const struct hm_app_opts *o, const struct run_mode *m)
{
    hm_err err;
    hm_err_clear(&err);
    char host[256];
    int port;
    if (hm_parse_hostport(o->http, host, sizeof host, &port, &err) ||
        hm_parse_hostport(o->mllp, host, sizeof host, &port, &err))
        return hm_cli_usage_error(cmd, "%s", err.msg);
    hm_app *app;
    if (hm_app_open(o, &app, &err)) {
        fprintf(stderr, "heime %s: %s\n", cmd, err.msg);
        return 1;
    }
    int rc = HM_OK;
    if (m->demo) {
        int empty = 0;
        rc = hm_demo_is_empty(hm_app_care(app)->store, &empty, &err);
        if (!rc && empty) {
            HM_LOG(HM_LOG_INFO, "loading the demo region into %s", o->db);
            rc = hm_demo_load(hm_app_care(app), m->dopts, &err);
            if (!rc)
                HM_LOG(HM_LOG_INFO, "demo region loaded; accounts: heime demo --accounts");
        } else if (!rc) {
            HM_LOG(HM_LOG_INFO, "the database already holds data: not loading the demo again");
        }
    }
    if (!rc && !m->load_only && m->pumpsim) {
        pthread_t th;
        if (pthread_create(&th, NULL, pumpsim_thread, (void *)o->mllp) == 0)
            pthread_detach(th);
    }
    struct plan_thread planner = {.care = hm_app_care(app)};
    pthread_t plan_th;
    int planning = 0;
    if (!rc && m->plan && m->load_only)
        rc = hm_demo_plan_days(planner.care, &planner.stop, &err);
    else if (!rc && m->plan)
        planning = pthread_create(&plan_th, NULL, plan_thread, &planner) == 0;
    if (!rc && !m->load_only)
        rc = hm_app_serve(app, o, &err);
    if (planning) { /* it uses the store: done (or stopped between zones) before it closes */
        atomic_store(&planner.stop, 1);
        pthread_join(plan_th, NULL);
    }
    hm_app_close(app);
    if (rc) {
        fprintf(stderr, "heime %s: %s\n", cmd, err.msg);
        return 1;
    }
    return 0;
}

int hm_cli_serve(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(serve_help, stdout);
        return 0;
    }
    struct hm_app_opts o;
    hm_app_defaults(&o);
    for (int i = 1; i < argc;) {
        int used = hm_app_parse_opt("serve", argc, argv, i, &o);
        if (used < 0)
            return 2;
        if (used == 0)
            return hm_cli_usage_error("serve", "unknown option '%s' (try --help)", argv[i]);
        i += used;
    }
    return configured_run("serve", &o, &(struct run_mode){0});
}

int hm_cli_demo(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(demo_help, stdout);
        return 0;
    }
    struct hm_app_opts o;
    hm_app_defaults(&o);
    struct hm_demo_opts d = {0, 20, 1};
    int accounts = 0;
    struct run_mode m = {.demo = 1, .dopts = &d};
    for (int i = 1; i < argc;) {
        if (strcmp(argv[i], "--accounts") == 0) {
            accounts = 1;
            i++;
            continue;
        }
        int *flag = strcmp(argv[i], "--load-only") == 0 ? &m.load_only
                    : strcmp(argv[i], "--pumpsim") == 0 ? &m.pumpsim
                    : strcmp(argv[i], "--plan") == 0    ? &m.plan
                                                        : NULL;
        if (flag) {
            *flag = 1;
            i++;
            continue;
        }
        if (strcmp(argv[i], "--patients") == 0 || strcmp(argv[i], "--per-zone") == 0) {
            if (i + 1 >= argc)
                return hm_cli_usage_error("demo", "option %s needs a value", argv[i]);
            int *dst = strcmp(argv[i], "--patients") == 0 ? &d.extra_patients
                                                         : &d.patients_per_zone;
            if (positive_int("demo", argv[i], argv[i + 1], 200000, dst))
                return 2;
            i += 2;
            continue;
        }
        int used = hm_app_parse_opt("demo", argc, argv, i, &o);
        if (used < 0)
            return 2;
        if (used == 0)
            return hm_cli_usage_error("demo", "unknown option '%s' (try --help)", argv[i]);
        i += used;
    }
    if (accounts) {
        json_t *a = hm_demo_accounts();
        char *s = json_dumps(a, JSON_INDENT(2));
        puts(s);
        free(s);
        json_decref(a);
        return 0;
    }
    return configured_run("demo", &o, &m);
}
