/**
 * What the delivery of one segment needs from its stream's swarm. The swarm implements it; the
 * delivery runner and its tests depend on this interface only.
 */
import type { P2PMediaLoaderError } from '../errors.js';
import type { SegmentId } from '../model/segment.js';
import type { ConnectionPath } from '../p2p/peer/connection-path.js';
import type { PeerCandidate } from './request-plan.js';

/** Progress of our own download of a segment (from the origin or a peer), as announced to peers. */
export type FetchState = 'started' | 'succeeded' | 'failed';

/** Options of one request to a peer. */
export interface PeerRequestOptions {
  /** Resume from this byte of the segment (bytes before it are already held). */
  readonly byteOffset: number;
  readonly signal: AbortSignal;
  /** Called once when the peer starts sending: the segment's size and digest. */
  readonly onStart: (info: PeerResponse) => void;
  /** Every chunk as it arrives, in order. */
  readonly onChunk: (chunk: Uint8Array) => void;
}

/** A peer's answer: the segment's total size and, when the sender knows it, its SHA-256. */
export interface PeerResponse {
  readonly totalBytes: number;
  readonly digest?: Uint8Array;
}

/** The peers of one stream, as seen by the delivery of a segment. */
export interface SegmentPeers {
  /** Peers connected now (whatever they hold). */
  readonly peerCount: number;
  /**
   * True when the trackers report no other member of the swarm and no peer is connected or
   * connecting: there is nobody to wait for, so the join's warm-up no longer holds segments back.
   */
  readonly alone: boolean;
  /** Peers that have or are fetching `segmentId`, excluding peers that failed us recently. */
  candidates(segmentId: SegmentId): PeerCandidate[];
  /**
   * How the connection to `peerId` travels (direct, through a TURN relay, or unknown), for counting
   * P2P bytes by path; `unknown` for a peer not connected. Optional: without it every path is
   * `unknown`.
   */
  pathOf?(peerId: string): ConnectionPath;
  /** Requests the segment from a peer; chunks flow through `onChunk`. */
  request(peerId: string, segmentId: SegmentId, options: PeerRequestOptions): Promise<PeerResponse>;
  /**
   * Tells the peers about our download of the segment, from the origin or from a peer (a viewer
   * that sees it waits for our copy instead of fetching its own): `started`; `failed` (or abandoned);
   * `succeeded`, after which the swarm announces the end of the fetch together with "have" once
   * the segment is stored, so no peer ever sees a moment where nobody has nor fetches it.
   */
  announceFetch(segmentId: SegmentId, state: FetchState): void;
  /** Calls `listener` when a peer gets, starts fetching or stops fetching the segment, or leaves. */
  onAvailabilityChange(segmentId: SegmentId, listener: () => void): () => void;
  /**
   * A segment holding bytes from this peer passed every check (the trusted hash, or the untrusted
   * checks): the peer's probation ends, and it may have several of our requests at once.
   */
  vouch(peerId: string): void;
  /** Stops choosing a peer for a while because it failed us (slow, silent, corrupt data). */
  penalize(peerId: string, reason: P2PMediaLoaderError): void;
  /**
   * Never choose or accept this peer again for the page's lifetime, and disconnect it: its bytes
   * were proven wrong against the origin's (or the origin's trusted hash). Emits `peer-banned`.
   */
  ban(peerId: string, reason: P2PMediaLoaderError): void;
}
