/* Unit tests of task generation: a whole three-week episode from the iv-antibiotics template
 * (counts per kind, windows, order), the DST changes of 2026, windows that cross midnight, the
 * division of labour (hospital weekdays, hospital-only kinds) and shortages. */
#include "pathway_test.h"

static hm_gen_task *gen(const hm_pathway *p, const hm_regimen *r, const hm_episode_ctx *ctx,
                        hm_date from, hm_date to, size_t *n)
{
    hm_gen_task *t = NULL;
    hm_err e;
    int rc = hm_pathway_generate(p, r, ctx, from, to, &t, n, &e);
    if (rc != HM_OK)
        fprintf(stderr, "generate: %s\n", e.msg);
    assert_int_equal(rc, HM_OK);
    return t;
}

static size_t count_kind(const hm_gen_task *t, size_t n, const char *kind)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += strcmp(t[i].kind, kind) == 0;
    return c;
}

static int local_minutes(int64_t ms, hm_date *d)
{
    int m = -1;
    hm_date tmp;
    hm_utc_to_local(ms, d ? d : &tmp, &m);
    return m;
}

static int same_date(hm_date a, hm_date b)
{
    return hm_date_cmp(a, b) == 0;
}

static void full_episode_counts(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_regimen r = good_regimen(); /* Mon 2026-11-23 .. Sun 2026-12-13: 21 days */
    hm_episode_ctx ctx = {.home_care_org = 10, .hospital_org = 20, .backup_org = 30,
                          .hospital_weekdays = -1};
    size_t n = 0;
    hm_gen_task *t = gen(p, &r, &ctx, D(2026, 1, 1), D(2027, 12, 31), &n);
    assert_int_equal(count_kind(t, n, "bag_compounding"), 21); /* 1 a day */
    assert_int_equal(count_kind(t, n, "bag_change"), 42);      /* 2 a day with 2 bags */
    assert_int_equal(count_kind(t, n, "site_inspection"), 21); /* daily */
    /* Weekly from the line's insertion on Fri 2026-11-20: 11-27, 12-04, 12-11. */
    assert_int_equal(count_kind(t, n, "line_care"), 3);
    /* Twice weekly: 3, 7, 10, 14, 17 days after the start (the set is new at discharge). */
    assert_int_equal(count_kind(t, n, "set_change"), 5);
    assert_int_equal(count_kind(t, n, "vital_signs"), 42); /* 09:00 and 21:00 */
    assert_int_equal(count_kind(t, n, "blood_sample"), 6); /* Mondays and Thursdays */
    assert_int_equal(n, 21 + 42 + 21 + 3 + 5 + 42 + 6);

    for (size_t i = 0; i < n; i++) {
        if (i)
            assert_true(t[i - 1].window_start_ms <= t[i].window_start_ms);
        assert_true(t[i].window_start_ms <= t[i].due_ms);
        assert_true(t[i].due_ms <= t[i].window_end_ms);
        assert_int_equal(t[i].org_id, 10);
        assert_string_equal(t[i].location, "patient");
        assert_true(hm_date_cmp(t[i].date, r.start) >= 0 && hm_date_cmp(t[i].date, r.end) <= 0);
        if (strcmp(t[i].kind, "line_care") == 0) {
            hm_date d = t[i].date;
            assert_int_equal(hm_date_diff_days(r.line_inserted, d) % 7, 0);
            assert_int_equal(local_minutes(t[i].window_start_ms, NULL), 8 * 60);
            assert_int_equal(local_minutes(t[i].window_end_ms, NULL), 15 * 60);
            assert_string_equal(t[i].competence, "central_line_care");
            assert_int_equal(t[i].priority, 2);
        }
        if (strcmp(t[i].kind, "blood_sample") == 0) {
            int wd = hm_date_weekday(t[i].date);
            assert_true(wd == 1 || wd == 4);
            assert_int_equal(local_minutes(t[i].window_start_ms, NULL), 8 * 60);
            assert_int_equal(local_minutes(t[i].window_end_ms, NULL), 10 * 60);
            assert_string_equal(t[i].competence, "");
        }
    }
    free(t);
    hm_pathway_free(p);
}

static void first_day_in_detail(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_regimen r = good_regimen();
    size_t n = 0;
    hm_gen_task *t = gen(p, &r, NULL, D(2026, 11, 23), D(2026, 11, 23), &n);
    /* compounding, 2 bags, site, 2 vitals, labs (Monday) */
    assert_int_equal(n, 7);
    const char *order[] = {"bag_compounding", "bag_change",  "site_inspection", "blood_sample",
                           "vital_signs",     "bag_change",  "vital_signs"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(t[i].kind, order[i]);
        assert_int_equal(t[i].org_id, 0); /* no context */
        assert_true(same_date(t[i].date, D(2026, 11, 23)));
    }
    /* Compounding: done by the first bag change, in the 75 minutes before it. */
    assert_int_equal(local_minutes(t[0].window_start_ms, NULL), 6 * 60 + 45);
    assert_int_equal(local_minutes(t[0].due_ms, NULL), 8 * 60);
    assert_int_equal(local_minutes(t[0].window_end_ms, NULL), 8 * 60);
    assert_string_equal(t[0].competence, "aseptic_compounding");
    assert_int_equal(t[0].priority, 1);
    assert_int_equal(t[0].duration_min, 20);
    /* Bags: 08:00 is bag 1, 20:00 bag 2, +-30 min. */
    assert_int_equal(t[1].seq, 1);
    assert_int_equal(local_minutes(t[1].due_ms, NULL), 8 * 60);
    assert_int_equal(local_minutes(t[1].window_start_ms, NULL), 7 * 60 + 30);
    assert_int_equal(local_minutes(t[1].window_end_ms, NULL), 8 * 60 + 30);
    assert_string_equal(t[1].competence, "infusion_pump");
    assert_int_equal(t[1].priority, 1);
    assert_int_equal(t[5].seq, 2);
    assert_int_equal(local_minutes(t[5].due_ms, NULL), 20 * 60);
    assert_int_equal(t[4].seq, 1);
    assert_int_equal(t[6].seq, 2);
    assert_int_equal(local_minutes(t[6].due_ms, NULL), 21 * 60);
    assert_int_equal(t[0].seq, 1);
    free(t);
    hm_pathway_free(p);
}

static void range_is_clamped_to_the_episode(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_regimen r = good_regimen();
    size_t n = 99;
    hm_gen_task *t = gen(p, &r, NULL, D(2026, 11, 1), D(2026, 11, 22), &n);
    assert_int_equal(n, 0);
    assert_null(t);
    t = gen(p, &r, NULL, D(2026, 12, 14), D(2026, 12, 31), &n);
    assert_int_equal(n, 0);
    t = gen(p, &r, NULL, D(2026, 12, 1), D(2026, 11, 30), &n); /* from after to */
    assert_int_equal(n, 0);
    t = gen(p, &r, NULL, D(2026, 12, 13), D(2027, 1, 31), &n); /* the last day only */
    assert_int_equal(count_kind(t, n, "bag_change"), 2);
    for (size_t i = 0; i < n; i++)
        assert_true(same_date(t[i].date, D(2026, 12, 13)));
    free(t);
    /* Generating week by week gives exactly the tasks of one call over all weeks. */
    size_t whole = 0, parts = 0;
    free(gen(p, &r, NULL, r.start, r.end, &whole));
    for (hm_date d = r.start; hm_date_cmp(d, r.end) <= 0; d = hm_date_add_days(d, 7)) {
        size_t k = 0;
        free(gen(p, &r, NULL, d, hm_date_add_days(d, 6), &k));
        parts += k;
    }
    assert_int_equal(whole, parts);
    hm_pathway_free(p);
}

/* An 08:00 bag change on the days around a DST change stays at 08:00 local time. */
static void check_dst(hm_date start, int hours_first_gap, int hours_second_gap)
{
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_regimen r = good_regimen();
    snprintf(r.drug_code, sizeof r.drug_code, "ceftriaxone");
    r.max_bag_hours = 24;
    r.bags_per_day = 1;
    r.bag_change_minutes[0] = 8 * 60;
    r.line_inserted = start;
    r.start = start;
    r.end = hm_date_add_days(start, 2);
    size_t n = 0;
    hm_gen_task *t = gen(p, &r, NULL, r.start, r.end, &n);
    int64_t due[3];
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].kind, "bag_change") != 0)
            continue;
        hm_date d;
        assert_int_equal(local_minutes(t[i].due_ms, &d), 8 * 60);
        assert_true(same_date(d, hm_date_add_days(start, k)));
        assert_int_equal(local_minutes(t[i].window_start_ms, NULL), 7 * 60 + 30);
        assert_int_equal(local_minutes(t[i].window_end_ms, NULL), 8 * 60 + 30);
        assert_int_equal(t[i].window_end_ms - t[i].window_start_ms, 60 * 60000);
        due[k++] = t[i].due_ms;
    }
    assert_int_equal(k, 3);
    assert_int_equal(due[1] - due[0], (int64_t)hours_first_gap * 3600000);
    assert_int_equal(due[2] - due[1], (int64_t)hours_second_gap * 3600000);
    free(t);
    hm_pathway_free(p);
}

static void dst_spring(void **state)
{
    (void)state;
    check_dst(D(2026, 3, 28), 23, 24); /* clocks go forward in the night to Sun 29 March */
}

static void dst_autumn(void **state)
{
    (void)state;
    check_dst(D(2026, 10, 24), 25, 24); /* clocks go back in the night to Sun 25 October */
}

static void dst_fixed_window_and_utc(void **state)
{
    (void)state;
    /* 08:00 Oslo is 07:00Z in winter and 06:00Z in summer. */
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_regimen r = good_regimen();
    r.start = D(2026, 3, 28);
    r.line_inserted = D(2026, 3, 21); /* line care due on the 28th */
    r.end = D(2026, 4, 4);
    size_t n = 0;
    hm_gen_task *t = gen(p, &r, NULL, r.start, r.end, &n);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].kind, "line_care") != 0)
            continue;
        int64_t day_ms = t[i].window_start_ms % 86400000;
        if (same_date(t[i].date, D(2026, 3, 28)))
            assert_int_equal(day_ms, 7 * 3600000);
        else
            assert_int_equal(day_ms, 6 * 3600000);
        assert_int_equal(local_minutes(t[i].window_start_ms, NULL), 8 * 60);
        seen++;
    }
    assert_int_equal(seen, 2); /* 03-28 and 04-04 */
    free(t);
    hm_pathway_free(p);
}

static void windows_cross_midnight(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_regimen r = good_regimen();
    r.bag_change_minutes[0] = 15;           /* 00:15 */
    r.bag_change_minutes[1] = 12 * 60 + 15; /* 12:15 */
    r.vitals_minutes[1] = 23 * 60 + 30;     /* 23:30, window until 00:30 */
    size_t n = 0;
    hm_gen_task *t = gen(p, &r, NULL, D(2026, 11, 24), D(2026, 11, 24), &n);
    int checked = 0;
    for (size_t i = 0; i < n; i++) {
        hm_date d;
        if (strcmp(t[i].kind, "bag_change") == 0 && t[i].seq == 1) {
            assert_int_equal(local_minutes(t[i].window_start_ms, &d), 23 * 60 + 45);
            assert_true(same_date(d, D(2026, 11, 23)));
            assert_true(same_date(t[i].date, D(2026, 11, 24)));
            checked++;
        }
        if (strcmp(t[i].kind, "bag_compounding") == 0) {
            assert_int_equal(local_minutes(t[i].window_start_ms, &d), 23 * 60);
            assert_true(same_date(d, D(2026, 11, 23)));
            checked++;
        }
        if (strcmp(t[i].kind, "vital_signs") == 0 && t[i].seq == 2) {
            assert_int_equal(local_minutes(t[i].window_end_ms, &d), 30);
            assert_true(same_date(d, D(2026, 11, 25)));
            checked++;
        }
    }
    assert_int_equal(checked, 3);
    /* Sorted by window start: the compounding that starts the previous evening comes first. */
    assert_string_equal(t[0].kind, "bag_compounding");
    free(t);
    hm_pathway_free(p);
}

static void bag_times_given_out_of_order(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_regimen r = good_regimen();
    r.bag_change_minutes[0] = 20 * 60;
    r.bag_change_minutes[1] = 8 * 60;
    size_t n = 0;
    hm_gen_task *t = gen(p, &r, NULL, r.start, r.start, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].kind, "bag_change") == 0)
            assert_int_equal(local_minutes(t[i].due_ms, NULL), t[i].seq == 1 ? 8 * 60 : 20 * 60);
        if (strcmp(t[i].kind, "bag_compounding") == 0)
            assert_int_equal(local_minutes(t[i].due_ms, NULL), 8 * 60);
    }
    free(t);
    hm_pathway_free(p);
}

static void hospital_weekdays_from_the_episode(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_regimen r = good_regimen();
    hm_episode_ctx ctx = {.home_care_org = 10, .hospital_org = 20, .backup_org = 30,
                          .hospital_weekdays = (1 << 1) | (1 << 4)}; /* Tue, Fri */
    size_t n = 0;
    hm_gen_task *t = gen(p, &r, &ctx, r.start, r.end, &n);
    size_t hospital = 0;
    for (size_t i = 0; i < n; i++) {
        int wd = hm_date_weekday(t[i].date);
        assert_int_equal(t[i].org_id, (wd == 2 || wd == 5) ? 20 : 10);
        hospital += t[i].org_id == 20;
    }
    assert_true(hospital > 0);
    free(t);
    /* 0 overrides a template's days with none. */
    hm_pathway *shared = load_template(SHARED_TEMPLATE);
    ctx.hospital_weekdays = 0;
    t = gen(shared, &r, &ctx, r.start, r.end, &n);
    for (size_t i = 0; i < n; i++)
        if (!hm_pathway_task_kind_is_hospital(shared, t[i].kind))
            assert_int_equal(t[i].org_id, 10);
    free(t);
    hm_pathway_free(shared);
    hm_pathway_free(p);
}

static void shared_care_template(void **state)
{
    (void)state;
    hm_pathway *p = load_template(SHARED_TEMPLATE);
    hm_regimen r = good_regimen();
    hm_episode_ctx ctx = {.home_care_org = 10, .hospital_org = 20, .hospital_weekdays = -1};
    size_t n = 0;
    hm_gen_task *t = gen(p, &r, &ctx, r.start, r.end, &n);
    /* Weekly video follow-up 7 and 14 days after the start, always the hospital's. */
    assert_int_equal(count_kind(t, n, "physician_followup"), 2);
    assert_int_equal(count_kind(t, n, "site_photo_review"), 21);
    size_t home_days[8] = {0}, hosp_days[8] = {0};
    for (size_t i = 0; i < n; i++) {
        int wd = hm_date_weekday(t[i].date);
        if (hm_pathway_task_kind_is_hospital(p, t[i].kind)) {
            assert_int_equal(t[i].org_id, 20);
            assert_string_equal(t[i].location, "office");
            continue;
        }
        if (t[i].org_id == 20)
            hosp_days[wd]++;
        else
            home_days[wd]++;
    }
    /* Home tasks on Tuesdays and Fridays are the hospital nurses', the rest home care's. */
    for (int wd = 1; wd <= 7; wd++) {
        int hosp = wd == 2 || wd == 5;
        assert_true(hosp ? hosp_days[wd] > 0 && home_days[wd] == 0
                         : home_days[wd] > 0 && hosp_days[wd] == 0);
    }
    free(t);
    hm_pathway_free(p);
}

static void shortages_move_home_care_to_the_backup(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_regimen r = good_regimen();
    hm_date_range weekends[2] = {{D(2026, 11, 28), D(2026, 11, 29)},
                                 {D(2026, 12, 12), D(2026, 12, 13)}};
    hm_episode_ctx ctx = {.home_care_org = 10, .hospital_org = 20, .backup_org = 30,
                          .shortages = weekends, .n_shortages = 2,
                          .hospital_weekdays = 1 << 5}; /* the hospital also has Saturdays */
    size_t n = 0;
    hm_gen_task *t = gen(p, &r, &ctx, r.start, r.end, &n);
    for (size_t i = 0; i < n; i++) {
        hm_date d = t[i].date;
        int wd = hm_date_weekday(d);
        int shortage = (hm_date_cmp(d, weekends[0].from) >= 0 && hm_date_cmp(d, weekends[0].to) <= 0) ||
                       (hm_date_cmp(d, weekends[1].from) >= 0 && hm_date_cmp(d, weekends[1].to) <= 0);
        int64_t want = wd == 6 ? 20 : shortage ? 30 : 10; /* hospital days win over shortages */
        assert_int_equal(t[i].org_id, want);
    }
    free(t);
    /* Without a backup ward the hospital's nurses take over. */
    ctx.backup_org = 0;
    ctx.hospital_weekdays = 0;
    t = gen(p, &r, &ctx, D(2026, 11, 29), D(2026, 11, 30), &n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(t[i].org_id, same_date(t[i].date, D(2026, 11, 29)) ? 20 : 10);
    free(t);
    hm_pathway_free(p);
}

static void bad_input_is_refused(void **state)
{
    (void)state;
    hm_pathway *p = load_template(IV_TEMPLATE);
    hm_regimen r = good_regimen();
    hm_gen_task *t = (hm_gen_task *)0x1;
    size_t n = 77;
    hm_err e;
    r.bags_per_day = 1; /* cefazolin cannot hang 24 h */
    assert_int_equal(hm_pathway_generate(p, &r, NULL, r.start, r.end, &t, &n, &e), HM_EINVAL);
    assert_msg_contains(e, "use 2 bags per day");
    r = good_regimen();
    hm_date_range bad = {D(2026, 12, 2), D(2026, 12, 1)};
    hm_episode_ctx ctx = {.shortages = &bad, .n_shortages = 1, .hospital_weekdays = -1};
    assert_int_equal(hm_pathway_generate(p, &r, &ctx, r.start, r.end, &t, &n, &e), HM_EINVAL);
    assert_msg_contains(e, "shortage 1 ends before it starts");
    ctx.shortages = NULL;
    assert_int_equal(hm_pathway_generate(p, &r, &ctx, r.start, r.end, &t, &n, &e), HM_EINVAL);
    ctx.n_shortages = 0;
    ctx.hospital_weekdays = 300;
    assert_int_equal(hm_pathway_generate(p, &r, &ctx, r.start, r.end, &t, &n, &e), HM_EINVAL);
    assert_msg_contains(e, "hospital weekdays 300");
    assert_int_equal(hm_pathway_generate(p, &r, NULL, D(2026, 2, 30), r.end, &t, &n, &e),
                     HM_EINVAL);
    assert_int_equal(hm_pathway_generate(NULL, &r, NULL, r.start, r.end, &t, &n, &e), HM_EINVAL);
    assert_ptr_equal(t, (hm_gen_task *)0x1);
    assert_int_equal(n, 77);
    hm_pathway_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_episode_counts),
        cmocka_unit_test(first_day_in_detail),
        cmocka_unit_test(range_is_clamped_to_the_episode),
        cmocka_unit_test(dst_spring),
        cmocka_unit_test(dst_autumn),
        cmocka_unit_test(dst_fixed_window_and_utc),
        cmocka_unit_test(windows_cross_midnight),
        cmocka_unit_test(bag_times_given_out_of_order),
        cmocka_unit_test(hospital_weekdays_from_the_episode),
        cmocka_unit_test(shared_care_template),
        cmocka_unit_test(shortages_move_home_care_to_the_backup),
        cmocka_unit_test(bad_input_is_refused),
    };
    return cmocka_run_group_tests_name("pathway/generate", tests, oslo_setup, NULL);
}
