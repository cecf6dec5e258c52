/**
 * What a virtual viewer reports: the playback figures the bench compares with Chromium viewers
 * (startup, stalls, bytes by source, ABR switches, request timing) and one record per delivered
 * segment (its SHA-256, so a test can prove the bytes equal the origin's). Plain JSON data.
 */
import type { BytesByPath } from '../../../core/model/stats.js';
import type { SegmentSource } from '../../../core/model/segment.js';

/** One segment request, as the player made it. */
export interface RequestRecord {
  /** Media sequence number. */
  readonly sequence: number;
  /** Level (index in ascending bitrate order). */
  readonly level: number;
  /** When the request started, ms after the viewer's `start()`. */
  readonly startMs: number;
  /**
   * When the request started, epoch ms (`performance.timeOrigin + performance.now()`), to place
   * it on a bench arm's timeline beside Chromium viewers' loads.
   */
  readonly startedAtEpochMs: number;
  /** The engine's stream key of the level (`main:<playlist path>`), as the hls.js adapter's. */
  readonly streamKey: string;
  /** Absolute URL of the segment. */
  readonly url: string;
  /** Where the segment starts on the viewer's media timeline, s. */
  readonly fragmentStartSeconds: number;
  /** The playhead when the request started, s. */
  readonly positionSeconds: number;
  /**
   * End of the buffered range holding the playhead when the request started, s; undefined when
   * none holds it (before startup, stalled): what a Chromium page's `bufferedEnd` records.
   */
  readonly bufferedEndSeconds?: number;
  /**
   * ms from the request's start to its deadline, the moment the buffer would run out (0 when the
   * buffer was already empty: before startup, or stalled). Chromium viewers' request timing is
   * compared on this figure.
   */
  readonly slackMs: number;
  /** ms until the segment was delivered (or the request failed). */
  readonly durationMs: number;
  /** Where the bytes came from; undefined for a failed attempt. */
  readonly source?: SegmentSource;
  /** Bytes delivered. */
  readonly bytes: number;
  /** Error code of a failed attempt. */
  readonly error?: string;
}

/** One segment handed to the (virtual) player. */
export interface DeliveredSegmentRecord {
  readonly sequence: number;
  readonly level: number;
  /** Absolute URL of the resource. */
  readonly url: string;
  /** Byte range inside `url`, half-open, when the playlist gives one. */
  readonly byteRange?: { readonly start: number; readonly end: number };
  /** Hex SHA-256 of the bytes delivered (empty when hashing is off). */
  readonly sha256: string;
  readonly bytes: number;
  readonly source: SegmentSource;
}

/**
 * A connection event of the viewer's engine: a peer connected or disconnected, a tracker connected
 * or failed. What a Chromium bench page traces, so the bench's diagnostics can tell a viewer that
 * never had a peer from one whose peers had nothing to give.
 */
export interface EngineConnectionEvent {
  /** Epoch ms of the event. */
  readonly atEpochMs: number;
  readonly event: 'peer-connected' | 'peer-disconnected' | 'tracker-connected' | 'tracker-error';
  /** The peer and the stream whose swarm it joined, for peer events. */
  readonly peerId?: string;
  readonly streamKey?: string;
  /** The tracker, for tracker events. */
  readonly trackerUrl?: string;
  /** The error code, for `tracker-error` and a `peer-disconnected` we caused. */
  readonly code?: string;
}

/** A peer the viewer's engine banned (its `peer-banned` event). */
export interface PeerBan {
  /** Epoch ms of the event. */
  readonly atEpochMs: number;
  readonly peerId: string;
  /** The ban's error code (e.g. `integrity-mismatch`). */
  readonly code: string;
}

/** Everything a viewer measured. */
export interface ViewerResult {
  /** The viewer's id. */
  readonly viewer: string;
  /** True while the viewer still runs (a snapshot, or results printed on SIGTERM). */
  readonly partial: boolean;
  /** ms from `start()` to the first buffered segment; undefined when playback never started. */
  readonly startupMs: number | undefined;
  readonly stalls: number;
  readonly stallMs: number;
  /** Buffer holes jumped (live window slid past the buffered end). */
  readonly gapsSkipped: number;
  /** Seconds of media played. */
  readonly playedSeconds: number;
  /** ms the viewer ran (start() to the result). */
  readonly runMs: number;
  /** Segments delivered to the player. */
  readonly segmentsPlayed: number;
  /** Level changes between consecutive fragments. */
  readonly levelSwitches: number;
  /** Level of each delivered segment, in order (compact: run-length as [level, count] pairs). */
  readonly levels: readonly (readonly [number, number])[];
  /** Bytes delivered to the player, by where they came from. */
  readonly deliveredBytes: { readonly http: number; readonly p2p: number; readonly cache: number };
  /** The engine's counters (network bytes, abandoned transfers included), 0 without engine. */
  readonly engineBytes: { readonly http: number; readonly p2p: number; readonly upload: number };
  /** The engine's P2P download bytes by connection path (direct, TURN-relayed), when it has any. */
  readonly p2pBytesByPath?: BytesByPath;
  /** Bytes of init segments and playlists (loaded by hls.js's own loader, never by the engine). */
  readonly otherHttpBytes: number;
  /** Peers connected at the end. */
  readonly peers: number;
  /** Segment request attempts that failed (retried as hls.js would). */
  readonly requestErrors: number;
  /** A fatal error (what hls.js would raise as fatal: retries exhausted), if any. */
  readonly fatalError?: string;
  /** Every segment request. */
  readonly requests: readonly RequestRecord[];
  /** Every delivered segment. */
  readonly segments: readonly DeliveredSegmentRecord[];
  /** Peers the engine banned (absent when none). */
  readonly peersBanned?: readonly PeerBan[];
  /**
   * The engine's peer and tracker connection events, oldest first, at most
   * {@link MAX_CONNECTION_EVENTS} (absent without an engine).
   */
  readonly connectionEvents?: readonly EngineConnectionEvent[];
}

/** Most connection events a virtual viewer keeps (a long churny run stays bounded). */
export const MAX_CONNECTION_EVENTS = 2000;
