/* cmd_audit.c: `heime audit verify` walks the hash chain of the audit log, and checks it against
 * anchors recorded outside heime; `heime audit head` prints the chain's head, to be recorded. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "base/file.h"
#include "cli/cli.h"
#include "store/store.h"

#define MAX_ANCHOR_FILE (256u * 1024 * 1024)

static const char audit_help[] =
    "usage: heime audit verify [--db URL] [--anchors FILE]\n"
    "       heime audit head [--db URL]\n\n"
    "verify: checks the audit log's hash chain. Exits 0 when it is intact, and 1 with one line\n"
    "naming the first changed or missing row otherwise. With --anchors, also checks the log\n"
    "against the heads recorded outside heime (one JSON line each, as `heime audit head` prints\n"
    "them and the server appends to its audit_anchor_file every hour): a log changed and then\n"
    "re-hashed from the changed row on no longer matches an anchor recorded after that row.\n\n"
    "head: prints the chain's head now, {\"row\": N, \"hash\": \"...\", \"at\": \"...\"}, to be\n"
    "kept somewhere the database's writers cannot change.\n";

static int verify(hm_db *db, const hm_audit_anchor *anchors, size_t nanchors)
{
    hm_err err;
    int64_t rows = 0;
    int rc = hm_audit_verify(db, &rows, &err);
    for (size_t i = 0; i < nanchors && !rc; i++)
        rc = hm_audit_check_anchor(db, &anchors[i], &err);
    if (rc) {
        printf("%s\n", err.msg);
        return 1;
    }
    if (nanchors)
        printf("audit log intact: %" PRId64 " rows, %zu anchors match\n", rows, nanchors);
    else
        printf("audit log intact: %" PRId64 " rows\n", rows);
    return 0;
}

static int head(hm_db *db)
{
    hm_err err;
    hm_audit_anchor a;
    int64_t at = 0;
    if (hm_audit_head(db, &a, &at, &err)) {
        fprintf(stderr, "heime audit: %s\n", err.msg);
        return 1;
    }
    char line[HM_AUDIT_ANCHOR_LINE];
    hm_audit_anchor_format(&a, at, line, sizeof line);
    puts(line);
    return 0;
}

static int load_anchors(const char *path, hm_audit_anchor **anchors, size_t *n)
{
    char *text;
    size_t len;
    hm_err err;
    int rc = hm_read_file(path, MAX_ANCHOR_FILE, &text, &len, &err);
    if (!rc) {
        rc = hm_audit_anchors_parse(text, len, anchors, n, &err);
        free(text);
    }
    if (rc)
        return hm_cli_usage_error("audit", "--anchors %s: %s", path, err.msg);
    return 0;
}

int hm_cli_audit(int argc, char **argv)
{
    const char *db_url = "sqlite:heime.db", *anchors_path = NULL;
    if (argc < 2)
        return hm_cli_usage_error("audit", "missing subcommand (verify or head)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(audit_help, stdout);
        return 0;
    }
    int is_head = strcmp(argv[1], "head") == 0;
    if (!is_head && strcmp(argv[1], "verify") != 0)
        return hm_cli_usage_error("audit", "unknown subcommand '%s' (try --help)", argv[1]);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(audit_help, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            db_url = argv[++i];
            continue;
        }
        if (!is_head && strcmp(argv[i], "--anchors") == 0 && i + 1 < argc) {
            anchors_path = argv[++i];
            continue;
        }
        return hm_cli_usage_error("audit", "unknown option '%s'", argv[i]);
    }
    hm_audit_anchor *anchors = NULL;
    size_t nanchors = 0;
    if (anchors_path && load_anchors(anchors_path, &anchors, &nanchors))
        return 2;
    hm_store *st;
    hm_err err;
    if (hm_store_open(db_url, &st, &err)) {
        fprintf(stderr, "heime audit: %s\n", err.msg);
        free(anchors);
        return 1;
    }
    hm_db *db;
    int rc = hm_store_read_begin(st, &db, &err);
    if (rc) {
        fprintf(stderr, "heime audit: %s\n", err.msg);
        rc = 1;
    } else {
        rc = is_head ? head(db) : verify(db, anchors, nanchors);
        hm_store_read_end(st, db);
    }
    hm_store_close(st);
    free(anchors);
    return rc;
}
