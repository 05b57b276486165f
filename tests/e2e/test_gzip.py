"""Compressed answers (Accept-Encoding: gzip): the API's JSON and the UI's text files of 1 KB or
more come gzip-compressed to clients that accept it, as they are to clients that do not, and
never to a client that refuses gzip with q=0. `requests` asks for gzip by default and
decompresses, so every other end-to-end test reads compressed answers too."""
import gzip

import requests

PLAIN = {"Accept-Encoding": "identity"}


def raw(heime, path, user=None, headers=None):
    """The answer's bytes as sent, not decompressed."""
    h = dict(headers or {})
    if user:
        h["Authorization"] = "Bearer " + heime.login(user)
    r = requests.get(heime.url(path), headers=h, timeout=30, stream=True)
    body = r.raw.read(decode_content=False)
    return r, body


def test_api_json_is_compressed_for_clients_that_accept_gzip(heime):
    r, packed = raw(heime, "/api/v1/patients", "lege1", {"Accept-Encoding": "gzip, deflate, br"})
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == "gzip"
    assert r.headers["Vary"] == "Accept-Encoding"
    assert r.headers["Content-Type"].startswith("application/json")
    plain_r, plain = raw(heime, "/api/v1/patients", "lege1", PLAIN)
    assert "Content-Encoding" not in plain_r.headers
    assert gzip.decompress(packed) == plain
    assert len(packed) * 3 < len(plain)


def test_refused_or_unknown_codings_get_plain_answers(heime):
    for header in ("gzip;q=0", "*, gzip;q=0", "br", "identity"):
        r, body = raw(heime, "/api/v1/patients", "lege1", {"Accept-Encoding": header})
        assert r.status_code == 200
        assert "Content-Encoding" not in r.headers, header
        assert body.startswith(b"[")


def test_small_answers_and_errors_stay_plain(heime):
    r, body = raw(heime, "/api/v1/me", "lege1", {"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and len(body) < 1024
    assert "Content-Encoding" not in r.headers
    r, body = raw(heime, "/api/v1/nope", "lege1", {"Accept-Encoding": "gzip"})
    assert r.status_code == 404 and "Content-Encoding" not in r.headers


def test_ui_text_files_are_compressed_and_small_ones_are_not(heime):
    r, packed = raw(heime, "/vendor/uPlot.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert r.headers["Content-Type"].startswith("text/javascript")
    _, plain = raw(heime, "/vendor/uPlot.js", headers=PLAIN)
    assert gzip.decompress(packed) == plain and len(packed) * 2 < len(plain)
    r, icon = raw(heime, "/favicon.svg", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and len(icon) < 1024
    assert "Content-Encoding" not in r.headers


def test_ui_files_are_downloaded_again_only_when_changed(heime):
    """Entity tags: the browser revalidates the UI's files on every load (no-cache) and gets a
    304 without a body while its copy is current; the gzip form has a tag of its own."""
    r, body = raw(heime, "/app/main.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-cache"
    tag = r.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('-gz"')
    plain_r, plain = raw(heime, "/app/main.js", headers=PLAIN)
    assert plain_r.headers["ETag"] != tag
    for held in (tag, "W/" + tag, '"other", ' + tag, "*"):
        again, body = raw(heime, "/app/main.js",
                          headers={"Accept-Encoding": "gzip", "If-None-Match": held})
        assert again.status_code == 304, held
        assert body == b"" and again.headers["ETag"] == tag
    # the plain form's holder gets the gzip form afresh: another representation
    again, body = raw(heime, "/app/main.js",
                      headers={"Accept-Encoding": "gzip", "If-None-Match": plain_r.headers["ETag"]})
    assert again.status_code == 200 and gzip.decompress(body) == plain
    again, _ = raw(heime, "/app/main.js", headers={"If-None-Match": '"stale"'})
    assert again.status_code == 200
