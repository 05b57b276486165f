"""The identity provider as a production one is configured: its signing keys from its JWKS
endpoint (fetched, rotated), and heime authenticating at its token endpoint with a JWT signed by
heime's own private key (private_key_jwt, as HelseID requires) instead of a shared secret.

A heime of its own, started while the IdP is down: it must start anyway (alarms do not wait for
an IdP), refuse tokens with the reason, and fetch the keys once the IdP is back, at most every
10 s (so this module waits about 20 s in all)."""
import json
import time

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from conftest import IDP_AUDIENCE, IDP_CLIENT, IDP_ISSUER, Heime, b64url
from fake_idp import FakeIdp
from test_oidc import authorize, exchange, pkce

MIN_INTERVAL_S = 10.5  # heime fetches the key set at most every 10 s


def jwk(key, kid):
    pub = key.public_key()
    if isinstance(key, ed25519.Ed25519PrivateKey):
        x = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": b64url(x), "use": "sig"}
    n = pub.public_numbers()
    return {"kty": "RSA", "kid": kid, "alg": "RS256", "n": b64url(n.n.to_bytes(256, "big")),
            "e": b64url(n.e.to_bytes(3, "big"))}


def signed(key, kid, claims):
    """A token of the IdP: its claims over the defaults, signed with key, naming kid."""
    now = int(time.time())
    body = {"iss": IDP_ISSUER, "aud": IDP_AUDIENCE, "iat": now, "exp": now + 300, **claims}
    alg = "EdDSA" if isinstance(key, ed25519.Ed25519PrivateKey) else "RS256"
    head = b64url(json.dumps({"alg": alg, "typ": "JWT", "kid": kid}).encode())
    data = (head + "." + b64url(json.dumps(body).encode())).encode()
    sig = key.sign(data) if alg == "EdDSA" else key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return data.decode() + "." + b64url(sig)


class World:
    """heime, the IdP (started later) and their keys."""

    def __init__(self, tmp):
        self.heime = Heime(tmp)
        self.k1 = ed25519.Ed25519PrivateKey.generate()
        self.k2 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.client_key = ec.generate_private_key(ec.SECP256R1())
        self.client_key_file = f"{tmp}/heime-client-key.pem"
        with open(self.client_key_file, "wb") as f:
            f.write(self.client_key.private_bytes(serialization.Encoding.PEM,
                                                  serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
        self.idp = None
        self.last_fetch = 0.0  # when heime last tried to fetch the keys (at most)

    def me(self, token):
        return requests.get(self.heime.url("/api/v1/me"),
                            headers={"Authorization": "Bearer " + token}, timeout=10)

    def wait_for_fetch_window(self):
        delay = self.last_fetch + MIN_INTERVAL_S - time.time()
        if delay > 0:
            time.sleep(delay)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(str(tmp_path_factory.mktemp("oidc-keys")))
    h = w.heime
    w.last_fetch = time.time()
    h.start(env={"HEIME_JWT_PUBLIC_KEY_FILE": None,
                 "HEIME_JWT_JWKS_URL": f"http://127.0.0.1:{h.idp_port}/jwks",
                 "HEIME_OIDC_CLIENT_SECRET_FILE": None,
                 "HEIME_OIDC_CLIENT_KEY_FILE": w.client_key_file,
                 "HEIME_OIDC_CLIENT_KEY_ID": "heime-e2e-1"})
    w.last_fetch = time.time()  # the fetch at start happened before healthz answered
    try:
        yield w
    finally:
        h.stop()
        if w.idp:
            w.idp.__exit__(None, None, None)


def test_heime_starts_while_the_idp_is_down_and_fetches_its_keys_when_it_is_back(world):
    tok = signed(world.k1, "k1", {"preferred_username": "tromso.sentrum2"})
    r = world.me(tok)
    assert r.status_code == 401
    assert "signing keys are not available" in r.json()["error"], r.text
    assert "cannot be reached" in r.json()["error"], r.text
    with open(world.heime.log.name, "rb") as f:
        assert b"keys are not available yet" in f.read()
    # the IdP comes up with key k1
    world.idp = FakeIdp(world.heime.idp_port, lambda c: signed(world.k1, "k1", c), IDP_CLIENT,
                        client_key=world.client_key.public_key())
    world.idp.jwks = {"keys": [jwk(world.k1, "k1")]}
    world.idp.__enter__()
    world.wait_for_fetch_window()
    r = world.me(tok)
    world.last_fetch = time.time()
    assert r.status_code == 200, r.text
    assert r.json()["username"] == "tromso.sentrum2"
    assert world.idp.jwks_fetches == 1


def test_the_ui_signs_in_with_a_client_assertion_instead_of_a_secret(world):
    verifier, challenge = pkce()
    code = authorize(world.heime, "tromso.sentrum2", challenge)
    r = exchange(world.heime, code, verifier)
    assert r.status_code == 200, r.text
    assert world.me(r.json()["token"]).json()["username"] == "tromso.sentrum2"
    form = world.idp.requests[-1]
    assert "client_secret" not in form
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    header, claims = world.idp.last_assertion
    assert header["kid"] == "heime-e2e-1" and header["alg"] == "ES256"
    assert claims["aud"] == world.idp.token_url and claims["exp"] - claims["iat"] <= 60
    # every exchange signs a new assertion (a replayed one would be refused by the IdP)
    verifier, challenge = pkce()
    r = exchange(world.heime, authorize(world.heime, "tromso.sentrum2", challenge), verifier)
    assert r.status_code == 200, r.text
    assert world.idp.last_assertion[1]["jti"] != claims["jti"]


def test_a_rotated_key_is_fetched_when_a_token_names_it(world):
    world.idp.jwks = {"keys": [jwk(world.k1, "k1"), jwk(world.k2, "k2")]}
    tok = signed(world.k2, "k2", {"preferred_username": "tromso.sentrum2"})
    world.wait_for_fetch_window()
    r = world.me(tok)
    assert r.status_code == 200, r.text
    assert world.idp.jwks_fetches == 2
    # k1 still verifies (still in the set); made-up key ids do not make heime ask the IdP
    assert world.me(signed(world.k1, "k1", {"preferred_username": "tromso.sentrum2"})).status_code == 200
    for i in range(5):
        r = world.me(signed(world.k1, f"made-up-{i}", {"preferred_username": "tromso.sentrum2"}))
        assert r.status_code == 401 and "does not know" in r.json()["error"], r.text
    assert world.idp.jwks_fetches == 2


def test_the_assertion_audience_can_be_the_issuer(world, tmp_path):
    """Some IdPs (HelseID documents it) want their issuer as the assertion's audience."""
    h = Heime(str(tmp_path))
    h.idp_port = world.heime.idp_port  # the same IdP
    h.start(env={"HEIME_JWT_PUBLIC_KEY_FILE": None,
                 "HEIME_JWT_JWKS_URL": f"http://127.0.0.1:{h.idp_port}/jwks",
                 "HEIME_OIDC_CLIENT_SECRET_FILE": None,
                 "HEIME_OIDC_CLIENT_KEY_FILE": world.client_key_file,
                 "HEIME_OIDC_ASSERTION_AUDIENCE": IDP_ISSUER})
    try:
        verifier, challenge = pkce()
        r = exchange(h, authorize(h, "tromso.sentrum2", challenge), verifier)
        assert r.status_code == 401 and "aud must be" in r.json()["error"], r.text
        world.idp.assertion_audience = IDP_ISSUER
        verifier, challenge = pkce()
        r = exchange(h, authorize(h, "tromso.sentrum2", challenge), verifier)
        assert r.status_code == 200, r.text
        header, claims = world.idp.last_assertion
        assert claims["aud"] == IDP_ISSUER and "kid" not in header
    finally:
        world.idp.assertion_audience = world.idp.token_url
        h.stop()
