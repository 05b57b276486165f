/* log.h: leveled logging to stderr. HM_LOG checks the level before formatting anything.
 * Never log health information: only ids (request id, message id, patient id). */
#ifndef HM_BASE_LOG_H
#define HM_BASE_LOG_H

enum hm_log_level { HM_LOG_DEBUG = 0, HM_LOG_INFO, HM_LOG_WARN, HM_LOG_ERROR, HM_LOG_OFF };

extern enum hm_log_level hm_log_threshold;

void hm_log_write(enum hm_log_level level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets the threshold from a name ("debug", "info", "warn", "error", "off"); returns 0 or -1. */
int hm_log_set_level(const char *name);

#define HM_LOG(level, ...)                                                                         \
    do {                                                                                           \
        if ((level) >= hm_log_threshold)                                                           \
            hm_log_write((level), __FILE__, __LINE__, __VA_ARGS__);                                \
    } while (0)

/* Invariant check that stays in release builds: logs file and line, then aborts. For bugs only;
 * bad input is reported through error codes, never through hm_assert. */
#define hm_assert(cond)                                                                            \
    do {                                                                                           \
        if (!(cond))                                                                               \
            hm__assert_fail(#cond, __FILE__, __LINE__);                                            \
    } while (0)

_Noreturn void hm__assert_fail(const char *expr, const char *file, int line);

#endif
