/* writer.h: the group-commit writer. It owns the store's one write connection; callers hand it
 * a write job and block until the batch that held their job is durably committed (one fsync for
 * many jobs). Each job runs inside its own SAVEPOINT, so a failing job leaves nothing behind
 * and does not spoil the other jobs of its batch. */
#ifndef HM_STORE_WRITER_H
#define HM_STORE_WRITER_H

#include "store/store.h"

typedef struct hm_writer hm_writer;

/* A write job: runs on the writer thread inside a savepoint of the batch's transaction. Return
 * HM_OK to keep its changes, a negative code (with err filled) to roll them back. */
typedef int (*hm_write_fn)(hm_db *db, void *arg, hm_err *err);

struct hm_writer_stats {
    unsigned long long batches;
    unsigned long long jobs;
    unsigned long long max_batch;
    unsigned long long queued;       /* waiting now */
    unsigned long long slow_batches; /* slower than the slow-batch threshold */
};

int hm_writer_start(hm_store *st, hm_writer **out, hm_err *err);
/* Finishes the queued jobs, then stops the thread and releases the write connection. */
/* Changes the queue limit and the slow-batch threshold (0 keeps the current value, which
 * HEIME_WRITER_QUEUE_LIMIT / HEIME_WRITER_SLOW_MS or the defaults set at start). */
void hm_writer_configure(hm_writer *w, int queue_limit, int slow_ms);
void hm_writer_stop(hm_writer *w);

/* Runs fn(db, arg) in the next batch and returns once that batch is committed: HM_OK means the
 * job's changes are durable. Returns the job's own error, HM_EIO when the commit failed, or
 * HM_EBUSY when the queue is over its limit or the writer is stopping. */
int hm_writer_submit(hm_writer *w, hm_write_fn fn, void *arg, hm_err *err);

void hm_writer_get_stats(hm_writer *w, struct hm_writer_stats *out);

#endif
