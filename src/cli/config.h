/* config.h: heime serve/demo settings from a configuration file (--config FILE, JSON) and the
 * table of options that the command line and the file share. Precedence: command line, then
 * the file, then the environment, then built-in defaults. */
#ifndef HM_CLI_CONFIG_H
#define HM_CLI_CONFIG_H

#include <stddef.h>

#define HM_CONFIG_HEARTBEAT_MAX (7L * 86400) /* seconds */
#define HM_CONFIG_GRACE_MAX 86400L           /* seconds */
#define HM_CONFIG_INBOX_DAYS_MAX 3650L       /* days */

/* The options given as "--name VALUE" on the command line and as "key": "value" in the
 * file; offset is the field of struct hm_app_opts (a const char *). */
struct hm__app_opt {
    const char *option, *key;
    size_t offset;
};
extern const struct hm__app_opt hm__app_opts[];
extern const size_t hm__app_nopts;

#endif
