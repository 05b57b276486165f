"""The patient's questionnaire: the questions due on a day, a set of answers checked against
the pathway template and stored all or nothing, the episode's answers for the staff timeline,
alarming answers raising alarms through the alarm rules, who may read and answer, and every
bad input refused with a clear message and nothing written; a treatment day without answers
becomes a missed self-report."""
import datetime
import json
import os
import shutil
import tempfile
import time

import pytest
import requests

from conftest import ROOT
from e2e_util import ELIGIBILITY, new_patient, oslo_today, regimen
from test_alarms_crash import Server

PHYS, HNURSE, MNURSE = "lege1", "sykepleier1", "tromso.sentrum2"

# Day 1 of the IV-antibiotics template: every required question, nothing alarming.
CALM = {"chills": False, "site_pain": 1, "site_look": "normal", "diarrhoea": False,
        "rash": False, "pump_trouble": False, "wellbeing": 4, "pump_confidence": True}


def active_patient(heime, start=None):
    """A new Tromsø Sentrum patient at home, treatment starting today (day 1)."""
    r = heime.post("/api/v1/referrals", user=HNURSE,
                   json={"patient": new_patient(zone=heime.org_id("tromso-sentrum"))})
    assert r.status_code == 201, r.text
    pid, eid = r.json()["patient_id"], r.json()["episode_id"]
    steps = [
        ("PUT", "eligibility", PHYS, {"answers": {k: True for k in ELIGIBILITY}}),
        ("POST", "approve", PHYS, None),
        ("PUT", "regimen", PHYS, regimen(start=start)),
    ]
    for method, what, user, body in steps:
        r = heime.call(method, f"/api/v1/episodes/{eid}/{what}", user=user, json=body)
        assert r.status_code == 200, r.text
    pump = next(d["serial"] for d in heime.get("/api/v1/devices", user=HNURSE).json()
                if d["status"] == "available")
    for what, body in (("pump", {"serial": pump}), ("training", None), ("activate", None)):
        r = heime.post(f"/api/v1/episodes/{eid}/{what}", user=HNURSE, json=body)
        assert r.status_code == 200, r.text
    return pid, eid


@pytest.fixture(scope="module")
def pat(heime):
    pid, eid = active_patient(heime)
    return {"patient": pid, "episode": eid}


def own_patient(heime, user):
    return heime.get("/api/v1/me", user=user).json()["patient_id"]


def test_questions_due_today(heime, pat):
    r = heime.get(f"/api/v1/patients/{pat['patient']}/questions", user=MNURSE)
    assert r.status_code == 200, r.text
    q = r.json()
    assert q["episode_id"] == pat["episode"] and q["pathway"] == "iv-antibiotics"
    assert q["date"] == str(oslo_today()) and q["episode_state"] == "active"
    ids = [x["id"] for x in q["questions"]]
    assert ids[:3] == ["chills", "temperature", "site_pain"]
    assert "pump_confidence" in ids and "sleep" not in ids  # days 1-3; weekly from day 7
    pain = next(x for x in q["questions"] if x["id"] == "site_pain")
    assert pain["type"] == "scale" and pain["min"] == 0 and pain["max"] == 10
    assert pain["labels"]["max"]["en"] and pain["text"]["nb"] and pain["required"] is True
    assert "alarms" not in pain and "cadence" not in pain
    look = next(x for x in q["questions"] if x["id"] == "site_look")
    assert {"id": "normal", "nb": "Som vanlig", "en": "As usual"} in look["options"]
    assert all(x["answer"] is None for x in q["questions"])
    # The read is on record.
    audit = heime.sql("SELECT count(*) FROM audit WHERE object = ?",
                      (f"patient/{pat['patient']}/questions",))
    assert audit[0][0] >= 1


def test_no_questions_outside_the_treatment(heime, pat):
    before = oslo_today() - datetime.timedelta(days=1)
    r = heime.get(f"/api/v1/patients/{pat['patient']}/questions?date={before}", user=MNURSE)
    assert r.status_code == 200 and r.json()["questions"] == []
    r = heime.get(f"/api/v1/patients/{pat['patient']}/questions?date=2026-02-30", user=MNURSE)
    assert r.status_code == 400 and "date" in r.json()["error"]


def test_answers_are_stored_and_shown(heime, pat):
    body = {"answers": dict(CALM, temperature=37.2, comment="Litt sliten, ellers bra.")}
    r = heime.post(f"/api/v1/patients/{pat['patient']}/answers", user=MNURSE, json=body)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["episode_id"] == pat["episode"] and out["date"] == str(oslo_today())
    assert len(out["answers"]) == len(body["answers"])
    assert all(a["alarm"] is None for a in out["answers"])
    rows = heime.sql("SELECT question_id, value, answered_role FROM answer WHERE episode_id = ?",
                     (pat["episode"],))
    assert ("site_pain", "1", "municipal_nurse") in rows
    assert ("comment", '"Litt sliten, ellers bra."', "municipal_nurse") in rows
    q = heime.get(f"/api/v1/patients/{pat['patient']}/questions", user=PHYS).json()
    pain = next(x for x in q["questions"] if x["id"] == "site_pain")
    assert pain["answer"]["value"] == 1 and pain["answer"]["answered_by"]["role"] == \
        "municipal_nurse"
    # A later answer the same day supersedes; required questions need not be repeated.
    r = heime.post(f"/api/v1/patients/{pat['patient']}/answers", user=MNURSE,
                   json={"answers": {"site_pain": 2}})
    assert r.status_code == 201, r.text
    q = heime.get(f"/api/v1/patients/{pat['patient']}/questions", user=PHYS).json()
    assert next(x for x in q["questions"] if x["id"] == "site_pain")["answer"]["value"] == 2
    # The staff timeline: every answer, newest first.
    r = heime.get(f"/api/v1/episodes/{pat['episode']}/answers", user=PHYS)
    assert r.status_code == 200, r.text
    lst = r.json()
    assert lst[0]["question_id"] == "site_pain" and lst[0]["value"] == 2
    assert len(lst) == len(body["answers"]) + 1
    assert lst[0]["answered_by"]["name"] and lst[0]["alarm"] is None
    assert lst[0]["date"] == str(oslo_today())


def wait_alarm(heime, patient, code, user="operator1", timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for a in heime.get("/api/v1/alarms", user=user).json():
            if a["patient"] == patient and a["code"] == code:
                return a
        time.sleep(0.2)
    pytest.fail(f"no {code} alarm for patient {patient}")


def test_alarming_answer_raises_an_alarm(heime):
    pid, eid = active_patient(heime)
    r = heime.post(f"/api/v1/patients/{pid}/answers", user=MNURSE,
                   json={"answers": dict(CALM, site_pain=8)})
    assert r.status_code == 201, r.text
    assert {"question_id": "site_pain", "alarm": "medium"}.items() <= \
        next(a for a in r.json()["answers"] if a["question_id"] == "site_pain").items()
    a = wait_alarm(heime, pid, "QUESTIONNAIRE")
    assert a["priority"] == "medium" and a["state"] == "open"
    assert "site_pain" in a["text"] and "8" in a["text"]
    # The same question alarming again updates the open alarm, and may raise its priority.
    r = heime.post(f"/api/v1/patients/{pid}/answers", user=MNURSE,
                   json={"answers": {"site_pain": 9}})
    assert r.status_code == 201, r.text
    time.sleep(1.0)
    rows = heime.sql("SELECT count(*), max(repeats) FROM alarm WHERE alert_key = ?",
                     (f"rule:{pid}|Q:site_pain",))
    assert rows[0][0] == 1 and rows[0][1] >= 2
    # Chills: a high alarm of its own.
    r = heime.post(f"/api/v1/patients/{pid}/answers", user=MNURSE,
                   json={"answers": {"chills": True}})
    assert r.status_code == 201, r.text
    deadline = time.time() + 10
    while time.time() < deadline:
        high = [x for x in heime.get("/api/v1/alarms", user="operator1").json()
                if x["patient"] == pid and x["code"] == "QUESTIONNAIRE" and
                x["priority"] == "high"]
        if high:
            break
        time.sleep(0.2)
    assert high and "chills" in high[0]["text"]
    # The timeline shows which answers alarmed.
    lst = heime.get(f"/api/v1/episodes/{eid}/answers", user=PHYS).json()
    assert lst[0]["alarm"]["priority"] == "high" and "chills" in lst[0]["alarm"]["text"]


def test_patient_answers_own_questions(heime):
    own = own_patient(heime, "pasient1")
    r = heime.get(f"/api/v1/patients/{own}/questions", user="pasient1")
    assert r.status_code == 200, r.text
    qs = r.json()["questions"]
    assert qs, "pasient1's demo episode is active: questions are due"
    calm = {"yes_no": False, "scale": None, "number": None, "choice": None, "text": "ok"}
    answers = {}
    for q in qs:
        if q["type"] == "scale":
            answers[q["id"]] = q["max"] if q["id"] == "wellbeing" else q["min"]
        elif q["type"] == "choice":
            answers[q["id"]] = q["options"][0]["id"]
        elif q["type"] == "number":
            answers[q["id"]] = 37.0
        elif q["id"] == "pump_confidence":
            answers[q["id"]] = True
        else:
            answers[q["id"]] = calm[q["type"]]
    r = heime.post(f"/api/v1/patients/{own}/answers", user="pasient1", json={"answers": answers})
    assert r.status_code == 201, r.text
    assert all(a["alarm"] is None for a in r.json()["answers"])
    q = heime.get(f"/api/v1/patients/{own}/questions", user="pasient1").json()
    assert all(x["answer"]["answered_by"]["role"] == "patient" for x in q["questions"])
    eid = r.json()["episode_id"]
    assert heime.get(f"/api/v1/episodes/{eid}/answers", user="pasient1").status_code == 200


@pytest.mark.parametrize("user", ["pasient1", "senja2", "logistikk1", "analytiker1"])
def test_others_cannot_read_or_answer(heime, pat, user):
    heime.login(user)  # a first login is audited: log in before counting
    before = heime.counts()
    for path in (f"/api/v1/patients/{pat['patient']}/questions",
                 f"/api/v1/episodes/{pat['episode']}/answers"):
        r = heime.get(path, user=user)
        assert r.status_code == 403, (path, r.text)
        assert list(r.json()) == ["error"]
    r = heime.post(f"/api/v1/patients/{pat['patient']}/answers", user=user,
                   json={"answers": CALM})
    assert r.status_code == 403, r.text
    assert heime.counts() == before


def test_operator_reads_but_does_not_answer(heime, pat):
    assert heime.get(f"/api/v1/episodes/{pat['episode']}/answers",
                     user="operator1").status_code == 200
    r = heime.post(f"/api/v1/patients/{pat['patient']}/answers", user="operator1",
                   json={"answers": CALM})
    assert r.status_code == 403


def test_unknown_episode_and_no_token(heime):
    r = heime.get("/api/v1/episodes/987654/answers", user=PHYS)
    assert r.status_code == 404 and "987654" in r.json()["error"]
    assert heime.get("/api/v1/patients/1/questions").status_code == 401
    assert heime.post("/api/v1/patients/1/answers", json={"answers": CALM}).status_code == 401


def test_no_episode_at_home(heime):
    """A referred patient: nothing is due, and answers are refused."""
    r = heime.post("/api/v1/referrals", user=HNURSE,
                   json={"patient": new_patient(zone=heime.org_id("tromso-sentrum"))})
    pid = r.json()["patient_id"]
    q = heime.get(f"/api/v1/patients/{pid}/questions", user=HNURSE).json()
    assert q["questions"] == [] and q["episode_state"] == "referred"
    before = heime.counts()
    r = heime.post(f"/api/v1/patients/{pid}/answers", user=HNURSE, json={"answers": CALM})
    assert r.status_code == 409 and "not active at home" in r.json()["error"]
    assert heime.counts() == before


TODAY = str(oslo_today())
BAD = [
    ("wrong type", {"answers": dict(CALM, chills="yes")}, "answer to 'chills' must be true or"),
    ("scale as text", {"answers": dict(CALM, site_pain="2")}, "answer to 'site_pain' must be an"),
    ("out of range", {"answers": dict(CALM, site_pain=11)}, "from 0 to 10"),
    ("not an integer", {"answers": dict(CALM, wellbeing=2.5)}, "answer to 'wellbeing'"),
    ("number out of range", {"answers": dict(CALM, temperature=45)}, "between 34 and 43 °C"),
    ("unknown option", {"answers": dict(CALM, site_look="purple")}, "one of its options"),
    ("empty text", {"answers": dict(CALM, comment="")}, "answer to 'comment' must be a non-empty"),
    ("long text", {"answers": dict(CALM, comment="x" * 501)}, "longer than 500 bytes"),
    ("unknown question", {"answers": dict(CALM, mood=3)}, "unknown question 'mood'"),
    ("not due", {"answers": dict(CALM, sleep="well")}, "question 'sleep' is not due on"),
    ("required missing", {"answers": {k: v for k, v in CALM.items() if k != "rash"}},
     "question 'rash' is required"),
    ("answers not an object", {"answers": [1]}, "field 'answers' must be an object"),
    ("answers empty", {"answers": {}}, "at least one question"),
    ("answers missing", {"date": TODAY}, "missing field 'answers'"),
    ("unknown field", {"answers": CALM, "mood": 1}, "unknown field 'mood'"),
    ("future date", {"date": str(oslo_today() + datetime.timedelta(days=1)), "answers": CALM},
     "in the future"),
    ("too old", {"date": str(oslo_today() - datetime.timedelta(days=8)), "answers": CALM},
     "the 7 days before"),
    ("bad date", {"date": "24.11.2026", "answers": CALM}, "'date' must be a date"),
    ("date not a string", {"date": 20261124, "answers": CALM}, "date"),
    ("body not an object", [CALM], ""),
]


@pytest.mark.parametrize("name,body,message", BAD, ids=[b[0] for b in BAD])
def test_bad_answers_are_refused_whole(heime, name, body, message):
    pid, eid = active_patient_once(heime)
    before = heime.counts()
    r = heime.post(f"/api/v1/patients/{pid}/answers", user=MNURSE, json=body)
    assert r.status_code == 400, r.text
    assert list(r.json()) == ["error"] and message in r.json()["error"]
    assert heime.counts() == before


@pytest.mark.parametrize("raw", [b"{\"answers\": {\"chills\": tru", b"", b"\xff\xfe",
                                 b"{\"answers\": {\"chills\": false, \"chills\": true}}"])
def test_malformed_json_is_refused(heime, raw):
    pid, _ = active_patient_once(heime)
    before = heime.counts()
    r = heime.post(f"/api/v1/patients/{pid}/answers", user=MNURSE, data=raw,
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]
    assert heime.counts() == before


_ONCE = {}


def active_patient_once(heime):
    if "p" not in _ONCE:
        _ONCE["p"] = active_patient(heime)
    return _ONCE["p"]


@pytest.fixture(scope="module")
def deadline_now():
    """Its own demo region whose templates call a day's questionnaire missed from 00:00, so the
    rule fires at once for today (the shipped IV template says 20:00)."""
    tmp = tempfile.mkdtemp(prefix="heime-qmissed-")
    d = os.path.join(tmp, "pathways")
    os.makedirs(d)
    for name in os.listdir(os.path.join(ROOT, "pathways")):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(ROOT, "pathways", name), encoding="utf-8") as f:
            t = json.load(f)
        if "questions" in t:
            t["alarm_rules"]["questionnaire_missed"] = {"after": "00:00", "priority": "low"}
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            json.dump(t, f)
    srv = Server(tmp, d, "http://127.0.0.1:9/none")
    srv.start("demo")
    try:
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_a_day_without_answers_is_a_missed_self_report(deadline_now):
    srv = deadline_now
    today = str(oslo_today())
    key = f"|QUESTIONNAIRE_MISSED:{today}"
    active = {r[0] for r in srv.sql("SELECT patient_id FROM episode WHERE state = 'active'"
                                    " AND pathway = 'iv-antibiotics'")}
    readmitted = {r[0] for r in srv.sql("SELECT patient_id FROM episode WHERE state <>"
                                        " 'active'")}
    deadline = time.time() + 10
    rows = []
    while time.time() < deadline:
        rows = srv.sql("SELECT patient_id, code, priority, text, alert_key FROM alarm"
                       " WHERE alert_key LIKE ?", ("%" + key,))
        if {r[0] for r in rows} >= active:
            break
        time.sleep(0.2)
    # Every active demo patient (none has answered today), once, and nobody else.
    assert {r[0] for r in rows} == active and len(rows) == len(active), rows
    assert not ({r[0] for r in rows} & (readmitted - active))
    assert all(r[1] == "SELF_REPORT_MISSED" and r[2] == "low" for r in rows)
    assert f"questionnaire of {today} not answered by 00:00" in rows[0][3]
    base = f"http://127.0.0.1:{srv.http}"

    def login(user):
        return {"Authorization": "Bearer " + requests.post(
            base + "/api/v1/auth/login", json={"username": user, "password": "demo-" + user}
        ).json()["token"]}
    # The patient answers after all: that day's alarm ends.
    pat = login("pasient2")
    own = requests.get(base + "/api/v1/me", headers=pat).json()["patient_id"]
    qs = requests.get(f"{base}/api/v1/patients/{own}/questions", headers=pat).json()["questions"]
    answers = {q["id"]: CALM.get(q["id"], False) for q in qs if q["required"]}
    r = requests.post(f"{base}/api/v1/patients/{own}/answers", headers=pat,
                      json={"answers": answers})
    assert r.status_code == 201, r.text
    deadline = time.time() + 10
    while time.time() < deadline:
        state = srv.sql("SELECT state FROM alarm WHERE alert_key = ?",
                        (f"rule:{own}" + key,))[0][0]
        if state == "resolved":
            break
        time.sleep(0.2)
    assert state == "resolved"
    # Resolved by a person, it is not raised again the same day.
    tok = login("operator1")["Authorization"][len("Bearer "):]
    other = next(r for r in rows if r[0] != own)
    aid = srv.sql("SELECT id FROM alarm WHERE alert_key = ?", (other[4],))[0][0]
    r = requests.post(f"{base}/api/v1/alarms/{aid}/resolve",
                      headers={"Authorization": "Bearer " + tok}, json={})
    assert r.status_code == 200, r.text
    time.sleep(1.5)
    assert srv.sql("SELECT count(*) FROM alarm WHERE alert_key = ?", (other[4],))[0][0] == 1
    assert srv.sql("SELECT count(*) FROM alarm WHERE alert_key LIKE ?",
                   ("%" + key,))[0][0] == len(active)
