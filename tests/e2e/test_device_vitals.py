"""End-to-end: vital signs from a patient's devices (IHE PCD-01, ORU^R01 over MLLP) become the
patient's observations (kind device_vitals, source device, the device's serial), converted to
the template's units; bad values are left out and named in the inbox; the temperature rule fires
on them; a monitor assigned to the episode (besides its pump) or, without an assignment, named
by the national id in PID-3 reaches its patient; monitors are not judged silent as pumps are."""
import json
import os
import subprocess
import time
import uuid

import pytest

from conftest import HEIME, running_heime
from test_alarms_mllp import assigned_serial, msa, pcd10, send, wait_for


@pytest.fixture(scope="module")
def own():
    """A heime of this module's own (the alarms it raises stay here), with a 2 s heartbeat so
    that silence is judged within the test."""
    old = os.environ.get("HEIME_HEARTBEAT_S")
    os.environ["HEIME_HEARTBEAT_S"] = "2"
    try:
        with running_heime() as h:
            yield h
    finally:
        if old is None:
            os.environ.pop("HEIME_HEARTBEAT_S", None)
        else:
            os.environ["HEIME_HEARTBEAT_S"] = old


def pcd01(serial, obx, pid="TESTPAT-001^^^HEIME_TEST^PI", control=None):
    control = control or "OBS-" + uuid.uuid4().hex[:12]
    lines = [
        "MSH|^~\\&|MONGW^0012210000000002^EUI-64|HEIME_TEST|HEIME|UNN|20261124101500+0100||"
        f"ORU^R01^ORU_R01|{control}|P|2.6",
        f"PID|||{pid}",
        "OBR|1|OBS-1^MONGW|OBS-1^MONGW|182777000^monitoring of patient^SCT|||20261124101458+0100",
        f"OBX|1||69640^MDC_DEV_SPEC_PROFILE_PULS_OXIM^MDC|1.0.0.0|||||||X|||||||{serial}",
    ]
    for i, (code, value, unit, when) in enumerate(obx, start=2):
        lines.append(f"OBX|{i}|NM|{code}|1.0.1.{i}|{value}|{unit}|||||F|||{when}")
    return "\r".join(lines) + "\r", control


def device_obs(heime, patient, serial):
    r = heime.get(f"/api/v1/patients/{patient}/observations", user="lege1")
    assert r.status_code == 200, r.text
    return [o for o in r.json() if o["source"] == "device" and o["device"] == serial]


def test_device_values_become_observations_in_template_units(own):
    serial = assigned_serial(own, 2)
    msg, _ = pcd01(serial, [
        ("150456^MDC_PULS_OXIM_SAT_O2^MDC", "96", "262688^MDC_DIM_PERCENT^MDC", "20261124101400+0100"),
        ("149530^MDC_PULS_OXIM_PULS_RATE^MDC", "71.6", "264864^MDC_DIM_BEAT_PER_MIN^MDC",
         "20261124101400+0100"),
        ("150021^MDC_PRESS_BLD_NONINV_SYS^MDC", "16", "265987^MDC_DIM_KILO_PASCAL^MDC",
         "20261124101300+0100"),
        ("^MDC_TEMP_BODY^MDC", "98.6", "^MDC_DIM_FAHR^MDC", "20261124101450+0100"),
    ])
    assert msa(send(own, msg))[0] == "AA"
    got = device_obs(own, 2, serial)
    assert len(got) == 1, got
    o = got[0]
    assert o["kind"] == "device_vitals" and o["task_id"] is None
    # 16 kPa = 120 mmHg; 98.6 °F = 37.0 °C; whole numbers rounded half up
    assert o["values"] == {"spo2": 96, "pulse": 72, "systolic_bp": 120, "temperature": 37.0}
    assert o["observed_at"] == "2026-11-24T09:14:50.000Z"  # the newest OBX-14 taken


def test_bad_values_are_left_out_and_named_in_the_inbox(own):
    serial = assigned_serial(own, 2)
    msg, control = pcd01(serial, [
        ("150456^MDC_PULS_OXIM_SAT_O2^MDC", "abc", "262688^MDC_DIM_PERCENT^MDC", ""),
        ("149530^MDC_PULS_OXIM_PULS_RATE^MDC", "400", "264864^MDC_DIM_BEAT_PER_MIN^MDC", ""),
        ("150364^MDC_TEMP_BODY^MDC", "37", "262688^MDC_DIM_PERCENT^MDC", ""),
        ("151562^MDC_RESP_RATE^MDC", "18", "", ""),
    ])
    before = len(device_obs(own, 2, serial))
    assert msa(send(own, msg))[0] == "AA"
    got = device_obs(own, 2, serial)
    assert len(got) == before + 1 and got[0]["values"] == {"resp_rate": 18}, got
    summary = json.loads(own.sql("SELECT summary FROM hl7_inbox WHERE control_id = ?",
                                 (control,))[0][0])
    why = {s["code"]: s["why"] for s in summary["skipped"]}
    assert why == {"MDC_PULS_OXIM_SAT_O2": "not a number",
                   "MDC_PULS_OXIM_PULS_RATE": "outside what can be measured",
                   "MDC_TEMP_BODY": "unknown unit"}, why
    # Nothing usable at all: the message is still taken, no observation is made.
    msg, _ = pcd01(serial, [("150456^MDC_PULS_OXIM_SAT_O2^MDC", "0", "", "")])
    assert msa(send(own, msg))[0] == "AA"
    assert len(device_obs(own, 2, serial)) == before + 1


def test_temperature_rule_fires_on_a_device_value(own):
    serial = assigned_serial(own, 2)
    msg, _ = pcd01(serial, [("150364^MDC_TEMP_BODY^MDC", "39.2", "268192^MDC_DIM_DEGC^MDC", "")])
    assert msa(send(own, msg))[0] == "AA"

    def temp_alarms():
        return [a for a in own.get("/api/v1/alarms", user="operator1").json()
                if a["patient"] == 2 and a["code"] == "TEMPERATURE_HIGH"]
    alarms = wait_for(temp_alarms)
    assert alarms and "39.2" in alarms[0]["text"], alarms


def test_monitor_without_assignment_reaches_the_patient_by_national_id(own):
    national_id = own.sql("SELECT national_id FROM patient WHERE id = 4")[0][0]
    serial = "MON-E2E-" + uuid.uuid4().hex[:8]
    value = [("150456^MDC_PULS_OXIM_SAT_O2^MDC", "93", "262688^MDC_DIM_PERCENT^MDC", "")]
    for pid in (f"{national_id}^^^&2.16.578.1.12.4.1.4.1&ISO^NNNOR",
                f"{national_id}^^^^NNNOR"):
        msg, _ = pcd01(serial, value, pid=pid)
        assert msa(send(own, msg))[0] == "AA"
    got = device_obs(own, 4, serial)
    assert len(got) == 2 and all(o["values"] == {"spo2": 93} for o in got), got
    # Another kind of identifier is not resolved: kept as an unassigned device's message.
    msg, control = pcd01(serial, value, pid=f"{national_id}^^^HEIME_TEST^PI")
    assert msa(send(own, msg))[0] == "AA"
    assert len(device_obs(own, 4, serial)) == 2
    assert own.sql("SELECT patient_id FROM hl7_inbox WHERE control_id = ?",
                   (control,))[0][0] is None


def episode_of(heime, patient):
    return next(e["id"] for e in heime.get(f"/api/v1/patients/{patient}/episodes",
                                            user="lege1").json()
                if e["state"] not in ("completed", "discontinued"))


def test_monitor_assigned_besides_the_pump_sends_to_its_patient(own):
    eid = episode_of(own, 2)
    pump = assigned_serial(own, 2)
    devices = own.get("/api/v1/devices", user="sykepleier1").json()
    oxi = next(d["serial"] for d in devices
               if d["kind"] == "pulse_oximeter" and d["status"] == "available")
    # The pump route takes pumps only, the device route everything else.
    r = own.post(f"/api/v1/episodes/{eid}/pump", user="sykepleier1", json={"serial": oxi})
    assert r.status_code == 400 and "not an infusion pump" in r.json()["error"], r.text
    free_pump = next(d["serial"] for d in devices
                     if d["kind"] == "infusion_pump" and d["status"] == "available")
    r = own.post(f"/api/v1/episodes/{eid}/devices", user="sykepleier1", json={"serial": free_pump})
    assert r.status_code == 400 and "is an infusion pump" in r.json()["error"], r.text
    r = own.post(f"/api/v1/episodes/{eid}/devices", user="sykepleier1", json={"serial": oxi})
    assert r.status_code == 200, r.text
    ep = r.json()
    assert ep["pump"]["serial"] == pump
    assert {d["serial"]: d["kind"] for d in ep["devices"]} == {pump: "infusion_pump",
                                                              oxi: "pulse_oximeter"}
    # A municipal nurse may not assign devices; the same device twice is refused.
    r = own.post(f"/api/v1/episodes/{eid}/devices", user="tromso.sentrum2", json={"serial": oxi})
    assert r.status_code == 403, r.text
    r = own.post(f"/api/v1/episodes/{eid}/devices", user="sykepleier1", json={"serial": oxi})
    assert r.status_code == 409 and "not available" in r.json()["error"], r.text

    msg, _ = pcd01(oxi, [("150456^MDC_PULS_OXIM_SAT_O2^MDC", "91", "262688^MDC_DIM_PERCENT^MDC",
                          "")])
    assert msa(send(own, msg))[0] == "AA"
    assert [o["values"] for o in device_obs(own, 2, oxi)] == [{"spo2": 91}]

    # Monitors are silent between measurements by design; a pump that stops talking is not.
    assert msa(send(own, pcd10(pump)))[0] == "AA"
    time.sleep(5)
    silent = {s for (s,) in own.sql("SELECT device_serial FROM alarm WHERE source = 'silence'"
                                    " AND state = 'open'")}
    assert pump in silent and oxi not in silent, silent

    # Returned: available again, and what it sends no longer reaches the patient.
    r = own.post(f"/api/v1/episodes/{eid}/devices/release", user="sykepleier1",
                 json={"serial": oxi})
    assert r.status_code == 200 and [d["serial"] for d in r.json()["devices"]] == [pump], r.text
    assert "device_released" in [e["kind"] for e in r.json()["timeline"]]
    status = {d["serial"]: d["status"] for d in own.get("/api/v1/devices",
                                                          user="sykepleier1").json()}
    assert status[oxi] == "available"
    msg, _ = pcd01(oxi, [("150456^MDC_PULS_OXIM_SAT_O2^MDC", "90", "", "")])
    assert msa(send(own, msg))[0] == "AA"
    assert len(device_obs(own, 2, oxi)) == 1
    r = own.post(f"/api/v1/episodes/{eid}/devices/release", user="sykepleier1",
                 json={"serial": oxi})
    assert r.status_code == 404 and "is not assigned" in r.json()["error"], r.text
    for bad in ({}, {"serial": 5}, {"serial": oxi, "x": 1}):
        r = own.post(f"/api/v1/episodes/{eid}/devices", user="sykepleier1", json=bad)
        assert r.status_code == 400, (bad, r.text)
    r = own.post(f"/api/v1/episodes/{eid}/devices", user="sykepleier1",
                 json={"serial": "NO-SUCH-DEVICE"})
    assert r.status_code == 404 and "unknown device" in r.json()["error"], r.text


def test_the_simulated_monitors_of_the_first_demo_patient_reach_her_record(own):
    """`heime pumpsim --monitors 3` (what `make run` plays) sends PCD-01 readings from the demo's
    MON-OXI-001, MON-BPM-001 and MON-TMP-001, which the demo assigned to pasient1's episode."""
    r = subprocess.run([HEIME, "pumpsim", "--mllp", f"127.0.0.1:{own.mllp_port}", "--pumps", "0",
                        "--monitors", "3", "--rate", "30", "--duration", "1"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    stats = json.loads(r.stdout)
    assert stats["sent"] >= 3 and stats["aa"] == stats["sent"] and stats["monitors"] == 3, stats
    patient = own.get("/api/v1/me", user="pasient1").json()["patient_id"]
    values = {}
    for serial in ("MON-OXI-001", "MON-BPM-001", "MON-TMP-001"):
        got = device_obs(own, patient, serial)
        assert got, serial
        values[serial] = got[0]["values"]
    assert set(values["MON-OXI-001"]) == {"spo2", "pulse"}, values
    assert set(values["MON-BPM-001"]) == {"systolic_bp", "diastolic_bp", "pulse"}, values
    assert set(values["MON-TMP-001"]) == {"temperature"}, values
    assert 93 <= values["MON-OXI-001"]["spo2"] <= 99
    assert 36.2 <= values["MON-TMP-001"]["temperature"] <= 38.9
