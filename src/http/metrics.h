/* metrics.h: what the server counts about itself, served at GET /metrics in the Prometheus
 * text format: requests per route and status class, a latency histogram, the group-commit
 * writer's batches and queue, open alarms. Counters only: no patient data. */
#ifndef HM_HTTP_METRICS_H
#define HM_HTTP_METRICS_H

#include <stddef.h>

#include "http/routes.h"

/* Records one answered request: its route (NULL: no route matched), status and the time from
 * its arrival to its answer being queued, in milliseconds. Lock-free. */
void hm__metrics_observe(const struct hm_route *route, int status, double ms);

#endif
