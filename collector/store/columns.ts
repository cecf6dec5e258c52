/**
 * Column layout shared by the SQLite and PostgreSQL stores: bucket counters as columns (one per
 * scalar counter, one per startup-histogram bucket), and the conversions between rows and
 * {@link BucketCounts}. Sums read back go through `toSafeTotal`, so no value passes 2^53 - 1.
 */
import type { BeaconEngine, BeaconPlayer } from '../beacon/beacon-schema.js';
import {
  emptyCounts,
  SCALAR_COUNTERS,
  STARTUP_BOUNDS_MS,
  type BucketCounts,
} from '../ingest/bucket.js';
import { toSafeTotal } from '../ingest/safe-sum.js';
import type { ViewerState } from '../ingest/viewer-delta.js';

const snake = (name: string): string =>
  name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** Scalar counter columns, in {@link SCALAR_COUNTERS} order (`http_bytes`, `p2p_bytes`, ...). */
export const SCALAR_COLUMNS: readonly string[] = SCALAR_COUNTERS.map(snake);
/** Startup histogram columns `startup_le_0` .. `startup_le_6` (the last one: slower than all bounds). */
export const HISTOGRAM_COLUMNS: readonly string[] = [...STARTUP_BOUNDS_MS, Infinity].map(
  (_, index) => `startup_le_${index}`,
);
/** Every counter column. */
export const COUNTER_COLUMNS: readonly string[] = [...SCALAR_COLUMNS, ...HISTOGRAM_COLUMNS];

/** The counters as column values, in {@link COUNTER_COLUMNS} order. */
export function countsToValues(counts: BucketCounts): number[] {
  return [...SCALAR_COUNTERS.map((name) => counts[name]), ...counts.startupHistogram];
}

/** Counters from a row whose counter columns carry their own names. */
export function countsFromRow(row: Record<string, unknown>): BucketCounts {
  const counts = emptyCounts();
  SCALAR_COUNTERS.forEach((name, index) => {
    counts[name] = toSafeTotal(row[SCALAR_COLUMNS[index] ?? '']);
  });
  counts.startupHistogram = HISTOGRAM_COLUMNS.map((column) => toSafeTotal(row[column]));
  return counts;
}

/** Viewer-state columns (see `ViewerState`). */
export const VIEWER_COLUMNS = [
  'id',
  't_ms',
  'http_bytes',
  'p2p_bytes',
  'upload_bytes',
  'seg_http',
  'seg_p2p',
  'seg_cache',
  'stalls',
  'stall_ms',
  'counted_minute_ms',
  'counted_swarm',
  'counted_engine',
  'counted_player',
  'startup_swarm',
  'startup_ms',
  'seen_at_ms',
] as const;

/** A viewer state as column values, in {@link VIEWER_COLUMNS} order. */
export function viewerToValues(state: ViewerState): (string | number)[] {
  return [
    state.id,
    state.tMs,
    state.httpBytes,
    state.p2pBytes,
    state.uploadBytes,
    state.segHttp,
    state.segP2p,
    state.segCache,
    state.stalls,
    state.stallMs,
    state.countedMinuteMs,
    state.countedSwarm,
    state.countedEngine,
    state.countedPlayer,
    state.startupSwarm,
    state.startupMs,
    state.seenAtMs,
  ];
}

const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' ? value : fallback;

/** A viewer state from a `viewers` row (numbers may come back as strings from PostgreSQL). */
export function viewerFromRow(row: Record<string, unknown>): ViewerState {
  const number = (column: string): number => Number(row[column] ?? 0);
  return {
    id: String(row['id']),
    tMs: number('t_ms'),
    httpBytes: number('http_bytes'),
    p2pBytes: number('p2p_bytes'),
    uploadBytes: number('upload_bytes'),
    segHttp: number('seg_http'),
    segP2p: number('seg_p2p'),
    segCache: number('seg_cache'),
    stalls: number('stalls'),
    stallMs: number('stall_ms'),
    countedMinuteMs: number('counted_minute_ms'),
    countedSwarm: text(row['counted_swarm'], ''),
    countedEngine: text(row['counted_engine'], 'native') as BeaconEngine,
    countedPlayer: text(row['counted_player'], 'unknown') as BeaconPlayer,
    startupSwarm: text(row['startup_swarm'], ''),
    startupMs: number('startup_ms'),
    seenAtMs: number('seen_at_ms'),
  };
}
