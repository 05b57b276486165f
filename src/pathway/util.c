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

int hm__read_file(const char *path, size_t max, char **out, size_t *len, hm_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return hm_err_set(err, HM_ENOTFOUND, "cannot open %s: %s", path, strerror(errno));
    char *buf = malloc(max + 1);
    if (!buf) {
        fclose(f);
        return hm_err_set(err, HM_ENOMEM, "cannot read %s: out of memory", path);
    }
    size_t got = fread(buf, 1, max + 1, f);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return hm_err_set(err, HM_EIO, "cannot read %s: read error", path);
    }
    if (got > max) {
        free(buf);
        return hm_err_set(err, HM_ETOOBIG, "cannot read %s: larger than %zu bytes", path, max);
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return HM_OK;
}

int hm__read_json_file(const char *path, json_t **root, hm_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = hm__read_file(path, HM__FILE_MAX, &text, &len, err);
    if (rc != HM_OK)
        return rc;
    json_error_t jerr;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    if (!j)
        return hm_err_set(err, HM_EINVAL, "%s: invalid JSON at line %d: %s", path, jerr.line,
                          jerr.text);
    *root = j;
    return HM_OK;
}

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
