/**
 * Totals to deltas: what each beacon adds to its minute bucket (bytes since the previous beacon,
 * a viewer counted once per minute, startup once per source, restarted players counted in full),
 * and sums that saturate at 2^53 - 1 instead of losing precision.
 */
import type { CollectorBeacon } from '../../../collector/beacon/beacon-schema.js';
import { addCounts, emptyCounts } from '../../../collector/ingest/bucket.js';
import { MAX_TOTAL } from '../../../collector/ingest/safe-sum.js';
import { applyBeacon } from '../../../collector/ingest/viewer-delta.js';
import { histogramMedianMs } from '../../../collector/store/series.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function beacon(overrides: Partial<CollectorBeacon> = {}): CollectorBeacon {
  return {
    v: 2,
    id: 'a',
    swarm: 's',
    engine: 'hlsjs',
    player: 'videojs',
    tMs: 30_000,
    httpBytes: 1000,
    p2pBytes: 4000,
    uploadBytes: 100,
    peers: 2,
    segments: { http: 1, p2p: 4, cache: 0 },
    stalls: 0,
    stallMs: 0,
    startupMs: 700,
    ...overrides,
  };
}

describe('applyBeacon', () => {
  it('counts a new viewer in full, then only what changed', () => {
    const first = applyBeacon(undefined, beacon(), T0);
    expect(first.delta).toMatchObject({
      beacons: 1,
      viewers: 1,
      httpBytes: 1000,
      p2pBytes: 4000,
      watchMs: 30_000,
      startups: 1,
    });
    expect(first.startupMs).toBe(700);
    const second = applyBeacon(
      first.next,
      beacon({ tMs: 60_000, httpBytes: 1500, p2pBytes: 9000, stalls: 1, stallMs: 400 }),
      T0 + 30_000,
    );
    expect(second.delta).toMatchObject({
      viewers: 0,
      httpBytes: 500,
      p2pBytes: 5000,
      watchMs: 30_000,
      stalls: 1,
      stallMs: 400,
      startups: 0,
    });
    expect(second.key.minuteMs).toBe(T0);
  });

  it('counts the viewer again in the next minute and a new startup after a source change', () => {
    const first = applyBeacon(undefined, beacon(), T0);
    const next = applyBeacon(
      first.next,
      beacon({ tMs: 90_000, swarm: 'other', startupMs: 400 }),
      T0 + 60_000,
    );
    expect(next.delta.viewers).toBe(1);
    expect(next.delta.startups).toBe(1);
    expect(next.key).toEqual({
      minuteMs: T0 + 60_000,
      swarm: 'other',
      engine: 'hlsjs',
      player: 'videojs',
    });
  });

  it('keys the bucket by the player of the beacon and counts a viewer again under another player', () => {
    const first = applyBeacon(undefined, beacon({ player: 'clappr' }), T0 + 1000);
    expect(first.key.player).toBe('clappr');
    const same = applyBeacon(first.next, beacon({ player: 'clappr', tMs: 40_000 }), T0 + 2000);
    expect(same.delta.viewers).toBe(0);
    const other = applyBeacon(same.next, beacon({ player: 'embed', tMs: 50_000 }), T0 + 3000);
    expect(other.key.player).toBe('embed');
    expect(other.delta.viewers).toBe(1);
    const unnamed = applyBeacon(undefined, beacon({ id: 'b', player: 'unknown' }), T0);
    expect(unnamed.key.player).toBe('unknown');
  });

  it('treats a beacon with a smaller t as a restarted player and counts its totals in full', () => {
    const first = applyBeacon(undefined, beacon({ tMs: 600_000, httpBytes: 10_000 }), T0);
    const restarted = applyBeacon(first.next, beacon({ tMs: 5000, httpBytes: 200 }), T0 + 10_000);
    expect(restarted.delta.httpBytes).toBe(200);
  });

  it('caps the watch time one beacon adds at an hour', () => {
    const first = applyBeacon(undefined, beacon({ tMs: 30_000 }), T0);
    const late = applyBeacon(first.next, beacon({ tMs: 30_000 + 5 * 3_600_000 }), T0 + 1);
    expect(late.delta.watchMs).toBe(3_600_000);
  });
});

describe('bucket sums', () => {
  it('saturate at 2^53 - 1', () => {
    const big = emptyCounts();
    big.p2pBytes = MAX_TOTAL - 10;
    const delta = emptyCounts();
    delta.p2pBytes = 2 ** 40;
    expect(addCounts(big, delta).p2pBytes).toBe(MAX_TOTAL);
  });

  it('give a startup median interpolated in the histogram', () => {
    // [<=250, <=500, <=1000, <=2000, <=4000, <=8000, slower]
    expect(histogramMedianMs([0, 0, 2, 0, 0, 0, 0])).toBe(750);
    expect(histogramMedianMs([0, 0, 0, 0, 0, 0, 0])).toBeNull();
    expect(histogramMedianMs([0, 0, 0, 0, 0, 0, 3])).toBe(8000);
  });
});
