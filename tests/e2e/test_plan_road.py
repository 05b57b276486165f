"""Road travel times for plans (plan_road_url): `heime plan --date --org` asks an OSRM-style table
service (here a fake one on loopback that knows every trip takes 10 minutes) for the day's
travel matrix, in blocks when the day has more places than the service takes at once, and falls
back to estimates from coordinates, saying why, when the service fails."""
import datetime
import json
import math
import os
import subprocess
import threading
import urllib.parse
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import HEIME, ROOT, db_sql, new_db

DAY = str(datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Oslo")).date() +
          datetime.timedelta(days=4))
ZONE = "tromso-sentrum"
TRIP_SECONDS = 600


class FakeOsrm(BaseHTTPRequestHandler):
    """GET /table/v1/driving/{lon,lat;...}?annotations=duration[&sources=&destinations=]."""
    calls = []
    mode = "ok"            # "ok", "error" (400 InvalidQuery) or "no-route" (null to one place)
    no_route_to = None     # (lon, lat) with mode "no-route"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        assert url.path.startswith("/table/v1/driving/"), url.path
        coords = [tuple(float(x) for x in c.split(","))
                  for c in url.path[len("/table/v1/driving/"):].split(";")]
        q = urllib.parse.parse_qs(url.query)
        FakeOsrm.calls.append((coords, q))
        if FakeOsrm.mode == "error":
            return self.answer(400, {"code": "InvalidQuery", "message": "Query string malformed"})
        src = [int(i) for i in q["sources"][0].split(";")] if "sources" in q else range(len(coords))
        dst = ([int(i) for i in q["destinations"][0].split(";")] if "destinations" in q
               else range(len(coords)))
        def trip(a, b):
            if FakeOsrm.mode == "no-route" and FakeOsrm.no_route_to in (a, b) and a != b:
                return None
            return 0 if a == b else TRIP_SECONDS
        self.answer(200, {"code": "Ok",
                          "durations": [[trip(coords[s], coords[d]) for d in dst] for s in src]})

    def answer(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def osrm():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/table/v1/driving"
    server.shutdown()


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    db = new_db(str(tmp_path_factory.mktemp("road")))
    r = subprocess.run([HEIME, "demo", "--db", db, "--load-only"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return db


def plan(db, **env):
    FakeOsrm.calls.clear()
    r = subprocess.run([HEIME, "plan", "--db", db, "--date", DAY, "--org", ZONE,
                        "--time-limit", "0.5", "--seed", "3"], cwd=ROOT, capture_output=True,
                       text=True, timeout=120, env={**os.environ, **env})
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), r.stderr


def places(db):
    """Every (lon, lat) the zone's plan may ask about: patients' homes and organisations."""
    rows = db_sql(db, "SELECT lon, lat FROM patient UNION SELECT lon, lat FROM org")
    return {(round(lon, 6), round(lat, 6)) for lon, lat in rows if lon is not None}


def test_the_plan_drives_on_the_services_travel_times(region, osrm):
    report, _ = plan(region, HEIME_PLAN_ROAD_URL=osrm)
    assert report["travel"] == {"source": "road"}
    assert len(FakeOsrm.calls) == 1
    coords, query = FakeOsrm.calls[0]
    assert query["annotations"] == ["duration"] and "sources" not in query
    # longitude first, as OSRM wants; each place once
    assert len(coords) == len(set(coords)) >= 3
    known = places(region)
    assert all((round(lon, 6), round(lat, 6)) in known for lon, lat in coords), coords
    # every trip between two places takes 10 minutes, staying put none
    minutes = report["summary"]["travel_minutes"]
    assert minutes > 0 and math.isclose(minutes / 10, round(minutes / 10), abs_tol=1e-6), minutes
    assert report["summary"]["feasible"] in (True, False)
    assert sum(len(r["visits"]) for r in report["routes"]) > 0


def test_a_large_day_is_asked_in_blocks_with_the_same_plan(region, osrm):
    whole, _ = plan(region, HEIME_PLAN_ROAD_URL=osrm)
    n = len(FakeOsrm.calls[0][0])
    blocks, _ = plan(region, HEIME_PLAN_ROAD_URL=osrm, HEIME_PLAN_ROAD_MAX_TABLE="4")
    # blocks of 2 x 2 places, no request naming more than 4; a place alone is not asked about
    starts = range(0, n, 2)
    expected = sum(1 for r in starts for c in starts if not (r == c and r == n - 1))
    assert len(FakeOsrm.calls) == expected
    for coords, query in FakeOsrm.calls:
        assert 2 <= len(coords) <= 4
        if "sources" in query:
            assert len(query["sources"][0].split(";")) <= 2
            assert len(query["destinations"][0].split(";")) <= 2
    assert blocks["travel"] == {"source": "road"}
    assert blocks["summary"]["travel_minutes"] == whole["summary"]["travel_minutes"]
    assert blocks["routes"] == whole["routes"]


def test_a_failing_service_leaves_estimates_and_says_why(region, osrm):
    FakeOsrm.mode = "error"
    try:
        report, log = plan(region, HEIME_PLAN_ROAD_URL=osrm)
    finally:
        FakeOsrm.mode = "ok"
    assert report["travel"]["source"] == "coordinates"
    assert "InvalidQuery: Query string malformed" in report["travel"]["note"]
    assert "HTTP 400" in report["travel"]["note"]
    assert sum(len(r["visits"]) for r in report["routes"]) > 0, "the plan is still made"
    assert "travel estimated from coordinates" in log

    gone, _ = plan(region, HEIME_PLAN_ROAD_URL="http://127.0.0.1:9/table/v1/driving")
    assert gone["travel"]["source"] == "coordinates"
    assert "road service" in gone["travel"]["note"]


def test_places_without_a_road_are_unreachable(region, osrm):
    report, _ = plan(region, HEIME_PLAN_ROAD_URL=osrm)
    coords = FakeOsrm.calls[0][0]
    FakeOsrm.mode, FakeOsrm.no_route_to = "no-route", coords[-1]
    try:
        cut, _ = plan(region, HEIME_PLAN_ROAD_URL=osrm)
    finally:
        FakeOsrm.mode = "ok"
    pairs = 2 * (len(coords) - 1)
    assert cut["travel"]["source"] == "road"
    assert f"no route between {pairs} pairs of places" in cut["travel"]["note"]
    assert cut["unserved"], "a visit at a place no road reaches cannot be made"


def test_a_bad_address_is_refused(tmp_path):
    cfg = tmp_path / "heime.json"
    cfg.write_text(json.dumps({"plan_road_url": "osrm:5000"}))
    r = subprocess.run([HEIME, "serve", "--config", str(cfg)], cwd=ROOT, capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 2 and "'plan_road_url' must be an http(s) URL" in r.stderr, r.stderr


def test_a_table_of_one_place_is_refused(region, osrm):
    r = subprocess.run([HEIME, "plan", "--db", region, "--date", DAY, "--org", ZONE],
                       cwd=ROOT, capture_output=True, text=True, timeout=60,
                       env={**os.environ, "HEIME_PLAN_ROAD_URL": osrm,
                            "HEIME_PLAN_ROAD_MAX_TABLE": "1"})
    assert r.returncode != 0
    assert "HEIME_PLAN_ROAD_MAX_TABLE must be 2-10000 places" in r.stderr, r.stderr


def test_a_server_asks_the_service_about_a_day_once(osrm):
    """Re-planning a day in the server (the coordinator's "Planlegg ruter", the schedule) asks the
    road service only about trips it has not been told: the second plan of the same day asks
    nothing and drives the same minutes."""
    from conftest import running_heime
    saved = {k: os.environ.get(k) for k in ("HEIME_PLAN_ROAD_URL", "HEIME_PLAN_ROAD_MAX_TABLE")}
    os.environ.update({"HEIME_PLAN_ROAD_URL": osrm, "HEIME_PLAN_ROAD_MAX_TABLE": "4"})
    try:
        with running_heime() as h:
            zone = h.org_id(ZONE)
            reports = []
            for _ in range(2):
                FakeOsrm.calls.clear()
                r = h.post(f"/api/v1/orgs/{zone}/plan", user="tromso.sentrum2",
                           json={"date": DAY, "time_limit_s": 1})
                assert r.status_code == 200, r.text
                reports.append((r.json(), len(FakeOsrm.calls)))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    (first, asked), (second, asked_again) = reports
    assert first["travel"] == {"source": "road"} and second["travel"] == {"source": "road"}
    assert asked >= 1 and asked_again == 0
    assert second["summary"]["travel_minutes"] == pytest.approx(
        10 * round(second["summary"]["travel_minutes"] / 10))
