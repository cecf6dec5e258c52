/**
 * The engine's public contract, declared apart from its implementation (as Shaka does with externs):
 * adapters for hls.js and Shaka and the player plugins depend on this interface only.
 */
import type { EngineEventMap } from '../events/engine-events.js';
import type { Listener } from '../events/typed-emitter.js';
import type {
  PlaybackState,
  Segment,
  SegmentSource,
  StreamDescriptor,
  StreamUpdate,
} from '../model/segment.js';
import type { EngineStats } from '../model/stats.js';
import type { EngineConfig } from './config.js';

/** Options of one `loadSegment` call. */
export interface LoadSegmentOptions {
  /** Aborting it cancels the request (HTTP or P2P) and rejects with an `aborted` error. */
  readonly signal?: AbortSignal;
  /** Called as bytes arrive: bytes received so far and the total when known. */
  readonly onProgress?: (loadedBytes: number, totalBytes: number | undefined) => void;
}

/** Timestamps of a delivery, in `performance.now()` milliseconds. */
export interface DeliveryTimings {
  /** When `loadSegment` was called. */
  readonly requestStartMs: number;
  /**
   * When the transfer that delivered the bytes started: later than `requestStartMs` when the
   * request waited for a peer or joined a download already under way. Bandwidth estimates should
   * measure from here, not from `requestStartMs`. Equal to `endMs` for store hits.
   */
  readonly transferStartMs: number;
  /** When the first byte arrived (equal to `endMs` for store hits). */
  readonly firstByteMs: number;
  /** When the segment was complete. */
  readonly endMs: number;
}

/** A segment delivered to the player. */
export interface LoadedSegment {
  /** The segment's bytes, identical to what the origin serves for it. */
  readonly data: ArrayBuffer;
  /** Where the bytes came from. */
  readonly source: SegmentSource;
  /** The peer that sent it, for `p2p`. */
  readonly peerId?: string;
  /** When it was requested, started and finished arriving. */
  readonly timings: DeliveryTimings;
}

/** The player-agnostic P2P engine as adapters see it. One instance per player. */
export interface SegmentEngine {
  /** The resolved configuration (defaults merged in, validated). */
  readonly config: Readonly<EngineConfig>;

  /**
   * Sets the source the player is playing. The swarm id is `config.swarmId` or else `manifestUrl`
   * without its query string and fragment. Changing the source forgets every stream and segment.
   */
  setSource(manifestUrl: string): void;

  /** Adds a stream or replaces its segment list (each live playlist refresh). */
  updateStream(stream: StreamDescriptor, update: StreamUpdate): void;

  /** Forgets a stream and its stored segments. */
  removeStream(streamKey: string): void;

  /** The stream playback uses now for its kind (after an ABR switch or an audio track change). */
  setActiveStream(stream: StreamDescriptor): void;

  /** Current playback position and rate; adapters call this on `timeupdate`, seeks and rate changes. */
  setPlayback(state: PlaybackState): void;

  /**
   * Delivers a segment's bytes: from the store, from peers or over HTTP, whichever the scheduler
   * decides; never bytes that differ from the origin's. A segment not yet listed for the stream is
   * accepted (and remembered). Rejects with a {@link P2PMediaLoaderError} when every source failed or
   * the request was aborted.
   */
  loadSegment(
    stream: StreamDescriptor,
    segment: Segment,
    options?: LoadSegmentOptions,
  ): Promise<LoadedSegment>;

  /**
   * Recent HTTP throughput in bits per second (moving average), or undefined before any HTTP
   * download. Adapters use it so ABR does not mistake peer or store deliveries for infinite bandwidth.
   */
  getHttpBandwidthEstimate(): number | undefined;

  /** A snapshot of the counters. */
  getStats(): EngineStats;

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof EngineEventMap>(event: K, listener: Listener<EngineEventMap, K>): () => void;

  /** Unsubscribes from an event. */
  off<K extends keyof EngineEventMap>(event: K, listener: Listener<EngineEventMap, K>): void;

  /** Stops everything: pending loads reject with `destroyed`, peers and tracker sockets close, timers stop. */
  destroy(): void;
}
