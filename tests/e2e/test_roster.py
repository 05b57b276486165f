"""Rosters: a zone's shifts read and set through the API (validated as a whole, all or nothing),
the demo's generated rosters, and `heime plan --date --org` taking the nurses on duty from the
roster: evening bag changes are planned when someone works the evening, and reported "no nurse
on duty" when nobody does; without a roster for the date the plan says it used the default day."""
import datetime
import json
import zoneinfo

import pytest

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def day(offset):
    return (datetime.datetime.now(OSLO) + datetime.timedelta(days=offset)).date().isoformat()


def plan(heime, date, zone_code):
    return heime.plan_day(date, zone_code)


def nurses(heime, zone_code):
    """(staff id, pump-trained) of the zone's active municipal nurses and super-users."""
    return heime.sql(
        "SELECT s.id, EXISTS (SELECT 1 FROM competence c WHERE c.staff_id = s.id AND"
        " c.kind = 'infusion_pump' AND (c.expires_on IS NULL OR c.expires_on >= ?))"
        " FROM staff s JOIN org o ON o.id = s.org_id WHERE o.code = ? AND s.active = 1 AND"
        " s.role IN ('municipal_nurse','super_user') ORDER BY s.id",
        (datetime.datetime.now(datetime.timezone.utc).date().isoformat(), zone_code))


def shift(staff_id, date, start, end, **kw):
    return dict({"staff_id": staff_id, "date": date, "start": start, "end": end}, **kw)


def evening_zone(heime, date):
    """A zone with bag changes in the evening of date (the demo's two-bag regimens)."""
    rows = heime.sql(
        "SELECT o.code, t.window_start_ms FROM task t JOIN org o ON o.id = t.org_id WHERE"
        " t.local_date = ? AND t.kind = 'bag_change' AND t.state = 'planned' AND o.kind = 'zone'",
        (str(date),))
    oslo = zoneinfo.ZoneInfo("Europe/Oslo")
    evening = {}
    for code, ms in rows:
        if datetime.datetime.fromtimestamp(ms / 1000, oslo).hour >= 17:
            evening[code] = evening.get(code, 0) + 1
    return max(evening, key=evening.get) if evening else None


def test_demo_has_rosters_with_evening_shifts_and_thinner_weekends(heime):
    zone = heime.org_id("tromso-sentrum")
    r = heime.get(f"/api/v1/orgs/{zone}/roster?from={day(0)}&to={day(13)}",
                  user="tromso.sentrum2")
    assert r.status_code == 200, r.text
    shifts = r.json()["shifts"]
    by_date = {}
    for s in shifts:
        by_date.setdefault(s["date"], []).append(s)
    assert len(by_date) == 14
    for date, day_shifts in by_date.items():
        assert any(s["start"] == "15:00" and s["end"] == "23:00" for s in day_shifts), date
        weekend = datetime.date.fromisoformat(date).isoweekday() >= 6
        # Weekdays: the zone's four demo nurses (other tests may add nurses later); weekends two.
        assert len(day_shifts) == (2 if weekend else 4), date
    assert all(s["break_minutes"] == 30 and s["start_location"] is None for s in shifts)


def test_evening_bag_changes_need_an_evening_shift(heime):
    date = day(2)
    code = evening_zone(heime, date)
    if not code:
        pytest.skip("the demo has no evening bag change on " + date)
    zone = heime.org_id(code)
    staff = nurses(heime, code)
    evening = next(sid for sid, pump in staff if pump)
    days_only = [shift(sid, date, "07:30", "15:30", break_from="11:00", break_to="13:00",
                       break_minutes=30) for sid, _ in staff]
    r = heime.put(f"/api/v1/orgs/{zone}/roster", user="admin",
                  json={"from": date, "to": date, "shifts": days_only})
    assert r.status_code == 200, r.text
    report = plan(heime, date, code)
    assert report["rostered"] is True and "from the roster" in report["shifts"]
    off = [u for u in report["unserved"] if u["why"].startswith("no nurse on duty")]
    assert any(u["kind"] == "bag_change" for u in off)
    assert all("between" in u["why"] for u in off)
    # the reason also as a code with its clock times, for clients that say it in their language
    assert all(u["reason"] == "off_duty" and u["why"] == f"no nurse on duty between {u['from']} "
               f"and {u['to']}" for u in off), off
    assert all(heime.sql("SELECT unplanned FROM task WHERE id = ?", (u["task_id"],))[0][0] ==
               "off_duty" for u in off)

    with_evening = [s for s in days_only if s["staff_id"] != evening] + \
        [shift(evening, date, "15:00", "23:00", break_from="18:00", break_to="19:30",
               break_minutes=30)]
    r = heime.put(f"/api/v1/orgs/{zone}/roster", user="admin",
                  json={"from": date, "to": date, "shifts": with_evening})
    assert r.status_code == 200, r.text
    report = plan(heime, date, code)
    assert report["unserved"] == [], report["unserved"]
    assert report["summary"]["feasible"] is True
    evening_route = next(rt for rt in report["routes"] if rt["staff_id"] == evening)
    assert evening_route["shift"]["start"] == "15:00" and evening_route["shift"]["end"] == "23:00"
    assert any(v["kind"] == "bag_change" and v["start"] >= "17:00"
               for v in evening_route["visits"])
    # Stored: the evening's bag changes are the evening nurse's, in her route order.
    stored = heime.sql("SELECT assigned_staff_id, route_order FROM task WHERE id IN (%s)" % ",".join(
        str(v["task_id"]) for v in evening_route["visits"]))
    assert {a for a, _ in stored} == {evening}
    assert sorted(o for _, o in stored) == [v["route_order"] for v in evening_route["visits"]]


def test_a_date_without_roster_uses_the_default_day_and_says_so(heime):
    date = day(3)
    zone = heime.org_id("tromso-nord")
    r = heime.put(f"/api/v1/orgs/{zone}/roster", user="tromso.nord1",
                  json={"from": date, "to": date, "shifts": []})
    assert r.status_code == 200 and r.json()["shifts"] == []
    report = plan(heime, date, "tromso-nord")
    assert report["rostered"] is False
    assert "no roster for " + date in report["shifts"] and "07:30-15:30" in report["shifts"]
    assert report["nurses_on_duty"] == len(nurses(heime, "tromso-nord"))


def test_two_shifts_of_one_nurse_on_a_day(heime):
    date = day(4)
    code = "tromso-kvaloya"
    zone = heime.org_id(code)
    staff = nurses(heime, code)
    split = [shift(staff[0][0], date, "07:00", "11:00"), shift(staff[0][0], date, "16:00", "22:00")]
    rest = [shift(sid, date, "08:00", "16:00") for sid, _ in staff[1:]]
    r = heime.put(f"/api/v1/orgs/{zone}/roster", user="admin",
                  json={"from": date, "to": date, "shifts": split + rest})
    assert r.status_code == 200, r.text
    got = [s for s in r.json()["shifts"] if s["staff_id"] == staff[0][0]]
    assert [(s["start"], s["end"]) for s in got] == [("07:00", "11:00"), ("16:00", "22:00")]
    report = plan(heime, date, code)
    assert report["nurses_on_duty"] == len(staff)
    orders = {}
    for rt in report["routes"]:
        orders.setdefault(rt["staff_id"], []).extend(v["route_order"] for v in rt["visits"])
    for sid, o in orders.items():
        assert len(o) == len(set(o)), (sid, o)  # one order per nurse across her shifts


BAD = [
    ({"from": "2026-11-30", "to": "2026-11-01", "shifts": []}, "'to' is before 'from'"),
    ({"from": "2026-01-01", "to": "2026-06-01", "shifts": []}, "at most 62 days"),
    ({"from": "2026-02-30", "to": "2026-03-01", "shifts": []}, "field 'from' must be a date"),
    ({"from": "D", "to": "D"}, "field 'shifts' must be an array"),
    ({"from": "D", "to": "D", "shifts": [{"staff_id": "S", "date": "D", "start": "15:00",
                                          "end": "07:00"}]}, "shift 1: the shift must end after"),
    ({"from": "D", "to": "D", "shifts": [{"staff_id": "S", "date": "D", "start": "25:00",
                                          "end": "26:00"}]}, "field 'start' must be a clock time"),
    ({"from": "D", "to": "D", "shifts": [{"staff_id": "S", "date": "2020-01-01",
                                          "start": "07:00", "end": "15:00"}]}, "outside"),
    ({"from": "D", "to": "D", "shifts": [{"staff_id": "S", "date": "D", "start": "07:00",
                                          "end": "15:00"},
                                         {"staff_id": "S", "date": "D", "start": "14:00",
                                          "end": "22:00"}]}, "overlapping shifts"),
    ({"from": "D", "to": "D", "shifts": [{"staff_id": "S", "date": "D", "start": "07:00",
                                          "end": "15:00", "break_minutes": 30}]},
     "a break needs its window"),
    ({"from": "D", "to": "D", "shifts": [{"staff_id": "S", "date": "D", "start": "07:00",
                                          "end": "15:00", "break_from": "06:00",
                                          "break_to": "08:00", "break_minutes": 30}]},
     "fit inside the shift"),
    ({"from": "D", "to": "D", "shifts": [{"staff_id": "S", "date": "D", "start": "07:00",
                                          "end": "15:00", "start_location": {"lat": 99,
                                                                              "lon": 0}}]},
     "start_location"),
    ({"from": "D", "to": "D", "shifts": [{"staff_id": "S", "date": "D", "start": "07:00",
                                          "end": "15:00", "colour": "blue"}]},
     "unknown field 'colour'"),
    ({"from": "D", "to": "D", "shifts": [{"staff_id": "OTHER", "date": "D", "start": "07:00",
                                          "end": "15:00"}]}, "not a nurse of this zone"),
    ({"from": "D", "to": "D", "shifts": [{"staff_id": "PHYS", "date": "D", "start": "07:00",
                                          "end": "15:00"}]}, "is not a nurse"),
    ({"from": "D", "to": "D", "shifts": [{"staff_id": 999999, "date": "D", "start": "07:00",
                                          "end": "15:00"}]}, "does not exist"),
]


@pytest.mark.parametrize("body, words", BAD)
def test_bad_rosters_are_refused_and_change_nothing(heime, body, words):
    date = day(5)
    zone = heime.org_id("tromso-sentrum")
    ids = {"S": nurses(heime, "tromso-sentrum")[0][0], "OTHER": nurses(heime, "senja-finnsnes")[0][0],
           "PHYS": heime.sql("SELECT staff_id FROM account WHERE username = 'lege1'")[0][0]}
    text = json.dumps(body).replace('"D"', f'"{date}"')
    for k, v in ids.items():
        text = text.replace(f'"{k}"', str(v))
    before = heime.counts()
    shifts = heime.sql("SELECT * FROM shift ORDER BY id")
    r = heime.put(f"/api/v1/orgs/{zone}/roster", user="admin", data=text)
    assert r.status_code == 400, r.text
    assert words in r.json()["error"], r.json()
    assert heime.counts() == before and heime.sql("SELECT * FROM shift ORDER BY id") == shifts


def test_roster_access(heime):
    date = day(6)
    sentrum = heime.org_id("tromso-sentrum")
    url = f"/api/v1/orgs/{sentrum}/roster?from={date}"
    assert heime.get(url, user="tromso.sentrum2").status_code == 200
    assert heime.get(url, user="admin").status_code == 200
    assert heime.get(url, user="senja2").status_code == 403
    assert heime.get(url, user="operator1").status_code == 403
    body = {"from": date, "to": date, "shifts": []}
    assert heime.put(url.split("?")[0], user="tromso.sentrum2", json=body).status_code == 403
    assert heime.put(url.split("?")[0], user="senja1", json=body).status_code == 403
    # A super-user of another zone of the same municipality reads it but does not set it.
    assert heime.get(url, user="tromso.nord1").status_code == 200
    r = heime.put(url.split("?")[0], user="tromso.nord1", json=body)
    assert r.status_code == 403 and "own zone" in r.json()["error"]
    assert heime.get("/api/v1/orgs/999999/roster", user="admin").status_code == 404
    muni = heime.org_id("tromso")
    r = heime.get(f"/api/v1/orgs/{muni}/roster", user="admin")
    assert r.status_code == 400 and "not a home-care zone" in r.json()["error"]
    r = heime.get(f"/api/v1/orgs/{sentrum}/roster?from=2026-13-01", user="admin")
    assert r.status_code == 400


def test_deactivated_nurse_is_not_on_duty_nor_rostered(heime):
    date = day(7)
    code = "tromso-nord"
    zone = heime.org_id(code)
    staff = nurses(heime, code)
    sid = staff[-1][0]
    r = heime.put(f"/api/v1/orgs/{zone}/roster", user="admin",
                  json={"from": date, "to": date,
                        "shifts": [shift(s, date, "07:30", "15:30") for s, _ in staff]})
    assert r.status_code == 200, r.text
    r = heime.post(f"/api/v1/staff/{sid}/deactivate", user="admin")
    assert r.status_code == 200 and r.json()["shifts_removed"] >= 1
    assert heime.sql("SELECT count(*) FROM shift WHERE staff_id = ? AND local_date >= ?",
                     (sid, day(0))) == [(0,)]
    try:
        report = plan(heime, date, code)
        assert report["nurses_on_duty"] == len(staff) - 1
        r = heime.put(f"/api/v1/orgs/{zone}/roster", user="admin",
                      json={"from": date, "to": date, "shifts": [shift(sid, date, "07:30", "15:30")]})
        assert r.status_code == 400 and "deactivated" in r.json()["error"]
    finally:
        assert heime.post(f"/api/v1/staff/{sid}/reactivate", user="admin").status_code == 200


def test_nobody_on_duty_for_any_visit_is_a_plan_too(heime):
    """Only a night nurse rostered: nothing for the solver, every visit reported, exit 0."""
    date = day(8)
    code = "tromso-sentrum"
    zone = heime.org_id(code)
    sid = nurses(heime, code)[0][0]
    r = heime.put(f"/api/v1/orgs/{zone}/roster", user="admin",
                  json={"from": date, "to": date,
                        "shifts": [shift(sid, date, "23:00", "24:00")]})
    assert r.status_code == 200, r.text
    report = plan(heime, date, code)
    assert report["visits"] > 0 and len(report["unserved"]) == report["visits"]
    assert all(u["why"].startswith("no nurse on duty between") for u in report["unserved"])
    assert report["summary"]["feasible"] is False
    assert [rt["shift"] for rt in report["routes"]] == \
        [{"shift_id": r.json()["shifts"][0]["id"], "start": "23:00", "end": "24:00"}]
    assert heime.sql("SELECT count(*) FROM task WHERE org_id = ? AND local_date = ? AND"
                     " assigned_staff_id IS NOT NULL", (zone, date)) == [(0,)]


def test_a_nurse_who_moves_leaves_the_old_zones_roster(heime):
    date = day(9)
    sentrum, kvaloya = heime.org_id("tromso-sentrum"), heime.org_id("tromso-kvaloya")
    r = heime.post("/api/v1/staff", user="admin",
                   json={"name": "Flytt Sykepleier", "role": "municipal_nurse", "org_id": sentrum,
                         "username": "roster.move1", "password": "a-long-enough-password"})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    current = heime.get(f"/api/v1/orgs/{sentrum}/roster?from={date}&to={date}", user="admin").json()
    keep = [{k: s[k] for k in ("staff_id", "date", "start", "end")} for s in current["shifts"]]
    r = heime.put(f"/api/v1/orgs/{sentrum}/roster", user="admin",
                  json={"from": date, "to": date, "shifts": keep + [shift(sid, date, "16:00", "22:00")]})
    assert r.status_code == 200, r.text
    r = heime.call("PATCH", f"/api/v1/staff/{sid}", user="admin", json={"org_id": kvaloya})
    assert r.status_code == 200 and r.json()["shifts_removed"] == 1
    after = heime.get(f"/api/v1/orgs/{sentrum}/roster?from={date}&to={date}", user="admin").json()
    assert [s for s in after["shifts"] if s["staff_id"] == sid] == []
    assert len(after["shifts"]) == len(keep)
