"""bench/ingest_probe.py: measures, while other traffic runs, the time from sending an HL7
PCD-04 alert to its AA (durable) and to its appearance on the live alarm stream
(GET /api/v1/alarms/stream). Sends COUNT probe alerts at RATE per second from serials that no
episode has (shown to the response centre as unassigned pumps). Prints one JSON line."""
import json
import socket
import sys
import threading
import time

import requests

http, mllp_port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
count, rate = int(sys.argv[4]), float(sys.argv[5])
seen = {}
ready = threading.Event()
stop = threading.Event()


def listen():
    with requests.get(http + "/api/v1/alarms/stream", stream=True, timeout=(5, 5),
                      headers={"Authorization": "Bearer " + token}) as r:
        ready.set()
        for line in r.iter_lines(decode_unicode=True):
            if stop.is_set():
                return
            if line.startswith("data: "):
                code = json.loads(line[6:])["alarm"]["code"]
                if code.startswith("MDC_EVT_PROBE_") and code not in seen:
                    seen[code] = time.perf_counter()


def message(i, run):
    return ("\r".join([
        f"MSH|^~\\&|PROBE^{run}^L|BENCH|HEIME|UNN|20261124101500+0100||ORU^R40^ORU_R40|"
        f"PROBE-{run}-{i}|P|2.6",
        "PID|||BENCH^^^BENCH^PI",
        f"OBR|1|P{i}|P{i}|196616^MDC_EVT_ALARM^MDC|||20261124101458+0100",
        f"OBX|1||70049^MDC_DEV_PUMP_INFUS_LVP_MDS^MDC|1.0.0.0|||||||X|||||||PROBE-{run}-{i % 50}",
        f"OBX|2|CWE|196616^MDC_EVT_ALARM^MDC|1.1.0.0.1|0^MDC_EVT_PROBE_{run}_{i}^MDC|||PH~ST|||F",
        "OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.1.0.0.3|start||||||F",
    ]) + "\r").encode()


def pct(xs, p):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(p * len(xs)))] * 1000, 2) if xs else None


t = threading.Thread(target=listen, daemon=True)
t.start()
ready.wait(10)
run = str(int(time.time()))
sent, ack_lat = {}, []
with socket.create_connection(("127.0.0.1", mllp_port), timeout=10) as s:
    for i in range(count):
        t0 = time.perf_counter()
        s.sendall(b"\x0b" + message(i, run) + b"\x1c\r")
        buf = b""
        while b"\x1c" not in buf:
            buf += s.recv(4096)
        t1 = time.perf_counter()
        assert b"MSA|AA|" in buf, buf
        sent[f"MDC_EVT_PROBE_{run}_{i}"] = t0
        ack_lat.append(t1 - t0)
        time.sleep(max(0.0, 1.0 / rate - (time.perf_counter() - t0)))
deadline = time.time() + 5
while len(seen) < count and time.time() < deadline:
    time.sleep(0.05)
stop.set()
stream_lat = [seen[c] - t0 for c, t0 in sent.items() if c in seen]
print(json.dumps({"probes": count, "on_stream": len(stream_lat),
                  "ack_ms": {"p50": pct(ack_lat, 0.5), "p99": pct(ack_lat, 0.99)},
                  "stream_ms": {"p50": pct(stream_lat, 0.5), "p99": pct(stream_lat, 0.99),
                                "max": pct(stream_lat, 1.0)}}))
