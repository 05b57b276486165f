"""Every bad input of issue 3: each gets its HTTP status, a JSON body {"error": "..."} with a
clear message, and leaves nothing half-written (every table's row count, the audit log
included, is the same before and after; for referrals the physician's patient list too)."""
import secrets

import pytest
import requests

from e2e_util import (ELIGIBILITY, break_check_digit, impossible_date_natid, new_patient,
                      oslo_today, regimen)

@pytest.fixture(scope="module")
def fx(heime):
    """Episodes in the states the refusals need, and ids of things that exist."""
    zone = heime.org_id("tromso-sentrum")
    out = {"zone": zone, "senja": heime.org_id("senja"), "tromso": heime.org_id("tromso")}

    def refer(**kw):
        r = heime.post("/api/v1/referrals", user="sykepleier1",
                       json={"patient": new_patient(zone=zone, **kw)})
        assert r.status_code == 201, r.text
        eid = r.json()["episode_id"]
        r = heime.put(f"/api/v1/episodes/{eid}/eligibility", user="lege1",
                      json={"answers": {k: True for k in ELIGIBILITY}})
        assert r.status_code == 200, r.text
        return eid

    out["referred"] = refer()  # every item met: only the role can refuse approval
    eid = refer()
    assert heime.post(f"/api/v1/episodes/{eid}/approve", user="lege1").status_code == 200
    assert heime.put(f"/api/v1/episodes/{eid}/regimen", user="lege1",
                     json=regimen()).status_code == 200
    devices = heime.get("/api/v1/devices", user="sykepleier1").json()
    free = next(d["serial"] for d in devices if d["status"] == "available")
    r = heime.post(f"/api/v1/episodes/{eid}/pump", user="sykepleier1", json={"serial": free})
    assert r.status_code == 200, r.text
    out["approved"] = eid  # regimen and pump, but no training
    out["assigned_pump"] = free
    tomorrow = oslo_today().toordinal() + 1
    date = oslo_today().fromordinal(tomorrow)
    wl = heime.get(f"/api/v1/orgs/{zone}/tasks?date={date}", user="tromso.sentrum2").json()
    planned = [t for t in wl if t["state"] == "planned"]
    assert planned, "no planned Tromsø task tomorrow"
    out["tromso_task"] = planned[0]["id"]
    out["active"] = planned[0]["episode_id"]
    out["bag_task"] = next(t["id"] for t in planned if t["kind"] == "bag_change")
    return out


def referral(**patient_over):
    """A referral body whose patient has the given fields replaced (None: removed)."""
    p = new_patient()
    for k, v in patient_over.items():
        if v is None:
            p.pop(k)
        else:
            p[k] = v
    return {"patient": p}


def with_top(**top):
    body = referral()
    body.update(top)
    return body


# Each case: id, user, method, path, request (json= / data=), status, a piece of the clear
# message. Paths are formatted with the fx fixture. Bodies are built at import time; each
# referral has a fresh synthetic national id.
CASES = [
    # malformed and missing bodies
    ("malformed-json", "sykepleier1", "POST", "/api/v1/referrals",
     {"data": '{"patient": {"name": "x",}'}, 400, "malformed JSON"),
    ("truncated-json", "sykepleier1", "POST", "/api/v1/referrals",
     {"data": '{"patient": '}, 400, "malformed JSON"),
    ("body-not-object", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": [1, 2, 3]}, 400, "must be a JSON object"),
    ("no-body", "sykepleier1", "POST", "/api/v1/referrals", {}, 400, "must be a JSON object"),
    ("duplicate-key", "sykepleier1", "POST", "/api/v1/referrals",
     {"data": '{"patient": {}, "patient": {}}'}, 400, "malformed JSON"),
    # missing and wrong-typed fields
    ("missing-patient", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": {"pathway": "iv-antibiotics"}}, 400, "missing field 'patient'"),
    ("patient-not-object", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": {"patient": "Ola"}}, 400, "field 'patient' must be an object"),
    ("missing-name", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(name=None)}, 400, "patient: missing field 'name'"),
    ("missing-national-id", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(national_id=None)}, 400, "patient: missing field 'national_id'"),
    ("national-id-not-string", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(national_id=14836110006)}, 400,
     "patient: field 'national_id' must be a string"),
    ("lat-not-number", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(lat="north")}, 400, "patient: field 'lat' must be a number"),
    ("lat-out-of-range", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(lat=91)}, 400, "patient: field 'lat' must be between -90 and 90"),
    ("unknown-patient-field", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(shoe_size=44)}, 400, "patient: unknown field 'shoe_size'"),
    ("unknown-top-field", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": with_top(priority="high")}, 400, "unknown field 'priority'"),
    ("hospital-org-not-int", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": with_top(hospital_org="unn")}, 400, "field 'hospital_org' must be an integer"),
    ("next-of-kin-not-array", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(next_of_kin="my wife")}, 400, "next_of_kin"),
    ("language-unsupported", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(language="de")}, 400, "language"),
    # invalid national ids
    ("natid-bad-check-digit", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(national_id=break_check_digit("14836110006"))}, 400,
     "patient: national id check digit 2 is wrong"),
    ("natid-impossible-date", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(national_id=impossible_date_natid())}, 400,
     "patient: national id has an invalid date"),
    ("natid-too-short", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(national_id="1483611000")}, 400,
     "patient: national id must be 11 digits"),
    # unknown organisation or municipality
    ("unknown-municipality", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(municipality="Atlantis")}, 404, "unknown municipality 'Atlantis'"),
    ("unknown-zone", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(zone=999999)}, 404, "unknown zone 999999"),
    ("zone-of-other-municipality", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": referral(zone="{senja_zone}")}, 400, "is not in Tromsø"),
    ("unknown-hospital-org", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": with_top(hospital_org=999999)}, 404, "unknown hospital_org 999999"),
    ("hospital-org-wrong-kind", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": with_top(hospital_org="{tromso}")}, 400, "is a municipality"),
    ("unknown-home-care-org", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": with_top(home_care_org=999999)}, 404, "unknown home_care_org 999999"),
    ("unknown-pathway", "sykepleier1", "POST", "/api/v1/referrals",
     {"json": with_top(pathway="chemo-at-home")}, 404, "unknown pathway 'chemo-at-home'"),
    ("referral-by-municipal-nurse", "tromso.sentrum2", "POST", "/api/v1/referrals",
     {"json": referral()}, 403, "may not refer a patient"),
    # the eligibility checklist
    ("eligibility-unknown-item", "lege1", "PUT", "/api/v1/episodes/{referred}/eligibility",
     {"json": {"answers": {"likes_hospital_food": True}}}, 400,
     "unknown eligibility item 'likes_hospital_food'"),
    ("eligibility-not-boolean", "lege1", "PUT", "/api/v1/episodes/{referred}/eligibility",
     {"json": {"answers": {"central_line": "yes"}}}, 400, "must be true or false"),
    ("eligibility-no-answers", "lege1", "PUT", "/api/v1/episodes/{referred}/eligibility",
     {"json": {}}, 400, "'answers'"),
    # approval by anyone but a physician
    ("approve-by-hospital-nurse", "sykepleier1", "POST", "/api/v1/episodes/{referred}/approve",
     {}, 403, "a hospital_nurse may not approve an episode"),
    ("approve-by-municipal-nurse", "tromso.sentrum2", "POST",
     "/api/v1/episodes/{referred}/approve", {}, 403, "may not approve an episode"),
    ("approve-by-super-user", "tromso.sentrum1", "POST", "/api/v1/episodes/{referred}/approve",
     {}, 403, "may not approve an episode"),
    ("approve-unknown-episode", "lege1", "POST", "/api/v1/episodes/999999/approve", {}, 404,
     "episode 999999 does not exist"),
    # the regimen
    ("end-before-start", "lege1", "PUT", "/api/v1/episodes/{approved}/regimen",
     {"json": regimen(end_date="2020-01-01", start_date=str(oslo_today()),
                      line_inserted=str(oslo_today()))}, 400, "is before start date"),
    ("unknown-drug", "lege1", "PUT", "/api/v1/episodes/{approved}/regimen",
     {"json": regimen(drug="snake-oil")}, 404, "unknown drug 'snake-oil'"),
    ("regimen-dose-wrong-type", "lege1", "PUT", "/api/v1/episodes/{approved}/regimen",
     {"json": regimen(dose="two grams")}, 400, "regimen.dose"),
    ("regimen-missing-dose", "lege1", "PUT", "/api/v1/episodes/{approved}/regimen",
     {"json": {k: v for k, v in regimen().items() if k != "dose"}}, 400, "regimen.dose"),
    ("regimen-three-bags", "lege1", "PUT", "/api/v1/episodes/{approved}/regimen",
     {"json": regimen(bags_per_day=3, bag_change_times=["06:00", "14:00", "22:00"])}, 400,
     "bags_per_day"),
    ("regimen-impossible-date", "lege1", "PUT", "/api/v1/episodes/{approved}/regimen",
     {"json": regimen(start_date="2026-02-30")}, 400, "2026-02-30"),
    ("regimen-bad-line-type", "lege1", "PUT", "/api/v1/episodes/{approved}/regimen",
     {"json": regimen(line_type="tube")}, 400, "PICC, CVC or port"),
    ("regimen-by-nurse", "sykepleier1", "PUT", "/api/v1/episodes/{approved}/regimen",
     {"json": regimen()}, 403, "may not set the regimen"),
    # pumps
    ("unknown-pump", "sykepleier1", "POST", "/api/v1/episodes/{referred}/pump",
     {"json": {"serial": "NO-SUCH-PUMP"}}, 404, "unknown pump 'NO-SUCH-PUMP'"),
    ("pump-already-assigned", "sykepleier1", "POST", "/api/v1/episodes/{referred}/pump",
     {"json": {"serial": "{assigned_pump}"}}, 409, "is not available"),
    ("pump-serial-wrong-type", "sykepleier1", "POST", "/api/v1/episodes/{referred}/pump",
     {"json": {"serial": 12}}, 400, "field 'serial' must be a string"),
    # activation before training
    ("activate-before-training", "sykepleier1", "POST", "/api/v1/episodes/{approved}/activate",
     {}, 409, "training"),
    ("activate-referred", "sykepleier1", "POST", "/api/v1/episodes/{referred}/activate",
     {}, 409, "training"),
    # tasks
    ("task-of-other-municipality", "senja2", "POST", "/api/v1/tasks/{tromso_task}/done",
     {"json": {"documentation": {}}}, 403, "another organisation"),
    ("task-not-done-other-municipality", "senja2", "POST",
     "/api/v1/tasks/{tromso_task}/not-done", {"json": {"reason": "x"}}, 403,
     "another organisation"),
    ("task-start-other-municipality", "senja2", "POST", "/api/v1/tasks/{tromso_task}/start",
     {}, 403, "another organisation"),
    ("task-start-unknown", "tromso.sentrum2", "POST", "/api/v1/tasks/999999/start", {}, 404,
     "task 999999 does not exist"),
    ("task-unknown", "tromso.sentrum2", "POST", "/api/v1/tasks/999999/done",
     {"json": {"documentation": {}}}, 404, "task 999999 does not exist"),
    ("task-missing-documentation", "tromso.sentrum2", "POST", "/api/v1/tasks/{bag_task}/done",
     {"json": {"documentation": {"bag_lot": "L1"}}}, 400,
     "missing field 'pump_reservoir_ok'"),
    ("task-documentation-wrong-type", "tromso.sentrum2", "POST",
     "/api/v1/tasks/{bag_task}/done",
     {"json": {"documentation": {"bag_lot": "L1", "pump_reservoir_ok": "yes"}}}, 400,
     "must be true or false"),
    ("task-not-done-without-reason", "tromso.sentrum2", "POST",
     "/api/v1/tasks/{bag_task}/not-done", {"json": {}}, 400, "missing field 'reason'"),
    ("worklist-bad-date", "tromso.sentrum2", "GET", "/api/v1/orgs/{zone}/tasks?date=tomorrow",
     {}, 400, "query parameter 'date': date must be YYYY-MM-DD"),
    ("worklist-impossible-date", "tromso.sentrum2", "GET",
     "/api/v1/orgs/{zone}/tasks?date=2026-02-30", {}, 400,
     "query parameter 'date': date 2026-02-30 does not exist"),
    ("worklist-other-municipality", "tromso.sentrum2", "GET", "/api/v1/orgs/{senja}/tasks", {},
     403, "no access"),
    # the end of an episode
    ("complete-not-active", "lege1", "POST", "/api/v1/episodes/{approved}/complete",
     {"json": {"outcome": "cured"}}, 409, "cannot complete"),
    ("complete-unknown-outcome", "lege1", "POST", "/api/v1/episodes/{active}/complete",
     {"json": {"outcome": "great"}}, 400, "field 'outcome' must be one of"),
    ("complete-without-outcome", "lege1", "POST", "/api/v1/episodes/{active}/complete",
     {"json": {}}, 400, "missing field 'outcome'"),
    ("complete-by-nurse", "sykepleier1", "POST", "/api/v1/episodes/{active}/complete",
     {"json": {"outcome": "cured"}}, 403, "may not complete"),
    # observations, shortages, emergency access
    ("observation-wrong-type", "pasient1", "POST", "/api/v1/patients/{own}/observations",
     {"json": {"kind": "vital_signs", "values": {"temperature": "hot"}}}, 400,
     "field 'temperature' must be a number"),
    ("observation-bad-time", "pasient1", "POST", "/api/v1/patients/{own}/observations",
     {"json": {"kind": "vital_signs", "values": {"temperature": 37.0}, "observed_at": "today"}},
     400, "field 'observed_at': time must be ISO 8601"),
    ("observation-in-the-future", "pasient1", "POST", "/api/v1/patients/{own}/observations",
     {"json": {"kind": "vital_signs", "values": {"temperature": 37.0},
               "observed_at": "2099-01-01T08:00:00Z"}}, 400, "in the future"),
    ("shortage-to-before-from", "tromso.sentrum1", "POST", "/api/v1/orgs/{tromso}/shortages",
     {"json": {"from": "2026-12-10", "to": "2026-12-09", "reason": "flu"}}, 400,
     "field 'to' is before 'from'"),
    ("shortage-bad-date", "tromso.sentrum1", "POST", "/api/v1/orgs/{tromso}/shortages",
     {"json": {"from": "2026-13-01", "to": "2026-12-09", "reason": "flu"}}, 400,
     "field 'from': date 2026-13-01 does not exist"),
    ("shortage-other-municipality", "tromso.sentrum1", "POST", "/api/v1/orgs/{senja}/shortages",
     {"json": {"from": "2026-12-10", "to": "2026-12-11", "reason": "flu"}}, 403, "no access"),
    ("emergency-without-reason", "senja2", "POST", "/api/v1/patients/{own}/emergency-access",
     {"json": {}}, 400, "emergency access needs a reason: missing field 'reason'"),
    # routes
    ("unknown-route", "lege1", "GET", "/api/v1/nothing-here", {}, 404, "no such route"),
    ("wrong-method", "lege1", "DELETE", "/api/v1/patients", {}, 405, "method not allowed"),
    ("non-numeric-id", "lege1", "GET", "/api/v1/patients/abc", {}, 404, "no such route"),
]

def fill(value, fx):
    """Formats '{name}' placeholders in paths and JSON bodies with the fixture's ids."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return fx.get(value[1:-1], value)
    if isinstance(value, dict):
        return {k: fill(v, fx) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, fx) for v in value]
    return value


@pytest.fixture(scope="module")
def ids(heime, fx):
    out = dict(fx)
    out["own"] = heime.get("/api/v1/me", user="pasient1").json()["patient_id"]
    out["senja_zone"] = heime.org_id("senja-finnsnes")
    return out


def send(heime, ids, user, method, path, req):
    req = dict(req)
    if "json" in req:
        req["json"] = fill(req["json"], ids)
    if "data" in req:
        req["headers"] = {"Content-Type": "application/json"}
    return heime.call(method, path.format(**ids), user=user, **req)


def patient_count(heime):
    r = heime.get("/api/v1/patients", user="lege1")
    assert r.status_code == 200
    return len(r.json())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_refused_and_nothing_written(heime, ids, case):
    name, user, method, path, req, status, _ = case
    referral_case = path == "/api/v1/referrals"
    listed = patient_count(heime) if referral_case else None
    heime.login(user)
    before = heime.counts()
    r = send(heime, ids, user, method, path, req)
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert list(body) == ["error"] and isinstance(body["error"], str) and body["error"]
    assert heime.counts() == before
    if referral_case:
        assert patient_count(heime) == listed


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_error_message_is_clear(heime, ids, case):
    name, user, method, path, req, status, message = case
    r = send(heime, ids, user, method, path, req)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert message.format(**ids) in err
    parts = err.split(": ")
    assert all(a != b for a, b in zip(parts, parts[1:])), f"a repeated prefix: {err}"


def test_body_over_one_mib(heime):
    heime.login("sykepleier1")
    before = heime.counts()
    big = '{"patient": {"name": "' + "x" * (1024 * 1024) + '"}}'
    r = heime.post("/api/v1/referrals", user="sykepleier1", data=big,
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert "1 MiB" in r.json()["error"]
    assert heime.counts() == before


def test_body_just_under_the_limit_is_read(heime):
    body = '{"patient": {}' + " " * (1024 * 1024 - 100) + "}"
    r = heime.post("/api/v1/referrals", user="sykepleier1", data=body,
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text  # parsed, then refused for its content
    assert "413" not in r.text and "1 MiB" not in r.json()["error"]


@pytest.mark.parametrize("auth", [
    None, "Bearer", "Bearer ", "Basic bGVnZTE6ZGVtby1sZWdlMQ==", "Bearer not-a-token",
    "Bearer " + secrets.token_urlsafe(32), "Bearer " + "A" * 43, "Bearer " + "é" * 43])
def test_forged_or_missing_token(heime, auth):
    headers = {"Authorization": auth} if auth is not None else {}
    r = requests.get(heime.url("/api/v1/patients"), headers={k: v.encode() for k, v in
                                                              headers.items()}, timeout=10)
    assert r.status_code == 401, r.text
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert list(r.json()) == ["error"]
    assert "national_id" not in r.text


def test_revoked_token_is_refused(heime):
    """Tokens expire after 12 h; a test cannot wait, so the admin revokes them instead."""
    token = heime.fresh_token("lege3")
    other = heime.fresh_token("lege3")
    me = heime.get("/api/v1/me", token=token)
    assert me.status_code == 200 and me.json()["username"] == "lege3"
    account = me.json()["account_id"]
    r = heime.post(f"/api/v1/accounts/{account}/revoke", user="lege1")
    assert r.status_code == 403, r.text
    assert heime.get("/api/v1/me", token=token).status_code == 200
    r = heime.post(f"/api/v1/accounts/{account}/revoke", user="admin")
    assert r.status_code == 204, r.text
    for t in (token, other):
        r = heime.get("/api/v1/patients", token=t)
        assert r.status_code == 401, r.text
        assert r.json() == {"error": "token revoked"}
    heime.forget("lege3")
    assert heime.get("/api/v1/me", user="lege3").status_code == 200  # a new login works


def test_revoking_an_unknown_account(heime):
    heime.login("admin")
    before = heime.counts()
    r = heime.post("/api/v1/accounts/999999/revoke", user="admin")
    assert r.status_code == 404, r.text
    assert heime.counts() == before


def test_logout_invalidates_the_token(heime):
    token = heime.fresh_token("lege4")
    assert heime.get("/api/v1/me", token=token).status_code == 200
    r = heime.post("/api/v1/auth/logout", token=token)
    assert r.status_code == 204, r.text
    r = heime.get("/api/v1/me", token=token)
    assert r.status_code == 401 and "revoked" in r.json()["error"]
    assert heime.post("/api/v1/auth/logout", token=token).status_code == 401


@pytest.mark.parametrize("body,status", [
    ({"username": "lege1", "password": "wrong"}, 401),
    ({"username": "nobody-here", "password": "demo-nobody-here"}, 401),
    ({"username": "lege1"}, 400),
    ({"username": "lege1", "password": 12345}, 400),
    ({"username": "lege1", "password": "demo-lege1", "otp": "1"}, 400),
])
def test_bad_login(heime, body, status):
    r = requests.post(heime.url("/api/v1/auth/login"), json=body, timeout=10)
    assert r.status_code == status, r.text
    assert list(r.json()) == ["error"] and "token" not in r.json()
    if status == 401:  # the same answer whether or not the user exists
        assert r.json()["error"] == "wrong username or password"


def test_healthz(heime):
    r = requests.get(heime.url("/healthz"), timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ok"
