#!/usr/bin/env bash
# Installs the Debian packages heime needs to build, run and test, and the npm packages of the
# web UI and browser tests. Idempotent and non-interactive: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  build-essential pkg-config meson ninja-build clang libclang-rt-14-dev
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libssl-dev libpq-dev
  libcurl4-openssl-dev zlib1g-dev libcmocka-dev sqlite3 tzdata postgresql
  python3 python3-pytest python3-requests python3-hl7 python3-cryptography python3-psycopg2
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
  # As root apt-get runs directly; otherwise through sudo, keeping DEBIAN_FRONTEND (-E).
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo -E); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Web tooling (browser and FHIR tests) comes from the committed package-lock, only when there is
# one: installed when node_modules is missing, and again when package.json names a package that
# is not in it (a pull added one). A node_modules that is a symlink (a git worktree sharing
# another checkout's) is left alone, with a note, since reinstalling would change the other's.
npm_missing() {
  node -e 'const fs = require("fs"); const p = require("./package.json");
    const names = Object.keys({...p.dependencies, ...p.devDependencies});
    const gone = names.filter((n) => !fs.existsSync("node_modules/" + n + "/package.json"));
    if (gone.length) { console.log(gone.join(" ")); process.exit(1); }' 2>/dev/null
}
if [ -f package-lock.json ]; then
  need=""
  if [ ! -e node_modules ]; then
    need="node_modules is missing"
  elif command -v node >/dev/null && ! gone=$(npm_missing); then
    need="missing npm packages: $gone"
  fi
  if [ -n "$need" ] && [ -L node_modules ]; then
    echo "install-deps: $need, but node_modules is a symlink: run npm ci where it points" >&2
  elif [ -n "$need" ]; then
    command -v npm >/dev/null || { echo "install-deps: npm is missing" >&2; exit 1; }
    echo "install-deps: $need; npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
