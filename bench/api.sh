#!/usr/bin/env bash
# bench/api.sh: HTTP API throughput and latency with wrk, on the demo region scaled to
# PATIENTS active patients (default 10000), on this machine's loopback.
#   1. GET a zone's task list for tomorrow (a whole day) (audited: each answer waits for its audit row's commit)
#   2. POST a vital-signs observation (durable before the 201)
#   3. the same task list with an identity provider's token (a JWT, EdDSA) instead of heime's own
#   4. the same task list gzip-compressed (Accept-Encoding: gzip, as browsers and phones ask);
#      cases 1-3 ask for no compression, as wrk does by default
# DB_TEMPLATE=FILE reuses a database loaded before (for quick iterations).
# BACKEND=postgresql runs it on PostgreSQL instead of SQLite: a server of its own on loopback
# (scripts/pg-test.sh, with PostgreSQL's durable defaults: fsync and synchronous_commit on, as
# SQLite's synchronous=FULL). The server CPU figure then counts heime's process only.
# AT=HH:MM runs the server under faketime as if it were that Oslo clock time today (the clock
# then runs on from there): rules that run at certain hours (the questionnaire deadline at
# 20:00) make the same load cost more, so compare the figures at more than one hour.
# Prints wrk's figures and a summary line per case. Not a pass/fail test: figures only.
set -euo pipefail
cd "$(dirname "$0")/.."
PATIENTS=${PATIENTS:-10000}
CONNS=${CONNS:-64}
SECS=${SECS:-15}
BIN=${HEIME_BIN:-build/src/cli/heime}
command -v wrk >/dev/null || { echo "bench/api.sh: wrk is missing (apt-get install wrk)"; exit 1; }
[ -x "$BIN" ] || { echo "bench/api.sh: build heime first (make build)"; exit 1; }

tmp=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null
  [ -n "${pgdir:-}" ] && bash scripts/pg-test.sh stop "$pgdir" && rm -rf "$pgdir"
  rm -rf "$tmp"
}
trap cleanup EXIT

DB="sqlite:$tmp/bench.db"
if [ "${BACKEND:-sqlite}" = postgresql ]; then
  pgdir=$(mktemp -d /tmp/heime-bench-pg.XXXXXX) # its own: the server's user must reach it
  DB="$(PG_TEST_DURABLE=1 bash scripts/pg-test.sh start "$pgdir")heime"
  echo "== PostgreSQL: $DB"
fi
if [ -n "${DB_TEMPLATE:-}" ]; then # a database loaded earlier by this script's step, reused
  cp "$DB_TEMPLATE" "$tmp/bench.db"
  echo "== using a copy of $DB_TEMPLATE"
else
  echo "== loading the demo region with $PATIENTS extra active patients"
  start=$(date +%s.%N)
  "$BIN" demo --db "$DB" --patients "$PATIENTS" --load-only 2>"$tmp/load.log" \
    || { cat "$tmp/load.log"; exit 1; }
  echo "loaded in $(echo "$(date +%s.%N) - $start" | bc) s"
fi

clock=()
if [ -n "${AT:-}" ]; then
  # libfaketime preloaded into the server itself (the faketime wrapper would stand between this
  # script and the server's pid, whose CPU time is measured below)
  lib=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketimeMT.so.1$' | head -n 1)
  [ -n "$lib" ] || { echo "bench/api.sh: AT needs libfaketime (apt-get install faketime)"; exit 1; }
  at=$(TZ=Europe/Oslo date -d "today $AT" +%s) || { echo "bench/api.sh: AT must be HH:MM, not '$AT'"; exit 1; }
  clock=(env LD_PRELOAD="$lib" FAKETIME="$(printf %+d $(( at - $(date +%s) )))s")
  echo "== the server runs at Oslo clock time $AT (${clock[2]})"
fi
# An identity provider's key and a token of it for the benchmark account (case 3).
/usr/bin/python3 - "$tmp" <<'PY'
import base64, json, sys, time
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
key = ed25519.Ed25519PrivateKey.generate()
open(sys.argv[1] + "/idp.pem", "wb").write(key.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time()) + 2 * 86400  # valid whatever AT sets the server's clock to
claims = {"iss": "https://idp.bench.test", "aud": "heime", "iat": now - 3 * 86400,
          "exp": now + 86400, "preferred_username": "tromso-x1.1"}
signed = b64(json.dumps({"alg": "EdDSA", "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims).encode())
open(sys.argv[1] + "/idp.jwt", "w").write(signed + "." + b64(key.sign(signed.encode())))
PY
export HEIME_JWT_PUBLIC_KEY_FILE="$tmp/idp.pem" HEIME_JWT_ISSUER=https://idp.bench.test HEIME_JWT_AUDIENCE=heime
"${clock[@]}" "$BIN" serve --db "$DB" --http "127.0.0.1:$port" 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

api() { curl -sf -H "Authorization: Bearer ${TOKEN:-}" "http://127.0.0.1:$port$1" "${@:2}"; }
TOKEN=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" \
  -d '{"username":"tromso-x1.1","password":"demo-tromso-x1.1"}' | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
export TOKEN
ZONE=$(api /api/v1/orgs | /usr/bin/python3 -c 'import json,sys; print([o["id"] for o in json.load(sys.stdin) if o["code"]=="tromso-x1"][0])')
# Tomorrow: a whole day of tasks at any hour (a region loaded late today has only the rest of
# today's). DAY=YYYY-MM-DD picks another.
TODAY=${DAY:-$(TZ=Europe/Oslo date -d tomorrow +%F)}
PIDS=$(api "/api/v1/orgs/$ZONE/tasks?date=$TODAY" | /usr/bin/python3 -c 'import json,sys; print(",".join(sorted({str(t["patient_id"]) for t in json.load(sys.stdin)})))')
NTASKS=$(api "/api/v1/orgs/$ZONE/tasks?date=$TODAY" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
export PIDS
echo "zone $ZONE: $NTASKS tasks on $TODAY for $(echo "$PIDS" | tr ',' '\n' | wc -l) patients"

cat > "$tmp/get.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
LUA
cat > "$tmp/gzip.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Accept-Encoding"] = "gzip"
LUA
cat > "$tmp/post.lua" <<'LUA'
local ids = {}
for id in string.gmatch(os.getenv("PIDS"), "[^,]+") do ids[#ids + 1] = id end
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"kind":"vital_signs","values":{"temperature":37.4,"pulse":82,"systolic_bp":128,' ..
           '"diastolic_bp":79,"resp_rate":16,"spo2":97,"on_oxygen":false,"consciousness":"alert"}}'
request = function()
  n = n + 1
  return wrk.format(nil, "/api/v1/patients/" .. ids[(n % #ids) + 1] .. "/observations")
end
LUA

# The server's CPU time (user + system) so far, in clock ticks: per request it is a figure that
# other load on the machine disturbs much less than throughput and latency do.
server_cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
TCK=$(getconf CLK_TCK)

# The server's own latency histogram (GET /metrics): arrival to answer, without wrk's queueing.
histogram() { curl -sf "http://127.0.0.1:$port/metrics" | awk -F'[{}" ]+' \
  '/^heime_http_request_seconds_bucket/ {print $3, $NF}'; }
server_latency() { # before-file after-file -> "server p99 <= X ms, N % under 25 ms"
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
def read(p):
    return [(float("inf") if le == "+Inf" else float(le) * 1000, float(n))
            for le, n in (l.split() for l in open(p))]
a, b = read(sys.argv[1]), read(sys.argv[2])
d = [(le, nb - na) for (le, na), (_, nb) in zip(a, b)]
total = d[-1][1] or 1
p99 = next(le for le, n in d if n >= 0.99 * total)
under = next(n for le, n in d if le == 25.0)
print(f"server-side p99 <= {p99:g} ms, {100 * under / total:.1f} % under 25 ms")
PY
}

summary() { # label file cpu-ticks
  local rps p50 p99 non2xx n
  rps=$(awk '/Requests\/sec/ {print $2}' "$2")
  p50=$(awk '$1=="50%" {print $2}' "$2")
  p99=$(awk '$1=="99%" {print $2}' "$2")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$2")
  n=$(awk '/requests in/ {print $1}' "$2")
  echo "RESULT $1: ${rps} req/s, p50 ${p50}, p99 ${p99}, non-2xx ${non2xx:-0}," \
       "server CPU $(( $3 * 1000000 / TCK / n )) us/request ($CONNS connections, ${SECS}s)"
}

echo "== GET /api/v1/orgs/$ZONE/tasks?date=$TODAY (audited)"
c0=$(server_cpu); histogram > "$tmp/h0"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$tmp/get.lua" \
  "http://127.0.0.1:$port/api/v1/orgs/$ZONE/tasks?date=$TODAY" | tee "$tmp/get.txt"
get_cpu=$(( $(server_cpu) - c0 )); histogram > "$tmp/h1"
echo "== POST /api/v1/patients/{id}/observations (durable before 201)"
c0=$(server_cpu); histogram > "$tmp/h2"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$tmp/post.lua" "http://127.0.0.1:$port" | tee "$tmp/post.txt"
post_cpu=$(( $(server_cpu) - c0 )); histogram > "$tmp/h3"
echo "== GET /api/v1/orgs/$ZONE/tasks?date=$TODAY with an identity provider's JWT"
TOKEN=$(cat "$tmp/idp.jwt")
c0=$(server_cpu); histogram > "$tmp/h4"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$tmp/get.lua" \
  "http://127.0.0.1:$port/api/v1/orgs/$ZONE/tasks?date=$TODAY" | tee "$tmp/jwt.txt"
jwt_cpu=$(( $(server_cpu) - c0 )); histogram > "$tmp/h5"
TOKEN=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" \
  -d '{"username":"tromso-x1.1","password":"demo-tromso-x1.1"}' | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
echo "== GET /api/v1/orgs/$ZONE/tasks?date=$TODAY gzip-compressed"
c0=$(server_cpu); histogram > "$tmp/h6"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$tmp/gzip.lua" \
  "http://127.0.0.1:$port/api/v1/orgs/$ZONE/tasks?date=$TODAY" | tee "$tmp/gzip.txt"
gzip_cpu=$(( $(server_cpu) - c0 )); histogram > "$tmp/h7"
size() { api "/api/v1/orgs/$ZONE/tasks?date=$TODAY" -o /dev/null -w '%{size_download}' "$@"; }
echo
summary "GET zone task list" "$tmp/get.txt" "$get_cpu"
echo "  $(server_latency "$tmp/h0" "$tmp/h1")"
summary "POST observation" "$tmp/post.txt" "$post_cpu"
echo "  $(server_latency "$tmp/h2" "$tmp/h3")"
summary "GET zone task list, IdP JWT" "$tmp/jwt.txt" "$jwt_cpu"
echo "  $(server_latency "$tmp/h4" "$tmp/h5")"
summary "GET zone task list, gzip" "$tmp/gzip.txt" "$gzip_cpu"
echo "  $(server_latency "$tmp/h6" "$tmp/h7"); answer $(size -H 'Accept-Encoding: gzip') bytes against $(size) uncompressed"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine disturbs the figures)"
