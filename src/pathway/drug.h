/* drug.h: the drug catalogue: which antibiotics may be given at home, their ATC codes, and how
 * long a prepared bag of each may be used (the number the regimen check needs).
 *
 * The catalogue is a JSON data file (data/drugs.example.json ships as example data) loaded once
 * and then read-only: lookups are safe from many threads. Ownership: the catalogue owns every
 * hm_drug it hands out; pointers stay valid until hm_drug_catalogue_free(). */
#ifndef HM_PATHWAY_DRUG_H
#define HM_PATHWAY_DRUG_H

#include <stddef.h>

#include "base/error.h"

typedef struct hm_drug {
    char code[32];     /* stable key used by regimens, e.g. "cefazolin" */
    char name[96];     /* display name */
    char atc[16];      /* WHO ATC code, e.g. "J01DB04" */
    int max_bag_hours; /* longest time a prepared bag may be used, hours */
} hm_drug;

typedef struct hm_drug_catalogue hm_drug_catalogue;

/* Loads and validates a catalogue file ({"drugs": [{"code", "name", "atc", "max_bag_hours"}]}).
 * Errors name the file and the JSON path: "drugs[2].max_bag_hours: must be between 1 and 168".
 * The file may be at most 1 MiB and hold at most 1000 drugs. *out untouched on failure. */
int hm_drug_catalogue_load_file(const char *path, hm_drug_catalogue **out, hm_err *err);

/* The drug with this exact code, or NULL when unknown (or c/code NULL). */
const hm_drug *hm_drug_catalogue_find(const hm_drug_catalogue *c, const char *code);

size_t hm_drug_catalogue_count(const hm_drug_catalogue *c);

/* The i-th drug in file order, or NULL when i is out of range. */
const hm_drug *hm_drug_catalogue_at(const hm_drug_catalogue *c, size_t i);

void hm_drug_catalogue_free(hm_drug_catalogue *c);

#endif
