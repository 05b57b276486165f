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

int hm__conns_take_writer(struct hm__conns *c, hm_err *err)
{
    pthread_mutex_lock(&c->lock);
    int taken = c->writer_taken;
    c->writer_taken = 1;
    pthread_mutex_unlock(&c->lock);
    return taken ? hm_err_set(err, HM_EINTERNAL, "the write connection is already taken") : HM_OK;
}

void hm__conns_writer_back(struct hm__conns *c)
{
    pthread_mutex_lock(&c->lock);
    c->writer_taken = 0;
    pthread_mutex_unlock(&c->lock);
}

hm_db *hm__conns_reader(struct hm__conns *c)
{
    hm_db *db = NULL;
    pthread_mutex_lock(&c->lock);
    if (c->npool > 0)
        db = c->pool[--c->npool];
    pthread_mutex_unlock(&c->lock);
    return db;
}

int hm__conns_pool(struct hm__conns *c, hm_db *db)
{
    pthread_mutex_lock(&c->lock);
    int pooled = c->npool < HM__POOL_MAX;
    if (pooled)
        c->pool[c->npool++] = db;
    pthread_mutex_unlock(&c->lock);
    return pooled;
}
