"""Re-planning a zone's day while it is under way (`heime plan --date --org` after the day began):
visits done keep their nurse and route order, a visit a nurse has started (under way) is left as
it is and she goes on from its place once it ends, a visit whose window has opened stays with its
nurse (she may be on her way), nothing new is planned before now, each nurse goes on from the place
of her last documented visit, and a visit that had no nurse when its window opened gets one.

The day is a few days ahead, and `heime plan` runs under faketime at an hour of that day; the
nurse's documentation is written into the database directly, as the app would have at that hour."""
import datetime
import json
import math
import os
import subprocess
import time
import zoneinfo

from conftest import HEIME, ROOT

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
ZONE = "tromso-sentrum"


def plan_at(heime, date, when=None):
    """Runs the plan now, or (when given) at that aware datetime through faketime."""
    cmd = [HEIME, "plan", "--db", heime.db, "--date", date, "--org", ZONE, "--time-limit", "1"]
    env = dict(os.environ)
    if when is not None:
        offset = math.ceil(when.timestamp() - time.time())  # at or just after `when`
        cmd = ["faketime", "-f", f"{offset:+d}s"] + cmd
        # an ASan build must otherwise come first in the preload list, before libfaketime
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"),
                                                     "verify_asan_link_order=0"]))
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def minutes(clock):
    h, m = clock.split(":")
    return int(h) * 60 + int(m)


def test_replanning_during_the_day_keeps_what_is_done_or_under_way(heime):
    date = (datetime.datetime.now(OSLO) + datetime.timedelta(days=6)).date().isoformat()
    zone = heime.org_id(ZONE)
    morning = plan_at(heime, date)
    assert morning["as_of"] is None and morning["visits"] >= 10, morning
    routes = {r["staff_id"]: r["visits"] for r in morning["routes"] if len(r["visits"]) >= 3}
    assert routes, morning
    tasks = {t_id: (start, end) for t_id, start, end in heime.sql(
        "SELECT id, window_start_ms, window_end_ms FROM task WHERE local_date = ?", (date,))}

    # The moment of the re-plan: 90 s after the window of a nurse's third visit opened (the
    # half minute keeps the clock time of the report on that minute whatever faketime's start).
    nurse, visits = next(iter(sorted(routes.items())))
    done, open_one = visits[0], visits[2]
    moment_ms = tasks[open_one["task_id"]][0] + 90_000
    assert tasks[open_one["task_id"]][1] > moment_ms + 5 * 60_000
    moment = datetime.datetime.fromtimestamp(moment_ms / 1000, OSLO)
    # She documented her first visit ten minutes ago.
    heime.write("UPDATE task SET state = 'done', done_ms = ?, done_by = ? WHERE id = ?",
                (moment_ms - 600_000, nurse, done["task_id"]))
    # Another visit whose window is open lost its nurse (say, it was added after the morning).
    orphan = next((t for t, (s, e) in sorted(tasks.items())
                   if s < moment_ms and e > moment_ms + 60 * 60_000 and t != open_one["task_id"]
                   and heime.sql("SELECT state FROM task WHERE id = ?", (t,))[0][0] == "planned"
                   and heime.sql("SELECT org_id FROM task WHERE id = ?", (t,))[0][0]
                   in {o for (o,) in heime.sql("SELECT org_id FROM org_ancestor WHERE"
                                               " ancestor_id = ?", (zone,))}), None)
    if orphan is not None:
        heime.write("UPDATE task SET assigned_staff_id = NULL, route_order = NULL WHERE id = ?",
                    (orphan,))

    later = plan_at(heime, date, moment)
    assert later["as_of"] == moment.strftime("%H:%M"), later
    now_min = moment.hour * 60 + moment.minute
    planned = {}
    for route in later["routes"]:
        for v in route["visits"]:
            planned[v["task_id"]] = (route["staff_id"], v)
            # Nothing is planned to start before the moment of the re-plan.
            assert minutes(v["start"]) >= now_min - 1, (route["staff_id"], v, later["as_of"])
    assert done["task_id"] not in planned
    row = heime.sql("SELECT assigned_staff_id, route_order, state FROM task WHERE id = ?",
                    (done["task_id"],))[0]
    assert row == (nurse, done["route_order"], "done")
    # The visit whose window had opened is still hers, pinned, after the visit she has done.
    staff, v = planned[open_one["task_id"]]
    assert staff == nurse and v["pinned"] is True
    assert v["route_order"] > done["route_order"]
    # Her new route orders follow the ones left as they were, without repeats.
    orders = [x["route_order"] for route in later["routes"] if route["staff_id"] == nurse
              for x in route["visits"]]
    assert len(orders) == len(set(orders)) and min(orders) > done["route_order"]
    if orphan is not None and orphan in planned:
        assert planned[orphan][0] is not None
        assert heime.sql("SELECT assigned_staff_id FROM task WHERE id = ?",
                         (orphan,))[0][0] == planned[orphan][0]
    if orphan is not None:
        assert orphan in planned or orphan in {u["task_id"] for u in later["unserved"]}
    # Visits whose window has not opened yet are free: none of them is reported pinned.
    for tid, (_, v) in planned.items():
        if tasks[tid][0] > moment_ms:
            assert v["pinned"] is False
    # The worklist shows the stored plan.
    wl = heime.get(f"/api/v1/orgs/{zone}/tasks?date={date}", user="tromso.sentrum2").json()
    by_id = {t["id"]: t for t in wl}
    for tid, (staff, v) in planned.items():
        assert by_id[tid]["assigned_staff_id"] == staff
        assert by_id[tid]["route_order"] == v["route_order"]


def test_replanning_after_every_shift_ended_plans_nothing(heime):
    date = (datetime.datetime.now(OSLO) + datetime.timedelta(days=7)).date().isoformat()
    late = datetime.datetime.fromisoformat(date + "T23:59:00").replace(tzinfo=OSLO)
    report = plan_at(heime, date, late)
    assert report["as_of"] == "23:59"
    assert all(not r["visits"] for r in report["routes"]), report


def test_a_visit_under_way_stays_and_its_nurse_goes_on_from_there(heime):
    date = (datetime.datetime.now(OSLO) + datetime.timedelta(days=11)).date().isoformat()
    morning = plan_at(heime, date)
    routes = {r["staff_id"]: r["visits"] for r in morning["routes"] if len(r["visits"]) >= 3}
    assert routes, morning
    nurse, visits = next(iter(sorted(routes.items())))
    under_way = visits[1]
    start_ms, duration = heime.sql("SELECT window_start_ms, duration_min FROM task WHERE id = ?",
                                   (under_way["task_id"],))[0]
    assert duration >= 5
    # She started it a minute after its window opened; the re-plan comes two minutes later.
    started_ms = start_ms + 60_000
    heime.write("UPDATE task SET started_ms = ?, started_by = ? WHERE id = ?",
                (started_ms, nurse, under_way["task_id"]))
    moment = datetime.datetime.fromtimestamp((started_ms + 150_000) / 1000, OSLO)

    later = plan_at(heime, date, moment)
    assert later["under_way"] >= 1, later
    planned = {v["task_id"]: (r["staff_id"], v) for r in later["routes"] for v in r["visits"]}
    # The visit under way is not re-planned: hers, with its route order, still started.
    assert under_way["task_id"] not in planned
    row = heime.sql("SELECT assigned_staff_id, route_order, state, started_ms FROM task"
                    " WHERE id = ?", (under_way["task_id"],))[0]
    assert row == (nurse, under_way["route_order"], "planned", started_ms)
    # Her next visits begin once it has ended, and come after it in her route.
    ends = datetime.datetime.fromtimestamp(started_ms / 1000, OSLO) + datetime.timedelta(
        minutes=duration)
    hers = [v for staff, v in planned.values() if staff == nurse]
    assert hers, later  # the morning gave her more than two visits
    for v in hers:
        assert minutes(v["start"]) >= ends.hour * 60 + ends.minute - 1, (v, ends)
        assert v["route_order"] > under_way["route_order"]
