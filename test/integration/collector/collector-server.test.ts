/**
 * The collector over real HTTP with a real SQLite file: what `POST /beacon` accepts and refuses
 * (400 naming the field, 413, 415, 429 per client), the bearer token on `/metrics` and `/api/*`,
 * the dashboard page's security headers, the API's sums against the beacons sent, and a restart
 * that keeps every stored bucket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCollector, type Collector } from '../../../collector/index.js';
import { beaconBody, postBeacon } from './beacons.js';

let dir: string;
let collector: Collector | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'p2pml-collector-'));
});
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const start = async (options: Parameters<typeof startCollector>[0] = {}): Promise<Collector> => {
  collector = await startCollector({
    port: 0,
    db: path.join(dir, 'c.sqlite'),
    flushIntervalMs: 100,
    ...options,
  });
  return collector;
};

it('accepts v1 and v2 beacons with 204 and refuses bad ones with the right status', async () => {
  const { beaconUrl } = await start({ rateLimit: { perSecond: 1000, burst: 1000 } });
  expect((await postBeacon(beaconUrl, beaconBody())).status).toBe(204);
  const v1 = beaconBody({ v: 1, id: 'old-player' });
  delete v1['stallMs'];
  delete v1['startMs'];
  expect((await postBeacon(beaconUrl, v1, { 'Content-Type': 'application/json' })).status).toBe(
    204,
  );
  const invalid = await postBeacon(beaconUrl, beaconBody({ http: -1 }));
  expect(invalid.status).toBe(400);
  expect(await invalid.text()).toContain('http: an integer');
  expect((await postBeacon(beaconUrl, 'x'.repeat(5000))).status).toBe(413);
  expect((await postBeacon(beaconUrl, beaconBody(), { 'Content-Type': 'text/html' })).status).toBe(
    415,
  );
  const preflight = await fetch(beaconUrl, { method: 'OPTIONS' });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
});

it('rate-limits each client and tells clients apart by X-Forwarded-For behind a proxy', async () => {
  const { beaconUrl } = await start({
    trustProxy: true,
    rateLimit: { perSecond: 0.001, burst: 2 },
  });
  const from = (address: string) => ({ 'X-Forwarded-For': address });
  const statuses = [];
  for (let i = 0; i < 3; i++)
    statuses.push(
      (await postBeacon(beaconUrl, beaconBody({ id: `v${i}` }), from('10.0.0.1'))).status,
    );
  expect(statuses).toEqual([204, 204, 429]);
  expect((await postBeacon(beaconUrl, beaconBody({ id: 'other' }), from('10.0.0.2'))).status).toBe(
    204,
  );
});

it('requires the bearer token on /metrics and /api but serves the page shell without it', async () => {
  const { url } = await start({ token: 'op-token' });
  expect((await fetch(`${url}/metrics`)).status).toBe(401);
  expect((await fetch(`${url}/api/series?range=hour`)).status).toBe(401);
  const metrics = await fetch(`${url}/metrics`, { headers: { Authorization: 'Bearer op-token' } });
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toContain('p2pml_collector_beacons_total');
  const page = await fetch(`${url}/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(await page.text()).toContain('/assets/uPlot.iife.min.js');
  expect((await fetch(`${url}/assets/uPlot.iife.min.js`)).status).toBe(200);
});

it('serves sums of the beacons sent and keeps every bucket across a restart', async () => {
  const first = await start();
  // Two viewers, two beacons each: the API sums deltas, not totals.
  await postBeacon(first.beaconUrl, beaconBody({ id: 'a', t: 30_000, http: 1000, p2p: 3000 }));
  await postBeacon(
    first.beaconUrl,
    beaconBody({ id: 'b', swarm: 'vod/x', t: 30_000, http: 5000, p2p: 0, startMs: null }),
  );
  await postBeacon(
    first.beaconUrl,
    beaconBody({ id: 'a', t: 60_000, http: 1500, p2p: 9000, stalls: 2, stallMs: 1000 }),
  );
  await first.flush();
  const series = (await (await fetch(`${first.url}/api/series?range=hour`)).json()) as {
    totals: { httpBytes: number; p2pBytes: number; peakViewers: number; startupMedianMs: number };
  };
  expect(series.totals).toMatchObject({ httpBytes: 6500, p2pBytes: 9000, peakViewers: 2 });
  // One startup of 900 ms: the median is estimated inside its histogram bucket (500, 1000].
  expect(series.totals.startupMedianMs).toBeGreaterThan(500);
  expect(series.totals.startupMedianMs).toBeLessThanOrEqual(1000);
  const swarms = (await (await fetch(`${first.url}/api/swarms?range=day`)).json()) as {
    swarms: { swarm: string; p2pBytes: number }[];
  };
  expect(swarms.swarms.map((s) => [s.swarm, s.p2pBytes])).toEqual([
    ['live/demo', 9000],
    ['vod/x', 0],
  ]);
  const range = { fromMs: 0, toMs: Date.now() + 120_000 };
  const stored = await first.store.buckets(range);
  await first.stop();

  const second = await start();
  expect(await second.store.buckets(range)).toEqual(stored);
  await postBeacon(
    second.beaconUrl,
    beaconBody({ id: 'a', t: 90_000, http: 1600, p2p: 9500, stalls: 2, stallMs: 1000 }),
  );
  await second.flush();
  const after = (await (await fetch(`${second.url}/api/series?range=hour`)).json()) as {
    totals: { httpBytes: number; p2pBytes: number };
  };
  // Viewer a's totals survived the restart: only its 100 + 500 new bytes are added.
  expect(after.totals).toMatchObject({ httpBytes: 6600, p2pBytes: 9500 });
});

it('keeps buckets per player, lists them in /api/players, labels /metrics and refuses unknown players', async () => {
  const collector = await start({ rateLimit: { perSecond: 1000, burst: 1000 } });
  const { beaconUrl, url, store } = collector;
  const unknownPlayer = await postBeacon(beaconUrl, beaconBody({ id: 'x', player: 'dplayer' }));
  expect(unknownPlayer.status).toBe(400);
  expect(await unknownPlayer.text()).toContain('player: one of videojs');
  for (const [id, player, p2p] of [
    ['a', 'videojs', 3000],
    ['b', 'clappr', 2000],
    ['c', 'videojs', 1000],
  ] as const) {
    expect((await postBeacon(beaconUrl, beaconBody({ id, player, p2p }))).status).toBe(204);
  }
  // A beacon without `player` (an older plugin) is kept under `unknown`.
  expect((await postBeacon(beaconUrl, beaconBody({ id: 'd', p2p: 500 }))).status).toBe(204);
  await collector.flush();

  const buckets = await store.buckets({ fromMs: 0, toMs: Date.now() + 120_000 });
  expect(buckets.map((b) => [b.swarm, b.engine, b.player, b.counts.viewers])).toEqual([
    ['live/demo', 'hlsjs', 'clappr', 1],
    ['live/demo', 'hlsjs', 'unknown', 1],
    ['live/demo', 'hlsjs', 'videojs', 2],
  ]);
  const players = (await (await fetch(`${url}/api/players?range=hour`)).json()) as {
    players: { player: string; p2pBytes: number; peakViewers: number }[];
  };
  expect(players.players.map((p) => [p.player, p.p2pBytes, p.peakViewers])).toEqual([
    ['videojs', 4000, 2],
    ['clappr', 2000, 1],
    ['unknown', 500, 1],
  ]);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toContain('p2pml_collector_viewers{swarm="live/demo",player="videojs"} 2');
  expect(metrics).toContain('p2pml_collector_viewers{swarm="live/demo",player="unknown"} 1');
  expect(metrics).toContain(
    'p2pml_collector_bytes_total{swarm="live/demo",player="clappr",source="p2p"} 2000',
  );
  expect(metrics).not.toContain('dplayer');
});
