/* worklist_cache.c: finished worklist answers (a zone's tasks of a day, as JSON text, with the
 * patients they show) kept in memory, tagged with the database's worklist change counter
 * (change_counter, moved by triggers on every task, patient or organisation change). An entry
 * is used only while the counter still has its value, so an answer is never staler than the
 * last commit the reader sees. Direct-mapped, fixed size, one mutex: an entry is copied in and
 * out under the lock, never handed out by reference. */
#include "care/worklist_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024

struct slot {
    int64_t org, version;
    char date[11];
    char *text;
    size_t len;
    int64_t *patients;
    size_t npat;
};

static struct slot slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static struct slot *slot_for(int64_t org, const char *date)
{
    uint64_t h = (uint64_t)org * 0x9E3779B97F4A7C15ull;
    for (const char *p = date; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001B3ull;
    return &slots[h % SLOTS];
}

int hm__worklist_cache_get(int64_t org, const char *date, int64_t version, char **text,
                           size_t *len, int64_t **patients, size_t *npat)
{
    int hit = 0;
    pthread_mutex_lock(&lock);
    struct slot *s = slot_for(org, date);
    if (s->text && s->org == org && s->version == version && strcmp(s->date, date) == 0) {
        char *t = malloc(s->len + 1);
        int64_t *p = malloc((s->npat ? s->npat : 1) * sizeof *p);
        if (t && p) {
            memcpy(t, s->text, s->len + 1);
            memcpy(p, s->patients, s->npat * sizeof *p);
            *text = t;
            *len = s->len;
            *patients = p;
            *npat = s->npat;
            hit = 1;
        } else {
            free(t);
            free(p);
        }
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void hm__worklist_cache_put(int64_t org, const char *date, int64_t version, const char *text,
                            size_t len, const int64_t *patients, size_t npat)
{
    char *t = malloc(len + 1);
    int64_t *p = malloc((npat ? npat : 1) * sizeof *p);
    if (!t || !p) {
        free(t);
        free(p);
        return;
    }
    memcpy(t, text, len);
    t[len] = '\0';
    if (npat)
        memcpy(p, patients, npat * sizeof *p);
    pthread_mutex_lock(&lock);
    struct slot *s = slot_for(org, date);
    /* Keep the newer answer when two threads race to fill the same slot. */
    if (!s->text || s->version <= version) {
        char *old_t = s->text;
        int64_t *old_p = s->patients;
        s->org = org;
        s->version = version;
        memcpy(s->date, date, sizeof s->date - 1);
        s->date[sizeof s->date - 1] = '\0';
        s->text = t;
        s->len = len;
        s->patients = p;
        s->npat = npat;
        t = old_t;
        p = old_p;
    }
    pthread_mutex_unlock(&lock);
    free(t);
    free(p);
}
