/**
 * The example origin's stats-beacon collector over real HTTP (Node fetch): payloads accepted the way
 * `navigator.sendBeacon` sends them, strict validation with clear 400s, a size limit, the latest
 * report per viewer, expiry after two minutes (injected clock), the per-swarm summary and the page;
 * and, as `npm start` runs it, forwarding to a real `p2p-media-loader-collector`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCollector } from '../../collector/index.js';
import { BEACON_EXPIRY_MS, BEACON_MAX_BYTES } from '../../examples/server/beacon-route.js';
import { startOrigin, type OriginServer } from '../../examples/server/origin.js';
import type { StatsBeaconPayload } from '../../plugins/shared/contract.js';
import { readBeaconSummary } from '../support/plugin-probes.js';
import { waitUntil } from '../support/wait.js';

let origin: OriginServer;
let nowMs = Date.UTC(2024, 0, 1);

beforeAll(async () => {
  // The collector needs no media: any directory will do.
  origin = await startOrigin({ mediaDir: os.tmpdir(), clock: () => nowMs });
});

afterAll(async () => {
  await origin.stop();
});

function payload(overrides: Partial<StatsBeaconPayload> = {}): StatsBeaconPayload {
  return {
    v: 2,
    id: 'viewer-a',
    swarm: 'live/demo',
    engine: 'hlsjs',
    t: 30_000,
    http: 1000,
    p2p: 3000,
    up: 2000,
    peers: 2,
    seg: { http: 1, p2p: 3, cache: 0 },
    stalls: 1,
    stallMs: 500,
    startMs: 800,
    ...overrides,
  };
}

/** POSTs `body` as sendBeacon does with a string (text/plain). */
function post(body: string, contentType = 'text/plain;charset=UTF-8'): Promise<Response> {
  return fetch(`${origin.url}/beacon`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': contentType },
  });
}

describe('POST /beacon', () => {
  it('accepts a payload as text/plain (sendBeacon) and as application/json with 204', async () => {
    expect((await post(JSON.stringify(payload({ id: 'plain' })))).status).toBe(204);
    const json = await post(JSON.stringify(payload({ id: 'json' })), 'application/json');
    expect(json.status).toBe(204);
    expect(await json.text()).toBe('');
  });

  it.each([
    ['not JSON', '{', 'body is not JSON'],
    ['an array', '[]', 'payload must be a JSON object'],
    ['another schema version', JSON.stringify({ ...payload(), v: 3 }), 'v: unsupported'],
    ['an unknown field', JSON.stringify({ ...payload(), extra: 1 }), 'unknown field(s) extra'],
    [
      'a missing field',
      JSON.stringify({ ...payload(), stalls: undefined }),
      'missing field(s) stalls',
    ],
    ['a bad id', JSON.stringify(payload({ id: '<script>' })), 'id:'],
    ['an unknown engine', JSON.stringify({ ...payload(), engine: 'flash' }), 'engine: one of'],
    ['a negative counter', JSON.stringify(payload({ http: -1 })), 'http: an integer 0..'],
    [
      'a counter beyond the cap',
      JSON.stringify(payload({ up: 2 ** 52 })),
      'up: an integer 0..1099511627776',
    ],
    ['a fractional counter', JSON.stringify(payload({ peers: 1.5 })), 'peers:'],
    [
      'a bad segment count',
      JSON.stringify({ ...payload(), seg: { http: 1, p2p: '2', cache: 0 } }),
      'seg.p2p:',
    ],
  ])('answers 400 naming the problem for %s', async (_name, body, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(message);
  });

  it('refuses bodies over the size limit (413) and other content types (415)', async () => {
    const huge = JSON.stringify(payload({ swarm: 'x'.repeat(BEACON_MAX_BYTES) }));
    expect((await post(huge)).status).toBe(413);
    const form = await post(JSON.stringify(payload()), 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
  });

  it('answers GET with 405', async () => {
    expect((await fetch(`${origin.url}/beacon`)).status).toBe(405);
  });

  it('answers 429 to an address that sends beyond the per-client rate, before reading bodies', async () => {
    // Its own origin, so the burst does not eat the other tests' allowance.
    const flooded = await startOrigin({ mediaDir: os.tmpdir() });
    try {
      // The burst is 100 and the allowance refills at 20 a second, so however slowly the machine
      // answers, no more than 100 + 20 per elapsed second can be accepted. Requests go one after
      // the other (at well over 20 a second even on a loaded machine) until one is refused.
      const statuses: number[] = [];
      const startedMs = performance.now();
      for (let i = 0; i < 400 && !statuses.includes(429); i++) {
        const response = await fetch(`${flooded.url}/beacon`, {
          method: 'POST',
          body: JSON.stringify(payload({ id: `flood-${i}` })),
          headers: { 'Content-Type': 'text/plain' },
        });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      const elapsedSeconds = (performance.now() - startedMs) / 1000;
      const accepted = statuses.filter((status) => status === 204).length;
      expect(statuses.slice(0, 100).every((status) => status === 204)).toBe(true);
      expect(statuses).toContain(429);
      expect(accepted).toBeLessThanOrEqual(100 + Math.ceil(20 * elapsedSeconds) + 1);
    } finally {
      await flooded.stop();
    }
  });
});

describe('GET /stats.json', () => {
  beforeEach(() => {
    // Everything recorded by earlier tests expires.
    nowMs += BEACON_EXPIRY_MS + 1;
  });

  it('sums the latest report of each viewer per swarm, and overall', async () => {
    await post(JSON.stringify(payload({ id: 'a', http: 100, p2p: 100 })));
    // A newer report of the same viewer replaces the older one (counters are totals).
    await post(JSON.stringify(payload({ id: 'a', http: 1000, p2p: 3000, up: 500, peers: 2 })));
    await post(JSON.stringify(payload({ id: 'b', http: 2000, p2p: 2000, up: 4000, peers: 1 })));
    await post(JSON.stringify(payload({ id: 'c', swarm: 'vod/x', engine: 'shaka', p2p: 0 })));

    const summary = await readBeaconSummary(origin.url);
    expect(summary.viewers).toBe(3);
    expect(summary.swarms).toEqual([
      {
        swarm: 'live/demo',
        viewers: 2,
        httpBytes: 3000,
        p2pBytes: 5000,
        uploadBytes: 4500,
        offloadRatio: 5000 / 8000,
        peers: 3,
        stalls: 2,
        engines: { hlsjs: 2, shaka: 0, native: 0 },
      },
      {
        swarm: 'vod/x',
        viewers: 1,
        httpBytes: 1000,
        p2pBytes: 0,
        uploadBytes: 2000,
        offloadRatio: 0,
        peers: 2,
        stalls: 1,
        engines: { hlsjs: 0, shaka: 1, native: 0 },
      },
    ]);
    expect(summary.totals).toMatchObject({ viewers: 3, httpBytes: 4000, p2pBytes: 5000 });
  });

  it('forgets viewers not heard from for two minutes', async () => {
    await post(JSON.stringify(payload({ id: 'leaving' })));
    nowMs += BEACON_EXPIRY_MS - 1000;
    await post(JSON.stringify(payload({ id: 'staying' })));
    expect((await readBeaconSummary(origin.url)).viewers).toBe(2);
    nowMs += 2000;
    const summary = await readBeaconSummary(origin.url);
    expect(summary.viewers).toBe(1);
    expect(summary.totals.viewers).toBe(1);
  });

  it('serves an empty summary when nobody reports', async () => {
    expect(await readBeaconSummary(origin.url)).toMatchObject({
      viewers: 0,
      swarms: [],
      totals: { viewers: 0, offloadRatio: 0 },
    });
  });
});

describe('GET /stats', () => {
  it('shows the summary as a self-refreshing page, swarm ids escaped', async () => {
    nowMs += BEACON_EXPIRY_MS + 1;
    await post(JSON.stringify(payload({ id: 'evil', swarm: '<img src=x onerror=alert(1)>' })));
    const response = await fetch(`${origin.url}/stats`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain('http-equiv="refresh"');
    expect(page).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(page).not.toContain('<img');
    expect(page).toContain('75.0 %');
  });
});

describe('with a collector (npm start)', () => {
  it('forwards valid beacons to the collector, naming the viewer, and /stats redirects to it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'p2pml-origin-collector-'));
    const collector = await startCollector({
      port: 0,
      db: path.join(dir, 'c.sqlite'),
      trustProxy: true,
      flushIntervalMs: 50,
    });
    const forwarding = await startOrigin({
      mediaDir: os.tmpdir(),
      beaconCollectorUrl: collector.url,
    });
    try {
      const send = (body: string) =>
        fetch(`${forwarding.url}/beacon`, {
          method: 'POST',
          body,
          headers: { 'Content-Type': 'text/plain' },
        });
      expect((await send(JSON.stringify(payload({ id: 'fwd', http: 111, p2p: 222 })))).status).toBe(
        204,
      );
      expect((await send('{')).status).toBe(400);
      const stored = await waitUntil(
        async () => {
          await collector.flush();
          const buckets = await collector.store.buckets({ fromMs: 0, toMs: Date.now() + 120_000 });
          return buckets.length > 0 ? buckets : undefined;
        },
        { timeoutMs: 5000, description: 'the forwarded beacon to be stored' },
      );
      expect(
        stored.map((bucket) => [
          bucket.swarm,
          bucket.counts.httpBytes,
          bucket.counts.p2pBytes,
          bucket.counts.beacons,
        ]),
      ).toEqual([['live/demo', 111, 222, 1]]);
      const stats = await fetch(`${forwarding.url}/stats`, { redirect: 'manual' });
      expect(stats.status).toBe(302);
      expect(stats.headers.get('location')).toBe(`${collector.url}/`);
    } finally {
      await forwarding.stop();
      await collector.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
