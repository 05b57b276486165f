/* patients.c: listing and reading patients through the care relation, and referral: a
 * patient (new or known by national id) referred to a pathway, which opens an episode. */
#include "care/care_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/natid.h"
#include "pathway/pathway.h"

/* The patients a staff member may see: the care relation of auth/policy.h as a set, plus live
 * emergency accesses. */
static const char visible_sql[] =
    "SELECT " HM__PATIENT_COLS HM__PATIENT_JOIN " WHERE p.id IN (" HM_POLICY_CARE_EPISODES ")"
    " OR p.id IN (SELECT patient_id FROM emergency_access WHERE staff_id = ? AND expires_ms > ?)"
    " ORDER BY p.name, p.id";

/* The visible patients that pass f (all when f is NULL), in name order; *out gets the page
 * f asks for, *total how many passed. The audit row names the patients answered. */
static int find_visible(const hm_call *c, const hm_patient_filter *f, json_t **out,
                        size_t *total, hm_err *err)
{
    hm_db *db;
    int rc = hm__care_read_begin(c, HM_ACT_PATIENT_READ, &db, err);
    if (rc)
        return rc;
    hm_cursor cur;
    const hm_actor *a = c->actor;
    int64_t recent = c->now_ms - (int64_t)HM_POLICY_RECENT_DAYS * 86400000;
    if (a->patient_id)
        rc = hm_db_query(db, "SELECT " HM__PATIENT_COLS HM__PATIENT_JOIN " WHERE p.id = ?",
                         HM_ARGS(HM_I(a->patient_id)), &cur, err);
    else
        rc = hm_db_query(db, visible_sql,
                         HM_ARGS(HM_I(recent), HM_I(a->org_id), HM_I(a->org_id),
                                 HM_I(a->staff_id), HM_I(c->now_ms)),
                         &cur, err);
    json_t *arr = json_array();
    hm__ids ids = {0};
    size_t passed = 0;
    while (rc == HM_OK) {
        int step = hm_cursor_next(&cur, err);
        if (step != HM_ROW) {
            rc = step == HM_DONE ? HM_OK : step;
            break;
        }
        json_t *p = hm__care_patient_json(&cur);
        int in_page = 1;
        if (f) {
            if (!f->match(p, f->cls)) {
                json_decref(p);
                continue;
            }
            in_page = passed >= f->offset && passed - f->offset < f->limit;
            passed++;
        }
        if (in_page)
            rc = hm__ids_push(&ids, hm_cursor_int(&cur, 0), err);
        if (in_page && rc == HM_OK)
            json_array_append_new(arr, p);
        else
            json_decref(p);
    }
    hm_cursor_close(&cur);
    hm_store_read_end(c->care->store, db);
    rc = hm__care_read_done(c, rc, "patients", ids.v, ids.n, 0, arr, out, err);
    free(ids.v);
    if (rc == HM_OK && total)
        *total = f ? passed : json_array_size(*out);
    return rc;
}

int hm_care_patients_list(const hm_call *c, json_t **out, hm_err *err)
{
    return find_visible(c, NULL, out, NULL, err);
}

int hm_care_patients_find(const hm_call *c, const hm_patient_filter *f, json_t **out,
                          size_t *total, hm_err *err)
{
    return find_visible(c, f, out, total, err);
}

int hm_care_patient_get(const hm_call *c, int64_t patient_id, json_t **out, hm_err *err)
{
    hm_db *db;
    int rc = hm_store_read_begin(c->care->store, &db, err);
    if (rc)
        return rc;
    int emergency = 0;
    json_t *p = NULL;
    rc = hm__care_patient_check(db, c, HM_ACT_PATIENT_READ, patient_id, &emergency, err);
    if (rc == HM_OK) {
        hm_cursor cur;
        rc = hm_db_query(db, "SELECT " HM__PATIENT_COLS HM__PATIENT_JOIN " WHERE p.id = ?",
                         HM_ARGS(HM_I(patient_id)), &cur, err);
        if (rc == HM_OK) {
            int step = hm_cursor_next(&cur, err);
            if (step == HM_ROW)
                p = hm__care_patient_json(&cur);
            else
                rc = step == HM_DONE ? hm_err_set(err, HM_ENOTFOUND, "no such patient") : step;
            hm_cursor_close(&cur);
        }
    }
    hm_store_read_end(c->care->store, db);
    char object[48];
    snprintf(object, sizeof object, "patient/%lld", (long long)patient_id);
    return hm__care_read_done(c, rc, object, &patient_id, 1, emergency, p, out, err);
}

static json_t *episode_row(hm_cursor *cur)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:I}", "id", (json_int_t)hm_cursor_int(cur, 0),
                     "pathway", hm__text(cur, 1), "state", hm__text(cur, 2), "referred_at",
                     hm__jtime(cur, 3), "ended_at", hm__jtime(cur, 4), "spo2_scale",
                     (json_int_t)hm_cursor_int(cur, 5));
}

int hm_care_patient_episodes(const hm_call *c, int64_t patient_id, json_t **out, hm_err *err)
{
    return hm__care_patient_list(c, patient_id, HM_ACT_PATIENT_READ, 1,
                                 "SELECT id, pathway, state, referred_ms, ended_ms, spo2_scale FROM episode"
                                 " WHERE patient_id = ? ORDER BY referred_ms DESC",
                                 episode_row, "episodes", out, err);
}

/* ---- referral ---- */

struct referral {
    const hm_call *c;
    const json_t *patient;
    const char *national_id, *name, *address, *language, *phone, *municipality, *pathway;
    double lat, lon;
    int64_t zone_id, hospital_org, backup_org, home_care_org;
    json_t *next_of_kin;
    int64_t patient_id, episode_id;
};

static int check_language(const char *language, hm_err *err)
{
    if (strcmp(language, "nb") != 0 && strcmp(language, "nn") != 0 && strcmp(language, "en") != 0)
        return hm_err_set(err, HM_EINVAL,
                          "patient: field 'language' must be nb, nn or en (the service requires"
                          " Norwegian or English)");
    return HM_OK;
}

static int check_next_of_kin(const json_t *nok, hm_err *err)
{
    if (nok && !json_is_array(nok))
        return hm_err_set(err, HM_EINVAL,
                          "patient: field 'next_of_kin' must be an array of {name, relation, phone}");
    size_t i;
    json_t *k;
    json_array_foreach(nok, i, k)
    {
        const char *s;
        if (!json_is_object(k) || hm_json_str(k, "name", 1, 200, &s, err) ||
            hm_json_str(k, "relation", 1, 64, &s, err) || hm_json_str(k, "phone", 1, 32, &s, err))
            return hm_err_set(err, HM_EINVAL,
                              "patient: next_of_kin[%zu] must be {name, relation, phone}", i);
    }
    return HM_OK;
}

static int validate_referral(const json_t *in, struct referral *r, hm_err *err)
{
    static const char *const top[] = {"patient", "pathway", "hospital_org", "backup_org",
                                      "home_care_org", NULL};
    static const char *const pf[] = {"national_id", "name", "address", "lat", "lon",
                                     "municipality", "zone", "language", "phone", "next_of_kin",
                                     NULL};
    int rc = hm_json_only(in, top, err);
    if (rc)
        return rc;
    r->pathway = "iv-antibiotics";
    rc = hm_json_str(in, "pathway", 0, 64, &r->pathway, err);
    if (rc)
        return rc;
    rc = hm_json_int(in, "hospital_org", 0, 1, INT64_MAX, &r->hospital_org, err);
    if (!rc)
        rc = hm_json_int(in, "backup_org", 0, 1, INT64_MAX, &r->backup_org, err);
    if (!rc)
        rc = hm_json_int(in, "home_care_org", 0, 1, INT64_MAX, &r->home_care_org, err);
    if (rc)
        return rc;
    const json_t *p = json_object_get(in, "patient");
    if (!p)
        return hm_err_set(err, HM_EINVAL, "missing field 'patient'");
    if (!json_is_object(p))
        return hm_err_set(err, HM_EINVAL, "field 'patient' must be an object");
    r->patient = p;
    rc = hm_json_only(p, pf, err);
    if (rc)
        return hm_err_set(err, rc, "patient: %s", err ? err->msg : "");
    r->lat = -1000;
    r->lon = -1000;
    rc = hm_json_str(p, "national_id", 1, 11, &r->national_id, err);
    if (!rc)
        rc = hm_json_str(p, "name", 1, 200, &r->name, err);
    if (!rc)
        rc = hm_json_str(p, "address", 1, 300, &r->address, err);
    if (!rc)
        rc = hm_json_num(p, "lat", 1, -90, 90, &r->lat, err);
    if (!rc)
        rc = hm_json_num(p, "lon", 1, -180, 180, &r->lon, err);
    if (!rc)
        rc = hm_json_str(p, "municipality", 1, 100, &r->municipality, err);
    if (!rc)
        rc = hm_json_int(p, "zone", 0, 1, INT64_MAX, &r->zone_id, err);
    if (!rc)
        rc = hm_json_str(p, "language", 1, 8, &r->language, err);
    if (!rc)
        rc = hm_json_str(p, "phone", 0, 32, &r->phone, err);
    if (rc)
        return hm_err_set(err, rc, "patient: %s", err ? err->msg : "");
    rc = check_language(r->language, err);
    if (rc)
        return rc;
    rc = hm_natid_validate(r->national_id, NULL, NULL, err);
    if (rc)
        return hm_err_set(err, rc, "patient: %s", err ? err->msg : "invalid national id");
    r->next_of_kin = json_object_get(p, "next_of_kin");
    return check_next_of_kin(r->next_of_kin, err);
}

/* The organisation that must be of one of the given kinds; clear message otherwise. */
static int org_of_kind(hm_db *db, int64_t id, const char *what, const char *kinds, int64_t *root,
                       hm_err *err)
{
    hm_cursor cur;
    int rc = hm_db_query(db, "SELECT kind, root_id FROM org WHERE id = ?", HM_ARGS(HM_I(id)),
                         &cur, err);
    if (rc)
        return rc;
    rc = hm_cursor_next(&cur, err);
    if (rc == HM_ROW) {
        char needle[40];
        snprintf(needle, sizeof needle, ",%s,", hm__text(&cur, 0));
        if (root)
            *root = hm_cursor_int(&cur, 1);
        rc = strstr(kinds, needle) ? HM_OK
                                   : hm_err_set(err, HM_EINVAL, "%s %lld is a %s, not one of %s",
                                                what, (long long)id, hm__text(&cur, 0), kinds);
    } else if (rc == HM_DONE) {
        rc = hm_err_set(err, HM_ENOTFOUND, "unknown %s %lld", what, (long long)id);
    }
    hm_cursor_close(&cur);
    return rc;
}

/* A referral is the newest word on who the patient is and where they live: a known patient's
 * record takes its name, address, municipality, language and (when given) phone and next of
 * kin. The zone is kept unless the referral names one or the municipality changed. */
static int refresh_known_patient(hm_db *db, const struct referral *r, int64_t muni, hm_err *err)
{
    char *nok = r->next_of_kin ? json_dumps(r->next_of_kin, JSON_COMPACT) : NULL;
    int rc = hm_db_exec(
        db,
        "UPDATE patient SET name = ?, address = ?, lat = ?, lon = ?, zone_id = CASE WHEN ? > 0"
        " THEN ? WHEN municipality_id = ? THEN zone_id END, municipality_id = ?, language = ?,"
        " phone = coalesce(?, phone), next_of_kin = coalesce(?, next_of_kin) WHERE id = ?",
        HM_ARGS(HM_S(r->name), HM_S(r->address), HM_D(r->lat), HM_D(r->lon), HM_I(r->zone_id),
                HM_I(r->zone_id), HM_I(muni), HM_I(muni), HM_S(r->language),
                r->phone ? HM_S(r->phone) : HM_NULLV, nok ? HM_S(nok) : HM_NULLV,
                HM_I(r->patient_id)),
        err);
    free(nok);
    if (rc)
        return rc;
    char object[48];
    snprintf(object, sizeof object, "patient/%lld", (long long)r->patient_id);
    return hm__care_audit(db, r->c, "update", object, &r->patient_id, 1, 0,
                          "details from a new referral", err);
}

static int referral_job(hm_db *db, void *arg, hm_err *err)
{
    struct referral *r = arg;
    const hm_call *c = r->c;
    int64_t muni = 0;
    int rc = hm_db_query_int(db,
                             "SELECT id FROM org WHERE kind = 'municipality' AND (name = ? OR"
                             " code = ?)",
                             HM_ARGS(HM_S(r->municipality), HM_S(r->municipality)), &muni, err);
    if (rc == HM_ENOTFOUND)
        return hm_err_set(err, HM_ENOTFOUND, "patient: unknown municipality '%s'",
                          r->municipality);
    if (rc)
        return rc;
    if (r->zone_id) {
        int64_t zroot = 0;
        rc = org_of_kind(db, r->zone_id, "zone", ",zone,", &zroot, err);
        if (rc)
            return rc;
        if (zroot != muni)
            return hm_err_set(err, HM_EINVAL, "patient: zone %lld is not in %s",
                              (long long)r->zone_id, r->municipality);
    }
    /* Hospital side: the caller's section by default, its first ward as backup. */
    if (!r->hospital_org) {
        rc = hm_db_query_int(db,
                             "SELECT o.id FROM org_ancestor a JOIN org o ON o.id = a.ancestor_id"
                             " WHERE a.org_id = ? AND o.kind = 'section' LIMIT 1",
                             HM_ARGS(HM_I(c->actor->org_id)), &r->hospital_org, err);
        if (rc == HM_ENOTFOUND)
            return hm_err_set(err, HM_EINVAL,
                              "missing field 'hospital_org' (the caller is not in a hospital"
                              " section)");
        if (rc)
            return rc;
    } else {
        rc = org_of_kind(db, r->hospital_org, "hospital_org", ",section,ward,department,", NULL,
                         err);
        if (rc)
            return rc;
    }
    if (!r->backup_org) {
        rc = hm_db_query_int(db,
                             "SELECT id FROM org WHERE parent_id = ? AND kind = 'ward' ORDER BY id"
                             " LIMIT 1",
                             HM_ARGS(HM_I(r->hospital_org)), &r->backup_org, err);
        if (rc == HM_ENOTFOUND)
            r->backup_org = r->hospital_org;
        else if (rc)
            return rc;
    } else {
        rc = org_of_kind(db, r->backup_org, "backup_org", ",ward,section,", NULL, err);
        if (rc)
            return rc;
    }
    if (!r->home_care_org)
        r->home_care_org = r->zone_id ? r->zone_id : muni;
    else {
        int64_t hroot = 0;
        rc = org_of_kind(db, r->home_care_org, "home_care_org", ",municipality,zone,", &hroot, err);
        if (rc)
            return rc;
        if (hroot != muni)
            return hm_err_set(err, HM_EINVAL,
                              "home_care_org %lld is not in the patient's municipality",
                              (long long)r->home_care_org);
    }

    /* A known patient keeps their record; otherwise a new one. */
    rc = hm_db_query_int(db, "SELECT id FROM patient WHERE national_id = ?",
                         HM_ARGS(HM_S(r->national_id)), &r->patient_id, err);
    if (rc == HM_ENOTFOUND) {
        char *nok = r->next_of_kin ? json_dumps(r->next_of_kin, JSON_COMPACT) : NULL;
        rc = hm_db_query_int(
            db,
            "INSERT INTO patient (national_id, name, address, lat, lon, municipality_id, zone_id,"
            " language, phone, next_of_kin, created_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
            " RETURNING id",
            HM_ARGS(HM_S(r->national_id), HM_S(r->name), HM_S(r->address), HM_D(r->lat),
                    HM_D(r->lon), HM_I(muni), r->zone_id ? HM_I(r->zone_id) : HM_NULLV,
                    HM_S(r->language), HM_S(r->phone), HM_S(nok ? nok : "[]"), HM_I(c->now_ms)),
            &r->patient_id, err);
        free(nok);
        if (rc)
            return rc;
    } else if (rc) {
        return rc;
    } else {
        int64_t open = 0;
        rc = hm_db_query_int(db,
                             "SELECT count(*) FROM episode WHERE patient_id = ? AND pathway = ? AND"
                             " state NOT IN ('completed','discontinued')",
                             HM_ARGS(HM_I(r->patient_id), HM_S(r->pathway)), &open, err);
        if (rc)
            return rc;
        if (open)
            return hm_err_set(err, HM_ECONFLICT,
                              "the patient already has an open episode on pathway %s", r->pathway);
        rc = refresh_known_patient(db, r, muni, err);
        if (rc)
            return rc;
    }
    rc = hm_db_query_int(db,
                         "INSERT INTO episode (patient_id, pathway, state, hospital_org_id,"
                         " home_care_org_id, backup_org_id, referred_by, referred_ms)"
                         " VALUES (?, ?, 'referred', ?, ?, ?, ?, ?) RETURNING id",
                         HM_ARGS(HM_I(r->patient_id), HM_S(r->pathway), HM_I(r->hospital_org),
                                 HM_I(r->home_care_org), HM_I(r->backup_org),
                                 HM_I(c->actor->staff_id), HM_I(c->now_ms)),
                         &r->episode_id, err);
    if (rc)
        return rc;
    rc = hm_db_exec(db,
                    "INSERT INTO episode_event (episode_id, kind, at_ms, staff_id) VALUES"
                    " (?, 'referred', ?, ?)",
                    HM_ARGS(HM_I(r->episode_id), HM_I(c->now_ms), HM_I(c->actor->staff_id)), err);
    if (rc)
        return rc;
    char object[48];
    snprintf(object, sizeof object, "episode/%lld", (long long)r->episode_id);
    return hm__care_audit(db, c, "create", object, &r->patient_id, 1, 0, NULL, err);
}

int hm_care_referral_create(const hm_call *c, const json_t *in, json_t **out, hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_REFERRAL_CREATE, err);
    if (rc)
        return rc;
    struct referral r;
    memset(&r, 0, sizeof r);
    r.c = c;
    rc = validate_referral(in, &r, err);
    if (rc)
        return rc;
    if (!hm_care_pathway(c->care, r.pathway))
        return hm_err_set(err, HM_ENOTFOUND, "unknown pathway '%s'", r.pathway);
    rc = hm__care_write(c, referral_job, &r, err);
    if (rc)
        return rc;
    *out = json_pack("{s:I, s:I, s:s}", "patient_id", (json_int_t)r.patient_id, "episode_id",
                     (json_int_t)r.episode_id, "state", "referred");
    return HM_OK;
}

/* ---- contact details ---- */

struct patient_patch {
    const hm_call *c;
    int64_t patient_id;
    const char *name, *address, *language, *phone;
    double lat, lon;
    int has_address;
    int64_t zone_id;
    const json_t *next_of_kin;
    char fields[160]; /* what changed, for the audit row */
};

static int validate_patch(const json_t *in, struct patient_patch *p, hm_err *err)
{
    static const char *const allowed[] = {"name", "address", "lat", "lon", "zone", "language",
                                          "phone", "next_of_kin", NULL};
    int rc = hm_json_only(in, allowed, err);
    if (!rc)
        rc = hm_json_str(in, "name", 0, 200, &p->name, err);
    if (!rc)
        rc = hm_json_str(in, "address", 0, 300, &p->address, err);
    if (!rc)
        rc = hm_json_int(in, "zone", 0, 1, INT64_MAX, &p->zone_id, err);
    if (!rc)
        rc = hm_json_str(in, "language", 0, 8, &p->language, err);
    if (!rc)
        rc = hm_json_str(in, "phone", 0, 32, &p->phone, err);
    if (rc)
        return rc;
    if ((p->name && !*p->name) || (p->address && !*p->address))
        return hm_err_set(err, HM_EINVAL, "field '%s' must not be empty",
                          p->name && !*p->name ? "name" : "address");
    /* A new address comes with its coordinates, or the planner would route to the old house. */
    int coords = json_object_get(in, "lat") != NULL || json_object_get(in, "lon") != NULL;
    if (coords != (p->address != NULL))
        return hm_err_set(err, HM_EINVAL,
                          "fields 'address', 'lat' and 'lon' are changed together (a new address"
                          " needs its coordinates)");
    if (p->address) {
        rc = hm_json_num(in, "lat", 1, -90, 90, &p->lat, err);
        if (!rc)
            rc = hm_json_num(in, "lon", 1, -180, 180, &p->lon, err);
        if (rc)
            return rc;
        p->has_address = 1;
    }
    if (p->language) {
        rc = check_language(p->language, err);
        if (rc)
            return rc;
    }
    p->next_of_kin = json_object_get(in, "next_of_kin");
    rc = check_next_of_kin(p->next_of_kin, err);
    if (rc)
        return rc;
    size_t off = 0;
    for (size_t i = 0; allowed[i]; i++)
        if (json_object_get(in, allowed[i]) && off < sizeof p->fields)
            off += (size_t)snprintf(p->fields + off, sizeof p->fields - off, "%s%s",
                                    off ? ", " : "changed: ", allowed[i]);
    if (!off)
        return hm_err_set(err, HM_EINVAL, "nothing to change: give at least one of name, address"
                                          " (with lat and lon), zone, language, phone, next_of_kin");
    return HM_OK;
}

static int patient_patch_job(hm_db *db, void *arg, hm_err *err)
{
    struct patient_patch *p = arg;
    const hm_call *c = p->c;
    int emergency = 0;
    int rc = hm__care_patient_check(db, c, HM_ACT_PATIENT_UPDATE, p->patient_id, &emergency, err);
    if (rc)
        return rc;
    if (p->zone_id) {
        int64_t zroot = 0, muni = 0;
        rc = org_of_kind(db, p->zone_id, "zone", ",zone,", &zroot, err);
        if (!rc)
            rc = hm_db_query_int(db, "SELECT municipality_id FROM patient WHERE id = ?",
                                 HM_ARGS(HM_I(p->patient_id)), &muni, err);
        if (rc)
            return rc;
        if (zroot != muni)
            return hm_err_set(err, HM_EINVAL,
                              "zone %lld is not in the patient's municipality (a move to another"
                              " municipality is a new referral)",
                              (long long)p->zone_id);
    }
    char *nok = p->next_of_kin ? json_dumps(p->next_of_kin, JSON_COMPACT) : NULL;
    rc = hm_db_exec(
        db,
        "UPDATE patient SET name = coalesce(?, name), address = coalesce(?, address),"
        " lat = CASE WHEN ? <> 0 THEN ? ELSE lat END, lon = CASE WHEN ? <> 0 THEN ? ELSE lon END,"
        " zone_id = coalesce(?, zone_id), language = coalesce(?, language),"
        " phone = coalesce(?, phone), next_of_kin = coalesce(?, next_of_kin) WHERE id = ?",
        HM_ARGS(p->name ? HM_S(p->name) : HM_NULLV, p->address ? HM_S(p->address) : HM_NULLV,
                HM_I(p->has_address), HM_D(p->lat), HM_I(p->has_address), HM_D(p->lon),
                p->zone_id ? HM_I(p->zone_id) : HM_NULLV,
                p->language ? HM_S(p->language) : HM_NULLV, p->phone ? HM_S(p->phone) : HM_NULLV,
                nok ? HM_S(nok) : HM_NULLV, HM_I(p->patient_id)),
        err);
    free(nok);
    if (rc)
        return rc;
    char object[48];
    snprintf(object, sizeof object, "patient/%lld", (long long)p->patient_id);
    return hm__care_audit(db, c, "update", object, &p->patient_id, 1, emergency, p->fields, err);
}

int hm_care_patient_update(const hm_call *c, int64_t patient_id, const json_t *in, json_t **out,
                           hm_err *err)
{
    int rc = hm_policy_role_allows(c->actor, HM_ACT_PATIENT_UPDATE, err);
    if (rc)
        return rc;
    struct patient_patch p = {.c = c, .patient_id = patient_id};
    rc = validate_patch(in, &p, err);
    if (!rc)
        rc = hm__care_write(c, patient_patch_job, &p, err);
    return rc ? rc : hm_care_patient_get(c, patient_id, out, err);
}
