#!/usr/bin/env bash
# Runs every libFuzzer target (every executable called fuzz_* in build-fuzz/tests/fuzz).
#   scripts/fuzz.sh short   ~15 s per target (make check)
#   scripts/fuzz.sh long    ~5 minutes per target (make fuzz)
# Sets up build-fuzz itself (clang, ASan + UBSan, -Dfuzz=true), builds only the fuzz targets,
# seeds each from tests/fuzz/corpus/<target>/ and keeps what it finds in build-fuzz/corpus/.
# Exits non-zero when any target crashes, leaks, hits undefined behaviour or cannot be built;
# the crashing input is left in build-fuzz/artifacts/. FUZZ_SECONDS overrides the time per target.
set -uo pipefail
cd "$(dirname "$0")/.."

mode=${1:-short}
case "$mode" in
  short) secs=${FUZZ_SECONDS:-15} ;;
  long) secs=${FUZZ_SECONDS:-300} ;;
  *) echo "usage: scripts/fuzz.sh short|long" >&2; exit 2 ;;
esac

if ! command -v clang >/dev/null; then
  echo "fuzz: clang is not installed" >&2; exit 1
fi
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    --buildtype=debugoptimized >/dev/null || { echo "fuzz: cannot configure build-fuzz" >&2; exit 1; }
fi
# Regenerate first when a meson.build changed, so that a newly added target is listed.
ninja -C build-fuzz build.ninja >/dev/null 2>&1 || true
targets=$(ninja -C build-fuzz -t targets all 2>/dev/null \
  | grep -oE '^tests/fuzz/fuzz_[A-Za-z0-9_]+:' | tr -d ':' | sort -u)
if [ -z "$targets" ]; then
  echo "fuzz: no fuzz_* targets in build-fuzz" >&2; exit 1
fi
# shellcheck disable=SC2086
ninja -C build-fuzz $targets >/dev/null || { echo "fuzz: build failed" >&2; ninja -C build-fuzz $targets | tail -20; exit 1; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
mkdir -p build-fuzz/artifacts
failed=()
for t in $targets; do
  name=$(basename "$t")
  work=build-fuzz/corpus/$name
  seeds=tests/fuzz/corpus/$name
  mkdir -p "$work"
  [ -d "$seeds" ] || seeds=
  echo "== $name (${secs}s)"
  # shellcheck disable=SC2086
  if ! build-fuzz/$t -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="build-fuzz/artifacts/$name-" "$work" $seeds >"build-fuzz/$name.log" 2>&1; then
    echo "fuzz: $name FAILED (see build-fuzz/$name.log and build-fuzz/artifacts/)"
    grep -E "ERROR|SUMMARY|runtime error|Test unit written" "build-fuzz/$name.log" | head -5
    failed+=("$name")
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added" "build-fuzz/$name.log" \
      | tr '\n' ' '; echo
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failing targets: ${failed[*]}"; exit 1
fi
echo "fuzz: all targets ran clean"
