/**
 * SHA-256 digests of the segments in the store, sent to peers with the bytes. Entries leave with
 * their segments.
 */
import type { SegmentId } from '../../model/segment.js';
import type { SegmentStore } from '../../storage/segment-store.js';

function keyOf(streamKey: string, segmentId: SegmentId): string {
  return `${streamKey}\u0000${segmentId}`;
}

/** Digests by stream and segment, pruned as the store evicts. */
export class DigestBook {
  private readonly digests = new Map<string, Uint8Array>();
  private readonly unsubscribe: () => void;

  constructor(store: SegmentStore) {
    this.unsubscribe = store.onChange((change) => {
      if (change.type === 'removed') this.digests.delete(keyOf(change.streamKey, change.segmentId));
    });
  }

  /** Records the digest of a segment. */
  set(streamKey: string, segmentId: SegmentId, digest: Uint8Array): void {
    this.digests.set(keyOf(streamKey, segmentId), digest);
  }

  /** The digest of a segment, if known. */
  get(streamKey: string, segmentId: SegmentId): Uint8Array | undefined {
    return this.digests.get(keyOf(streamKey, segmentId));
  }

  /** Stops following the store and forgets everything. */
  destroy(): void {
    this.unsubscribe();
    this.digests.clear();
  }
}
