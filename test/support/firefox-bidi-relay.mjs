#!/usr/bin/env node
/**
 * Firefox behind a small WebDriver BiDi relay, started by test/support/firefox.ts as Playwright's
 * `executablePath`. Why: playwright-core sends `emulation.setMediaFeaturesOverride` (to reset
 * `prefers-color-scheme`) while creating every browser context, and Firefox ESR 153 does not
 * implement that command yet, so `browser.newContext()` fails with "unknown command". The relay
 * passes every message through unchanged and turns only an "unknown command" error for the commands
 * in TOLERATED_COMMANDS into an empty success; a Firefox that implements them answers for itself.
 *
 * How: it starts the real Firefox (`P2PML_FIREFOX_EXECUTABLE`) with the arguments it got, copies its
 * output, and where Firefox prints "WebDriver BiDi listening on ws://…" prints the relay's own
 * address instead; Playwright connects there and the relay opens one upstream connection to
 * Firefox per connection it accepts. It exits with Firefox's exit code. Playwright starts it as a
 * process-group leader and kills the group on `close()`, which includes Firefox.
 *
 * Plain JavaScript module (no transform): it runs as its own process, outside Jest.
 */
/* global process, URL */
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { WebSocket, WebSocketServer } from 'ws';

/** Commands whose "unknown command" error becomes an empty success (none changes what we test). */
const TOLERATED_COMMANDS = new Set(['emulation.setMediaFeaturesOverride']);

const LISTENING_LINE = /^(.*WebDriver BiDi listening on )(ws:\/\/\S+)(.*)$/;

const executable = process.env.P2PML_FIREFOX_EXECUTABLE;
if (!executable) {
  process.stderr.write('firefox-bidi-relay: P2PML_FIREFOX_EXECUTABLE is not set\n');
  process.exit(2);
}

const firefox = spawn(executable, process.argv.slice(2), { stdio: ['ignore', 'pipe', 'pipe'] });
firefox.on('error', (error) => {
  process.stderr.write(`firefox-bidi-relay: cannot start ${executable}: ${error.message}\n`);
  process.exit(1);
});
firefox.on('exit', (code, signal) => {
  process.exit(code ?? (signal === null ? 0 : 1));
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => firefox.kill(signal));
}

/** Copies one of Firefox's output streams, replacing its BiDi address by the relay's. */
function copyOutput(input, output) {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const match = LISTENING_LINE.exec(line);
    if (match === null) {
      output.write(`${line}\n`);
      return;
    }
    startRelay(match[2])
      .then((relayUrl) => output.write(`${match[1]}${relayUrl}${match[3]}\n`))
      .catch((error) => {
        process.stderr.write(`firefox-bidi-relay: ${error.message}\n`);
        firefox.kill('SIGKILL');
      });
  });
}
copyOutput(firefox.stdout, process.stdout);
copyOutput(firefox.stderr, process.stderr);

/** Listens on a free loopback port; each accepted connection is relayed to `upstreamBase`. */
function startRelay(upstreamBase) {
  return new Promise((resolve, reject) => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('error', reject);
    server.on('listening', () => {
      const { port } = server.address();
      resolve(`ws://127.0.0.1:${port}`);
    });
    server.on('connection', (client, request) => {
      relayConnection(client, new URL(request.url ?? '/', upstreamBase).toString());
    });
  });
}

/** Relays one Playwright connection to Firefox, rewriting the tolerated errors. */
function relayConnection(client, upstreamUrl) {
  const upstream = new WebSocket(upstreamUrl, { perMessageDeflate: false });
  /** Messages from Playwright that arrived before the upstream connection opened. */
  const pending = [];
  /** Ids of tolerated commands in flight. */
  const toleratedIds = new Set();

  client.on('message', (data) => {
    const text = data.toString();
    try {
      const message = JSON.parse(text);
      if (TOLERATED_COMMANDS.has(message.method)) toleratedIds.add(message.id);
    } catch {
      // Not JSON: Firefox will say so.
    }
    if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
    else pending.push(text);
  });
  upstream.on('open', () => {
    for (const text of pending.splice(0)) upstream.send(text);
  });
  upstream.on('message', (data) => {
    let text = data.toString();
    if (toleratedIds.size > 0) {
      try {
        const message = JSON.parse(text);
        if (toleratedIds.delete(message.id) && message.error === 'unknown command') {
          text = JSON.stringify({ type: 'success', id: message.id, result: {} });
        }
      } catch {
        // Pass it on as it is.
      }
    }
    client.send(text);
  });
  const closeBoth = () => {
    client.close();
    upstream.close();
  };
  client.on('close', closeBoth);
  upstream.on('close', closeBoth);
  client.on('error', closeBoth);
  upstream.on('error', closeBoth);
}
