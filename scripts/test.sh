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
# Set only when setup found Firefox 138+: the Firefox tests then must pass (else they skip).
FIREFOX_PATH=$(sed -n 's/^FIREFOX_PATH=//p' <<<"$setup_output")
if [[ -n "$FIREFOX_PATH" ]]; then export FIREFOX_PATH; else unset FIREFOX_PATH; fi

step "lint"
npm run lint
step "typecheck"
npm run typecheck
step "build"
npm run build
step "test media"
bash examples/media/generate.sh

# The collector's PostgreSQL test needs a server: as root, a throwaway cluster in a temp directory,
# owned by the `postgres` user, listening only on a unix socket there (reachable from inside the
# network namespace, which shares the filesystem). Stopped and deleted on exit, even on failure.
postgres_dir=""
stop_postgres() {
  if [[ -n "$postgres_dir" ]]; then
    runuser -u postgres -- "$postgres_bin/pg_ctl" -D "$postgres_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$postgres_dir"
  fi
}
postgres_bin=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1 || true)
if [[ $(id -u) == 0 && -n "$postgres_bin" && -x "$postgres_bin/initdb" ]] && id postgres >/dev/null 2>&1; then
  step "PostgreSQL for the collector test"
  postgres_dir=$(mktemp -d /tmp/p2pml-postgres.XXXXXX)
  trap stop_postgres EXIT
  chown postgres "$postgres_dir"
  if runuser -u postgres -- "$postgres_bin/initdb" -D "$postgres_dir/data" -A trust -U postgres >/dev/null &&
    runuser -u postgres -- "$postgres_bin/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/log" -w \
      -o "-k $postgres_dir -c listen_addresses=''" start >/dev/null; then
    export P2PML_TEST_POSTGRES_URL="postgresql://postgres@localhost/postgres?host=$postgres_dir"
    echo "PostgreSQL on $postgres_dir"
  else
    echo "PostgreSQL did not start; the collector's PostgreSQL test will be skipped" >&2
  fi
else
  echo "no PostgreSQL server (needs root and Debian's postgresql): its collector test will be skipped"
fi

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
