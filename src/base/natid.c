/* natid.c: mod-11 check digits, dates and centuries of Norwegian national identity numbers. */
#include "base/natid.h"

#include <string.h>

#include "base/time.h"

static const int w1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
static const int w2[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};

/* The check digit for the first n digits with weights w, or -1 when it would be 10. */
static int check_digit(const int *dg, const int *w, int n)
{
    int sum = 0;
    for (int i = 0; i < n; i++)
        sum += dg[i] * w[i];
    int k = 11 - sum % 11;
    if (k == 11)
        k = 0;
    return k == 10 ? -1 : k;
}

/* The century of an individual number and two-digit year (Skatteetaten's ranges). */
static int century_year(int ind, int yy)
{
    if (ind <= 499)
        return 1900 + yy;
    if (ind <= 749 && yy >= 54)
        return 1800 + yy;
    if (ind >= 900 && yy >= 40)
        return 1900 + yy;
    if (yy <= 39)
        return 2000 + yy;
    return -1;
}

int hm_natid_validate(const char *id, enum hm_natid_kind *kind, int *birth_ymd, hm_err *err)
{
    if (!id || strlen(id) != 11)
        return hm_err_set(err, HM_EINVAL, "national id must be 11 digits");
    int dg[11];
    for (int i = 0; i < 11; i++) {
        if (id[i] < '0' || id[i] > '9')
            return hm_err_set(err, HM_EINVAL, "national id must be 11 digits");
        dg[i] = id[i] - '0';
    }
    if (check_digit(dg, w1, 9) != dg[9])
        return hm_err_set(err, HM_EINVAL, "national id check digit 1 is wrong");
    if (check_digit(dg, w2, 10) != dg[10])
        return hm_err_set(err, HM_EINVAL, "national id check digit 2 is wrong");
    int day = dg[0] * 10 + dg[1], month = dg[2] * 10 + dg[3], yy = dg[4] * 10 + dg[5];
    int ind = dg[6] * 100 + dg[7] * 10 + dg[8];
    enum hm_natid_kind k = HM_NATID_FNR;
    if (month > 80) {
        k = HM_NATID_SYNTHETIC;
        month -= 80;
    }
    if (day > 40) {
        if (k == HM_NATID_FNR)
            k = HM_NATID_DNR;
        day -= 40;
    }
    int year = century_year(ind, yy);
    hm_date d = {year, month, day};
    if (year < 0 || !hm_date_valid(d))
        return hm_err_set(err, HM_EINVAL, "national id has an invalid date");
    if (kind)
        *kind = k;
    if (birth_ymd)
        *birth_ymd = year * 10000 + month * 100 + day;
    return HM_OK;
}

/* The first nine digits of a synthetic number: DD, MM + 80, YY, individual number. */
static void synthetic_digits(hm_date d, int ind, int dg[11])
{
    int parts[4] = {d.d, d.m + 80, d.y % 100, ind / 10};
    for (int i = 0; i < 4; i++) {
        dg[2 * i] = parts[i] / 10;
        dg[2 * i + 1] = parts[i] % 10;
    }
    dg[8] = ind % 10;
    dg[9] = dg[10] = 0;
}

int hm_natid_synthetic(int birth_ymd, unsigned seq, char out[12], hm_err *err)
{
    hm_date d = {birth_ymd / 10000, birth_ymd / 100 % 100, birth_ymd % 100};
    if (!hm_date_valid(d) || d.y < 1900 || d.y > 2039)
        return hm_err_set(err, HM_EINVAL, "synthetic national id: invalid birth date %d",
                          birth_ymd);
    /* Individual numbers that give this year's century: 000-499 for 1900-1999, 500-999 for
     * 2000-2039. The seq-th one whose check digits are not 10 is the answer, so different seqs
     * never give the same number. */
    int lo = d.y < 2000 ? 0 : 500;
    unsigned found = 0;
    for (int ind = lo; ind < lo + 500; ind++) {
        int dg[11];
        synthetic_digits(d, ind, dg);
        dg[9] = check_digit(dg, w1, 9);
        if (dg[9] < 0)
            continue;
        dg[10] = check_digit(dg, w2, 10);
        if (dg[10] < 0)
            continue;
        if (found++ < seq)
            continue;
        for (int i = 0; i < 11; i++)
            out[i] = (char)('0' + dg[i]);
        out[11] = '\0';
        return HM_OK;
    }
    return hm_err_set(err, HM_EINVAL, "synthetic national id: no number left for %d", birth_ymd);
}
