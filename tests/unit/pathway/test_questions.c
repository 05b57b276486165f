/* Unit tests of the patient's questionnaire in pathway templates: the shipped questions, every
 * validation error of the "questions" section (each naming its JSON path), which questions are
 * due on which treatment day, and answer checks with the alarm rules they meet. */
#include "pathway_test.h"

/* The shipped IV-antibiotics questions, in template order. */
enum { Q_CHILLS, Q_TEMP, Q_PAIN, Q_LOOK, Q_DIARRHOEA, Q_RASH, Q_PUMP, Q_WELL, Q_CONFIDENCE,
       Q_SLEEP, Q_COMMENT, Q_COUNT };

static void shipped_questions_load(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    assert_int_equal(hm_pathway_question_count(p), Q_COUNT);
    assert_true(hm_pathway_question_exists(p, "chills"));
    assert_true(hm_pathway_question_exists(p, "site_look"));
    assert_false(hm_pathway_question_exists(p, "nope"));
    assert_false(hm_pathway_question_exists(p, NULL));
    hm_pathway_free(p);
    /* A template without questions is fine: the section is optional. */
    p = load_template(SHARED_TEMPLATE);
    assert_int_equal(hm_pathway_question_count(p), 0);
    hm_pathway_free(p);
}

struct bad_case {
    const char *path;
    const char *value; /* JSON text, or NULL to delete the member */
    const char *message;
};

static const struct bad_case bad_cases[] = {
    {"questions", "{}", "questions: must be an array"},
    {"questions[0]", "3", "questions[0]: must be an object"},
    {"questions[0].id", NULL, "questions[0].id: missing"},
    {"questions[0].id", "\"Chills\"", "questions[0].id: 'Chills' must use only a-z"},
    {"questions[1].id", "\"chills\"", "questions[1].id: duplicate question 'chills'"},
    {"questions[0].text", "\"x\"", "questions[0].text: must be an object"},
    {"questions[0].text.en", NULL, "questions[0].text.en: missing"},
    {"questions[0].text.de", "\"x\"", "questions[0].text.de: unknown field"},
    {"questions[0].type", "\"boolean\"", "questions[0].type: unknown answer type 'boolean'"},
    {"questions[0].type", NULL, "questions[0].type: missing"},
    {"questions[0].colour", "\"red\"", "questions[0].colour: unknown field"},
    {"questions[0].min", "0", "questions[0].min: unknown field"},
    {"questions[0].required", "\"yes\"", "questions[0].required: must be true or false"},
    {"questions[0].cadence", NULL, "questions[0].cadence: missing"},
    {"questions[0].cadence.type", "\"hourly\"", "questions[0].cadence.type: unknown cadence 'hourly'"},
    {"questions[0].cadence.n", "2", "questions[0].cadence.n: unknown field"},
    {"questions[0].cadence", "{\"type\": \"every_n_days\"}", "questions[0].cadence.n: missing"},
    {"questions[0].cadence", "{\"type\": \"every_n_days\", \"n\": 0}",
     "questions[0].cadence.n: must be between 1 and 56"},
    {"questions[0].cadence", "{\"type\": \"weekdays\", \"weekdays\": [\"mon\", \"moon\"]}",
     "questions[0].cadence.weekdays: entry 1 must be a weekday"},
    {"questions[0].cadence", "{\"type\": \"weekdays\", \"weekdays\": []}",
     "questions[0].cadence.weekdays: must list at least one weekday"},
    {"questions[0].cadence", "{\"type\": \"days\", \"days\": [1, 0]}",
     "questions[0].cadence.days: entry 1 must be a treatment day from 1 to 366"},
    {"questions[0].cadence", "{\"type\": \"days\", \"days\": [2, 2]}",
     "questions[0].cadence.days: day 2 given twice"},
    {"questions[0].cadence", "{\"type\": \"days\", \"days\": []}",
     "questions[0].cadence.days: must list at least one day"},
    {"questions[0].alarms", "{}", "questions[0].alarms: must be an array"},
    {"questions[0].alarms[0]", "\"high\"", "questions[0].alarms[0]: must be an object"},
    {"questions[0].alarms[0].priority", "\"urgent\"",
     "questions[0].alarms[0].priority: must be high, medium or low, not 'urgent'"},
    {"questions[0].alarms[0].priority", NULL, "questions[0].alarms[0].priority: missing"},
    {"questions[0].alarms[0].equals", "\"yes\"", "questions[0].alarms[0].equals: a yes_no"},
    {"questions[0].alarms[0].when", "1", "questions[0].alarms[0].when: unknown field"},
    {"questions[0].alarms[0].at_or_above", "1", "questions[0].alarms[0]: needs exactly one"},
    {"questions[0].alarms[0]", "{\"priority\": \"high\"}", "questions[0].alarms[0]: needs exactly"},
    {"questions[1].max", "30", "questions[1].max: must be above min"},
    {"questions[1].min", NULL, "questions[1].min: missing"},
    {"questions[1].unit", "\"degrees celsius!!\"", "questions[1].unit: longer than 16 bytes"},
    {"questions[1].alarms[0].at_or_above", "50", "questions[1].alarms[0].at_or_above: must be between 34 and 43"},
    {"questions[1].alarms[0]", "{\"equals\": true, \"priority\": \"low\"}",
     "questions[1].alarms[0]: a scale or number question's rule"},
    {"questions[2].max", "0", "questions[2].max: must be above min"},
    {"questions[2].max", "101", "questions[2].max: must be between -100 and 100"},
    {"questions[2].max", "30", "questions[2].max: a scale has at most 21 steps"},
    {"questions[2].min", "0.5", "questions[2].min: must be an integer"},
    {"questions[2].labels.mid", "{\"nb\": \"x\", \"en\": \"x\"}", "questions[2].labels.mid: unknown field"},
    {"questions[2].labels.max", NULL, "questions[2].labels.max: missing"},
    {"questions[2].unit", "\"mm\"", "questions[2].unit: unknown field"},
    {"questions[3].options", "[]", "questions[3].options: must list at least two options"},
    {"questions[3].options", NULL, "questions[3].options: missing"},
    {"questions[3].options[1].id", "\"normal\"", "questions[3].options[1].id: duplicate option 'normal'"},
    {"questions[3].options[1].en", NULL, "questions[3].options[1].en: missing"},
    {"questions[3].options[1].fr", "\"x\"", "questions[3].options[1].fr: unknown field"},
    {"questions[3].options[0]", "\"normal\"", "questions[3].options[0]: must be an object"},
    {"questions[3].alarms[0].any_of", "[\"purple\"]",
     "questions[3].alarms[0].any_of: entry 0 is not one of the options"},
    {"questions[3].alarms[0].any_of", "[]", "questions[3].alarms[0].any_of: must list at least one"},
    {"questions[3].alarms[0]", "{\"at_or_above\": 1, \"priority\": \"low\"}",
     "questions[3].alarms[0]: a choice question's rule"},
    {"questions[10].max_length", "0", "questions[10].max_length: must be between 1 and 4000"},
    {"questions[10].alarms", "[]", "questions[10].alarms: unknown field"},
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

static void too_many_questions(void **state)
{
    (void)state;
    json_t *j = load_json_file(IV_TEMPLATE);
    json_t *qs = json_object_get(j, "questions");
    while (json_array_size(qs) <= 32)
        json_array_append_new(qs, json_deep_copy(json_array_get(qs, 0)));
    hm_pathway *p = NULL;
    hm_err e;
    assert_int_equal(hm_pathway_load_json(j, &p, &e), HM_EINVAL);
    assert_msg_contains(e, "questions: more than 32");
    json_decref(j);
}

static int due(const hm_pathway *p, const char *id, hm_date date)
{
    /* Treatment from Monday 2026-11-23 (day 1) to 2026-12-13 (day 21). */
    return hm_pathway_question_due(p, id, D(2026, 11, 23), D(2026, 12, 13), date);
}

static void cadences(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    /* daily, inside the treatment only */
    assert_true(due(p, "chills", D(2026, 11, 23)));
    assert_true(due(p, "chills", D(2026, 12, 13)));
    assert_false(due(p, "chills", D(2026, 11, 22)));
    assert_false(due(p, "chills", D(2026, 12, 14)));
    /* days [1, 2, 3] */
    assert_true(due(p, "pump_confidence", D(2026, 11, 23)));
    assert_true(due(p, "pump_confidence", D(2026, 11, 25)));
    assert_false(due(p, "pump_confidence", D(2026, 11, 26)));
    /* every 7 days from day 7 */
    assert_false(due(p, "sleep", D(2026, 11, 28)));
    assert_true(due(p, "sleep", D(2026, 11, 29)));
    assert_false(due(p, "sleep", D(2026, 11, 30)));
    assert_true(due(p, "sleep", D(2026, 12, 6)));
    assert_true(due(p, "sleep", D(2026, 12, 13)));
    assert_false(due(p, "nope", D(2026, 11, 23)));
    hm_pathway_free(p);

    /* weekdays, set through a copy of the template */
    json_t *j = load_json_file(IV_TEMPLATE);
    set_path(j, "questions[0].cadence", "{\"type\": \"weekdays\", \"weekdays\": [\"mon\", \"thu\"]}");
    hm_err e;
    assert_int_equal(hm_pathway_load_json(j, &p, &e), HM_OK);
    assert_true(due(p, "chills", D(2026, 11, 23)));  /* Monday */
    assert_false(due(p, "chills", D(2026, 11, 24))); /* Tuesday */
    assert_true(due(p, "chills", D(2026, 11, 26)));  /* Thursday */
    hm_pathway_free(p);
    json_decref(j);
}

/* A day asks for answers when a required question is due: the required questions on Mondays and
 * Thursdays and an optional one daily leave Tuesdays without a questionnaire to miss. */
static void required_questions_due(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_date from = D(2026, 11, 23), to = D(2026, 12, 13);
    assert_true(hm_pathway_required_questions_due(p, from, to, D(2026, 11, 24)));
    assert_false(hm_pathway_required_questions_due(p, from, to, D(2026, 12, 14)));
    hm_pathway_free(p);

    json_t *j = load_json_file(IV_TEMPLATE);
    json_t *qs = json_object_get(j, "questions");
    size_t i;
    json_t *q;
    int required = 0;
    json_array_foreach(qs, i, q)
    {
        int req = json_is_true(json_object_get(q, "required"));
        required += req;
        json_object_set_new(q, "cadence",
                            req ? json_pack("{s:s, s:[s, s]}", "type", "weekdays", "weekdays",
                                            "mon", "thu")
                                : json_pack("{s:s}", "type", "daily"));
    }
    assert_true(required > 0 && (size_t)required < json_array_size(qs));
    hm_err e;
    assert_int_equal(hm_pathway_load_json(j, &p, &e), HM_OK);
    assert_true(hm_pathway_required_questions_due(p, from, to, D(2026, 11, 23)));  /* Monday */
    assert_false(hm_pathway_required_questions_due(p, from, to, D(2026, 11, 24))); /* Tuesday */
    assert_true(hm_pathway_required_questions_due(p, from, to, D(2026, 11, 26)));  /* Thursday */
    hm_pathway_free(p);
    json_decref(j);
}

static void questions_due_as_json(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    json_t *qs = NULL;
    hm_err e;
    assert_int_equal(hm_pathway_questions_due(p, D(2026, 11, 23), D(2026, 12, 13),
                                              D(2026, 11, 23), &qs, &e),
                     HM_OK);
    assert_int_equal(json_array_size(qs), Q_COUNT - 1); /* no sleep question on day 1 */
    json_t *q = json_array_get(qs, Q_PAIN);
    assert_string_equal(json_string_value(json_object_get(q, "id")), "site_pain");
    assert_string_equal(json_string_value(json_object_get(q, "type")), "scale");
    assert_true(json_is_true(json_object_get(q, "required")));
    assert_int_equal(json_integer_value(json_object_get(q, "max")), 10);
    assert_non_null(json_object_get(json_object_get(q, "labels"), "min"));
    assert_null(json_object_get(q, "alarms"));
    assert_null(json_object_get(q, "cadence"));
    json_t *c = json_array_get(qs, Q_COUNT - 2);
    assert_string_equal(json_string_value(json_object_get(c, "id")), "comment");
    assert_int_equal(json_integer_value(json_object_get(c, "max_length")), 500);
    assert_true(json_is_false(json_object_get(c, "required")));
    json_decref(qs);
    /* after the end: nothing due */
    assert_int_equal(hm_pathway_questions_due(p, D(2026, 11, 23), D(2026, 12, 13),
                                              D(2026, 12, 14), &qs, &e),
                     HM_OK);
    assert_int_equal(json_array_size(qs), 0);
    json_decref(qs);
    hm_pathway_free(p);
}

/* Checks one answer given as JSON text; returns rc, fills *a. */
static int answer(const hm_pathway *p, const char *id, const char *value, hm_answer_alarm *a,
                  hm_err *e)
{
    json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);
    assert_non_null(v);
    int rc = hm_pathway_check_answer(p, id, v, a, e);
    json_decref(v);
    return rc;
}

static void answer_types_and_ranges(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_answer_alarm a;
    hm_err e;
    struct {
        const char *id, *value, *message; /* message NULL: accepted */
    } cases[] = {
        {"chills", "false", NULL},
        {"chills", "\"no\"", "answer to 'chills' must be true or false"},
        {"chills", "0", "must be true or false"},
        {"temperature", "37.2", NULL},
        {"temperature", "34", NULL},
        {"temperature", "43", NULL},
        {"temperature", "43.1", "answer to 'temperature' must be between 34 and 43 °C"},
        {"temperature", "\"37\"", "answer to 'temperature' must be a number"},
        {"site_pain", "0", NULL},
        {"site_pain", "10", NULL},
        {"site_pain", "10.0", NULL},
        {"site_pain", "11", "answer to 'site_pain' must be an integer from 0 to 10"},
        {"site_pain", "-1", "must be an integer from 0 to 10"},
        {"site_pain", "2.5", "must be an integer from 0 to 10"},
        {"site_pain", "true", "must be an integer"},
        {"site_look", "\"normal\"", NULL},
        {"site_look", "\"purple\"", "answer to 'site_look' must be one of its options"},
        {"site_look", "[\"normal\"]", "must be one of its options"},
        {"comment", "\"all good\"", NULL},
        {"comment", "\"\"", "answer to 'comment' must be a non-empty text"},
        {"comment", "42", "must be a non-empty text"},
        {"comment", "null", "must be a non-empty text"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hm_err_clear(&e);
        int rc = answer(p, cases[i].id, cases[i].value, &a, &e);
        int want = cases[i].message ? HM_EINVAL : HM_OK;
        if (rc != want || (cases[i].message && !strstr(e.msg, cases[i].message))) {
            fprintf(stderr, "case %zu (%s = %s): rc %d '%s'\n", i, cases[i].id, cases[i].value,
                    rc, e.msg);
            fail();
        }
    }
    char longtext[600];
    memset(longtext, 'a', sizeof longtext);
    longtext[0] = '"';
    snprintf(longtext + 502, sizeof longtext - 502, "\"");
    assert_int_equal(answer(p, "comment", longtext, &a, &e), HM_EINVAL);
    assert_msg_contains(e, "answer to 'comment' is longer than 500 bytes");
    assert_int_equal(answer(p, "nope", "true", &a, &e), HM_ENOTFOUND);
    assert_msg_contains(e, "unknown question 'nope'");
    hm_pathway_free(p);
}

static void alarm_rules(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_answer_alarm a;
    hm_err e;
    assert_int_equal(answer(p, "chills", "true", &a, &e), HM_OK);
    assert_string_equal(a.priority, "high");
    assert_non_null(strstr(a.text, "questionnaire 'chills': yes"));
    assert_int_equal(answer(p, "chills", "false", &a, &e), HM_OK);
    assert_null(a.priority);
    /* the highest priority of the rules met wins, whatever their order */
    assert_int_equal(answer(p, "site_pain", "3", &a, &e), HM_OK);
    assert_null(a.priority);
    assert_int_equal(answer(p, "site_pain", "4", &a, &e), HM_OK);
    assert_string_equal(a.priority, "low");
    assert_int_equal(answer(p, "site_pain", "7", &a, &e), HM_OK);
    assert_string_equal(a.priority, "medium");
    assert_non_null(strstr(a.text, "7 (alarm rule: at or above 7)"));
    assert_int_equal(answer(p, "temperature", "38.4", &a, &e), HM_OK);
    assert_null(a.priority);
    assert_int_equal(answer(p, "temperature", "38.5", &a, &e), HM_OK);
    assert_string_equal(a.priority, "high");
    assert_non_null(strstr(a.text, "38.5 °C"));
    assert_int_equal(answer(p, "temperature", "35.5", &a, &e), HM_OK);
    assert_string_equal(a.priority, "medium");
    assert_int_equal(answer(p, "site_look", "\"swollen\"", &a, &e), HM_OK);
    assert_string_equal(a.priority, "medium");
    assert_int_equal(answer(p, "site_look", "\"dressing_loose\"", &a, &e), HM_OK);
    assert_string_equal(a.priority, "low");
    assert_int_equal(answer(p, "site_look", "\"normal\"", &a, &e), HM_OK);
    assert_null(a.priority);
    assert_int_equal(answer(p, "wellbeing", "1", &a, &e), HM_OK);
    assert_string_equal(a.priority, "medium");
    assert_int_equal(answer(p, "pump_confidence", "false", &a, &e), HM_OK);
    assert_string_equal(a.priority, "low");
    assert_int_equal(answer(p, "comment", "\"fine\"", &a, &e), HM_OK);
    assert_null(a.priority);
    /* no alarm output wanted */
    json_t *v = json_true();
    assert_int_equal(hm_pathway_check_answer(p, "chills", v, NULL, &e), HM_OK);
    json_decref(v);
    hm_pathway_free(p);
}

static int answers(const hm_pathway *p, hm_date date, const char *set, const char *already,
                   hm_err *e)
{
    json_t *a = json_loads(set, JSON_DECODE_ANY, NULL);
    json_t *b = already ? json_loads(already, 0, NULL) : NULL;
    assert_non_null(a);
    int rc = hm_pathway_check_answers(p, D(2026, 11, 23), D(2026, 12, 13), date, a, b, e);
    json_decref(a);
    json_decref(b);
    return rc;
}

#define DAY4_REQUIRED                                                                              \
    "\"chills\": false, \"site_pain\": 1, \"site_look\": \"normal\", \"diarrhoea\": false,"       \
    " \"rash\": false, \"pump_trouble\": false, \"wellbeing\": 4"

static void answer_sets(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_err e;
    hm_date day4 = D(2026, 11, 26), day1 = D(2026, 11, 23);
    assert_int_equal(answers(p, day4, "{" DAY4_REQUIRED "}", NULL, &e), HM_OK);
    assert_int_equal(answers(p, day4, "{" DAY4_REQUIRED ", \"comment\": \"ok\"}", NULL, &e), HM_OK);
    /* day 1 also requires pump_confidence */
    assert_int_equal(answers(p, day1, "{" DAY4_REQUIRED "}", NULL, &e), HM_EINVAL);
    assert_msg_contains(e, "question 'pump_confidence' is required");
    /* a required question answered earlier that day need not be repeated */
    assert_int_equal(answers(p, day4, "{\"comment\": \"later\"}",
                             "[\"chills\", \"site_pain\", \"site_look\", \"diarrhoea\", \"rash\","
                             " \"pump_trouble\", \"wellbeing\"]",
                             &e),
                     HM_OK);
    assert_int_equal(answers(p, day4, "{\"comment\": \"later\"}", "[\"chills\"]", &e), HM_EINVAL);
    assert_msg_contains(e, "question 'site_pain' is required");
    assert_int_equal(answers(p, day4, "{" DAY4_REQUIRED ", \"pump_confidence\": true}", NULL, &e),
                     HM_EINVAL);
    assert_msg_contains(e, "question 'pump_confidence' is not due on 2026-11-26");
    assert_int_equal(answers(p, day4, "{" DAY4_REQUIRED ", \"mood\": 3}", NULL, &e), HM_EINVAL);
    assert_msg_contains(e, "unknown question 'mood'");
    assert_int_equal(answers(p, day4, "{" DAY4_REQUIRED ", \"wellbeing\": 9}", NULL, &e),
                     HM_EINVAL);
    assert_int_equal(answers(p, day4, "{}", NULL, &e), HM_EINVAL);
    assert_msg_contains(e, "must answer at least one question");
    assert_int_equal(answers(p, day4, "[]", NULL, &e), HM_EINVAL);
    assert_msg_contains(e, "field 'answers' must be an object");
    assert_int_equal(answers(p, D(2026, 12, 14), "{\"chills\": false}", NULL, &e), HM_EINVAL);
    assert_msg_contains(e, "question 'chills' is not due on 2026-12-14");
    hm_pathway_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_questions_load),
        cmocka_unit_test(every_validation_error_names_its_path),
        cmocka_unit_test(too_many_questions),
        cmocka_unit_test(cadences),
        cmocka_unit_test(required_questions_due),
        cmocka_unit_test(questions_due_as_json),
        cmocka_unit_test(answer_types_and_ranges),
        cmocka_unit_test(alarm_rules),
        cmocka_unit_test(answer_sets),
    };
    return cmocka_run_group_tests(tests, oslo_setup, NULL);
}
