/**
 * A real Prometheus server (Debian's `prometheus`, on loopback with a temporary config and data
 * directory, 1 s scrape interval) scrapes a real collector and a real tracker during a short swarm:
 * three viewers announce to the tracker over WebSocket and send two stats beacons each. PromQL
 * answers (HTTP API `/api/v1/query`) must equal what the beacons carried and what the tracker saw.
 * Skipped, with the reason printed, where no Prometheus binary exists.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { startCollector, type Collector } from '../../../collector/index.js';
import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import { waitUntil } from '../../support/wait.js';
import { beaconBody, postBeacon } from './beacons.js';
import { grafanaQueries } from './grafana-queries.js';
import { announceToTracker } from './tracker-announce.js';

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const available = existsSync(PROMETHEUS);
if (!available)
  console.log(
    `prometheus test skipped: no Prometheus at ${PROMETHEUS} (apt-get install prometheus)`,
  );
const maybe = available ? it : it.skip;

let dir: string;
let collector: Collector | undefined;
let tracker: TrackerServer | undefined;
let prometheus: ChildProcess | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => {
      prometheus?.once('exit', resolve);
    });
    prometheus.kill('SIGTERM');
    await exited;
  }
  await collector?.stop();
  await tracker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function query(baseUrl: string, promql: string): Promise<number | undefined> {
  const response = await fetch(`${baseUrl}/api/v1/query?query=${encodeURIComponent(promql)}`).catch(
    () => undefined,
  );
  if (!response?.ok) return undefined;
  const body = (await response.json()) as { data?: { result?: { value?: [number, string] }[] } };
  const value = body.data?.result?.[0]?.value?.[1];
  return value === undefined ? undefined : Number(value);
}

maybe(
  'PromQL over the scraped collector and tracker matches the beacons and announces sent',
  async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'p2pml-prometheus-'));
    tracker = await startTrackerServer({ port: 0, host: '127.0.0.1' });
    collector = await startCollector({
      port: 0,
      db: path.join(dir, 'c.sqlite'),
      flushIntervalMs: 100,
      token: 'scrape-token',
    });

    // The short swarm: three viewers join one swarm and report twice (30 s and 60 s totals).
    const viewers = [
      { id: 'v1', first: [4000, 0], second: [6000, 10_000] },
      { id: 'v2', first: [1000, 3000], second: [2000, 20_000] },
      { id: 'v3', first: [500, 500], second: [1000, 30_000] },
    ];
    for (const [index] of viewers.entries()) {
      sockets.push(
        await announceToTracker(tracker.port, 'h'.repeat(20), `peer-${index}`.padEnd(20, '-')),
      );
    }
    for (const viewer of viewers) {
      const [http, p2p] = viewer.first;
      expect(
        (await postBeacon(collector.beaconUrl, beaconBody({ id: viewer.id, t: 30_000, http, p2p })))
          .status,
      ).toBe(204);
    }
    for (const viewer of viewers) {
      const [http, p2p] = viewer.second;
      expect(
        (await postBeacon(collector.beaconUrl, beaconBody({ id: viewer.id, t: 60_000, http, p2p })))
          .status,
      ).toBe(204);
    }
    await collector.flush();
    const expectedP2p = viewers.reduce((sum, v) => sum + (v.second[1] ?? 0), 0);
    const expectedHttp = viewers.reduce((sum, v) => sum + (v.second[0] ?? 0), 0);

    const port = await freePort();
    const collectorAddress = new URL(collector.url).host;
    const trackerAddress = new URL(tracker.metricsUrl).host;
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: collector',
        '    authorization: { credentials: scrape-token }',
        `    static_configs: [{ targets: ['${collectorAddress}'] }]`,
        '  - job_name: tracker',
        `    static_configs: [{ targets: ['${trackerAddress}'] }]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    prometheus.stderr?.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const wait = (promql: string, accept: (value: number) => boolean, description: string) =>
      waitUntil(
        async () => {
          const value = await query(baseUrl, promql);
          return value !== undefined && accept(value) ? value : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 250, description, lastSeen: () => log.slice(-600) },
      );

    expect(
      await wait(
        'sum(p2pml_collector_bytes_total{source="p2p"})',
        (v) => v === expectedP2p,
        'P2P bytes',
      ),
    ).toBe(expectedP2p);
    expect(await query(baseUrl, 'sum(p2pml_collector_bytes_total{source="http"})')).toBe(
      expectedHttp,
    );
    expect(await query(baseUrl, 'sum(p2pml_collector_viewers)')).toBe(3);
    expect(await query(baseUrl, 'sum(p2pml_collector_beacons_total{result="accepted"})')).toBe(6);
    expect(await wait('sum(p2pml_tracker_peers)', (v) => v === 3, 'tracker peers')).toBe(3);
    expect(await query(baseUrl, 'sum(p2pml_tracker_announces_total)')).toBeGreaterThanOrEqual(3);
    expect(await query(baseUrl, 'sum(up)')).toBe(2);

    // Every query of the shipped Grafana dashboard parses and evaluates in this Prometheus.
    const failures: string[] = [];
    for (const grafana of grafanaQueries()) {
      const response = await fetch(
        `${baseUrl}/api/v1/query?query=${encodeURIComponent(grafana.runnable)}`,
      );
      const body = (await response.json()) as { status: string; error?: string };
      if (body.status !== 'success')
        failures.push(`${grafana.where}: ${body.error ?? body.status}`);
    }
    expect(failures).toEqual([]);
  },
  30_000,
);
