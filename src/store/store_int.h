/* store_int.h: shared between store.c and the backends only. */
#ifndef HM_STORE_INT_H
#define HM_STORE_INT_H

#include "store/store.h"

struct hm_migration {
    int version;
    const char *sql;
};

/* Applies the migrations above the recorded schema version, each in its own transaction. */
int hm__store_migrate(hm_db *db, const struct hm_migration *m, int n, hm_err *err);

extern const struct hm_migration hm__sqlite_migrations[];
extern const int hm__sqlite_migration_count;

#endif
