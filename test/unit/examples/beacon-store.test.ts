/**
 * The example origin's beacon summary never leaves the safe integer range: every field is capped by
 * the collector's validator, and the sums over up to 10,000 viewers saturate at 2^53 - 1 instead of
 * turning into inexact numbers.
 */
import { BeaconStore, parseBeaconPayload } from '../../../examples/server/beacon-route.js';

const CAP = 2 ** 40;

function beacon(id: number): string {
  return JSON.stringify({
    v: 2,
    id: `viewer-${id}`,
    swarm: 'live/demo',
    engine: 'hlsjs',
    t: 30_000,
    http: CAP,
    p2p: CAP,
    up: CAP,
    peers: 2,
    seg: { http: 1, p2p: 1, cache: 0 },
    stalls: 0,
    stallMs: 0,
    startMs: 800,
  });
}

describe('example origin beacon summary', () => {
  it('saturates sums at Number.MAX_SAFE_INTEGER when capped fields of many viewers add up past it', () => {
    const store = new BeaconStore(() => 0);
    // 8,193 viewers at the 2^40 cap: their true sum is just past 2^53.
    for (let id = 0; id <= 8192; id++) store.record(parseBeaconPayload(beacon(id)));
    const { totals } = store.summary();
    expect(totals.viewers).toBe(8193);
    expect(totals.httpBytes).toBe(Number.MAX_SAFE_INTEGER);
    expect(Number.isSafeInteger(totals.uploadBytes)).toBe(true);
    expect(totals.offloadRatio).toBeGreaterThan(0);
  });

  it('refuses a field beyond the collector cap rather than summing it', () => {
    const tooBig = JSON.parse(beacon(1)) as Record<string, unknown>;
    tooBig['p2p'] = CAP + 1;
    expect(() => parseBeaconPayload(JSON.stringify(tooBig))).toThrow(/p2p: an integer 0\.\./);
  });
});
