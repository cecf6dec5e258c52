/**
 * Minute buckets: what the collector stores. One bucket per UTC minute, swarm, engine and player
 * holds the sums of the deltas of every beacon received in that minute (bytes since the viewer's
 * previous beacon, not its totals), so any time range is a plain sum of buckets.
 */
import type { BeaconEngine, BeaconPlayer } from '../beacon/beacon-schema.js';
import { addSaturating } from './safe-sum.js';

/** Length of a bucket, ms. */
export const BUCKET_MS = 60_000;

/**
 * Upper bounds (ms) of the startup-time histogram, as Prometheus `le` labels; a last bucket holds
 * everything slower. Chosen around the usual targets (a second good, four seconds bad).
 */
export const STARTUP_BOUNDS_MS = [250, 500, 1000, 2000, 4000, 8000] as const;

/** Identity of a bucket. */
export interface BucketKey {
  /** Start of the minute, ms since the epoch (a multiple of {@link BUCKET_MS}). */
  readonly minuteMs: number;
  /** Swarm id (`''`: viewers without a source). */
  readonly swarm: string;
  /** Playback engine. */
  readonly engine: BeaconEngine;
  /** Player the beacons came from (`unknown`: beacons without `player`, and rows older than it). */
  readonly player: BeaconPlayer;
}

/** The counters of a bucket (or of a beacon's contribution to one). All non-negative integers. */
export interface BucketCounts {
  /** Beacons received. */
  beacons: number;
  /** Distinct viewers heard from (each viewer counts once per bucket). */
  viewers: number;
  /** Bytes downloaded over HTTP. */
  httpBytes: number;
  /** Bytes downloaded from peers (what the CDN did not serve). */
  p2pBytes: number;
  /** Bytes uploaded to peers. */
  uploadBytes: number;
  /** Segments by source. */
  segHttp: number;
  segP2p: number;
  segCache: number;
  /** Playback stalls. */
  stalls: number;
  /** Time stalled, ms (v2 beacons only). */
  stallMs: number;
  /** Time players were open, ms: the sum of `t` deltas (for stalls per viewer-hour). */
  watchMs: number;
  /** Sum of `peers` over beacons (divide by `beacons` for peers per viewer). */
  peersSum: number;
  /** Startups measured (each source's first frame once). */
  startups: number;
  /** Sum of the startup times, ms. */
  startupMsSum: number;
  /** Startups per histogram bucket (not cumulative): one entry per bound, then one for slower. */
  startupHistogram: number[];
}

/** Names of the scalar counters, in storage order. */
export const SCALAR_COUNTERS = [
  'beacons',
  'viewers',
  'httpBytes',
  'p2pBytes',
  'uploadBytes',
  'segHttp',
  'segP2p',
  'segCache',
  'stalls',
  'stallMs',
  'watchMs',
  'peersSum',
  'startups',
  'startupMsSum',
] as const satisfies readonly (keyof BucketCounts)[];

/** Counters all zero. */
export function emptyCounts(): BucketCounts {
  return {
    beacons: 0,
    viewers: 0,
    httpBytes: 0,
    p2pBytes: 0,
    uploadBytes: 0,
    segHttp: 0,
    segP2p: 0,
    segCache: 0,
    stalls: 0,
    stallMs: 0,
    watchMs: 0,
    peersSum: 0,
    startups: 0,
    startupMsSum: 0,
    startupHistogram: STARTUP_BOUNDS_MS.map(() => 0).concat(0),
  };
}

/** Adds `delta` into `into` (saturating), returns `into`. */
export function addCounts(into: BucketCounts, delta: BucketCounts): BucketCounts {
  for (const name of SCALAR_COUNTERS) into[name] = addSaturating(into[name], delta[name]);
  into.startupHistogram = into.startupHistogram.map((count, index) =>
    addSaturating(count, delta.startupHistogram[index] ?? 0),
  );
  return into;
}

/** Index of the histogram bucket a startup time falls in. */
export function startupBucketIndex(startupMs: number): number {
  const index = STARTUP_BOUNDS_MS.findIndex((bound) => startupMs <= bound);
  return index === -1 ? STARTUP_BOUNDS_MS.length : index;
}

/** The minute a time falls in. */
export function minuteOf(atMs: number): number {
  return Math.floor(atMs / BUCKET_MS) * BUCKET_MS;
}

/** A string key for maps of buckets. */
export function bucketKeyString(key: BucketKey): string {
  return `${key.minuteMs}\u0000${key.engine}\u0000${key.player}\u0000${key.swarm}`;
}
