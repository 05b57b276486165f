"""End-to-end: escalation along a pathway's tiers, seen on the live stream and at the webhook;
acknowledgement stops it; silent pumps and stopped infusions raise alarms (issue 4). Runs its
own heime with fast templates (tiers of about a second) and a short heartbeat."""
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from test_alarms_crash import Server, fast_pathways
from test_alarms_mllp import pcd04, pcd10, msa, send as send_to, stream_events
import tempfile
import shutil


class Hook(BaseHTTPRequestHandler):
    got = []

    def do_POST(self):
        Hook.got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class View:
    """What the tests need of a running server: ports, login, SQL, as conftest's Heime."""

    def __init__(self, srv):
        self.srv = srv
        self.mllp_port = srv.mllp
        self.base = f"http://127.0.0.1:{srv.http}"
        self.tokens = {}

    def url(self, path):
        return self.base + path

    def login(self, user):
        if user not in self.tokens:
            r = requests.post(self.url("/api/v1/auth/login"),
                              json={"username": user, "password": "demo-" + user})
            self.tokens[user] = r.json()["token"]
        return self.tokens[user]

    def call(self, method, path, user, **kw):
        return requests.request(method, self.url(path), timeout=30,
                                headers={"Authorization": "Bearer " + self.login(user)}, **kw)

    def sql(self, q, args=()):
        return self.srv.sql(q, args)


@pytest.fixture(scope="module")
def fast():
    tmp = tempfile.mkdtemp(prefix="heime-esc-")
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    pathways = fast_pathways(tmp)
    for name in os.listdir(pathways):  # stopped infusions count after 2 s here
        path = os.path.join(pathways, name)
        with open(path, encoding="utf-8") as f:
            t = json.load(f)
        t["alarm_rules"]["pump_stopped_minutes"] = 2 / 60
        with open(path, "w", encoding="utf-8") as f:
            json.dump(t, f)
    srv = Server(tmp, pathways, f"http://127.0.0.1:{hook.server_address[1]}/hook")
    srv.env["HEIME_HEARTBEAT_S"] = "2"
    srv.start("demo")
    try:
        yield View(srv)
    finally:
        srv.stop()
        hook.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


def serial_of(v, patient):
    return v.sql("SELECT d.serial FROM device d JOIN device_assignment da ON da.device_id = d.id"
                 " AND da.released_ms IS NULL JOIN episode e ON e.id = da.episode_id"
                 " WHERE e.patient_id = ?", (patient,))[0][0]


def test_escalation_reaches_stream_and_webhook_and_ack_stops_it(fast):
    got, stop, ready = [], threading.Event(), threading.Event()
    t = threading.Thread(target=stream_events, args=(fast, "operator1", got, stop, ready))
    t.start()
    assert ready.wait(5)
    serial = serial_of(fast, 1)
    assert msa(send_to(fast, pcd04(serial, code="MDC_EVT_ESC_A")))[0] == "AA"
    assert msa(send_to(fast, pcd04(serial, code="MDC_EVT_ESC_B")))[0] == "AA"
    time.sleep(0.3)
    b = [d["alarm"] for e, d in got if d["alarm"]["code"] == "MDC_EVT_ESC_B"][0]
    r = fast.call("POST", f"/api/v1/alarms/{b['id']}/acknowledge", "operator1")
    assert r.status_code == 200
    time.sleep(1.5 * 2 + 1.5)
    stop.set()
    t.join(10)
    esc = [d["alarm"] for e, d in got if e == "escalated" and d["alarm"]["code"] == "MDC_EVT_ESC_A"]
    assert [a["tier"] for a in esc] == [1, 2]
    assert [a["tier_name"] for a in esc] == ["hospital_ward", "responsible_physician"]
    assert not [d for e, d in got if e == "escalated" and d["alarm"]["code"] == "MDC_EVT_ESC_B"]
    hooked = [(h["alarm"]["code"], h["alarm"]["tier"]) for h in Hook.got]
    assert ("MDC_EVT_ESC_A", 1) in hooked and ("MDC_EVT_ESC_A", 2) in hooked
    assert not [h for h in hooked if h[0] == "MDC_EVT_ESC_B"]
    a = esc[0]["id"]
    hist = fast.call("GET", f"/api/v1/alarms/{a}", "operator1").json()["history"]
    assert [h["kind"] for h in hist] == ["raised", "escalated", "escalated"]


def test_silent_pump_raises_a_technical_alarm_and_speaking_ends_it(fast):
    serial = serial_of(fast, 3)
    send_to(fast, pcd10(serial))
    deadline = time.time() + 8
    rows = []
    while time.time() < deadline and not rows:
        rows = fast.sql("SELECT id, state, priority FROM alarm WHERE source = 'silence' AND"
                        " device_serial = ?", (serial,))
        time.sleep(0.2)
    assert rows and rows[0][1] == "open" and rows[0][2] == "medium"
    assert fast.sql("SELECT patient_id FROM alarm WHERE id = ?", (rows[0][0],))[0][0] == 3
    send_to(fast, pcd10(serial))
    assert fast.sql("SELECT state FROM alarm WHERE id = ?", (rows[0][0],))[0][0] == "resolved"


def test_stopped_infusion_raises_an_alarm(fast):
    serial = serial_of(fast, 2)
    send_to(fast, pcd10(serial, "MDC_EVT_PUMP_DELIV_STOP"))
    deadline = time.time() + 8
    rows = []
    while time.time() < deadline and not rows:
        rows = fast.sql("SELECT patient_id, priority, state FROM alarm WHERE code = 'PUMP_STOPPED'"
                        " AND device_serial = ?", (serial,))
        time.sleep(0.2)
    assert rows == [(2, "high", "open")]
    send_to(fast, pcd10(serial, "MDC_EVT_PUMP_DELIV_START"))
    assert fast.sql("SELECT device_ended FROM alarm WHERE code = 'PUMP_STOPPED' AND"
                    " device_serial = ?", (serial,))[0][0] == 1
