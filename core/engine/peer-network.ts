/**
 * The seam between the engine and the P2P half: the engine asks it for the peers of a stream and
 * tells it which streams are playing; it owns swarms, tracker connections and uploads.
 */
import type { EngineEventMap } from '../events/engine-events.js';
import type { SegmentId } from '../model/segment.js';
import type { ConnectionPath } from '../p2p/peer/connection-path.js';
import type { SegmentPeers } from '../scheduler/segment-peers.js';
import type { SegmentStore } from '../storage/segment-store.js';
import type { EngineConfig } from './config.js';
import type { MainThreadLagMonitor, MainThreadLevel } from './main-thread-lag.js';

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

/** What the engine gives the P2P half when it starts one for a source. */
export interface PeerNetworkContext {
  readonly config: Readonly<EngineConfig>;
  readonly swarmId: string;
  readonly store: SegmentStore;
  readonly emit: <K extends keyof EngineEventMap>(event: K, payload: EngineEventMap[K]) => void;
  /** Counts bytes sent to a peer, with the path of the connection they went over. */
  readonly recordUpload: (bytes: number, path: ConnectionPath) => void;
  /**
   * How loaded the engine's thread is now, as P2P work should take it (always `normal` when
   * `mainThreadBackoff` is off): uploads and new connections back off while it is not `normal`
   * (see `UploadLimiter` and `TrackerSignallingOptions.holdsNewConnections`). Cheap: read it at
   * each decision. Absent (older callers, tests): `normal`.
   */
  readonly mainThreadLevel?: () => MainThreadLevel;
  /**
   * The peer id this engine presents in all its swarms (40 hex characters). Absent: a fresh random
   * one (`createPeerId`). Tests set it to place peers in known sub-swarms (`swarmPeerCap`).
   */
  readonly localPeerId?: string;
}

/** Internal dependencies, replaceable for tests and for builds without P2P. */
export interface EngineDependencies {
  /** Starts the P2P half for a source. Default: swarms over WebTorrent trackers and WebRTC. */
  readonly createPeerNetwork?: (context: PeerNetworkContext) => PeerNetwork;
  /** `fetch` for the HTTP loader. */
  readonly fetch?: typeof fetch;
  /**
   * The probe of the engine's thread (tests inject one with a fake clock). The engine owns it: it
   * starts and stops it and destroys it with itself. Default: a new `MainThreadLagMonitor`.
   */
  readonly mainThreadLag?: MainThreadLagMonitor;
}
