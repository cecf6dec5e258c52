/**
 * The seam between the engine and the P2P half: the engine asks it for the peers of a stream and
 * tells it which streams are playing; it owns swarms, tracker connections and uploads.
 */
import type { SegmentId } from '../model/segment.js';
import type { SegmentPeers } from '../scheduler/segment-peers.js';

/** The P2P network of one engine. */
export interface PeerNetwork {
  /** The peers of the stream's swarm, or undefined when the stream has no swarm (not active). */
  peersFor(streamKey: string): SegmentPeers | undefined;
  /** Joins the swarms of these streams and leaves the others (after a grace period). */
  setActiveStreams(streamKeys: readonly string[]): void;
  /** Records the SHA-256 of a stored segment, sent to peers along with its bytes. */
  rememberDigest(streamKey: string, segmentId: SegmentId, digest: Uint8Array): void;
  /** Peers connected over all swarms. */
  readonly peerCount: number;
  /** Leaves every swarm, closes peers and tracker sockets, stops timers. */
  destroy(): void;
}
