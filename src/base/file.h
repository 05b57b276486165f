/* file.h: reading a whole file of outside input (templates, catalogues, instances, settings)
 * with a size limit, and the same for a JSON document; appending durably to a file. */
#ifndef HM_BASE_FILE_H
#define HM_BASE_FILE_H

#include <jansson.h>
#include <stddef.h>

#include "base/error.h"

/* The file's bytes, NUL-terminated, in *out (free it); *len without the NUL. HM_ENOTFOUND
 * when it cannot be opened, HM_ETOOBIG above max bytes, HM_EIO on a read error, HM_ENOMEM. */
int hm_read_file(const char *path, size_t max, char **out, size_t *len, hm_err *err);

/* The file as one JSON value (duplicate keys refused): HM_EINVAL "PATH: invalid JSON at line
 * N: ..." when it does not parse, otherwise as hm_read_file. */
int hm_read_json_file(const char *path, size_t max, json_t **out, hm_err *err);

/* Appends len bytes to the file (created 0640 when missing) and fsyncs it before returning:
 * HM_OK once they are on disk, HM_EIO naming the file and the reason otherwise. */
int hm_append_durable(const char *path, const void *buf, size_t len, hm_err *err);

#endif
