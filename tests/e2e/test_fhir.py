"""The FHIR R4 facade under /fhir/: the CapabilityStatement without a token; Patient,
Observation, EpisodeOfCare and Device read and searched with the /api/v1 token; the same care
relation as /api/v1 (a FHIR read never shows what /api/v1 refuses); one audit row per read,
as /api/v1 writes it; OperationOutcome errors for bad input, unknown types, unsupported search
parameters and writes. The node suite (tests/fhir) validates the resources against the R4
schema; this one checks the behaviour."""
import pytest

from e2e_util import new_patient

FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
FHIR_JSON = "application/fhir+json"
VITALS = {"temperature": 38.4, "pulse": 104, "systolic_bp": 118, "diastolic_bp": 76,
          "resp_rate": 22, "spo2": 94, "on_oxygen": False, "consciousness": "alert",
          "note": "Frysninger i kveld"}


@pytest.fixture(scope="module")
def case(heime):
    """A new Tromsø patient, referred, with one set of vital signs and one site inspection."""
    p = new_patient(zone=heime.org_id("tromso-sentrum"), name="Fhir Øyvind Testesen")
    r = heime.post("/api/v1/referrals", user="sykepleier1", json={"patient": p})
    assert r.status_code == 201, r.text
    pid, eid = r.json()["patient_id"], r.json()["episode_id"]
    r = heime.post(f"/api/v1/patients/{pid}/observations", user="tromso.sentrum2",
                   json={"kind": "vital_signs", "values": VITALS,
                         "observed_at": "2026-01-10T08:00:00Z"})
    assert r.status_code == 201, r.text
    vit = r.json()["id"]
    r = heime.post(f"/api/v1/patients/{pid}/observations", user="tromso.sentrum2",
                   json={"kind": "site_inspection",
                         "values": {"findings": ["redness"], "photo_taken": True},
                         "observed_at": "2026-01-11T08:00:00Z"})
    assert r.status_code == 201, r.text
    return {"patient": pid, "episode": eid, "natid": p["national_id"], "vitals": vit,
            "site": r.json()["id"]}


def fhir(heime, path, user=None, **kw):
    r = heime.get("/fhir/" + path, user=user, **kw)
    assert r.headers["Content-Type"].startswith(FHIR_JSON), r.headers
    return r


def outcome(r, status, code, text=""):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["resourceType"] == "OperationOutcome", body
    issue = body["issue"][0]
    assert issue["severity"] == "error" and issue["code"] == code, body
    assert text in issue["diagnostics"], body
    return issue["diagnostics"]


def audit_rows(heime, object_):
    return heime.sql("SELECT role, action FROM audit WHERE object = ?", (object_,))


def test_metadata_needs_no_token(heime):
    r = fhir(heime, "metadata")
    assert r.status_code == 200
    cs = r.json()
    assert cs["resourceType"] == "CapabilityStatement" and cs["fhirVersion"] == "4.0.1"
    assert "json" in cs["format"]
    types = {x["type"]: x for x in cs["rest"][0]["resource"]}
    assert set(types) == {"Patient", "Observation", "EpisodeOfCare", "Device"}
    assert {"identifier", "name", "_count"} <= {p["name"] for p in types["Patient"]["searchParam"]}
    assert {"patient", "category", "code", "_sort"} <= \
        {p["name"] for p in types["Observation"]["searchParam"]}


def test_patient_read_maps_what_heime_has(heime, case):
    r = fhir(heime, f"Patient/{case['patient']}", user="tromso.sentrum2")
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["resourceType"] == "Patient" and p["id"] == str(case["patient"])
    assert p["identifier"] == [{"use": "official", "system": FNR, "value": case["natid"]}]
    assert p["name"][0]["text"] == "Fhir Øyvind Testesen"
    assert p["name"][0]["family"] == "Testesen" and p["name"][0]["given"] == ["Fhir", "Øyvind"]
    assert p["telecom"][0] == {"system": "phone", "value": "+47 400 11 222", "use": "home"}
    assert p["address"][0]["text"] == "Testveien 1" and p["address"][0]["district"] == "Tromsø"
    assert p["gender"] in ("male", "female") and len(p["birthDate"]) == 10
    assert p["contact"][0]["name"]["text"] == "Pårørende Test"


def test_patient_search_by_identifier_and_name(heime, case):
    r = fhir(heime, "Patient", user="tromso.sentrum2",
             params={"identifier": f"{FNR}|{case['natid']}"})
    b = r.json()
    assert r.status_code == 200 and b["resourceType"] == "Bundle" and b["type"] == "searchset"
    assert b["total"] == 1 and b["entry"][0]["resource"]["id"] == str(case["patient"])
    assert b["entry"][0]["fullUrl"].endswith(f"/fhir/Patient/{case['patient']}")
    # The number alone matches too; another system does not.
    assert fhir(heime, "Patient", user="tromso.sentrum2",
                params={"identifier": case["natid"]}).json()["total"] == 1
    assert fhir(heime, "Patient", user="tromso.sentrum2",
                params={"identifier": f"urn:oid:1.2.3|{case['natid']}"}).json()["total"] == 0
    # Name: any word's start, case folded (Ø too).
    for q in ("øyv", "TESTES", "fhir øyvind"):
        ids = [e["resource"]["id"] for e in fhir(heime, "Patient", user="tromso.sentrum2",
                                                 params={"name": q}).json().get("entry", [])]
        assert str(case["patient"]) in ids, q
    assert "entry" not in fhir(heime, "Patient", user="tromso.sentrum2",
                               params={"name": "yvind"}).json()


def test_patient_search_shows_only_visible_patients_and_pages(heime, case):
    api = {p["id"] for p in heime.get("/api/v1/patients", user="tromso.sentrum2").json()}
    b = fhir(heime, "Patient", user="tromso.sentrum2", params={"_count": 500}).json()
    assert b["total"] == len(api) == len(b["entry"])
    assert {int(e["resource"]["id"]) for e in b["entry"]} == api
    page = fhir(heime, "Patient", user="tromso.sentrum2", params={"_count": 2}).json()
    assert page["total"] == len(api) and len(page["entry"]) == 2
    nxt = [link["url"] for link in page["link"] if link["relation"] == "next"]
    assert nxt and "_offset=2" in nxt[0]
    only_total = fhir(heime, "Patient", user="tromso.sentrum2", params={"_count": 0}).json()
    assert only_total["total"] == len(api) and "entry" not in only_total
    # Senja sees none of Tromsø's patients.
    senja = fhir(heime, "Patient", user="senja2", params={"identifier": case["natid"]}).json()
    assert senja["total"] == 0


def test_access_refusals_match_api_v1(heime, case):
    pid = case["patient"]
    for path in (f"Patient/{pid}", f"Observation?patient={pid}",
                 f"Observation/{case['vitals']}-heart-rate", f"EpisodeOfCare?patient={pid}",
                 f"EpisodeOfCare/{case['episode']}"):
        r = fhir(heime, path, user="berlevag2")
        outcome(r, 403, "forbidden", "no care relation")
        assert "Testesen" not in r.text and case["natid"] not in r.text
    assert heime.get(f"/api/v1/patients/{pid}", user="berlevag2").status_code == 403
    # Analysts and logistics see no patient data, as in /api/v1.
    for user in ("analytiker1", "logistikk1"):
        outcome(fhir(heime, f"Patient/{pid}", user=user), 403, "forbidden")
        outcome(fhir(heime, "Patient", user=user), 403, "forbidden")
    # A patient sees only their own record.
    own = heime.get("/api/v1/patients", user="pasient1").json()[0]["id"]
    b = fhir(heime, "Patient", user="pasient1").json()
    assert [e["resource"]["id"] for e in b["entry"]] == [str(own)]
    outcome(fhir(heime, f"Patient/{pid}", user="pasient1"), 403, "forbidden")
    # No token, a bad token.
    outcome(fhir(heime, f"Patient/{pid}"), 401, "login")
    r = fhir(heime, f"Patient/{pid}", headers={"Authorization": "Bearer nope"})
    outcome(r, 401, "login")
    assert r.headers.get("WWW-Authenticate") == "Bearer"


def test_vital_signs_map_to_loinc_and_ucum(heime, case):
    b = fhir(heime, "Observation", user="tromso.sentrum2",
             params={"patient": f"Patient/{case['patient']}", "category": "vital-signs"}).json()
    got = {e["resource"]["id"]: e["resource"] for e in b["entry"]}
    v = case["vitals"]
    want = {f"{v}-heart-rate": ("8867-4", "/min", 104), f"{v}-spo2": ("59408-5", "%", 94),
            f"{v}-body-temp": ("8310-5", "Cel", 38.4), f"{v}-resp-rate": ("9279-1", "/min", 22)}
    assert set(got) == set(want) | {f"{v}-bp"}
    for oid, (loinc, unit, value) in want.items():
        o = got[oid]
        assert o["status"] == "final" and o["subject"] == {"reference": f"Patient/{case['patient']}"}
        assert o["category"][0]["coding"][0]["code"] == "vital-signs"
        assert o["code"]["coding"][0] == {**o["code"]["coding"][0], "system": "http://loinc.org",
                                          "code": loinc}
        q = o["valueQuantity"]
        assert q["system"] == "http://unitsofmeasure.org" and q["code"] == unit
        assert q["value"] == value
        assert o["effectiveDateTime"].startswith("2026-01-10T08:00:00")
        assert o["note"] == [{"text": "Frysninger i kveld"}]
    assert "2708-6" in [c["code"] for c in got[f"{v}-spo2"]["code"]["coding"]]
    bp = got[f"{v}-bp"]
    assert bp["code"]["coding"][0]["code"] == "85354-9"
    comps = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in bp["component"]}
    assert comps["8480-6"]["value"] == 118 and comps["8462-4"]["value"] == 76
    assert comps["8480-6"]["code"] == "mm[Hg]"


def test_other_values_are_survey_observations(heime, case):
    r = fhir(heime, f"Observation/{case['vitals']}", user="tromso.sentrum2")
    assert r.status_code == 200, r.text
    o = r.json()
    assert o["category"][0]["coding"][0]["code"] == "survey"
    assert o["code"]["coding"][0]["code"] == "vital_signs"
    comps = {c["code"]["coding"][0]["code"]: c for c in o["component"]}
    assert comps["on_oxygen"]["valueBoolean"] is False
    assert comps["consciousness"]["valueString"] == "alert"
    site = fhir(heime, f"Observation/{case['site']}", user="tromso.sentrum2").json()
    assert site["code"]["coding"][0]["code"] == "site_inspection"
    comps = {c["code"]["coding"][0]["code"]: c for c in site["component"]}
    assert comps["photo_taken"]["valueBoolean"] is True
    assert "redness" in comps["findings"]["valueString"]


def test_observation_search_filters_sorts_and_pages(heime, case):
    pid = case["patient"]

    def ids(**params):
        b = fhir(heime, "Observation", user="lege1", params={"patient": pid, **params}).json()
        return b["total"], [e["resource"]["id"] for e in b.get("entry", [])]

    total, newest = ids()
    assert total == 7 and newest[0] == str(case["site"])  # newest first by default
    _, oldest = ids(_sort="date")
    assert oldest[-1] == str(case["site"]) and oldest[0].startswith(f"{case['vitals']}-")
    assert ids(code="8867-4") == (1, [f"{case['vitals']}-heart-rate"])
    assert ids(code="http://loinc.org|85354-9")[1] == [f"{case['vitals']}-bp"]
    assert ids(code="8867-4,8310-5")[0] == 2
    assert ids(code="http://snomed.info/sct|8867-4")[0] == 0
    assert ids(category="survey")[0] == 2
    assert ids(_count=3) == (7, newest[:3])
    assert ids(_count=3, _offset=3) == (7, newest[3:6])
    b = fhir(heime, "Observation", user="lege1", params={"subject": f"Patient/{pid}"}).json()
    assert b["total"] == 7


def test_episode_of_care(heime, case):
    r = fhir(heime, f"EpisodeOfCare/{case['episode']}", user="lege1")
    assert r.status_code == 200, r.text
    e = r.json()
    assert e["status"] == "planned"  # referred, not yet at home
    assert e["patient"] == {"reference": f"Patient/{case['patient']}"}
    assert e["managingOrganization"]["reference"] == "Organization/2"
    assert e["period"]["start"].endswith("Z") and "end" not in e["period"]
    b = fhir(heime, "EpisodeOfCare", user="lege1",
             params={"patient": f"Patient/{case['patient']}"}).json()
    assert [x["resource"]["id"] for x in b["entry"]] == [str(case["episode"])]
    assert fhir(heime, "EpisodeOfCare", user="lege1",
                params={"patient": case["patient"], "status": "active"}).json()["total"] == 0
    # The demo's active episodes are active in FHIR too.
    active = heime.sql("SELECT id FROM episode WHERE state = 'active' LIMIT 1")[0][0]
    assert fhir(heime, f"EpisodeOfCare/{active}", user="lege1").json()["status"] == "active"
    outcome(fhir(heime, "EpisodeOfCare/999999", user="lege1"), 404, "not-found")


def test_device(heime):
    b = fhir(heime, "Device", user="logistikk1").json()
    api = heime.get("/api/v1/devices", user="logistikk1").json()
    assert b["total"] == len(api)
    pump = api[0]
    d = fhir(heime, f"Device/{pump['id']}", user="logistikk1").json()
    assert d["serialNumber"] == pump["serial"] and d["identifier"][0]["value"] == pump["serial"]
    assert d["status"] == ("active" if pump["status"] in ("available", "assigned") else "inactive")
    assert "patient" not in d
    found = fhir(heime, "Device", user="logistikk1", params={"identifier": pump["serial"]}).json()
    assert found["total"] == 1
    outcome(fhir(heime, "Device", user="tromso.sentrum2"), 403, "forbidden")
    outcome(fhir(heime, "Device/999999", user="logistikk1"), 404, "not-found")


def test_reads_are_audited_like_api_v1(heime, case):
    pid = case["patient"]
    before = len(audit_rows(heime, f"patient/{pid}"))
    assert fhir(heime, f"Patient/{pid}", user="tromso.sentrum2").status_code == 200
    assert len(audit_rows(heime, f"patient/{pid}")) == before + 1
    before = len(audit_rows(heime, f"patient/{pid}/observations"))
    assert fhir(heime, f"Observation?patient={pid}", user="tromso.sentrum2").status_code == 200
    assert len(audit_rows(heime, f"patient/{pid}/observations")) == before + 1
    obj = f"observation/{case['vitals']}"
    before = len(audit_rows(heime, obj))
    assert fhir(heime, f"Observation/{case['vitals']}-spo2", user="lege1").status_code == 200
    assert audit_rows(heime, obj)[before:] == [("physician", "read")]
    before = len(audit_rows(heime, f"episode/{case['episode']}"))
    assert fhir(heime, f"EpisodeOfCare/{case['episode']}", user="lege1").status_code == 200
    assert len(audit_rows(heime, f"episode/{case['episode']}")) == before + 1
    # A search audits the patients it answers, and only those.
    last = heime.sql("SELECT max(id) FROM audit")[0][0]
    fhir(heime, "Patient", user="tromso.sentrum2", params={"identifier": case["natid"]})
    rows = heime.sql("SELECT a.id, a.object, ap.patient_id FROM audit a JOIN"
                     " audit_patient ap ON ap.audit_id = a.id WHERE a.id > ? AND"
                     " a.role = 'municipal_nurse' ORDER BY a.id, ap.patient_id", (last,))
    assert [(obj, pat) for _, obj, pat in rows] == [("patients", pid)]
    # The patient sees the FHIR reads in their access log.
    log = heime.get(f"/api/v1/patients/{pid}/access-log", user="lege1").json()
    assert any(x["object"] == obj for x in log)
    # Refused reads change nothing.
    counts = heime.counts()
    fhir(heime, f"Patient/{pid}", user="berlevag2")
    fhir(heime, "Patient?birthdate=2000", user="lege1")
    outcome(fhir(heime, f"Observation/{case['vitals']}-nope", user="lege1"), 404, "not-found")
    assert heime.counts() == counts


@pytest.mark.parametrize("path,status,code,text", [
    ("Foo", 404, "not-found", "unknown resource type 'Foo'"),
    ("Patient/abc", 404, "not-found", "Patient/abc does not exist"),
    ("Patient/" + "9" * 30, 404, "not-found", ""),
    ("Patient/1;drop", 404, "not-found", ""),
    ("Patient?birthdate=1950", 400, "not-supported", "'birthdate'"),
    ("Patient?name:exact=Kari", 400, "not-supported", "'name:exact'"),
    ("Patient?name=", 400, "invalid", "'name' has no value"),
    ("Patient?name=a&name=b", 400, "not-supported", "more than once"),
    ("Patient?_count=-1", 400, "invalid", "'_count'"),
    ("Patient?_count=100000", 400, "invalid", "'_count'"),
    ("Patient?_count=abc", 400, "invalid", "'_count'"),
    ("Patient?_format=xml", 400, "not-supported", "only json"),
    ("Observation", 400, "invalid", "needs the 'patient' parameter"),
    ("Observation?patient=Device/3", 400, "invalid", "must reference a Patient"),
    ("Observation?patient=Patient/x", 400, "invalid", "not a Patient id"),
    ("Observation?patient=1&_sort=code", 400, "not-supported", "_sort"),
    ("Observation?patient=1&date=ge2026", 400, "not-supported", "'date'"),
    ("Observation/12345678-heart-rate", 404, "not-found", "does not exist"),
    ("Observation/x-1", 404, "not-found", "does not exist"),
    ("EpisodeOfCare", 400, "invalid", "needs the 'patient' parameter"),
    ("EpisodeOfCare?patient=1&type=x", 400, "not-supported", "'type'"),
])
def test_bad_input_gets_an_operation_outcome(heime, path, status, code, text):
    outcome(fhir(heime, path, user="lege1"), status, code, text)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_are_refused(heime, case, method):
    for path in ("Patient", f"Patient/{case['patient']}", "Observation", "metadata"):
        r = heime.call(method, "/fhir/" + path, user="lege1", json={"resourceType": "Patient"})
        assert r.headers["Content-Type"].startswith(FHIR_JSON)
        outcome(r, 405, "not-supported", "read-only")


def test_the_api_v1_errors_stay_plain_json(heime):
    r = heime.get("/api/v1/patients")
    assert r.status_code == 401 and r.json() == {"error": "missing bearer token"}
    assert r.headers["Content-Type"].startswith("application/json")


def test_device_vitals_are_vital_signs_with_their_device(heime):
    """PCD-01 values from a patient's monitor (kind device_vitals) map like a nurse's."""
    from test_alarms_mllp import assigned_serial, msa, send
    from test_device_vitals import pcd01
    serial = assigned_serial(heime, 2)

    def spo2_from_device():
        b = fhir(heime, "Observation", user="lege1",
                 params={"patient": 2, "code": "http://loinc.org|59408-5", "_count": 500}).json()
        return [e["resource"] for e in b.get("entry", [])
                if e["resource"].get("device", {}).get("identifier", {}).get("value") == serial]
    before = len(spo2_from_device())  # other tests' messages from the same pump count too
    msg, _ = pcd01(serial, [
        ("150456^MDC_PULS_OXIM_SAT_O2^MDC", "97", "262688^MDC_DIM_PERCENT^MDC", ""),
        ("149530^MDC_PULS_OXIM_PULS_RATE^MDC", "66", "264864^MDC_DIM_BEAT_PER_MIN^MDC", ""),
    ])
    assert msa(send(heime, msg))[0] == "AA"
    mine = spo2_from_device()
    assert len(mine) == before + 1 and mine[0]["valueQuantity"]["value"] == 97, mine
    assert mine[0]["category"][0]["coding"][0]["code"] == "vital-signs"


def test_questionnaire_answers_are_survey_observations(heime):
    """The demo's patients with accounts answered the two days before today."""
    pid = heime.get("/api/v1/patients", user="pasient1").json()[0]["id"]
    stored = heime.sql("SELECT id, question_id, value FROM answer WHERE patient_id = ?"
                       " ORDER BY answered_ms DESC, id DESC", (pid,))
    assert stored
    q = "https://fhir.heime.example/CodeSystem/question"
    b = fhir(heime, "Observation", user="pasient1",
             params={"patient": pid, "code": f"{q}|", "_count": 500}).json()
    assert [e["resource"]["id"] for e in b["entry"]] == [f"answer-{a[0]}" for a in stored]
    aid, question, value = stored[0]
    o = fhir(heime, f"Observation/answer-{aid}", user="lege1").json()
    assert o["category"][0]["coding"][0]["code"] == "survey"
    assert o["code"]["coding"][0] == {"system": q, "code": question}
    got = [v for k, v in o.items() if k.startswith("value")]
    assert got == [__import__("json").loads(value)]
    assert o["performer"][0]["reference"] == f"Patient/{pid}"
    # Same access and audit as the episode's answers in /api/v1.
    assert audit_rows(heime, f"answer/{aid}")[-1] == ("physician", "read")
    outcome(fhir(heime, f"Observation/answer-{aid}", user="berlevag2"), 403, "forbidden")
    outcome(fhir(heime, "Observation/answer-0", user="lege1"), 404, "not-found")
    outcome(fhir(heime, "Observation/answer-x", user="lege1"), 404, "not-found")
    # Newest first across measurements and answers; oldest first reverses the same list.
    newest = fhir(heime, "Observation", user="lege1", params={"patient": pid, "_count": 500})
    times = [e["resource"]["effectiveDateTime"] for e in newest.json()["entry"]]
    assert times == sorted(times, reverse=True)
    oldest = fhir(heime, "Observation", user="lege1",
                  params={"patient": pid, "_count": 500, "_sort": "date"}).json()
    assert [e["resource"]["effectiveDateTime"] for e in oldest["entry"]] == times[::-1]
