/* demo.c: builds the synthetic demo region (see demo.h). Organisations, staff, accounts and
 * pumps are fixed tables; patients are generated from a seeded PRNG and carried through the
 * care workflow by the same operations the API uses. */
#include "demo/demo.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/log.h"
#include "base/natid.h"
#include "pathway/pathway.h"

/* ---- fixed tables ---- */

struct org_row {
    const char *code, *parent, *kind, *name;
    double lat, lon;
};

/* Coordinates: each municipality's real administrative centre (public facts); patients are
 * placed at random within a few kilometres of their zone's point. */
static const struct org_row orgs[] = {
    {"unn", NULL, "hospital_trust", "Universitetssykehuset (demo)", 69.6806, 18.9850},
    {"unn-inf", "unn", "section", "Infeksjonsseksjonen", 69.6806, 18.9850},
    {"unn-inf-ward", "unn-inf", "ward", "Infeksjonsposten", 69.6806, 18.9850},
    {"unn-anest", "unn", "department", "Anestesiavdelingen", 69.6806, 18.9850},
    {"tromso", NULL, "municipality", "Tromsø", 69.6492, 18.9553},
    {"tromso-sentrum", "tromso", "zone", "Tromsø sone Sentrum", 69.6492, 18.9553},
    {"tromso-nord", "tromso", "zone", "Tromsø sone Nord", 69.6890, 18.9180},
    {"tromso-kvaloya", "tromso", "zone", "Tromsø sone Kvaløya", 69.6620, 18.8280},
    {"senja", NULL, "municipality", "Senja", 69.2296, 17.9811},
    {"senja-finnsnes", "senja", "zone", "Senja sone Finnsnes", 69.2296, 17.9811},
    {"kvaenangen", NULL, "municipality", "Kvænangen", 69.9333, 21.9000},
    {"kvaenangen-burfjord", "kvaenangen", "zone", "Kvænangen sone Burfjord", 69.9333, 21.9000},
    {"berlevag", NULL, "municipality", "Berlevåg", 70.8578, 29.0864},
    {"berlevag-sentrum", "berlevag", "zone", "Berlevåg sone Sentrum", 70.8578, 29.0864},
    {"depot-tromso", NULL, "depot", "Behandlingshjelpemidler Tromsø", 69.6806, 18.9850},
    {"depot-finnmark", NULL, "depot", "Behandlingshjelpemidler Finnmark", 70.6634, 23.6821},
    {"rro-nord", NULL, "response_centre", "Responssenter Nord", 69.6806, 18.9850},
};

enum { C_PUMP = 1, C_ASEPTIC = 2, C_LINE = 4 };

/* The Tromsø depot's pumps in the demo (too few, as in the real service). */
#define DEMO_PUMPS_TROMSO 14

struct staff_row {
    const char *username, *name, *role, *org;
    int competences;
    const char *phone;
};

static const struct staff_row staff[] = {
    {"lege1", "Ingrid Solberg", "physician", "unn-inf", 0, "+47 900 00 101"},
    {"lege2", "Magnus Lie", "physician", "unn-inf", 0, "+47 900 00 102"},
    {"lege3", "Sofie Nygaard", "physician", "unn-inf", 0, "+47 900 00 103"},
    {"lege4", "Henrik Berg", "physician", "unn-inf", 0, "+47 900 00 104"},
    {"anestesilege1", "Eirik Dahl", "physician", "unn-anest", C_LINE, "+47 900 00 105"},
    {"sykepleier1", "Kari Hansen", "hospital_nurse", "unn-inf-ward", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 111"},
    {"sykepleier2", "Nora Johansen", "hospital_nurse", "unn-inf-ward", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 112"},
    {"sykepleier3", "Emma Larsen", "hospital_nurse", "unn-inf-ward", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 113"},
    {"sykepleier4", "Jonas Andersen", "hospital_nurse", "unn-inf-ward", C_PUMP | C_LINE, "+47 900 00 114"},
    {"sykepleier5", "Ida Pedersen", "hospital_nurse", "unn-inf-ward", C_PUMP | C_ASEPTIC, "+47 900 00 115"},
    {"sykepleier6", "Lars Nilsen", "hospital_nurse", "unn-inf-ward", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 116"},
    {"tromso.sentrum1", "Hanne Kristiansen", "super_user", "tromso-sentrum", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 201"},
    {"tromso.sentrum2", "Ole Jensen", "municipal_nurse", "tromso-sentrum", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 202"},
    {"tromso.sentrum3", "Marte Karlsen", "municipal_nurse", "tromso-sentrum", C_PUMP | C_LINE, "+47 900 00 203"},
    {"tromso.sentrum4", "Sindre Olsen", "municipal_nurse", "tromso-sentrum", C_ASEPTIC, "+47 900 00 204"},
    {"tromso.nord1", "Silje Eriksen", "super_user", "tromso-nord", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 211"},
    {"tromso.nord2", "Thomas Haugen", "municipal_nurse", "tromso-nord", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 212"},
    {"tromso.nord3", "Julie Bakken", "municipal_nurse", "tromso-nord", C_PUMP | C_LINE, "+47 900 00 213"},
    {"tromso.nord4", "Andreas Moen", "municipal_nurse", "tromso-nord", C_PUMP | C_ASEPTIC, "+47 900 00 214"},
    {"tromso.kvaloya1", "Camilla Strand", "super_user", "tromso-kvaloya", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 221"},
    {"tromso.kvaloya2", "Martin Halvorsen", "municipal_nurse", "tromso-kvaloya", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 222"},
    {"tromso.kvaloya3", "Ingrid Aas", "municipal_nurse", "tromso-kvaloya", C_PUMP | C_LINE, "+47 900 00 223"},
    {"tromso.kvaloya4", "Even Lund", "municipal_nurse", "tromso-kvaloya", C_ASEPTIC | C_LINE, "+47 900 00 224"},
    {"senja1", "Tone Mathisen", "super_user", "senja-finnsnes", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 301"},
    {"senja2", "Per Antonsen", "municipal_nurse", "senja-finnsnes", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 302"},
    {"senja3", "Linn Isaksen", "municipal_nurse", "senja-finnsnes", C_PUMP | C_LINE, "+47 900 00 303"},
    {"senja4", "Rune Hansen", "municipal_nurse", "senja-finnsnes", C_ASEPTIC, "+47 900 00 304"},
    {"kvaenangen1", "Berit Olsen", "super_user", "kvaenangen-burfjord", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 401"},
    {"kvaenangen2", "Geir Nilsen", "municipal_nurse", "kvaenangen-burfjord", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 402"},
    {"kvaenangen3", "Anne Johnsen", "municipal_nurse", "kvaenangen-burfjord", C_PUMP | C_LINE, "+47 900 00 403"},
    {"berlevag1", "Randi Jakobsen", "super_user", "berlevag-sentrum", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 501"},
    {"berlevag2", "Knut Persen", "municipal_nurse", "berlevag-sentrum", C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 502"},
    {"berlevag3", "Elin Hansen", "municipal_nurse", "berlevag-sentrum", C_PUMP | C_LINE, "+47 900 00 503"},
    {"operator1", "Stine Berntsen", "operator", "rro-nord", 0, "+47 900 00 601"},
    {"operator2", "Vegard Solheim", "operator", "rro-nord", 0, "+47 900 00 602"},
    {"operator3", "Mari Wold", "operator", "rro-nord", 0, "+47 900 00 603"},
    {"logistikk1", "Arne Hagen", "logistics", "depot-tromso", 0, "+47 900 00 701"},
    {"logistikk2", "Siri Mikkelsen", "logistics", "depot-finnmark", 0, "+47 900 00 702"},
    {"analytiker1", "Jorunn Eide", "analyst", "unn", 0, "+47 900 00 801"},
    {"admin", "Tor Admin", "admin", "unn", 0, "+47 900 00 901"},
};

static const char *const first_names[] = {
    "Astrid", "Bjørn", "Dagny", "Einar", "Frida", "Gunnar", "Hilde", "Ivar", "Jorunn", "Kjell",
    "Liv", "Mons", "Nils", "Oddny", "Petter", "Ragnhild", "Sverre", "Tove", "Ulf", "Vigdis",
};
static const char *const last_names[] = {
    "Aune", "Brekke", "Dahl", "Eliassen", "Fjeld", "Gundersen", "Hoff", "Iversen", "Jenssen",
    "Kvalvik", "Lyngstad", "Myrvang", "Nordli", "Opsahl", "Pettersen", "Rasmussen",
    "Sandvik", "Tollefsen", "Vik", "Øien",
};
static const char *const streets[] = {"Storgata", "Fjellveien", "Havnegata", "Skolegata",
                                      "Kirkeveien", "Strandveien", "Nordre vei", "Bjørkeveien"};

/* Demo patients: where they live and how far along their episode is. */
struct patient_row {
    const char *zone;
    const char *target; /* the episode state to reach */
    int days_ago;       /* when the referral happened */
};

static const struct patient_row demo_patients[] = {
    {"tromso-sentrum", "active", 9},       {"tromso-sentrum", "active", 4},
    {"tromso-nord", "active", 12},         {"tromso-kvaloya", "active", 6},
    {"senja-finnsnes", "active", 8},       {"berlevag-sentrum", "active", 5},
    {"kvaenangen-burfjord", "readmitted", 10}, {"tromso-nord", "referred", 0},
    {"senja-finnsnes", "referred", 1},     {"tromso-kvaloya", "approved", 1},
    {"tromso-sentrum", "trained", 2},      {"tromso-nord", "completed", 30},
    {"senja-finnsnes", "discontinued", 20},
};

/* ---- helpers ---- */

static unsigned rng_next(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

static const struct org_row *org_by_code(const char *code)
{
    for (size_t i = 0; i < sizeof orgs / sizeof orgs[0]; i++)
        if (strcmp(orgs[i].code, code) == 0)
            return &orgs[i];
    return NULL;
}

static const char *root_code(const char *code)
{
    const struct org_row *o = org_by_code(code);
    while (o && o->parent)
        o = org_by_code(o->parent);
    return o ? o->code : code;
}

json_t *hm_demo_accounts(void)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++) {
        const struct staff_row *s = &staff[i];
        const struct org_row *o = org_by_code(s->org);
        const struct org_row *root = org_by_code(root_code(s->org));
        char pw[96];
        snprintf(pw, sizeof pw, HM_DEMO_PASSWORD_PREFIX "%s", s->username);
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "username", s->username, "password",
                           pw, "role", s->role, "organisation", o->name, "municipality",
                           strcmp(root->kind, "municipality") == 0 ? json_string(root->name)
                                                                   : json_null(),
                           "name", s->name));
    }
    /* Patient accounts: the first demo patients, who report from home. */
    for (int i = 1; i <= 3; i++) {
        const struct patient_row *p = &demo_patients[i - 1];
        const struct org_row *root = org_by_code(root_code(p->zone));
        char user[32], pw[96];
        snprintf(user, sizeof user, "pasient%d", i);
        snprintf(pw, sizeof pw, HM_DEMO_PASSWORD_PREFIX "%s", user);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", user,
                                             "password", pw, "role", "patient", "organisation",
                                             root->name, "municipality", root->name));
    }
    return arr;
}

int hm_demo_is_empty(hm_store *st, int *empty, hm_err *err)
{
    hm_db *db;
    int rc = hm_store_read_begin(st, &db, err);
    if (rc)
        return rc;
    int64_t n = 0;
    rc = hm_db_query_int(db, "SELECT count(*) FROM org", HM_NOARGS, &n, err);
    hm_store_read_end(st, db);
    if (!rc)
        *empty = n == 0;
    return rc;
}

/* ---- loading: organisations, staff, accounts, pumps ---- */

struct base_load {
    const struct hm_demo_opts *opts;
    char (*hashes)[128]; /* one per staff row */
    char (*patient_hashes)[128];
    int extra_zones;
    char (*extra_hashes)[128]; /* two nurses per extra zone */
};

static int64_t org_id(hm_db *db, const char *code)
{
    int64_t id = 0;
    hm_db_query_int(db, "SELECT id FROM org WHERE code = ?", HM_ARGS(HM_S(code)), &id, NULL);
    return id;
}

static int insert_staff(hm_db *db, const char *username, const char *name, const char *role,
                        int64_t org, int comps, const char *phone, const char *hash,
                        const char *today, const char *soon, hm_err *err)
{
    int64_t sid;
    int rc = hm_db_query_int(db,
                             "INSERT INTO staff (org_id, name, role, phone) VALUES (?, ?, ?, ?)"
                             " RETURNING id",
                             HM_ARGS(HM_I(org), HM_S(name), HM_S(role), HM_S(phone)), &sid, err);
    if (rc)
        return rc;
    static const struct {
        int bit;
        const char *kind;
    } kinds[] = {{C_PUMP, "infusion_pump"},
                 {C_ASEPTIC, "aseptic_compounding"},
                 {C_LINE, "central_line_care"}};
    for (size_t k = 0; k < 3 && rc == HM_OK; k++)
        if (comps & kinds[k].bit)
            rc = hm_db_exec(db,
                            "INSERT INTO competence (staff_id, kind, trained_on, expires_on)"
                            " VALUES (?, ?, ?, ?)",
                            HM_ARGS(HM_I(sid), HM_S(kinds[k].kind), HM_S(today),
                                    HM_S((sid + (int64_t)k) % 7 == 0 ? soon : "2028-06-30")),
                            err);
    if (!rc)
        rc = hm_db_exec(db,
                        "INSERT INTO account (username, pw_hash, role, staff_id) VALUES (?, ?, ?, ?)",
                        HM_ARGS(HM_S(username), HM_S(hash), HM_S(role), HM_I(sid)), err);
    return rc;
}

static int base_job(hm_db *db, void *arg, hm_err *err)
{
    struct base_load *b = arg;
    int rc = HM_OK;
    for (size_t i = 0; i < sizeof orgs / sizeof orgs[0] && !rc; i++) {
        int64_t id;
        rc = hm_care_org_insert(db, orgs[i].code, orgs[i].parent ? org_id(db, orgs[i].parent) : 0,
                        orgs[i].kind, orgs[i].name, orgs[i].lat, orgs[i].lon, &id, err);
    }
    static const char *const served[] = {"tromso", "senja", "kvaenangen", "berlevag"};
    for (size_t i = 0; i < 4 && !rc; i++)
        rc = hm_db_exec(db, "INSERT INTO org_serves (centre_id, municipality_id) VALUES (?, ?)",
                        HM_ARGS(HM_I(org_id(db, "rro-nord")), HM_I(org_id(db, served[i]))), err);
    for (size_t i = 0; i < sizeof staff / sizeof staff[0] && !rc; i++)
        rc = insert_staff(db, staff[i].username, staff[i].name, staff[i].role,
                          org_id(db, staff[i].org), staff[i].competences, staff[i].phone,
                          b->hashes[i], "2025-09-01", "2026-12-15", err);
    /* Benchmark scaling: more zones in Tromsø, two nurses each. */
    for (int z = 0; z < b->extra_zones && !rc; z++) {
        char code[32], name[64], user[40];
        snprintf(code, sizeof code, "tromso-x%d", z + 1);
        snprintf(name, sizeof name, "Tromsø sone %d", z + 4);
        int64_t id;
        double a = z * 0.7;
        rc = hm_care_org_insert(db, code, org_id(db, "tromso"), "zone", name, 69.65 + 0.05 * sin(a),
                        18.95 + 0.15 * cos(a), &id, err);
        for (int k = 0; k < 2 && !rc; k++) {
            snprintf(user, sizeof user, "%s.%d", code, k + 1);
            rc = insert_staff(db, user, "Demo Sykepleier", k ? "municipal_nurse" : "super_user",
                              id, C_PUMP | C_ASEPTIC | C_LINE, "+47 900 00 000",
                              b->extra_hashes[z * 2 + k], "2025-09-01", "2027-09-01", err);
        }
    }
    /* Pumps: the Tromsø depot has too few, Finnmark some; the scaled region one per patient. */
    int pumps_tromso = DEMO_PUMPS_TROMSO + (b->opts ? b->opts->extra_patients : 0);
    int pumps_finnmark = 6;
    for (int i = 0; i < pumps_tromso + pumps_finnmark && !rc; i++) {
        char serial[32], due[11];
        int fin = i >= pumps_tromso;
        snprintf(serial, sizeof serial, "CS%s-%05d", fin ? "FIN" : "TRO",
                 fin ? i - pumps_tromso + 1 : i + 1);
        snprintf(due, sizeof due, "2027-%02d-15", 1 + i % 12);
        rc = hm_db_exec(db,
                        "INSERT INTO device (serial, kind, model, depot_id, service_due)"
                        " VALUES (?, 'infusion_pump', 'CADD-Solis VIP', ?, ?)",
                        HM_ARGS(HM_S(serial), HM_I(org_id(db, fin ? "depot-finnmark"
                                                                  : "depot-tromso")),
                                HM_S(i == 3 ? "2026-11-30" : due)),
                        err);
    }
    /* Devices that monitor a patient at home, at the Tromsø depot (synthetic models). Their
     * serials sort after the pumps'. */
    static const struct {
        const char *prefix, *kind, *model;
        int n;
    } monitors[] = {{"MON-OXI", "pulse_oximeter", "Pulse oximeter, Bluetooth (demo)", 4},
                    {"MON-BPM", "blood_pressure_monitor", "Blood-pressure monitor (demo)", 2},
                    {"MON-TMP", "thermometer", "Ear thermometer (demo)", 2}};
    for (size_t k = 0; k < sizeof monitors / sizeof monitors[0] && !rc; k++)
        for (int i = 0; i < monitors[k].n && !rc; i++) {
            char serial[32];
            snprintf(serial, sizeof serial, "%s-%03d", monitors[k].prefix, i + 1);
            rc = hm_db_exec(db,
                            "INSERT INTO device (serial, kind, model, depot_id) VALUES (?,?,?,?)",
                            HM_ARGS(HM_S(serial), HM_S(monitors[k].kind), HM_S(monitors[k].model),
                                    HM_I(org_id(db, "depot-tromso"))),
                            err);
        }
    return rc;
}

/* ---- rosters: who works when in each zone ---- */

/* Two weeks back and three ahead of the load. Weekdays: an evening shift (the bag changes of
 * two-bag regimens fall in the evening) and everyone else on days; weekends: one day and one
 * evening nurse. The evening rotates among the nurses trained on the pump, the weekend day
 * among all. */
#define ROSTER_DAYS_BACK 14
#define ROSTER_DAYS_AHEAD 21
#define ROSTER_MAX_NURSES 16

struct zone_nurses {
    int64_t id[ROSTER_MAX_NURSES];
    int pump[ROSTER_MAX_NURSES];
    int n, npump;
};

static int insert_demo_shift(hm_db *db, int64_t zone, int64_t staff_id, const char *day,
                             int evening, hm_err *err)
{
    /* Day 07:30-15:30, evening 15:00-23:00; a 30-minute break started in the shift's middle. */
    int start = evening ? 15 * 60 : 7 * 60 + 30, end = evening ? 23 * 60 : 15 * 60 + 30;
    int bfrom = evening ? 18 * 60 : 11 * 60, bto = evening ? 19 * 60 + 30 : 13 * 60;
    return hm_db_exec(db,
                      "INSERT INTO shift (org_id, staff_id, local_date, start_min, end_min,"
                      " break_from_min, break_to_min, break_min) VALUES (?, ?, ?, ?, ?, ?, ?, 30)",
                      HM_ARGS(HM_I(zone), HM_I(staff_id), HM_S(day), HM_I(start), HM_I(end),
                              HM_I(bfrom), HM_I(bto)),
                      err);
}

static int load_zone_nurses(hm_db *db, int64_t zone, struct zone_nurses *zn, hm_err *err)
{
    hm_cursor cur;
    memset(zn, 0, sizeof *zn);
    int rc = hm_db_query(db,
                         "SELECT s.id, EXISTS (SELECT 1 FROM competence c WHERE c.staff_id = s.id"
                         " AND c.kind = 'infusion_pump') FROM staff s JOIN org_ancestor a ON"
                         " a.org_id = s.org_id WHERE a.ancestor_id = ? AND s.active = 1 AND"
                         " s.role IN ('municipal_nurse','super_user') ORDER BY s.id",
                         HM_ARGS(HM_I(zone)), &cur, err);
    while (!rc) {
        int step = hm_cursor_next(&cur, err);
        if (step != HM_ROW) {
            rc = step == HM_DONE ? HM_OK : step;
            break;
        }
        if (zn->n < ROSTER_MAX_NURSES) {
            zn->id[zn->n] = hm_cursor_int(&cur, 0);
            zn->pump[zn->n] = (int)hm_cursor_int(&cur, 1);
            zn->npump += zn->pump[zn->n];
            zn->n++;
        }
    }
    hm_cursor_close(&cur);
    return rc;
}

/* The k-th pump-trained nurse (or the k-th nurse when nobody is). */
static int evening_nurse(const struct zone_nurses *zn, int k)
{
    if (!zn->npump)
        return k % zn->n;
    int want = k % zn->npump;
    for (int i = 0; i < zn->n; i++)
        if (zn->pump[i] && want-- == 0)
            return i;
    return 0;
}

static int roster_zone(hm_db *db, int64_t zone, hm_date today, hm_err *err)
{
    struct zone_nurses zn;
    int rc = load_zone_nurses(db, zone, &zn, err);
    for (int d = -ROSTER_DAYS_BACK; d <= ROSTER_DAYS_AHEAD && !rc && zn.n; d++) {
        hm_date date = hm_date_add_days(today, d);
        char day[11];
        hm_date_format(date, day);
        int k = d + ROSTER_DAYS_BACK + (int)zone;
        int weekend = hm_date_weekday(date) >= 6;
        int eve = zn.n > 1 ? evening_nurse(&zn, k) : -1;
        int weekend_day = (eve + 1 + k % (zn.n > 1 ? zn.n - 1 : 1)) % zn.n;
        for (int i = 0; i < zn.n && !rc; i++) {
            if (i == eve)
                rc = insert_demo_shift(db, zone, zn.id[i], day, 1, err);
            else if (!weekend || i == weekend_day)
                rc = insert_demo_shift(db, zone, zn.id[i], day, 0, err);
        }
    }
    return rc;
}

struct roster_load {
    int64_t now_ms;
};

static int roster_job(hm_db *db, void *arg, hm_err *err)
{
    struct roster_load *j = arg;
    hm_date today;
    int minutes;
    hm_utc_to_local(j->now_ms, &today, &minutes);
    /* The zone ids first: a statement is not kept open across the inserts. */
    int64_t nzones = 0;
    int rc = hm_db_query_int(db, "SELECT count(*) FROM org WHERE kind = 'zone'", HM_NOARGS,
                             &nzones, err);
    int64_t *zones = rc ? NULL : calloc((size_t)nzones + 1, sizeof *zones);
    if (!rc && !zones)
        rc = hm_err_set(err, HM_ENOMEM, "cannot build demo rosters: out of memory");
    hm_cursor cur;
    int64_t n = 0;
    if (!rc)
        rc = hm_db_query(db, "SELECT id FROM org WHERE kind = 'zone' ORDER BY id", HM_NOARGS,
                         &cur, err);
    while (!rc) {
        int step = hm_cursor_next(&cur, err);
        if (step != HM_ROW) {
            rc = step == HM_DONE ? HM_OK : step;
            hm_cursor_close(&cur);
            break;
        }
        if (n < nzones)
            zones[n++] = hm_cursor_int(&cur, 0);
    }
    for (int64_t i = 0; i < n && !rc; i++)
        rc = roster_zone(db, zones[i], today, err);
    free(zones);
    return rc;
}

/* ---- loading: patients through the care workflow ---- */

static int actor_for(hm_store *st, const char *username, hm_actor *a, hm_err *err)
{
    hm_db *db;
    int rc = hm_store_read_begin(st, &db, err);
    if (rc)
        return rc;
    hm_cursor cur;
    rc = hm_db_query(db,
                     "SELECT a.id, a.role, coalesce(a.staff_id, 0), coalesce(a.patient_id, 0),"
                     " coalesce(s.org_id, 0) FROM account a LEFT JOIN staff s ON s.id = a.staff_id"
                     " WHERE a.username = ?",
                     HM_ARGS(HM_S(username)), &cur, err);
    if (!rc) {
        rc = hm_cursor_next(&cur, err);
        if (rc == HM_ROW) {
            memset(a, 0, sizeof *a);
            a->account_id = hm_cursor_int(&cur, 0);
            snprintf(a->role, sizeof a->role, "%s", hm_cursor_text(&cur, 1));
            a->staff_id = hm_cursor_int(&cur, 2);
            a->patient_id = hm_cursor_int(&cur, 3);
            a->org_id = hm_cursor_int(&cur, 4);
            snprintf(a->username, sizeof a->username, "%s", username);
            rc = HM_OK;
        } else if (rc == HM_DONE) {
            rc = hm_err_set(err, HM_ENOTFOUND, "demo account %s is missing", username);
        }
        hm_cursor_close(&cur);
    }
    hm_store_read_end(st, db);
    return rc;
}

struct people {
    hm_actor physician, nurse;
};

/* Documentation that satisfies the IV template for each task kind; kinds not listed get {}. */
static json_t *demo_documentation(const char *kind, unsigned *seed)
{
    if (strcmp(kind, "vital_signs") == 0)
        return json_pack("{s:f, s:i, s:i, s:i, s:i, s:i, s:b, s:s}", "temperature",
                         36.5 + (rng_next(seed) % 12) / 10.0, "pulse", 64 + rng_next(seed) % 30,
                         "systolic_bp", 112 + rng_next(seed) % 30, "diastolic_bp",
                         68 + rng_next(seed) % 15, "resp_rate", 14 + rng_next(seed) % 5, "spo2",
                         95 + rng_next(seed) % 5, "on_oxygen", 0, "consciousness", "alert");
    if (strcmp(kind, "site_inspection") == 0)
        return json_pack("{s:[s], s:s}", "findings", "normal", "note", "Rolig innstikksted.");
    return json_object();
}

/* Documents the episode's tasks that ended before until_ms: most done, a few not done, and a
 * few left open so the demo shows missed tasks too. */
static void document_past_tasks(hm_care *care, int64_t episode, int64_t until_ms,
                                const hm_actor *fallback, unsigned *seed)
{
    hm_err err;
    hm_db *db;
    if (hm_store_read_begin(care->store, &db, &err))
        return;
    struct item {
        int64_t id, start, org;
        char kind[32];
    } *items = NULL;
    size_t n = 0, cap = 0;
    hm_cursor cur;
    if (hm_db_query(db,
                    "SELECT id, window_start_ms, org_id, kind FROM task WHERE episode_id = ? AND"
                    " state = 'planned' AND window_end_ms < ? ORDER BY window_start_ms",
                    HM_ARGS(HM_I(episode), HM_I(until_ms)), &cur, &err) == HM_OK) {
        while (hm_cursor_next(&cur, &err) == HM_ROW) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                struct item *g = realloc(items, cap * sizeof *items);
                if (!g)
                    break;
                items = g;
            }
            items[n].id = hm_cursor_int(&cur, 0);
            items[n].start = hm_cursor_int(&cur, 1);
            items[n].org = hm_cursor_int(&cur, 2);
            snprintf(items[n].kind, sizeof items[n].kind, "%s", hm_cursor_text(&cur, 3));
            n++;
        }
        hm_cursor_close(&cur);
    }
    /* A nurse of the task's organisation documents it. */
    for (size_t i = 0; i < n; i++) {
        hm_actor nurse = *fallback;
        int64_t acc = 0;
        if (hm_db_query_int(db,
                            "SELECT a.id FROM account a JOIN staff s ON s.id = a.staff_id WHERE"
                            " s.org_id = ? AND s.role IN ('municipal_nurse','super_user',"
                            "'hospital_nurse') ORDER BY a.id LIMIT 1",
                            HM_ARGS(HM_I(items[i].org)), &acc, &err) == HM_OK) {
            hm_cursor c2;
            if (hm_db_query(db,
                            "SELECT a.role, a.staff_id, s.org_id, a.username FROM account a JOIN"
                            " staff s ON s.id = a.staff_id WHERE a.id = ?",
                            HM_ARGS(HM_I(acc)), &c2, &err) == HM_OK) {
                if (hm_cursor_next(&c2, &err) == HM_ROW) {
                    nurse.account_id = acc;
                    snprintf(nurse.role, sizeof nurse.role, "%s", hm_cursor_text(&c2, 0));
                    nurse.staff_id = hm_cursor_int(&c2, 1);
                    nurse.org_id = hm_cursor_int(&c2, 2);
                    snprintf(nurse.username, sizeof nurse.username, "%s", hm_cursor_text(&c2, 3));
                }
                hm_cursor_close(&c2);
            }
        }
        hm_call call = {care, &nurse, items[i].start + 10 * 60000, "demo"};
        unsigned roll = rng_next(seed) % 100;
        json_t *out = NULL;
        if (roll < 90) {
            json_t *doc = demo_documentation(items[i].kind, seed);
            json_t *in = json_pack("{s:o}", "documentation", doc);
            if (hm_care_task_done(&call, items[i].id, in, &out, &err))
                HM_LOG(HM_LOG_DEBUG, "demo: task %lld not documented: %s",
                       (long long)items[i].id, err.msg);
            json_decref(in);
        } else if (roll < 95) {
            json_t *in = json_pack("{s:s}", "reason", "Pasienten var ikke hjemme.");
            hm_care_task_not_done(&call, items[i].id, in, &out, &err);
            json_decref(in);
        }
        json_decref(out);
    }
    free(items);
    hm_store_read_end(care->store, db);
}

/* ---- the patients' questionnaire ---- */

/* A value for a question (as GET .../questions shows it) that meets none of its alarm rules:
 * the first calm one of no, yes; the options in order; a scale or range from its middle
 * outwards. NULL when every candidate alerts (the demo then leaves the question out). */
static json_t *calm_answer(const struct hm_pathway *p, const json_t *q)
{
    const char *id = json_string_value(json_object_get(q, "id"));
    const char *type = json_string_value(json_object_get(q, "type"));
    double lo = json_number_value(json_object_get(q, "min"));
    double hi = json_number_value(json_object_get(q, "max"));
    const json_t *opts = json_object_get(q, "options");
    for (int k = 0; k < 32; k++) {
        json_t *v = NULL;
        if (strcmp(type, "yes_no") == 0 && k < 2)
            v = json_boolean(k == 1);
        else if (strcmp(type, "choice") == 0 && (size_t)k < json_array_size(opts))
            v = json_incref(json_object_get(json_array_get(opts, (size_t)k), "id"));
        else if (strcmp(type, "scale") == 0 || strcmp(type, "number") == 0) {
            /* middle, then one step below, one above, two below, ... */
            double step = strcmp(type, "scale") == 0 ? 1 : (hi - lo) / 20;
            double x = round((lo + hi) / 2) + (k % 2 ? -1 : 1) * ((k + 1) / 2) * step;
            v = x >= lo && x <= hi ? json_real(x) : NULL;
            if (v && strcmp(type, "scale") == 0) {
                json_decref(v);
                v = json_integer((json_int_t)x);
            }
        } else if (strcmp(type, "text") == 0 && k == 0)
            v = json_string("Alt vel.");
        if (!v)
            continue;
        hm_answer_alarm alarm;
        if (hm_pathway_check_answer(p, id, v, &alarm, NULL) == HM_OK && !alarm.priority)
            return v;
        json_decref(v);
    }
    return NULL;
}

/* The demo patient answered the required questions of the two days before today in the morning,
 * as their page sends them (a read of the questions, then one set of answers); today's are
 * left for whoever tries the patient page. */
static void demo_answers(hm_care *care, const char *username, int64_t patient_id, int64_t now)
{
    hm_actor who;
    hm_err err;
    const struct hm_pathway *p = hm_care_pathway(care, "iv-antibiotics");
    if (!p || actor_for(care->store, username, &who, &err) != HM_OK)
        return;
    hm_date today;
    int minutes;
    hm_utc_to_local(now, &today, &minutes);
    for (int back = 2; back >= 1; back--) {
        hm_date day = hm_date_add_days(today, -back);
        hm_call c = {care, &who, hm_local_to_utc_ms(day, 9 * 60 + 30 + back * 7), "demo"};
        json_t *view = NULL, *out = NULL, *answers = json_object();
        char date[11];
        hm_date_format(day, date);
        if (c.now_ms > now || hm_care_questions_due(&c, patient_id, date, &view, &err) != HM_OK) {
            json_decref(answers);
            continue;
        }
        size_t i;
        json_t *q;
        json_array_foreach(json_object_get(view, "questions"), i, q)
        {
            json_t *v = json_is_true(json_object_get(q, "required")) ? calm_answer(p, q) : NULL;
            if (v)
                json_object_set_new(answers, json_string_value(json_object_get(q, "id")), v);
        }
        json_t *in = json_pack("{s:s, s:o}", "date", date, "answers", answers);
        if (json_object_size(answers) && hm_care_answers_submit(&c, patient_id, in, &out, &err))
            HM_LOG(HM_LOG_DEBUG, "demo: answers of %s on %s not given: %s", username, date,
                   err.msg);
        json_decref(in);
        json_decref(out);
        json_decref(view);
    }
}

#define H (3600LL * 1000)
#define D (24 * H)

/* Carries one patient from referral to the target state. */
static int make_patient(hm_care *care, const struct people *pp, int index, const char *zone_code,
                        int64_t zone_id, const char *municipality, double lat, double lon,
                        const char *target, int days_ago, int64_t now, int document,
                        const char *pump, int64_t *patient_id_out, hm_err *err)
{
    unsigned seed = 7919u * (unsigned)index + 17u;
    int64_t t0 = now - days_ago * D - (int64_t)(rng_next(&seed) % 6) * H - 2 * H;
    char natid[12], name[96], address[128];
    /* Birth date and sequence from the index, so that every patient's id is distinct. */
    int year = 1935 + index % 60, month = 1 + index / 60 % 12, day = 1 + index / 720 % 28;
    int rc = hm_natid_synthetic(year * 10000 + month * 100 + day, (unsigned)(index / 20160),
                                natid, err);
    if (rc)
        return rc;
    snprintf(name, sizeof name, "%s %s",
             first_names[rng_next(&seed) % (sizeof first_names / sizeof first_names[0])],
             last_names[rng_next(&seed) % (sizeof last_names / sizeof last_names[0])]);
    snprintf(address, sizeof address, "%s %u, %s", streets[rng_next(&seed) % 8],
             1 + rng_next(&seed) % 80, municipality);
    double dlat = ((int)(rng_next(&seed) % 2000) - 1000) / 40000.0;
    double dlon = ((int)(rng_next(&seed) % 2000) - 1000) / 15000.0;

    json_t *in = json_pack(
        "{s:{s:s, s:s, s:s, s:f, s:f, s:s, s:I, s:s, s:s, s:[{s:s, s:s, s:s}]}, s:s}",
        "patient", "national_id", natid, "name", name, "address", address, "lat", lat + dlat,
        "lon", lon + dlon, "municipality", municipality, "zone", (json_int_t)zone_id, "language",
        index % 5 == 4 ? "en" : "nb", "phone", "+47 400 00 000", "next_of_kin", "name",
        "Pårørende Demo", "relation", "ektefelle", "phone", "+47 400 00 001", "pathway",
        "iv-antibiotics");
    json_t *out = NULL;
    hm_call c = {care, &pp->nurse, t0, "demo"};
    rc = hm_care_referral_create(&c, in, &out, err);
    json_decref(in);
    if (rc)
        return rc;
    int64_t episode = json_integer_value(json_object_get(out, "episode_id"));
    *patient_id_out = json_integer_value(json_object_get(out, "patient_id"));
    json_decref(out);
    (void)zone_code;

    /* The eligibility checklist; a fresh referral has one item still open. */
    const struct hm_pathway *p = hm_care_pathway(care, "iv-antibiotics");
    json_t *answers = json_object();
    size_t items = hm_pathway_eligibility_count(p);
    int fresh = strcmp(target, "referred") == 0;
    for (size_t i = 0; i < items; i++)
        json_object_set_new(answers, hm_pathway_eligibility_at(p, i)->id,
                            json_boolean(!(fresh && i == items - 1)));
    in = json_pack("{s:o}", "answers", answers);
    c = (hm_call){care, &pp->physician, t0 + H / 2, "demo"};
    rc = hm_care_eligibility_answer(&c, episode, in, &out, err);
    json_decref(in);
    json_decref(out);
    if (rc || fresh)
        return rc;

    c.now_ms = t0 + H;
    rc = hm_care_episode_approve(&c, episode, &out, err);
    if (rc)
        return rc;
    json_decref(out);
    if (strcmp(target, "approved") == 0)
        return HM_OK;

    /* Regimen: a drug from the catalogue, bags as its stability allows. */
    size_t ndrugs = hm_drug_catalogue_count(care->drugs);
    const hm_drug *drug = NULL;
    for (size_t k = 0; k < ndrugs && !drug; k++) {
        const hm_drug *d = hm_drug_catalogue_at(care->drugs, ((size_t)index + k) % ndrugs);
        if (d->max_bag_hours >= 12) /* one or two bags a day must be possible */
            drug = d;
    }
    if (!drug)
        return hm_err_set(err, HM_EINTERNAL, "the drug catalogue is empty");
    int bags = drug->max_bag_hours >= 24 && index % 2 ? 1 : 2;
    hm_date start, end, line;
    int m;
    hm_utc_to_local(t0 + D, &start, &m);
    hm_utc_to_local(t0 - 2 * H, &line, &m);
    end = hm_date_add_days(start, strcmp(target, "completed") == 0 ? 14 : 28);
    char s_start[11], s_end[11], s_line[11];
    hm_date_format(start, s_start);
    hm_date_format(end, s_end);
    hm_date_format(line, s_line);
    in = json_pack("{s:s, s:f, s:s, s:i, s:i, s:i, s:o, s:s, s:s, s:s, s:s, s:[s], "
                   "s:{s:[s, s], s:s}}",
                   "drug", drug->code, "dose", 2.0, "dose_unit", "g", "interval_hours", 8,
                   "infusion_minutes", 30, "bags_per_day", bags, "bag_change_times",
                   bags == 2 ? json_pack("[s, s]", "08:00", "20:00") : json_pack("[s]", "08:00"),
                   "line_type", index % 3 == 0 ? "port" : "PICC", "line_inserted", s_line,
                   "start_date", s_start, "end_date", s_end, "vitals_times", "09:00", "labs",
                   "weekdays", "mon", "thu", "time", "08:00");
    c.now_ms = t0 + 2 * H;
    rc = hm_care_regimen_set(&c, episode, in, &out, err);
    json_decref(in);
    if (rc)
        return rc;
    json_decref(out);

    /* A pump from the depot nearest the municipality. */
    hm_db *db;
    char serial[32] = "";
    if (pump)
        snprintf(serial, sizeof serial, "%s", pump);
    rc = hm_store_read_begin(care->store, &db, err);
    if (rc)
        return rc;
    hm_cursor cur;
    int finnmark = strcmp(municipality, "Berlevåg") == 0;
    rc = hm_db_query(db,
                     "SELECT serial FROM device WHERE status = 'available' AND serial LIKE ?"
                     " ORDER BY serial LIMIT 1",
                     HM_ARGS(HM_S(finnmark ? "CSFIN-%" : "CSTRO-%")), &cur, err);
    if (!rc) {
        if (!pump && hm_cursor_next(&cur, err) == HM_ROW)
            snprintf(serial, sizeof serial, "%s", hm_cursor_text(&cur, 0));
        hm_cursor_close(&cur);
    }
    hm_store_read_end(care->store, db);
    in = json_pack("{s:s}", "serial", serial);
    c = (hm_call){care, &pp->nurse, t0 + 3 * H, "demo"};
    rc = hm_care_pump_assign(&c, episode, in, &out, err);
    json_decref(in);
    if (rc)
        return rc;
    json_decref(out);

    c.now_ms = t0 + D - 4 * H;
    rc = hm_care_training_record(&c, episode, NULL, &out, err);
    if (rc)
        return rc;
    json_decref(out);
    if (strcmp(target, "trained") == 0)
        return HM_OK;

    c.now_ms = t0 + D - 2 * H;
    rc = hm_care_episode_activate(&c, episode, &out, err);
    if (rc)
        return rc;
    json_decref(out);

    int64_t until = now;
    if (strcmp(target, "completed") == 0)
        until = t0 + 15 * D;
    else if (strcmp(target, "discontinued") == 0)
        until = t0 + 6 * D;
    else if (strcmp(target, "readmitted") == 0)
        until = now - D;
    if (document)
        document_past_tasks(care, episode, until, &pp->nurse, &seed);

    c = (hm_call){care, &pp->physician, until, "demo"};
    if (strcmp(target, "readmitted") == 0) {
        c.actor = &pp->nurse;
        in = json_pack("{s:s}", "note", "Feber og frostanfall, innlagt for observasjon.");
        rc = hm_care_episode_readmit(&c, episode, in, &out, err);
        json_decref(in);
        json_decref(out);
    } else if (strcmp(target, "completed") == 0 || strcmp(target, "discontinued") == 0) {
        int completing = strcmp(target, "completed") == 0;
        in = json_pack("{s:s, s:s}", "outcome", completing ? "cured" : "worse", "note",
                       completing ? "Behandlingen fullført hjemme." : "Avsluttet, ble reinnlagt.");
        rc = hm_care_episode_end(&c, episode, target, in, &out, err);
        json_decref(in);
        json_decref(out);
    }
    return rc;
}

struct patient_account_job {
    int64_t patient_id;
    const char *username;
    const char *hash;
};

static int patient_account_job(hm_db *db, void *arg, hm_err *err)
{
    struct patient_account_job *j = arg;
    return hm_db_exec(db,
                      "INSERT INTO account (username, pw_hash, role, patient_id) VALUES"
                      " (?, ?, 'patient', ?)",
                      HM_ARGS(HM_S(j->username), HM_S(j->hash), HM_I(j->patient_id)), err);
}

/* The first demo patient (pasient1, at home in Tromsø sentrum) is monitored with a pulse
 * oximeter, a blood-pressure monitor and a thermometer besides her pump: `heime demo --pumpsim`
 * (make run) plays their readings (IHE PCD-01), which reach her record. */
static const char *const DEMO_MONITORS[] = {"MON-OXI-001", "MON-BPM-001", "MON-TMP-001"};

static int assign_demo_monitors(hm_care *care, const struct people *pp, int64_t patient_id,
                                int64_t now, hm_err *err)
{
    hm_db *db;
    int64_t episode = 0;
    int rc = hm_store_read_begin(care->store, &db, err);
    if (rc)
        return rc;
    rc = hm_db_query_int(db, "SELECT id FROM episode WHERE patient_id = ? AND state = 'active'",
                         HM_ARGS(HM_I(patient_id)), &episode, err);
    hm_store_read_end(care->store, db);
    for (size_t i = 0; i < sizeof DEMO_MONITORS / sizeof DEMO_MONITORS[0] && !rc; i++) {
        json_t *in = json_pack("{s:s}", "serial", DEMO_MONITORS[i]), *out = NULL;
        hm_call c = {care, &pp->nurse, now - 3 * D, "demo"};
        rc = hm_care_device_assign(&c, episode, in, &out, err);
        json_decref(in);
        json_decref(out);
    }
    return rc;
}

/* Scaled patients are created by several threads at once so that group commit batches them. */
struct scale_worker {
    hm_care *care;
    const struct people *pp;
    int first, count, per_zone;
    int64_t now;
    int64_t *zone_ids;
    int failures;
    hm_err err;
};

static void *scale_main(void *arg)
{
    struct scale_worker *w = arg;
    for (int i = w->first; i < w->first + w->count; i++) {
        int z = i / w->per_zone;
        int64_t pid;
        double a = z * 0.7;
        /* Each scaled patient has its own pump, so the threads never compete for one. */
        char pump[32];
        snprintf(pump, sizeof pump, "CSTRO-%05d", DEMO_PUMPS_TROMSO + 1 + i);
        if (make_patient(w->care, w->pp, 1000 + i, "", w->zone_ids[z], "Tromsø",
                         69.65 + 0.05 * sin(a), 18.95 + 0.15 * cos(a), "active", 1, w->now, 0,
                         pump, &pid, &w->err)) {
            w->failures++;
            HM_LOG(HM_LOG_WARN, "demo: scaled patient %d: %s", i, w->err.msg);
        }
    }
    return NULL;
}

int hm_demo_load(hm_care *care, const struct hm_demo_opts *opts, hm_err *err)
{
    struct hm_demo_opts defaults = {0, 20, 1};
    if (!opts)
        opts = &defaults;
    int per_zone = opts->patients_per_zone > 0 ? opts->patients_per_zone : 20;
    size_t nstaff = sizeof staff / sizeof staff[0];
    struct base_load b = {.opts = opts};
    b.extra_zones = (opts->extra_patients + per_zone - 1) / per_zone;
    b.hashes = calloc(nstaff, sizeof *b.hashes);
    b.patient_hashes = calloc(3, sizeof *b.patient_hashes);
    b.extra_hashes = calloc((size_t)b.extra_zones * 2 + 1, sizeof *b.extra_hashes);
    int rc = HM_OK;
    if (!b.hashes || !b.patient_hashes || !b.extra_hashes)
        rc = hm_err_set(err, HM_ENOMEM, "cannot load demo: out of memory");
    HM_LOG(HM_LOG_INFO, "demo: hashing %zu demo passwords (argon2id)", nstaff + 3);
    for (size_t i = 0; i < nstaff && !rc; i++) {
        char pw[96];
        snprintf(pw, sizeof pw, HM_DEMO_PASSWORD_PREFIX "%s", staff[i].username);
        rc = hm_password_hash(pw, b.hashes[i], err);
    }
    for (int i = 0; i < 3 && !rc; i++) {
        char pw[96];
        snprintf(pw, sizeof pw, HM_DEMO_PASSWORD_PREFIX "pasient%d", i + 1);
        rc = hm_password_hash(pw, b.patient_hashes[i], err);
    }
    for (int z = 0; z < b.extra_zones && !rc; z++)
        for (int k = 0; k < 2 && !rc; k++) {
            char pw[96];
            snprintf(pw, sizeof pw, HM_DEMO_PASSWORD_PREFIX "tromso-x%d.%d", z + 1, k + 1);
            rc = hm_password_hash_fast(pw, b.extra_hashes[z * 2 + k], err);
        }
    if (!rc)
        rc = hm_writer_submit(care->writer, base_job, &b, err);

    struct roster_load rl = {care->clock->now_ms(care->clock->ctx)};
    if (!rc)
        rc = hm_writer_submit(care->writer, roster_job, &rl, err);

    struct people pp;
    if (!rc)
        rc = actor_for(care->store, "lege1", &pp.physician, err);
    if (!rc)
        rc = actor_for(care->store, "sykepleier1", &pp.nurse, err);
    int64_t now = care->clock->now_ms(care->clock->ctx);
    hm_db *db = NULL;
    if (!rc)
        rc = hm_store_read_begin(care->store, &db, err);
    for (size_t i = 0; i < sizeof demo_patients / sizeof demo_patients[0] && !rc; i++) {
        const struct patient_row *p = &demo_patients[i];
        const struct org_row *zone = org_by_code(p->zone);
        const struct org_row *muni = org_by_code(root_code(p->zone));
        int64_t pid;
        rc = make_patient(care, &pp, (int)i + 1, p->zone, org_id(db, p->zone), muni->name,
                          zone->lat, zone->lon, p->target, p->days_ago, now, 1, NULL, &pid, err);
        if (!rc && i == 0)
            rc = assign_demo_monitors(care, &pp, pid, now, err);
        if (!rc && i < 3) {
            char user[32];
            snprintf(user, sizeof user, "pasient%zu", i + 1);
            struct patient_account_job j = {pid, user, b.patient_hashes[i]};
            rc = hm_writer_submit(care->writer, patient_account_job, &j, err);
            if (!rc)
                demo_answers(care, user, pid, now);
        }
    }
    int64_t *zone_ids = calloc((size_t)b.extra_zones + 1, sizeof *zone_ids);
    for (int z = 0; z < b.extra_zones && !rc && zone_ids; z++) {
        char code[32];
        snprintf(code, sizeof code, "tromso-x%d", z + 1);
        zone_ids[z] = org_id(db, code);
    }
    hm_store_read_end(care->store, db);
    if (!rc && opts->extra_patients > 0 && zone_ids) {
        enum { THREADS = 16 };
        pthread_t th[THREADS];
        struct scale_worker w[THREADS];
        int chunk = (opts->extra_patients + THREADS - 1) / THREADS;
        HM_LOG(HM_LOG_INFO, "demo: adding %d active patients in %d extra zones",
               opts->extra_patients, b.extra_zones);
        for (int t = 0; t < THREADS; t++) {
            int first = t * chunk;
            int count = first >= opts->extra_patients ? 0
                        : first + chunk > opts->extra_patients ? opts->extra_patients - first
                                                                : chunk;
            w[t] = (struct scale_worker){care, &pp, first, count, per_zone, now, zone_ids, 0, {0, ""}};
            pthread_create(&th[t], NULL, scale_main, &w[t]);
        }
        for (int t = 0; t < THREADS; t++) {
            pthread_join(th[t], NULL);
            if (w[t].failures && !rc)
                rc = hm_err_set(err, w[t].err.code, "demo scaling: %s", w[t].err.msg);
        }
    }
    free(zone_ids);
    free(b.hashes);
    free(b.patient_hashes);
    free(b.extra_hashes);
    return rc;
}
