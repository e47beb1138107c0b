#!/usr/bin/env bash
# The README's test command: installs what the tests need on a fresh machine, runs every test project,
# and ends with one line "N passed, N failed, N skipped" summed over all test assemblies.
set -uo pipefail
cd "$(dirname "$0")"

say() { printf '== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq >/dev/null; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL server binaries: tests start a throwaway cluster from them.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -z "${PG_BIN:-}" ]; then
  say "installing postgresql"
  apt_install postgresql
fi

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser of its own).
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  say "installing chromium"
  apt_install chromium
fi

# Node packages (Azurite, maildev, ...) for tests that start real servers.
if [ -f package.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error || exit 1
  fi
fi

say "restore and build"
dotnet restore Messaging.sln --verbosity quiet || exit 1
dotnet build Messaging.sln -c Release --no-restore --verbosity quiet -nologo || exit 1

results="$(pwd)/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
say "dotnet test"
dotnet test Messaging.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" --blame-hang-timeout 10m
status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
  e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + p))
  failed=$((failed + f + e + t + a))
  skipped=$((skipped + total - executed))
done

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
