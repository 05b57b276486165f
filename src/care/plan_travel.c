/* plan_travel.c: a day's travel matrix from the road service (plan_travel.h). */
#include "care/plan_travel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

/* The index of (lat, lon) among the first *n distinct places, appended when new. Places are
 * the same when their coordinates are: a patient's home, the zone's office. */
static int place_of(double lat, double lon, double *plat, double *plon, int *n)
{
    for (int i = 0; i < *n; i++)
        if (plat[i] == lat && plon[i] == lon)
            return i;
    plat[*n] = lat;
    plon[*n] = lon;
    return (*n)++;
}

int hm__plan_travel(const hm_road_service *road, hm_plan_loc *const *locs, int nlocs,
                    struct hm__travel *t, hm_err *err)
{
    memset(t, 0, sizeof *t);
    if (!road || !road->url || nlocs == 0)
        return HM_OK;
    double *plat = malloc((size_t)nlocs * sizeof *plat);
    double *plon = malloc((size_t)nlocs * sizeof *plon);
    int *index = malloc((size_t)nlocs * sizeof *index);
    int rc = plat && plon && index ? HM_OK : hm_err_set(err, HM_ENOMEM, "out of memory");
    int n = 0;
    for (int i = 0; !rc && i < nlocs; i++)
        index[i] = place_of(locs[i]->lat, locs[i]->lon, plat, plon, &n);
    double *m = rc ? NULL : malloc((size_t)n * (size_t)n * sizeof *m);
    if (!rc && !m)
        rc = hm_err_set(err, HM_ENOMEM, "out of memory");
    hm_err rerr;
    if (!rc && hm_road_matrix(road, plat, plon, n, m, &t->no_route, &rerr)) {
        snprintf(t->note, sizeof t->note, "estimated from coordinates: %s", rerr.msg);
        HM_LOG(HM_LOG_WARN, "planning: travel %s", t->note);
    } else if (!rc) {
        for (int i = 0; i < nlocs; i++)
            locs[i]->index = index[i];
        t->minutes = m;
        t->n = n;
        m = NULL;
        if (t->no_route)
            snprintf(t->note, sizeof t->note,
                     "the road service has no route between %d pairs of places: treated as"
                     " unreachable",
                     t->no_route);
    }
    free(m);
    free(plat);
    free(plon);
    free(index);
    return rc;
}

void hm__plan_travel_free(struct hm__travel *t)
{
    free(t->minutes);
    t->minutes = NULL;
}
