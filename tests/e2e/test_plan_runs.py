"""GET /api/v1/orgs/{id}/plans: every plan of a zone's day is recorded as figures (who made it,
when, how many visits on how many routes, what was left out, driving minutes and their source),
newest first, for the worklist's "last planned ..."; the planning schedule's plans are marked
automatic (test_plan_schedule.py)."""
import datetime
import math
import zoneinfo

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
ZONE = "tromso-nord"


def day(offset):
    return (datetime.datetime.now(OSLO) + datetime.timedelta(days=offset)).date().isoformat()


def test_each_plan_of_a_day_is_recorded_newest_first(heime):
    date = day(10)
    zone = heime.org_id(ZONE)
    url = f"/api/v1/orgs/{zone}/plans?date={date}"
    before = heime.get(url, user="tromso.nord2")
    assert before.status_code == 200, before.text
    assert before.json() == {"org_id": zone, "date": date, "plans": []}

    r = heime.post(f"/api/v1/orgs/{zone}/plan", user="tromso.nord2",
                   json={"date": date, "time_limit_s": 0.3})
    assert r.status_code == 200, r.text
    report = r.json()
    plans = heime.get(url, user="tromso.nord3").json()["plans"]
    assert len(plans) == 1
    first = plans[0]
    assert first["made_by"] == "tromso.nord2" and first["made_by_name"] == "Thomas Haugen"
    assert first["automatic"] is False
    assert first["visits"] == sum(len(x["visits"]) for x in report["routes"])
    assert first["nurses"] == sum(1 for x in report["routes"] if x["visits"])
    assert first["unserved"] == len(report["unserved"])
    assert math.isclose(first["travel_minutes"], report["summary"]["travel_minutes"], abs_tol=1e-6)
    assert first["feasible"] == report["summary"]["feasible"]
    assert first["travel_source"] == "coordinates"
    assert first["made_at"].endswith("Z")

    heime.plan_day(date, ZONE)  # the command line: the system, not automatic
    plans = heime.get(url, user="tromso.nord2").json()["plans"]
    assert [p["made_by"] for p in plans] == ["planner", "tromso.nord2"]
    assert plans[0]["made_by_name"] is None and plans[0]["automatic"] is False
    # figures only: no patient is named, so the list is not an access to patient data
    assert not any("patient" in k for p in plans for k in p)


def test_who_may_not_see_the_zone_is_refused(heime):
    zone = heime.org_id(ZONE)
    assert heime.get(f"/api/v1/orgs/{zone}/plans", user="senja2").status_code == 403
    r = heime.get(f"/api/v1/orgs/{zone}/plans?date=2026-02-30", user="tromso.nord2")
    assert r.status_code == 400 and "date" in r.json()["error"]
    assert heime.get(f"/api/v1/orgs/{zone}/plans").status_code == 401
