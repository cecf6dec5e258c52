/**
 * Latency statistics that client processes can merge: a log-bucketed histogram (about 2 % relative
 * precision, fixed memory whatever the sample count), and the rate and percentile arithmetic of the
 * report. Pure: no clock, no I/O.
 *
 * Why a histogram and not raw samples: at tens of thousands of offers per second for minutes, raw
 * samples would be millions of numbers per process to send to the parent; bucket counts merge by
 * addition and stay a few hundred entries.
 */

/** Smallest latency told apart, in ms; anything lower lands in the first bucket. */
const MIN_MS = 0.01;
/** Ratio between neighbouring bucket bounds: a percentile is off by at most 2 %. */
const GROWTH = 1.02;
/** Buckets from MIN_MS up to about 10 min; anything larger lands in the last bucket. */
const BUCKETS = Math.ceil(Math.log(600_000 / MIN_MS) / Math.log(GROWTH)) + 1;

/** A histogram as sent between processes: bucket index -> count (only non-empty buckets). */
export interface HistogramSnapshot {
  readonly counts: Readonly<Record<string, number>>;
  readonly total: number;
  readonly maxMs: number;
}

/** Latency percentiles in ms; undefined when nothing was measured. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number | undefined;
  readonly p90Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly maxMs: number | undefined;
}

/** A mergeable latency histogram. */
export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private totalCount = 0;
  private largestMs = 0;

  /** Records one latency (negative values, from clock skew, count as 0). */
  record(latencyMs: number): void {
    const value = Number.isFinite(latencyMs) ? Math.max(0, latencyMs) : 0;
    const index = bucketOf(value);
    this.counts.set(index, (this.counts.get(index) ?? 0) + 1);
    this.totalCount++;
    if (value > this.largestMs) this.largestMs = value;
  }

  /** Samples recorded. */
  get count(): number {
    return this.totalCount;
  }

  /** Adds another histogram's (or snapshot's) counts to this one. */
  merge(other: HistogramSnapshot): void {
    for (const [key, count] of Object.entries(other.counts)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= BUCKETS || !(count > 0)) continue;
      this.counts.set(index, (this.counts.get(index) ?? 0) + count);
      this.totalCount += count;
    }
    if (other.maxMs > this.largestMs) this.largestMs = other.maxMs;
  }

  /** The counts, for another process to merge. */
  snapshot(): HistogramSnapshot {
    const counts: Record<string, number> = {};
    for (const [index, count] of this.counts) counts[String(index)] = count;
    return { counts, total: this.totalCount, maxMs: this.largestMs };
  }

  /**
   * The latency below which `fraction` (0..1) of the samples lie: the upper bound of the bucket
   * holding that rank, capped at the largest sample. Undefined when empty.
   */
  percentile(fraction: number): number | undefined {
    if (this.totalCount === 0) return undefined;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, fraction)) * this.totalCount));
    let seen = 0;
    for (const index of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(index) ?? 0;
      if (seen >= rank) return Math.min(upperBoundOf(index), this.largestMs);
    }
    return this.largestMs;
  }

  /** p50, p90, p99 and max. */
  summary(): LatencySummary {
    return {
      count: this.totalCount,
      p50Ms: this.percentile(0.5),
      p90Ms: this.percentile(0.9),
      p99Ms: this.percentile(0.99),
      maxMs: this.totalCount === 0 ? undefined : this.largestMs,
    };
  }
}

function bucketOf(latencyMs: number): number {
  if (latencyMs <= MIN_MS) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(latencyMs / MIN_MS) / Math.log(GROWTH)));
}

function upperBoundOf(index: number): number {
  return MIN_MS * GROWTH ** index;
}

/** Events per second over a window; 0 for an empty window. */
export function perSecond(count: number, windowMs: number): number {
  return windowMs > 0 ? (count * 1000) / windowMs : 0;
}

/**
 * Bytes per 10,000 peers from two RSS readings: the growth from `idleBytes` (no peers) to
 * `loadedBytes` (`peers` connected), scaled. Undefined when a reading is missing or no peer counted.
 */
export function bytesPer10kPeers(
  idleBytes: number | undefined,
  loadedBytes: number | undefined,
  peers: number,
): number | undefined {
  if (idleBytes === undefined || loadedBytes === undefined || peers <= 0) return undefined;
  return ((loadedBytes - idleBytes) * 10_000) / peers;
}

/** Splits `total` into `parts` integers that differ by at most one, larger first. */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, index) => base + (index < extra ? 1 : 0));
}
