/* store_int.h: shared between store.c and the backends only. */
#ifndef HM_STORE_INT_H
#define HM_STORE_INT_H

#include <pthread.h>

#include "store/store.h"

/* How a backend hands out its connections, alike for every backend: its one write connection to
 * one owner at a time (the group-commit writer, or a tool running alone), and idle read
 * connections from a pool, each used by one thread at a time. The backend opens and closes
 * them; this only keeps who has what. */
#define HM__POOL_MAX 512
struct hm__conns {
    pthread_mutex_t lock;
    hm_db *pool[HM__POOL_MAX];
    int npool;
    int writer_taken;
};
void hm__conns_init(struct hm__conns *c);
/* Closes the pooled read connections with close_conn. */
void hm__conns_destroy(struct hm__conns *c, void (*close_conn)(hm_db *));
/* A backend's conn_get: its writer (HM_EINTERNAL while someone else holds it), or an idle read
 * connection, or a new one from open_reader. */
int hm__conns_get(struct hm__conns *c, int for_write, hm_db *writer, hm_store *st,
                  int (*open_reader)(hm_store *st, hm_db **out, hm_err *err), hm_db **out,
                  hm_err *err);
/* A backend's conn_put: the writer back for its next owner; a reader into the pool while it is
 * reusable and the pool has room, else closed with close_conn. */
void hm__conns_put(struct hm__conns *c, hm_db *db, hm_db *writer, int reusable,
                   void (*close_conn)(hm_db *));

struct hm_migration {
    int version;
    const char *sql;
};

/* The backends' ping: a read connection answers a query on the schema. */
int hm__store_ping(hm_store *st, hm_err *err);

/* Applies the migrations above the recorded schema version, each in its own transaction. */
int hm__store_migrate(hm_db *db, const struct hm_migration *m, int n, hm_err *err);

extern const struct hm_migration hm__sqlite_migrations[];
extern const int hm__sqlite_migration_count;
extern const struct hm_migration hm__pg_migrations[];
extern const int hm__pg_migration_count;

/* pg.c's `?` to `$n` rewriting, for its unit test: the parameter count, or -1 when the
 * rewritten text needs more than n bytes. */
int hm__pg_translate(const char *sql, char *out, size_t n);

#endif
