"""`heime plan --date --org`: a zone's day planned from the database, stored as each task's nurse
and route order, and the worklist API answering in that order."""
import datetime
import json
import subprocess
import zoneinfo

from conftest import HEIME, ROOT

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def plan(heime, *args):
    return subprocess.run([HEIME, "plan", "--db", heime.db, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_zone_day_is_planned_and_the_worklist_follows_the_routes(heime):
    day = (datetime.datetime.now(OSLO) + datetime.timedelta(days=1)).date().isoformat()
    zone = heime.org_id("tromso-sentrum")
    # Read the worklist first: the answer is cached, and the plan (written by another process)
    # must still show up in the next read.
    before = heime.get(f"/api/v1/orgs/{zone}/tasks?date={day}", user="tromso.sentrum2").json()
    assert before and all(t["route_order"] is None for t in before)
    r = plan(heime, "--date", day, "--org", "tromso-sentrum", "--time-limit", "1")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["date"] == day and report["org"] == "Tromsø sone Sentrum"
    assert report["nurses_on_duty"] >= 1 and report["visits"] >= 1
    planned = {v["task_id"]: (route["staff_id"], v["route_order"])
               for route in report["routes"] for v in route["visits"]}
    starts = {v["task_id"]: v["start"] for route in report["routes"] for v in route["visits"]}
    unserved = {u["task_id"]: u["why"] for u in report["unserved"]}
    assert planned, report
    assert all(why for why in unserved.values())
    codes = {"no_competence", "unreachable", "shift_too_short", "predecessor_unserved", "no_room",
             "optional_dropped", "off_duty"}
    assert all(u["reason"] in codes for u in report["unserved"]), report["unserved"]
    assert not set(planned) & set(unserved)

    tasks = heime.get(f"/api/v1/orgs/{zone}/tasks?date={day}", user="tromso.sentrum2").json()
    by_id = {t["id"]: t for t in tasks}
    for task_id, (staff, order) in planned.items():
        assert by_id[task_id]["assigned_staff_id"] == staff
        assert by_id[task_id]["route_order"] == order
        # the planned start is stored too, as the report's Oslo clock time on the day
        at = datetime.datetime.fromisoformat(by_id[task_id]["planned_start"].replace("Z", "+00:00"))
        assert at.astimezone(OSLO).strftime("%H:%M") == starts[task_id]
        assert at.astimezone(OSLO).date().isoformat() == day
    assert all(t["planned_start"] is None for t in tasks if t["id"] not in planned)
    # what the plan could not place keeps its reason for the worklist; what it placed has none
    for u in report["unserved"]:
        assert by_id[u["task_id"]]["unplanned_reason"] == u["reason"], u
    assert all(by_id[t]["unplanned_reason"] is None for t in planned)
    # The worklist lists each nurse's visits in route order.
    seen = {}
    for t in tasks:
        if t["assigned_staff_id"] is not None:
            assert t["route_order"] > seen.get(t["assigned_staff_id"], 0)
            seen[t["assigned_staff_id"]] = t["route_order"]


def test_bad_arguments_are_refused_clearly(heime):
    r = plan(heime, "--date", "2026-02-30", "--org", "tromso-sentrum")
    assert r.returncode == 2 and "does not exist" in r.stderr
    r = plan(heime, "--date", "2026-11-25", "--org", "no-such-zone")
    assert r.returncode == 1 and "unknown organisation 'no-such-zone'" in r.stderr
    r = plan(heime, "--date", "2026-11-25")
    assert r.returncode == 2 and "--date and --org go together" in r.stderr
