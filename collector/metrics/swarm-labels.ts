/**
 * Bounded label values for the `swarm` label: swarm ids come from viewers, so any number of them
 * may arrive, and each label value is a time series in Prometheus. At most `maxSwarms` swarms get
 * their own value (first come, and freed after `idleMs` without beacons); the rest share `other`.
 * Values are cut to `maxLength` characters.
 */

/** Label value of swarms past the limit. */
export const OTHER_SWARM = 'other';
/** Label value of viewers without a source yet (swarm `''`). */
export const NO_SWARM = 'none';

/** Options of {@link SwarmLabels}. */
export interface SwarmLabelsOptions {
  /** Swarms with a label of their own. Default 50. */
  readonly maxSwarms?: number;
  /** A label unused this long is freed, ms. Default one hour. */
  readonly idleMs?: number;
  /** Longest label value. Default 200. */
  readonly maxLength?: number;
  /** Clock, ms. */
  readonly now?: () => number;
}

/** Assigns and frees swarm label values. */
export class SwarmLabels {
  private readonly lastUsedMs = new Map<string, number>();
  private readonly maxSwarms: number;
  private readonly idleMs: number;
  private readonly maxLength: number;
  private readonly now: () => number;

  constructor(options: SwarmLabelsOptions = {}) {
    this.maxSwarms = options.maxSwarms ?? 50;
    this.idleMs = options.idleMs ?? 3_600_000;
    this.maxLength = options.maxLength ?? 200;
    this.now = options.now ?? Date.now;
  }

  /** The label value of `swarm` (its own, or {@link OTHER_SWARM} when the limit is reached). */
  labelOf(swarm: string): string {
    if (swarm === '') return NO_SWARM;
    const value = swarm.length > this.maxLength ? swarm.slice(0, this.maxLength) : swarm;
    if (value === OTHER_SWARM || value === NO_SWARM) return OTHER_SWARM;
    if (this.lastUsedMs.has(value) || this.lastUsedMs.size < this.maxSwarms) {
      this.lastUsedMs.set(value, this.now());
      return value;
    }
    return OTHER_SWARM;
  }

  /** Frees labels idle for longer than `idleMs`; returns them so their series can be removed. */
  expire(): string[] {
    const oldest = this.now() - this.idleMs;
    const freed: string[] = [];
    for (const [value, usedMs] of this.lastUsedMs) {
      if (usedMs < oldest) {
        this.lastUsedMs.delete(value);
        freed.push(value);
      }
    }
    return freed;
  }

  /** Label values in use. */
  get size(): number {
    return this.lastUsedMs.size;
  }
}
