/**
 * Coalesces a swarm's segment-map announcements into one MAP_DELTA per peer per batch.
 *
 * Why: every RTCDataChannel `send` costs the sender's main thread a fixed price (a task hop to
 * the network thread) and the receiver one `message` task, whatever the message's size. A live
 * viewer announced each segment in up to three messages to every peer — "have + fetch ended" when
 * the segment was stored, "removed" for the segment the store evicted to make room (in the same
 * task), "fetch started" for the next one — so the announce path grew with swarm size and showed
 * up in the 30-viewer lab's profile above the segment data itself. Changes made in one task go out
 * together; MAP_DELTA already carries all four lists, so the wire format is unchanged.
 *
 * Within a batch the last change of a segment wins, per pair (have: added/removed; fetch:
 * started/ended): the receiver applies lists as set operations, so only the final state matters,
 * and an id never appears in both lists of a pair (which the encoder rejects).
 */
import type { SegmentId } from '../../model/segment.js';
import type { LocalSegmentMapDelta } from '../peer/peer-connection-options.js';

/** A segment's have-state change within a batch. */
type HaveChange = 'added' | 'removed';
/** A segment's fetch-state change within a batch. */
type FetchChange = 'started' | 'ended';

/** The map changes waiting to be announced, last change per segment and pair. */
export class MapAnnouncementBatch {
  private readonly have = new Map<SegmentId, HaveChange>();
  private readonly fetch = new Map<SegmentId, FetchChange>();

  /** True when nothing waits. */
  get isEmpty(): boolean {
    return this.have.size === 0 && this.fetch.size === 0;
  }

  /**
   * Adds a delta's changes, in the order added, removed, fetchStarted, fetchEnded (a delta never
   * names one id in both lists of a pair; the swarm's deltas hold one id each).
   */
  add(delta: LocalSegmentMapDelta): void {
    for (const id of delta.added ?? []) this.have.set(id, 'added');
    for (const id of delta.removed ?? []) this.have.set(id, 'removed');
    for (const id of delta.fetchStarted ?? []) this.fetch.set(id, 'started');
    for (const id of delta.fetchEnded ?? []) this.fetch.set(id, 'ended');
  }

  /** The batch as one delta (undefined when empty), and empties it. */
  take(): LocalSegmentMapDelta | undefined {
    if (this.isEmpty) return undefined;
    const added: SegmentId[] = [];
    const removed: SegmentId[] = [];
    const fetchStarted: SegmentId[] = [];
    const fetchEnded: SegmentId[] = [];
    for (const [id, change] of this.have) (change === 'added' ? added : removed).push(id);
    for (const [id, change] of this.fetch)
      (change === 'started' ? fetchStarted : fetchEnded).push(id);
    this.have.clear();
    this.fetch.clear();
    return { added, removed, fetchStarted, fetchEnded };
  }

  /** Drops what waits (the swarm is destroyed). */
  clear(): void {
    this.have.clear();
    this.fetch.clear();
  }
}
