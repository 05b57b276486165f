/* road.h: travel minutes between places from a road-network routing service, for planning a
 * zone's day (plan_day.c). Great-circle distance times a road factor is a poor guess where roads
 * go round fjords and over bridges (Tromsø's Kvaløya, Senja); a routing service over
 * OpenStreetMap knows the roads. heime speaks OSRM's table API (`osrm-routed`, or any service
 * with the same API):
 *   GET {url}/{lon},{lat};{lon},{lat};...?annotations=duration[&sources=..&destinations=..]
 *   -> {"code": "Ok", "durations": [[seconds or null, ...], ...]}
 * where url is the service's table endpoint with its profile, e.g.
 * http://127.0.0.1:5000/table/v1/driving. Larger days are asked in blocks, no request naming
 * more than max_table places (OSRM's --max-table-size, default 100). */
#ifndef HM_CARE_ROAD_H
#define HM_CARE_ROAD_H

#include <stddef.h>

#include "base/error.h"

typedef struct hm_road_service {
    const char *url; /* the table endpoint, without a trailing slash */
    int max_table;   /* places in one request: 2..HM_ROAD_MAX_TABLE_MAX */
    long timeout_ms; /* per request */
} hm_road_service;

#define HM_ROAD_MAX_TABLE_DEFAULT 100
#define HM_ROAD_MAX_TABLE_MAX 10000
#define HM_ROAD_TIMEOUT_MS 10000L
/* A pair the service has no route for (null) costs a day: the planner treats it as unreachable. */
#define HM_ROAD_NO_ROUTE_MINUTES 1440.0

/* Minutes from each of n places to each (row-major n*n, out[i*n+j]: from i to j) by asking the
 * service; *no_route: pairs it had no route for (set to HM_ROAD_NO_ROUTE_MINUTES). Errors: the
 * service cannot be reached, answers with an error, or answers something else than a table of
 * the asked size (err says which; out is then undefined). */
int hm_road_matrix(const hm_road_service *s, const double *lat, const double *lon, int n,
                   double *out, int *no_route, hm_err *err);

/* One answer of the service: rows x cols durations (seconds) into minutes at
 * out[r * stride + c]; null -> -1. Exposed for tests and the fuzz target. */
int hm_road_table_parse(const char *body, size_t len, int rows, int cols, double *out,
                        size_t stride, hm_err *err);

#endif
