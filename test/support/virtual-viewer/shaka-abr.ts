/**
 * Shaka Player's default ABR (`shaka.abr.SimpleAbrManager` with its `EwmaBandwidthEstimator`) as
 * pure logic with the clock passed in: two EWMAs of segment throughput weighted by download
 * seconds (half-lives 2 s and 5 s), the smaller one counts once 128 kB were sampled; variants
 * chosen by the bandwidth-range rule (stay while estimate ≥ bandwidth / 0.95, go up when
 * estimate ≥ next bandwidth / 0.85); a new choice at most every `switchInterval` (8 s) after the
 * first good estimate. Facts from Shaka 5.2.12's `lib/abr/`, no code copied. See
 * docs/VIRTUAL-VIEWERS.md ("Shaka model").
 */
import type { ShakaModelConfig } from './shaka-defaults.js';

/** One exponentially weighted moving average with a half-life (Shaka's `Ewma`). */
class Ewma {
  private readonly alpha: number;
  private estimate = 0;
  private totalWeight = 0;

  constructor(halfLife: number) {
    this.alpha = Math.exp(Math.log(0.5) / halfLife);
  }

  sample(weight: number, value: number): void {
    const adjustedAlpha = this.alpha ** weight;
    const next = value * (1 - adjustedAlpha) + adjustedAlpha * this.estimate;
    if (Number.isNaN(next)) return;
    this.estimate = next;
    this.totalWeight += weight;
  }

  /** The estimate corrected for its zero start. */
  get value(): number {
    return this.estimate / (1 - this.alpha ** this.totalWeight);
  }
}

/** Shaka's `EwmaBandwidthEstimator`. */
export class ShakaBandwidthEstimator {
  private readonly fast: Ewma;
  private readonly slow: Ewma;
  private bytesSampled = 0;

  constructor(private readonly advanced: ShakaModelConfig['abr']['advanced']) {
    this.fast = new Ewma(advanced.fastHalfLife);
    this.slow = new Ewma(advanced.slowHalfLife);
  }

  /** A download of `bytes` that took `durationMs`; samples under `minBytes` are ignored. */
  sample(durationMs: number, bytes: number): void {
    if (bytes < this.advanced.minBytes || !(durationMs > 0)) return;
    const bandwidthBps = (8000 * bytes) / durationMs;
    const weightSeconds = durationMs / 1000;
    this.bytesSampled += bytes;
    this.fast.sample(weightSeconds, bandwidthBps);
    this.slow.sample(weightSeconds, bandwidthBps);
  }

  /** True once `minTotalBytes` were sampled. */
  hasGoodEstimate(): boolean {
    return this.bytesSampled >= this.advanced.minTotalBytes;
  }

  /** min(fast, slow), or `defaultBps` before a good estimate. */
  estimateBps(defaultBps: number): number {
    if (!this.hasGoodEstimate()) return defaultBps;
    return Math.min(this.fast.value, this.slow.value);
  }
}

/** A variant as ABR sees it: its index in ascending order and its total bandwidth. */
export interface AbrVariant {
  /** Index in the ascending-bandwidth list. */
  readonly index: number;
  /** Video + audio bandwidth, bits/s. */
  readonly bandwidthBps: number;
}

/**
 * `SimpleAbrManager.chooseVariant` at playback rate 1: in ascending bandwidth order, a variant is
 * chosen when the estimate lies in [bandwidth / downgradeTarget, next distinct bandwidth /
 * upgradeTarget]; the last such wins; the lowest when none does. Returns the index chosen.
 *
 * @param variants - sorted by ascending bandwidth
 */
export function chooseVariant(
  variants: readonly AbrVariant[],
  estimateBps: number,
  abr: Pick<ShakaModelConfig['abr'], 'bandwidthDowngradeTarget' | 'bandwidthUpgradeTarget'>,
): number {
  let chosen = variants[0];
  if (!chosen) return 0;
  variants.forEach((item, i) => {
    const minBps = item.bandwidthBps / abr.bandwidthDowngradeTarget;
    const next = variants.slice(i + 1).find((v) => v.bandwidthBps !== item.bandwidthBps);
    const maxBps = (next?.bandwidthBps ?? Infinity) / abr.bandwidthUpgradeTarget;
    if (
      chosen &&
      estimateBps >= minBps &&
      estimateBps <= maxBps &&
      chosen.bandwidthBps !== item.bandwidthBps
    ) {
      chosen = item;
    }
  });
  return chosen.index;
}

/** Shaka's SimpleAbrManager for one viewer; times in ms on the caller's clock. */
export class ShakaAbr {
  private readonly estimator: ShakaBandwidthEstimator;
  private lastTimeChosenMs: number | undefined;
  private startupComplete = false;

  /**
   * @param config - the resolved Shaka configuration
   * @param variants - ascending bandwidth
   * @param defaultEstimateBps - the estimate before a good one (`defaultBandwidthEstimate`, or
   *   the NetworkInformation downlink, see SHAKA_CONSTANTS)
   */
  constructor(
    private readonly config: ShakaModelConfig,
    private readonly variants: readonly AbrVariant[],
    private readonly defaultEstimateBps: number,
  ) {
    this.estimator = new ShakaBandwidthEstimator(config.abr.advanced);
  }

  /** The current estimate, bits/s. */
  get estimateBps(): number {
    return this.estimator.estimateBps(this.defaultEstimateBps);
  }

  /** The player's initial choice at load (`chooseVariant`), which starts the switch interval. */
  initialChoice(nowMs: number): number {
    this.lastTimeChosenMs = nowMs;
    return chooseVariant(this.variants, this.estimateBps, this.config.abr);
  }

  /**
   * A segment response was sampled (`segmentDownloaded`): `deltaMs` as Shaka's networking engine
   * reports it. Returns the variant to switch to when ABR makes a choice now (it may be the
   * current one), else undefined.
   */
  segmentDownloaded(deltaMs: number, bytes: number, nowMs: number): number | undefined {
    const { abr } = this.config;
    if (deltaMs >= abr.cacheLoadThreshold) this.estimator.sample(deltaMs, bytes);
    if (this.lastTimeChosenMs === undefined || !abr.enabled) return undefined;
    if (!this.startupComplete) {
      if (!this.estimator.hasGoodEstimate()) return undefined;
      this.startupComplete = true;
      this.lastTimeChosenMs -= (abr.switchInterval - abr.minTimeToSwitch) * 1000;
    }
    if (nowMs - this.lastTimeChosenMs < abr.switchInterval * 1000) return undefined;
    this.lastTimeChosenMs = nowMs;
    return chooseVariant(this.variants, this.estimateBps, abr);
  }
}
