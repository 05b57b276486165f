/* Unit tests of pathway templates: loading the shipped templates, their accessors, and every
 * validation error of the loader, each naming its JSON path. */
#include "pathway_test.h"

#include <dirent.h>

static void loads_iv_antibiotics(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    assert_string_equal(hm_pathway_id(p), "iv-antibiotics");
    assert_string_equal(hm_pathway_name(p, "en"), "IV antibiotics at home");
    assert_string_equal(hm_pathway_name(p, "nb"), "Intravenøs antibiotikabehandling i hjemmet");
    assert_string_equal(hm_pathway_name(p, "fr"), "IV antibiotics at home");
    assert_string_equal(hm_pathway_name(p, NULL), "IV antibiotics at home");
    assert_int_equal(hm_pathway_eligibility_count(p), 6);
    assert_string_equal(hm_pathway_eligibility_at(p, 4)->id, "central_line");
    assert_non_null(hm_pathway_eligibility_at(p, 0)->text_nb);
    assert_non_null(hm_pathway_eligibility_at(p, 0)->text_en);
    assert_null(hm_pathway_eligibility_at(p, 6));
    assert_non_null(hm_pathway_eligibility_find(p, "handles_pump"));
    assert_null(hm_pathway_eligibility_find(p, "nope"));
    assert_int_equal(hm_pathway_max_episode_days(p), 90);
    assert_int_equal(hm_pathway_hospital_weekdays(p), 0);

    assert_int_equal(hm_pathway_task_kind_count(p), 7);
    const char *ids[] = {"bag_compounding", "bag_change",  "site_inspection", "line_care",
                         "set_change",      "vital_signs", "blood_sample"};
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(hm_pathway_task_kind_at(p, i)->id, ids[i]);
    assert_null(hm_pathway_task_kind_at(p, 7));
    const hm_task_kind *k = hm_pathway_task_kind_find(p, "bag_change");
    assert_non_null(k);
    assert_string_equal(k->competence, "infusion_pump");
    assert_string_equal(k->location, "patient");
    assert_string_equal(k->label_en, "Change the antibiotic bag");
    assert_int_equal(k->priority, 1);
    assert_int_equal(k->duration_min, 15);
    assert_int_equal(k->nurses, 1); /* one nurse unless the template says two */
    assert_string_equal(hm_pathway_task_kind_find(p, "bag_compounding")->competence,
                        "aseptic_compounding");
    assert_string_equal(hm_pathway_task_kind_find(p, "line_care")->competence, "central_line_care");
    assert_null(hm_pathway_task_kind_find(p, "site_inspection")->competence);
    assert_null(hm_pathway_task_kind_find(p, "nope"));
    assert_int_equal(hm_pathway_task_kind_is_hospital(p, "bag_change"), 0);

    json_t *j = hm_pathway_to_json(p);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "id")), "iv-antibiotics");
    assert_int_equal(json_array_size(json_object_get(j, "tasks")), 7);
    json_decref(j);
    hm_pathway_free(p);
}

static void loads_shared_care(void **state)
{
    (void)state;
    hm_pathway *p = load_template(SHARED_TEMPLATE);
    assert_string_equal(hm_pathway_id(p), "iv-antibiotics-shared-care");
    assert_int_equal(hm_pathway_hospital_weekdays(p), (1 << 1) | (1 << 4)); /* tue, fri */
    assert_int_equal(hm_pathway_task_kind_is_hospital(p, "physician_followup"), 1);
    assert_int_equal(hm_pathway_task_kind_is_hospital(p, "site_photo_review"), 1);
    assert_int_equal(hm_pathway_task_kind_is_hospital(p, "bag_change"), 0);
    assert_string_equal(hm_pathway_task_kind_find(p, "physician_followup")->location, "office");
    hm_pathway_free(p);
}

static void load_from_json_keeps_its_own_copy(void **state)
{
    (void)state;
    json_t *j = load_json_file(IV_TEMPLATE);
    hm_pathway *p = NULL;
    hm_err e;
    assert_int_equal(hm_pathway_load_json(j, &p, &e), HM_OK);
    json_decref(j); /* the pathway must not depend on the caller's value */
    assert_string_equal(hm_pathway_task_kind_at(p, 0)->label_nb, "Blande antibiotikapose");
    hm_pathway_free(p);
    hm_pathway_free(NULL);
}

static void file_errors(void **state)
{
    (void)state;
    hm_pathway *p = (hm_pathway *)0x1;
    hm_err e;
    assert_int_equal(hm_pathway_load_file(TEST_DATA "does-not-exist.json", &p, &e), HM_ENOTFOUND);
    assert_msg_contains(e, "cannot open");
    assert_int_equal(hm_pathway_load_file(TEST_DATA "not-json.json", &p, &e), HM_EINVAL);
    assert_msg_contains(e, "invalid JSON at line");
    assert_int_equal(hm_pathway_load_file(TEST_DATA "bad-cadence.json", &p, &e), HM_EINVAL);
    assert_msg_contains(e, "bad-cadence.json: tasks[2].cadence.type: unknown cadence 'dayly'");
    assert_ptr_equal(p, (hm_pathway *)0x1); /* untouched on failure */
    assert_int_equal(hm_pathway_load_json(NULL, &p, &e), HM_EINVAL);
    json_t *arr = json_array();
    assert_int_equal(hm_pathway_load_json(arr, &p, &e), HM_EINVAL);
    assert_msg_contains(e, "must be a JSON object");
    json_decref(arr);
}

struct bad_case {
    const char *path;
    const char *value; /* JSON text, or NULL to delete the member */
    const char *message;
};

static const struct bad_case bad_cases[] = {
    {"tasks[2].cadence.type", "\"dayly\"", "tasks[2].cadence.type: unknown cadence 'dayly'"},
    {"format_version", "2", "format_version: unsupported version 2"},
    {"format_version", NULL, "format_version: missing"},
    {"id", "\"Bad Id\"", "id: 'Bad Id' must use only a-z"},
    {"id", "7", "id: must be a string"},
    {"name.en", NULL, "name.en: missing"},
    {"name.fr", "\"x\"", "name.fr: unknown field"},
    {"max_episode_days", "0", "max_episode_days: must be between 1 and 3660"},
    {"colour", "\"red\"", "colour: unknown field"},
    {"eligibility", NULL, "eligibility: missing"},
    {"eligibility[1].id", "\"needs_long_iv_treatment\"",
     "eligibility[1].id: duplicate eligibility item"},
    {"eligibility[2].en", "\"\"", "eligibility[2].en: must not be empty"},
    {"eligibility[3]", "\"x\"", "eligibility[3]: must be an object"},
    {"tasks", "[]", "tasks: must define at least one task kind"},
    {"tasks", "{}", "tasks: must be an array"},
    {"tasks[1].id", "\"bag_compounding\"", "tasks[1].id: duplicate task kind 'bag_compounding'"},
    {"tasks[1].id", "\"a_kind_name_that_is_far_too_long_for_it\"", "tasks[1].id: longer than 31"},
    {"tasks[0].priority", "4", "tasks[0].priority: must be between 1 and 3"},
    {"tasks[0].nurses", "3", "tasks[0].nurses: must be between 1 and 2"},
    {"tasks[0].nurses", "\"2\"", "tasks[0].nurses: must be an integer"},
    {"tasks[0].location", "\"garden\"", "tasks[0].location: must be 'patient' or 'office'"},
    {"tasks[0].duration_min", "\"20\"", "tasks[0].duration_min: must be an integer"},
    {"tasks[0].duration_min", "0", "tasks[0].duration_min: must be between 1 and 1440"},
    {"tasks[0].colour", "\"red\"", "tasks[0].colour: unknown field"},
    {"tasks[0].label", "\"x\"", "tasks[0].label: must be an object"},
    {"tasks[0].cadence", NULL, "tasks[0].cadence: missing"},
    {"tasks[0].cadence.n", "3", "tasks[0].cadence.n: unknown field"},
    {"tasks[3].cadence.n", "0", "tasks[3].cadence.n: must be between 1 and 56"},
    {"tasks[3].cadence.anchor", "\"discharge\"", "tasks[3].cadence.anchor: unknown anchor 'discharge'"},
    {"tasks[3].cadence.offset_days", "-1", "tasks[3].cadence.offset_days: must be between 0 and 365"},
    {"tasks[4].cadence.days", "[0, 7]", "tasks[4].cadence.days: entry 1 must be an integer from 0 to 6"},
    {"tasks[4].cadence.days", "[4, 4]", "tasks[4].cadence.days: day 4 given twice"},
    {"tasks[4].cadence.days", "[]", "tasks[4].cadence.days: must list at least one day"},
    {"tasks[4].cadence.period_days", NULL, "tasks[4].cadence.period_days: missing"},
    {"tasks[2].cadence", "{\"type\": \"weekdays\", \"weekdays\": [\"mon\", \"funday\"]}",
     "tasks[2].cadence.weekdays: entry 1 must be a weekday"},
    {"tasks[2].cadence", "{\"type\": \"weekdays\", \"weekdays\": []}",
     "tasks[2].cadence.weekdays: must list at least one weekday"},
    {"tasks[1].window.anchor", "\"fixed\"", "tasks[1].window.anchor: must be 'occurrence'"},
    {"tasks[0].window.anchor", "\"occurrence\"", "tasks[0].window.anchor: 'occurrence' needs"},
    {"tasks[0].window.anchor", "\"noon\"", "tasks[0].window.anchor: unknown window anchor 'noon'"},
    {"tasks[0].window.before_min", "721", "tasks[0].window.before_min: must be between 0 and 720"},
    {"tasks[0].window.after_min", NULL, "tasks[0].window.after_min: missing"},
    {"tasks[0].window.start", "\"08:00\"", "tasks[0].window.start: unknown field"},
    {"tasks[3].window.end", "\"07:00\"", "tasks[3].window.end: must be after start"},
    {"tasks[3].window.start", "\"8:00\"", "tasks[3].window.start: '8:00' is not a clock time"},
    {"tasks[3].window.due", "\"16:00\"", "tasks[3].window.due: must lie within the window"},
    {"tasks[5].documentation.fields.pulse.type", "\"float\"",
     "tasks[5].documentation.fields.pulse.type: unknown field type 'float'"},
    {"tasks[5].documentation.fields.pulse.max", "10",
     "tasks[5].documentation.fields.pulse.max: must not be below min"},
    {"tasks[5].documentation.fields.pulse.values", "[\"a\"]",
     "tasks[5].documentation.fields.pulse.values: unknown field"},
    {"tasks[5].documentation.fields.pulse", "3",
     "tasks[5].documentation.fields.pulse: must be an object"},
    {"tasks[5].documentation.fields.Bad Name", "{\"type\": \"boolean\"}",
     "field names use only"},
    {"tasks[5].documentation.schema", "{}", "tasks[5].documentation.schema: unknown field"},
    {"tasks[2].documentation.fields.findings.values", "[]",
     "tasks[2].documentation.fields.findings.values: must list at least one value"},
    {"tasks[2].documentation.fields.findings.values", "[\"a\", \"a\"]", "value 'a' given twice"},
    {"tasks[2].documentation.fields.findings.exclusive", "[\"fine\"]",
     "tasks[2].documentation.fields.findings.exclusive: entry 0 is not one of the values"},
    {"tasks[2].documentation.fields.findings.max_items", "99",
     "tasks[2].documentation.fields.findings.max_items: must be between 1 and 7"},
    {"tasks[0].documentation.fields.note.max_length", "0", "note.max_length: must be between 1"},
    {"division_of_labour", NULL, "division_of_labour: missing"},
    {"division_of_labour.hospital_weekdays", "[\"tue\", \"funday\"]",
     "division_of_labour.hospital_weekdays: entry 1 must be a weekday"},
    {"division_of_labour.hospital_weekdays", "[\"tue\", \"TUE\"]", "weekday 'TUE' given twice"},
    {"division_of_labour.hospital_kinds", "[\"surgery\"]",
     "division_of_labour.hospital_kinds: entry 0: unknown task kind 'surgery'"},
    {"division_of_labour.hospital_days", "[]", "division_of_labour.hospital_days: unknown field"},
};

static void every_validation_error_names_its_path(void **state)
{
    (void)state;
    json_t *base = load_json_file(IV_TEMPLATE);
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        json_t *j = json_deep_copy(base);
        set_path(j, c->path, c->value);
        hm_pathway *p = NULL;
        hm_err e;
        hm_err_clear(&e);
        int rc = hm_pathway_load_json(j, &p, &e);
        if (rc != HM_EINVAL || !strstr(e.msg, c->message)) {
            fprintf(stderr, "case %zu (%s): rc %d, message '%s', wanted '%s'\n", i, c->path, rc,
                    e.msg, c->message);
            fail();
        }
        assert_null(p);
        json_decref(j);
    }
    json_decref(base);
}

static void comments_are_allowed_everywhere(void **state)
{
    (void)state;
    json_t *j = load_json_file(IV_TEMPLATE);
    set_path(j, "_note", "\"x\"");
    set_path(j, "tasks[3].cadence._why", "\"weekly\"");
    set_path(j, "tasks[3].window._why", "1");
    set_path(j, "tasks[5].documentation.fields._comment", "\"x\"");
    set_path(j, "tasks[5].documentation.fields.pulse._comment", "\"x\"");
    hm_pathway *p = NULL;
    hm_err e;
    assert_int_equal(hm_pathway_load_json(j, &p, &e), HM_OK);
    hm_pathway_free(p);
    json_decref(j);
}

/* Every template shipped under pathways/ loads, and its JSON form loads again to the same. */
static void every_shipped_template_loads(void **state)
{
    (void)state;
    DIR *dir = opendir(HM_SOURCE_ROOT "/pathways");
    assert_non_null(dir);
    struct dirent *de;
    int seen = 0;
    while ((de = readdir(dir)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/pathways/%s", HM_SOURCE_ROOT, de->d_name);
        hm_pathway *p = load_template(path);
        json_t *j = hm_pathway_to_json(p);
        hm_pathway *again = NULL;
        hm_err e;
        assert_int_equal(hm_pathway_load_json(j, &again, &e), HM_OK);
        assert_string_equal(hm_pathway_id(again), hm_pathway_id(p));
        assert_int_equal(hm_pathway_task_kind_count(again), hm_pathway_task_kind_count(p));
        /* The file is named after its id, so that the API's /pathways/{id} finds it. */
        char want[300];
        snprintf(want, sizeof want, "%s.json", hm_pathway_id(p));
        assert_string_equal(de->d_name, want);
        json_decref(j);
        hm_pathway_free(again);
        hm_pathway_free(p);
        seen++;
    }
    closedir(dir);
    assert_true(seen >= 2);
}

static void eligibility_answers(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    json_t *a = json_object();
    for (size_t i = 0; i < hm_pathway_eligibility_count(p); i++)
        json_object_set_new(a, hm_pathway_eligibility_at(p, i)->id, json_true());
    hm_err e;
    assert_int_equal(hm_pathway_check_eligibility(p, a, &e), HM_OK);
    json_object_set_new(a, "central_line", json_false());
    assert_int_equal(hm_pathway_check_eligibility(p, a, &e), HM_ECONFLICT);
    assert_msg_contains(e, "eligibility item 'central_line' is not met: Has a central venous line");
    json_object_del(a, "central_line");
    assert_int_equal(hm_pathway_check_eligibility(p, a, &e), HM_ECONFLICT);
    assert_msg_contains(e, "eligibility item 'central_line' is not answered");
    json_object_set_new(a, "central_line", json_string("yes"));
    assert_int_equal(hm_pathway_check_eligibility(p, a, &e), HM_EINVAL);
    assert_msg_contains(e, "eligibility item 'central_line' must be true or false");
    json_object_set_new(a, "central_line", json_true());
    json_object_set_new(a, "owns_a_car", json_true());
    assert_int_equal(hm_pathway_check_eligibility(p, a, &e), HM_EINVAL);
    assert_msg_contains(e, "unknown eligibility item 'owns_a_car'");
    assert_int_equal(hm_pathway_check_eligibility(p, NULL, &e), HM_EINVAL);
    json_decref(a);
    hm_pathway_free(p);
}

/* Random damage to a valid template (values replaced by other types, members deleted) must
 * give HM_OK or a clean HM_EINVAL with a message: never a crash or a leak (run under ASan). */
static json_t *random_value(unsigned *seed)
{
    switch (rand_r(seed) % 9) {
    case 0: return json_null();
    case 1: return json_true();
    case 2: return json_integer((json_int_t)(rand_r(seed) % 2000) - 1000);
    case 3: return json_real(-1e300);
    case 4: return json_string("");
    case 5: return json_string("08:00");
    case 6: return json_array();
    case 7: return json_object();
    default: return json_string("mon");
    }
}

static void damage(json_t *j, unsigned *seed, int depth)
{
    size_t n = json_is_object(j) ? json_object_size(j) : json_is_array(j) ? json_array_size(j) : 0;
    if (!n)
        return;
    size_t pick = (size_t)rand_r(seed) % n;
    json_t *child = NULL;
    const char *key = NULL;
    if (json_is_object(j)) {
        void *it = json_object_iter(j);
        for (size_t i = 0; i < pick; i++)
            it = json_object_iter_next(j, it);
        key = json_object_iter_key(it);
        child = json_object_iter_value(it);
    } else {
        child = json_array_get(j, pick);
    }
    int action = rand_r(seed) % 4;
    if (action == 0 || depth > 6 || !(json_is_object(child) || json_is_array(child))) {
        if (action == 1 && key)
            json_object_del(j, key);
        else if (key)
            json_object_set_new(j, key, random_value(seed));
        else
            json_array_set_new(j, pick, random_value(seed));
        return;
    }
    damage(child, seed, depth + 1);
}

static void survives_random_damage(void **state)
{
    (void)state;
    json_t *base = load_json_file(IV_TEMPLATE);
    unsigned seed = 12345;
    int ok = 0, refused = 0;
    for (int i = 0; i < 3000; i++) {
        json_t *j = json_deep_copy(base);
        for (int k = 0; k < 1 + i % 3; k++)
            damage(j, &seed, 0);
        hm_pathway *p = NULL;
        hm_err e;
        hm_err_clear(&e);
        int rc = hm_pathway_load_json(j, &p, &e);
        if (rc == HM_OK) {
            /* A template that still loads must also generate and check documentation. */
            hm_regimen r = good_regimen();
            hm_gen_task *t = NULL;
            size_t n = 0;
            json_t *doc = json_object();
            if (hm_pathway_generate(p, &r, NULL, r.start, r.end, &t, &n, &e) == HM_OK)
                free(t);
            for (size_t k = 0; k < hm_pathway_task_kind_count(p); k++)
                hm_pathway_validate_documentation(p, hm_pathway_task_kind_at(p, k)->id, doc, &e);
            json_decref(doc);
            ok++;
            hm_pathway_free(p);
        } else {
            assert_int_equal(rc, HM_EINVAL);
            assert_true(e.msg[0] != '\0');
            refused++;
        }
        json_decref(j);
    }
    assert_true(refused > 1000);
    json_decref(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_iv_antibiotics),
        cmocka_unit_test(loads_shared_care),
        cmocka_unit_test(load_from_json_keeps_its_own_copy),
        cmocka_unit_test(file_errors),
        cmocka_unit_test(every_validation_error_names_its_path),
        cmocka_unit_test(comments_are_allowed_everywhere),
        cmocka_unit_test(every_shipped_template_loads),
        cmocka_unit_test(eligibility_answers),
        cmocka_unit_test(survives_random_damage),
    };
    return cmocka_run_group_tests_name("pathway/template", tests, oslo_setup, NULL);
}
