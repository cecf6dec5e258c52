/**
 * From stored sums to what an operator reads: offload %, average viewers, bitrates, stalls per
 * viewer-hour, startup median, peers per viewer. Pure, shared by the dashboard API and tests.
 */
import { BUCKET_MS, STARTUP_BOUNDS_MS, type BucketCounts } from '../ingest/bucket.js';
import type { BeaconPlayer } from '../beacon/beacon-schema.js';
import type { PlayerRow, SeriesRow, SwarmRow } from './store.js';

/** Time ranges the dashboard offers, with the step of their charts. */
export const RANGES = {
  hour: { durationMs: 3_600_000, stepMs: BUCKET_MS },
  day: { durationMs: 86_400_000, stepMs: 10 * BUCKET_MS },
  week: { durationMs: 7 * 86_400_000, stepMs: 60 * BUCKET_MS },
} as const;
/** A range name. */
export type RangeName = keyof typeof RANGES;

/** Derived figures of a set of buckets; `null` where the denominator is zero. */
export interface Figures {
  /** Average viewers per minute (viewer-minutes / minutes). */
  readonly viewers: number;
  /** `p2p / (http + p2p)` in percent. */
  readonly offloadPercent: number | null;
  /** Bytes over HTTP (the CDN's) and from peers. */
  readonly httpBytes: number;
  readonly p2pBytes: number;
  readonly uploadBytes: number;
  /** Stalls per hour of players open. */
  readonly stallsPerViewerHour: number | null;
  /** Share of watch time spent stalled, percent (v2 beacons). */
  readonly stalledPercent: number | null;
  /** Median startup time, ms, interpolated in the histogram. */
  readonly startupMedianMs: number | null;
  /** Startups measured. */
  readonly startups: number;
  /** Average peers a viewer reported. */
  readonly peersPerViewer: number | null;
}

/** A chart point: figures of one step plus bitrates over the step. */
export interface SeriesPoint extends Figures {
  /** Start of the step, ms since the epoch. */
  readonly tMs: number;
  /** Mean bitrates over the step, bits per second. */
  readonly httpBitsPerSecond: number;
  readonly p2pBitsPerSecond: number;
  /** Most viewers in one minute of the step. */
  readonly peakViewers: number;
}

/** One row of the swarm table. */
export interface SwarmFigures extends Figures {
  readonly swarm: string;
  readonly peakViewers: number;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/**
 * Median of the startup histogram: linear inside the bucket holding the middle startup (the last,
 * open-ended bucket answers its lower bound).
 */
export function histogramMedianMs(histogram: readonly number[]): number | null {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const middle = total / 2;
  let below = 0;
  for (let index = 0; index < histogram.length; index++) {
    const count = histogram[index] ?? 0;
    if (count > 0 && below + count >= middle) {
      const lower = index === 0 ? 0 : (STARTUP_BOUNDS_MS[index - 1] ?? 0);
      const upper = STARTUP_BOUNDS_MS[index];
      if (upper === undefined) return lower;
      return Math.round(lower + ((middle - below) / count) * (upper - lower));
    }
    below += count;
  }
  return null;
}

/** Figures of summed counters spanning `minutes` minutes. */
export function figuresOf(counts: BucketCounts, minutes: number): Figures {
  const downloaded = counts.httpBytes + counts.p2pBytes;
  const offload = ratio(counts.p2pBytes, downloaded);
  const watchHours = counts.watchMs / 3_600_000;
  const stallsPerHour = ratio(counts.stalls, watchHours);
  const stalled = ratio(counts.stallMs, counts.watchMs);
  return {
    viewers: minutes > 0 ? counts.viewers / minutes : 0,
    offloadPercent: offload === null ? null : offload * 100,
    httpBytes: counts.httpBytes,
    p2pBytes: counts.p2pBytes,
    uploadBytes: counts.uploadBytes,
    stallsPerViewerHour: stallsPerHour,
    stalledPercent: stalled === null ? null : stalled * 100,
    startupMedianMs: histogramMedianMs(counts.startupHistogram),
    startups: counts.startups,
    peersPerViewer: ratio(counts.peersSum, counts.beacons),
  };
}

/** Chart points from series rows of `stepMs`. */
export function seriesPoints(rows: readonly SeriesRow[], stepMs: number): SeriesPoint[] {
  const stepMinutes = stepMs / BUCKET_MS;
  const seconds = stepMs / 1000;
  return rows.map((row) => ({
    tMs: row.tMs,
    ...figuresOf(row.counts, stepMinutes),
    peakViewers: row.peakViewers,
    httpBitsPerSecond: (row.counts.httpBytes * 8) / seconds,
    p2pBitsPerSecond: (row.counts.p2pBytes * 8) / seconds,
  }));
}

/** One row of the player table. */
export interface PlayerFigures extends Figures {
  readonly player: BeaconPlayer;
  readonly peakViewers: number;
}

/** Player table rows (average viewers over the minutes the player was heard from). */
export function playerFigures(rows: readonly PlayerRow[]): PlayerFigures[] {
  return rows.map((row) => ({
    player: row.player,
    ...figuresOf(row.counts, row.activeMinutes),
    peakViewers: row.peakViewers,
  }));
}

/** Swarm table rows (average viewers over the minutes the swarm was active). */
export function swarmFigures(rows: readonly SwarmRow[]): SwarmFigures[] {
  return rows.map((row) => ({
    swarm: row.swarm,
    ...figuresOf(row.counts, row.activeMinutes),
    peakViewers: row.peakViewers,
  }));
}
