/**
 * A token bucket: `ratePerSecond` tokens flow in, at most `burst` are kept. Used to hold a peer's
 * message rates (maps, requests) to what the protocol allows while letting short bursts through.
 */

/** Counts events against a sustained rate plus a burst allowance. */
export class TokenBucket {
  private tokens: number;
  private refilledAtMs: number;

  /**
   * @param ratePerSecond - tokens added per second
   * @param burst - tokens held at most (the bucket starts full)
   * @param now - monotonic clock in ms
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst;
    this.refilledAtMs = now();
  }

  /** Takes `count` tokens (default 1); false (and nothing taken) when fewer are left. */
  take(count = 1): boolean {
    const now = this.now();
    const elapsedMs = Math.max(0, now - this.refilledAtMs);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.ratePerSecond);
    this.refilledAtMs = now;
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }
}
