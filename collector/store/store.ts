/**
 * The storage contract of the collector. Two implementations: SQLite in one file (the default, one
 * collector) and PostgreSQL (several collectors behind a load balancer). Both keep minute buckets
 * per swarm, engine and player plus each viewer's last totals, and apply a batch of beacons in one
 * transaction: a crash loses at most the batch being written, never a stored bucket.
 */
import type { BeaconPlayer, CollectorBeacon } from '../beacon/beacon-schema.js';
import type { BucketCounts, BucketKey } from '../ingest/bucket.js';
import type { BeaconContribution } from '../ingest/viewer-delta.js';

/** A validated beacon and when it arrived (collector clock, ms since the epoch). */
export interface ReceivedBeacon {
  readonly beacon: CollectorBeacon;
  readonly atMs: number;
}

/** A time range, ms since the epoch, `fromMs` included, `toMs` excluded. */
export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Buckets of a range summed per step, optionally for one swarm. */
export interface SeriesQuery extends TimeRange {
  /** Step, ms (a multiple of a minute). */
  readonly stepMs: number;
  /** Only this swarm; every swarm when absent. */
  readonly swarm?: string;
}

/** One step of a series: the sums of the buckets whose minute falls in `[tMs, tMs + stepMs)`. */
export interface SeriesRow {
  readonly tMs: number;
  readonly counts: BucketCounts;
  /** Most viewers in one minute of the step. */
  readonly peakViewers: number;
}

/** One swarm's sums over a range. */
export interface SwarmRow {
  readonly swarm: string;
  readonly counts: BucketCounts;
  /** Most viewers in one minute of the range. */
  readonly peakViewers: number;
  /** Minutes of the range with at least one beacon. */
  readonly activeMinutes: number;
}

/** One player's sums over a range (`unknown`: beacons that did not name their player). */
export interface PlayerRow {
  readonly player: BeaconPlayer;
  readonly counts: BucketCounts;
  /** Most viewers of this player in one minute of the range. */
  readonly peakViewers: number;
  /** Minutes of the range with at least one beacon from this player. */
  readonly activeMinutes: number;
}

/** A stored bucket, as read back. */
export interface StoredBucket extends BucketKey {
  readonly counts: BucketCounts;
}

/** Where the collector keeps its buckets. */
export interface CollectorStore {
  /** `sqlite` or `postgres`. */
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Applies beacons in arrival order in one transaction: each viewer's deltas go into the minute
   * bucket of its arrival and its state is updated.
   * @returns what each beacon contributed (for the Prometheus counters)
   */
  apply(batch: readonly ReceivedBeacon[]): Promise<readonly BeaconContribution[]>;
  /** Per-step sums of a range. Steps without data are absent. */
  series(query: SeriesQuery): Promise<readonly SeriesRow[]>;
  /** Per-swarm sums of a range, most P2P bytes (CDN bytes saved) first, at most `limit`. */
  swarms(range: TimeRange, limit: number): Promise<readonly SwarmRow[]>;
  /** Per-player sums of a range, most P2P bytes first (one row per player heard from). */
  players(range: TimeRange): Promise<readonly PlayerRow[]>;
  /** Every bucket of a range, oldest first (tests, exports). */
  buckets(range: TimeRange): Promise<readonly StoredBucket[]>;
  /** Deletes buckets older than `beforeMs` and viewers not heard from since; returns buckets deleted. */
  prune(beforeMs: number): Promise<number>;
  /** Closes the database. Idempotent. */
  close(): Promise<void>;
}
