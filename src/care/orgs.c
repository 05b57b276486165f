/* orgs.c: inserting organisations into the tree, keeping root_id (the top-level organisation:
 * hospital trust, municipality, depot, response centre) and the ancestor closure that the
 * access checks read. */
#include "care/care_int.h"

int hm_care_org_insert(hm_db *db, const char *code, int64_t parent, const char *kind,
                       const char *name, double lat, double lon, int64_t *id, hm_err *err)
{
    int rc = hm_db_query_int(db,
                             "INSERT INTO org (parent_id, kind, code, name, lat, lon)"
                             " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                             HM_ARGS(parent ? HM_I(parent) : HM_NULLV, HM_S(kind), HM_S(code),
                                     HM_S(name), HM_D(lat), HM_D(lon)),
                             id, err);
    if (rc)
        return rc;
    rc = hm_db_exec(db,
                    "UPDATE org SET root_id = coalesce((SELECT root_id FROM org WHERE id = ?), id)"
                    " WHERE id = ?",
                    HM_ARGS(HM_I(parent), HM_I(*id)), err);
    if (!rc)
        rc = hm_db_exec(db, "INSERT INTO org_ancestor (org_id, ancestor_id) VALUES (?, ?)",
                        HM_ARGS(HM_I(*id), HM_I(*id)), err);
    if (!rc && parent)
        rc = hm_db_exec(db,
                        "INSERT INTO org_ancestor (org_id, ancestor_id) SELECT ?, ancestor_id"
                        " FROM org_ancestor WHERE org_id = ?",
                        HM_ARGS(HM_I(*id), HM_I(parent)), err);
    return rc;
}
