/* plan_travel.h: the travel times of a day's plan (plan_day.c). With a road service (road.h)
 * configured, the day's distinct places get one matrix of road travel minutes; without one, or
 * when the service fails, the planner estimates travel from coordinates (great-circle distance
 * times its road factor at its speed) and the report says why. Private to src/care/. */
#ifndef HM_CARE_PLAN_TRAVEL_H
#define HM_CARE_PLAN_TRAVEL_H

#include "care/road.h"
#include "plan/plan.h"

struct hm__travel {
    double *minutes; /* n x n, NULL: estimated from coordinates */
    int n;           /* distinct places */
    int no_route;    /* pairs the service had no route for */
    char note[320];  /* why travel was estimated, or what the service could not route */
};

/* locs: the day's places (nurses' start and end, visits), each with lat/lon and index -1. With
 * road set, each gets the index of its place in t->minutes, or stays -1 when the service could
 * not be used (t->note says why; not an error: the plan goes on with estimates). Errors: out
 * of memory only. */
int hm__plan_travel(const hm_road_service *road, hm_plan_loc *const *locs, int nlocs,
                    struct hm__travel *t, hm_err *err);
void hm__plan_travel_free(struct hm__travel *t);

#endif
