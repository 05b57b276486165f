/* cli.h: the subcommands of the heime executable. Each is `int fn(int argc, char **argv)` with
 * argv[0] the subcommand's name; it returns the process exit code (0 ok, 1 failure, 2 usage). */
#ifndef HM_CLI_H
#define HM_CLI_H

int hm_cli_version(int argc, char **argv);
int hm_cli_serve(int argc, char **argv);
int hm_cli_demo(int argc, char **argv);
int hm_cli_audit(int argc, char **argv);
int hm_cli_plan(int argc, char **argv);

/* Prints "heime <cmd>: <msg>" to stderr and returns 2: the one way a bad argument is reported. */
int hm_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
