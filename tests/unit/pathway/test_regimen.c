/* Unit tests of regimens: line types, the JSON shape (parse, emit, round trip, every parse
 * error naming its field) and every validation rule, including the drug's bag stability. */
#include "pathway_test.h"

static const char *good_json =
    "{\"drug\": \"cefazolin\", \"dose\": 2, \"dose_unit\": \"g\", \"interval_hours\": 8,"
    " \"infusion_minutes\": 30, \"bags_per_day\": 2, \"bag_change_times\": [\"08:00\", \"20:00\"],"
    " \"line_type\": \"PICC\", \"line_inserted\": \"2026-11-20\", \"start_date\": \"2026-11-23\","
    " \"end_date\": \"2026-12-13\", \"vitals_times\": [\"09:00\", \"21:00\"],"
    " \"labs\": {\"weekdays\": [\"mon\", \"thu\"], \"time\": \"08:00\"}}";

static json_t *parse_text(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    assert_non_null(j);
    return j;
}

static void line_types(void **state)
{
    (void)state;
    enum hm_line_type t = 0;
    assert_int_equal(hm_line_type_parse("PICC", &t), HM_OK);
    assert_int_equal(t, HM_LINE_PICC);
    assert_int_equal(hm_line_type_parse("cvc", &t), HM_OK);
    assert_int_equal(t, HM_LINE_CVC);
    assert_int_equal(hm_line_type_parse("Port", &t), HM_OK);
    assert_int_equal(t, HM_LINE_PORT);
    assert_int_equal(hm_line_type_parse("midline", &t), HM_EINVAL);
    assert_int_equal(hm_line_type_parse(NULL, &t), HM_EINVAL);
    assert_int_equal(t, HM_LINE_PORT);
    assert_string_equal(hm_line_type_name(HM_LINE_PICC), "PICC");
    assert_string_equal(hm_line_type_name(HM_LINE_CVC), "CVC");
    assert_string_equal(hm_line_type_name(HM_LINE_PORT), "port");
    assert_string_equal(hm_line_type_name((enum hm_line_type)9), "unknown");
}

static void parses_the_api_shape(void **state)
{
    (void)state;
    json_t *j = parse_text(good_json);
    hm_regimen r, want = good_regimen();
    hm_err e;
    assert_int_equal(hm_regimen_from_json(j, &r, &e), HM_OK);
    want.max_bag_hours = 0; /* the parse does not look up the drug */
    assert_memory_equal(&r, &want, sizeof r);
    json_decref(j);

    /* Optional parts absent or null. */
    j = parse_text(good_json);
    json_object_del(j, "labs");
    json_object_set_new(j, "vitals_times", json_null());
    assert_int_equal(hm_regimen_from_json(j, &r, &e), HM_OK);
    assert_int_equal(r.vitals_count, 0);
    assert_int_equal(r.labs_weekdays, 0);
    json_decref(j);
}

static void round_trips(void **state)
{
    (void)state;
    hm_regimen r = good_regimen(), back;
    r.max_bag_hours = 0;
    r.dose = 1.5;
    json_t *j = hm_regimen_to_json(&r);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "line_type")), "PICC");
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "bag_change_times"), 1)),
                        "20:00");
    assert_string_equal(json_string_value(json_object_get(j, "end_date")), "2026-12-13");
    json_t *labs = json_object_get(j, "labs");
    assert_string_equal(json_string_value(json_array_get(json_object_get(labs, "weekdays"), 1)),
                        "thu");
    hm_err e;
    assert_int_equal(hm_regimen_from_json(j, &back, &e), HM_OK);
    assert_memory_equal(&r, &back, sizeof r);
    json_decref(j);

    r.labs_weekdays = 0; /* unused clock times are not part of the shape: clear them too */
    r.labs_minutes = 0;
    r.vitals_count = 0;
    memset(r.vitals_minutes, 0, sizeof r.vitals_minutes);
    j = hm_regimen_to_json(&r);
    assert_true(json_is_null(json_object_get(j, "labs")));
    assert_int_equal(json_array_size(json_object_get(j, "vitals_times")), 0);
    assert_int_equal(hm_regimen_from_json(j, &back, &e), HM_OK);
    assert_memory_equal(&r, &back, sizeof r);
    json_decref(j);
}

struct parse_case {
    const char *field;
    const char *value; /* JSON text, or NULL to delete */
    const char *message;
};

static const struct parse_case parse_cases[] = {
    {"drug", NULL, "regimen.drug: missing"},
    {"drug", "\"\"", "regimen.drug: must not be empty"},
    {"drug", "\"a-drug-code-far-longer-than-thirty-one\"", "regimen.drug: longer than 31"},
    {"dose", "\"2 g\"", "regimen.dose: must be a number"},
    {"dose", "-1", "regimen.dose: must be between 0 and"},
    {"dose_unit", "\"milligrams-per-kilo\"", "regimen.dose_unit: longer than 15"},
    {"interval_hours", "8.5", "regimen.interval_hours: must be an integer"},
    {"interval_hours", "48", "regimen.interval_hours: must be between 1 and 24"},
    {"infusion_minutes", NULL, "regimen.infusion_minutes: missing"},
    {"bags_per_day", "3", "regimen.bags_per_day: must be between 1 and 2"},
    {"bag_change_times", "[\"08:00\"]", "regimen.bag_change_times: must have 2 entries"},
    {"bag_change_times", "[\"08:00\", \"25:00\"]", "regimen.bag_change_times: entry 1 must be a clock"},
    {"bag_change_times", "[\"08:00\", 20]", "regimen.bag_change_times: entry 1 must be a clock"},
    {"bag_change_times", "\"08:00\"", "regimen.bag_change_times: must be an array"},
    {"bag_change_times", "[\"08:00\", \"12:00\", \"20:00\"]", "regimen.bag_change_times: more than 2"},
    {"line_type", "\"midline\"", "regimen.line_type: 'midline' is not PICC, CVC or port"},
    {"line_inserted", "\"2026-02-30\"", "regimen.line_inserted: '2026-02-30' is not a date"},
    {"start_date", "\"23.11.2026\"", "regimen.start_date: '23.11.2026' is not a date"},
    {"end_date", NULL, "regimen.end_date: missing"},
    {"vitals_times", "[\"08:00\", \"09:00\", \"10:00\", \"11:00\", \"12:00\"]",
     "regimen.vitals_times: more than 4 entries"},
    {"vitals_times", "[\"8\"]", "regimen.vitals_times: entry 0 must be a clock time"},
    {"labs", "{\"weekdays\": [\"mon\", \"funday\"], \"time\": \"08:00\"}",
     "regimen.labs.weekdays: entry 1 must be a weekday"},
    {"labs", "{\"weekdays\": [], \"time\": \"08:00\"}",
     "regimen.labs.weekdays: must list at least one weekday"},
    {"labs", "{\"weekdays\": [\"mon\"], \"time\": \"noon\"}", "regimen.labs.time: 'noon' is not a clock"},
    {"labs", "{\"weekdays\": [\"mon\"]}", "regimen.labs.time: missing"},
    {"labs", "{\"weekdays\": [\"mon\"], \"time\": \"08:00\", \"fasting\": true}",
     "regimen.labs.fasting: unknown field"},
    {"labs", "[\"mon\"]", "regimen.labs: must be an object"},
    {"pump", "\"SN123\"", "regimen.pump: unknown field"},
};

static void parse_errors_name_the_field(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const struct parse_case *c = &parse_cases[i];
        json_t *j = parse_text(good_json);
        set_path(j, c->field, c->value);
        hm_regimen r;
        memset(&r, 0x5a, sizeof r);
        hm_regimen before = r;
        hm_err e;
        hm_err_clear(&e);
        int rc = hm_regimen_from_json(j, &r, &e);
        if (rc != HM_EINVAL || !strstr(e.msg, c->message)) {
            fprintf(stderr, "case %zu (%s): rc %d '%s', wanted '%s'\n", i, c->field, rc, e.msg,
                    c->message);
            fail();
        }
        assert_memory_equal(&r, &before, sizeof r); /* untouched on failure */
        json_decref(j);
    }
    hm_regimen r;
    hm_err e;
    json_t *arr = json_array();
    assert_int_equal(hm_regimen_from_json(arr, &r, &e), HM_EINVAL);
    assert_msg_contains(e, "regimen must be a JSON object");
    assert_int_equal(hm_regimen_from_json(NULL, &r, &e), HM_EINVAL);
    json_decref(arr);
}

/* ---- validation --------------------------------------------------------------------------- */

static void m_bags3(hm_regimen *r) { r->bags_per_day = 3; }
static void m_bags0(hm_regimen *r) { r->bags_per_day = 0; }
static void m_end_before(hm_regimen *r) { r->end = D(2026, 11, 22); }
static void m_interval5(hm_regimen *r) { r->interval_hours = 5; }
static void m_interval0(hm_regimen *r) { r->interval_hours = 0; }
static void m_infusion_long(hm_regimen *r) { r->infusion_minutes = 600; }
static void m_infusion0(hm_regimen *r) { r->infusion_minutes = 0; }
static void m_one_bag(hm_regimen *r) { r->bags_per_day = 1; }
static void m_uneven(hm_regimen *r) { r->bag_change_minutes[1] = 14 * 60; }
static void m_unstable(hm_regimen *r) { r->max_bag_hours = 8; }
static void m_no_max(hm_regimen *r) { r->max_bag_hours = 0; }
static void m_dup_bags(hm_regimen *r) { r->bag_change_minutes[1] = 8 * 60; }
static void m_bad_bag_time(hm_regimen *r) { r->bag_change_minutes[0] = 1440; }
static void m_dup_vitals(hm_regimen *r) { r->vitals_minutes[1] = 9 * 60; }
static void m_bad_vitals(hm_regimen *r) { r->vitals_minutes[0] = -5; }
static void m_vitals5(hm_regimen *r) { r->vitals_count = 5; }
static void m_line_late(hm_regimen *r) { r->line_inserted = D(2026, 11, 24); }
static void m_too_long(hm_regimen *r) { r->end = D(2027, 2, 21); } /* 91 days */
static void m_dose0(hm_regimen *r) { r->dose = 0; }
static void m_no_drug(hm_regimen *r) { r->drug_code[0] = '\0'; }
static void m_no_unit(hm_regimen *r) { r->dose_unit[0] = '\0'; }
static void m_unterminated(hm_regimen *r) { memset(r->drug_code, 'x', sizeof r->drug_code); }
static void m_line_type(hm_regimen *r) { r->line_type = (enum hm_line_type)9; }
static void m_bad_start(hm_regimen *r) { r->start = D(2026, 2, 30); }
static void m_bad_end(hm_regimen *r) { r->end = D(2026, 13, 1); }
static void m_bad_line_date(hm_regimen *r) { r->line_inserted = D(0, 0, 0); }
static void m_labs_mask(hm_regimen *r) { r->labs_weekdays = 128; }
static void m_labs_time(hm_regimen *r) { r->labs_minutes = 2000; }

static const struct {
    void (*mutate)(hm_regimen *r);
    const char *message;
} validate_cases[] = {
    {m_bags3, "unknown bags_per_day 3: must be 1 or 2"},
    {m_bags0, "unknown bags_per_day 0"},
    {m_end_before, "end date 2026-11-22 is before start date 2026-11-23"},
    {m_interval5, "interval of 5 h does not divide 24 h"},
    {m_interval0, "interval of 0 h does not divide 24 h"},
    {m_infusion_long, "infusion of 600 min is longer than the interval of 8 h"},
    {m_infusion0, "infusion duration must be at least 1 min"},
    {m_one_bag, "cefazolin bags may be used for at most 12 h after preparation; use 2 bags per day"},
    {m_uneven, "bag changes at 08:00 and 14:00 leave a bag hanging 18 h 00 min"},
    {m_unstable, "cefazolin bags may be used for at most 8 h after preparation; that needs more "
                 "than 2 bags per day"},
    {m_no_max, "max_bag_hours of drug 'cefazolin' not set"},
    {m_dup_bags, "bag change time 08:00 given twice"},
    {m_bad_bag_time, "bag change time 1 is not a clock time"},
    {m_dup_vitals, "vital signs time 09:00 given twice"},
    {m_bad_vitals, "vital signs time 1 is not a clock time"},
    {m_vitals5, "vitals_count 5 must be 0 to 4"},
    {m_line_late, "line inserted 2026-11-24, after the start date 2026-11-23"},
    {m_too_long, "episode of 91 days is longer than the 90 days pathway iv-antibiotics allows"},
    {m_dose0, "dose must be positive"},
    {m_no_drug, "drug code missing"},
    {m_no_unit, "dose unit missing"},
    {m_unterminated, "drug code missing"},
    {m_line_type, "unknown line type 9"},
    {m_bad_start, "start date is not a valid date"},
    {m_bad_end, "end date is not a valid date"},
    {m_bad_line_date, "line insertion date is not a valid date"},
    {m_labs_mask, "labs_weekdays 128 is not a weekday bitmask"},
    {m_labs_time, "lab time is not a clock time"},
};

static void validation_rules(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_regimen r = good_regimen();
    hm_err e;
    assert_int_equal(hm_pathway_validate_regimen(p, &r, &e), HM_OK);
    for (size_t i = 0; i < sizeof validate_cases / sizeof validate_cases[0]; i++) {
        r = good_regimen();
        validate_cases[i].mutate(&r);
        hm_err_clear(&e);
        int rc = hm_pathway_validate_regimen(p, &r, &e);
        if (rc != HM_EINVAL || !strstr(e.msg, validate_cases[i].message)) {
            fprintf(stderr, "case %zu: rc %d '%s', wanted '%s'\n", i, rc, e.msg,
                    validate_cases[i].message);
            fail();
        }
    }
    assert_int_equal(hm_pathway_validate_regimen(p, NULL, &e), HM_EINVAL);
    hm_pathway_free(p);
}

static void valid_variants(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_err e;
    hm_regimen r = good_regimen();
    /* A 24 h-stable drug with one bag a day, continuous infusion, line inserted on the start
     * day, exactly the longest episode, no vitals or labs. */
    snprintf(r.drug_code, sizeof r.drug_code, "ceftriaxone");
    r.max_bag_hours = 24;
    r.bags_per_day = 1;
    r.interval_hours = 24;
    r.infusion_minutes = 24 * 60;
    r.line_inserted = r.start;
    r.end = hm_date_add_days(r.start, 89);
    r.vitals_count = 0;
    r.labs_weekdays = 0;
    assert_int_equal(hm_pathway_validate_regimen(p, &r, &e), HM_OK);
    /* Two bags 11 h apart leave 13 h for the other: fine for a 24 h drug, not for a 12 h one. */
    r = good_regimen();
    r.bag_change_minutes[0] = 7 * 60;
    r.bag_change_minutes[1] = 18 * 60;
    assert_int_equal(hm_pathway_validate_regimen(p, &r, &e), HM_EINVAL);
    assert_msg_contains(e, "leave a bag hanging 13 h 00 min");
    r.max_bag_hours = 13;
    assert_int_equal(hm_pathway_validate_regimen(p, &r, &e), HM_OK);
    /* No pathway: no episode-length limit, every other rule still applies. */
    r.end = D(2027, 6, 1);
    assert_int_equal(hm_pathway_validate_regimen(NULL, &r, &e), HM_OK);
    hm_pathway_free(p);
}

static void drug_check_uses_the_catalogue(void **state)
{
    (void)state;
    hm_drug_catalogue *c = NULL;
    hm_err e;
    assert_int_equal(hm_drug_catalogue_load_file(DRUGS_FILE, &c, &e), HM_OK);
    hm_regimen r = good_regimen();
    const hm_drug *d = hm_drug_catalogue_find(c, r.drug_code);
    assert_int_equal(hm_regimen_check_drug(&r, d, &e), HM_OK);
    r.bags_per_day = 1;
    assert_int_equal(hm_regimen_check_drug(&r, d, &e), HM_EINVAL);
    assert_string_equal(e.msg, "Cefazolin bags may be used for at most 12 h after preparation; "
                               "use 2 bags per day");
    assert_int_equal(hm_regimen_check_drug(&r, hm_drug_catalogue_find(c, "ceftriaxone"), &e),
                     HM_EINVAL);
    assert_msg_contains(e, "is not catalogue drug 'ceftriaxone'");
    assert_int_equal(hm_regimen_check_drug(&r, NULL, &e), HM_EINVAL);
    hm_drug_catalogue_free(c);
}

/* Random values in every member of a regimen, as a careless caller might build one: the checks
 * must answer without undefined behaviour (run under UBSan), and whatever passes must generate. */
static void survives_random_structs(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    static const int edge[] = {0, 1, -1, 2, 7, 8, 12, 24, 59, 60, 1439, 1440, 2147483647,
                               -2147483647 - 1};
    unsigned seed = 99;
    int passed = 0;
    for (int i = 0; i < 20000; i++) {
        hm_regimen r = good_regimen();
        int *fields[] = {&r.max_bag_hours, &r.interval_hours, &r.infusion_minutes,
                         &r.bags_per_day, &r.bag_change_minutes[0], &r.bag_change_minutes[1],
                         (int *)&r.line_type, &r.vitals_count, &r.vitals_minutes[0],
                         &r.labs_weekdays, &r.labs_minutes, &r.end.d, &r.start.m,
                         &r.line_inserted.y};
        int nf = (int)(sizeof fields / sizeof fields[0]);
        for (int k = 0; k < 1 + i % 3; k++)
            *fields[rand_r(&seed) % nf] = edge[rand_r(&seed) % (sizeof edge / sizeof edge[0])];
        if (i % 7 == 0)
            r.dose = (i % 2) ? -0.0 : 1e308 * 10; /* -0 and inf */
        hm_err e;
        if (hm_pathway_validate_regimen(p, &r, &e) != HM_OK) {
            assert_true(e.msg[0] != '\0');
            continue;
        }
        hm_gen_task *t = NULL;
        size_t n = 0;
        assert_int_equal(hm_pathway_generate(p, &r, NULL, r.start, r.end, &t, &n, &e), HM_OK);
        free(t);
        passed++;
    }
    assert_true(passed > 100);
    hm_pathway_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(line_types),
        cmocka_unit_test(parses_the_api_shape),
        cmocka_unit_test(round_trips),
        cmocka_unit_test(parse_errors_name_the_field),
        cmocka_unit_test(validation_rules),
        cmocka_unit_test(valid_variants),
        cmocka_unit_test(drug_check_uses_the_catalogue),
        cmocka_unit_test(survives_random_structs),
    };
    return cmocka_run_group_tests_name("pathway/regimen", tests, oslo_setup, NULL);
}
