/** Options, defaults and events of {@link PeerConnection}. */
import type { P2PMediaLoaderError } from '../../errors.js';
import type { SegmentId } from '../../model/segment.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  MAX_MAX_MESSAGE_BYTES,
  MIN_MAX_MESSAGE_BYTES,
} from '../protocol/messages.js';
import {
  ABSOLUTE_MAX_SEGMENT_BYTES,
  MAX_REMOTE_MAP_IDS,
  MAX_REMOTE_MAP_RANGES,
  MAX_REQUEST_DURATION_MS,
  MIN_TRANSFER_BYTES_PER_SECOND,
  TRANSFER_RATE_WINDOW_MS,
} from './peer-limits.js';
import type { ConnectionPath } from './connection-path.js';
import type { SegmentMapChange } from './remote-segment-map.js';
import type { UploadRequest } from './served-requests.js';

/** Our own segment map, as the connection sends it to the peer. */
export interface LocalSegmentMap {
  /** Segments we hold in full and serve. */
  readonly have: Iterable<SegmentId>;
  /** Segments we are downloading over HTTP right now. */
  readonly fetching: Iterable<SegmentId>;
}

/** Changes to our segment map, for {@link PeerConnection.announce}. An id must not be in both lists of a pair. */
export interface LocalSegmentMapDelta {
  /** Segments we now hold. */
  readonly added?: Iterable<SegmentId>;
  /** Segments we dropped. */
  readonly removed?: Iterable<SegmentId>;
  /** HTTP downloads we started. */
  readonly fetchStarted?: Iterable<SegmentId>;
  /** HTTP downloads we finished or abandoned. */
  readonly fetchEnded?: Iterable<SegmentId>;
}

/** Configuration of one {@link PeerConnection}. */
export interface PeerConnectionOptions {
  /** The remote peer's id (from the tracker); names it in events and errors. */
  readonly peerId: string;
  /** Our own peer id. */
  readonly localPeerId: string;
  /** Our map at the moment the handshake completes; later changes go through `announce`. */
  readonly getLocalMap: () => LocalSegmentMap;
  /** Announce that we serve nothing and answer every request ABSENT. Default false. */
  readonly uploadDisabled?: boolean;
  /**
   * Largest message we accept, announced in HELLO (capped by the channel's own maximum), in bytes.
   * 1024..262144. Default 16384, the size every browser handles.
   */
  readonly maxMessageBytes?: number;
  /** A request fails with `idle-timeout` when the peer sends nothing for it this long, in ms. Default 2000. */
  readonly requestIdleTimeoutMs?: number;
  /** The connection closes when the peer's HELLO has not arrived this long after opening, in ms. Default 10000. */
  readonly handshakeTimeoutMs?: number;
  /** Our requests in flight to this peer at once; more are rejected `too-many-requests`. Default 6. */
  readonly maxInFlightRequests?: number;
  /** The peer's requests we serve at once; more are answered ABSENT `busy`. Default 6. */
  readonly maxConcurrentUploads?: number;
  /**
   * Largest segment we accept from the peer, in bytes; a DATA_START announcing more is a protocol
   * violation. Default {@link ABSOLUTE_MAX_SEGMENT_BYTES} (64 MiB).
   */
  readonly maxSegmentBytes?: number;
  /** Most ranges the peer's map may hold; more is a protocol violation. Default 4096. */
  readonly maxRemoteMapRanges?: number;
  /** Most segment ids the peer's map may claim; more is a protocol violation. Default 65536. */
  readonly maxRemoteMapIds?: number;
  /**
   * A request fails with `too-slow` when fewer than this many bytes per second arrive over a
   * `transferRateWindowMs` window after DATA_START (and the segment is not done). Default 8192.
   */
  readonly minTransferBytesPerSecond?: number;
  /** Window of the transfer-rate check, in ms. Default 2000. */
  readonly transferRateWindowMs?: number;
  /** A request fails with `too-slow` when it has not completed this long after it was sent, in ms. Default 30000. */
  readonly maxRequestDurationMs?: number;
  /**
   * Upload sending pauses while the channel buffers more than this, in bytes. Default 256 KiB:
   * enough to keep the link busy between buffered-amount-low events, small enough that a request
   * queued behind the buffer gets its first byte well within the peer's idle timeout.
   */
  readonly bufferedAmountHighWaterBytes?: number;
  /** While paused, the channel buffer is also polled this often, in ms. Default 250. */
  readonly drainPollMs?: number;
  /** Monotonic clock in ms for throughput measurement. Default `performance.now`. */
  readonly now?: () => number;
}

/** {@link PeerConnectionOptions} with every default applied. */
export type ResolvedPeerConnectionOptions = Required<PeerConnectionOptions>;

/** Resolves defaults and checks ranges. @throws RangeError naming the option out of range */
export function resolvePeerConnectionOptions(
  options: PeerConnectionOptions,
): ResolvedPeerConnectionOptions {
  const resolved: ResolvedPeerConnectionOptions = {
    uploadDisabled: false,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    requestIdleTimeoutMs: 2000,
    handshakeTimeoutMs: 10_000,
    maxInFlightRequests: 6,
    maxConcurrentUploads: 6,
    maxSegmentBytes: ABSOLUTE_MAX_SEGMENT_BYTES,
    maxRemoteMapRanges: MAX_REMOTE_MAP_RANGES,
    maxRemoteMapIds: MAX_REMOTE_MAP_IDS,
    minTransferBytesPerSecond: MIN_TRANSFER_BYTES_PER_SECOND,
    transferRateWindowMs: TRANSFER_RATE_WINDOW_MS,
    maxRequestDurationMs: MAX_REQUEST_DURATION_MS,
    bufferedAmountHighWaterBytes: 256 * 1024,
    drainPollMs: 250,
    now: () => performance.now(),
    ...withoutUndefined(options),
    peerId: options.peerId,
    localPeerId: options.localPeerId,
    getLocalMap: options.getLocalMap,
  };
  checkInteger(
    'maxMessageBytes',
    resolved.maxMessageBytes,
    MIN_MAX_MESSAGE_BYTES,
    MAX_MAX_MESSAGE_BYTES,
  );
  checkInteger('requestIdleTimeoutMs', resolved.requestIdleTimeoutMs, 1, 600_000);
  checkInteger('handshakeTimeoutMs', resolved.handshakeTimeoutMs, 1, 600_000);
  checkInteger('maxInFlightRequests', resolved.maxInFlightRequests, 1, 1000);
  checkInteger('maxConcurrentUploads', resolved.maxConcurrentUploads, 0, 1000);
  checkInteger('maxSegmentBytes', resolved.maxSegmentBytes, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('maxRemoteMapRanges', resolved.maxRemoteMapRanges, 1, 10_000_000);
  checkInteger('maxRemoteMapIds', resolved.maxRemoteMapIds, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('minTransferBytesPerSecond', resolved.minTransferBytesPerSecond, 0, 1 << 30);
  checkInteger('transferRateWindowMs', resolved.transferRateWindowMs, 1, 600_000);
  checkInteger('maxRequestDurationMs', resolved.maxRequestDurationMs, 1, 3_600_000);
  checkInteger(
    'bufferedAmountHighWaterBytes',
    resolved.bufferedAmountHighWaterBytes,
    0,
    16 * 1024 * 1024,
  );
  checkInteger('drainPollMs', resolved.drainPollMs, 1, 60_000);
  return resolved;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`PeerConnection option ${name} must be an integer in ${min}..${max}`);
  }
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/** Payloads of {@link PeerConnection}'s events, by event name. */
export type PeerConnectionEventMap = {
  /** The peer's HELLO arrived: the connection is usable; our map is on its way. */
  ready: {
    /** Protocol version both sides use. */
    readonly protocolVersion: number;
    /** The peer serves nothing; do not request from it. */
    readonly remoteUploadDisabled: boolean;
  };
  /** The peer's map changed (a SEGMENT_MAP or MAP_DELTA arrived); lists what actually changed. */
  'remote-map': SegmentMapChange;
  /** The peer asks for a segment: answer with `respond` or `absent` (no listener: ABSENT). */
  'upload-request': UploadRequest;
  /** An upload to the peer ended: all bytes sent (`completed`), or refused or cancelled. */
  'upload-ended': {
    readonly requestId: number;
    readonly segmentId: SegmentId;
    readonly completed: boolean;
  };
  /** Segment bytes were handed to the channel for the peer. */
  'bytes-uploaded': { readonly bytes: number };
  /** Segment bytes arrived from the peer for one of our requests. */
  'bytes-downloaded': { readonly bytes: number };
  /**
   * Segment bytes arrived for a request we gave up (a late answer): dropped, not counted in
   * `downloadedBytes`, and bounded (see `MAX_BYTES_AFTER_CANCEL`).
   */
  'abandoned-bytes-downloaded': { readonly bytes: number };
  /**
   * The connection's path became known or changed (read from the channel's stats once the
   * connection is up, and again after ICE reconnects). Not emitted while it stays `unknown`.
   */
  path: { readonly path: ConnectionPath };
  /** One of our requests got no data for `requestIdleTimeoutMs`; it was cancelled. */
  'request-timeout': { readonly requestId: number; readonly segmentId: SegmentId };
  /** The peer violated the protocol; the connection closes right after. Code `peer-protocol`. */
  error: P2PMediaLoaderError;
  /** The connection closed (emitted once). `reason` is set when it closed because of an error. */
  close: { readonly reason?: P2PMediaLoaderError };
};
