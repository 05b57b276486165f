#!/usr/bin/env bash
# Runs every test suite (make check): style lint, unit tests in the normal and the
# AddressSanitizer+UBSan build, a release (-O3) compile, end-to-end tests against a real heime,
# browser tests, the FHIR facade against the R4 schema and FHIR clients, and a short run of
# every fuzz target. The
# storage unit tests, the end-to-end tests and the FHIR suite run on both backends: SQLite, and
# PostgreSQL on a throwaway server on loopback (scripts/pg-test.sh) that this script starts and
# stops. Ends with one line "check: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()

record() { # name status count_passed count_failed
  passed=$((passed + $3)); failed=$((failed + $4))
  [ "$2" -ne 0 ] || [ "$4" -ne 0 ] && failures+=("$1")
  return 0
}

meson_suite() { # label builddir
  local out rc ok fail
  out=$(meson test -C "$2" --print-errorlogs 2>&1); rc=$?
  echo "$out" | tail -n 25
  ok=$(echo "$out" | awk '/^Ok:/ {print $2}'); fail=$(echo "$out" | awk '/^Fail:/ {print $2}')
  ok=${ok:-0}; fail=${fail:-0}
  [ $rc -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
  record "$1" $rc "$ok" "$fail"
}

# The PostgreSQL server for the tests of the second backend, stopped however this script ends.
pg_dir=$(mktemp -d /tmp/heime-pg.XXXXXX)
trap 'bash scripts/pg-test.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
if HEIME_TEST_PG=$(bash scripts/pg-test.sh start "$pg_dir"); then
  export HEIME_TEST_PG
  echo "PostgreSQL for the tests: $HEIME_TEST_PG"
else
  echo "cannot start PostgreSQL for the tests (scripts/pg-test.sh)"; record postgresql 1 0 1
  unset HEIME_TEST_PG
fi

echo "== lint"
if bash scripts/check-banned.sh; then record lint 0 1 0; else record lint 1 0 1; fi

echo "== unit tests (debugoptimized build)"
meson_suite unit build
echo "== unit tests (AddressSanitizer + UBSan build)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 meson_suite unit-asan build-asan

# The release build (-O3) that the benchmarks' figures come from: gcc warns at -O3 about
# things it does not see at -O2 (a maybe-uninitialised pointer once), and -Werror makes that a
# failure here rather than on the next benchmark run.
echo "== release build (gcc -O3 -Werror)"
if { [ -f build-release/build.ninja ] || meson setup build-release --buildtype=release -Dwerror=true >/dev/null; } &&
   out=$(ninja -C build-release 2>&1); then
  record release-build 0 1 0
else
  echo "$out" | grep -E 'error|warning' | head -n 20; record release-build 1 0 1
fi

e2e_suite() { # label, then the value of HEIME_TEST_PG ("" = SQLite)
  local out rc ok fail
  out=$(HEIME_TEST_PG="$2" HEIME_BIN="$PWD/build/src/cli/heime" /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e 2>&1); rc=$?
  echo "$out" | tail -n 30
  ok=$(echo "$out" | tail -n 1 | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
  fail=$(echo "$out" | tail -n 1 | grep -oE '[0-9]+ (failed|error)' | grep -oE '[0-9]+' | paste -sd+ | bc 2>/dev/null || echo 0)
  fail=${fail:-0}; [ $rc -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
  record "$1" $rc "$ok" "$fail"
}

if compgen -G "tests/e2e/test_*.py" >/dev/null; then
  echo "== end-to-end tests (SQLite)"
  e2e_suite e2e ""
  if [ -n "${HEIME_TEST_PG:-}" ]; then
    echo "== end-to-end tests (PostgreSQL)"
    e2e_suite e2e-postgresql "$HEIME_TEST_PG"
  fi
fi

if [ -f tests/browser/run.mjs ]; then
  echo "== browser tests (playwright-core + Debian chromium)"
  if [ ! -d node_modules/playwright-core ]; then
    echo "browser: node_modules is missing; run scripts/install-deps.sh (npm ci)"; record browser 1 0 1
  else
    # on SQLite only (the browser flows read and write through the same API the end-to-end
    # suite tests on both backends; HEIME_TEST_PG=... node tests/browser/run.mjs runs them on
    # PostgreSQL by hand)
    out=$(HEIME_TEST_PG= HEIME_BIN="$PWD/build/src/cli/heime" node tests/browser/run.mjs 2>&1); rc=$?
    echo "$out" | grep -E '^(not ok|# (pass|fail))|^browser:|is missing' | tail -n 30
    # a failing flow: its name and the first lines of its error (node's TAP nests them)
    echo "$out" | grep -A 14 -E '^ +not ok' | head -n 60
    ok=$(echo "$out" | awk '/^browser: [0-9]+ passed/ {print $2}'); fail=$(echo "$out" | awk '/^browser: [0-9]+ passed/ {print $4}')
    ok=${ok:-0}; fail=${fail:-0}; [ $rc -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
    record browser $rc "$ok" "$fail"
  fi
fi

if [ -f tests/fhir/run.mjs ]; then
  echo "== FHIR facade (R4 JSON schema, @medplum/core, fhir-kit-client)"
  if [ ! -d node_modules/fhir-kit-client ]; then
    echo "fhir: node_modules is missing; run scripts/install-deps.sh (npm ci)"; record fhir 1 0 1
  else
    for db in sqlite ${HEIME_TEST_PG:+postgresql}; do
      [ "$db" = sqlite ] || echo "-- the same on PostgreSQL"
      out=$(HEIME_TEST_PG=$([ "$db" = sqlite ] || echo "$HEIME_TEST_PG") HEIME_BIN="$PWD/build/src/cli/heime" node tests/fhir/run.mjs 2>&1); rc=$?
      echo "$out" | grep -E '^(not ok|#)|^fhir:' | tail -n 30
      ok=$(echo "$out" | awk '/^fhir:/ {print $2}'); fail=$(echo "$out" | awk '/^fhir:/ {print $4}')
      ok=${ok:-0}; fail=${fail:-0}; [ $rc -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
      record "fhir-$db" $rc "$ok" "$fail"
    done
  fi
fi

if [ -x scripts/fuzz.sh ]; then
  echo "== fuzz (short)"
  if bash scripts/fuzz.sh short; then record fuzz 0 1 0; else record fuzz 1 0 1; fi
fi

if [ ${#failures[@]} -gt 0 ]; then echo "failing suites: ${failures[*]}"; fi
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
