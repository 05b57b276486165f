"""No acknowledged write is lost: observations answered 201 survive a kill -9 of heime in the
middle of a stream of writes, and the audit chain is intact afterwards."""
import os
import signal
import subprocess
import threading
import time

import requests

from conftest import HEIME, ROOT, Heime


def test_acknowledged_observations_survive_kill_9(tmp_path):
    h = Heime(str(tmp_path))
    h.start()
    try:
        token = h.login("tromso.sentrum2")
        patients = [p["id"] for p in h.get("/api/v1/patients", token=token).json()]
        body = {"kind": "vital_signs", "values": {
            "temperature": 37.3, "pulse": 80, "systolic_bp": 125, "diastolic_bp": 80,
            "resp_rate": 16, "spo2": 97, "on_oxygen": False, "consciousness": "alert"}}
        acked, lock, stop = [], threading.Lock(), threading.Event()

        def writer(k):
            s = requests.Session()
            s.headers["Authorization"] = "Bearer " + token
            i = 0
            while not stop.is_set():
                pid = patients[(k + i) % len(patients)]
                i += 1
                try:
                    r = s.post(h.url(f"/api/v1/patients/{pid}/observations"), json=body, timeout=5)
                except requests.RequestException:
                    return  # the server is gone
                if r.status_code == 201:
                    with lock:
                        acked.append(r.json()["id"])

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        os.kill(h.proc.pid, signal.SIGKILL)  # no shutdown, no final commit
        h.proc.wait()
        stop.set()
        for t in threads:
            t.join()
        assert len(acked) > 50, "too few writes before the kill to prove anything"

        stored = {row[0] for row in h.sql("SELECT id FROM observation")}
        lost = [i for i in acked if i not in stored]
        assert not lost, f"{len(lost)} acknowledged observations lost, e.g. {lost[:5]}"
        verify = subprocess.run([HEIME, "audit", "verify", "--db", h.db], cwd=ROOT,
                                capture_output=True, text=True)
        assert verify.returncode == 0, verify.stdout + verify.stderr

        # The server comes back on the same database and keeps working.
        h.proc = None
        h.start()
        r = h.post(f"/api/v1/patients/{patients[0]}/observations", token=h.login("tromso.sentrum2"),
                   json=body)
        assert r.status_code == 201, r.text
    finally:
        h.stop()
