"""A coordinator's own choice of nurse (PUT /api/v1/tasks/{id}/assignment): a locked visit stays
with its nurse through every plan of the day; when she is not on duty in its window the plan says
so and still does not hand it to someone else; unlocked, the planner is free again. Refusals are
clear and change nothing."""
import datetime
import zoneinfo

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
ZONE = "tromso-kvaloya"
COORDINATOR = "tromso.kvaloya1"  # super-user of the zone


def day(offset):
    return (datetime.datetime.now(OSLO) + datetime.timedelta(days=offset)).date().isoformat()


def plan(heime, date):
    return heime.plan_day(date, ZONE)


def route_of(report, task_id):
    return next((r["staff_id"] for r in report["routes"]
                 for v in r["visits"] if v["task_id"] == task_id), None)


def assign(heime, task_id, body, user=COORDINATOR):
    return heime.put(f"/api/v1/tasks/{task_id}/assignment", user=user, json=body)


def test_a_locked_visit_stays_with_its_nurse(heime):
    date = day(6)
    zone = heime.org_id(ZONE)
    tasks = heime.get(f"/api/v1/orgs/{zone}/tasks?date={date}", user=COORDINATOR).json()
    morning = [t for t in tasks if t["state"] == "planned" and t["kind"] != "bag_compounding"
               and t["window_start"][11:13] < "14"]
    assert morning, tasks
    task = morning[0]
    first = plan(heime, date)
    # lock it to a nurse whose shift covers its window, who has its competence, and who did not
    # get it from the planner
    roster = heime.get(f"/api/v1/orgs/{zone}/roster?from={date}&to={date}", user="admin").json()
    start, end = task["window_start"][11:16], task["window_end"][11:16]
    competent = {sid for (sid,) in heime.sql(
        "SELECT staff_id FROM competence WHERE kind = ?", (task["competence"],))} \
        if task["competence"] else {s["staff_id"] for s in roster["shifts"]}
    chosen = next(s["staff_id"] for s in roster["shifts"]
                  if s["start"] <= start and s["end"] >= end and s["staff_id"] in competent
                  and s["staff_id"] != route_of(first, task["id"]))
    r = assign(heime, task["id"], {"staff_id": chosen, "locked": True})
    assert r.status_code == 200, r.text
    assert r.json()["locked"] is True and r.json()["assigned_staff_id"] == chosen
    listed = {t["id"]: t for t in heime.get(f"/api/v1/orgs/{zone}/tasks?date={date}",
                                            user=COORDINATOR).json()}[task["id"]]
    assert listed["locked"] is True and listed["assigned_staff_id"] == chosen
    assert listed["route_order"] is None  # placed anew by the next plan
    assert heime.sql("SELECT count(*) FROM audit WHERE object = ?",
                     (f"task/{task['id']}/assignment",))[0][0] == 1

    for _ in range(2):  # every later plan keeps it
        assert route_of(plan(heime, date), task["id"]) == chosen

    # her shift taken out of the roster: reported, and still hers
    roster = heime.get(f"/api/v1/orgs/{zone}/roster?from={date}&to={date}", user="admin").json()
    keep = [{k: s[k] for k in ("staff_id", "date", "start", "end", "break_from", "break_to",
                               "break_minutes")} for s in roster["shifts"]
            if s["staff_id"] != chosen]
    r = heime.put(f"/api/v1/orgs/{zone}/roster", user="admin",
                  json={"from": date, "to": date, "shifts": keep})
    assert r.status_code == 200, r.text
    report = plan(heime, date)
    why = {u["task_id"]: u for u in report["unserved"]}
    assert why[task["id"]]["reason"] == "locked_off_duty", report["unserved"]
    assert "locked to is not on duty" in why[task["id"]]["why"]
    row = heime.sql("SELECT assigned_staff_id, nurse_locked, unplanned FROM task WHERE id = ?",
                    (task["id"],))[0]
    assert row == (chosen, 1, "locked_off_duty")

    # unlocked: the planner is free to give it to whoever is on duty
    r = assign(heime, task["id"], {"staff_id": chosen, "locked": False})
    assert r.status_code == 200 and r.json()["locked"] is False
    report = plan(heime, date)
    assert route_of(report, task["id"]) not in (None, chosen), report


def test_refusals_are_clear_and_change_nothing(heime):
    date = day(6)
    zone = heime.org_id(ZONE)
    tasks = heime.get(f"/api/v1/orgs/{zone}/tasks?date={date}", user=COORDINATOR).json()
    task = next(t for t in tasks if t["state"] == "planned" and not t["locked"])
    senja = heime.sql("SELECT s.id FROM staff s JOIN account a ON a.staff_id = s.id"
                      " WHERE a.username = 'senja1'")[0][0]
    doctor = heime.sql("SELECT s.id FROM staff s JOIN account a ON a.staff_id = s.id"
                       " WHERE a.username = 'lege1'")[0][0]
    pump_task = next(t for t in tasks if t["state"] == "planned" and
                     t["competence"] == "infusion_pump")
    untrained = heime.sql(
        "SELECT s.id FROM staff s JOIN org o ON o.id = s.org_id WHERE o.code = ? AND s.active = 1"
        " AND s.role = 'municipal_nurse' AND NOT EXISTS (SELECT 1 FROM competence c WHERE"
        " c.staff_id = s.id AND c.kind = 'infusion_pump')", (ZONE,))[0][0]
    for user in ("lege1", "senja1", COORDINATOR):
        heime.login(user)  # logins are audited: before the counts
    before = heime.counts()
    cases = [
        ({"staff_id": senja, "locked": True}, COORDINATOR, 400, "does not work for"),
        ({"staff_id": doctor}, COORDINATOR, 400, "not a nurse"),
        ({"staff_id": None, "locked": True}, COORDINATOR, 400, "cannot be locked"),
        ({"staff_id": 999999}, COORDINATOR, 400, "does not exist"),
        ({"locked": True}, COORDINATOR, 400, "'staff_id' is required"),
        ({"staff_id": "x"}, COORDINATOR, 400, "must be a staff id"),
        ({"staff_id": None, "colour": "red"}, COORDINATOR, 400, "colour"),
        ({"staff_id": None}, "lege1", 403, ""),
        ({"staff_id": None}, "senja1", 403, "another organisation"),
    ]
    for body, user, status, why in cases:
        r = assign(heime, task["id"], body, user=user)
        assert r.status_code == status, (body, user, r.text)
        assert why in r.json()["error"], (body, r.text)
    # only a nurse trained on the pump may change a bag: the coordinator cannot say otherwise
    r = assign(heime, pump_task["id"], {"staff_id": untrained, "locked": True})
    assert r.status_code == 400 and "no valid infusion_pump competence" in r.json()["error"], r.text
    assert heime.put("/api/v1/tasks/99999999/assignment", user=COORDINATOR,
                     json={"staff_id": None}).status_code == 404
    assert heime.counts() == before
