"""Signing in to the web UI through the identity provider (authorization code with PKCE): the
login page learns the IdP from GET /api/v1/auth/config; the browser comes back from the IdP
with a code, and POST /api/v1/auth/oidc exchanges it (server to server, with the client secret)
for a session of heime's own. The fake IdP (fake_idp.py) checks what a real one does."""
import base64
import hashlib
import os
import secrets
import subprocess
import urllib.parse

import pytest
import requests

from conftest import HEIME, IDP_CLIENT, IDP_SECRET, ROOT, free_port
from fake_idp import FakeIdp

REDIRECT = "http://127.0.0.1/login"  # the IdP only compares it with the authorize request's


@pytest.fixture(scope="module")
def idp(heime):
    with FakeIdp(heime.idp_port, lambda claims: heime.idp_token(claims), IDP_CLIENT,
                 IDP_SECRET) as fake:
        yield fake


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorize(heime, username, challenge, redirect=REDIRECT):
    """What the browser does: to the IdP's authorization endpoint with the config's client,
    back with a code (the fake signs in login_hint)."""
    cfg = heime.get("/api/v1/auth/config").json()["oidc"]
    q = {"response_type": "code", "client_id": cfg["client_id"], "redirect_uri": redirect,
         "scope": cfg["scope"], "state": "st4te", "code_challenge": challenge,
         "code_challenge_method": "S256", "login_hint": username}
    r = requests.get(cfg["authorize_url"] + "?" + urllib.parse.urlencode(q),
                     allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    back = urllib.parse.urlparse(r.headers["Location"])
    params = dict(urllib.parse.parse_qsl(back.query))
    assert params["state"] == "st4te"
    return params["code"]


def exchange(heime, code, verifier, redirect=REDIRECT):
    return heime.post("/api/v1/auth/oidc",
                      json={"code": code, "code_verifier": verifier, "redirect_uri": redirect})


def test_the_login_page_learns_the_identity_provider(heime):
    r = heime.get("/api/v1/auth/config")
    assert r.status_code == 200
    cfg = r.json()["oidc"]
    assert cfg == {"name": "Test-IdP", "authorize_url": f"http://127.0.0.1:{heime.idp_port}/authorize",
                   "client_id": IDP_CLIENT, "scope": "openid"}
    assert "secret" not in r.text


def test_a_code_from_the_identity_provider_opens_a_session_of_the_account(heime, idp):
    verifier, challenge = pkce()
    code = authorize(heime, "tromso.sentrum2", challenge)
    before = heime.sql("SELECT count(*) FROM audit WHERE action = 'login' AND object = 'session/oidc'")[0][0]
    r = exchange(heime, code, verifier)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer" and body["password_change_required"] is False
    me = heime.get("/api/v1/me", token=body["token"]).json()
    assert me["username"] == "tromso.sentrum2" and me["role"] == "municipal_nurse"
    # the same patients as after a password login: the account decides access
    same = {p["id"] for p in heime.get("/api/v1/patients", user="tromso.sentrum2").json()}
    mine = {p["id"] for p in heime.get("/api/v1/patients", token=body["token"]).json()}
    assert mine == same
    after = heime.sql("SELECT count(*) FROM audit WHERE action = 'login' AND object = 'session/oidc'")[0][0]
    assert after == before + 1
    # heime sent the code with the client's secret and the verifier, to the token endpoint
    form = idp.requests[-1]
    assert form["client_secret"] == IDP_SECRET and form["code_verifier"] == verifier
    # a session of heime's own: logout ends it
    assert heime.post("/api/v1/auth/logout", token=body["token"]).status_code == 204
    assert heime.get("/api/v1/me", token=body["token"]).status_code == 401


def test_refusals_of_the_identity_provider_are_401_with_its_reason(heime, idp):
    verifier, challenge = pkce()
    code = authorize(heime, "tromso.sentrum2", challenge)
    r = exchange(heime, code, pkce()[0])  # another verifier than the challenge's
    assert r.status_code == 401 and "PKCE verification failed" in r.json()["error"], r.text
    r = exchange(heime, code, verifier)  # the code is gone after one use
    assert r.status_code == 401 and "invalid_grant" in r.json()["error"], r.text
    code = authorize(heime, "tromso.sentrum2", challenge)
    r = exchange(heime, code, verifier, redirect="http://127.0.0.1/elsewhere")
    assert r.status_code == 401 and "redirect_uri" in r.json()["error"], r.text


def test_an_idp_user_without_a_heime_account_gets_none(heime, idp):
    verifier, challenge = pkce()
    r = exchange(heime, authorize(heime, "no.such.user", challenge), verifier)
    assert r.status_code == 401 and "no heime account" in r.json()["error"], r.text


def test_bad_requests_are_400_and_an_unreachable_idp_is_503(heime, idp):
    verifier, challenge = pkce()
    for body in ({"code": "x", "code_verifier": verifier},
                 {"code": "x", "code_verifier": "short", "redirect_uri": REDIRECT},
                 {"code": "x", "code_verifier": verifier, "redirect_uri": REDIRECT, "extra": 1},
                 {"code": 5, "code_verifier": verifier, "redirect_uri": REDIRECT}):
        r = heime.post("/api/v1/auth/oidc", json=body)
        assert r.status_code == 400, (body, r.text)
    idp.broken = True
    try:
        r = exchange(heime, authorize(heime, "tromso.sentrum2", challenge), verifier)
    finally:
        idp.broken = False
    assert r.status_code == 503, r.text
    assert "answered 500" in r.json()["error"]


def test_a_server_refuses_to_start_with_the_idp_half_configured(heime, tmp_path):
    """The sign-in button without the JWT settings could never verify a token: refused at
    start, naming what is missing; so are a URL that is not http(s) and a secret file that holds
    no secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEIME_JWT", "HEIME_OIDC"))}
    jwt = {"HEIME_JWT_PUBLIC_KEY_FILE": heime.idp_key_file, "HEIME_JWT_ISSUER": "https://i.test",
           "HEIME_JWT_AUDIENCE": "heime"}
    oidc = {"HEIME_OIDC_AUTHORIZE_URL": "https://idp.example.test/auth",
            "HEIME_OIDC_TOKEN_URL": "https://idp.example.test/token",
            "HEIME_OIDC_CLIENT_ID": "heime-ui"}
    empty = tmp_path / "empty-secret"
    empty.write_text("\n")
    cases = [
        (oidc, "needs jwt_public_key_file"),
        ({**jwt, **oidc, "HEIME_OIDC_TOKEN_URL": "ftp://idp.example.test/token"},
         "oidc_token_url must be an http(s) URL"),
        ({**jwt, **oidc, "HEIME_OIDC_CLIENT_ID": ""}, "oidc_client_id is required"),
        ({**jwt, **oidc, "HEIME_OIDC_CLIENT_SECRET_FILE": str(empty)}, "holds no secret"),
        ({**jwt, **oidc, "HEIME_OIDC_CLIENT_SECRET_FILE": heime.idp_secret_file,
          "HEIME_OIDC_CLIENT_KEY_FILE": heime.idp_key_file}, "not both"),
        ({**jwt, **oidc, "HEIME_OIDC_CLIENT_KEY_FILE": heime.idp_key_file},
         "is not a PEM private key"),
        ({**jwt, "HEIME_JWT_JWKS_URL": "https://idp.example.test/jwks"},
         "jwt_public_key_file or jwt_jwks_url, not both"),
        ({**jwt, "HEIME_JWT_PUBLIC_KEY_FILE": "", "HEIME_JWT_JWKS_URL": "file:///etc/keys"},
         "jwt_jwks_url must be an http(s) URL"),
    ]
    for extra, why in cases:
        r = subprocess.run([HEIME, "serve", "--db", f"sqlite:{tmp_path}/x.db",
                            "--http", f"127.0.0.1:{free_port()}",
                            "--mllp", f"127.0.0.1:{free_port()}"],
                           cwd=ROOT, env={**env, **extra}, capture_output=True, text=True,
                           timeout=60)
        assert r.returncode != 0 and why in r.stderr, (why, r.stderr)
