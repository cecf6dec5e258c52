#!/usr/bin/env bash
# `npm run bench [-- options]`: builds the bundles and the test streams when missing, then runs the
# benchmark (scripts/bench/bench.ts) inside a private network namespace (scripts/netns-run.sh), where
# the headless Chromium viewers' WebRTC peers reach each other and nothing leaves the machine.
# Options: see `npm run bench -- --help`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if [[ ! -f dist/umd/p2p-media-loader-hlsjs.min.js ]]; then
  echo "bench: building dist/ first" >&2
  npm run build >&2
fi
if [[ ! -f examples/media/streams/manifest.json ]]; then
  echo "bench: generating the test streams first" >&2
  bash examples/media/generate.sh >&2
fi

# Node with tsx's loader, not the tsx CLI: the CLI relays Ctrl-C to a child process and kills it
# with SIGKILL when it does not answer within 30 ms, before the network lab's synchronous teardown
# (namespaces, coturn, viewer browsers) has finished.
exec bash scripts/netns-run.sh node --import tsx scripts/bench/bench.ts "$@"
