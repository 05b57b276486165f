"""End-to-end: infusion-pump alarms over MLLP with Debian's python3-hl7, and the response
centre's alarm routes (issue 4). Every ACK case, resends, repeats, device end-of-alarm,
unassigned pumps, visibility by care relation, "I need help", and the bad inputs."""
import socket
import time
import uuid

import hl7
import hl7.client
import pytest

SB, EB, CR = b"\x0b", b"\x1c", b"\x0d"


def uid():
    return uuid.uuid4().hex[:12]


def pcd04(serial, code="MDC_EVT_FLUID_LINE_OCCL", text="Occlusion downstream", prio="PH",
          phase="start", state="active", control=None, version="2.6", kind="ST"):
    control = control or "ALR-" + uid()
    return "\r".join([
        f"MSH|^~\\&|PUMPGW^0012210000000001^EUI-64|HEIME_TEST|HEIME|UNN|20261124101500+0100||"
        f"ORU^R40^ORU_R40|{control}|P|{version}",
        "PID|||TESTPAT-001^^^HEIME_TEST^PI",
        "OBR|1|ALERT-77^PUMPGW|ALERT-77^PUMPGW|196616^MDC_EVT_ALARM^MDC|||20261124101458+0100",
        f"OBX|1||70049^MDC_DEV_PUMP_INFUS_LVP_MDS^MDC|1.0.0.0|||||||X|||||||{serial}",
        f"OBX|2|CWE|196616^MDC_EVT_ALARM^MDC|1.1.0.0.1|0^{code}^MDC^^^^^^{text}|||{prio}~{kind}"
        "|||F|||20261124101458+0100",
        f"OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.1.0.0.3|{phase}||||||F",
        f"OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.1.0.0.4|{state}||||||F",
    ]) + "\r"


def pcd10(serial, event="MDC_EVT_PUMP_DELIV_START", control=None):
    control = control or "EVT-" + uid()
    return "\r".join([
        f"MSH|^~\\&|PUMPGW^0012210000000001^EUI-64|HEIME_TEST|HEIME|UNN|20261124101500+0100||"
        f"ORU^R42^ORU_R42|{control}|P|2.6",
        "PID|||TESTPAT-001^^^HEIME_TEST^PI",
        "OBR|1|EVT-1^PUMPGW|EVT-1^PUMPGW|0^MDC_EVT_PUMP_DELIV^MDC|||20261124101458+0100",
        f"OBX|1||70049^MDC_DEV_PUMP_INFUS_LVP_MDS^MDC|1.0.0.0|||||||X|||||||{serial}",
        f"OBX|2|CWE|0^MDC_ATTR_EVT_COND^MDC|1.1.0.0.2|0^{event}^MDC||||||F",
    ]) + "\r"


def pcd01(serial, control=None):
    control = control or "OBS-" + uid()
    return "\r".join([
        f"MSH|^~\\&|MONGW^0012210000000002^EUI-64|HEIME_TEST|HEIME|UNN|20261124101500+0100||"
        f"ORU^R01^ORU_R01|{control}|P|2.6",
        "PID|||TESTPAT-001^^^HEIME_TEST^PI",
        "OBR|1|OBS-1^MONGW|OBS-1^MONGW|182777000^monitoring of patient^SCT|||20261124101458+0100",
        f"OBX|1||69640^MDC_DEV_SPEC_PROFILE_PULS_OXIM^MDC|1.0.0.0|||||||X|||||||{serial}",
        "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.1.1|96|262688^MDC_DIM_PERCENT^MDC|||||F",
    ]) + "\r"


def send(heime, text):
    """Sends one message with python3-hl7's MLLP client; returns the parsed ACK."""
    with hl7.client.MLLPClient("127.0.0.1", heime.mllp_port) as c:
        raw = c.send_message(text)
    return hl7.parse(raw.decode().strip("\x0b\x1c\r"))


def msa(ack):
    seg = ack.segment("MSA")
    return str(seg[1]), str(seg[2])


def raw_exchange(heime, data, timeout=5.0):
    """Sends raw bytes; returns every ACK text received until the peer closes or times out."""
    out = b""
    with socket.create_connection(("127.0.0.1", heime.mllp_port), timeout=timeout) as s:
        s.sendall(data)
        s.settimeout(timeout)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
            if out.count(EB) >= data.count(SB) and data.count(SB):
                break
    return [f.strip(b"\x0b\r").decode("utf-8", "replace")
            for f in out.split(EB) if f.strip(b"\x0b\r")]


def ack_code(text):
    for seg in text.split("\r"):
        if seg.startswith("MSA|"):
            return seg.split("|")[1], seg.split("|")[2]
    return None, None


# Tables that the alarm timers (escalation, rules, silence) may change at any moment.
BACKGROUND = {"alarm", "alarm_event", "audit", "audit_patient", "rule_cursor", "pump_state",
              "device_heard", "webhook_outbox"}


def counts(heime):
    """Row counts of every table the request could touch, and the alarms of the message's
    own serials (E2E-BAD-), which the background timers never create."""
    c = {k: v for k, v in heime.counts().items() if k not in BACKGROUND}
    c["bad_alarms"] = heime.sql("SELECT count(*) FROM alarm WHERE device_serial LIKE 'E2E-BAD-%'"
                                " OR device_serial LIKE 'E2E-UTF-%'")[0][0]
    return c


def alarms(heime, user="operator1"):
    r = heime.get("/api/v1/alarms", user=user)
    assert r.status_code == 200, r.text
    return r.json()


def find(heime, serial, code="MDC_EVT_FLUID_LINE_OCCL", user="operator1"):
    return [a for a in alarms(heime, user) if a["device"] == serial and a["code"] == code]


def assigned_serial(heime, patient_id):
    return heime.sql(
        "SELECT d.serial FROM device d JOIN device_assignment da ON da.device_id = d.id"
        " AND da.released_ms IS NULL JOIN episode e ON e.id = da.episode_id"
        " WHERE e.patient_id = ?", (patient_id,))[0][0]


def test_alert_from_assigned_pump_reaches_its_patient(heime):
    serial = assigned_serial(heime, 1)
    ack = send(heime, pcd04(serial))
    assert msa(ack)[0] == "AA"
    [a] = find(heime, serial)
    assert a["patient"] == 1 and a["priority"] == "high" and a["state"] == "open"
    assert a["text"] == "Occlusion downstream" and a["tier_name"] == "home_care_zone"
    for key in ("id", "priority", "state", "device", "patient"):
        assert key in a
    # Durable before AA: the row is already in the database file.
    assert heime.sql("SELECT count(*) FROM alarm WHERE id = ?", (a["id"],))[0][0] == 1
    # The patient's municipality sees it; another municipality does not.
    assert find(heime, serial, user="tromso.sentrum2")
    assert not find(heime, serial, user="senja2")
    # Clean up for the other tests: resolve it.
    r = heime.post(f"/api/v1/alarms/{a['id']}/resolve", user="operator1")
    assert r.status_code == 200 and r.json()["state"] == "resolved"


def test_repeated_alert_updates_one_row(heime):
    serial = "E2E-REPEAT-" + uid()
    for phase in ("start", "continue", "continue"):
        assert msa(send(heime, pcd04(serial, phase=phase)))[0] == "AA"
    rows = find(heime, serial)
    assert len(rows) == 1 and rows[0]["repeats"] == 3


def test_resend_is_answered_aa_and_changes_nothing(heime):
    serial = "E2E-RESEND-" + uid()
    msg = pcd04(serial, control="RESEND-" + uid())
    ack1 = send(heime, msg)
    before = counts(heime)
    ack2 = send(heime, msg)
    assert msa(ack1) == msa(ack2) and msa(ack2)[0] == "AA"
    assert counts(heime) == before
    assert find(heime, serial)[0]["repeats"] == 1


def test_unknown_pump_is_stored_as_unassigned(heime):
    serial = "E2E-UNKNOWN-" + uid()
    assert msa(send(heime, pcd04(serial)))[0] == "AA"
    [a] = find(heime, serial)
    assert a["patient"] is None
    # No patient data in it: the response centre and pump staff see it, a municipality not.
    assert find(heime, serial, user="sykepleier1")
    assert not find(heime, serial, user="senja2")


def test_device_end_closes_medium_but_high_waits_for_a_person(heime):
    serial = "E2E-END-" + uid()
    send(heime, pcd04(serial, code="MDC_EVT_BATT_LO", text="Battery low", prio="PM"))
    assert find(heime, serial, code="MDC_EVT_BATT_LO")
    send(heime, pcd04(serial, code="MDC_EVT_BATT_LO", text="Battery low", prio="PM",
                      phase="end", state="inactive"))
    assert not find(heime, serial, code="MDC_EVT_BATT_LO")

    send(heime, pcd04(serial))
    send(heime, pcd04(serial, phase="end", state="inactive"))
    [a] = find(heime, serial)
    assert a["state"] == "open" and a["device_ended"] is True
    r = heime.post(f"/api/v1/alarms/{a['id']}/acknowledge", user="operator2")
    assert r.status_code == 200 and r.json()["state"] == "resolved"
    assert not find(heime, serial)


def test_acknowledge_note_resolve_and_history(heime):
    serial = "E2E-ACK-" + uid()
    send(heime, pcd04(serial))
    [a] = find(heime, serial)
    r = heime.post(f"/api/v1/alarms/{a['id']}/acknowledge", user="operator1",
                   json={"note": "calling the patient"})
    assert r.status_code == 200 and r.json()["state"] == "acknowledged"
    assert r.json()["acknowledged_at"] and r.json()["acknowledged_by"]
    assert r.json()["escalate_at"] is None
    r = heime.post(f"/api/v1/alarms/{a['id']}/acknowledge", user="operator1")
    assert r.status_code == 409 and "already acknowledged" in r.json()["error"]
    r = heime.post(f"/api/v1/alarms/{a['id']}/notes", user="operator1",
                   json={"note": "line kinked, patient fixed it"})
    assert r.status_code == 201
    r = heime.post(f"/api/v1/alarms/{a['id']}/notes", user="operator1", json={})
    assert r.status_code == 400
    r = heime.post(f"/api/v1/alarms/{a['id']}/resolve", user="operator1")
    assert r.status_code == 200 and r.json()["state"] == "resolved"
    h = heime.get(f"/api/v1/alarms/{a['id']}", user="operator1").json()["history"]
    assert [e["kind"] for e in h] == ["raised", "acknowledged", "note", "resolved"]
    audited = heime.sql("SELECT count(*) FROM audit WHERE object LIKE ?", (f"alarm/{a['id']}%",))
    assert audited[0][0] >= 4
    assert heime.audit_verify().returncode == 0
    r = heime.post("/api/v1/alarms/999999/acknowledge", user="operator1")
    assert r.status_code == 404


def test_alarm_list_is_sorted_by_priority_then_age(heime):
    s = "E2E-SORT-" + uid()
    send(heime, pcd04(s + "-L", code="MDC_EVT_X", prio="PL"))
    send(heime, pcd04(s + "-M", code="MDC_EVT_X", prio="PM"))
    send(heime, pcd04(s + "-H", code="MDC_EVT_X", prio="PH"))
    rank = {"high": 0, "medium": 1, "low": 2}
    lst = alarms(heime)
    keys = [(rank[a["priority"]], a["raised_at"], a["id"]) for a in lst]
    assert keys == sorted(keys)
    assert any(a["device"] == s + "-H" for a in lst)


def test_help_from_patient_and_nurse(heime):
    r = heime.post("/api/v1/patients/1/alarms", user="pasient1", json={"text": "Vondt i armen"})
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["patient"] == 1 and a["source"] == "help" and a["priority"] == "high"
    r = heime.post("/api/v1/patients/1/alarms", user="pasient1")
    assert r.status_code == 201 and r.json()["id"] == a["id"] and r.json()["repeats"] == 2
    assert heime.post("/api/v1/patients/2/alarms", user="pasient1").status_code == 403
    assert heime.post("/api/v1/patients/1/alarms", user="senja2").status_code == 403
    r = heime.post("/api/v1/patients/1/alarms", user="tromso.sentrum2",
                   json={"priority": "urgent"})
    assert r.status_code == 400
    assert any(x["id"] == a["id"] for x in alarms(heime))
    # Patients raise alarms but do not acknowledge them.
    assert heime.post(f"/api/v1/alarms/{a['id']}/acknowledge", user="pasient1").status_code == 403
    assert heime.post(f"/api/v1/alarms/{a['id']}/resolve", user="operator1").status_code == 200


def test_pump_events_and_observations_are_stored(heime):
    serial = assigned_serial(heime, 2)
    for msg in (pcd10(serial), pcd10(serial, "MDC_EVT_PUMP_DELIV_STOP"), pcd01(serial)):
        ack = send(heime, msg)
        assert msa(ack)[0] == "AA", str(ack)
    kinds = heime.sql("SELECT kind, patient_id FROM hl7_inbox WHERE device_serial = ?"
                      " ORDER BY received_ms", (serial,))
    assert ("pump_event", 2) in kinds and ("observation", 2) in kinds


def test_version_2_3_and_2_8_are_taken(heime):
    for v in ("2.3", "2.8"):
        serial = "E2E-V-" + uid()
        assert msa(send(heime, pcd04(serial, version=v)))[0] == "AA"


@pytest.mark.parametrize("name, payload, expect", [
    ("unsupported type", "MSH|^~\\&|PAS|UNN|HEIME|UNN|20261124||ADT^A01|ADT-{u}|P|2.5\rPID|||1\r",
     "AE"),
    ("unsupported version", "MSH|^~\\&|GW|F|HEIME|UNN|20261124||ORU^R40|V-{u}|P|2.1\r", "AE"),
    ("missing MSH", "PID|||1\rOBX|1|NM|x||1\r", "AE"),
    ("wrong field separators", "MSH^~|\\&^GW^F^HEIME^UNN^20261124^^ORU~R40^WS-{u}^P^2.6\r", "AE"),
    ("truncated MSH", "MSH|^~\\&|GW|F|HEIME\r", "AE"),
    ("no alert in R40", "MSH|^~\\&|GW|F|HEIME|UNN|20261124||ORU^R40|NA-{u}|P|2.6\r"
     "OBR|1|A|A|196616^MDC_EVT_ALARM^MDC\r", "AE"),
])
def test_bad_messages_get_ae_and_store_nothing(heime, name, payload, expect):
    before = counts(heime)
    [reply] = raw_exchange(heime, SB + payload.format(u=uid()).encode() + EB + CR)
    assert ack_code(reply)[0] == expect, reply
    assert "ERR|" in reply
    after = counts(heime)
    assert after == before, name


def test_invalid_utf8_gets_ae(heime):
    before = counts(heime)
    msg = pcd04("E2E-UTF-" + uid(), text="Okklusjon \xff").encode("latin-1")
    [reply] = raw_exchange(heime, SB + msg + EB + CR)
    code, control = ack_code(reply)
    assert code == "AE" and control.startswith("ALR-") and "UTF-8" in reply
    assert counts(heime) == before


def test_oversized_message_gets_ae_and_connection_survives(heime):
    big = pcd04("E2E-BIG-" + uid()) + "NTE|1||" + "x" * (2 * 1024 * 1024) + "\r"
    good = pcd04("E2E-AFTER-BIG-" + uid())
    replies = raw_exchange(heime, SB + big.encode() + EB + CR + SB + good.encode() + EB + CR,
                           timeout=15)
    assert [ack_code(r)[0] for r in replies] == ["AE", "AA"]


def test_split_reads_several_messages_and_bytes_after_end_block(heime):
    a, b = pcd04("E2E-SPLIT-" + uid()), pcd04("E2E-SPLIT-" + uid())
    data = SB + a.encode() + EB + CR + b"garbage after the end" + SB + b.encode() + EB + CR
    out = b""
    with socket.create_connection(("127.0.0.1", heime.mllp_port), timeout=5) as s:
        for i in range(0, len(data), 7):
            s.sendall(data[i:i + 7])
        while out.count(EB) < 2:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    acks = [f.strip(b"\x0b\r").decode() for f in out.split(EB) if f.strip(b"\x0b\r")]
    assert [ack_code(x)[0] for x in acks] == ["AA", "AA"]


def test_truncated_frame_gets_ae_and_next_frame_is_taken(heime):
    cut = pcd04("E2E-CUT-" + uid())[:80]
    good = pcd04("E2E-CUT-OK-" + uid())
    replies = raw_exchange(heime, SB + cut.encode() + SB + good.encode() + EB + CR)
    assert [ack_code(r)[0] for r in replies] == ["AE", "AA"]


def test_stalled_connection_and_flood_leave_heime_up(heime):
    stalled = socket.create_connection(("127.0.0.1", heime.mllp_port), timeout=5)
    stalled.sendall(SB + b"MSH|^~\\&|GW|F|HEIME|UNN|2026")  # and never more
    flood = []
    for _ in range(300):
        try:
            flood.append(socket.create_connection(("127.0.0.1", heime.mllp_port), timeout=5))
        except OSError:
            break
    for s in flood:
        s.close()
    stalled.close()
    assert msa(send(heime, pcd04("E2E-ALIVE-" + uid())))[0] == "AA"
    assert heime.get("/healthz").status_code == 200


def stream_events(heime, user, out, stop, ready):
    """Collects (event, data) pairs from the live stream into out until stop is set."""
    import json as _json
    import requests
    token = heime.login(user)
    with requests.get(heime.url("/api/v1/alarms/stream"), stream=True, timeout=(5, 3),
                      headers={"Authorization": "Bearer " + token}) as r:
        assert r.status_code == 200 and r.headers["Content-Type"] == "text/event-stream"
        ready.set()
        event = None
        try:
            for line in r.iter_lines(decode_unicode=True):
                if stop.is_set():
                    break
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    out.append((event, _json.loads(line[6:])))
        except requests.exceptions.ConnectionError:
            pass  # the read timeout ends the stream for the test


def test_live_stream_shows_new_alarms_to_those_who_may_see_them(heime):
    import threading
    serial = assigned_serial(heime, 1)
    got = {"operator1": [], "senja2": []}
    stop = threading.Event()
    threads = []
    for user, out in got.items():
        ready = threading.Event()
        t = threading.Thread(target=stream_events, args=(heime, user, out, stop, ready))
        t.start()
        assert ready.wait(5)
        threads.append(t)
    t0 = time.time()
    send(heime, pcd04(serial, code="MDC_EVT_STREAM_TEST"))
    deadline = time.time() + 5
    while time.time() < deadline and not any(
            d["alarm"]["code"] == "MDC_EVT_STREAM_TEST" for _, d in got["operator1"]):
        time.sleep(0.02)
    latency = time.time() - t0
    stop.set()
    for t in threads:
        t.join(10)
    mine = [(e, d) for e, d in got["operator1"] if d["alarm"]["code"] == "MDC_EVT_STREAM_TEST"]
    assert mine and mine[0][0] == "raised" and mine[0][1]["alarm"]["patient"] == 1
    assert latency < 2.0
    assert not [d for _, d in got["senja2"] if d["alarm"]["patient"] == 1]
    [a] = find(heime, serial, code="MDC_EVT_STREAM_TEST")
    heime.post(f"/api/v1/alarms/{a['id']}/resolve", user="operator1")


def test_stream_refuses_roles_without_alarm_access(heime):
    assert heime.get("/api/v1/alarms/stream", user="analytiker1").status_code == 403
    assert heime.get("/api/v1/alarms", user="logistikk1").status_code == 403
    assert heime.get("/api/v1/alarms/stream").status_code == 401


def wait_for(fn, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    return fn()


def rule_alarms(heime, patient, code):
    return [a for a in alarms(heime) if a["patient"] == patient and a["code"] == code]


def test_news2_and_temperature_rules_on_vital_signs(heime):
    vitals = {"temperature": 38.7, "pulse": 125, "systolic_bp": 95, "diastolic_bp": 60,
              "resp_rate": 25, "spo2": 92, "on_oxygen": False, "consciousness": "alert"}
    r = heime.post("/api/v1/patients/3/observations", user="pasient3",
                   json={"kind": "vital_signs", "values": vitals})
    assert r.status_code == 201, r.text
    news = wait_for(lambda: rule_alarms(heime, 3, "NEWS2"))
    assert news and news[0]["priority"] == "high" and "NEWS2 " in news[0]["text"]
    temp = wait_for(lambda: rule_alarms(heime, 3, "TEMPERATURE_HIGH"))
    assert temp and temp[0]["priority"] == "high" and "38.7" in temp[0]["text"]
    for a in news + temp:
        heime.post(f"/api/v1/alarms/{a['id']}/resolve", user="operator1")
    # A calm, complete set raises nothing; an incomplete one is not scored.
    calm = {"temperature": 36.8, "pulse": 70, "systolic_bp": 125, "diastolic_bp": 80,
            "resp_rate": 14, "spo2": 98, "on_oxygen": False, "consciousness": "alert"}
    heime.post("/api/v1/patients/3/observations", user="pasient3",
               json={"kind": "vital_signs", "values": calm})
    partial = {"temperature": 37.0, "resp_rate": 30}
    heime.post("/api/v1/patients/3/observations", user="pasient3",
               json={"kind": "vital_signs", "values": partial})
    time.sleep(1.0)
    assert not rule_alarms(heime, 3, "NEWS2") and not rule_alarms(heime, 3, "TEMPERATURE_HIGH")


@pytest.mark.parametrize("path", ["/api/v1/patients/1/alarms", "/api/v1/alarms/1/acknowledge",
                                  "/api/v1/alarms/1/notes", "/api/v1/alarms/1/resolve"])
@pytest.mark.parametrize("body", ["[1]", '"text"', '{"unknown": 1}', '{"note": 5}'])
def test_alarm_routes_refuse_bad_bodies(heime, path, body):
    before = counts(heime)
    r = heime.post(path, user="lege1", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and list(r.json()) == ["error"], r.text
    assert counts(heime) == before


def test_news2_uses_the_episodes_prescribed_spo2_scale(heime):
    """97 % on oxygen scores 2 on scale 1 (no alarm) and 2 + 3 = 5 on scale 2 (medium: a high
    alarm); the scale is the episode's, set by its physician, never one sent with the values."""
    ep = next(e for e in heime.get("/api/v1/patients/3/episodes", user="lege1").json()
              if e["state"] not in ("completed", "discontinued"))
    assert ep["spo2_scale"] == 1
    url = f"/api/v1/episodes/{ep['id']}/news2-scale"
    assert heime.put(url, user="sykepleier1", json={"spo2_scale": 2}).status_code == 403
    for bad in ({"spo2_scale": 3}, {"spo2_scale": "2"}, {}, {"spo2_scale": 2, "x": 1}):
        assert heime.put(url, user="lege1", json=bad).status_code == 400, bad
    for a in rule_alarms(heime, 3, "NEWS2"):
        heime.post(f"/api/v1/alarms/{a['id']}/resolve", user="operator1")
    vitals = {"temperature": 37.0, "pulse": 70, "systolic_bp": 125, "diastolic_bp": 80,
              "resp_rate": 16, "spo2": 97, "on_oxygen": True, "consciousness": "alert"}
    r = heime.post("/api/v1/patients/3/observations", user="pasient3",
                   json={"kind": "vital_signs", "values": vitals})
    assert r.status_code == 201, r.text
    time.sleep(1.0)
    assert not rule_alarms(heime, 3, "NEWS2")
    r = heime.put(url, user="lege1", json={"spo2_scale": 2, "note": "hyperkapni"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["spo2_scale"] == 2
    assert any(e["kind"] == "spo2_scale" and "hyperkapni" in (e["note"] or "")
               for e in body["timeline"])
    r = heime.post("/api/v1/patients/3/observations", user="pasient3",
                   json={"kind": "vital_signs", "values": vitals})
    assert r.status_code == 201, r.text
    news = wait_for(lambda: rule_alarms(heime, 3, "NEWS2"))
    assert news and news[0]["priority"] == "high" and "NEWS2 5" in news[0]["text"], news
    for a in news:
        heime.post(f"/api/v1/alarms/{a['id']}/resolve", user="operator1")
    assert heime.put(url, user="lege1", json={"spo2_scale": 1}).json()["spo2_scale"] == 1
