/**
 * What a remote peer holds and is fetching, as it told us through SEGMENT_MAP and MAP_DELTA, with
 * the exact changes each message made (so the scheduler hears "peer X just got segment S" once).
 */
import type { SegmentId } from '../../model/segment.js';
import type { MapDeltaMessage, SegmentMapMessage } from '../protocol/messages.js';
import type { SegmentIdRange } from '../protocol/segment-id-ranges.js';
import { SegmentIdSet } from './segment-id-set.js';

/** The effect of one map message on the remote's map; every list is canonical and may be empty. */
export interface SegmentMapChange {
  /** Segments the remote newly holds. */
  readonly added: readonly SegmentIdRange[];
  /** Segments the remote no longer holds. */
  readonly removed: readonly SegmentIdRange[];
  /** HTTP downloads the remote newly started. */
  readonly fetchStarted: readonly SegmentIdRange[];
  /** HTTP downloads the remote finished or abandoned. */
  readonly fetchEnded: readonly SegmentIdRange[];
}

/** A remote peer's segment map. */
export class RemoteSegmentMap {
  private readonly have = new SegmentIdSet();
  private readonly fetching = new SegmentIdSet();

  /** True when the remote holds `id`. */
  has(id: SegmentId): boolean {
    return this.have.has(id);
  }

  /** True when the remote is downloading `id` over HTTP. */
  isFetching(id: SegmentId): boolean {
    return this.fetching.has(id);
  }

  /** Ranges held in both sets: the memory this map costs. */
  get rangeCount(): number {
    return this.have.rangeCount + this.fetching.rangeCount;
  }

  /** Ids claimed by both sets: what this map says the remote holds or fetches. */
  get idCount(): number {
    return this.have.idCount + this.fetching.idCount;
  }

  /** Snapshot of what the remote holds and fetches, as canonical ranges. */
  snapshot(): { have: SegmentIdRange[]; fetching: SegmentIdRange[] } {
    return { have: this.have.toRanges(), fetching: this.fetching.toRanges() };
  }

  /** Replaces the map with a SEGMENT_MAP's content. */
  applySnapshot(message: SegmentMapMessage): SegmentMapChange {
    const have = this.have.replace(message.have);
    const fetching = this.fetching.replace(message.fetching);
    return {
      added: have.added,
      removed: have.removed,
      fetchStarted: fetching.added,
      fetchEnded: fetching.removed,
    };
  }

  /** Applies a MAP_DELTA (its lists never overlap pairwise, so order does not matter). */
  applyDelta(message: MapDeltaMessage): SegmentMapChange {
    return {
      added: this.have.addAll(message.added),
      removed: this.have.removeAll(message.removed),
      fetchStarted: this.fetching.addAll(message.fetchStarted),
      fetchEnded: this.fetching.removeAll(message.fetchEnded),
    };
  }

  /** Forgets everything. */
  clear(): void {
    this.have.clear();
    this.fetching.clear();
  }
}
