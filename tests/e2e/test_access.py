"""Who may see whom: the care relation between an organisation and a patient's episode.
A Senja nurse sees no Tromsø patient, analysts and logistics see no patient at all, a patient
account sees only its own record, and emergency access needs a reason, grants access, and is
flagged for the admin's review."""
import json

import pytest

from e2e_util import new_patient


@pytest.fixture(scope="module")
def tromso(heime):
    """A Tromsø patient with an active demo episode and one planned task of tomorrow or later."""
    zone = heime.org_id("tromso-sentrum")
    for p in heime.get("/api/v1/patients", user="lege1").json():
        if p["municipality"] != "Tromsø" or p["zone_id"] != zone:
            continue
        eps = heime.get(f"/api/v1/patients/{p['id']}/episodes", user="lege1").json()
        active = [e for e in eps if e["state"] == "active"]
        if not active:
            continue
        tasks = heime.get(f"/api/v1/episodes/{active[0]['id']}/tasks", user="lege1").json()
        planned = [t for t in tasks if t["state"] == "planned"]
        if planned:
            return {"patient": p, "episode": active[0]["id"], "task": planned[-1]}
    pytest.fail("the demo region has no active Tromsø Sentrum episode with planned tasks")


def names_in(text, patient):
    return patient["name"] in text or patient["national_id"] in text


@pytest.mark.parametrize("path", [
    "/api/v1/patients/{pid}",
    "/api/v1/patients/{pid}/episodes",
    "/api/v1/patients/{pid}/observations",
    "/api/v1/patients/{pid}/access-log",
    "/api/v1/episodes/{eid}",
    "/api/v1/episodes/{eid}/tasks",
])
def test_senja_nurse_cannot_read_a_tromso_patient(heime, tromso, path):
    heime.login("senja2")  # a login writes its own audit row: not part of what is measured
    before = heime.counts()
    r = heime.get(path.format(pid=tromso["patient"]["id"], eid=tromso["episode"]), user="senja2")
    assert r.status_code == 403, r.text
    assert list(r.json()) == ["error"]
    assert not names_in(r.text, tromso["patient"])
    assert heime.counts() == before  # a refused read writes nothing


def test_tromso_patient_absent_from_senja_list(heime, tromso):
    r = heime.get("/api/v1/patients", user="senja2")
    assert r.status_code == 200, r.text
    patients = r.json()
    assert patients, "a Senja nurse should see the Senja demo patients"
    assert all(p["municipality"] == "Senja" for p in patients)
    assert tromso["patient"]["id"] not in {p["id"] for p in patients}
    assert not names_in(r.text, tromso["patient"])


def test_tromso_nurse_does_not_see_senja_patients(heime):
    patients = heime.get("/api/v1/patients", user="tromso.sentrum2").json()
    assert patients and {p["municipality"] for p in patients} == {"Tromsø"}


def test_senja_nurse_cannot_complete_a_tromso_task(heime, tromso):
    task = tromso["task"]
    heime.login("senja2")
    before = heime.counts()
    r = heime.post(f"/api/v1/tasks/{task['id']}/done", user="senja2",
                   json={"documentation": {}})
    assert r.status_code == 403, r.text
    assert "error" in r.json()
    r = heime.post(f"/api/v1/tasks/{task['id']}/not-done", user="senja2",
                   json={"reason": "not ours"})
    assert r.status_code == 403, r.text
    assert heime.counts() == before
    states = {t["id"]: t["state"] for t in
              heime.get(f"/api/v1/episodes/{tromso['episode']}/tasks", user="lege1").json()}
    assert states[task["id"]] == "planned"


def test_senja_nurse_cannot_list_a_tromso_zone(heime):
    r = heime.get(f"/api/v1/orgs/{heime.org_id('tromso-sentrum')}/tasks", user="senja2")
    assert r.status_code == 403, r.text


@pytest.mark.parametrize("user", ["analytiker1", "logistikk1"])
def test_analysts_and_logistics_see_no_patients(heime, tromso, user):
    r = heime.get("/api/v1/patients", user=user)
    assert r.status_code == 403, r.text
    assert list(r.json()) == ["error"]
    r = heime.get(f"/api/v1/patients/{tromso['patient']['id']}", user=user)
    assert r.status_code == 403, r.text
    assert not names_in(r.text, tromso["patient"])
    r = heime.get(f"/api/v1/episodes/{tromso['episode']}", user=user)
    assert r.status_code == 403, r.text


def test_logistics_sees_the_pumps(heime):
    r = heime.get("/api/v1/devices", user="logistikk1")
    assert r.status_code == 200 and r.json()


def test_patient_account_sees_only_own_record(heime, tromso):
    me = heime.get("/api/v1/me", user="pasient1").json()
    assert me["role"] == "patient" and me["patient_id"]
    own = me["patient_id"]
    r = heime.get("/api/v1/patients", user="pasient1")
    assert r.status_code == 200, r.text
    assert [p["id"] for p in r.json()] == [own]
    assert heime.get(f"/api/v1/patients/{own}", user="pasient1").status_code == 200
    assert heime.get(f"/api/v1/patients/{own}/access-log", user="pasient1").status_code == 200
    other = next(p for p in heime.get("/api/v1/patients", user="lege1").json() if p["id"] != own)
    for path in (f"/api/v1/patients/{other['id']}", f"/api/v1/patients/{other['id']}/episodes",
                 f"/api/v1/patients/{other['id']}/access-log"):
        r = heime.get(path, user="pasient1")
        assert r.status_code == 403, (path, r.text)
        assert not names_in(r.text, other)
    r = heime.post(f"/api/v1/patients/{other['id']}/observations", user="pasient1",
                   json={"kind": "vital_signs", "values": {"temperature": 37.0}})
    assert r.status_code == 403, r.text
    # ... and reports their own measurements.
    r = heime.post(f"/api/v1/patients/{own}/observations", user="pasient1",
                   json={"kind": "vital_signs", "values": {"temperature": 37.4, "pulse": 72,
                                                           "systolic_bp": 118,
                                                           "diastolic_bp": 76}})
    assert r.status_code == 201, r.text
    obs = heime.get(f"/api/v1/patients/{own}/observations", user="pasient1").json()
    assert obs[0]["source"] == "patient" and obs[0]["values"]["temperature"] == 37.4


def test_emergency_access(heime, tromso):
    pid = tromso["patient"]["id"]
    user = "senja3"  # has no care relation to the Tromsø patient
    name = next(a["name"] for a in heime.accounts() if a["username"] == user)
    assert heime.get(f"/api/v1/patients/{pid}", user=user).status_code == 403
    before = heime.counts()  # (the user is logged in by now)
    for body in ({}, {"reason": ""}, {"reason": "urgent"}, {"reason": 12345678901}):
        r = heime.post(f"/api/v1/patients/{pid}/emergency-access", user=user, json=body)
        assert r.status_code == 400, (body, r.text)
        assert "reason" in r.json()["error"]
    assert heime.counts() == before
    assert heime.get(f"/api/v1/patients/{pid}", user=user).status_code == 403
    reason = "Patient brought to Finnsnes legevakt unconscious; needs treatment history"
    r = heime.post(f"/api/v1/patients/{pid}/emergency-access", user=user, json={"reason": reason})
    assert r.status_code == 201, r.text
    assert r.json()["flagged_for_review"] is True and r.json()["expires_at"]
    r = heime.get(f"/api/v1/patients/{pid}", user=user)
    assert r.status_code == 200, r.text
    assert r.json()["national_id"] == tromso["patient"]["national_id"]
    # The admin's review list shows the grant with its reason, and the read made through it.
    assert heime.get("/api/v1/audit/emergency", user="lege1").status_code == 403
    r = heime.get("/api/v1/audit/emergency", user="admin")
    assert r.status_code == 200, r.text
    rows = [x for x in r.json() if x["who"] == name]
    grant = [x for x in rows if x["action"] == "emergency_access"]
    assert grant and grant[0]["reason"] == reason and grant[0]["emergency"] is True
    assert grant[0]["object"] == f"patient/{pid}"
    assert any(x["action"] == "read" and x["object"] == f"patient/{pid}" for x in rows)
    # The patient's own access log shows it too.
    log = heime.get(f"/api/v1/patients/{pid}/access-log", user="lege1").json()
    assert any(x["who"] == name and x["emergency"] and x["reason"] == reason for x in log)


def test_emergency_access_to_unknown_patient(heime):
    r = heime.post("/api/v1/patients/999999/emergency-access", user="senja3",
                   json={"reason": "Unknown patient id typed in a hurry"})
    assert r.status_code == 404, r.text


def test_tromso_zone_colleague_sees_new_referral_but_senja_does_not(heime):
    """A brand-new referral: visible to the hospital and the patient's municipality only."""
    p = new_patient(zone=heime.org_id("tromso-nord"))
    r = heime.post("/api/v1/referrals", user="lege1", json={"patient": p})
    assert r.status_code == 201, r.text
    pid = r.json()["patient_id"]
    for user, status in (("sykepleier2", 200), ("tromso.sentrum3", 200), ("tromso.nord2", 200),
                         ("senja2", 403), ("berlevag2", 403), ("kvaenangen2", 403)):
        r = heime.get(f"/api/v1/patients/{pid}", user=user)
        assert r.status_code == status, (user, r.text)
        if status == 403:
            assert p["national_id"] not in r.text and json.loads(r.text).keys() == {"error"}


def test_staff_list_with_competences_for_admin_only(heime):
    staff = heime.get("/api/v1/staff", user="admin")
    assert staff.status_code == 200, staff.text
    nurse = next(s for s in staff.json() if s["username"] == "tromso.sentrum1")
    assert nurse["role"] == "super_user" and nurse["org"] == "Tromsø sone Sentrum"
    kinds = {c["kind"] for c in nurse["competences"]}
    assert {"infusion_pump", "aseptic_compounding", "central_line_care"} <= kinds
    assert all(c["trained_on"] and "expires_on" in c for c in nurse["competences"])
    for user in ("operator1", "tromso.sentrum2", "analytiker1", "pasient1"):
        r = heime.get("/api/v1/staff", user=user)
        assert r.status_code == 403, (user, r.text)


def test_pumps_tell_logistics_where_they_are_without_patient_data(heime):
    pumps = heime.get("/api/v1/devices", user="logistikk1").json()
    assigned = [p for p in pumps if p["status"] == "assigned"]
    assert assigned and all(p["episode_id"] and p["municipality"] for p in assigned)
    assert all(p["episode_id"] is None for p in pumps if p["status"] == "available")
    text = json.dumps(pumps)
    for patient in heime.sql("SELECT name, national_id FROM patient"):
        assert patient[0] not in text and patient[1] not in text


def test_admin_creates_staff_and_super_users_record_training(heime):
    zone = heime.org_id("tromso-nord")
    body = {"name": "Test Nyansatt", "role": "municipal_nurse", "org_id": zone,
            "username": "tromso.nord.e2e", "password": "long-enough-password"}
    assert heime.post("/api/v1/staff", user="tromso.nord1", json=body).status_code == 403
    r = heime.post("/api/v1/staff", user="admin", json=body)
    assert r.status_code == 201, r.text
    staff_id = r.json()["id"]
    assert heime.post("/api/v1/staff", user="admin", json=body).status_code == 409
    bad = dict(body, username="x.e2e", password="short")
    r = heime.post("/api/v1/staff", user="admin", json=bad)
    assert r.status_code == 400 and "12 characters" in r.json()["error"]
    r = heime.post("/api/v1/staff", user="admin", json=dict(body, username="y.e2e", org_id=999999))
    assert r.status_code == 404
    # The new nurse logs in.
    assert heime.login("tromso.nord.e2e", "long-enough-password")

    comp = {"kind": "infusion_pump", "trained_on": "2026-11-20", "expires_on": "2028-11-20"}
    url = f"/api/v1/staff/{staff_id}/competences"
    assert heime.put(url, user="senja1", json=comp).status_code == 403
    assert heime.put(url, user="tromso.nord2", json=comp).status_code == 403
    r = heime.put(url, user="admin", json=dict(comp, expires_on="2026-01-01"))
    assert r.status_code == 400 and "before" in r.json()["error"]
    r = heime.put(url, user="tromso.nord1", json=comp)
    assert r.status_code == 200, r.text
    listed = next(s for s in heime.get("/api/v1/staff", user="admin").json() if s["id"] == staff_id)
    assert [{k: v for k, v in c.items() if k != "id"} for c in listed["competences"]] == \
        [{"kind": "infusion_pump", "trained_on": "2026-11-20", "expires_on": "2028-11-20"}]
