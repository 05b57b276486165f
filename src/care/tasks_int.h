/* tasks_int.h: task generation hooks used by the episode transitions. */
#ifndef HM_CARE_TASKS_INT_H
#define HM_CARE_TASKS_INT_H

#include "care/care_int.h"

/* How far ahead tasks are generated (days); hm_care_tasks_extend() moves the horizon on. */
#define HM_TASK_HORIZON_DAYS 14

/* Replaces an active episode's planned tasks from now on with those the pathway template and
 * the current regimen give. Tasks done, not done, or already under way are never touched. */
int hm__tasks_regenerate(hm_db *db, const hm_call *c, int64_t episode_id, hm_err *err);

/* Adds the tasks of the days after the episode's generated horizon up to today plus
 * HM_TASK_HORIZON_DAYS, leaving every existing task alone. */
int hm__tasks_extend(hm_db *db, const hm_call *c, int64_t episode_id, hm_err *err);

#endif
