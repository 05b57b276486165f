#!/usr/bin/env bash
# bench/crash.sh: the full crash proof of issue 4: kill -9 heime KILLS times (default 20) while
# four MLLP senders push PCD-04 alerts back to back; after every restart each AA'd message must
# be in the database, and the escalations due during the downtime must fire exactly once and
# reach the webhook. make check runs the same test with 5 kills.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${HEIME_BIN:-build/src/cli/heime}
[ -x "$BIN" ] || { echo "bench/crash.sh: build heime first (make build)"; exit 1; }
HEIME_BIN="$PWD/$BIN" HEIME_CRASH_KILLS=${KILLS:-20} \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e/test_alarms_crash.py
