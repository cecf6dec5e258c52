/** A byte rate over a sliding time window, from byte counts reported as they happen. */

/** One report: when, and how many bytes. */
interface ByteSample {
  readonly atMs: number;
  readonly bytes: number;
}

/**
 * Bytes per second over the last `windowMs`: the bytes reported in the window divided by the
 * window's length (so a transfer that began 1 s ago reads as a fifth of its rate in a 5 s window,
 * as a meter over a fixed span should).
 */
export class RateWindow {
  private samples: ByteSample[] = [];

  /**
   * @param windowMs - length of the window in ms
   * @param now - clock in ms (default `Date.now`)
   */
  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Notes `bytes` arriving now. */
  add(bytes: number): void {
    const atMs = this.now();
    this.prune(atMs);
    this.samples.push({ atMs, bytes });
  }

  /** Bytes per second over the window ending now. */
  bytesPerSecond(): number {
    this.prune(this.now());
    let bytes = 0;
    for (const sample of this.samples) bytes += sample.bytes;
    return bytes / (this.windowMs / 1000);
  }

  /** Forgets every sample. */
  clear(): void {
    this.samples = [];
  }

  private prune(nowMs: number): void {
    const oldest = nowMs - this.windowMs;
    const firstKept = this.samples.findIndex((sample) => sample.atMs > oldest);
    if (firstKept === -1) this.samples = [];
    else if (firstKept > 0) this.samples = this.samples.slice(firstKept);
  }
}
