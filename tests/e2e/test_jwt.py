"""Sign-in through an external identity provider: a signed JWT as the bearer token (the shared
server trusts the test's IdP key, see conftest). The token names the account; what the caller
may see is that account's, exactly as after a password login."""
import time

from cryptography.hazmat.primitives.asymmetric import ed25519


def patients(heime, token):
    return heime.get("/api/v1/patients", token=token)


def audit_rows(heime, username):
    return heime.sql("SELECT count(*) FROM audit a JOIN account ac ON ac.id = a.account_id"
                     " WHERE ac.username = ?", (username,))[0][0]


def test_a_token_of_the_identity_provider_signs_the_account_in(heime):
    same = heime.get("/api/v1/patients", user="tromso.sentrum2")
    before = audit_rows(heime, "tromso.sentrum2")
    r = patients(heime, heime.idp_token({"preferred_username": "tromso.sentrum2"}))
    assert r.status_code == 200, r.text
    assert sorted(p["id"] for p in r.json()) == sorted(p["id"] for p in same.json())
    # the audit trail names the account, as for its own sessions
    assert audit_rows(heime, "tromso.sentrum2") == before + 1


def test_access_is_still_the_accounts_own(heime):
    """The IdP says who; heime's account says what: a nurse of another municipality sees no
    patient of Tromsø."""
    tromso = {p["id"] for p in heime.get("/api/v1/patients", user="tromso.sentrum2").json()}
    other = patients(heime, heime.idp_token({"preferred_username": "senja1"}))
    if other.status_code == 200:
        assert not tromso & {p["id"] for p in other.json()}
    else:
        assert other.status_code in (401, 403), other.text


def test_bad_tokens_are_refused_with_the_reason(heime):
    now = int(time.time())
    cases = [
        ({"preferred_username": "tromso.sentrum2", "exp": now - 600}, None, "token expired"),
        ({"preferred_username": "tromso.sentrum2", "iss": "https://evil.example.test"}, None,
         "issuer not accepted"),
        ({"preferred_username": "tromso.sentrum2", "aud": "another-app"}, None,
         "audience not accepted"),
        ({"preferred_username": "no.such.user"}, None, "no heime account"),
        ({"sub": "1234"}, None, "preferred_username"),
        ({"preferred_username": "tromso.sentrum2"}, ed25519.Ed25519PrivateKey.generate(),
         "signature invalid"),
    ]
    for claims, key, why in cases:
        r = patients(heime, heime.idp_token(claims, key=key))
        assert r.status_code == 401, (claims, r.text)
        assert why in r.json()["error"], (why, r.text)
    r = patients(heime, heime.idp_token({"preferred_username": "tromso.sentrum2"}, alg="none"))
    assert r.status_code == 401 and "not accepted" in r.json()["error"], r.text
    r = patients(heime, "not.a.jwt")
    assert r.status_code == 401, r.text
