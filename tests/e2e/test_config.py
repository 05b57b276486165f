"""heime serve --config FILE: settings from a JSON file, the command line winning over it, and a
clear refusal (exit 2, one line naming the file and the key) of anything the file gets wrong."""
import json
import os
import subprocess
import time

import pytest
import requests

from conftest import HEIME, ROOT, free_port


def write(tmp_path, doc):
    path = tmp_path / "heime.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return str(path)


def serve(args, tmp_path):
    log = open(tmp_path / "serve.log", "ab")
    return subprocess.Popen([HEIME, "serve", *args], cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT)


def healthy(port, proc, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def test_the_file_gives_the_addresses_and_the_command_line_wins(tmp_path):
    file_port, cli_port, mllp = free_port(), free_port(), free_port()
    cfg = write(tmp_path, {"db": "sqlite:" + str(tmp_path / "a.db"),
                           "http": f"127.0.0.1:{file_port}", "mllp": f"127.0.0.1:{mllp}",
                           "log_level": "warn", "writer_slow_ms": 500, "task_grace_s": 900})
    proc = serve(["--config", cfg], tmp_path)
    try:
        assert healthy(file_port, proc), (tmp_path / "serve.log").read_text()
        assert os.path.exists(tmp_path / "a.db")
    finally:
        proc.terminate()
        proc.wait(10)
    proc = serve(["--config", cfg, "--http", f"127.0.0.1:{cli_port}"], tmp_path)
    try:
        assert healthy(cli_port, proc), (tmp_path / "serve.log").read_text()
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize("doc,words", [
    ({"htpp": "127.0.0.1:1"}, "unknown setting 'htpp'"),
    ({"http": 8080}, "'http' must be a non-empty string"),
    ({"task_grace_s": 0}, "'task_grace_s' must be a whole number from 1 to 86400"),
    ({"heartbeat_s": "600"}, "'heartbeat_s' must be a whole number"),
    ({"log_level": "loud"}, "'log_level' must be debug, info, warn, error or off"),
    ({"alarm_webhook": "ftp://x"}, "'alarm_webhook' must be an http(s) URL"),
    ({"plan_daily_at": "25:00"}, "'plan_daily_at' must be an Oslo clock time"),
    ({"plan_daily_at": 1800}, "'plan_daily_at' must be an Oslo clock time"),
    ({"plan_days_ahead": 15}, "'plan_days_ahead' must be a whole number from 1 to 14"),
    ({"plan_zone_seconds": 0}, "'plan_zone_seconds' must be a whole number from 1 to 600"),
    ('{"db": "sqlite:x.db", "db": "sqlite:y.db"}', "duplicate"),
    ('{"db": ', "line 1"),
    ("[1, 2]", "must be a JSON object"),
])
def test_a_bad_file_is_refused_with_a_clear_line(tmp_path, doc, words):
    cfg = write(tmp_path, doc)
    r = subprocess.run([HEIME, "serve", "--config", cfg, "--db", "sqlite:" + str(tmp_path / "b.db")],
                       cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert r.returncode == 2, r.stderr
    assert words in r.stderr and cfg in r.stderr, r.stderr
    assert not os.path.exists(tmp_path / "b.db")  # refused before anything was opened


def test_a_missing_file_is_refused(tmp_path):
    r = subprocess.run([HEIME, "serve", "--config", str(tmp_path / "nope.json")], cwd=ROOT,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "nope.json" in r.stderr, r.stderr


def test_the_example_file_is_valid(tmp_path):
    """data/heime.example.json (the README's example) is accepted as it is; only the paths and
    ports are moved to this test's own."""
    with open(os.path.join(ROOT, "data", "heime.example.json")) as f:
        doc = json.load(f)
    port, mllp = free_port(), free_port()
    doc.update(db="sqlite:" + str(tmp_path / "c.db"), http=f"127.0.0.1:{port}",
               mllp=f"127.0.0.1:{mllp}")
    proc = serve(["--config", write(tmp_path, doc)], tmp_path)
    try:
        assert healthy(port, proc), (tmp_path / "serve.log").read_text()
    finally:
        proc.terminate()
        proc.wait(10)
