/**
 * One connection to a remote peer over a data channel: the handshake, both segment maps, our
 * requests to it and its requests to us (docs/PROTOCOL.md). A peer's bad behaviour never throws into
 * the caller: any malformed or out-of-order message closes the connection and is reported as an
 * `error` event (code `peer-protocol`) followed by `close`.
 */
import { P2PMediaLoaderError } from '../../errors.js';
import { TypedEmitter } from '../../events/typed-emitter.js';
import type { SegmentId } from '../../model/segment.js';
import { protocolError } from '../protocol/byte-reader.js';
import { decodeMessage, isProtocolError } from '../protocol/decode.js';
import { encodeDataChunk, encodeMessage, maxChunkPayloadBytes } from '../protocol/encode.js';
import {
  MAX_MAX_MESSAGE_BYTES,
  MAX_RANGES_PER_LIST,
  MIN_MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type DecodeLimits,
  type PeerMessage,
} from '../protocol/messages.js';
import { rangesFromIds, type SegmentIdRange } from '../protocol/segment-id-ranges.js';
import { splitMapDelta, splitSegmentMap } from '../protocol/split-map.js';
import { ChunkSender } from './chunk-sender.js';
import type { ConnectionPath } from './connection-path.js';
import {
  MAP_MESSAGE_BURST,
  MAP_MESSAGES_PER_SECOND,
  MAP_RANGE_BURST,
  MAP_RANGES_PER_SECOND,
} from './peer-limits.js';
import {
  OutgoingRequests,
  type PeerDownload,
  type PeerRequestOptions,
} from './outgoing-requests.js';
import type { PeerChannel } from './peer-channel.js';
import {
  resolvePeerConnectionOptions,
  type LocalSegmentMapDelta,
  type PeerConnectionEventMap,
  type PeerConnectionOptions,
  type ResolvedPeerConnectionOptions,
} from './peer-connection-options.js';
import { PeerRequestError } from './peer-request-error.js';
import { RemoteSegmentMap, type SegmentMapChange } from './remote-segment-map.js';
import { ServedRequests } from './served-requests.js';
import { ThroughputMeter } from './throughput-meter.js';
import { TokenBucket } from './token-bucket.js';

/** The connection's lifecycle: waiting for the peer's HELLO, usable, or closed for good. */
export type PeerConnectionState = 'handshaking' | 'ready' | 'closed';

/** A protocol session with one remote peer over one {@link PeerChannel}. */
export class PeerConnection extends TypedEmitter<PeerConnectionEventMap> {
  /** The remote peer's id. */
  readonly peerId: string;
  private readonly options: ResolvedPeerConnectionOptions;
  private readonly decodeLimits: DecodeLimits;
  private readonly remoteMap = new RemoteSegmentMap();
  private readonly outgoing: OutgoingRequests;
  private readonly served: ServedRequests;
  private readonly sender: ChunkSender;
  private readonly throughput = new ThroughputMeter();
  private readonly mapMessages: TokenBucket;
  private readonly mapRanges: TokenBucket;
  private readonly unsubscribers: (() => void)[];
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private stateValue: PeerConnectionState = 'handshaking';
  private remoteHello: { uploadDisabled: boolean; sendLimitBytes: number } | undefined;
  /**
   * Buffer every DATA_CHUNK is encoded into when the channel copies on send: one allocation per
   * connection instead of one per chunk (a fresh buffer per 16 KiB chunk, first-touched and then
   * garbage, was the largest cost of uploading on the page's main thread).
   */
  private sendScratch: Uint8Array | undefined;
  private uploaded = 0;
  private downloaded = 0;
  private pathValue: ConnectionPath = 'unknown';
  /** Bumped per stats read, so an older read that settles late cannot overwrite a newer one. */
  private pathReads = 0;

  /**
   * Takes over `channel` (open) and sends our HELLO at once.
   * @throws RangeError when an option is out of range
   */
  constructor(
    private readonly channel: PeerChannel,
    options: PeerConnectionOptions,
  ) {
    super();
    this.peerId = options.peerId;
    this.options = resolvePeerConnectionOptions(options);
    this.decodeLimits = {
      maxMessageBytes: Math.min(this.options.maxMessageBytes, channelLimit(channel)),
      maxRangesPerList: MAX_RANGES_PER_LIST,
    };
    this.outgoing = new OutgoingRequests(
      {
        send: (message) => {
          this.send(message);
        },
        onBytes: (bytes) => {
          this.downloaded += bytes;
          this.throughput.addBytes(bytes, this.options.now());
          this.emit('bytes-downloaded', { bytes });
        },
        onAbandonedBytes: (bytes) => {
          this.emit('abandoned-bytes-downloaded', { bytes });
        },
        onBusyChange: (busy) => {
          if (busy) this.throughput.start(this.options.now());
          else this.throughput.stop(this.options.now());
        },
        onTimeout: (requestId, segmentId) => {
          this.emit('request-timeout', { requestId, segmentId });
        },
      },
      {
        idleTimeoutMs: this.options.requestIdleTimeoutMs,
        maxInFlight: this.options.maxInFlightRequests,
        maxSegmentBytes: this.options.maxSegmentBytes,
        peerLabel: this.peerId,
        minBytesPerSecond: this.options.minTransferBytesPerSecond,
        rateWindowMs: this.options.transferRateWindowMs,
        maxDurationMs: this.options.maxRequestDurationMs,
        now: this.options.now,
      },
    );
    this.mapMessages = new TokenBucket(
      MAP_MESSAGES_PER_SECOND,
      MAP_MESSAGE_BURST,
      this.options.now,
    );
    this.mapRanges = new TokenBucket(MAP_RANGES_PER_SECOND, MAP_RANGE_BURST, this.options.now);
    this.sender = new ChunkSender(
      channel,
      {
        maxPayloadBytes: () =>
          maxChunkPayloadBytes(this.remoteHello?.sendLimitBytes ?? MIN_MAX_MESSAGE_BYTES),
        sendChunk: (requestId, payload) => {
          this.sendBytes(encodeDataChunk(requestId, payload, this.chunkScratch(payload.length)));
          if (this.stateValue === 'closed') return;
          this.uploaded += payload.length;
          this.emit('bytes-uploaded', { bytes: payload.length });
        },
        onFinished: (requestId) => {
          this.served.handleSent(requestId);
        },
      },
      {
        highWaterBytes: this.options.bufferedAmountHighWaterBytes,
        drainPollMs: this.options.drainPollMs,
      },
    );
    this.served = new ServedRequests(
      {
        send: (message) => {
          this.send(message);
        },
        offer: (request) => {
          if (!this.hasListeners('upload-request')) return false;
          this.emit('upload-request', request);
          return true;
        },
        onEnded: (requestId, segmentId, completed) => {
          this.emit('upload-ended', { requestId, segmentId, completed });
        },
      },
      this.sender,
      {
        uploadDisabled: this.options.uploadDisabled,
        maxConcurrent: this.options.maxConcurrentUploads,
        now: this.options.now,
      },
    );
    this.unsubscribers = [
      channel.onMessage((data) => {
        this.receive(data);
      }),
      channel.onClose(() => {
        this.shutDown(undefined, false);
      }),
      channel.onPathMayChange?.(() => {
        this.readPath();
      }) ?? (() => undefined),
    ];
    this.handshakeTimer = setTimeout(() => {
      this.fail(
        new P2PMediaLoaderError(
          'peer-protocol',
          `peer ${this.peerId} sent no HELLO within ${this.options.handshakeTimeoutMs} ms`,
        ),
      );
    }, this.options.handshakeTimeoutMs);
    this.send({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      uploadDisabled: this.options.uploadDisabled,
      maxMessageBytes: this.decodeLimits.maxMessageBytes,
    });
    // The channel is open, so ICE has selected a pair: one stats read tells the path.
    this.readPath();
  }

  /**
   * Whether the connection's packets go straight to the peer or through a TURN relay; `unknown`
   * until the channel's stats are read (shortly after construction) or when they do not tell.
   */
  get path(): ConnectionPath {
    return this.pathValue;
  }

  /** `handshaking` until the peer's HELLO arrives, then `ready`, finally `closed`. */
  get state(): PeerConnectionState {
    return this.stateValue;
  }

  /** True when the peer said it serves nothing. */
  get remoteUploadDisabled(): boolean {
    return this.remoteHello?.uploadDisabled ?? false;
  }

  /** Our requests in flight to the peer. */
  get inFlightRequestCount(): number {
    return this.outgoing.count;
  }

  /** The peer's requests we are answering. */
  get activeUploadCount(): number {
    return this.served.count;
  }

  /** Measured download rate from this peer in bytes/s (EWMA over busy time); undefined before any data. */
  get throughputBytesPerSecond(): number | undefined {
    return this.throughput.bytesPerSecond;
  }

  /** Segment bytes sent to the peer so far. */
  get uploadedBytes(): number {
    return this.uploaded;
  }

  /** Segment bytes received from the peer so far. */
  get downloadedBytes(): number {
    return this.downloaded;
  }

  /** True when the peer holds `segmentId` in full (per its last map). */
  remoteHas(segmentId: SegmentId): boolean {
    return this.remoteMap.has(segmentId);
  }

  /** True when the peer is downloading `segmentId` over HTTP (per its last map). */
  remoteIsFetching(segmentId: SegmentId): boolean {
    return this.remoteMap.isFetching(segmentId);
  }

  /** The peer's map as canonical ranges. */
  remoteSegmentMap(): { have: SegmentIdRange[]; fetching: SegmentIdRange[] } {
    return this.remoteMap.snapshot();
  }

  /** True when one of our requests for `segmentId` is in flight to this peer. */
  isRequesting(segmentId: SegmentId): boolean {
    return this.outgoing.isRequesting(segmentId);
  }

  /**
   * Asks the peer for a segment (or its tail from `byteOffset`). Several may be in flight. Resolves
   * with the bytes; rejects with a {@link PeerRequestError} whose `reason` says why (`absent`,
   * `busy`, `idle-timeout`, `too-many-requests`, `closed`, `aborted`), or a RangeError for an
   * invalid id or offset.
   */
  request(segmentId: SegmentId, options: PeerRequestOptions = {}): Promise<PeerDownload> {
    if (this.stateValue === 'closed') {
      return Promise.reject(
        new PeerRequestError('closed', `connection to peer ${this.peerId} is closed`),
      );
    }
    return this.outgoing.request(segmentId, options);
  }

  /**
   * Tells the peer about changes to our map. Before the handshake completes this does nothing (the
   * full map from `getLocalMap` goes out then).
   * @throws RangeError when an id is invalid or in both lists of a pair
   */
  announce(delta: LocalSegmentMapDelta): void {
    if (this.stateValue !== 'ready' || !this.remoteHello) return;
    const messages = splitMapDelta(
      {
        added: rangesFromIds(delta.added ?? []),
        removed: rangesFromIds(delta.removed ?? []),
        fetchStarted: rangesFromIds(delta.fetchStarted ?? []),
        fetchEnded: rangesFromIds(delta.fetchEnded ?? []),
      },
      this.remoteHello.sendLimitBytes,
    );
    // Encode all first so an invalid delta throws before anything is sent.
    const encoded = messages.map((message) => encodeMessage(message));
    for (const bytes of encoded) this.sendBytes(bytes);
  }

  /** Closes the channel, rejects requests in flight (`closed`), stops uploads and clears timers. */
  close(): void {
    this.shutDown(undefined, true);
  }

  /** Same as {@link PeerConnection.close}. */
  destroy(): void {
    this.close();
  }

  /** Reads the channel's path (one getStats) and emits `path` when it changed. */
  private readPath(): void {
    const { channel } = this;
    if (!channel.readPath || this.stateValue === 'closed') return;
    const readId = ++this.pathReads;
    void channel.readPath().then(
      (path) => {
        if (readId !== this.pathReads || this.isClosed() || path === this.pathValue) return;
        this.pathValue = path;
        this.emit('path', { path });
      },
      // A channel that breaks its promise not to reject leaves the path as it was.
      () => undefined,
    );
  }

  private receive(data: Uint8Array): void {
    if (this.stateValue === 'closed') return;
    try {
      this.dispatch(decodeMessage(data, this.decodeLimits));
    } catch (error) {
      if (isProtocolError(error)) this.fail(error);
      else throw error;
    }
  }

  private dispatch(message: PeerMessage): void {
    if (!this.remoteHello && message.type !== 'hello') {
      throw protocolError(`${message.type} before HELLO`);
    }
    switch (message.type) {
      case 'hello': {
        if (this.remoteHello) throw protocolError('second HELLO');
        clearTimeout(this.handshakeTimer);
        this.handshakeTimer = undefined;
        this.remoteHello = {
          uploadDisabled: message.uploadDisabled,
          sendLimitBytes: Math.min(message.maxMessageBytes, channelLimit(this.channel)),
        };
        this.stateValue = 'ready';
        this.sendLocalMap(this.remoteHello.sendLimitBytes);
        // A failed send closes the connection; `ready` must not follow `close`.
        if (this.isClosed()) return;
        this.emit('ready', {
          protocolVersion: Math.min(message.protocolVersion, PROTOCOL_VERSION),
          remoteUploadDisabled: message.uploadDisabled,
        });
        return;
      }
      case 'segment-map':
        this.takeMapTokens(message.have.length + message.fetching.length);
        this.mapChanged(this.remoteMap.applySnapshot(message));
        return;
      case 'map-delta':
        this.takeMapTokens(
          message.added.length +
            message.removed.length +
            message.fetchStarted.length +
            message.fetchEnded.length,
        );
        this.mapChanged(this.remoteMap.applyDelta(message));
        return;
      case 'request':
        this.served.handleRequest(message);
        return;
      case 'cancel':
        this.served.handleCancel(message);
        return;
      case 'absent':
        this.outgoing.handleAbsent(message);
        return;
      case 'data-start':
        this.outgoing.handleDataStart(message);
        return;
      case 'data-chunk':
        this.outgoing.handleDataChunk(message);
        return;
    }
  }

  /** Counts a map message of `rangeCount` ranges against the peer's map rates. */
  private takeMapTokens(rangeCount: number): void {
    if (!this.mapMessages.take()) {
      throw protocolError(
        `more than ${MAP_MESSAGE_BURST} map messages at once or ${MAP_MESSAGES_PER_SECOND} per second`,
      );
    }
    if (!this.mapRanges.take(rangeCount)) {
      throw protocolError(
        `map messages carry more than ${MAP_RANGE_BURST} ranges at once or ${MAP_RANGES_PER_SECOND} per second`,
      );
    }
  }

  /**
   * The decoder already bounds one message (1024 ranges per list, 256 KiB) and applying it is a
   * linear merge; these checks bound what the peer's map may hold in total.
   */
  private mapChanged(change: SegmentMapChange): void {
    if (this.remoteMap.rangeCount > this.options.maxRemoteMapRanges) {
      throw protocolError(`map holds more than ${this.options.maxRemoteMapRanges} ranges`);
    }
    if (this.remoteMap.idCount > this.options.maxRemoteMapIds) {
      throw protocolError(
        `map claims ${this.remoteMap.idCount} segments, more than the ${this.options.maxRemoteMapIds} allowed`,
      );
    }
    const { added, removed, fetchStarted, fetchEnded } = change;
    if (added.length + removed.length + fetchStarted.length + fetchEnded.length === 0) return;
    this.emit('remote-map', change);
  }

  private sendLocalMap(sendLimitBytes: number): void {
    const local = this.options.getLocalMap();
    const messages = splitSegmentMap(
      { have: rangesFromIds(local.have), fetching: rangesFromIds(local.fetching) },
      sendLimitBytes,
    );
    for (const message of messages) this.send(message);
  }

  /**
   * The reusable DATA_CHUNK buffer for a payload of `payloadBytes`, or undefined (a new buffer per
   * chunk) when the channel may keep what it is given, or the connection is closed.
   */
  private chunkScratch(payloadBytes: number): Uint8Array | undefined {
    if (this.channel.copiesOnSend !== true || this.stateValue === 'closed') return undefined;
    const neededBytes = Math.max(payloadBytes, this.remoteHello?.sendLimitBytes ?? 0) + 8;
    if (this.sendScratch === undefined || this.sendScratch.length < neededBytes) {
      this.sendScratch = new Uint8Array(neededBytes);
    }
    return this.sendScratch;
  }

  /** Sends a message we built; a failing channel closes the connection instead of throwing. */
  private send(message: PeerMessage): void {
    this.sendBytes(encodeMessage(message));
  }

  private sendBytes(bytes: Uint8Array): void {
    if (this.stateValue === 'closed') return;
    try {
      this.channel.send(bytes);
    } catch {
      // The channel is closing under us; its close event may come later, or never for a broken one.
      this.shutDown(undefined, true);
    }
  }

  /** Not a getter: TypeScript would keep narrowing `stateValue` across calls that close us. */
  private isClosed(): boolean {
    return this.stateValue === 'closed';
  }

  private fail(error: P2PMediaLoaderError): void {
    if (this.stateValue === 'closed') return;
    this.emit('error', error);
    this.shutDown(error, true);
  }

  private shutDown(reason: P2PMediaLoaderError | undefined, closeChannel: boolean): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.sender.destroy();
    this.served.closeAll();
    this.outgoing.closeAll(reason);
    this.remoteMap.clear();
    this.sendScratch = undefined;
    if (closeChannel) this.channel.close();
    this.emit('close', reason ? { reason } : {});
  }
}

/**
 * The channel's message size limit within the protocol's bounds. Unknown (0) means the protocol's
 * maximum. A channel below the protocol's minimum cannot carry it; its `send` will throw on a large
 * message and close the connection.
 */
function channelLimit(channel: PeerChannel): number {
  const limit = channel.maxMessageSize > 0 ? channel.maxMessageSize : MAX_MAX_MESSAGE_BYTES;
  return Math.max(MIN_MAX_MESSAGE_BYTES, Math.min(limit, MAX_MAX_MESSAGE_BYTES));
}
