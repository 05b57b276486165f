/* file.c: whole-file reads with a limit (the buffer grows as the file is read, so a generous
 * limit costs nothing for a small file), and durable appends. */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int hm_read_file(const char *path, size_t max, char **out, size_t *len, hm_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return hm_err_set(err, HM_ENOTFOUND, "cannot open %s: %s", path, strerror(errno));
    size_t cap = max < 65536 ? max : 65536, n = 0;
    char *buf = malloc(cap + 1);
    int rc = buf ? HM_OK : hm_err_set(err, HM_ENOMEM, "cannot read %s: out of memory", path);
    while (rc == HM_OK) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (ferror(f)) {
            rc = hm_err_set(err, HM_EIO, "cannot read %s: read error", path);
            break;
        }
        if (n < cap)
            break; /* end of file */
        if (cap >= max) {
            if (fgetc(f) != EOF) /* one byte more than allowed: too big */
                rc = hm_err_set(err, HM_ETOOBIG, "cannot read %s: larger than %zu bytes", path,
                                max);
            break;
        }
        size_t ncap = cap * 2 < max ? cap * 2 : max;
        char *nb = realloc(buf, ncap + 1);
        if (!nb)
            rc = hm_err_set(err, HM_ENOMEM, "cannot read %s: out of memory", path);
        else {
            buf = nb;
            cap = ncap;
        }
    }
    fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return HM_OK;
}

int hm_read_json_file(const char *path, size_t max, json_t **out, hm_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = hm_read_file(path, max, &text, &len, err);
    if (rc)
        return rc;
    json_error_t jerr;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    if (!j)
        return hm_err_set(err, HM_EINVAL, "%s: invalid JSON at line %d: %s", path, jerr.line,
                          jerr.text);
    *out = j;
    return HM_OK;
}

int hm_append_durable(const char *path, const void *buf, size_t len, hm_err *err)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return hm_err_set(err, HM_EIO, "cannot open %s: %s", path, strerror(errno));
    const char *p = buf;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(fd);
            return hm_err_set(err, HM_EIO, "cannot write %s: %s", path, strerror(e));
        }
        p += n;
        left -= (size_t)n;
    }
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        return hm_err_set(err, HM_EIO, "cannot sync %s: %s", path, strerror(e));
    }
    return close(fd) == 0 ? HM_OK
                          : hm_err_set(err, HM_EIO, "cannot close %s: %s", path, strerror(errno));
}
