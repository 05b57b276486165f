/* Unit tests of the drug catalogue: the shipped example file, lookups, and load errors. */
#include "pathway_test.h"

static void loads_example_catalogue(void **state)
{
    (void)state;
    hm_drug_catalogue *c = NULL;
    hm_err e;
    assert_int_equal(hm_drug_catalogue_load_file(DRUGS_FILE, &c, &e), HM_OK);
    assert_true(hm_drug_catalogue_count(c) >= 5);
    const hm_drug *d = hm_drug_catalogue_find(c, "cefazolin");
    assert_non_null(d);
    assert_string_equal(d->name, "Cefazolin");
    assert_string_equal(d->atc, "J01DB04");
    assert_int_equal(d->max_bag_hours, 12);
    assert_null(hm_drug_catalogue_find(c, "aspirin"));
    assert_null(hm_drug_catalogue_find(c, NULL));
    assert_ptr_equal(hm_drug_catalogue_at(c, 0), d);
    assert_null(hm_drug_catalogue_at(c, hm_drug_catalogue_count(c)));
    for (size_t i = 0; i < hm_drug_catalogue_count(c); i++)
        assert_ptr_equal(hm_drug_catalogue_find(c, hm_drug_catalogue_at(c, i)->code),
                         hm_drug_catalogue_at(c, i));
    hm_drug_catalogue_free(c);
    hm_drug_catalogue_free(NULL);
    assert_int_equal(hm_drug_catalogue_count(NULL), 0);
}

static void load_errors(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        int rc;
        const char *message;
    } cases[] = {
        {"does-not-exist.json", HM_ENOTFOUND, "cannot open"},
        {"not-json.json", HM_EINVAL, "invalid JSON at line"},
        {"drugs-duplicate.json", HM_EINVAL, "drugs[1].code: duplicate drug code 'cefazolin'"},
        {"drugs-bad-atc.json", HM_EINVAL, "drugs[0].atc: 'J1DB04' is not an ATC code"},
        {"drugs-bad-hours.json", HM_EINVAL, "drugs[1].max_bag_hours: must be between 1 and 168"},
        {"drugs-unknown-field.json", HM_EINVAL, "drugs[0].max_bag_hour: unknown field"},
        {"bad-cadence.json", HM_EINVAL, "unknown field"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        hm_drug_catalogue *c = (hm_drug_catalogue *)0x1;
        hm_err e;
        snprintf(path, sizeof path, "%s%s", TEST_DATA, cases[i].file);
        int rc = hm_drug_catalogue_load_file(path, &c, &e);
        if (rc != cases[i].rc || !strstr(e.msg, cases[i].message)) {
            fprintf(stderr, "%s: rc %d '%s', wanted '%s'\n", cases[i].file, rc, e.msg,
                    cases[i].message);
            fail();
        }
        assert_ptr_equal(c, (hm_drug_catalogue *)0x1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_example_catalogue),
        cmocka_unit_test(load_errors),
    };
    return cmocka_run_group_tests_name("pathway/drug", tests, NULL, NULL);
}
