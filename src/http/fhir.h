/* fhir.h: what the FHIR R4 facade's files (fhir*.c) share: OperationOutcome for errors, strict
 * search-parameter parsing, searchset Bundles with paging, references and ids, and heime's own
 * code systems. The facade only reads: each handler calls the same care/ read as the /api/v1
 * route it mirrors (same access policy, same audit row), then maps the rows to FHIR JSON. */
#ifndef HM_HTTP_FHIR_H
#define HM_HTTP_FHIR_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

/* Identifier systems of Norwegian national ids (Volven / HL7 Norway OIDs). */
#define HM_FHIR_FNR_SYSTEM "urn:oid:2.16.578.1.12.4.1.4.1"
#define HM_FHIR_DNR_SYSTEM "urn:oid:2.16.578.1.12.4.1.4.2"
/* heime's own code systems and identifier systems live under this base. */
#define HM_FHIR_BASE "https://fhir.heime.example"
/* Serial numbers of heime's devices (pumps, monitors). */
#define HM_FHIR_PUMP_SERIAL HM_FHIR_BASE "/sid/device-serial"
#define HM_FHIR_LOINC "http://loinc.org"
#define HM_FHIR_UCUM "http://unitsofmeasure.org"

#define HM_FHIR_COUNT_DEFAULT 50
#define HM_FHIR_COUNT_MAX 500
#define HM_FHIR_MAX_PARAMS 16

/* An error as an OperationOutcome: one issue, severity error, the FHIR issue code that
 * follows the heime error code, and msg as diagnostics. */
json_t *hm_fhir_outcome(int code, const char *msg);

/* Why nothing under /fhir/ answered method + url: HM_EUNSUPPORTED (a write, or another method
 * on a route that exists: 405) or HM_ENOTFOUND (unknown resource type, bad id), with msg. */
int hm_fhir_unrouted(const char *method, const char *url, int method_mismatch, char *msg,
                     size_t n);

/* A search's query string, checked against the resource's parameters: every name known (the
 * common _count, _offset, _format too), none twice, none empty. */
struct hm_fhir_query {
    const char *type; /* resource type searched */
    struct {
        const char *name, *value;
    } v[HM_FHIR_MAX_PARAMS];
    int n;
    int count;  /* page size (_count), 0: only the total */
    int offset; /* entries skipped (_offset, for the next links) */
};
int hm_fhir_query_parse(hm_req *r, const char *type, const char *const *allowed,
                        struct hm_fhir_query *q);
/* The value of a parameter, or NULL. */
const char *hm_fhir_query_get(const struct hm_fhir_query *q, const char *name);

/* The page the query asks for (_offset, _count) of all matches (stolen); *total: how many. */
json_t *hm_fhir_page(json_t *all, const struct hm_fhir_query *q, size_t *total);
/* Sets r's answer to a searchset Bundle of one page of resources (stolen) out of total
 * matches: entries with fullUrl and search mode, links self/next/previous. */
int hm_fhir_reply_bundle(hm_req *r, const struct hm_fhir_query *q, json_t *page, size_t total);

/* A reference parameter ("Patient/12", "12", or an absolute URL ending in Patient/12) of the
 * given type; HM_EINVAL naming the parameter otherwise. */
int hm_fhir_ref_param(const char *param, const char *value, const char *type, int64_t *id,
                      hm_err *err);
/* A numeric FHIR id; HM_ENOTFOUND "<Type>/<id> does not exist" for anything else. */
int hm_fhir_numeric_id(const char *type, const char *fid, int64_t *id, hm_err *err);
/* {"reference": "Type/id", "display"?: display} */
json_t *hm_fhir_ref(const char *type, int64_t id, const char *display);
/* FHIR dateTime of UTC milliseconds. */
json_t *hm_fhir_datetime(int64_t utc_ms);
/* The string at key k of a JSON object from care/, or "" when absent or not a string. */
const char *hm_fhir_str(const json_t *o, const char *k);
/* Does a token parameter match system|code? Alternatives separated by commas, each "code",
 * "system|code", "|code" (no system) or "system|". */
int hm_fhir_token_match(const char *param, const char *system, const char *code);

/* Appends the FHIR Observations of one stored observation (a row as care/observations.c
 * answers it: id, kind, values, source, observed_at, recorded_at, device) of patient to out:
 * one per vital sign, the rest as one survey Observation (fhir_observation.c). */
void hm_fhir_observations_map(const json_t *row, int64_t patient, json_t *out);
/* Sets value[x] of o (an Observation or a component) from one of heime's values: boolean,
 * whole number, decimal (a Quantity), text, a list of choices ("a, b"), else its JSON text. */
void hm_fhir_set_value(json_t *o, const json_t *v);

/* A questionnaire answer (as care/answers.c lists it) of patient as an Observation, id
 * "answer-<id>"; and the read of one by its answer id (fhir_answer.c). */
json_t *hm_fhir_answer_observation(const json_t *row, int64_t patient);
int hm_fhir_answer_read(hm_req *r, int64_t answer_id);

#endif
