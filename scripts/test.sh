#!/usr/bin/env bash
# Runs the whole test suite against SQLite and a real PostgreSQL.
#
# Installs PostgreSQL's server binaries from Debian's packages when they are missing (the tests
# start and stop their own throwaway cluster with them; nothing listens on 5432 for the tests),
# builds, runs every test, and ends with one line "N passed, N failed" counted from the results.
# Exits non-zero when anything failed or nothing ran.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "Installing PostgreSQL from Debian's packages..."
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi

# Throwaway clusters of earlier runs that were stopped but whose files the test host had no time
# to delete as it exited (a running one, or one younger than five minutes, is left alone).
find "${TMPDIR:-/tmp}" -maxdepth 1 -type d -name 'providerstatus-pg-*' -mmin +5 \
  ! -exec test -e '{}/data/postmaster.pid' ';' -exec rm -rf '{}' + 2>/dev/null || true

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

status=0
dotnet test ProviderStatus.sln --configuration Release \
  --logger "trx;LogFilePrefix=results" --results-directory "$results" "$@" || status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")))
  failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")))
done

# A failure outside any single test (a class fixture's cleanup, a crashed test host) fails the run
# without failing a test: count it, so the summary never says "0 failed" for a failed run.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "The test run failed outside any single test (see the output above); counted as one failure."
  failed=1
fi

echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
