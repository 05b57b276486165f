/* fhir_device.c: heime's pumps as FHIR R4 Devices (read, and search by serial or status): the
 * serial number as identifier and serialNumber, the model, the depot that owns it, and heime's
 * own status (available, assigned, service, retired) beside FHIR's active / inactive. Like
 * GET /api/v1/devices, which it reads, a Device names no patient: logistics staff see pumps,
 * not who wears them. */
#include "http/fhir.h"
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

#define STATUS_SYSTEM HM_FHIR_BASE "/CodeSystem/device-status"

static json_t *device_resource(const json_t *d)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(d, "id")));
    const char *status = hm_fhir_str(d, "status");
    int in_use = strcmp(status, "available") == 0 || strcmp(status, "assigned") == 0;
    const char *type = strcmp(hm_fhir_str(d, "kind"), "infusion_pump") == 0
                           ? "Ambulatory infusion pump"
                           : hm_fhir_str(d, "kind");
    json_t *r = json_pack(
        "{s:s, s:s, s:[{s:s, s:s}], s:s, s:s, s:[{s:s, s:s}], s:s, s:{s:s}, s:[{s:{s:s}, "
        "s:[{s:[{s:s, s:s}], s:s}]}]}",
        "resourceType", "Device", "id", id, "identifier", "system", HM_FHIR_PUMP_SERIAL, "value",
        hm_fhir_str(d, "serial"), "status", in_use ? "active" : "inactive", "serialNumber",
        hm_fhir_str(d, "serial"), "deviceName", "name", hm_fhir_str(d, "model"), "type",
        "model-name", "modelNumber", hm_fhir_str(d, "model"), "type", "text", type, "property",
        "type", "text", "heime status", "valueCode", "coding", "system", STATUS_SYSTEM, "code",
        status, "text", status);
    json_t *depot = json_object_get(d, "depot_id");
    if (json_is_integer(depot))
        json_object_set_new(r, "owner", hm_fhir_ref("Organization", json_integer_value(depot),
                                                     hm_fhir_str(d, "depot")));
    return r;
}

/* The pumps (every one: the list is the fleet, read in one query) as Devices that match. */
static int devices(hm_req *r, const char *identifier, const char *status, int64_t id,
                   json_t **out)
{
    hm_call c = HM_REQ_CALL(r);
    json_t *rows = NULL;
    int rc = hm_care_devices(&c, &rows, &r->err);
    if (rc)
        return rc;
    json_t *arr = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (id && json_integer_value(json_object_get(row, "id")) != id)
            continue;
        json_t *d = device_resource(row);
        int ok = (!identifier || hm_fhir_token_match(identifier, HM_FHIR_PUMP_SERIAL,
                                                     hm_fhir_str(row, "serial"))) &&
                 (!status ||
                  hm_fhir_token_match(status, "http://hl7.org/fhir/device-status",
                                      hm_fhir_str(d, "status")));
        if (ok)
            json_array_append_new(arr, d);
        else
            json_decref(d);
    }
    json_decref(rows);
    *out = arr;
    return HM_OK;
}

int hm_h_fhir_device_read(hm_req *r)
{
    int64_t id;
    int rc = hm_fhir_numeric_id("Device", r->fhir_id, &id, &r->err);
    json_t *arr = NULL;
    if (!rc)
        rc = devices(r, NULL, NULL, id, &arr);
    if (rc)
        return rc;
    json_t *d = json_incref(json_array_get(arr, 0));
    json_decref(arr);
    if (!d)
        return hm_err_set(&r->err, HM_ENOTFOUND, "Device/%s does not exist", r->fhir_id);
    return hm_req_reply(r, 200, d);
}

int hm_h_fhir_device_search(hm_req *r)
{
    static const char *const params[] = {"identifier", "status", NULL};
    struct hm_fhir_query q;
    int rc = hm_fhir_query_parse(r, "Device", params, &q);
    json_t *arr = NULL;
    if (!rc)
        rc = devices(r, hm_fhir_query_get(&q, "identifier"), hm_fhir_query_get(&q, "status"), 0,
                     &arr);
    if (rc)
        return rc;
    size_t total;
    json_t *page = hm_fhir_page(arr, &q, &total);
    return hm_fhir_reply_bundle(r, &q, page, total);
}
