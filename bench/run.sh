#!/usr/bin/env bash
# The benchmark: builds Release, starts PostgreSQL the way the tests do, seeds data, starts the
# service and the baselines, runs every scenario with wrk on loopback, and prints the table.
#   bench/run.sh            the full run (about 20 minutes)
#   bench/run.sh --quick    a short run while working
#   bench/run.sh --postgres "Host=...;Username=...;Password=..."   against an existing server
#   bench/run.sh --help     the options
set -euo pipefail
cd "$(dirname "$0")/.."

wants_help=false
own_cluster=true
for arg in "$@"; do
  case "$arg" in
    --help | -h) wants_help=true ;;
    --postgres) own_cluster=false ;;
  esac
done

# --help only prints the options: nothing to install for that.
if ! $wants_help; then
  missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  # With --postgres, the server is elsewhere; pgbench is still needed here.
  if $own_cluster; then
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  fi
  command -v pgbench >/dev/null || missing+=(postgresql-client)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} from Debian's packages..."
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

echo "Building Release..."
build_log=$(mktemp)
for project in src/ProviderStatus.Api bench/Baseline bench/ProviderStatus.Bench; do
  dotnet build "$project" --configuration Release --nologo -v quiet >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }
done
rm -f "$build_log"
exec dotnet bench/ProviderStatus.Bench/bin/Release/net10.0/ProviderStatus.Bench.dll "$@"
