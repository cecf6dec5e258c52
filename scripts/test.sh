#!/usr/bin/env bash
# Everything `npm test` checks, from a fresh clone: dependencies, machine tools, lint, types, build,
# test media, then every Jest project (unit, integration, browser) inside a private network namespace
# (scripts/netns-run.sh) so WebRTC peers connect over a test host and nothing leaves the machine.
# Ends with one line `tests: N passed, N failed[, N skipped]` and a non-zero exit on any failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() {
  echo
  echo "== $* =="
}

# Dependencies must be installed before entering the namespace: the registry is unreachable inside.
dependencies_stale() {
  [[ ! -d node_modules ]] && return 0
  [[ -f package-lock.json && package-lock.json -nt node_modules/.package-lock.json ]] && return 0
  return 1
}
if dependencies_stale; then
  if [[ -f package-lock.json ]]; then
    step "npm ci"
    npm ci
  else
    step "npm install"
    npm install
  fi
fi

step "machine setup"
setup_output=$(bash scripts/setup-machine.sh)
echo "$setup_output"
CHROMIUM_PATH=$(sed -n 's/^CHROMIUM_PATH=//p' <<<"$setup_output")
export CHROMIUM_PATH

step "lint"
npm run lint
step "typecheck"
npm run typecheck
step "build"
npm run build
step "test media"
bash examples/media/generate.sh

# Two Jest runs, both inside a network namespace (scripts/netns-run.sh):
# - unit and integration tests, two workers (the machines this runs on have two cores);
# - browser tests one file at a time: each file already runs its viewers concurrently in one
#   Chromium, and two such browsers at once would starve each other's video decoding.
mkdir -p artifacts
results_files=()
jest_failed=0
run_jest() {
  local name=$1
  shift
  local results_file="artifacts/jest-$name.json"
  step "jest: $name (in a network namespace)"
  rm -f "$results_file"
  results_files+=("$results_file")
  bash scripts/netns-run.sh node_modules/.bin/jest --ci --json --outputFile="$results_file" "$@" ||
    jest_failed=1
}
run_jest node --selectProjects unit integration --maxWorkers=2
run_jest browser --selectProjects browser --maxWorkers=1

echo
summary_status=0
node_modules/.bin/tsx scripts/test-summary.ts "${results_files[@]}" || summary_status=$?
if ((jest_failed != 0 || summary_status != 0)); then
  exit 1
fi
