#!/usr/bin/env bash
# Rejects unsafe C library calls in heime's own code (STYLE.md item 13).
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gets)\s*\('
if hits=$(grep -rnE "$pattern" src tests/unit tests/fuzz 2>/dev/null | grep -v 'banned-ok'); then
  echo "banned functions found:"; echo "$hits"; exit 1
fi
echo "check-banned: no banned functions"
