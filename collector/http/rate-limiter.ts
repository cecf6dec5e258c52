/**
 * Per-client rate limit of beacons: a token bucket per client key (its address, kept in memory
 * only, never stored). The map of clients is bounded: past `maxClients` the least recently seen
 * client is forgotten (it starts again with a full bucket, which only ever errs on the lenient side).
 */

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Beacons per second a client may send on average. Default 20 (a NAT of 600 viewers at 30 s). */
  readonly perSecond?: number;
  /** Beacons a client may send at once. Default 100. */
  readonly burst?: number;
  /** Clients remembered at most. Default 100,000. */
  readonly maxClients?: number;
  /** Clock, ms (default `performance.now`-like `Date.now`). */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/** Token buckets keyed by client. */
export class RateLimiter {
  private readonly clients = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(options: RateLimiterOptions = {}) {
    this.perMs = (options.perSecond ?? 20) / 1000;
    this.burst = options.burst ?? 100;
    this.maxClients = options.maxClients ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Clients remembered now. */
  get size(): number {
    return this.clients.size;
  }

  /** Takes one token of `client`; `false` when it has none left (answer 429). */
  take(client: string): boolean {
    const nowMs = this.now();
    const bucket = this.clients.get(client);
    let tokens = this.burst;
    if (bucket) {
      tokens = Math.min(this.burst, bucket.tokens + (nowMs - bucket.atMs) * this.perMs);
      // Re-inserted below: the map's order is least recently seen first.
      this.clients.delete(client);
    } else if (this.clients.size >= this.maxClients) {
      const oldest = this.clients.keys().next().value;
      if (oldest !== undefined) this.clients.delete(oldest);
    }
    const allowed = tokens >= 1;
    this.clients.set(client, { tokens: allowed ? tokens - 1 : tokens, atMs: nowMs });
    return allowed;
  }
}
