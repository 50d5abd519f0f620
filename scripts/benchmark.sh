#!/usr/bin/env bash
# Times the parts of the test loop on this machine, so speed targets (a cached CI run well inside
# 30 minutes) are measured rather than asserted in tests. Run after `npm run setup` (npm run benchmark).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

results=()
measure() { # name, command...
  local name=$1; shift
  local start end
  start=$(date +%s%N)
  "$@" >/tmp/msgraph-benchmark.log 2>&1 || { echo "benchmark: '$name' failed; see /tmp/msgraph-benchmark.log" >&2; exit 1; }
  end=$(date +%s%N)
  results+=("$(printf '%-28s %8d ms' "$name" $(( (end - start) / 1000000 )))")
}

measure "pulumi CLI (cached)" bash scripts/pulumi-cli.sh
measure "build (tsc)" npm run --silent build
measure "type-check tests" npm run --silent typecheck
cold_cache=$(mktemp -d)
measure "unit tests (cold jest cache)" jest --selectProjects unit --silent --cacheDirectory "$cold_cache"
measure "unit tests (warm jest cache)" jest --selectProjects unit --silent --cacheDirectory "$cold_cache"
rm -rf "$cold_cache"
measure "engine tests" jest --selectProjects engine --runInBand --silent
measure "demo (npm start)" node dist/scripts/demo.js --no-explore
measure "validate (CLI, one call)" node dist/cli/main.js validate --args '{"resource":"users/x/messages","changeType":"created","notificationUrl":"https://example.com/n"}'

echo "Benchmark on $(nproc) cores, $(node --version):"
printf '%s\n' "${results[@]}"
echo "emulator start (ms): $(node dist/scripts/emulatorStartup.js --runs 9)"
