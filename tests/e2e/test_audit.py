"""The audit trail: every read and change of a patient's data shows in that patient's access
log (readable by the patient too), and `heime audit verify` walks the hash chain: intact on the
live database, and naming the row when a copy is tampered with (a changed or a deleted row); a
copy changed and re-hashed from there on passes the chain but not the anchors the server wrote."""
import hashlib
import json
import subprocess

import pytest

from conftest import HEIME, DirectDb
from e2e_util import ELIGIBILITY, new_patient


@pytest.fixture(scope="module")
def trail(heime):
    """A new patient referred, answered, read and observed by three different people."""
    p = new_patient(zone=heime.org_id("tromso-sentrum"), name="Audun Revisjon")
    r = heime.post("/api/v1/referrals", user="sykepleier1", json={"patient": p})
    assert r.status_code == 201, r.text
    pid, eid = r.json()["patient_id"], r.json()["episode_id"]
    r = heime.put(f"/api/v1/episodes/{eid}/eligibility", user="lege1",
                  json={"answers": {k: True for k in ELIGIBILITY}})
    assert r.status_code == 200, r.text
    assert heime.get(f"/api/v1/patients/{pid}", user="tromso.sentrum2").status_code == 200
    r = heime.post(f"/api/v1/patients/{pid}/observations", user="tromso.sentrum2",
                   json={"kind": "vital_signs", "values": {"temperature": 38.1, "pulse": 90,
                                                           "systolic_bp": 130,
                                                           "diastolic_bp": 85}})
    assert r.status_code == 201, r.text
    return {"patient": pid, "episode": eid, "obs": r.json()["id"]}


def test_access_log_shows_reads_and_changes(heime, trail):
    pid, eid = trail["patient"], trail["episode"]
    r = heime.get(f"/api/v1/patients/{pid}/access-log", user="lege1")
    assert r.status_code == 200, r.text
    log = r.json()
    assert all({"id", "at", "role", "who", "organisation", "action", "object"} <= set(x)
               for x in log)
    ids = [x["id"] for x in log]
    assert ids == sorted(ids, reverse=True)  # newest first

    def has(**kw):
        return any(all(x.get(k) == v for k, v in kw.items()) for x in log)

    assert has(action="create", object=f"episode/{eid}", who="Kari Hansen",
               role="hospital_nurse", organisation="Infeksjonsposten")
    assert has(action="update", object=f"episode/{eid}/eligibility", who="Ingrid Solberg",
               role="physician")
    assert has(action="read", object=f"patient/{pid}", who="Ole Jensen",
               role="municipal_nurse", organisation="Tromsø sone Sentrum")
    assert has(action="create", object=f"observation/{trail['obs']}", who="Ole Jensen")
    assert not has(emergency=True)


def test_reading_the_log_is_itself_logged(heime, trail):
    pid = trail["patient"]
    heime.get(f"/api/v1/patients/{pid}/access-log", user="tromso.sentrum3")
    log = heime.get(f"/api/v1/patients/{pid}/access-log", user="lege1").json()
    assert any(x["object"] == f"patient/{pid}/access-log" and x["who"] == "Marte Karlsen"
               for x in log)


def test_patient_reads_own_access_log(heime):
    me = heime.get("/api/v1/me", user="pasient1").json()
    pid = me["patient_id"]
    # A nurse of the patient's municipality reads the record...
    reader = "tromso.nord3"
    name = next(a["name"] for a in heime.accounts() if a["username"] == reader)
    assert heime.get(f"/api/v1/patients/{pid}/episodes", user=reader).status_code == 200
    # ... and the patient sees who did.
    r = heime.get(f"/api/v1/patients/{pid}/access-log", user="pasient1")
    assert r.status_code == 200, r.text
    assert any(x["who"] == name and x["action"] == "read" and
               x["object"] == f"patient/{pid}/episodes" for x in r.json())


def test_refused_access_is_not_in_the_patients_log(heime, trail):
    pid = trail["patient"]
    assert heime.get(f"/api/v1/patients/{pid}", user="berlevag2").status_code == 403
    log = heime.get(f"/api/v1/patients/{pid}/access-log", user="lege1").json()
    assert not any(x["who"] == "Knut Persen" for x in log)


def test_verify_live_database(heime, trail):
    r = heime.audit_verify()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "intact" in r.stdout
    n = heime.sql("SELECT count(*) FROM audit")[0][0]
    assert f"{n} rows" in r.stdout


def copy_of(heime, tmp_path, name):
    """A copy of the live database (its URL), to tamper with."""
    return heime.backup(str(tmp_path / name))


def test_verify_intact_copy(heime, tmp_path):
    copy = copy_of(heime, tmp_path, "copy.db")
    r = heime.audit_verify(copy)
    assert r.returncode == 0, r.stdout + r.stderr


def test_audit_rows_cannot_be_changed_in_place(heime, tmp_path):
    copy = copy_of(heime, tmp_path, "guarded.db")
    with DirectDb(copy) as db:
        with pytest.raises(Exception, match="append-only"):
            db.execute("UPDATE audit SET object = 'x' WHERE id = 2")
        with pytest.raises(Exception, match="append-only"):
            db.execute("DELETE FROM audit WHERE id = 2")


def tamper(copy, sql, args=()):
    with DirectDb(copy) as db:
        db.unguard_audit()
        db.execute(sql, args)
        db.commit()


def middle_row(copy):
    with DirectDb(copy) as db:
        lo, hi = db.execute("SELECT min(id), max(id) FROM audit")[0]
    assert hi - lo > 10
    return (lo + hi) // 2


def test_verify_detects_a_changed_row(heime, tmp_path, trail):
    copy = copy_of(heime, tmp_path, "changed.db")
    row = middle_row(copy)
    tamper(copy, "UPDATE audit SET object = 'patient/1' || object WHERE id = ?", (row,))
    r = heime.audit_verify(copy)
    assert r.returncode == 1, r.stdout + r.stderr
    out = (r.stdout + r.stderr).strip()
    assert f"audit row {row} was changed" in out
    assert len(out.splitlines()) == 1


def test_verify_detects_a_deleted_row(heime, tmp_path, trail):
    copy = copy_of(heime, tmp_path, "deleted.db")
    row = middle_row(copy)
    tamper(copy, "DELETE FROM audit WHERE id = ?", (row,))
    r = heime.audit_verify(copy)
    assert r.returncode == 1, r.stdout + r.stderr
    out = (r.stdout + r.stderr).strip()
    assert f"audit row {row} is missing" in out
    assert len(out.splitlines()) == 1


def test_verify_detects_a_rewritten_chain_link(heime, tmp_path, trail):
    """Changing a row's patients list (who was read) is caught like any other column."""
    copy = copy_of(heime, tmp_path, "patients.db")
    row = heime.sql("SELECT max(id) FROM audit WHERE patients <> ''")[0][0]
    tamper(copy, "UPDATE audit SET patients = '' WHERE id = ?", (row,))
    r = heime.audit_verify(copy)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"audit row {row}" in r.stdout + r.stderr


def audit_head(db):
    r = subprocess.run([HEIME, "audit", "head", "--db", db], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def canonical(row, prev):
    """The text a row's hash is taken over, as audit.c forms it (what an attacker who read the
    source would recompute)."""
    (rid, at, account, role, org, action, obj, patients, reason, emergency, request, _, _) = row
    return (f"{rid}|{at}|{account or 0}|{role}|{org or 0}|{action}|{obj}|{patients or ''}|"
            f"{reason or ''}|{emergency}|{request or ''}|{prev}")


def rewrite_from(copy, first):
    """Changes row `first` and re-hashes it and every row after it: the chain stays intact."""
    with DirectDb(copy) as db:
        db.unguard_audit()
        db.execute("UPDATE audit SET object = 'nothing/to/see' WHERE id = ?", (first,))
        prev = db.execute("SELECT hash FROM audit WHERE id = ?", (first - 1,))[0][0]
        rows = db.execute("SELECT id, at_ms, account_id, role, org_id, action, object, patients,"
                          " reason, emergency, request_id, prev_hash, hash FROM audit"
                          " WHERE id >= ? ORDER BY id", (first,))
        for row in rows:
            h = hashlib.sha256(canonical(row, prev).encode()).hexdigest()
            db.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, row[0]))
            prev = h
        db.commit()


def test_the_server_anchors_the_audit_head(heime):
    """The running server appended the head to its anchor file (HEIME_AUDIT_ANCHOR_FILE) when it
    started; the live log matches it, and `heime audit head` prints the head in that format."""
    with open(heime.anchor_file) as f:
        lines = [json.loads(x) for x in f if x.strip()]
    assert lines and all(set(x) == {"row", "hash", "at"} for x in lines), lines
    r = heime.audit_verify(anchors=heime.anchor_file)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{len(lines)} anchors match" in r.stdout
    head = audit_head(heime.db)
    assert head["row"] >= lines[-1]["row"] and len(head["hash"]) == 64


def test_anchors_catch_a_log_rewritten_after_them(heime, tmp_path, trail):
    copy = copy_of(heime, tmp_path, "rewritten.db")
    head = audit_head(copy)
    anchors = tmp_path / "anchors.jsonl"
    anchors.write_text("# recorded by the operator\n" + json.dumps(head) + "\n")
    row = middle_row(copy)
    rewrite_from(copy, row)
    # The chain alone cannot tell: every hash was recomputed.
    r = heime.audit_verify(copy)
    assert r.returncode == 0, r.stdout + r.stderr
    # The anchor recorded before the rewrite can.
    r = heime.audit_verify(copy, anchors=str(anchors))
    assert r.returncode == 1, r.stdout + r.stderr
    out = (r.stdout + r.stderr).strip()
    assert out == (f"audit row {head['row']} no longer has the hash anchored outside heime"
                   " (the log was rewritten up to it)"), out


def test_a_bad_anchor_file_is_one_clear_line(heime, tmp_path):
    anchors = tmp_path / "bad.jsonl"
    anchors.write_text('{"row": 3, "hash": "abc"}\n')
    r = heime.audit_verify(anchors=str(anchors))
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "anchor line 1" in r.stderr, r.stderr
    r = heime.audit_verify(anchors=str(tmp_path / "missing.jsonl"))
    assert r.returncode == 2 and "missing.jsonl" in r.stderr, r.stderr
