/* drug.c: loading the drug catalogue data file and looking drugs up by code.
 *
 * The catalogue is a flat array in file order; with a handful to a few hundred drugs a linear
 * scan is as fast as a hash and keeps the catalogue trivially immutable and thread-safe. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "pathway/pathway_int.h"

#define MAX_DRUGS 1000

struct hm_drug_catalogue {
    hm_drug *drugs;
    size_t n;
};

/* ATC codes of a substance are 7 characters: letter, 2 digits, 2 letters, 2 digits; shorter
 * prefixes name groups. We accept the full code or any of its level prefixes (1, 3, 4, 5). */
static int atc_valid(const char *s)
{
    static const char shape[] = "ADDAADD";
    size_t n = strlen(s);
    if (n != 1 && n != 3 && n != 4 && n != 5 && n != 7)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int want_digit = shape[i] == 'D';
        if (want_digit ? !isdigit((unsigned char)s[i]) : !isupper((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

static int code_valid(const char *s)
{
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

static int parse_drug(const json_t *j, const char *path, hm_drug *d, hm_err *err)
{
    static const char *const keys[] = {"code", "name", "atc", "max_bag_hours", NULL};
    const char *code = NULL, *name = NULL, *atc = NULL;
    int rc;
    if (!json_is_object(j))
        return hm__jp_err(err, path, NULL, "must be an object");
    rc = hm__jp_keys(j, path, keys, err);
    if (rc != HM_OK)
        return rc;
    rc = hm__jp_str(j, path, "code", 1, sizeof d->code - 1, &code, err);
    if (rc == HM_OK)
        rc = hm__jp_str(j, path, "name", 1, sizeof d->name - 1, &name, err);
    if (rc == HM_OK)
        rc = hm__jp_str(j, path, "atc", 1, sizeof d->atc - 1, &atc, err);
    if (rc == HM_OK)
        rc = hm__jp_int(j, path, "max_bag_hours", 1, 1, 168, &d->max_bag_hours, err);
    if (rc != HM_OK)
        return rc;
    if (!code_valid(code))
        return hm__jp_err(err, path, "code", "'%s' must use only a-z, 0-9, '_' and '-'", code);
    if (!atc_valid(atc))
        return hm__jp_err(err, path, "atc", "'%s' is not an ATC code (e.g. J01DB04)", atc);
    snprintf(d->code, sizeof d->code, "%s", code);
    snprintf(d->name, sizeof d->name, "%s", name);
    snprintf(d->atc, sizeof d->atc, "%s", atc);
    return HM_OK;
}

static int parse_catalogue(const json_t *root, hm_drug_catalogue *c, hm_err *err)
{
    static const char *const keys[] = {"drugs", NULL};
    const json_t *arr = NULL;
    int rc;
    if (!json_is_object(root))
        return hm__jp_err(err, "", NULL, "the catalogue must be a JSON object");
    rc = hm__jp_keys(root, "", keys, err);
    if (rc != HM_OK)
        return rc;
    rc = hm__jp_arr(root, "", "drugs", 1, MAX_DRUGS, &arr, err);
    if (rc != HM_OK)
        return rc;
    c->drugs = calloc(json_array_size(arr) + 1, sizeof *c->drugs);
    if (!c->drugs)
        return hm_err_set(err, HM_ENOMEM, "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char path[48];
        snprintf(path, sizeof path, "drugs[%zu]", i);
        rc = parse_drug(json_array_get(arr, i), path, &c->drugs[i], err);
        if (rc != HM_OK)
            return rc;
        if (hm_drug_catalogue_find(c, c->drugs[i].code))
            return hm__jp_err(err, path, "code", "duplicate drug code '%s'", c->drugs[i].code);
        c->n = i + 1;
    }
    return HM_OK;
}

int hm_drug_catalogue_load_file(const char *path, hm_drug_catalogue **out, hm_err *err)
{
    json_t *root = NULL;
    int rc = hm_read_json_file(path, HM__FILE_MAX, &root, err);
    if (rc != HM_OK)
        return rc;
    hm_drug_catalogue *c = calloc(1, sizeof *c);
    if (!c) {
        json_decref(root);
        return hm_err_set(err, HM_ENOMEM, "%s: out of memory", path);
    }
    rc = parse_catalogue(root, c, err);
    json_decref(root);
    if (rc != HM_OK) {
        hm__err_prefix(err, path);
        hm_drug_catalogue_free(c);
        return rc;
    }
    *out = c;
    return HM_OK;
}

const hm_drug *hm_drug_catalogue_find(const hm_drug_catalogue *c, const char *code)
{
    if (!c || !code)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->drugs[i].code, code) == 0)
            return &c->drugs[i];
    return NULL;
}

size_t hm_drug_catalogue_count(const hm_drug_catalogue *c)
{
    return c ? c->n : 0;
}

const hm_drug *hm_drug_catalogue_at(const hm_drug_catalogue *c, size_t i)
{
    if (!c || i >= c->n)
        return NULL;
    return &c->drugs[i];
}

void hm_drug_catalogue_free(hm_drug_catalogue *c)
{
    if (!c)
        return;
    free(c->drugs);
    free(c);
}
