/* routes.h: the route table: {method, pattern, handler, flags}. Patterns are literal segments
 * and "{id}" segments that match a positive integer, captured into hm_req.param in order. */
#ifndef HM_HTTP_ROUTES_H
#define HM_HTTP_ROUTES_H

#include "http/http.h"

enum {
    HM_ROUTE_AUTH = 1 << 0, /* needs a valid bearer token */
    HM_ROUTE_BODY = 1 << 1, /* needs a JSON object body */
    HM_ROUTE_FHIR = 1 << 2, /* FHIR facade: {id} is a FHIR id, answers and errors are FHIR */
};

struct hm_route {
    const char *method;
    const char *pattern;
    hm_handler handler;
    int flags;
};

/* Finds the route for method and path. HM_ENOTFOUND when none; *method_mismatch is set when
 * the path exists for another method. A FHIR route's {id} is copied into fhir_id. */
int hm_route_find(const char *method, const char *path, const struct hm_route **out,
                  int64_t params[HM_ROUTE_MAX_PARAMS], char fhir_id[HM_FHIR_ID_MAX + 1],
                  int *method_mismatch);

/* The table itself, for listing (metrics): *count routes. */
const struct hm_route *hm_route_table(size_t *count);

#endif
