/* error.c: error codes to text, and the one function that fills error details. */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    int code;
    const char *name;
    const char *text;
} error_table[] = {
    {HM_OK, "HM_OK", "success"},
    {HM_AGAIN, "HM_AGAIN", "try again"},
    {HM_EINVAL, "HM_EINVAL", "invalid input"},
    {HM_ENOMEM, "HM_ENOMEM", "out of memory"},
    {HM_ENOTFOUND, "HM_ENOTFOUND", "not found"},
    {HM_EFORBIDDEN, "HM_EFORBIDDEN", "forbidden"},
    {HM_ECONFLICT, "HM_ECONFLICT", "conflict"},
    {HM_EUNAUTH, "HM_EUNAUTH", "not authenticated"},
    {HM_ETOOBIG, "HM_ETOOBIG", "too large"},
    {HM_EIO, "HM_EIO", "i/o error"},
    {HM_EINTERNAL, "HM_EINTERNAL", "internal error"},
    {HM_EBUSY, "HM_EBUSY", "busy"},
    {HM_EUNSUPPORTED, "HM_EUNSUPPORTED", "not supported"},
    {HM_ELIMIT, "HM_ELIMIT", "too many attempts"},
};

int hm_err_set(hm_err *err, int code, const char *fmt, ...)
{
    if (err) {
        /* Format into a copy first: callers may pass err->msg itself as an argument to wrap
         * an inner message ("patient: %s"). */
        char buf[HM_ERR_MSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        err->code = code;
        memcpy(err->msg, buf, sizeof buf);
    }
    return code;
}

void hm_err_clear(hm_err *err)
{
    if (err) {
        err->code = HM_OK;
        err->msg[0] = '\0';
    }
}

const char *hm_strerror(int code)
{
    for (size_t i = 0; i < sizeof error_table / sizeof error_table[0]; i++)
        if (error_table[i].code == code)
            return error_table[i].text;
    return "unknown error";
}

const char *hm_errname(int code)
{
    for (size_t i = 0; i < sizeof error_table / sizeof error_table[0]; i++)
        if (error_table[i].code == code)
            return error_table[i].name;
    return "HM_E?";
}
