/* log.c: one line per event on stderr: UTC time, level, source location, message. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum hm_log_level hm_log_threshold = HM_LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error", "off"};

void hm_log_write(enum hm_log_level level, const char *file, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    const char *base = strrchr(file, '/');
    fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s:%d %s\n", tm.tm_year + 1900,
            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
            level_names[level], base ? base + 1 : file, line, msg);
}

int hm_log_set_level(const char *name)
{
    for (int i = 0; i <= HM_LOG_OFF; i++) {
        if (strcmp(name, level_names[i]) == 0) {
            hm_log_threshold = (enum hm_log_level)i;
            return 0;
        }
    }
    return -1;
}

_Noreturn void hm__assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "heime: assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}
