"""A visit under way: the nurse marks that she has started it (POST /api/v1/tasks/{id}/start).
The worklist shows since when and who; she takes the visit over from another nurse's route; a
second start is refused; starting is audited and needs the same access as documenting; a visit
under way can then be documented done as before."""
import datetime
import zoneinfo

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
ZONE = "tromso-sentrum"


def test_starting_a_visit_marks_it_under_way_until_documented(heime):
    zone = heime.org_id(ZONE)
    date = (datetime.datetime.now(OSLO) + datetime.timedelta(days=12)).date().isoformat()
    me = heime.get("/api/v1/me", user="tromso.sentrum2").json()
    me["name"] = heime.sql("SELECT name FROM staff WHERE id = ?", (me["staff_id"],))[0][0]
    tasks = heime.get(f"/api/v1/orgs/{zone}/tasks?date={date}", user="tromso.sentrum2").json()
    task = next(t for t in tasks if t["state"] == "planned" and t["kind"] == "site_inspection")
    assert task["started_at"] is None and task["started_by_name"] is None
    # On another nurse's route, so that taking it over shows.
    heime.write("UPDATE task SET assigned_staff_id = (SELECT min(id) FROM staff WHERE id <> ?),"
                " route_order = 4 WHERE id = ?", (me["staff_id"], task["id"]))

    r = heime.post(f"/api/v1/tasks/{task['id']}/start", user="tromso.sentrum2")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == task["id"] and body["state"] == "planned"
    assert body["started_at"].endswith("Z")

    listed = {t["id"]: t for t in heime.get(f"/api/v1/orgs/{zone}/tasks?date={date}",
                                            user="tromso.sentrum2").json()}[task["id"]]
    assert listed["state"] == "planned"
    assert listed["started_at"] == body["started_at"]
    assert listed["started_by_name"] == me["name"]
    assert listed["assigned_staff_id"] == me["staff_id"] and listed["route_order"] is None
    audited = heime.sql("SELECT count(*) FROM audit WHERE object = ?",
                        (f"task/{task['id']}/start",))[0][0]
    assert audited == 1

    again = heime.post(f"/api/v1/tasks/{task['id']}/start", user="tromso.sentrum2")
    assert again.status_code == 409 and "already under way" in again.json()["error"]

    done = heime.post(f"/api/v1/tasks/{task['id']}/done", user="tromso.sentrum2",
                      json={"documentation": {"findings": ["normal"]}})
    assert done.status_code == 200, done.text
    after = heime.post(f"/api/v1/tasks/{task['id']}/start", user="tromso.sentrum2")
    assert after.status_code == 409 and "not planned" in after.json()["error"]


def test_starting_needs_the_access_documenting_needs(heime):
    zone = heime.org_id(ZONE)
    date = (datetime.datetime.now(OSLO) + datetime.timedelta(days=12)).date().isoformat()
    tasks = heime.get(f"/api/v1/orgs/{zone}/tasks?date={date}", user="tromso.sentrum2").json()
    task = next(t for t in tasks if t["state"] == "planned" and t["started_at"] is None)
    heime.login("senja2")
    heime.login("pasient1")
    before = heime.counts()
    r = heime.post(f"/api/v1/tasks/{task['id']}/start", user="senja2")
    assert r.status_code == 403 and "another organisation" in r.json()["error"]
    r = heime.post(f"/api/v1/tasks/{task['id']}/start", user="pasient1")
    assert r.status_code == 403, r.text
    r = heime.post("/api/v1/tasks/999999/start", user="tromso.sentrum2")
    assert r.status_code == 404 and "does not exist" in r.json()["error"]
    assert heime.counts() == before
    assert heime.sql("SELECT started_ms FROM task WHERE id = ?", (task["id"],))[0][0] is None


def test_a_start_can_be_taken_back_by_its_nurse_or_a_super_user(heime):
    zone = heime.org_id(ZONE)
    date = (datetime.datetime.now(OSLO) + datetime.timedelta(days=12)).date().isoformat()
    tasks = heime.get(f"/api/v1/orgs/{zone}/tasks?date={date}", user="tromso.sentrum2").json()
    task = next(t for t in tasks if t["state"] == "planned" and t["started_at"] is None)
    url = f"/api/v1/tasks/{task['id']}/start"
    r = heime.delete(url, user="tromso.sentrum2")
    assert r.status_code == 409 and "not under way" in r.json()["error"]

    assert heime.post(url, user="tromso.sentrum2").status_code == 200
    # a colleague may not take her start back; the super-user of the zone may
    heime.login("tromso.sentrum3")
    before = heime.counts()
    r = heime.delete(url, user="tromso.sentrum3")
    assert r.status_code == 403 and "only the nurse who started" in r.json()["error"]
    assert heime.counts() == before
    r = heime.delete(url, user="tromso.sentrum2")
    assert r.status_code == 200 and r.json() == {"id": task["id"], "state": "planned",
                                                 "started_at": None}
    listed = {t["id"]: t for t in heime.get(f"/api/v1/orgs/{zone}/tasks?date={date}",
                                            user="tromso.sentrum2").json()}[task["id"]]
    assert listed["started_at"] is None and listed["started_by_name"] is None
    assert heime.sql("SELECT count(*) FROM audit WHERE object = ?",
                     (f"task/{task['id']}/start-undone",))[0][0] == 1

    assert heime.post(url, user="tromso.sentrum2").status_code == 200
    assert heime.delete(url, user="tromso.sentrum1").status_code == 200  # the super-user
