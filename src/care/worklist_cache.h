/* worklist_cache.h: finished worklist answers, valid while the database's worklist change
 * counter is unchanged (see worklist_cache.c). Private to src/care/. */
#ifndef HM_CARE_WORKLIST_CACHE_H
#define HM_CARE_WORKLIST_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* 1 and copies of the answer (free() both) when an entry for org and date has this version. */
int hm__worklist_cache_get(int64_t org, const char *date, int64_t version, char **text,
                           size_t *len, int64_t **patients, size_t *npat);
void hm__worklist_cache_put(int64_t org, const char *date, int64_t version, const char *text,
                            size_t len, const int64_t *patients, size_t npat);

#endif
