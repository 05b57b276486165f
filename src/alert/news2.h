/* news2.h: the National Early Warning Score 2 (Royal College of Physicians, 2017), exactly the
 * chart in DOMAIN.md, section NEWS2. Pure computation: no I/O, no allocation, thread-safe.
 * Which action each response triggers is pathway configuration, not code.
 *
 * Fractional inputs are rounded before banding, so a value between two bands of the chart
 * always lands in one of them:
 * - respiration rate, SpO2, systolic BP and pulse are whole numbers: rounded half up
 *   (20.5 breaths/min -> 21, 20.49 -> 20);
 * - temperature has one decimal: rounded half up to 0.1 °C (38.05 -> 38.1, 38.04 -> 38.0).
 * Accepted ranges (anything else, NaN or infinity is HM_EINVAL, not a score):
 * respiration rate 0-100 /min, SpO2 0-100 %, systolic BP 0-350 mmHg, pulse 0-300 /min,
 * temperature 20.0-45.0 °C (catches Fahrenheit), spo2_scale 1 or 2, on_oxygen 0 or 1,
 * consciousness one of the ACVPU values. */
#ifndef HM_ALERT_NEWS2_H
#define HM_ALERT_NEWS2_H

#include <jansson.h>

#include "base/error.h"

enum hm_news2_consciousness {
    HM_ACVPU_ALERT = 0,
    HM_ACVPU_NEW_CONFUSION,
    HM_ACVPU_VOICE,
    HM_ACVPU_PAIN,
    HM_ACVPU_UNRESPONSIVE
};

typedef struct hm_news2_input {
    double resp_rate;   /* breaths/min */
    double spo2;        /* % */
    int spo2_scale;     /* 1 or 2 (scale 2 only when prescribed) */
    int on_oxygen;      /* 0 air, 1 supplemental oxygen */
    double systolic_bp; /* mmHg */
    double pulse;       /* beats/min */
    enum hm_news2_consciousness consciousness;
    double temperature; /* °C */
} hm_news2_input;

enum hm_news2_response {
    HM_NEWS2_ROUTINE = 0,
    HM_NEWS2_LOW,
    HM_NEWS2_LOW_MEDIUM,
    HM_NEWS2_MEDIUM,
    HM_NEWS2_HIGH
};

/* Indexes into hm_news2_result.part. */
enum {
    HM_NEWS2_PART_RESP = 0,
    HM_NEWS2_PART_SPO2,
    HM_NEWS2_PART_OXYGEN,
    HM_NEWS2_PART_SBP,
    HM_NEWS2_PART_PULSE,
    HM_NEWS2_PART_CONSCIOUSNESS,
    HM_NEWS2_PART_TEMPERATURE
};

typedef struct hm_news2_result {
    int total;
    int part[8]; /* resp, spo2, air/oxygen, sbp, pulse, consciousness, temperature, (unused = 0) */
    int any_single_3;                /* a 3 in any single parameter */
    enum hm_news2_response response; /* 0 routine; 1-4 low; a single 3 (with total <=4)
                                        low-medium; 5-6 medium; >=7 high */
} hm_news2_result;

/* Scores one set of observations. HM_OK and *out filled; HM_EINVAL (out untouched) with a
 * message naming the parameter when a value is out of the ranges above or in or out is NULL. */
int hm_news2_score(const hm_news2_input *in, hm_news2_result *out, hm_err *err);

/* Reads one vital-signs set as the API stores it (resp_rate, spo2, on_oxygen as a boolean,
 * systolic_bp, pulse, temperature as numbers; consciousness "alert", "confusion" (or
 * "new_confusion"), "voice", "pain", "unresponsive") with the episode's SpO2 scale. Returns 1
 * and fills *in when every parameter is there; 0 (in zeroed) for an incomplete set or an unknown
 * consciousness value, which is not scored. Ranges are checked by hm_news2_score. */
int hm_news2_from_json(const json_t *values, int spo2_scale, hm_news2_input *in);

/* "routine", "low", "low_medium", "medium", "high"; "unknown" for other values. */
const char *hm_news2_response_name(enum hm_news2_response r);

/* The inverse of hm_news2_response_name, for pathway configuration: HM_EINVAL for other names. */
int hm_news2_response_from_name(const char *name, enum hm_news2_response *out, hm_err *err);

#endif
