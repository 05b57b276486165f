/* fhir_metadata.c: GET /fhir/metadata, the CapabilityStatement: FHIR 4.0.1, JSON, read-only,
 * the four resource types with their search parameters. Answered without a token, as FHIR
 * servers do, so that clients can discover the server before they log in. Built from the table
 * below, the one list of what the facade serves besides the route table. */
#include "http/fhir.h"
#include "http/handlers.h"

#include "hm_config.h"

struct param {
    const char *name, *type, *doc;
};

static const struct param patient_params[] = {
    {"identifier", "token", "national id: " HM_FHIR_FNR_SYSTEM "|<fødselsnummer> (or the"
                            " D-nummer system)"},
    {"name", "string", "any word of the name starts with it, ignoring case"},
    {"_id", "token", "the patient's id"},
    {NULL, NULL, NULL},
}, observation_params[] = {
    {"patient", "reference", "required: Patient/<id> or <id>"},
    {"subject", "reference", "as patient"},
    {"category", "token", "vital-signs or survey"},
    {"code", "token", "LOINC code of a vital sign, or heime's observation kind"},
    {"_sort", "special", "date or -date (default: newest first)"},
    {NULL, NULL, NULL},
}, episode_params[] = {
    {"patient", "reference", "required: Patient/<id> or <id>"},
    {"status", "token", "planned, active, onhold, finished or cancelled"},
    {NULL, NULL, NULL},
}, device_params[] = {
    {"identifier", "token", "the pump's serial number"},
    {"status", "token", "active or inactive"},
    {NULL, NULL, NULL},
};

static json_t *resource(const char *type, const char *doc, const struct param *params)
{
    json_t *sp = json_array();
    for (int i = 0; params[i].name; i++)
        json_array_append_new(sp, json_pack("{s:s, s:s, s:s}", "name", params[i].name, "type",
                                            params[i].type, "documentation", params[i].doc));
    json_array_append_new(sp, json_pack("{s:s, s:s, s:s}", "name", "_count", "type", "number",
                                        "documentation", "page size, 0 to 500 (default 50)"));
    return json_pack("{s:s, s:s, s:[{s:s}, {s:s}], s:s, s:o}", "type", type, "documentation", doc,
                     "interaction", "code", "read", "code", "search-type", "versioning",
                     "no-version", "searchParam", sp);
}

int hm_h_fhir_metadata(hm_req *r)
{
    json_t *res = json_pack(
        "[o, o, o, o]",
        resource("Patient", "the patients the caller has a care relation to", patient_params),
        resource("Observation", "vital signs (vital-signs profile, LOINC, UCUM) and other"
                                " reported values (survey)",
                 observation_params),
        resource("EpisodeOfCare", "heime's episodes of care at home", episode_params),
        resource("Device", "infusion pumps", device_params));
    json_t *cs = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:{s:s}, s:s, s:[s, s], s:[{s:s, "
        "s:{s:s}, s:o}]}",
        "resourceType", "CapabilityStatement", "status", "active", "date", "2026-11-24",
        "publisher", "heime", "kind", "instance", "description",
        "heime's read-only FHIR R4 facade over its care data. Every request except this one"
        " needs the Bearer token of POST /api/v1/auth/login; access follows the care relation"
        " and every read is audited.",
        "name", "HeimeFhirFacade", "software", "name", "heime", "version", HM_VERSION,
        "implementation", "description", "heime FHIR R4 facade", "fhirVersion", "4.0.1", "format",
        "json", "application/fhir+json", "rest", "mode", "server", "security", "description",
        "Bearer token from POST /api/v1/auth/login (Authorization: Bearer <token>)", "resource",
        res);
    return hm_req_reply(r, 200, cs);
}
