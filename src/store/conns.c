/* conns.c: how every backend hands out its connections (store_int.h). */
#include "store/store_int.h"

void hm__conns_init(struct hm__conns *c)
{
    pthread_mutex_init(&c->lock, NULL);
    c->npool = 0;
    c->writer_taken = 0;
}

void hm__conns_destroy(struct hm__conns *c, void (*close_conn)(hm_db *))
{
    for (int i = 0; i < c->npool; i++)
        close_conn(c->pool[i]);
    c->npool = 0;
    pthread_mutex_destroy(&c->lock);
}

int hm__conns_get(struct hm__conns *c, int for_write, hm_db *writer, hm_store *st,
                  int (*open_reader)(hm_store *st, hm_db **out, hm_err *err), hm_db **out,
                  hm_err *err)
{
    pthread_mutex_lock(&c->lock);
    int taken = for_write && c->writer_taken;
    hm_db *idle = NULL;
    if (for_write)
        c->writer_taken = 1;
    else if (c->npool > 0)
        idle = c->pool[--c->npool];
    pthread_mutex_unlock(&c->lock);
    if (taken)
        return hm_err_set(err, HM_EINTERNAL, "the write connection is already taken");
    *out = for_write ? writer : idle;
    return *out ? HM_OK : open_reader(st, out, err);
}

void hm__conns_put(struct hm__conns *c, hm_db *db, hm_db *writer, int reusable,
                   void (*close_conn)(hm_db *))
{
    pthread_mutex_lock(&c->lock);
    if (db == writer)
        c->writer_taken = 0;
    int pooled = db == writer || (reusable && c->npool < HM__POOL_MAX);
    if (pooled && db != writer)
        c->pool[c->npool++] = db;
    pthread_mutex_unlock(&c->lock);
    if (!pooled)
        close_conn(db);
}
