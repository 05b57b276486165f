#!/usr/bin/env bash
# Installs the Debian packages heime needs to build, run and test, and the npm packages of the
# web UI and browser tests. Idempotent and non-interactive: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  build-essential pkg-config meson ninja-build clang libclang-rt-14-dev
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libssl-dev libpq-dev
  libcurl4-openssl-dev libcmocka-dev sqlite3 tzdata
  python3 python3-pytest python3-requests python3-hl7
  wrk curl faketime
  chromium fonts-dejavu-core
  firefox-esr
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO -E apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Web tooling (browser tests) comes from the committed package-lock, only when there is one.
if [ -f package-lock.json ] && [ ! -d node_modules ]; then
  command -v npm >/dev/null || { echo "install-deps: npm is missing" >&2; exit 1; }
  npm ci --no-audit --no-fund --loglevel=error
fi
