/**
 * The embedded tracker as a server and as a command: HTTP routes, heartbeat, port conflicts and the
 * CLI's start-up output and signal handling. No WebRTC here; a raw WebSocket client plays the peer.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import type { TrackerStats } from '../../../tracker/tracker-stats.js';
import { waitUntil } from '../../support/wait.js';

jest.setTimeout(20_000);

const started: TrackerServer[] = [];

async function tracker(options: Parameters<typeof startTrackerServer>[0] = {}) {
  const server = await startTrackerServer(options);
  started.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

/** Opens a WebSocket by hand, so it can announce and then ignore pings (a vanished viewer). */
async function rawWebSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    'GET /announce HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const [response] = (await once(socket, 'data')) as [Buffer];
  expect(response.toString('latin1')).toMatch(/^HTTP\/1\.1 101/);
  return socket;
}

/** A masked client text frame (RFC 6455 §5.2), for payloads under 126 bytes. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

async function stats(server: TrackerServer): Promise<TrackerStats> {
  return (await (await fetch(server.statsUrl)).json()) as TrackerStats;
}

it('serves JSON stats with CORS, a description at / and 404/405 elsewhere', async () => {
  const server = await tracker();
  expect(server.url).toBe(`ws://127.0.0.1:${server.port}`);
  expect(server.statsUrl).toBe(`http://127.0.0.1:${server.port}/stats`);

  const response = await fetch(server.statsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  const body = (await response.json()) as TrackerStats;
  expect(body).toMatchObject({ swarms: 0, peers: 0, connections: 0, swarmPeers: {} });
  expect(body.uptimeMs).toBeGreaterThanOrEqual(0);

  const root = await fetch(`http://127.0.0.1:${server.port}/`);
  expect(await root.text()).toContain(`announce: ${server.url}`);
  expect((await fetch(`http://127.0.0.1:${server.port}/announce?info_hash=x`)).status).toBe(404);
  expect((await fetch(server.statsUrl, { method: 'POST' })).status).toBe(405);
});

it('serves Prometheus /metrics per tracker, beside /stats', async () => {
  const [first, second] = [await tracker(), await tracker()];
  expect(first.metricsUrl).toBe(`http://127.0.0.1:${first.port}/metrics`);
  const socket = await rawWebSocket(first.port);
  socket.write(
    textFrame(
      JSON.stringify({
        action: 'announce',
        info_hash: 'm'.repeat(20),
        peer_id: 'p'.repeat(20),
        numwant: 0,
      }),
    ),
  );
  await waitUntil(() => first.stats().announces === 1, {
    timeoutMs: 3000,
    description: 'the announce to be counted',
  });
  const response = await fetch(first.metricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  expect(text).toMatch(/^p2pml_tracker_announces_total 1$/m);
  expect(text).toMatch(/^p2pml_tracker_connections 1$/m);
  expect(text).toMatch(/^p2pml_tracker_peers 1$/m);
  // The second tracker in this process counts separately.
  expect(await (await fetch(second.metricsUrl)).text()).toMatch(
    /^p2pml_tracker_announces_total 0$/m,
  );
  expect((await stats(first)).refusals).toMatchObject({ malformed: 0, 'rate-limited': 0 });
  socket.destroy();
});

it('rejects limit options out of range with a config-invalid error', async () => {
  await expect(startTrackerServer({ announcesPerSecond: 0 })).rejects.toMatchObject({
    code: 'config-invalid',
  });
  await expect(startTrackerServer({ maxSocketsPerIp: 1.5 })).rejects.toMatchObject({
    code: 'config-invalid',
  });
});

it('drops a connection that stops answering pings, and its peer with it', async () => {
  const server = await tracker({ heartbeatIntervalMs: 200 });
  const socket = await rawWebSocket(server.port);
  // Binary-string info hash and peer id of 20 one-byte characters each, as the protocol wants.
  const infoHash = 'i'.repeat(20);
  socket.write(
    textFrame(
      JSON.stringify({
        action: 'announce',
        info_hash: infoHash,
        peer_id: 'p'.repeat(20),
        numwant: 0,
      }),
    ),
  );
  const swarmKey = Buffer.from(infoHash, 'latin1').toString('hex');
  await waitUntil(async () => (await stats(server)).swarmPeers[swarmKey] === 1, {
    timeoutMs: 3000,
    description: 'the announce to register the peer',
  });
  expect(server.stats().connections).toBe(1);

  // The raw socket never answers pings: the second heartbeat closes it.
  await once(socket, 'close');
  await waitUntil(() => server.stats().connections === 0, {
    timeoutMs: 1000,
    description: 'the tracker to forget the connection',
  });
  expect(server.stats()).toMatchObject({ swarms: 0, peers: 0, swarmPeers: {} });
});

it('stop() closes open WebSocket connections instead of waiting for them', async () => {
  const server = await tracker();
  const socket = await rawWebSocket(server.port);
  const closed = once(socket, 'close');
  await server.stop();
  await closed;
});

it('rejects when the port is taken', async () => {
  const first = await tracker();
  await expect(startTrackerServer({ port: first.port })).rejects.toMatchObject({
    code: 'EADDRINUSE',
  });
});

describe('p2p-media-loader-tracker command', () => {
  function runCli(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tracker/cli.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    return { child, output: () => output, exited };
  }

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'prints the tracker and stats URLs, serves them, and exits 0 on %s',
    async (signal) => {
      const cli = runCli(['--port', '0']);
      const statsUrl = await waitUntil(() => /stats: +(\S+)/.exec(cli.output())?.[1], {
        timeoutMs: 10_000,
        description: 'the CLI to print its stats URL',
        lastSeen: cli.output,
      });
      expect(cli.output()).toMatch(/tracker: ws:\/\/127\.0\.0\.1:\d+/);
      expect(((await (await fetch(statsUrl)).json()) as TrackerStats).swarms).toBe(0);

      cli.child.kill(signal);
      const [code] = await cli.exited;
      expect(code).toBe(0);
      expect(cli.output()).toContain('stopped');
    },
  );

  it('prints usage and exits 2 on a bad argument', async () => {
    const cli = runCli(['--port', 'eighty']);
    const [code] = await cli.exited;
    expect(code).toBe(2);
    expect(cli.output()).toMatch(/--port must be an integer[\s\S]*Usage: p2p-media-loader-tracker/);
  });
});
