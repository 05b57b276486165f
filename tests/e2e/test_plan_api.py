"""Planning a zone's day from the API (POST /api/v1/orgs/{id}/plan, the worklist's "Planlegg
ruter"): a municipal nurse plans her zone's day; the answer is the report `heime plan --date
--org` prints; the worklist then has the routes; the plan is audited as hers, naming the
patients whose visits it placed; other municipalities, other roles and bad input are refused
with nothing changed."""
import datetime
import json
import socket
import time
import zoneinfo

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
ZONE = "tromso-sentrum"


def day(n):
    return (datetime.datetime.now(OSLO) + datetime.timedelta(days=n)).date().isoformat()


def test_a_nurse_plans_her_zones_day(heime):
    zone = heime.org_id(ZONE)
    date = day(10)
    r = heime.post(f"/api/v1/orgs/{zone}/plan", user="tromso.sentrum2",
                   json={"date": date, "time_limit_s": 1})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["date"] == date and report["org_id"] == zone and report["visits"] > 0
    assert {"routes", "unserved", "summary", "nurses_on_duty", "under_way"} <= set(report)
    planned = {v["task_id"]: (route["staff_id"], v["route_order"])
               for route in report["routes"] for v in route["visits"]}
    assert planned
    tasks = heime.get(f"/api/v1/orgs/{zone}/tasks?date={date}", user="tromso.sentrum2").json()
    by_id = {t["id"]: t for t in tasks}
    for tid, (staff, order) in planned.items():
        assert (by_id[tid]["assigned_staff_id"], by_id[tid]["route_order"]) == (staff, order)
    me = heime.get("/api/v1/me", user="tromso.sentrum2").json()
    rows = heime.sql("SELECT a.account_id, a.action, count(ap.patient_id) FROM audit a"
                     " LEFT JOIN audit_patient ap ON ap.audit_id = a.id WHERE a.object = ?"
                     " GROUP BY a.id", (f"org/{zone}/plan?date={date}",))
    assert rows and rows[-1][0] == me["account_id"] and rows[-1][1] == "plan"
    assert rows[-1][2] >= len({by_id[t]["patient_id"] for t in planned})


def test_planning_is_refused_to_others_and_on_bad_input(heime):
    zone = heime.org_id(ZONE)
    heime.login("senja2")
    heime.login("lege1")
    heime.login("tromso.sentrum2")
    before = heime.counts()
    r = heime.post(f"/api/v1/orgs/{zone}/plan", user="senja2", json={"date": day(10)})
    assert r.status_code == 403 and "no access" in r.json()["error"], r.text
    r = heime.post(f"/api/v1/orgs/{zone}/plan", user="lege1", json={"date": day(10)})
    assert r.status_code == 403, r.text
    for body, words in [({"date": "tomorrow"}, "date"), ({"time_limit_s": 100}, "time_limit_s"),
                        ({"date": day(10), "zone": 3}, "unknown field 'zone'")]:
        r = heime.post(f"/api/v1/orgs/{zone}/plan", user="tromso.sentrum2", json=body)
        assert r.status_code == 400 and words in r.json()["error"], (body, r.text)
    assert heime.counts() == before


def test_a_plan_whose_caller_went_away_stops_and_stores_nothing(heime):
    """A coordinator who closes the page during a long plan: the plan stops at once and stores
    nothing, and the next plan is not refused as "another plan is being made" for the rest of
    the first one's 30 s."""
    zone = heime.org_id("berlevag-sentrum")
    date = day(2)
    plans = f"/api/v1/orgs/{zone}/plans?date={date}"
    before = heime.get(plans, user="berlevag2").json()["plans"]
    body = json.dumps({"date": date, "time_limit_s": 30}).encode()
    with socket.create_connection(("127.0.0.1", heime.port)) as s:
        s.sendall(f"POST /api/v1/orgs/{zone}/plan HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  f"Authorization: Bearer {heime.login('berlevag2')}\r\n"
                  f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                  .encode() + body)
        time.sleep(1.5)  # planning
    closed = time.time()
    while True:
        r = heime.post(f"/api/v1/orgs/{zone}/plan", user="berlevag2",
                       json={"date": date, "time_limit_s": 0.3})
        if r.status_code != 409 or time.time() - closed > 40:
            break
        time.sleep(0.2)
    assert r.status_code == 200, r.text
    assert time.time() - closed < 5, "the plan ran on for its caller who had gone"
    after = heime.get(plans, user="berlevag2").json()["plans"]
    assert len(after) == len(before) + 1  # the second plan only
