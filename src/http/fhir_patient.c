/* fhir_patient.c: heime's patient as a FHIR R4 Patient, read and searched (identifier with the
 * fødselsnummer / D-nummer OID, name, _id). Reads go through the same care/ calls as
 * GET /api/v1/patients[/{id}]: the same care relation, the same audit row; a search audits the
 * patients it answers. Birth date and gender come from the national id (its date digits and
 * the parity of the ninth digit), as Norwegian systems derive them. */
#include "http/fhir.h"
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

#include "base/natid.h"

/* The identifier system of a national id: D-numbers have 40 added to the day. */
static const char *natid_system(const char *nid)
{
    return nid[0] >= '4' && nid[0] <= '7' ? HM_FHIR_DNR_SYSTEM : HM_FHIR_FNR_SYSTEM;
}

/* name: text, family (the last word) and given (the words before it). */
static json_t *human_name(const char *full)
{
    json_t *n = json_pack("{s:s, s:s}", "use", "official", "text", full);
    const char *last = strrchr(full, ' ');
    if (!last || !last[1]) {
        json_object_set_new(n, "family", json_string(full));
        return n;
    }
    json_object_set_new(n, "family", json_string(last + 1));
    json_t *given = json_array();
    for (const char *w = full; w < last;) {
        size_t len = strcspn(w, " ");
        if (w + len > last)
            len = (size_t)(last - w);
        if (len)
            json_array_append_new(given, json_stringn(w, len));
        w += len + 1;
    }
    if (json_array_size(given))
        json_object_set_new(n, "given", given);
    else
        json_decref(given);
    return n;
}

static void add_birth_and_gender(json_t *p, const char *nid)
{
    int ymd = 0;
    if (hm_natid_validate(nid, NULL, &ymd, NULL) != HM_OK || strlen(nid) != 11)
        return;
    char date[16];
    snprintf(date, sizeof date, "%04d-%02d-%02d", ymd / 10000 % 10000, ymd / 100 % 100, ymd % 100);
    json_object_set_new(p, "birthDate", json_string(date));
    json_object_set_new(p, "gender", json_string((nid[8] - '0') % 2 ? "male" : "female"));
}

static json_t *address(const json_t *row)
{
    json_t *a =
        json_pack("{s:s, s:s, s:s, s:s}", "use", "home", "type", "physical", "text",
                  hm_fhir_str(row, "address"), "district", hm_fhir_str(row, "municipality"));
    json_t *lat = json_object_get(row, "lat"), *lon = json_object_get(row, "lon");
    if (json_is_number(lat) && json_is_number(lon))
        json_object_set_new(a, "extension",
                            json_pack("[{s:s, s:[{s:s, s:f}, {s:s, s:f}]}]", "url",
                                      "http://hl7.org/fhir/StructureDefinition/geolocation",
                                      "extension", "url", "latitude", "valueDecimal",
                                      json_number_value(lat), "url", "longitude", "valueDecimal",
                                      json_number_value(lon)));
    return a;
}

/* Next of kin as contacts: name, relation as text, phone. */
static json_t *contacts(const json_t *nok)
{
    json_t *out = json_array();
    size_t i;
    json_t *k;
    json_array_foreach(nok, i, k)
    {
        json_array_append_new(out, json_pack("{s:[{s:s}], s:{s:s}, s:[{s:s, s:s}]}", "relationship",
                                             "text", hm_fhir_str(k, "relation"), "name", "text",
                                             hm_fhir_str(k, "name"), "telecom", "system", "phone",
                                             "value", hm_fhir_str(k, "phone")));
    }
    return out;
}

/* A patient row of care/ (hm_care_patient_get, hm_care_patients_find) as a Patient. */
static json_t *patient_resource(const json_t *row)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(row, "id")));
    const char *nid = hm_fhir_str(row, "national_id");
    json_t *p = json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}], s:b, s:[o]}", "resourceType",
                          "Patient", "id", id, "identifier", "use", "official", "system",
                          natid_system(nid), "value", nid, "active", 1, "name",
                          human_name(hm_fhir_str(row, "name")));
    const char *phone = json_string_value(json_object_get(row, "phone"));
    if (phone && phone[0])
        json_object_set_new(p, "telecom",
                            json_pack("[{s:s, s:s, s:s}]", "system", "phone", "value", phone,
                                      "use", "home"));
    add_birth_and_gender(p, nid);
    json_object_set_new(p, "address", json_pack("[o]", address(row)));
    const char *lang = hm_fhir_str(row, "language");
    if (lang[0])
        json_object_set_new(p, "communication",
                            json_pack("[{s:{s:[{s:s, s:s}]}, s:b}]", "language", "coding",
                                      "system", "urn:ietf:bcp:47", "code", lang, "preferred", 1));
    json_t *nok = json_object_get(row, "next_of_kin");
    if (json_array_size(nok))
        json_object_set_new(p, "contact", contacts(nok));
    return p;
}

int hm_h_fhir_patient_read(hm_req *r)
{
    int64_t id;
    int rc = hm_fhir_numeric_id("Patient", r->fhir_id, &id, &r->err);
    if (rc)
        return rc;
    hm_call c = HM_REQ_CALL(r);
    json_t *row = NULL;
    rc = hm_care_patient_get(&c, id, &row, &r->err);
    if (rc)
        return rc;
    json_t *p = patient_resource(row);
    json_decref(row);
    return hm_req_reply(r, 200, p);
}

/* ---- search ---- */

/* One byte of UTF-8 text folded to lower case: ASCII, and the Latin-1 capitals (Æ Ø Å ...) as
 * the second byte of their two-byte form (0xC3 0x80..0x9E, not the multiplication sign). */
static unsigned char fold(const unsigned char *s, size_t i)
{
    unsigned char ch = s[i];
    if (ch >= 'A' && ch <= 'Z')
        return (unsigned char)(ch + 32);
    if (i > 0 && s[i - 1] == 0xC3 && ch >= 0x80 && ch <= 0x9E && ch != 0x97)
        return (unsigned char)(ch + 32);
    return ch;
}

/* FHIR string search: the name or any of its words starts with q, ignoring case. */
static int name_match(const char *name, const char *q)
{
    const unsigned char *n = (const unsigned char *)name, *t = (const unsigned char *)q;
    size_t ql = strlen(q), nl = strlen(name);
    for (size_t start = 0; start + ql <= nl; start++) {
        if (start > 0 && n[start - 1] != ' ' && n[start - 1] != '-')
            continue;
        size_t i = 0;
        while (i < ql && fold(n, start + i) == fold(t, i))
            i++;
        if (i == ql)
            return 1;
    }
    return 0;
}

struct patient_search {
    const char *identifier, *name, *id;
};

static int patient_matches(const json_t *row, void *cls)
{
    const struct patient_search *s = cls;
    const char *nid = hm_fhir_str(row, "national_id");
    if (s->identifier && !hm_fhir_token_match(s->identifier, natid_system(nid), nid))
        return 0;
    if (s->name && !name_match(hm_fhir_str(row, "name"), s->name))
        return 0;
    if (s->id) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(row, "id")));
        if (!hm_fhir_token_match(s->id, "", id))
            return 0;
    }
    return 1;
}

int hm_h_fhir_patient_search(hm_req *r)
{
    static const char *const params[] = {"identifier", "name", "_id", NULL};
    struct hm_fhir_query q;
    int rc = hm_fhir_query_parse(r, "Patient", params, &q);
    if (rc)
        return rc;
    struct patient_search s = {hm_fhir_query_get(&q, "identifier"), hm_fhir_query_get(&q, "name"),
                               hm_fhir_query_get(&q, "_id")};
    hm_patient_filter f = {patient_matches, &s, (size_t)q.offset, (size_t)q.count};
    hm_call c = HM_REQ_CALL(r);
    json_t *rows = NULL;
    size_t total = 0;
    rc = hm_care_patients_find(&c, &f, &rows, &total, &r->err);
    if (rc)
        return rc;
    json_t *page = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
        json_array_append_new(page, patient_resource(row));
    json_decref(rows);
    return hm_fhir_reply_bundle(r, &q, page, total);
}
