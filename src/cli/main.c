/* main.c: the heime executable's entry point: a table of subcommands and one dispatcher.
 * Process-wide setup (time zone, libsodium) happens here once, before any thread starts. */
#include "cli/cli.h"
#include "plan/plan.h"
#include "hl7/pumpsim.h"

#include "hm_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

struct subcommand {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct subcommand subcommands[] = {
    {"serve", hm_cli_serve, "serve the web UI and the APIs"},
    {"demo", hm_cli_demo, "load the synthetic demo region, then serve it"},
    {"audit", hm_cli_audit, "verify the audit log's hash chain"},
    {"version", hm_cli_version, "print the version"},
    {"plan", hm_cli_plan, "solve a routing and scheduling instance"},
    {"pumpsim", hm_pumpsim_main, "play infusion-pump HL7 traffic over MLLP"},
};

static void print_help(FILE *out)
{
    fprintf(out, "usage: heime <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
    fprintf(out, "\nRun 'heime <command> --help' for a command's options.\n");
}

int hm_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "heime %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

int hm_cli_version(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: heime version\n\nPrints heime's version.\n");
        return 0;
    }
    if (argc > 1)
        return hm_cli_usage_error("version", "unexpected argument '%s'", argv[1]);
    printf("heime %s\n", HM_VERSION);
    return 0;
}

int main(int argc, char **argv)
{
    /* Clock times of visits are Europe/Oslo; set the zone before any thread starts. */
    setenv("TZ", "Europe/Oslo", 1);
    tzset();
    if (sodium_init() < 0) {
        fprintf(stderr, "heime: cannot initialise libsodium\n");
        return 1;
    }
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return hm_cli_version(1, argv + 1);
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "heime: unknown command '%s' (try 'heime --help')\n", argv[1]);
    return 2;
}
