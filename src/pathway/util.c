/* util.c: small helpers shared by the pathway files: reading a bounded data file, weekday
 * names, clock times and calendar-date checks. Pure functions; clock times are minutes of the
 * local (Europe/Oslo) day, interpreted by base/time when they become UTC instants. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pathway/pathway_int.h"

static const char *const weekday_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int hm__weekday_parse(const char *s)
{
    for (int i = 0; s && i < 7; i++)
        if (strcasecmp(s, weekday_names[i]) == 0)
            return i + 1;
    return 0;
}

const char *hm__weekday_name(int iso_weekday)
{
    if (iso_weekday < 1 || iso_weekday > 7)
        return "?";
    return weekday_names[iso_weekday - 1];
}

int hm__clock_parse(const char *s, int *minutes)
{
    int m = 0;
    /* Strict "HH:MM" so that "8:00", "08:00:00" and "24:00" are all refused the same way. */
    if (!s || strlen(s) != 5 || s[2] != ':')
        return HM_EINVAL;
    if (hm_clock_time_parse(s, &m, NULL) != HM_OK || m < 0 || m >= 24 * 60)
        return HM_EINVAL;
    *minutes = m;
    return HM_OK;
}

void hm__clock_format(int minutes, char out[6])
{
    if (minutes < 0 || minutes >= 24 * 60)
        minutes = 0;
    snprintf(out, 6, "%02d:%02d", minutes / 60, minutes % 60);
}

int hm__date_valid(hm_date d)
{
    /* Four-digit years keep "YYYY-MM-DD" within its 10 characters. */
    return d.y >= 1900 && d.y <= 9999 && hm_date_valid(d);
}
