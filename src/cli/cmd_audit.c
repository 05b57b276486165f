/* cmd_audit.c: `heime audit verify`: walks the hash chain of the audit log. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "auth/audit.h"
#include "cli/cli.h"
#include "store/store.h"

static const char audit_help[] =
    "usage: heime audit verify [--db URL]\n\n"
    "Checks the audit log's hash chain. Exits 0 when it is intact, and 1 with one line naming\n"
    "the first changed or missing row otherwise.\n";

int hm_cli_audit(int argc, char **argv)
{
    const char *db_url = "sqlite:heime.db";
    if (argc < 2)
        return hm_cli_usage_error("audit", "missing subcommand (verify)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(audit_help, stdout);
        return 0;
    }
    if (strcmp(argv[1], "verify") != 0)
        return hm_cli_usage_error("audit", "unknown subcommand '%s' (try --help)", argv[1]);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(audit_help, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            db_url = argv[++i];
            continue;
        }
        return hm_cli_usage_error("audit", "unknown option '%s'", argv[i]);
    }
    hm_store *st;
    hm_err err;
    if (hm_store_open(db_url, &st, &err)) {
        fprintf(stderr, "heime audit: %s\n", err.msg);
        return 1;
    }
    hm_db *db;
    int rc = hm_store_read_begin(st, &db, &err);
    int64_t rows = 0;
    if (!rc)
        rc = hm_audit_verify(db, &rows, &err);
    hm_store_read_end(st, db);
    hm_store_close(st);
    if (rc) {
        printf("%s\n", err.msg);
        return 1;
    }
    printf("audit log intact: %" PRId64 " rows\n", rows);
    return 0;
}
