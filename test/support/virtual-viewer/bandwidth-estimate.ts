/**
 * hls.js's bandwidth estimate, re-expressed: two exponentially weighted moving averages of the
 * throughput of each main fragment, weighted by its download time in seconds, one with a short
 * and one with a long half-life; the estimate is the smaller of the two (so it follows drops at
 * once and rises slowly). Before any sample it is the default estimate. Time to first byte is
 * averaged apart (hls.js subtracts it from a fragment's duration before sampling). Pure; no clock.
 */
import { HLSJS_DEFAULTS } from './hlsjs-defaults.js';

/** One exponentially weighted moving average with a half-life counted in sample weight. */
class WeightedAverage {
  private readonly alpha: number;
  private estimate = 0;
  private totalWeight = 0;

  /** @param halfLife - weight after which a sample counts half as much as a new one */
  constructor(readonly halfLife: number) {
    this.alpha = halfLife > 0 ? Math.exp(Math.log(0.5) / halfLife) : 0;
  }

  add(weight: number, value: number): void {
    const keep = this.alpha ** weight;
    this.estimate = value * (1 - keep) + keep * this.estimate;
    this.totalWeight += weight;
  }

  get weight(): number {
    return this.totalWeight;
  }

  /** The average, corrected for the bias towards 0 of a young average. */
  get value(): number {
    if (this.alpha === 0) return this.estimate;
    const correction = 1 - this.alpha ** this.totalWeight;
    return correction > 0 ? this.estimate / correction : this.estimate;
  }
}

/** Settings of a {@link BandwidthEstimate}. */
export interface BandwidthEstimateOptions {
  /** Half-life of the fast average, seconds of download time. */
  readonly fastHalfLifeSeconds: number;
  /** Half-life of the slow average, seconds of download time. */
  readonly slowHalfLifeSeconds: number;
  /** Estimate before any sample, bits per second. */
  readonly defaultEstimateBps: number;
}

/** The estimator settings hls.js uses by default for a live or a VOD stream. */
export function defaultBandwidthOptions(isLive: boolean): BandwidthEstimateOptions {
  const d = HLSJS_DEFAULTS;
  return {
    fastHalfLifeSeconds: isLive ? d.abrEwmaFastLiveSeconds : d.abrEwmaFastVodSeconds,
    slowHalfLifeSeconds: isLive ? d.abrEwmaSlowLiveSeconds : d.abrEwmaSlowVodSeconds,
    defaultEstimateBps: d.abrEwmaDefaultEstimateBps,
  };
}

/** The running bandwidth and time-to-first-byte estimates of one viewer. */
export class BandwidthEstimate {
  private readonly fast: WeightedAverage;
  private readonly slow: WeightedAverage;
  private readonly ttfb: WeightedAverage;
  private defaultBps: number;

  constructor(options: BandwidthEstimateOptions) {
    this.fast = new WeightedAverage(options.fastHalfLifeSeconds);
    this.slow = new WeightedAverage(options.slowHalfLifeSeconds);
    this.ttfb = new WeightedAverage(options.slowHalfLifeSeconds);
    this.defaultBps = options.defaultEstimateBps;
  }

  /**
   * Raises the default estimate to the manifest's first variant bitrate (capped at 5 Mbit/s), as
   * hls.js does when the application configured none and no sample came yet.
   */
  raiseDefaultTo(firstVariantBps: number): void {
    const raised = Math.min(firstVariantBps, HLSJS_DEFAULTS.abrEwmaDefaultEstimateMaxBps);
    if (raised > this.defaultBps && !this.canEstimate) this.defaultBps = raised;
  }

  /**
   * Adds one fragment: `bytes` transferred in `durationMs` (hls.js: from request to parsed, less
   * the time to first byte up to the TTFB estimate).
   */
  addSample(durationMs: number, bytes: number): void {
    if (bytes <= 0) return;
    const d = HLSJS_DEFAULTS;
    const minDelayMs = Math.min(d.ewmaMinDelayMs, bytes / d.ewmaMinDelayBytesPerMs);
    const seconds = Math.max(durationMs, minDelayMs) / 1000;
    const bps = (8 * bytes) / seconds;
    this.fast.add(seconds, bps);
    this.slow.add(seconds, bps);
  }

  /** Adds a time to first byte; long ones weigh less (a bell curve over seconds, as hls.js). */
  addTtfbSample(ttfbMs: number): void {
    const seconds = ttfbMs / 1000;
    const weight = Math.SQRT2 * Math.exp(-(seconds ** 2) / 2);
    this.ttfb.add(weight, Math.max(ttfbMs, 5));
  }

  /** True once a sample was added. */
  get canEstimate(): boolean {
    return this.fast.weight >= HLSJS_DEFAULTS.ewmaMinWeightSeconds;
  }

  /** The estimate in bits per second: min(fast, slow), or the default before any sample. */
  get estimateBps(): number {
    return this.canEstimate ? Math.min(this.fast.value, this.slow.value) : this.defaultBps;
  }

  /** The time-to-first-byte estimate in ms (100 ms before any sample). */
  get ttfbMs(): number {
    return this.ttfb.weight >= HLSJS_DEFAULTS.ewmaMinWeightSeconds
      ? this.ttfb.value
      : HLSJS_DEFAULTS.defaultTtfbMs;
  }
}
