"""Visits two nurses make together: a template's task kind with "nurses": 2 gives tasks that the
plan puts on two nurses' routes at the same time; the task keeps its nurse and its partner, each
with her own route order, both worklists show it "together with" the other, and a partner who
starts it takes it over with the other as her partner, and a re-plan after it was documented
counts it for both. Runs its own server on a copy of the shipped templates in which the
insertion-site inspection needs two nurses."""
import datetime
import json
import math
import os
import shutil
import subprocess
import tempfile
import time
import zoneinfo

import pytest

from conftest import HEIME, ROOT, Heime

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
KIND = "site_inspection"
ZONE = "tromso-sentrum"


def weekday(offset):
    """The first Monday to Thursday at least offset days ahead: the demo's full day roster."""
    d = datetime.datetime.now(OSLO).date() + datetime.timedelta(days=offset)
    while d.weekday() > 3:
        d += datetime.timedelta(days=1)
    return d.isoformat()


def templates(dest, nurses):
    os.makedirs(dest)
    for name in os.listdir(os.path.join(ROOT, "pathways")):
        with open(os.path.join(ROOT, "pathways", name)) as f:
            doc = json.load(f)
        for task in doc["tasks"]:
            if task["id"] == KIND:
                task["nurses"] = nurses
        with open(os.path.join(dest, name), "w") as f:
            json.dump(doc, f)
    return dest


@pytest.fixture(scope="module")
def two():
    with tempfile.TemporaryDirectory(prefix="heime-two-") as tmp:
        paths = templates(os.path.join(tmp, "pathways"), 2)
        h = Heime(tmp)
        r = subprocess.run([HEIME, "demo", "--db", h.db, "--load-only", "--pathways", paths],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        h.start(extra=("--pathways", paths))
        try:
            yield h
        finally:
            h.stop()


def test_a_two_nurse_visit_is_on_both_routes(two):
    date = weekday(2)
    assert two.sql("SELECT DISTINCT nurses FROM task WHERE kind = ?", (KIND,)) == [(2,)]
    assert two.sql("SELECT DISTINCT nurses FROM task WHERE kind <> ?", (KIND,)) == [(1,)]
    report = two.plan_day(date, ZONE)
    where = {}
    for route in report["routes"]:
        for v in route["visits"]:
            where.setdefault(v["task_id"], []).append((route["staff_id"], v["route_order"], v["start"]))
    pairs = {t: w for t, w in where.items() if len(w) == 2}
    kinds = dict(two.sql("SELECT id, kind FROM task WHERE local_date = ?", (date,)))
    assert pairs and all(kinds[t] == KIND for t in pairs), (pairs, report["unserved"])
    for task, ((a, oa, sa), (b, ob, sb)) in pairs.items():
        assert a != b and sa == sb, "two nurses, at the same time"
        stored = two.sql("SELECT assigned_staff_id, route_order, partner_staff_id,"
                         " partner_route_order, planned_ms IS NOT NULL FROM task WHERE id = ?",
                         (task,))[0]
        assert {(stored[0], stored[1]), (stored[2], stored[3])} == {(a, oa), (b, ob)}
        assert stored[4] == 1

    zone = two.org_id(ZONE)
    tasks = {t["id"]: t for t in two.get(f"/api/v1/orgs/{zone}/tasks?date={date}",
                                         user="tromso.sentrum2").json()}
    task_id, _ = next(iter(pairs.items()))
    t = tasks[task_id]
    assert t["nurses"] == 2 and t["partner_staff_id"] is not None and t["partner_staff"]
    assert t["partner_route_order"] is not None
    assert t["partner_staff"] != t["assigned_staff"]
    assert all(tasks[i]["nurses"] == 1 and tasks[i]["partner_staff_id"] is None
               for i in tasks if kinds.get(i) != KIND)


def test_the_partner_who_starts_it_takes_it_over(two):
    date = weekday(3)
    report = two.plan_day(date, ZONE)
    ahead = [t for t, in two.sql(
        "SELECT id FROM task WHERE local_date = ? AND kind = ? AND partner_staff_id IS NOT NULL"
        " AND state = 'planned'", (date, KIND))]
    assert ahead, report["unserved"]
    task = ahead[0]
    nurse, order, partner, partner_order = two.sql(
        "SELECT assigned_staff_id, route_order, partner_staff_id, partner_route_order FROM task"
        " WHERE id = ?", (task,))[0]
    username = two.sql("SELECT a.username FROM account a WHERE a.staff_id = ?", (partner,))[0][0]
    r = two.post(f"/api/v1/tasks/{task}/start", user=username)
    assert r.status_code == 200, r.text
    assert two.sql("SELECT assigned_staff_id, route_order, partner_staff_id, partner_route_order"
                   " FROM task WHERE id = ?", (task,))[0] == (partner, partner_order, nurse, order)


def test_a_replan_counts_the_visit_made_together_for_both_nurses(two):
    """Re-planned after a two-nurse visit was documented by one of them: the partner's new
    route orders follow hers on that visit too (they used to start again at 1)."""
    date = weekday(5)
    two.plan_day(date, ZONE)
    task, nurse, partner, partner_order, start_ms, minutes = two.sql(
        "SELECT id, assigned_staff_id, partner_staff_id, partner_route_order, planned_ms,"
        " duration_min FROM task WHERE local_date = ? AND kind = ? AND partner_staff_id IS NOT"
        " NULL ORDER BY planned_ms LIMIT 1", (date, KIND))[0]
    # just after it: her visits after it in the plan are still ahead
    moment_ms = start_ms + (minutes + 1) * 60_000
    two.write("UPDATE task SET state = 'done', done_ms = ?, done_by = ? WHERE id = ?",
              (moment_ms - 60_000, nurse, task))
    # a visit an hour later locked to the partner, so that she has a route after it
    candidates = [t for t, in two.sql(
        "SELECT id FROM task WHERE local_date = ? AND state = 'planned' AND nurses = 1 AND"
        " org_id = ? AND id <> ? ORDER BY competence IS NOT NULL, id",
        (date, two.org_id(ZONE), task))]
    for t in candidates:
        two.write("UPDATE task SET window_start_ms = ?, window_end_ms = ? WHERE id = ?",
                  (moment_ms + 60 * 60_000, moment_ms + 120 * 60_000, t))
        if two.put(f"/api/v1/tasks/{t}/assignment", user="tromso.sentrum2",
                   json={"staff_id": partner, "locked": True}).status_code == 200:
            break
    else:
        raise AssertionError("no visit could be locked to the partner")
    moment = datetime.datetime.fromtimestamp(moment_ms / 1000, OSLO)
    offset = math.ceil(moment.timestamp() - time.time())
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"),
                                                 "verify_asan_link_order=0"]))
    r = subprocess.run(["faketime", "-f", f"{offset:+d}s", HEIME, "plan", "--db", two.db,
                        "--date", date, "--org", ZONE, "--time-limit", "1"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    later = json.loads(r.stdout)
    assert later["as_of"] is not None
    orders = [v["route_order"] for route in later["routes"] if route["staff_id"] == partner
              for v in route["visits"]]
    assert orders, "the partner has a visit after the one made together (locked to her)"
    assert min(orders) > partner_order, (orders, partner_order)


def test_a_template_asking_for_three_nurses_is_refused(tmp_path):
    paths = templates(str(tmp_path / "pathways"), 3)
    r = subprocess.run([HEIME, "serve", "--db", "sqlite:" + str(tmp_path / "x.db"), "--pathways",
                        paths], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert "nurses: must be between 1 and 2" in r.stderr, r.stderr
