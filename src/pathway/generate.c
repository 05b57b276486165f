/* generate.c: turning a template, a regimen and an episode's organisations into the concrete
 * tasks of a date range.
 *
 * For each local date and each task rule, the cadence says whether the rule applies that day
 * and at which clock times (the regimen's bag changes, vital-sign times or lab time); the
 * window turns a clock time into a local window; base/time turns local wall-clock times into
 * UTC, so an 08:00 bag change stays at 08:00 across the DST changes. The division of labour
 * then picks the responsible organisation. Everything clinical comes from the template. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathway/pathway_int.h"

#define MINUTES_PER_DAY (24 * 60)

/* A generated task plus its rule's position, for a deterministic sort. */
struct slot {
    hm_gen_task t;
    int order;
};

/* ---- which days and clock times ----------------------------------------------------------- */

static int weekday_bit(hm_date d)
{
    return 1 << (hm_date_weekday(d) - 1);
}

static int cycle_matches(const struct hm__cadence *c, const hm_regimen *r, hm_date d)
{
    hm_date anchor = c->anchor == HM__ANCHOR_LINE_INSERTED ? r->line_inserted : r->start;
    int diff = hm_date_diff_days(anchor, d) - c->offset_days;
    if (diff < 0)
        return 0;
    return (int)((c->days >> (diff % c->period_days)) & 1);
}

static void sort_ints(int *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && v[k - 1] > v[k]; k--) {
            int t = v[k];
            v[k] = v[k - 1];
            v[k - 1] = t;
        }
}

/* The clock times (minutes) at which a rule fires on date d, sorted; -1 for "once, no time of
 * its own" (the window decides the time). Returns the count (0 = not on this day). */
static int occurrences(const struct hm__cadence *c, const hm_regimen *r, hm_date d, int times[4])
{
    int n = 0;
    switch (c->type) {
    case HM__CAD_DAILY:
        times[n++] = -1;
        break;
    case HM__CAD_EVERY_N_DAYS:
    case HM__CAD_CYCLE:
        if (cycle_matches(c, r, d))
            times[n++] = -1;
        break;
    case HM__CAD_WEEKDAYS:
        if (c->weekdays & weekday_bit(d))
            times[n++] = -1;
        break;
    case HM__CAD_BAG_CHANGES:
        for (; n < r->bags_per_day; n++)
            times[n] = r->bag_change_minutes[n];
        break;
    case HM__CAD_VITALS_TIMES:
        for (; n < r->vitals_count; n++)
            times[n] = r->vitals_minutes[n];
        break;
    case HM__CAD_LAB_SCHEDULE:
        if (r->labs_weekdays & weekday_bit(d))
            times[n++] = r->labs_minutes;
        break;
    default:
        break;
    }
    sort_ints(times, n);
    return n;
}

/* ---- windows ------------------------------------------------------------------------------ */

/* UTC of a local wall-clock time that may lie before or after date d (windows around an
 * early or late clock time spill into the neighbouring day). */
static int64_t local_ms(hm_date d, int minutes)
{
    while (minutes < 0) {
        d = hm_date_add_days(d, -1);
        minutes += MINUTES_PER_DAY;
    }
    while (minutes >= MINUTES_PER_DAY) {
        d = hm_date_add_days(d, 1);
        minutes -= MINUTES_PER_DAY;
    }
    return hm_local_to_utc_ms(d, minutes);
}

static int first_bag_change(const hm_regimen *r)
{
    int first = r->bag_change_minutes[0];
    if (r->bags_per_day == 2 && r->bag_change_minutes[1] < first)
        first = r->bag_change_minutes[1];
    return first;
}

static void place_window(const struct hm__window *w, const hm_regimen *r, hm_date d, int time,
                         hm_gen_task *t)
{
    int start, end, due;
    if (w->anchor == HM__WIN_FIXED) {
        start = w->start_min;
        end = w->end_min;
        due = w->due_min;
    } else {
        int ref = (w->anchor == HM__WIN_OCCURRENCE ? time : first_bag_change(r)) + w->offset_min;
        start = ref - w->before_min;
        end = ref + w->after_min;
        due = ref;
    }
    t->window_start_ms = local_ms(d, start);
    t->window_end_ms = local_ms(d, end);
    t->due_ms = local_ms(d, due);
}

/* ---- division of labour ------------------------------------------------------------------- */

static int in_shortage(const hm_episode_ctx *ctx, hm_date d)
{
    for (size_t i = 0; i < ctx->n_shortages; i++)
        if (hm_date_cmp(d, ctx->shortages[i].from) >= 0 &&
            hm_date_cmp(d, ctx->shortages[i].to) <= 0)
            return 1;
    return 0;
}

static int64_t responsible(const hm_pathway *p, const struct hm__task_rule *rule,
                           const hm_episode_ctx *ctx, hm_date d)
{
    if (!ctx)
        return 0;
    if (rule->hospital_always)
        return ctx->hospital_org;
    int days = ctx->hospital_weekdays >= 0 ? ctx->hospital_weekdays : p->hospital_weekdays;
    if (days & weekday_bit(d))
        return ctx->hospital_org;
    if (in_shortage(ctx, d))
        return ctx->backup_org ? ctx->backup_org : ctx->hospital_org;
    return ctx->home_care_org;
}

static int check_ctx(const hm_episode_ctx *ctx, hm_err *err)
{
    if (!ctx)
        return HM_OK;
    if (ctx->hospital_weekdays < -1 || ctx->hospital_weekdays > 127)
        return hm_err_set(err, HM_EINVAL, "hospital weekdays %d is not a weekday bitmask or -1",
                          ctx->hospital_weekdays);
    if (ctx->n_shortages && !ctx->shortages)
        return hm_err_set(err, HM_EINVAL, "shortage ranges missing");
    for (size_t i = 0; i < ctx->n_shortages; i++) {
        const hm_date_range *s = &ctx->shortages[i];
        if (!hm__date_valid(s->from) || !hm__date_valid(s->to))
            return hm_err_set(err, HM_EINVAL, "shortage %zu has an invalid date", i + 1);
        if (hm_date_cmp(s->to, s->from) < 0)
            return hm_err_set(err, HM_EINVAL, "shortage %zu ends before it starts", i + 1);
    }
    return HM_OK;
}

/* ---- generation --------------------------------------------------------------------------- */

static void fill_task(const hm_pathway *p, const struct hm__task_rule *rule, const hm_regimen *r,
                      const hm_episode_ctx *ctx, hm_date d, int time, int seq, hm_gen_task *t)
{
    const hm_task_kind *k = &rule->kind;
    memset(t, 0, sizeof *t);
    snprintf(t->kind, sizeof t->kind, "%s", k->id);
    t->date = d;
    place_window(&rule->window, r, d, time, t);
    t->duration_min = k->duration_min;
    snprintf(t->competence, sizeof t->competence, "%s", k->competence ? k->competence : "");
    t->org_id = responsible(p, rule, ctx, d);
    snprintf(t->location, sizeof t->location, "%s", k->location);
    t->priority = k->priority;
    t->seq = seq;
    t->nurses = k->nurses;
}

/* Walks the dates once; with slots NULL it only counts. */
static size_t walk(const hm_pathway *p, const hm_regimen *r, const hm_episode_ctx *ctx,
                   hm_date from, hm_date to, struct slot *slots)
{
    size_t n = 0;
    for (hm_date d = from; hm_date_cmp(d, to) <= 0; d = hm_date_add_days(d, 1)) {
        for (size_t i = 0; i < p->n_rules; i++) {
            int times[4];
            int k = occurrences(&p->rules[i].cadence, r, d, times);
            for (int j = 0; j < k; j++, n++) {
                if (!slots)
                    continue;
                fill_task(p, &p->rules[i], r, ctx, d, times[j], j + 1, &slots[n].t);
                slots[n].order = (int)i;
            }
        }
    }
    return n;
}

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int slot_cmp(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;
    int c = cmp_i64(x->t.window_start_ms, y->t.window_start_ms);
    if (!c)
        c = cmp_i64(x->t.due_ms, y->t.due_ms);
    if (!c)
        c = (x->order > y->order) - (x->order < y->order);
    if (!c)
        c = (x->t.seq > y->t.seq) - (x->t.seq < y->t.seq);
    if (!c)
        c = hm_date_cmp(x->t.date, y->t.date);
    return c;
}

int hm_pathway_generate(const hm_pathway *p, const hm_regimen *r, const hm_episode_ctx *ctx,
                        hm_date from, hm_date to, hm_gen_task **out, size_t *n, hm_err *err)
{
    if (!p || !r || !out || !n)
        return hm_err_set(err, HM_EINVAL, "generate: pathway, regimen or output missing");
    int rc = hm_pathway_validate_regimen(p, r, err);
    if (rc == HM_OK)
        rc = check_ctx(ctx, err);
    if (rc != HM_OK)
        return rc;
    if (!hm__date_valid(from) || !hm__date_valid(to))
        return hm_err_set(err, HM_EINVAL, "generate: invalid date range");
    /* Clamp to the episode; the regimen check bounded its length, so the walk is bounded. */
    if (hm_date_cmp(from, r->start) < 0)
        from = r->start;
    if (hm_date_cmp(to, r->end) > 0)
        to = r->end;
    size_t count = hm_date_cmp(from, to) <= 0 ? walk(p, r, ctx, from, to, NULL) : 0;
    if (count == 0) {
        *out = NULL;
        *n = 0;
        return HM_OK;
    }
    struct slot *slots = malloc(count * sizeof *slots);
    hm_gen_task *tasks = malloc(count * sizeof *tasks);
    if (!slots || !tasks) {
        free(slots);
        free(tasks);
        return hm_err_set(err, HM_ENOMEM, "generate: out of memory for %zu tasks", count);
    }
    walk(p, r, ctx, from, to, slots);
    qsort(slots, count, sizeof *slots, slot_cmp);
    for (size_t i = 0; i < count; i++)
        tasks[i] = slots[i].t;
    free(slots);
    *out = tasks;
    *n = count;
    return HM_OK;
}
