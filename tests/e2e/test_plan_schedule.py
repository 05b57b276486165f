"""The daily planning schedule (plan_daily_at): from that Oslo clock time on, the server plans
the next days of every zone that has no routes yet, and keeps the routes of a day the
coordinator already planned, fitting in only a visit that came after her plan. The server runs
under libfaketime, its clock set to 17:59:40 Oslo time on tomorrow's date, so the test sees
18:00 come."""
import datetime
import os
import subprocess
import time
import zoneinfo

import requests

from conftest import HEIME, ROOT, db_sql, db_write, free_port, new_db

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def libfaketime():
    out = subprocess.run(["dpkg", "-L", "libfaketime"], capture_output=True, text=True).stdout
    libs = [line for line in out.splitlines() if line.endswith("/libfaketimeMT.so.1")]
    assert libs, "libfaketime is missing (scripts/install-deps.sh installs faketime)"
    return libs[0]


def load_demo(db):
    r = subprocess.run([HEIME, "demo", "--db", db, "--load-only"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr


def serve(db, tmp_path, **env):
    """`heime serve` on db with these environment variables, once it answers /healthz; its log
    is tmp_path/serve.log."""
    port, mllp = free_port(), free_port()
    log = open(tmp_path / "serve.log", "ab")
    proc = subprocess.Popen(
        [HEIME, "serve", "--db", db, "--http", f"127.0.0.1:{port}", "--mllp",
         f"127.0.0.1:{mllp}"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, **env})
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    proc.wait()
    raise AssertionError("heime serve did not answer: " + (tmp_path / "serve.log").read_text())


def routed(db, date):
    """{zone code: number of visits with a route} on the date."""
    return dict(db_sql(
        db, "SELECT o.code, count(*) FROM task t JOIN org o ON o.id = t.org_id WHERE"
        " o.kind = 'zone' AND t.local_date = ? AND t.route_order IS NOT NULL GROUP BY o.code",
        (date,)))


def waiting(db, date):
    """The zones whose day wants a plan: no route yet, and visits that no plan has looked at."""
    return {row[0] for row in db_sql(
        db, "SELECT o.code FROM task t JOIN org o ON o.id = t.org_id WHERE o.kind = 'zone' AND"
        " t.local_date = ? AND t.state = 'planned' AND t.unplanned IS NULL AND NOT EXISTS"
        " (SELECT 1 FROM task r WHERE r.org_id = t.org_id AND r.local_date = ? AND"
        " r.route_order IS NOT NULL)", (date, date))}


def fitted(db, task):
    """The task has a route, or a reason why not."""
    return bool(db_sql(db, "SELECT route_order IS NOT NULL OR unplanned IS NOT NULL FROM task"
                           " WHERE id = ?", (task,))[0][0])


def routes_of(db, date, zone):
    return db_sql(
        db, "SELECT t.id, t.assigned_staff_id, t.route_order, t.planned_ms FROM task t JOIN org o"
        " ON o.id = t.org_id WHERE o.code = ? AND t.local_date = ? ORDER BY t.id", (zone, date))


def test_the_schedule_plans_the_next_days_from_its_time_and_keeps_a_planned_day(tmp_path):
    db = new_db(str(tmp_path))
    load_demo(db)

    fake_today = datetime.datetime.now(OSLO).date() + datetime.timedelta(days=1)
    day1, day2 = (str(fake_today + datetime.timedelta(days=d)) for d in (1, 2))
    # The coordinator has already planned one zone's first day: the schedule must keep it.
    r = subprocess.run([HEIME, "plan", "--db", db, "--date", day1, "--org",
                        "tromso-sentrum", "--time-limit", "1", "--seed", "7"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    coordinators = routes_of(db, day1, "tromso-sentrum")
    assert any(row[2] is not None for row in coordinators)
    # a visit added after her plan (here: one of hers without its nurse and route): the schedule
    # fits it in and keeps the rest of her routes
    late = db_sql(
        db, "SELECT t.id FROM task t JOIN org o ON o.id = t.org_id WHERE o.code = ? AND"
        " t.local_date = ? AND t.route_order IS NOT NULL AND t.kind <> 'bag_compounding'"
        " ORDER BY t.id LIMIT 1", ("tromso-sentrum", day1))[0][0]
    db_write(db, "UPDATE task SET assigned_staff_id = NULL, route_order = NULL,"
                 " planned_ms = NULL WHERE id = ?", (late,))
    coordinators = [row for row in coordinators if row[0] != late]

    start = datetime.datetime.combine(fake_today, datetime.time(17, 59, 40), OSLO)
    offset = int(start.timestamp() - time.time())
    proc = serve(db, tmp_path, LD_PRELOAD=libfaketime(), FAKETIME=f"{offset:+d}s",
                 HEIME_PLAN_DAILY_AT="18:00", HEIME_PLAN_DAYS_AHEAD="2", HEIME_PLAN_ZONE_SECONDS="1")
    try:
        # before 18:00 nothing is planned
        assert routed(db, day2) == {}, "planned before its time"
        assert list(routed(db, day1)) == ["tromso-sentrum"]
        assert waiting(db, day1) and len(waiting(db, day2)) >= 2

        deadline = time.time() + 120
        while time.time() < deadline and (waiting(db, day1) or waiting(db, day2)
                                          or not fitted(db, late)):
            time.sleep(1)
        text = (tmp_path / "serve.log").read_text()
        assert "planning schedule: from 18:00 each day, the next 2 day(s)" in text, text
        # every zone day that wanted a plan got one (or each visit its reason why not)
        assert waiting(db, day1) == set() and waiting(db, day2) == set(), text
        assert len(routed(db, day1)) >= 2 and len(routed(db, day2)) >= 2
        # the coordinator's plan kept its nurses and, within 15 minutes, its times; the late
        # visit placed or told why not
        assert fitted(db, late), text
        kept = {row[0]: row for row in routes_of(db, day1, "tromso-sentrum")}
        for tid, staff, _, planned in coordinators:
            assert kept[tid][1] == staff and abs(kept[tid][3] - planned) <= 15 * 60_000
        # the record of the plans: the schedule's are automatic, the command line's is not
        runs = db_sql(db, "SELECT o.code, r.local_date, r.made_by, r.automatic FROM plan_run r"
                          " JOIN org o ON o.id = r.org_id ORDER BY r.id")
        assert runs[0] == ("tromso-sentrum", day1, "planner", 0)
        assert ("tromso-sentrum", day1, "planner", 1) in runs[1:]  # the fitting in
        assert len(runs) > 2 and all(run[2:] == ("planner", 1) for run in runs[1:])
        assert {(run[0], run[1]) for run in runs[1:]} >= (
            {(z, day1) for z in routed(db, day1)} | {(z, day2) for z in routed(db, day2)}) - {
            ("tromso-sentrum", day1)}
        # today (by the fake clock) is not the schedule's to plan
        assert routed(db, str(fake_today)) == {}
        # one pass: nothing left to plan, so no second "planned" line within the recheck time
        deadline = time.time() + 5
        while time.time() < deadline and "planning schedule: planned" not in text:
            time.sleep(0.5)
            text = (tmp_path / "serve.log").read_text()
        assert text.count("planning schedule: planned the routes of") == 1, text
    finally:
        proc.terminate()
        proc.wait(30)
    assert proc.returncode == 0


def test_a_server_stopping_ends_the_schedules_plan_at_once_and_stores_nothing(tmp_path):
    db = new_db(str(tmp_path))
    load_demo(db)
    # from 00:00: the schedule starts planning tomorrow at once, 60 s per zone
    proc = serve(db, tmp_path, HEIME_PLAN_DAILY_AT="00:00", HEIME_PLAN_ZONE_SECONDS="60")
    try:
        time.sleep(3)  # a zone is being planned
        started = time.time()
        proc.terminate()
        proc.wait(30)
        stopped_in = time.time() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert stopped_in < 10, f"stopping waited {stopped_in:.1f} s for the plan"
    tomorrow = str(datetime.datetime.now(OSLO).date() + datetime.timedelta(days=1))
    runs = db_sql(db, "SELECT count(*) FROM plan_run")[0][0]
    assert runs == 0 and routed(db, tomorrow) == {}, "a plan cut short is not stored"
