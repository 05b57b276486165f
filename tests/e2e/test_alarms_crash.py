"""End-to-end crash test (issue 4): kill -9 heime repeatedly while senders push PCD-04 alerts
at full speed over MLLP. After each restart, every message that was answered AA is in the
database; and the escalations that fell due while heime was down fire exactly once (one
history row, one outbox row per alarm and tier), and reach the webhook receiver.

HEIME_CRASH_KILLS sets the number of kills (default 5 in make check; 20 for the full proof:
HEIME_CRASH_KILLS=20 /usr/bin/python3 -m pytest -q tests/e2e/test_alarms_crash.py)."""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from conftest import HEIME, ROOT, db_sql, free_port, new_db

KILLS = int(os.environ.get("HEIME_CRASH_KILLS", "5"))
TIER_S = 1.5  # seconds an unacknowledged alarm stays at each tier in this test


class Hook(BaseHTTPRequestHandler):
    got = []
    lock = threading.Lock()
    fail_first = True

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with Hook.lock:
            # The receiver is down at first: heime must retry.
            if Hook.fail_first:
                Hook.fail_first = False
                self.send_response(503)
                self.end_headers()
                return
            Hook.got.append((body["alarm"]["id"], body["alarm"]["tier"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def fast_pathways(tmp):
    """Copies of the templates whose escalation moves on every TIER_S seconds."""
    d = os.path.join(tmp, "pathways")
    os.makedirs(d)
    for name in os.listdir(os.path.join(ROOT, "pathways")):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(ROOT, "pathways", name), encoding="utf-8") as f:
            t = json.load(f)
        n = len(t["escalation"]["tiers"]) - 1
        m = TIER_S / 60.0
        t["escalation"]["unacknowledged_minutes"] = {p: [m] * n for p in ("high", "medium", "low")}
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            json.dump(t, f)
    return d


def alert(serial, code, control):
    return ("\r".join([
        f"MSH|^~\\&|CRASHGW^1^L|CRASH|HEIME|UNN|20261124101500+0100||ORU^R40^ORU_R40|{control}|P|2.6",
        "PID|||X^^^X^PI",
        "OBR|1|A|A|196616^MDC_EVT_ALARM^MDC|||20261124101458+0100",
        f"OBX|1||70049^MDC_DEV_PUMP_INFUS_LVP_MDS^MDC|1.0.0.0|||||||X|||||||{serial}",
        f"OBX|2|CWE|196616^MDC_EVT_ALARM^MDC|1.1.0.0.1|0^{code}^MDC|||PH~ST|||F",
        "OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.1.0.0.3|start||||||F",
    ]) + "\r").encode()


def sender(port, serials, prefix, acked, stop):
    """Sends alerts back to back on one connection; records the control ids answered AA."""
    n = 0
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            while not stop.is_set():
                control = f"{prefix}-{n}"
                # Ten conditions per sender, repeated: full speed, a bounded number of alarms.
                s.sendall(b"\x0b" + alert(serials[n % len(serials)],
                                          f"MDC_EVT_CRASH_{prefix}_{n % 10}", control) +
                          b"\x1c\r")
                buf = b""
                while b"\x1c" not in buf:
                    chunk = s.recv(4096)
                    if not chunk:
                        return
                    buf += chunk
                if b"MSA|AA|" + control.encode() in buf:
                    acked.append(control)
                n += 1
    except OSError:
        return  # the server died under us: exactly what this test does


class Server:
    def __init__(self, tmp, pathways, hook_url):
        self.db = new_db(tmp)
        self.http = free_port()
        self.mllp = free_port()
        self.pathways = pathways
        self.log = open(os.path.join(tmp, "heime.log"), "ab")
        self.env = dict(os.environ, HEIME_ALARM_WEBHOOK=hook_url)
        self.proc = None

    def start(self, cmd="serve"):
        self.proc = subprocess.Popen(
            [HEIME, cmd, "--db", self.db, "--http", f"127.0.0.1:{self.http}",
             "--mllp", f"127.0.0.1:{self.mllp}", "--pathways", self.pathways],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + 120
        while time.time() < deadline:
            assert self.proc.poll() is None, "heime exited early"
            try:
                if requests.get(f"http://127.0.0.1:{self.http}/healthz", timeout=1).ok:
                    with socket.create_connection(("127.0.0.1", self.mllp), timeout=1):
                        return
            except (requests.RequestException, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError("heime did not start")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)

    def sql(self, q, args=()):
        return db_sql(self.db, q, args)


def test_kill9_loses_no_acked_message_and_escalates_exactly_once():
    tmp = tempfile.mkdtemp(prefix="heime-crash-")
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    srv = Server(tmp, fast_pathways(tmp), f"http://127.0.0.1:{hook.server_address[1]}/hook")
    rng = random.Random(4)
    try:
        srv.start("demo")
        serials = [r[0] for r in srv.sql(
            "SELECT d.serial FROM device d JOIN device_assignment da ON da.device_id = d.id"
            " AND da.released_ms IS NULL JOIN episode e ON e.id = da.episode_id"
            " WHERE e.state = 'active'")]
        assert serials
        all_acked = []
        for k in range(KILLS):
            if k:
                srv.start()
            acked, stop = [], threading.Event()
            threads = [threading.Thread(target=sender, args=(srv.mllp, serials, f"K{k}S{i}",
                                                             acked, stop)) for i in range(4)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.3, 1.2))
            srv.kill9()
            stop.set()
            for t in threads:
                t.join(10)
            assert acked, f"kill {k}: nothing was acknowledged"
            stored = {r[0] for r in srv.sql(
                "SELECT control_id FROM hl7_inbox WHERE control_id LIKE ?", (f"K{k}S%",))}
            lost = [c for c in acked if c not in stored]
            assert not lost, f"kill {k}: {len(lost)} acknowledged messages lost, e.g. {lost[:3]}"
            all_acked += acked
            # Down for a while: some escalations fall due now.
            time.sleep(rng.uniform(0.0, 1.0))
        srv.start()
        # Every alarm raised in the loop has passed both tiers' deadlines after this.
        time.sleep(2 * TIER_S + 2.5)
        rows = srv.sql("SELECT id, tier FROM alarm WHERE code LIKE 'MDC_EVT_CRASH_%'")
        assert rows
        assert all(tier == 2 for _, tier in rows), "some escalations did not fire"
        dup = srv.sql("SELECT alarm_id, tier, count(*) FROM alarm_event WHERE kind = 'escalated'"
                      " GROUP BY alarm_id, tier HAVING count(*) > 1")
        assert not dup, f"escalations fired twice: {dup[:5]}"
        esc = srv.sql("SELECT count(*) FROM alarm_event e JOIN alarm a ON a.id = e.alarm_id"
                      " WHERE e.kind = 'escalated' AND a.code LIKE 'MDC_EVT_CRASH_%'")[0][0]
        assert esc == 2 * len(rows)
        # Only this test's alarms: the rules may raise others meanwhile (in the evening the
        # questionnaire rule raises missed answers, and the short tiers escalate them too).
        assert srv.sql("SELECT count(*) FROM webhook_outbox w JOIN alarm a ON a.id = w.alarm_id"
                       " WHERE a.code LIKE 'MDC_EVT_CRASH_%'")[0][0] == esc
        # The webhook receiver gets each (alarm, tier), retried after its first refusal.
        deadline = time.time() + 30
        want = {(i, t) for i, _ in rows for t in (1, 2)}
        while time.time() < deadline and not want <= set(Hook.got):
            time.sleep(0.2)
        assert want <= set(Hook.got)
        audit = subprocess.run([HEIME, "audit", "verify", "--db", srv.db],
                               capture_output=True, text=True, timeout=60)
        assert audit.returncode == 0, audit.stdout + audit.stderr
    finally:
        srv.stop()
        hook.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
