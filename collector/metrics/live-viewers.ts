/**
 * Who is watching now, for gauges: each viewer's latest beacon for `expiryMs` (default two minutes,
 * four missed beacons at the default interval), at most `maxViewers` (the least recently heard is
 * forgotten beyond). In memory: each collector reports the viewers whose beacons it received.
 */
import type { CollectorBeacon } from '../beacon/beacon-schema.js';

/** Options of {@link LiveViewers}. */
export interface LiveViewersOptions {
  /** A viewer silent this long has left, ms. Default 120,000. */
  readonly expiryMs?: number;
  /** Viewers remembered at most. Default 200,000. */
  readonly maxViewers?: number;
  /** Clock, ms. */
  readonly now?: () => number;
}

/** Latest beacon per viewer. */
export class LiveViewers {
  private readonly latest = new Map<string, { beacon: CollectorBeacon; atMs: number }>();
  readonly expiryMs: number;
  private readonly maxViewers: number;
  private readonly now: () => number;

  constructor(options: LiveViewersOptions = {}) {
    this.expiryMs = options.expiryMs ?? 120_000;
    this.maxViewers = options.maxViewers ?? 200_000;
    this.now = options.now ?? Date.now;
  }

  /** Keeps `beacon` as its viewer's latest. */
  record(beacon: CollectorBeacon): void {
    this.latest.delete(beacon.id);
    this.latest.set(beacon.id, { beacon, atMs: this.now() });
    if (this.latest.size > this.maxViewers) {
      const oldest = this.latest.keys().next().value;
      if (oldest !== undefined) this.latest.delete(oldest);
    }
  }

  /** The latest beacons of viewers heard from within `expiryMs` (forgets older ones). */
  current(): CollectorBeacon[] {
    const oldestKept = this.now() - this.expiryMs;
    for (const [id, entry] of this.latest) {
      // Oldest first: the first fresh entry ends the scan.
      if (entry.atMs >= oldestKept) break;
      this.latest.delete(id);
    }
    return [...this.latest.values()].map((entry) => entry.beacon);
  }
}
