/**
 * Measures how fast a peer delivers, as the scheduler needs it: bytes per second over the time at
 * least one of our requests to it was in flight (so waiting for a slow first byte counts, idle time
 * between requests does not). While busy, samples cover at least `minSampleMs`, because single
 * chunks arrive in bursts and would give absurd instantaneous rates; when the peer goes idle, what
 * was measured is a sample however short (a whole request is a meaningful measurement). Samples
 * feed an exponentially weighted moving average whose weight grows with the sample's duration, so
 * short samples move an established estimate little.
 */

/** Tuning of {@link ThroughputMeter}. */
export interface ThroughputMeterOptions {
  /** Time after which an old measurement weighs half as much as a new one, in ms. Default 2000. */
  readonly halfLifeMs?: number;
  /** Shortest busy time one sample covers, in ms. Default 200. */
  readonly minSampleMs?: number;
}

/** Bytes/s EWMA over busy time. Times are milliseconds from any monotonic clock. */
export class ThroughputMeter {
  private readonly halfLifeMs: number;
  private readonly minSampleMs: number;
  private average: number | undefined;
  private busySinceMs: number | undefined;
  private windowBusyMs = 0;
  private windowBytes = 0;

  constructor(options: ThroughputMeterOptions = {}) {
    this.halfLifeMs = options.halfLifeMs ?? 2000;
    this.minSampleMs = options.minSampleMs ?? 200;
  }

  /** The current estimate in bytes per second; undefined until the first sample. */
  get bytesPerSecond(): number | undefined {
    return this.average;
  }

  /** Busy time starts (a request went out while none was in flight). */
  start(nowMs: number): void {
    this.busySinceMs ??= nowMs;
  }

  /** Busy time ends (the last request in flight finished). */
  stop(nowMs: number): void {
    if (this.busySinceMs === undefined) return;
    this.windowBusyMs += nowMs - this.busySinceMs;
    this.busySinceMs = undefined;
    if (this.windowBytes > 0 && this.windowBusyMs > 0) this.sample(this.windowBusyMs);
  }

  /** `bytes` of payload arrived. */
  addBytes(bytes: number, nowMs: number): void {
    this.windowBytes += bytes;
    this.maybeSample(nowMs);
  }

  private maybeSample(nowMs: number): void {
    const busyMs =
      this.windowBusyMs + (this.busySinceMs === undefined ? 0 : nowMs - this.busySinceMs);
    if (busyMs < this.minSampleMs) return;
    this.sample(busyMs);
    if (this.busySinceMs !== undefined) this.busySinceMs = nowMs;
  }

  private sample(busyMs: number): void {
    const rate = (this.windowBytes * 1000) / busyMs;
    const weight = 1 - Math.pow(2, -busyMs / this.halfLifeMs);
    this.average =
      this.average === undefined ? rate : this.average + weight * (rate - this.average);
    this.windowBusyMs = 0;
    this.windowBytes = 0;
  }
}
