#!/usr/bin/env bash
# bench/ingest.sh: HL7 alarm ingest on this machine's loopback (issue 4's speed targets).
#   1. full speed: `heime pumpsim` over 50 MLLP connections, every message answered AA only
#      after its group commit (durable); figure: AA messages per second;
#   2. at 1,000 messages/s: pumpsim's send-to-ACK latency, and bench/ingest_probe.py's
#      send-to-ACK and send-to-live-stream (SSE) latency for probe alerts sent alongside.
# Prints pumpsim's and the probe's JSON lines. Not a pass/fail test: figures only.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${SECS:-10}
CONNS=${CONNS:-50}
PUMPS=${PUMPS:-1000}
BIN=${HEIME_BIN:-build/src/cli/heime}
[ -x "$BIN" ] || { echo "bench/ingest.sh: build heime first (make build)"; exit 1; }

tmp=$(mktemp -d)
http=$((20000 + RANDOM % 20000))
mllp=$((http + 1))
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$BIN" demo --db "sqlite:$tmp/bench.db" --load-only 2>"$tmp/load.log" || { cat "$tmp/load.log"; exit 1; }
"$BIN" serve --db "sqlite:$tmp/bench.db" --http "127.0.0.1:$http" --mllp "127.0.0.1:$mllp" \
  2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http/healthz" >/dev/null && break; sleep 0.1; done

echo "== full speed, $CONNS connections, $PUMPS pumps, ${SECS} s"
"$BIN" pumpsim --mllp "127.0.0.1:$mllp" --pumps "$PUMPS" --connections "$CONNS" \
  --rate 100000 --duration "$SECS" --serial-prefix FULL-

echo "== 1000 messages/s, $CONNS connections, with a live-stream probe (20 alerts/s)"
TOKEN=$(curl -sf -X POST "http://127.0.0.1:$http/api/v1/auth/login" \
  -d '{"username":"operator1","password":"demo-operator1"}' |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
"$BIN" pumpsim --mllp "127.0.0.1:$mllp" --pumps "$PUMPS" --connections "$CONNS" \
  --rate 1000 --duration "$SECS" --serial-prefix STEADY- > "$tmp/steady.json" &
sim=$!
sleep 1
/usr/bin/python3 bench/ingest_probe.py "http://127.0.0.1:$http" "$mllp" "$TOKEN" \
  $(( (SECS - 2) * 20 )) 20
wait "$sim"
cat "$tmp/steady.json"
echo "alarms stored: $(/usr/bin/python3 -c "import sqlite3; c = sqlite3.connect('$tmp/bench.db');
print(c.execute('SELECT count(*) FROM hl7_inbox').fetchone()[0], 'messages,',
      c.execute('SELECT count(*) FROM alarm').fetchone()[0], 'alarm rows')")"
