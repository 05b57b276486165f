"""Failed logins are throttled per username: after five wrong passwords the sixth attempt is
refused with 429 and a clear message even with the right password, the password is not checked,
and other users log in as before. Runs on its own server so the locked account bothers no
other test."""
import requests

from conftest import running_heime


def login(h, user, password):
    return requests.post(h.url("/api/v1/auth/login"), json={"username": user, "password": password},
                         timeout=30)


def test_five_wrong_passwords_lock_the_username_for_a_while():
    with running_heime() as h:
        for _ in range(5):
            r = login(h, "lege2", "not-the-password")
            assert r.status_code == 401 and r.json()["error"] == "wrong username or password"
        r = login(h, "lege2", "demo-lege2")
        assert r.status_code == 429, r.text
        assert "too many failed logins" in r.json()["error"]
        assert "try again in 15 minutes" in r.json()["error"]
        # Another user is not affected, and the metrics count the refusals.
        assert login(h, "lege3", "demo-lege3").status_code == 200
        metrics = requests.get(h.url("/metrics"), timeout=30).text
        assert 'route="/api/v1/auth/login",code="4xx"} 6' in metrics
