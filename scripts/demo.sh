#!/usr/bin/env bash
# `npm start`: builds the library, generates the test streams and serves the examples with a local
# origin, tracker and stats collector (examples/demo.ts). Environment: PORT (origin, default 8080),
# TRACKER_PORT (default 8000), COLLECTOR_PORT (dashboard, default 8090), HOST (default 127.0.0.1;
# set 0.0.0.0 to let other devices on your network join).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -d node_modules ]]; then
  if [[ -f package-lock.json ]]; then npm ci; else npm install; fi
fi
# The demo needs ffmpeg for the streams; the browser is yours.
bash scripts/setup-machine.sh --no-browser
npm run build
bash examples/media/generate.sh
exec node_modules/.bin/tsx examples/demo.ts
