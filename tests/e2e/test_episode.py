"""The whole home-IV-antibiotics episode through the JSON API, as the three people who carry
it: a hospital physician (lege1), a hospital nurse (sykepleier1) and a municipal nurse of the
patient's home-care zone (tromso.sentrum2). The steps run in file order and share one episode;
each step checks what the API answers and what it changed."""
import collections
import datetime

import pytest

from e2e_util import ELIGIBILITY, new_patient, oslo_clock, oslo_today, regimen

PHYS, HNURSE, MNURSE = "lege1", "sykepleier1", "tromso.sentrum2"
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def ep(heime):
    """What the steps share: ids, and what earlier steps did."""
    return {"today": oslo_today(), "zone": heime.org_id("tromso-sentrum"),
            "muni": heime.org_id("tromso")}


def at(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def tasks_of(heime, ep, user=MNURSE):
    r = heime.get(f"/api/v1/episodes/{ep['episode']}/tasks", user=user)
    assert r.status_code == 200, r.text
    return r.json()


def by_day(tasks, kind):
    out = collections.defaultdict(list)
    for t in tasks:
        if t["kind"] == kind and t["state"] != "cancelled":
            out[datetime.date.fromisoformat(t["date"])].append(t)
    return out


def checked_days(ep):
    """Whole days inside the generation horizon (14 days) and the regimen."""
    first = ep["today"] + DAY
    last = min(ep["today"] + 14 * DAY, ep["end"])
    d = first
    while d <= last:
        yield d
        d += DAY


def test_referral_by_hospital_nurse(heime, ep):
    patient = new_patient(zone=ep["zone"], name="Solveig Testesen")
    r = heime.post("/api/v1/referrals", user=HNURSE, json={"patient": patient})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["state"] == "referred"
    ep.update(patient=body["patient_id"], episode=body["episode_id"], natid=patient["national_id"])
    r = heime.get(f"/api/v1/patients/{ep['patient']}", user=PHYS)
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["national_id"] == patient["national_id"]
    assert p["name"] == "Solveig Testesen"
    assert p["municipality"] == "Tromsø"
    assert p["zone_id"] == ep["zone"]
    assert p["next_of_kin"] == patient["next_of_kin"]
    assert (p["lat"], p["lon"]) == (patient["lat"], patient["lon"])
    e = heime.get(f"/api/v1/episodes/{ep['episode']}", user=MNURSE).json()
    assert e["state"] == "referred"
    assert e["home_care_org_id"] == ep["zone"]


def test_approval_refused_while_items_unanswered(heime, ep):
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/approve", user=PHYS)
    assert r.status_code == 409, r.text
    assert "unanswered" in r.json()["error"]


def test_approval_refused_while_an_item_fails(heime, ep):
    answers = {k: True for k in ELIGIBILITY}
    answers["handles_pump"] = False
    r = heime.put(f"/api/v1/episodes/{ep['episode']}/eligibility", user=HNURSE,
                  json={"answers": answers})
    assert r.status_code == 200, r.text
    assert r.json()["eligibility"]["handles_pump"]["met"] is False
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/approve", user=PHYS)
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert "handles_pump" in err and "stable_and_cleared" not in err
    assert heime.get(f"/api/v1/episodes/{ep['episode']}", user=PHYS).json()["state"] == "referred"


def test_every_item_met(heime, ep):
    r = heime.put(f"/api/v1/episodes/{ep['episode']}/eligibility", user=PHYS,
                  json={"answers": {"handles_pump": True}})
    assert r.status_code == 200, r.text
    elig = r.json()["eligibility"]
    assert set(elig) == set(ELIGIBILITY)
    assert all(v["met"] for v in elig.values())


@pytest.mark.parametrize("user", [HNURSE, MNURSE])
def test_approval_refused_for_a_nurse(heime, ep, user):
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/approve", user=user)
    assert r.status_code == 403, r.text
    assert "approve" in r.json()["error"]
    assert heime.get(f"/api/v1/episodes/{ep['episode']}", user=PHYS).json()["state"] == "referred"


def test_approval_by_physician(heime, ep):
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/approve", user=PHYS)
    assert r.status_code == 200, r.text
    e = r.json()
    assert e["state"] == "approved"
    assert e["physician"] == "Ingrid Solberg"  # lege1 becomes medically responsible
    assert e["approved_at"]


def test_regimen_with_a_drug_from_the_catalogue(heime, ep):
    r = heime.get("/api/v1/drugs", user=PHYS)
    assert r.status_code == 200, r.text
    drugs = r.json()
    assert drugs and all({"code", "name", "atc", "max_bag_hours"} <= set(d) for d in drugs)
    one_bag = next(d for d in drugs if d["max_bag_hours"] >= 24)
    two_bags = next(d for d in drugs if 12 <= d["max_bag_hours"] < 24)
    ep["drug1"], ep["drug2"] = one_bag, two_bags
    reg = regimen(drug=one_bag["code"], bags=1, times=["08:00"], start=ep["today"], days=21)
    ep["end"] = datetime.date.fromisoformat(reg["end_date"])
    ep["line_inserted"] = datetime.date.fromisoformat(reg["line_inserted"])
    r = heime.put(f"/api/v1/episodes/{ep['episode']}/regimen", user=PHYS, json=reg)
    assert r.status_code == 200, r.text
    got = r.json()["regimen"]
    assert got["drug"] == one_bag["code"] and got["bags_per_day"] == 1
    assert got["bag_change_times"] == ["08:00"] and got["version"] == 1


def test_pump_already_assigned_is_refused(heime, ep):
    devices = heime.get("/api/v1/devices", user=HNURSE).json()
    taken = next(d for d in devices if d["status"] == "assigned")
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/pump", user=HNURSE,
                   json={"serial": taken["serial"]})
    assert r.status_code == 409, r.text
    assert taken["serial"] in r.json()["error"]
    assert heime.get(f"/api/v1/episodes/{ep['episode']}", user=PHYS).json()["pump"] is None


def test_pump_assignment(heime, ep):
    r = heime.get("/api/v1/devices", user=HNURSE)
    assert r.status_code == 200, r.text
    pump = next(d for d in r.json() if d["status"] == "available" and d["kind"] == "infusion_pump")
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/pump", user=HNURSE,
                   json={"serial": pump["serial"]})
    assert r.status_code == 200, r.text
    assert r.json()["pump"]["serial"] == pump["serial"]
    ep["pump"] = pump["serial"]
    status = {d["serial"]: d["status"] for d in heime.get("/api/v1/devices", user=HNURSE).json()}
    assert status[pump["serial"]] == "assigned"
    # One pump per patient: a second one for the same episode is refused too.
    other = next(s for s, st in status.items() if st == "available")
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/pump", user=HNURSE, json={"serial": other})
    assert r.status_code == 409, r.text


def test_activation_refused_before_training(heime, ep):
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/activate", user=HNURSE)
    assert r.status_code == 409, r.text
    assert "training" in r.json()["error"]
    assert heime.get(f"/api/v1/episodes/{ep['episode']}", user=PHYS).json()["state"] == "approved"


def test_training_then_activation(heime, ep):
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/training", user=HNURSE,
                   json={"note": "Trained on the pump and its alarms; teach-back done."})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "trained" and r.json()["trained_at"]
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/activate", user=HNURSE)
    assert r.status_code == 200, r.text
    e = r.json()
    assert e["state"] == "active" and e["activated_at"]
    kinds = [x["kind"] for x in e["timeline"]]
    assert kinds[:1] == ["referred"] and kinds[-1] == "active"
    assert {"approved", "regimen", "pump_assigned", "trained"} <= set(kinds)


def test_generated_tasks(heime, ep):
    tasks = tasks_of(heime, ep)
    assert tasks, "activation generated no tasks"
    assert all(t["state"] == "planned" for t in tasks)
    assert all(t["org_id"] == ep["zone"] for t in tasks)  # the patient's zone does them all
    assert all(t["duration_min"] > 0 for t in tasks)
    comp = {"bag_compounding": "aseptic_compounding", "bag_change": "infusion_pump",
            "set_change": "infusion_pump", "line_care": "central_line_care"}
    for t in tasks:
        if t["kind"] in comp:
            assert t["competence"] == comp[t["kind"]], t
        assert at(t["window_start"]) < at(t["window_end"]), t
    compounding = by_day(tasks, "bag_compounding")
    changes = by_day(tasks, "bag_change")
    sites = by_day(tasks, "site_inspection")
    vitals = by_day(tasks, "vital_signs")
    labs = by_day(tasks, "blood_sample")
    lines = by_day(tasks, "line_care")
    sets = by_day(tasks, "set_change")
    days = list(checked_days(ep))
    assert len(days) >= 10
    for d in days:
        assert len(compounding[d]) == 1, d
        assert len(sites[d]) == 1, d
        assert [oslo_clock(t["due"])[1] for t in changes[d]] == ["08:00"], d
        for t in changes[d]:
            # the window, in local time, brackets the regimen's clock time
            assert oslo_clock(t["window_start"]) <= (d, "08:00") <= oslo_clock(t["window_end"])
        assert [oslo_clock(t["due"])[1] for t in vitals[d]] == ["09:00"], d
        assert len(labs[d]) == (1 if d.weekday() in (0, 3) else 0), d  # mon and thu
        weekly = (d - ep["line_inserted"]).days % 7 == 0 and d > ep["line_inserted"]
        assert len(lines[d]) == (1 if weekly else 0), d
        offset = (d - ep["today"]).days  # the regimen starts today
        twice_weekly = offset >= 3 and (offset - 3) % 7 in (0, 4)
        assert len(sets[d]) == (1 if twice_weekly else 0), d
    # Compounding is finished before the bag change it feeds.
    for d in days:
        assert at(compounding[d][0]["window_end"]) <= at(changes[d][0]["window_end"])


def test_zone_worklist(heime, ep):
    tomorrow = ep["today"] + DAY
    r = heime.get(f"/api/v1/orgs/{ep['zone']}/tasks?date={tomorrow}", user=MNURSE)
    assert r.status_code == 200, r.text
    wl = r.json()
    assert all(t["date"] == str(tomorrow) for t in wl)
    mine = sorted(t["id"] for t in wl if t["episode_id"] == ep["episode"])
    expected = sorted(t["id"] for t in tasks_of(heime, ep) if t["date"] == str(tomorrow))
    assert mine == expected and mine
    zone_patients = {t["patient_id"] for t in wl}
    assert ep["patient"] in zone_patients
    # The municipality's list holds its zones' tasks; another municipality's is refused.
    r = heime.get(f"/api/v1/orgs/{ep['muni']}/tasks?date={tomorrow}", user=MNURSE)
    assert r.status_code == 200 and set(mine) <= {t["id"] for t in r.json()}
    r = heime.get(f"/api/v1/orgs/{heime.org_id('senja')}/tasks?date={tomorrow}", user=MNURSE)
    assert r.status_code == 403, r.text
    ep["tomorrow"] = [t for t in wl if t["episode_id"] == ep["episode"]]


def test_document_task_done(heime, ep):
    bag = next(t for t in ep["tomorrow"] if t["kind"] == "bag_change")
    doc = {"bag_lot": "LOT-2291", "pump_reservoir_ok": True, "pump_alarms_since_last": 0,
           "note": "Bag changed, pump running."}
    r = heime.post(f"/api/v1/tasks/{bag['id']}/done", user=MNURSE, json={"documentation": doc})
    assert r.status_code == 200, r.text
    assert r.json() == {"id": bag["id"], "state": "done"}
    ep["done"] = bag["id"]
    got = {t["id"]: t for t in tasks_of(heime, ep)}[bag["id"]]
    assert got["state"] == "done" and got["documentation"] == doc and got["done_at"]
    # Documenting twice is refused.
    r = heime.post(f"/api/v1/tasks/{bag['id']}/done", user=MNURSE, json={"documentation": doc})
    assert r.status_code == 409, r.text


def test_document_vital_signs_with_units(heime, ep):
    vit = next(t for t in ep["tomorrow"] if t["kind"] == "vital_signs")
    doc = {"temperature": 37.9, "pulse": 88, "systolic_bp": 124, "diastolic_bp": 78,
           "resp_rate": 16, "spo2": 97, "on_oxygen": False, "consciousness": "alert"}
    r = heime.post(f"/api/v1/tasks/{vit['id']}/done", user=MNURSE, json={"documentation": doc})
    assert r.status_code == 200, r.text
    ep["vitals"] = vit["id"]
    obs = heime.get(f"/api/v1/patients/{ep['patient']}/observations", user=PHYS).json()
    mine = [o for o in obs if o["task_id"] == vit["id"]]
    assert len(mine) == 1 and mine[0]["values"]["temperature"] == 37.9
    assert mine[0]["kind"] == "vital_signs"


def test_document_task_not_done_with_reason(heime, ep):
    site = next(t for t in ep["tomorrow"] if t["kind"] == "site_inspection")
    r = heime.post(f"/api/v1/tasks/{site['id']}/not-done", user=MNURSE,
                   json={"reason": "The patient was at the hospital for a check-up."})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "not_done"
    ep["not_done"] = site["id"]
    got = {t["id"]: t for t in tasks_of(heime, ep)}[site["id"]]
    assert got["state"] == "not_done"
    assert got["reason"] == "The patient was at the hospital for a check-up."


def test_regimen_change_regenerates_future_tasks_only(heime, ep):
    before = {t["id"]: t for t in tasks_of(heime, ep)}
    kept = {i: before[i] for i in (ep["done"], ep["not_done"], ep["vitals"])}
    reg = regimen(drug=ep["drug2"]["code"], bags=2, times=["08:00", "20:00"], start=ep["today"],
                  days=21)
    r = heime.put(f"/api/v1/episodes/{ep['episode']}/regimen", user=PHYS, json=reg)
    assert r.status_code == 200, r.text
    assert r.json()["regimen"]["version"] == 2
    assert r.json()["regimen"]["bag_change_times"] == ["08:00", "20:00"]
    after = {t["id"]: t for t in tasks_of(heime, ep)}
    for i, t in kept.items():  # documented tasks are untouched
        assert after[i] == t
    changes = by_day(after.values(), "bag_change")
    for d in checked_days(ep):
        assert sorted(oslo_clock(t["due"])[1] for t in changes[d]) == ["08:00", "20:00"], d
        assert len(by_day(after.values(), "bag_compounding")[d]) == 1, d
    tomorrow = ep["today"] + DAY
    states = sorted(t["state"] for t in changes[tomorrow])
    assert states == ["done", "planned"]  # the done 08:00 change stays; 20:00 is new
    # A regimen the drug's stability forbids is refused and changes nothing.
    bad = regimen(drug=ep["drug2"]["code"], bags=1, times=["08:00"], start=ep["today"])
    r = heime.put(f"/api/v1/episodes/{ep['episode']}/regimen", user=PHYS, json=bad)
    assert r.status_code == 400, r.text
    assert "2 bags per day" in r.json()["error"]
    assert {t["id"] for t in tasks_of(heime, ep)} == set(after)


def test_readmission_pauses_tasks_and_keeps_pump(heime, ep):
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/readmit", user=HNURSE,
                   json={"note": "Fever and chills; admitted for observation."})
    assert r.status_code == 200, r.text
    e = r.json()
    assert e["state"] == "readmitted"
    assert e["pump"]["serial"] == ep["pump"]
    status = {d["serial"]: d["status"] for d in heime.get("/api/v1/devices", user=HNURSE).json()}
    assert status[ep["pump"]] == "assigned"
    tasks = tasks_of(heime, ep)
    future = [t for t in tasks if t["id"] not in (ep["done"], ep["not_done"], ep["vitals"])
              and t["date"] > str(ep["today"])]
    assert future and all(t["state"] == "paused" for t in future)
    states = {t["id"]: t["state"] for t in tasks}
    assert states[ep["done"]] == "done" and states[ep["not_done"]] == "not_done"
    # Paused tasks leave the zone's worklist.
    tomorrow = ep["today"] + DAY
    wl = heime.get(f"/api/v1/orgs/{ep['zone']}/tasks?date={tomorrow}", user=MNURSE).json()
    assert all(t["state"] != "planned" for t in wl if t["episode_id"] == ep["episode"])


def test_return_home(heime, ep):
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/return", user=HNURSE, json={})
    assert r.status_code == 200, r.text
    e = r.json()
    assert e["state"] == "active" and e["timeline"][-1]["kind"] == "returned_home"
    tasks = tasks_of(heime, ep)
    assert not [t for t in tasks if t["state"] == "paused"]
    assert [t for t in tasks if t["state"] == "planned" and t["date"] > str(ep["today"])]


def test_completion_by_nurse_refused(heime, ep):
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/complete", user=HNURSE,
                   json={"outcome": "cured"})
    assert r.status_code == 403, r.text


def test_completion_with_outcome(heime, ep):
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/complete", user=PHYS,
                   json={"outcome": "cured", "note": "Course finished at home."})
    assert r.status_code == 200, r.text
    e = r.json()
    assert e["state"] == "completed" and e["outcome"] == "cured" and e["ended_at"]
    assert e["outcome_note"] == "Course finished at home."
    assert isinstance(e["bed_days_at_home"], int) and e["bed_days_at_home"] >= 0
    assert isinstance(e["days_at_home"], (int, float)) and e["days_at_home"] >= 0
    assert e["pump"] is None  # released at completion
    status = {d["serial"]: d["status"] for d in heime.get("/api/v1/devices", user=HNURSE).json()}
    assert status[ep["pump"]] == "available"
    tasks = tasks_of(heime, ep)
    states = {t["id"]: t["state"] for t in tasks}
    assert states[ep["done"]] == "done" and states[ep["not_done"]] == "not_done"
    assert all(t["state"] == "cancelled" for t in tasks
               if t["date"] > str(ep["today"]) and t["id"] not in
               (ep["done"], ep["not_done"], ep["vitals"]))
    r = heime.post(f"/api/v1/episodes/{ep['episode']}/complete", user=PHYS,
                   json={"outcome": "cured"})
    assert r.status_code == 409, r.text


def test_bed_days_of_a_finished_demo_episode(heime):
    """The demo's completed episode spent about two weeks at home: bed-days are counted."""
    found = []
    for p in heime.get("/api/v1/patients", user=PHYS).json():
        for e in heime.get(f"/api/v1/patients/{p['id']}/episodes", user=PHYS).json():
            if e["state"] == "completed" and p["name"] != "Solveig Testesen":
                found.append(e["id"])
    assert found
    e = heime.get(f"/api/v1/episodes/{found[0]}", user=PHYS).json()
    assert e["bed_days_at_home"] >= 10
    assert 10 <= e["days_at_home"] <= 20


def active_episode(heime, **regimen_over):
    """A new Tromsø Sentrum patient carried to 'active' with the given regimen."""
    r = heime.post("/api/v1/referrals", user=HNURSE,
                   json={"patient": new_patient(zone=heime.org_id("tromso-sentrum"))})
    assert r.status_code == 201, r.text
    eid = r.json()["episode_id"]
    steps = [
        ("PUT", "eligibility", PHYS, {"answers": {k: True for k in ELIGIBILITY}}),
        ("POST", "approve", PHYS, None),
        ("PUT", "regimen", PHYS, regimen(**regimen_over)),
    ]
    for method, what, user, body in steps:
        r = heime.call(method, f"/api/v1/episodes/{eid}/{what}", user=user, json=body)
        assert r.status_code == 200, r.text
    pump = next(d["serial"] for d in heime.get("/api/v1/devices", user=HNURSE).json()
                if d["status"] == "available")
    for what, body in (("pump", {"serial": pump}), ("training", None), ("activate", None)):
        r = heime.post(f"/api/v1/episodes/{eid}/{what}", user=HNURSE, json=body)
        assert r.status_code == 200, r.text
    return eid


def test_task_ids_are_never_reused_for_another_task(heime):
    eid = active_episode(heime)
    url = f"/api/v1/episodes/{eid}/tasks"
    before = {t["id"]: (t["kind"], t["date"], t["seq"]) for t in heime.get(url, user=PHYS).json()}
    drug = next(d["code"] for d in heime.get("/api/v1/drugs", user=PHYS).json()
                if 12 <= d["max_bag_hours"] < 24)
    r = heime.put(f"/api/v1/episodes/{eid}/regimen", user=PHYS,
                  json=regimen(drug=drug, bags=2, times=["08:00", "20:00"]))
    assert r.status_code == 200, r.text
    after = {t["id"]: (t["kind"], t["date"], t["seq"]) for t in heime.get(url, user=PHYS).json()}
    changed = {i: (before[i], after[i]) for i in before if i in after and before[i] != after[i]}
    assert not changed, f"{len(changed)} task ids now name other tasks, e.g. " \
                        f"{next(iter(changed.items()))}"


def test_missed_tasks(heime):
    """Tasks still planned after their window are listed as missed (the demo leaves some)."""
    zone = heime.org_id("tromso-sentrum")
    r = heime.get(f"/api/v1/orgs/{zone}/tasks/missed", user=MNURSE)
    assert r.status_code == 200, r.text
    missed = r.json()
    assert missed, "the demo region should have missed tasks"
    now = datetime.datetime.now(datetime.timezone.utc)
    for t in missed:
        assert t["state"] == "planned" and t["org_id"] == zone
        assert at(t["window_end"]) < now - datetime.timedelta(minutes=15)
    r = heime.get(f"/api/v1/orgs/{zone}/tasks/missed", user="senja2")
    assert r.status_code == 403, r.text


def test_shortage_moves_home_tasks_to_the_ward(heime):
    """A municipality short of nurses: its tasks on those dates go to the hospital ward."""
    muni, zone = heime.org_id("berlevag"), heime.org_id("berlevag-sentrum")
    ward = heime.org_id("unn-inf-ward")
    r = heime.post("/api/v1/referrals", user=HNURSE,
                   json={"patient": new_patient(municipality="Berlevåg", zone=zone,
                                                lat=70.85, lon=29.09)})
    assert r.status_code == 201, r.text
    eid = r.json()["episode_id"]
    for method, what, user, body in (
            ("PUT", "eligibility", PHYS, {"answers": {k: True for k in ELIGIBILITY}}),
            ("POST", "approve", PHYS, None), ("PUT", "regimen", PHYS, regimen())):
        assert heime.call(method, f"/api/v1/episodes/{eid}/{what}", user=user,
                          json=body).status_code == 200
    pump = next(d["serial"] for d in heime.get("/api/v1/devices", user=HNURSE).json()
                if d["status"] == "available")
    for what, body in (("pump", {"serial": pump}), ("training", None), ("activate", None)):
        assert heime.post(f"/api/v1/episodes/{eid}/{what}", user=HNURSE,
                          json=body).status_code == 200
    day = oslo_today() + 3 * DAY
    r = heime.post(f"/api/v1/orgs/{muni}/shortages", user="berlevag1",
                   json={"from": str(day), "to": str(day), "reason": "Two nurses ill."})
    assert r.status_code == 201, r.text
    tasks = heime.get(f"/api/v1/episodes/{eid}/tasks", user=PHYS).json()
    on_day = [t for t in tasks if t["date"] == str(day)]
    others = [t for t in tasks if t["date"] != str(day) and t["state"] == "planned"]
    assert on_day and all(t["org_id"] == ward for t in on_day)
    assert others and all(t["org_id"] == zone for t in others)
    wl = heime.get(f"/api/v1/orgs/{ward}/tasks?date={day}", user=HNURSE)
    assert wl.status_code == 200, wl.text
    assert {t["id"] for t in on_day} <= {t["id"] for t in wl.json()}
