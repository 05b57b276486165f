"""GET /metrics: the Prometheus text format, requests counted per route and status class, a
cumulative latency histogram, the writer's counters, and no patient data."""
import re


def scrape(heime):
    r = heime.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/plain")
    samples = {}
    for line in r.text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r'([a-z_]+)(\{.*\})? (\S+)', line)  # route labels hold {id}
        assert m, f"not a Prometheus sample line: {line!r}"
        samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return r.text, samples


def test_requests_are_counted_per_route_and_class(heime):
    _, before = scrape(heime)
    key = 'heime_http_requests_total{method="GET",route="/api/v1/me",code="2xx"}'
    bad = 'heime_http_requests_total{method="GET",route="/api/v1/me",code="4xx"}'
    for _ in range(3):
        assert heime.get("/api/v1/me", user="lege1").status_code == 200
    assert heime.get("/api/v1/me", token="not-a-token").status_code == 401
    _, after = scrape(heime)
    assert after[key] - before.get(key, 0) == 3
    assert after[bad] - before.get(bad, 0) == 1


def test_histogram_is_cumulative_and_writer_counts(heime):
    text, s = scrape(heime)
    buckets = [v for k, v in s.items() if k.startswith("heime_http_request_seconds_bucket")]
    assert buckets == sorted(buckets) and buckets[-1] == s["heime_http_request_seconds_count"]
    assert s["heime_writer_jobs_total"] >= s["heime_writer_batches_total"] > 0
    assert "heime_alarms_open" in text


def test_no_patient_data(heime):
    text, _ = scrape(heime)
    patients = heime.get("/api/v1/patients", user="lege1").json()
    for p in patients:
        assert p["national_id"] not in text and p["name"] not in text
