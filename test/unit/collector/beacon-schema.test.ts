/**
 * The collector's beacon validator: both schema versions accepted exactly, every field refused with
 * a message naming it, and (fast-check) any JSON at all gives an answer, never an exception, with
 * every accepted counter inside the limits that keep sums below 2^53.
 */
import fc from 'fast-check';
import {
  BEACON_LIMITS,
  BEACON_PLAYERS,
  BUCKET_PLAYERS,
  parseBeacon,
} from '../../../collector/beacon/beacon-schema.js';

const v1 = {
  v: 1,
  id: 'viewer-1',
  swarm: 'https://cdn.example/live/master.m3u8',
  engine: 'hlsjs',
  t: 30_000.5,
  http: 1000,
  p2p: 3000,
  up: 500,
  peers: 2,
  seg: { http: 1, p2p: 3, cache: 0 },
  stalls: 1,
};
const v2 = { ...v1, v: 2, stallMs: 1200, startMs: 850 };

describe('parseBeacon', () => {
  it('accepts schema 1 and 2 and normalises them to one shape', () => {
    const one = parseBeacon(JSON.stringify(v1));
    expect(one.ok && one.beacon).toMatchObject({
      v: 1,
      tMs: 30_001,
      httpBytes: 1000,
      stallMs: undefined,
      startupMs: undefined,
    });
    const two = parseBeacon(JSON.stringify(v2));
    expect(two.ok && two.beacon).toMatchObject({ v: 2, stallMs: 1200, startupMs: 850 });
    const notStarted = parseBeacon(JSON.stringify({ ...v2, startMs: null }));
    expect(notStarted.ok && notStarted.beacon.startupMs).toBeUndefined();
  });

  it.each(BEACON_PLAYERS)('accepts schema 2 naming player %s and keeps the name', (player) => {
    const result = parseBeacon(JSON.stringify({ ...v2, player }));
    expect(result.ok && result.beacon.player).toBe(player);
  });

  it('reads a beacon without player (schema 1, or 2 without the field) as player unknown', () => {
    for (const body of [v1, v2]) {
      const result = parseBeacon(JSON.stringify(body));
      expect(result.ok && result.beacon.player).toBe('unknown');
    }
  });

  it.each([
    ['{', 'body is not JSON'],
    ['[]', 'payload must be a JSON object'],
    [JSON.stringify({ ...v1, v: 3 }), 'v: unsupported schema version'],
    [JSON.stringify({ ...v1, extra: 1 }), 'unknown field(s) extra'],
    [JSON.stringify({ ...v1, stallMs: 1, startMs: null }), 'unknown field(s) stallMs, startMs'],
    [JSON.stringify({ ...v2, startMs: undefined }), 'missing field(s) startMs'],
    [JSON.stringify({ ...v1, id: 'a b' }), 'id:'],
    [JSON.stringify({ ...v1, swarm: 'x'.repeat(2049) }), 'swarm:'],
    [JSON.stringify({ ...v1, engine: 'flash' }), 'engine:'],
    [JSON.stringify({ ...v1, t: -1 }), 't:'],
    [JSON.stringify({ ...v1, http: 2 ** 40 + 1 }), 'http: an integer 0..1099511627776'],
    [JSON.stringify({ ...v1, p2p: 1.5 }), 'p2p:'],
    [JSON.stringify({ ...v1, peers: 10_001 }), 'peers:'],
    [JSON.stringify({ ...v1, seg: { http: 1, p2p: 1 } }), 'seg: missing field(s) cache'],
    [JSON.stringify({ ...v2, startMs: 3_600_001 }), 'startMs:'],
    [JSON.stringify({ ...v2, player: 'VideoJS' }), 'player: one of videojs, clappr'],
    [JSON.stringify({ ...v2, player: 'dplayer' }), 'player:'],
    [JSON.stringify({ ...v2, player: 'unknown' }), 'player:'],
    [JSON.stringify({ ...v2, player: '' }), 'player:'],
    [JSON.stringify({ ...v2, player: null }), 'player:'],
    [JSON.stringify({ ...v2, player: ['videojs'] }), 'player:'],
    [JSON.stringify({ ...v1, player: 'videojs' }), 'unknown field(s) player'],
  ])('refuses %s with a message naming the field', (body, message) => {
    const result = parseBeacon(body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.status).toBe(400);
      expect(result.message).toContain(message);
    }
  });

  it('answers any JSON with a beacon or a refusal, never throws, and accepted counters stay in range', () => {
    const counter = fc.oneof(
      fc.nat(),
      fc.double(),
      fc.integer({ min: -10, max: 2 ** 41 }),
      fc.constant(2 ** 53),
    );
    const beaconLike = fc.record(
      {
        v: fc.oneof(fc.constant(1), fc.constant(2), fc.jsonValue()),
        id: fc.oneof(fc.string({ maxLength: 130 }), fc.jsonValue()),
        swarm: fc.oneof(fc.string(), fc.jsonValue()),
        engine: fc.oneof(fc.constantFrom('hlsjs', 'shaka', 'native'), fc.string()),
        t: counter,
        http: counter,
        p2p: counter,
        up: counter,
        peers: counter,
        seg: fc.oneof(fc.record({ http: counter, p2p: counter, cache: counter }), fc.jsonValue()),
        stalls: counter,
        stallMs: counter,
        startMs: fc.oneof(counter, fc.constant(null)),
        player: fc.oneof(fc.constantFrom(...BEACON_PLAYERS), fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), beaconLike, fc.string()), (value) => {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        const result = parseBeacon(text);
        if (!result.ok) {
          expect(result.message.length).toBeGreaterThan(0);
          return;
        }
        const b = result.beacon;
        for (const bytes of [b.httpBytes, b.p2pBytes, b.uploadBytes]) {
          expect(Number.isSafeInteger(bytes) && bytes >= 0 && bytes <= BEACON_LIMITS.bytes).toBe(
            true,
          );
        }
        expect(b.peers).toBeLessThanOrEqual(BEACON_LIMITS.peers);
        expect(Number.isSafeInteger(b.tMs)).toBe(true);
        expect(BUCKET_PLAYERS).toContain(b.player);
      }),
      { numRuns: 3000 },
    );
  });
});
