/**
 * Estimates HTTP throughput from completed (or partial) downloads, for ABR decisions that must not
 * count peer or store deliveries as bandwidth.
 *
 * Choice: an exponentially weighted moving average of each sample's bit rate, where a sample's
 * weight is its transfer time in seconds, so `halfLifeSeconds` means "the last N seconds of
 * downloading count for half of the estimate". Weighting by time (not by sample count) keeps one
 * tiny, fast segment from swinging the estimate as much as a long transfer does, and makes the
 * estimate's memory independent of segment duration. The sum is corrected for its zero start (the
 * weights seen so far do not add up to 1 yet), so the first sample is the estimate instead of a
 * fraction of it.
 */

/** Options of a {@link BandwidthEstimator}. */
export interface BandwidthEstimatorOptions {
  /** Transfer time after which a sample's weight halves, in seconds. Default 4. */
  readonly halfLifeSeconds?: number;
  /**
   * Samples smaller than this are ignored, in bytes: their duration is dominated by latency and
   * timer resolution, not by throughput. Default 16000.
   */
  readonly minSampleBytes?: number;
}

const DEFAULT_HALF_LIFE_SECONDS = 4;
const DEFAULT_MIN_SAMPLE_BYTES = 16_000;

/** Time-weighted exponential moving average of download throughput. */
export class BandwidthEstimator {
  private readonly decayPerSecond: number;
  private readonly minSampleBytes: number;
  private weightedBitsPerSecond = 0;
  /** Sum of decayed weights (0..1): 1 minus the part of the average still "empty". */
  private totalWeight = 0;

  /** @param options - half-life and minimum sample size; see {@link BandwidthEstimatorOptions} */
  constructor(options: BandwidthEstimatorOptions = {}) {
    const halfLifeSeconds = options.halfLifeSeconds ?? DEFAULT_HALF_LIFE_SECONDS;
    if (!(halfLifeSeconds > 0) || !Number.isFinite(halfLifeSeconds)) {
      throw new RangeError(`halfLifeSeconds must be a positive number, got ${halfLifeSeconds}`);
    }
    this.minSampleBytes = options.minSampleBytes ?? DEFAULT_MIN_SAMPLE_BYTES;
    this.decayPerSecond = Math.pow(0.5, 1 / halfLifeSeconds);
  }

  /**
   * Adds one measured transfer: `bytes` received in `durationMs` milliseconds. Samples below
   * `minSampleBytes`, with a non-positive duration or with non-finite values are ignored.
   */
  addSample(bytes: number, durationMs: number): void {
    if (!Number.isFinite(bytes) || !Number.isFinite(durationMs)) return;
    if (bytes < this.minSampleBytes || bytes <= 0 || durationMs <= 0) return;
    const seconds = durationMs / 1000;
    const bitsPerSecond = (bytes * 8) / seconds;
    const keep = Math.pow(this.decayPerSecond, seconds);
    this.weightedBitsPerSecond = keep * this.weightedBitsPerSecond + (1 - keep) * bitsPerSecond;
    this.totalWeight = keep * this.totalWeight + (1 - keep);
  }

  /** Current estimate in bits per second, or `undefined` before any usable sample. */
  estimateBitsPerSecond(): number | undefined {
    if (this.totalWeight === 0) return undefined;
    return this.weightedBitsPerSecond / this.totalWeight;
  }

  /** Forgets every sample. */
  reset(): void {
    this.weightedBitsPerSecond = 0;
    this.totalWeight = 0;
  }
}
