"""docs/api.md cannot go stale: every route of src/http/routes.c has a section there, every
route has at least one curl example, and every example (a fenced block marked
`sh api-example`) runs, in document order, against a fresh demo region and answers the HTTP
status its `# expect:` line names. `# as: <username>` picks whose token is $TOKEN (`none`: no
token); `# save: NAME=path ...` keeps values of the JSON answer for later blocks."""
import datetime
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, running_heime
from e2e_util import oslo_today

API_MD = os.path.join(ROOT, "docs", "api.md")
ROUTES_C = os.path.join(ROOT, "src", "http", "routes.c")
BLOCK = re.compile(r"^```sh api-example\n(.*?)^```", re.S | re.M)
ROUTE = re.compile(r'\{"(GET|POST|PUT|DELETE|PATCH)", "([^"]+)", hm_h_\w+')

# Shadows curl so the example's own text runs unchanged: the body goes to a file and the
# status to stdout.
PRELUDE = 'curl() { command curl -sS -o "$HM_BODY" -w "%{http_code}" "$@"; }\n'


def routes():
    with open(ROUTES_C, encoding="utf-8") as f:
        return ROUTE.findall(f.read())


def doc_text():
    with open(API_MD, encoding="utf-8") as f:
        return f.read()


def directives(block, name):
    return [m.strip() for m in re.findall(rf"^# {name}:(.*)$", block, re.M)]


def examples():
    out = []
    for i, m in enumerate(BLOCK.finditer(doc_text())):
        block = m.group(1)
        user = directives(block, "as")
        expect = directives(block, "expect")
        assert len(user) == 1 and len(expect) == 1, f"example {i + 1} needs one # as and # expect"
        saves = [s for line in directives(block, "save") for s in line.split()]
        out.append({"n": i + 1, "text": block, "user": user[0], "expect": int(expect[0]),
                    "save": saves})
    return out


def route_of(block):
    """(method, route pattern) an example calls, from its curl command line."""
    url = re.search(r'"\$HEIME(/[^"\s?]*)', block)
    assert url, "an example must call \"$HEIME/...\""
    method = re.search(r"-X\s+([A-Z]+)", block)
    if method:
        method = method.group(1)
    else:
        method = "POST" if re.search(r"\s(-d|--data\S*)\s", block) else "GET"
    path = re.sub(r"/(\$\{?\w+\}?|\d+)(?=/|$)", "/{id}", url.group(1))
    return method, path


def pick(value, path):
    """A tiny path language: .key, [3], [key=value], chained."""
    for part in re.findall(r"\.[\w-]+|\[[^\]]+\]", path):
        if part.startswith("."):
            value = value[part[1:]]
        elif "=" in part:
            k, v = part[1:-1].split("=", 1)
            value = next(x for x in value if str(x.get(k)) == v)
        else:
            value = value[int(part[1:-1])]
    return value


def test_every_route_has_a_section():
    text = doc_text()
    missing = [f"{m} {p}" for m, p in routes() if f"### `{m} {p}`" not in text]
    assert not missing, f"docs/api.md lacks sections for: {missing}"


def test_every_section_is_a_route():
    known = {f"{m} {p}" for m, p in routes()}
    documented = re.findall(r"^### `([A-Z]+ /\S*)`", doc_text(), re.M)
    assert documented and set(documented) <= known, set(documented) - known


def test_every_route_has_an_example():
    called = {route_of(e["text"]) for e in examples()}
    missing = [f"{m} {p}" for m, p in routes() if (m, p) not in called]
    assert not missing, f"docs/api.md has no curl example for: {missing}"


@pytest.fixture(scope="module")
def docs_heime():
    """Its own demo region, so that the examples' story does not depend on the other tests."""
    with running_heime() as h:
        yield h


def run_example(h, ex, env, tmp_path):
    body_file = tmp_path / f"body-{ex['n']}.json"
    env = dict(env, HEIME=h.base, HM_BODY=str(body_file))
    if ex["user"] != "none":
        env["TOKEN"] = h.login(ex["user"])
    r = subprocess.run(["bash", "-c", PRELUDE + ex["text"]], env=env, capture_output=True,
                       text=True, timeout=60)
    status = int(r.stdout.strip()[-3:]) if r.stdout.strip()[-3:].isdigit() else None
    body = body_file.read_text() if body_file.exists() else ""
    return status, body, r.stderr


def test_examples_run(docs_heime, tmp_path):
    assert shutil.which("curl") and shutil.which("bash"), \
        "the doc examples need the curl and bash programs (apt-get install curl)"
    today = oslo_today()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "START": str(today), "END": str(today + datetime.timedelta(days=20)),
           "TOMORROW": str(today + datetime.timedelta(days=1))}
    exs = examples()
    assert len(exs) >= len(routes())
    for ex in exs:
        status, body, err = run_example(docs_heime, ex, env, tmp_path)
        where = f"docs/api.md example {ex['n']} ({' '.join(route_of(ex['text']))}, " \
                f"as {ex['user']})"
        assert status == ex["expect"], f"{where}: got {status}, expected {ex['expect']}: " \
                                       f"{body[:500]} {err[:500]}"
        # Every answer is JSON except the Prometheus text of /metrics.
        text_answer = "/metrics" in ex["text"] and status == 200
        data = json.loads(body) if body.strip() and not text_answer else None
        if status >= 400 and '"$HEIME/fhir/' in ex["text"]:
            # The FHIR facade's errors are OperationOutcomes, as FHIR clients expect.
            assert isinstance(data, dict) and data.get("resourceType") == "OperationOutcome" \
                and data["issue"][0]["diagnostics"], f"{where}: {body[:300]}"
        elif status >= 400:
            assert isinstance(data, dict) and list(data) == ["error"], f"{where}: {body[:300]}"
        for s in ex["save"]:
            name, path = s.split("=", 1)
            env[name] = str(pick(data, path))
        if "/auth/logout" in ex["text"] or "/revoke" in ex["text"]:
            docs_heime.forget()  # those tokens are dead now
