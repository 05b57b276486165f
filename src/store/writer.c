/* writer.c: group commit. Jobs queue under a mutex; the writer thread takes everything queued,
 * runs it in one transaction (a savepoint per job) and commits once. While that commit's fsync
 * runs, new jobs queue up for the next batch, so batch size grows with load by itself: no timer,
 * no added latency when idle. Each caller sleeps on its own condition variable until its job is
 * done: waking every waiter per batch (one shared variable) made dozens of threads runnable for
 * nothing and put scheduler delay into the latency tail. */
#include "store/writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "base/log.h"

#define QUEUE_LIMIT 20000 /* default; HEIME_WRITER_QUEUE_LIMIT overrides (1 .. 1,000,000) */
#define BATCH_MAX 2000
#define SLOW_MS 250 /* default; batches slower than HEIME_WRITER_SLOW_MS are logged */

struct job {
    hm_write_fn fn;
    void *arg;
    hm_err *err;
    int rc;
    int done;
    pthread_cond_t wake; /* signalled once, when done is set */
    struct job *next;
};

struct hm_writer {
    hm_store *store;
    hm_db *db;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t work;
    struct job *head, *tail;
    int queued;
    int queue_limit;
    _Atomic int slow_ms; /* read by the writer thread without the lock */
    _Atomic unsigned long long slow_batches;
    int stopping;
    struct hm_writer_stats stats;
};

static double monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int env_int(const char *name, int dflt, int lo, int hi)
{
    const char *v = getenv(name);
    if (!v)
        return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    return *end == '\0' && n >= lo && n <= hi ? (int)n : dflt;
}

/* Every request in a batch waits for its slowest job and for the commit: a slow one is worth
 * knowing about (a job doing a search that belongs on a reader, a slow disk). */
static void note_slow(hm_writer *w, int count, double t0, double t1, double t2)
{
    if (t2 - t0 < (double)atomic_load(&w->slow_ms))
        return;
    atomic_fetch_add(&w->slow_batches, 1);
    HM_LOG(HM_LOG_WARN, "group commit: a batch of %d jobs took %.1f ms (jobs %.1f, commit %.1f)",
               count, t2 - t0, t1 - t0, t2 - t1);
}

static void run_batch(hm_writer *w, struct job *batch, int count)
{
    hm_err err;
    double t0 = monotonic_ms();
    int rc = hm_db_begin(w->db, &err);
    if (rc) {
        HM_LOG(HM_LOG_ERROR, "group commit: cannot begin: %s", err.msg);
        for (struct job *j = batch; j; j = j->next)
            j->rc = hm_err_set(j->err, HM_EIO, "cannot store: %s", err.msg);
        return;
    }
    for (struct job *j = batch; j; j = j->next) {
        rc = hm_db_savepoint(w->db, j->err);
        if (rc) {
            j->rc = rc;
            continue;
        }
        j->rc = j->fn(w->db, j->arg, j->err);
        /* The release can refuse a job that said it succeeded: on PostgreSQL a statement that
         * failed inside it aborted the transaction, whatever the job made of the error. */
        if (j->rc >= 0) {
            int released = hm_db_release(w->db, j->err);
            if (released < 0)
                j->rc = released;
        }
        if (j->rc < 0)
            hm_db_rollback_to(w->db);
    }
    double t1 = monotonic_ms();
    rc = hm_db_commit(w->db, &err);
    note_slow(w, count, t0, t1, monotonic_ms());
    if (rc) {
        HM_LOG(HM_LOG_ERROR, "group commit: commit of %d jobs failed: %s", count, err.msg);
        hm_db_rollback(w->db);
        for (struct job *j = batch; j; j = j->next)
            if (j->rc >= 0)
                j->rc = hm_err_set(j->err, HM_EIO, "cannot store: %s", err.msg);
    }
}

static void *writer_main(void *arg)
{
    hm_writer *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->work, &w->lock);
        if (!w->head && w->stopping)
            break;
        struct job *batch = w->head, *last = w->head;
        int count = 1;
        while (last->next && count < BATCH_MAX) {
            last = last->next;
            count++;
        }
        w->head = last->next;
        if (!w->head)
            w->tail = NULL;
        last->next = NULL;
        w->queued -= count;
        pthread_mutex_unlock(&w->lock);

        run_batch(w, batch, count);

        pthread_mutex_lock(&w->lock);
        for (struct job *j = batch, *next; j; j = next) {
            next = j->next; /* the caller may return (and its job vanish) once done is set */
            j->done = 1;
            pthread_cond_signal(&j->wake);
        }
        w->stats.batches++;
        w->stats.jobs += (unsigned long long)count;
        if ((unsigned long long)count > w->stats.max_batch)
            w->stats.max_batch = (unsigned long long)count;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int hm_writer_start(hm_store *st, hm_writer **out, hm_err *err)
{
    hm_writer *w = calloc(1, sizeof *w);
    if (!w)
        return hm_err_set(err, HM_ENOMEM, "cannot start writer: out of memory");
    w->store = st;
    /* How many jobs may wait before callers are told "busy, try again" (HTTP 503, HL7 AR). */
    w->queue_limit = env_int("HEIME_WRITER_QUEUE_LIMIT", QUEUE_LIMIT, 1, 1000000);
    w->slow_ms = env_int("HEIME_WRITER_SLOW_MS", SLOW_MS, 1, 3600000);
    int rc = hm_store_write_conn(st, &w->db, err);
    if (rc) {
        free(w);
        return rc;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->work, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        hm_store_write_conn_put(st, w->db);
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->work);
        free(w);
        return hm_err_set(err, HM_EIO, "cannot start writer thread");
    }
    *out = w;
    return HM_OK;
}

void hm_writer_configure(hm_writer *w, int queue_limit, int slow_ms)
{
    pthread_mutex_lock(&w->lock);
    if (queue_limit > 0)
        w->queue_limit = queue_limit;
    if (slow_ms > 0)
        atomic_store(&w->slow_ms, slow_ms);
    pthread_mutex_unlock(&w->lock);
}

void hm_writer_stop(hm_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    hm_store_write_conn_put(w->store, w->db);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->work);
    free(w);
}

int hm_writer_submit(hm_writer *w, hm_write_fn fn, void *arg, hm_err *err)
{
    struct job j = {.fn = fn, .arg = arg, .err = err};
    pthread_cond_init(&j.wake, NULL);
    pthread_mutex_lock(&w->lock);
    if (w->stopping || w->queued >= w->queue_limit) {
        pthread_mutex_unlock(&w->lock);
        pthread_cond_destroy(&j.wake);
        return hm_err_set(err, HM_EBUSY, "cannot store now: the writer is %s",
                          w->stopping ? "stopping" : "overloaded");
    }
    if (w->tail)
        w->tail->next = &j;
    else
        w->head = &j;
    w->tail = &j;
    w->queued++;
    pthread_cond_signal(&w->work);
    while (!j.done)
        pthread_cond_wait(&j.wake, &w->lock);
    pthread_mutex_unlock(&w->lock);
    pthread_cond_destroy(&j.wake);
    return j.rc;
}

void hm_writer_get_stats(hm_writer *w, struct hm_writer_stats *out)
{
    pthread_mutex_lock(&w->lock);
    *out = w->stats;
    out->queued = (unsigned long long)w->queued;
    pthread_mutex_unlock(&w->lock);
    out->slow_batches = atomic_load(&w->slow_batches);
}
