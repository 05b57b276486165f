"""End-to-end fixtures: a real `heime demo` on a temporary database and free loopback ports,
started once per session and stopped at the end. Talks plain HTTP with requests.

The database is SQLite unless HEIME_TEST_PG names a PostgreSQL server
(postgresql://user@host:port/, as scripts/pg-test.sh prints it): then every heime of the suite
gets a fresh database of its own there, and the tests' direct looks into the database go through
psycopg2."""
import base64
import contextlib
import datetime
import glob
import json
import os
import socket
import sqlite3
import subprocess
import tempfile
import time
import uuid

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HEIME = os.environ.get("HEIME_BIN", os.path.join(ROOT, "build", "src", "cli", "heime"))
PG = os.environ.get("HEIME_TEST_PG", "")


def pg_connect(url):
    import psycopg2
    return psycopg2.connect(url)


def new_db(tmp, name="heime"):
    """A fresh, empty database for one heime: a file in tmp, or a new PostgreSQL database."""
    if not PG:
        return "sqlite:" + os.path.join(tmp, name + ".db")
    dbname = f"e2e_{uuid.uuid4().hex[:12]}_{name}"
    con = pg_connect(PG + "heime")
    con.autocommit = True
    try:
        con.cursor().execute(f'CREATE DATABASE "{dbname}"')
    finally:
        con.close()
    return PG + dbname


def pg_tool(name):
    """A PostgreSQL client program of the newest installed server version."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else name


class DirectDb:
    """A connection of a test's own to a heime database (sqlite: or postgresql:// URL), for
    what no API does: a look at the rows, a change as another process would make it, tampering
    with a copy of the audit log. `?` parameters on both; dates go as heime stores them
    ('YYYY-MM-DD' text), as Python's sqlite3 passes them."""

    def __init__(self, db, readonly=False):
        self.pg = not db.startswith("sqlite:")
        if self.pg:
            self.con = pg_connect(db)
        elif readonly:  # WAL lets a reader run alongside the server
            self.con = sqlite3.connect(f"file:{db[7:]}?mode=ro", uri=True, timeout=10)
        else:
            self.con = sqlite3.connect(db[7:], timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.con.close()

    def execute(self, query, args=()):
        if not self.pg:
            return self.con.execute(query, args).fetchall()
        args = tuple(a.isoformat() if isinstance(a, datetime.date) else a for a in args)
        cur = self.con.cursor()
        try:
            cur.execute(query.replace("%", "%%").replace("?", "%s") if args else query,
                        args or None)
        except Exception:
            self.con.rollback()
            raise
        return [tuple(r) for r in cur.fetchall()] if cur.description else []

    def commit(self):
        self.con.commit()

    def unguard_audit(self):
        """Lifts the triggers that keep the audit log append-only (as an attacker with the
        database's owner rights could): only the hash chain is left to notice."""
        if self.pg:
            self.execute("ALTER TABLE audit DISABLE TRIGGER audit_no_update")
        else:
            self.execute("DROP TRIGGER audit_no_update")
            self.execute("DROP TRIGGER audit_no_delete")


def db_sql(db, query, args=()):
    """Runs one query on a heime database (an sqlite: or postgresql:// URL); its rows."""
    with DirectDb(db, readonly=True) as d:
        rows = d.execute(query, args)
        d.commit()  # PostgreSQL: end the reading transaction
        return rows


def db_write(db, query, args=()):
    """Writes a heime database directly, as another process would; committed on return."""
    with DirectDb(db) as d:
        d.execute(query, args)
        d.commit()


IDP_ISSUER = "https://idp.example.test/realms/helse"
IDP_AUDIENCE = "heime"
IDP_CLIENT = "heime-ui"
IDP_SECRET = "s3cret-of-the-test-client"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Heime:
    """A running heime process and a small client for its API."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.db = new_db(tmp)
        self.port = free_port()
        self.mllp_port = free_port()
        self.anchor_file = os.path.join(tmp, "audit-anchors.jsonl")
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.tokens = {}
        # The server also takes tokens of an identity provider whose key this is (test_jwt.py).
        self.idp_key = ed25519.Ed25519PrivateKey.generate()
        self.idp_key_file = os.path.join(tmp, "idp-public.pem")
        with open(self.idp_key_file, "wb") as f:
            f.write(self.idp_key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        # The UI signs in through that IdP's endpoints (test_oidc.py runs a fake_idp there).
        self.idp_port = free_port()
        self.idp_secret_file = os.path.join(tmp, "idp-client-secret")
        with open(self.idp_secret_file, "w") as f:
            f.write(IDP_SECRET + "\n")

    def start(self, extra=(), env=None):
        """env: settings over the defaults below (a value None removes one)."""
        self.log = open(os.path.join(self.tmp, "heime.log"), "ab")
        settings = {"HEIME_AUDIT_ANCHOR_FILE": self.anchor_file,
                    "HEIME_JWT_PUBLIC_KEY_FILE": self.idp_key_file, "HEIME_JWT_ISSUER": IDP_ISSUER,
                    "HEIME_JWT_AUDIENCE": IDP_AUDIENCE,
                    "HEIME_OIDC_AUTHORIZE_URL": f"http://127.0.0.1:{self.idp_port}/authorize",
                    "HEIME_OIDC_TOKEN_URL": f"http://127.0.0.1:{self.idp_port}/token",
                    "HEIME_OIDC_CLIENT_ID": IDP_CLIENT, "HEIME_OIDC_NAME": "Test-IdP",
                    "HEIME_OIDC_CLIENT_SECRET_FILE": self.idp_secret_file, **(env or {})}
        environ = {**os.environ, **{k: v for k, v in settings.items() if v is not None}}
        for k, v in settings.items():
            if v is None:
                environ.pop(k, None)
        self.proc = subprocess.Popen(
            [HEIME, "demo", "--db", self.db, "--http", f"127.0.0.1:{self.port}",
             "--mllp", f"127.0.0.1:{self.mllp_port}", *extra],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env=environ)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("heime exited early; see " + self.log.name)
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("heime did not become healthy")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.tokens.clear()

    def url(self, path):
        return self.base + path

    def login(self, username, password=None):
        if username in self.tokens:
            return self.tokens[username]
        r = requests.post(self.url("/api/v1/auth/login"),
                          json={"username": username, "password": password or "demo-" + username})
        assert r.status_code == 200, r.text
        self.tokens[username] = r.json()["token"]
        return self.tokens[username]

    def call(self, method, path, user=None, token=None, **kw):
        headers = kw.pop("headers", {})
        if user:
            token = self.login(user)
        if token:
            headers["Authorization"] = "Bearer " + token
        return requests.request(method, self.url(path), headers=headers, timeout=30, **kw)

    def get(self, path, user=None, **kw):
        return self.call("GET", path, user=user, **kw)

    def post(self, path, user=None, **kw):
        return self.call("POST", path, user=user, **kw)

    def put(self, path, user=None, **kw):
        return self.call("PUT", path, user=user, **kw)

    def delete(self, path, user=None, **kw):
        return self.call("DELETE", path, user=user, **kw)

    def plan_day(self, date, zone_code):
        """`heime plan --date --org` on this server's database (1 s); the report."""
        r = subprocess.run([HEIME, "plan", "--db", self.db, "--date", date, "--org", zone_code,
                            "--time-limit", "1"], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def idp_token(self, claims, key=None, alg="EdDSA"):
        """A JWT as the identity provider would issue it: claims over the defaults (issuer,
        audience, an expiry in five minutes), signed with its key (or another)."""
        now = int(time.time())
        body = {"iss": IDP_ISSUER, "aud": IDP_AUDIENCE, "iat": now, "exp": now + 300, **claims}
        head = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        signed = head + "." + b64url(json.dumps(body).encode())
        return signed + "." + b64url((key or self.idp_key).sign(signed.encode()))

    def fresh_token(self, username):
        """A new token of its own (not the cached one), for tests that revoke or log out."""
        r = requests.post(self.url("/api/v1/auth/login"),
                          json={"username": username, "password": "demo-" + username})
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def forget(self, username=None):
        """Drops cached tokens (after a logout or revocation made them useless)."""
        if username is None:
            self.tokens.clear()
        else:
            self.tokens.pop(username, None)

    def sql(self, query, args=()):
        """Reads the live database directly (read-only; WAL lets a reader run alongside)."""
        return db_sql(self.db, query, args)

    def write(self, query, args=()):
        """Writes the live database directly, as another process would (the planner runs as its
        own process; a test sets up what the app would have written at an hour it pretends)."""
        db_write(self.db, query, args)

    # Tables the server's background workers (alarm rules, escalation timers, the webhook
    # outbox, pump heartbeats) write on their own clock, independent of any request.
    BACKGROUND = {"alarm", "alarm_event", "webhook_outbox", "rule_cursor", "pump_state",
                  "device_heard", "hl7_inbox", "change_counter"}

    def counts(self):
        """Row counts of every table: equal before and after a refused request proves that
        nothing was half-written. Sessions (logins write them) and what the background workers
        write (alarms raised by the rules, and their audit rows as 'system') are left out, so a
        rule firing mid-test cannot look like a half-written request."""
        if PG:
            names = [r[0] for r in self.sql("SELECT table_name FROM information_schema.tables"
                                            " WHERE table_schema = 'public'"
                                            " AND table_name <> 'session'")]
        else:
            names = [r[0] for r in self.sql("SELECT name FROM sqlite_master WHERE type = 'table'"
                                            " AND name NOT LIKE 'sqlite_%' AND name <> 'session'")]
        out = {}
        for n in names:
            if n in self.BACKGROUND:
                continue
            if n == "audit":
                q = "SELECT count(*) FROM audit WHERE role <> 'system'"
            elif n == "audit_patient":
                q = ("SELECT count(*) FROM audit_patient ap JOIN audit a ON a.id = ap.audit_id"
                     " WHERE a.role <> 'system'")
            else:
                q = f'SELECT count(*) FROM "{n}"'
            out[n] = self.sql(q)[0][0]
        return out

    def org_id(self, code):
        return self.sql("SELECT id FROM org WHERE code = ?", (code,))[0][0]

    def backup(self, dest):
        """A consistent copy of the live database, as a database URL: SQLite's online backup
        into the file dest, or pg_dump into a new PostgreSQL database."""
        if PG:
            copy = new_db(self.tmp, "copy")
            dump = subprocess.run([pg_tool("pg_dump"), "--no-owner", "--dbname", self.db],
                                  capture_output=True, check=True, timeout=120)
            subprocess.run([pg_tool("psql"), "-q", "-v", "ON_ERROR_STOP=1", "--dbname", copy],
                           input=dump.stdout, capture_output=True, check=True, timeout=120)
            return copy
        src = sqlite3.connect(f"file:{self.db[7:]}?mode=ro", uri=True, timeout=10)
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return "sqlite:" + dest

    def accounts(self):
        out = subprocess.run([HEIME, "demo", "--accounts"], capture_output=True, check=True)
        return json.loads(out.stdout)

    def audit_verify(self, db=None, anchors=None):
        return subprocess.run([HEIME, "audit", "verify", "--db", db or self.db,
                               *(["--anchors", anchors] if anchors else [])],
                              capture_output=True, text=True, timeout=60)


@contextlib.contextmanager
def running_heime():
    """A fresh demo region on its own temporary database, stopped on exit."""
    with tempfile.TemporaryDirectory(prefix="heime-e2e-") as tmp:
        h = Heime(tmp)
        h.start()
        try:
            yield h
        finally:
            h.stop()


@pytest.fixture(scope="session")
def heime():
    with running_heime() as h:
        yield h
