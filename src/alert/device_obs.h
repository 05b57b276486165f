/* device_obs.h: a PCD-01 message's vital signs in the units of the pathway templates
 * (device_obs.c). Private to src/alert/ (and its fuzz target). */
#ifndef HM_ALERT_DEVICE_OBS_H
#define HM_ALERT_DEVICE_OBS_H

#include <jansson.h>
#include <stdint.h>

#include "hl7/pcd.h"

/* values: a JSON object (possibly empty) of the vital signs taken, by the vital_signs
 * template's keys; skipped: a JSON array of {"code", "value", "why"} for those left out;
 * observed_ms: the newest OBX time taken, or now_ms when none or more than 5 minutes ahead of
 * it. HM_ENOMEM (nothing returned) when out of memory. */
int hm__device_vitals_map(const hm_pcd_msg *m, int64_t now_ms, json_t **values, json_t **skipped,
                          int64_t *observed_ms);

#endif
