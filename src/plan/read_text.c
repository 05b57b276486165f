/* read_text.c: readers for the two benchmark text formats: VRPLIB (CVRPLIB / DIMACS 2021 .vrp
 * files, node 1 is the depot, printed ids are node - 1) and Solomon's original text format
 * (printed ids are the CUST NO. column). Both read from a bounded buffer line by line; every
 * malformed line gives an error naming its line number, never a crash. */
#include "plan/vrp.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 1024
#define MAX_FIELDS 16

typedef struct cursor {
    const char *p, *end;
    int lineno;
    char line[LINE_MAX_LEN];
} cursor;

/* Copies the next line (without newline, trimmed) into c->line; 0 at end, -1 when too long. */
static int next_line(cursor *c)
{
    if (c->p >= c->end)
        return 0;
    const char *s = c->p;
    const char *e = memchr(s, '\n', (size_t)(c->end - s));
    if (!e)
        e = c->end;
    c->p = e < c->end ? e + 1 : e;
    c->lineno++;
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    if (e - s >= LINE_MAX_LEN)
        return -1;
    memcpy(c->line, s, (size_t)(e - s));
    c->line[e - s] = '\0';
    return 1;
}

/* Splits line into numbers; returns the count or -1 when a field is not a finite number. */
static int numbers(char *line, double *out, int max)
{
    int k = 0;
    char *s = line;
    for (;;) {
        while (*s && isspace((unsigned char)*s))
            s++;
        if (!*s)
            return k;
        if (k == max)
            return -1;
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (end == s || errno || !isfinite(v) || (*end && !isspace((unsigned char)*end)))
            return -1;
        out[k++] = v;
        s = end;
    }
}

static int is_int(double v, double lo, double hi)
{
    return v == floor(v) && v >= lo && v <= hi;
}

/* ---- VRPLIB ---- */

enum section { SEC_NONE, SEC_COORD, SEC_DEMAND, SEC_TW, SEC_SERVICE, SEC_DEPOT, SEC_SKIP };

typedef struct vrplib_state {
    int dim, vehicles;
    double capacity, service_all;
    int have_cap, have_service_all;
    unsigned char *seen; /* bit 1 coord, 2 demand, 4 tw, 8 service */
} vrplib_state;

static int header_value(const char *line, const char *key, const char **val)
{
    size_t k = strlen(key);
    if (strncmp(line, key, k) != 0)
        return 0;
    const char *s = line + k;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s != ':')
        return 0;
    s++;
    while (*s == ' ' || *s == '\t')
        s++;
    *val = s;
    return 1;
}

static int parse_header(cursor *c, vrplib_state *st, char *name, size_t name_len, hm_err *err)
{
    const char *v;
    double num[2];
    char tmp[LINE_MAX_LEN];
    if (header_value(c->line, "NAME", &v)) {
        snprintf(name, name_len, "%.63s", v);
        return HM_OK;
    }
    static const char *const numeric[] = {"DIMENSION", "VEHICLES", "CAPACITY", "SERVICE_TIME"};
    for (int i = 0; i < 4; i++) {
        if (!header_value(c->line, numeric[i], &v))
            continue;
        snprintf(tmp, sizeof tmp, "%s", v);
        if (numbers(tmp, num, 2) != 1 || num[0] < 0 || num[0] > 1e12)
            return hm_err_set(err, HM_EINVAL, "line %d: %s must be one non-negative number",
                              c->lineno, numeric[i]);
        if (i == 0) {
            if (!is_int(num[0], 2, HM__VRP_MAX_NODES))
                return hm_err_set(err, HM_ETOOBIG, "line %d: DIMENSION must be 2..%d", c->lineno,
                                  HM__VRP_MAX_NODES);
            st->dim = (int)num[0];
        } else if (i == 1) {
            if (!is_int(num[0], 1, 1e6))
                return hm_err_set(err, HM_EINVAL, "line %d: VEHICLES must be a positive integer",
                                  c->lineno);
            st->vehicles = (int)num[0];
        } else if (i == 2) {
            st->capacity = num[0];
            st->have_cap = 1;
        } else {
            st->service_all = num[0];
            st->have_service_all = 1;
        }
        return HM_OK;
    }
    if (header_value(c->line, "EDGE_WEIGHT_TYPE", &v)) {
        if (strncmp(v, "EUC_2D", 6) != 0)
            return hm_err_set(err, HM_EUNSUPPORTED, "line %d: EDGE_WEIGHT_TYPE %s not supported "
                              "(only EUC_2D)", c->lineno, v);
        return HM_OK;
    }
    if (header_value(c->line, "TYPE", &v) || header_value(c->line, "COMMENT", &v))
        return HM_OK;
    if (strchr(c->line, ':'))
        return HM_OK; /* other specification lines carry nothing we use */
    return hm_err_set(err, HM_EINVAL, "line %d: unexpected text '%.40s'", c->lineno, c->line);
}

static enum section section_of(const char *line)
{
    static const struct {
        const char *name;
        enum section sec;
    } tab[] = {{"NODE_COORD_SECTION", SEC_COORD},    {"DEMAND_SECTION", SEC_DEMAND},
               {"TIME_WINDOW_SECTION", SEC_TW},      {"SERVICE_TIME_SECTION", SEC_SERVICE},
               {"DEPOT_SECTION", SEC_DEPOT},         {"EDGE_WEIGHT_SECTION", SEC_SKIP}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(line, tab[i].name) == 0)
            return tab[i].sec;
    return SEC_NONE;
}

static int section_row(cursor *c, enum section sec, vrplib_state *st, hm__vrp *out, hm_err *err)
{
    static const int want[] = {0, 3, 2, 3, 2, 1, 0};
    static const char *const what[] = {"", "coordinates", "demand", "time window",
                                       "service time", "depot", ""};
    double f[MAX_FIELDS];
    int k = numbers(c->line, f, MAX_FIELDS);
    if (sec == SEC_DEPOT) {
        if (k != 1)
            return hm_err_set(err, HM_EINVAL, "line %d: bad DEPOT_SECTION entry", c->lineno);
        if (f[0] != -1 && f[0] != 1)
            return hm_err_set(err, HM_EUNSUPPORTED, "line %d: only node 1 may be the depot",
                              c->lineno);
        return HM_OK;
    }
    if (k != want[sec])
        return hm_err_set(err, HM_EINVAL, "line %d: %s row needs %d numbers", c->lineno, what[sec],
                          want[sec]);
    if (!is_int(f[0], 1, st->dim))
        return hm_err_set(err, HM_EINVAL, "line %d: node %.0f outside 1..%d", c->lineno, f[0],
                          st->dim);
    int i = (int)f[0] - 1;
    unsigned char bit = (unsigned char)(sec == SEC_COORD ? 1 : sec == SEC_DEMAND ? 2
                                        : sec == SEC_TW  ? 4 : 8);
    if (st->seen[i] & bit)
        return hm_err_set(err, HM_EINVAL, "line %d: node %d has two %s rows", c->lineno, i + 1,
                          what[sec]);
    st->seen[i] |= bit;
    if (sec == SEC_COORD) {
        out->x[i] = f[1];
        out->y[i] = f[2];
    } else if (sec == SEC_DEMAND) {
        out->demand[i] = f[1];
    } else if (sec == SEC_TW) {
        out->early[i] = f[1];
        out->late[i] = f[2];
    } else {
        out->service[i] = f[1];
    }
    return HM_OK;
}

static int vrplib_finish(vrplib_state *st, hm__vrp *out, hm_err *err)
{
    int have_tw = 0;
    for (int i = 0; i < st->dim; i++)
        have_tw |= st->seen[i] & 4;
    for (int i = 0; i < st->dim; i++) {
        if (!(st->seen[i] & 1))
            return hm_err_set(err, HM_EINVAL, "node %d has no coordinates", i + 1);
        if (have_tw && !(st->seen[i] & 4))
            return hm_err_set(err, HM_EINVAL, "node %d has no time window", i + 1);
        if (!have_tw) {
            out->early[i] = 0;
            out->late[i] = 1e9;
        }
        if (!(st->seen[i] & 8) && i > 0)
            out->service[i] = st->service_all;
        out->ids[i] = i;
    }
    out->vehicles = st->vehicles > 0 ? st->vehicles : st->dim - 1;
    out->capacity = st->capacity;
    return hm__vrp_validate(out, err);
}

int hm__read_vrplib(const char *text, size_t len, hm__vrp *out, hm_err *err)
{
    cursor c = {.p = text, .end = text + len};
    vrplib_state st = {0};
    hm__vrp p;
    memset(&p, 0, sizeof p);
    int rc = HM_OK, r;
    enum section sec = SEC_NONE;
    char name[64] = "";
    for (r = next_line(&c); r != 0; r = next_line(&c)) {
        if (r < 0) {
            rc = hm_err_set(err, HM_EINVAL, "line %d: longer than %d bytes", c.lineno,
                            LINE_MAX_LEN - 1);
            break;
        }
        if (c.line[0] == '\0')
            continue;
        if (strcmp(c.line, "EOF") == 0)
            break;
        enum section ns = section_of(c.line);
        if (ns != SEC_NONE) {
            if (ns == SEC_SKIP) {
                rc = hm_err_set(err, HM_EUNSUPPORTED, "line %d: explicit edge weights not "
                                "supported", c.lineno);
                break;
            }
            if (!st.dim) {
                rc = hm_err_set(err, HM_EINVAL, "line %d: section before DIMENSION", c.lineno);
                break;
            }
            if (!p.n) {
                rc = hm__vrp_alloc(&p, st.dim, err);
                if (rc != HM_OK)
                    break;
                st.seen = calloc((size_t)st.dim, 1);
                if (!st.seen) {
                    rc = hm_err_set(err, HM_ENOMEM, "out of memory reading instance");
                    break;
                }
            }
            sec = ns;
            continue;
        }
        if (sec == SEC_NONE) {
            rc = parse_header(&c, &st, name, sizeof name, err);
        } else {
            rc = section_row(&c, sec, &st, &p, err);
        }
        if (rc != HM_OK)
            break;
    }
    if (rc == HM_OK && !p.n)
        rc = hm_err_set(err, HM_EINVAL, "no NODE_COORD_SECTION found (not a VRPLIB file?)");
    if (rc == HM_OK && !st.have_cap)
        rc = hm_err_set(err, HM_EINVAL, "missing CAPACITY");
    if (rc == HM_OK)
        rc = vrplib_finish(&st, &p, err);
    free(st.seen);
    if (rc != HM_OK) {
        hm__vrp_free(&p);
        return rc;
    }
    snprintf(p.name, sizeof p.name, "%s", name);
    *out = p;
    return HM_OK;
}

/* ---- Solomon ---- */

/* Finds "NUMBER CAPACITY" and reads the numbers on the next non-empty line. */
static int solomon_vehicles(cursor *c, int *vehicles, double *cap, hm_err *err)
{
    int r = next_line(c);
    while (r > 0 && !(strstr(c->line, "NUMBER") && strstr(c->line, "CAPACITY")))
        r = next_line(c);
    if (r <= 0)
        return hm_err_set(err, HM_EINVAL, "no 'NUMBER CAPACITY' header (not a Solomon file?)");
    do
        r = next_line(c);
    while (r > 0 && c->line[0] == '\0');
    double f[4];
    if (r <= 0 || numbers(c->line, f, 4) != 2 || !is_int(f[0], 1, 1e6) || !(f[1] > 0))
        return hm_err_set(err, HM_EINVAL, "line %d: expected vehicle number and capacity",
                          c->lineno);
    *vehicles = (int)f[0];
    *cap = f[1];
    return HM_OK;
}

static int solomon_rows(cursor *c, double *rows, int *count, hm_err *err)
{
    int k = 0, r = next_line(c);
    while (r > 0 && !(strncmp(c->line, "CUST", 4) == 0 && strstr(c->line, "NO")))
        r = next_line(c);
    if (r <= 0)
        return hm_err_set(err, HM_EINVAL, "no 'CUST NO.' customer table");
    for (r = next_line(c); r != 0; r = next_line(c)) {
        if (r < 0)
            return hm_err_set(err, HM_EINVAL, "line %d: too long", c->lineno);
        if (c->line[0] == '\0')
            continue;
        if (k == HM__VRP_MAX_NODES)
            return hm_err_set(err, HM_ETOOBIG, "more than %d customer rows", HM__VRP_MAX_NODES);
        double f[MAX_FIELDS];
        if (numbers(c->line, f, MAX_FIELDS) != 7 || !is_int(f[0], 0, 1e9))
            return hm_err_set(err, HM_EINVAL, "line %d: customer row needs 7 numbers", c->lineno);
        memcpy(rows + 7 * k, f, 7 * sizeof(double));
        k++;
    }
    if (k < 2)
        return hm_err_set(err, HM_EINVAL, "customer table needs the depot and one customer");
    *count = k;
    return HM_OK;
}

int hm__read_solomon(const char *text, size_t len, hm__vrp *out, hm_err *err)
{
    cursor c = {.p = text, .end = text + len};
    char name[64] = "";
    int r;
    do
        r = next_line(&c);
    while (r > 0 && c.line[0] == '\0');
    if (r > 0)
        snprintf(name, sizeof name, "%.63s", c.line);
    int vehicles = 0, count = 0, rc;
    double cap = 0;
    rc = solomon_vehicles(&c, &vehicles, &cap, err);
    if (rc != HM_OK)
        return rc;
    double *rows = malloc(sizeof(double) * 7 * HM__VRP_MAX_NODES);
    if (!rows)
        return hm_err_set(err, HM_ENOMEM, "out of memory reading instance");
    rc = solomon_rows(&c, rows, &count, err);
    hm__vrp p;
    if (rc == HM_OK)
        rc = hm__vrp_alloc(&p, count, err);
    if (rc != HM_OK) {
        free(rows);
        return rc;
    }
    for (int i = 0; i < count; i++) {
        const double *f = rows + 7 * i;
        for (int j = 0; j < i; j++)
            if (p.ids[j] == (long)f[0])
                rc = hm_err_set(err, HM_EINVAL, "customer %.0f appears twice", f[0]);
        p.ids[i] = (long)f[0];
        p.x[i] = f[1];
        p.y[i] = f[2];
        p.demand[i] = f[3];
        p.early[i] = f[4];
        p.late[i] = f[5];
        p.service[i] = f[6];
    }
    free(rows);
    snprintf(p.name, sizeof p.name, "%s", name);
    p.vehicles = vehicles;
    p.capacity = cap;
    if (rc == HM_OK)
        rc = hm__vrp_validate(&p, err);
    if (rc != HM_OK) {
        hm__vrp_free(&p);
        return rc;
    }
    *out = p;
    return HM_OK;
}
