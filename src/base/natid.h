/* natid.h: Norwegian national identity numbers: fødselsnummer (FNR), D-nummer (DNR, day + 40)
 * and synthetic numbers for test and demo data.
 *
 * Synthetic scheme: the birth month has 80 added (March is written 83), as in the synthetic
 * numbers of Norwegian test environments (Skatteetaten's Tenor); no real FNR or D-nummer can
 * have a month above 12 (H-numbers add 40 to the month), so a synthetic number belongs to
 * nobody. Check digits are computed as for real numbers. Validation accepts them and reports
 * HM_NATID_SYNTHETIC so production can refuse them by configuration. */
#ifndef HM_BASE_NATID_H
#define HM_BASE_NATID_H

#include "base/error.h"

enum hm_natid_kind { HM_NATID_FNR = 1, HM_NATID_DNR = 2, HM_NATID_SYNTHETIC = 3 };

/* Validates 11 digits: both mod-11 check digits (a remainder giving 10 is invalid), a real
 * date, the century from the individual number. Fills *kind and *birth_ymd (e.g. 19850317)
 * when not NULL. HM_EINVAL with the rule that failed otherwise. */
int hm_natid_validate(const char *id, enum hm_natid_kind *kind, int *birth_ymd, hm_err *err);

/* The seq-th synthetic number for a birth date (YYYYMMDD, years 1900-2039), deterministic.
 * Writes 11 digits and a NUL. HM_EINVAL when the date is not real or seq is out of range. */
int hm_natid_synthetic(int birth_ymd, unsigned seq, char out[12], hm_err *err);

#endif
