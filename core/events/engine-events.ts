/** The engine's public, typed events. */
import type { P2PMediaLoaderError } from '../errors.js';
import type { SegmentId, SegmentSource, TransferSource } from '../model/segment.js';
import type { MainThreadLoad } from '../engine/main-thread-lag.js';
import type { DeliveryVerification } from '../scheduler/segment-delivery.js';

/** Names a segment of a stream in event payloads. */
export interface SegmentRef {
  /** {@link StreamDescriptor.key} of the stream. */
  readonly streamKey: string;
  /** {@link SegmentId} of the segment. */
  readonly segmentId: SegmentId;
}

/** Payloads of the engine's events, by event name. */
export interface EngineEventMap {
  [event: string]: unknown;
  /** A segment was handed to the player. */
  'segment-loaded': SegmentRef & {
    /** Where the bytes came from. */
    readonly source: SegmentSource;
    /** Segment size in bytes. */
    readonly bytes: number;
    /** Time from request to completion, in milliseconds. */
    readonly durationMs: number;
    /** The peer that sent it, for `p2p`. */
    readonly peerId?: string;
    /** Peers whose bytes are part of the segment, in the order they sent them (empty: none). */
    readonly contributors: readonly string[];
    /**
     * How the bytes were checked before the player got them: `trusted` (the origin's hash
     * manifest), `peer-digest`, `none` (peers only, without trusted hashes) or `origin` (every
     * byte from the origin). Absent for `cache` (checked when stored).
     */
    readonly verified?: DeliveryVerification;
  };
  /**
   * Trusted segment hashes are not doing their job, while playback goes on: the hash manifest
   * could not be loaded or verified (`integrity-manifest`, or the HTTP error), or the origin's
   * bytes of a segment do not match its trusted hash (`segment-integrity`, with the segment; the
   * origin's bytes were delivered, as the origin is the authority, but are not shared with peers).
   */
  'integrity-warning': Partial<SegmentRef> & { readonly error: P2PMediaLoaderError };
  /** A segment request failed for the player (every fallback exhausted). */
  'segment-error': SegmentRef & {
    readonly source: TransferSource;
    readonly error: P2PMediaLoaderError;
  };
  /** The player (or the engine, for a prefetch) aborted a segment request. */
  'segment-aborted': SegmentRef;
  /** Bytes arrived from the network (counted as they arrive, including transfers later abandoned). */
  'bytes-downloaded': {
    readonly source: TransferSource;
    readonly bytes: number;
    readonly peerId?: string;
  };
  /** Bytes were sent to a peer. */
  'bytes-uploaded': { readonly bytes: number; readonly peerId: string };
  /** A peer connection opened in the swarm of a stream. */
  'peer-connected': { readonly peerId: string; readonly streamKey: string };
  /** A peer connection closed. `reason` is set when we closed it because it misbehaved. */
  'peer-disconnected': {
    readonly peerId: string;
    readonly streamKey: string;
    readonly reason?: P2PMediaLoaderError;
  };
  /** A peer misbehaved (malformed message, corrupt data) and was dropped. */
  'peer-error': { readonly peerId: string; readonly error: P2PMediaLoaderError };
  /**
   * A peer is banned for the engine's lifetime (bytes contradicting a trusted hash, or repeated
   * protocol violations): never chosen nor accepted again, disconnected now. Emitted once per peer.
   */
  'peer-banned': { readonly peerId: string; readonly error: P2PMediaLoaderError };
  /** A tracker failed or could not be reached. HTTP delivery is unaffected. */
  'tracker-error': { readonly trackerUrl: string; readonly error: P2PMediaLoaderError };
  /** A tracker connection (re)opened. */
  'tracker-connected': { readonly trackerUrl: string };
  /**
   * A stream's swarm grew past `swarmPeerCap` and this engine moved that stream one level down, to
   * the sub-swarm its peer id belongs to (`level` 1 or deeper; `infoHash` the sub-swarm's, 40 hex
   * characters). Its peer connections for the stream closed and new ones form there.
   */
  'swarm-split': { readonly streamKey: string; readonly level: number; readonly infoHash: string };
  /**
   * The engine's thread changed load level (`normal`, `strained`, `starved`; smoothed lateness in
   * `lagMs`): with `mainThreadBackoff` (default) P2P work backs off while it is not `normal`.
   * Emitted on every change, the return to `normal` included.
   */
  'main-thread-load': MainThreadLoad;
}
