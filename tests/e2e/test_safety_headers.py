"""Headers that keep the browser on heime's side: the UI's pages carry a Content-Security-Policy
whose only inline script is index.html's import map (by its SHA-256), and every answer says
nosniff, no framing and no referrer. The browser suites run the whole UI under the policy; the
UI reports anything it blocks as an error, which they fail on."""
import base64
import hashlib
import os
import re

from conftest import ROOT


def directives(policy):
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def test_pages_have_a_policy_with_the_import_maps_hash(heime):
    for path in ("/", "/worklist", "/index.html"):
        r = heime.get(path)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html"), path
        d = directives(r.headers["Content-Security-Policy"])
        assert d["default-src"] == ["'self'"] and d["object-src"] == ["'none'"]
        assert d["frame-ancestors"] == ["'none'"] and d["base-uri"] == ["'none'"]
        with open(os.path.join(ROOT, "web", "index.html"), encoding="utf-8") as f:
            html = f.read()
        inline = re.findall(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", html, re.S)
        assert len(inline) == 1  # the import map
        digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
        assert d["script-src"] == ["'self'", f"'sha256-{digest}'"]
        assert "'unsafe-inline'" not in r.headers["Content-Security-Policy"]
        again = heime.get(path, headers={"If-None-Match": r.headers["ETag"]})
        assert again.status_code == 304
        assert again.headers["Content-Security-Policy"] == r.headers["Content-Security-Policy"]


def test_every_answer_says_nosniff_no_framing_no_referrer(heime):
    answers = [heime.get("/"), heime.get("/app/main.js"), heime.get("/api/v1/me", user="lege1"),
               heime.get("/api/v1/patients", user="lege1"), heime.get("/api/v1/nope"),
               heime.get("/fhir/metadata"), heime.get("/metrics"),
               heime.post("/api/v1/auth/logout", token=heime.fresh_token("lege2"))]
    assert answers[-1].status_code == 204
    for r in answers:
        assert r.headers.get("X-Content-Type-Options") == "nosniff", r.url
        assert r.headers.get("X-Frame-Options") == "DENY", r.url
        assert r.headers.get("Referrer-Policy") == "no-referrer", r.url
    # scripts and JSON have no page policy of their own: only pages do
    assert "Content-Security-Policy" not in answers[1].headers
