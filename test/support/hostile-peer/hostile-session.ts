/**
 * One hostile connection: speaks the real wire protocol (core/p2p/protocol's codec) over one data
 * channel, and misbehaves as its {@link HostileBehaviour} says. It never throws into the caller:
 * whatever the viewer sends (or fails to), the session only records and carries on.
 */
import { createHash } from 'node:crypto';
import type { PeerChannel } from '../../../core/p2p/peer/peer-channel.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  MAX_MAX_MESSAGE_BYTES,
  MAX_RANGES_PER_LIST,
  MAX_RANGE_END,
  PROTOCOL_VERSION,
  decodeMessage,
  encodeMessage,
  maxChunkPayloadBytes,
  type PeerMessage,
  type SegmentIdRange,
} from '../../../core/p2p/protocol/index.js';
import { tamperSegment } from './segment-tamper.js';

/**
 * How the hostile peer misbehaves:
 * - `wrong-bytes`: serves self-consistent wrong segments (the origin's bytes with their media
 *   payload altered, container intact, and the SHA-256 of the altered bytes as digest);
 * - `stalled-prefix`: announces the real size and digest, sends a prefix, then goes silent;
 * - `oversized-map`: adds ~60k single-id ranges to its claim through MAP_DELTAs (each within the
 *   protocol's per-list limit), so the viewer's copy of its map would grow to ~60k ranges, then
 *   claims `[0, 2^53)`; serves wrong bytes like `wrong-bytes` to whoever still asks.
 */
export type HostileBehaviour = 'wrong-bytes' | 'stalled-prefix' | 'oversized-map';

/**
 * Ids claimed by the `wrong-bytes` and `stalled-prefix` behaviours: every id a test stream uses
 * (HLS media sequence numbers and DASH `$Number$`s start near 0; 4096 segments of 2 s are over two
 * hours of live), and few enough that a viewer does not refuse the map for its size alone.
 */
export const PLAUSIBLE_CLAIM: SegmentIdRange = { start: 0, end: 4096 };
/** Single-id ranges the `oversized-map` behaviour adds to its claim. */
export const OVERSIZED_MAP_RANGES = 60_000;
/** Share of a segment `stalled-prefix` sends before going silent. */
const PREFIX_SHARE = 0.3;
/** Sending pauses while the channel buffers more than this, bytes. */
const SEND_HIGH_WATER_BYTES = 1024 * 1024;

/** What happened on one connection; times are epoch ms. */
export interface HostileSessionRecord {
  /** The viewer's peer id. */
  readonly viewerPeerId: string;
  readonly streamKey: string;
  readonly openedAtMs: number;
  /** The viewer's HELLO arrived. */
  helloAtMs: number | undefined;
  /** REQUESTs received. */
  requests: number;
  /** Segments whose answer began (DATA_START sent). */
  segmentsStarted: number;
  /** Segments sent in full with altered bytes. */
  wrongSegmentsSent: number;
  /** Segment payload bytes sent. */
  bytesSent: number;
  /** When the first altered (or truncated) byte left. */
  firstBadByteAtMs: number | undefined;
  /** Segments started before the first bad byte left, plus that one: 1 means the first one. */
  segmentsUntilFirstBadByte: number | undefined;
  /** Map ranges announced (SEGMENT_MAP plus MAP_DELTA lists). */
  mapRangesSent: number;
  /** Messages from the viewer the codec rejected. */
  undecodable: number;
  /** When the channel closed (the viewer dropped or banned us, or we were destroyed). */
  closedAtMs: number | undefined;
}

/** What a session needs from its hostile peer. */
export interface HostileSessionOptions {
  readonly behaviour: HostileBehaviour;
  readonly streamKey: string;
  readonly viewerPeerId: string;
  /** The origin's bytes of a segment, or undefined when unknown. */
  readonly segment: (streamKey: string, segmentId: number) => Promise<Uint8Array | undefined>;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One hostile connection. Create it on an open channel; `close()` ends it. */
export class HostileSession {
  readonly record: HostileSessionRecord;
  private readonly unsubscribers: (() => void)[] = [];
  private remoteMaxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  private readonly cancelled = new Set<number>();
  private closed = false;

  constructor(
    private readonly channel: PeerChannel,
    private readonly options: HostileSessionOptions,
  ) {
    this.record = {
      viewerPeerId: options.viewerPeerId,
      streamKey: options.streamKey,
      openedAtMs: Date.now(),
      helloAtMs: undefined,
      requests: 0,
      segmentsStarted: 0,
      wrongSegmentsSent: 0,
      bytesSent: 0,
      firstBadByteAtMs: undefined,
      segmentsUntilFirstBadByte: undefined,
      mapRangesSent: 0,
      undecodable: 0,
      closedAtMs: undefined,
    };
    this.unsubscribers.push(
      channel.onMessage((data) => {
        this.receive(data);
      }),
      channel.onClose(() => {
        this.markClosed();
      }),
    );
    this.send({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      uploadDisabled: false,
      maxMessageBytes: MAX_MAX_MESSAGE_BYTES,
    });
  }

  /** True once the channel closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the channel. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.markClosed();
    this.channel.close();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.record.closedAtMs = Date.now();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  /** Sends `message`; false when the channel refused it (closed, too large). */
  private send(message: PeerMessage): boolean {
    if (this.closed) return false;
    try {
      this.channel.send(encodeMessage(message));
      return true;
    } catch {
      return false;
    }
  }

  private receive(data: Uint8Array): void {
    let message: PeerMessage;
    try {
      message = decodeMessage(data, {
        maxMessageBytes: MAX_MAX_MESSAGE_BYTES,
        maxRangesPerList: MAX_RANGES_PER_LIST,
      });
    } catch {
      this.record.undecodable++;
      return;
    }
    switch (message.type) {
      case 'hello':
        if (this.record.helloAtMs !== undefined) return;
        this.record.helloAtMs = Date.now();
        this.remoteMaxMessageBytes = message.maxMessageBytes;
        this.announce();
        return;
      case 'request':
        this.record.requests++;
        void this.answer(message.requestId, message.segmentId, message.byteOffset);
        return;
      case 'cancel':
        this.cancelled.add(message.requestId);
        return;
      default:
        return; // maps, deltas, answers: a liar does not care what others have
    }
  }

  private announce(): void {
    if (this.send({ type: 'segment-map', have: [PLAUSIBLE_CLAIM], fetching: [] })) {
      this.record.mapRangesSent += 1;
    }
    if (this.options.behaviour !== 'oversized-map') return;
    // Single ids at every other id past the plausible claim, each its own range, in deltas within
    // the protocol's per-list limit and the viewer's message size: the viewer's copy of the map
    // would grow by one range per id. Then a claim of every possible id.
    const perMessage = Math.min(
      MAX_RANGES_PER_LIST,
      // Each range costs at most two 3-byte varints in the message.
      Math.floor((this.remoteMaxMessageBytes - 16) / 6),
    );
    for (let first = 0; first < OVERSIZED_MAP_RANGES; first += perMessage) {
      const added: SegmentIdRange[] = [];
      for (let index = first; index < Math.min(OVERSIZED_MAP_RANGES, first + perMessage); index++) {
        const id = PLAUSIBLE_CLAIM.end + 1 + index * 2;
        added.push({ start: id, end: id + 1 });
      }
      const sent = this.send({
        type: 'map-delta',
        added,
        removed: [],
        fetchStarted: [],
        fetchEnded: [],
      });
      if (!sent) return;
      this.record.mapRangesSent += added.length;
    }
    if (
      this.send({ type: 'segment-map', have: [{ start: 0, end: MAX_RANGE_END }], fetching: [] })
    ) {
      this.record.mapRangesSent += 1;
    }
  }

  private async answer(requestId: number, segmentId: number, byteOffset: number): Promise<void> {
    let original: Uint8Array | undefined;
    try {
      original = await this.options.segment(this.options.streamKey, segmentId);
    } catch {
      original = undefined;
    }
    if (original === undefined || byteOffset > original.length) {
      this.send({ type: 'absent', requestId, reason: 'not-found' });
      return;
    }
    const stalled = this.options.behaviour === 'stalled-prefix';
    const served = stalled ? original : tamperSegment(original).bytes;
    const started = this.send({
      type: 'data-start',
      requestId,
      totalBytes: served.length,
      byteOffset,
      digest: sha256(served),
    });
    if (!started) return;
    this.record.segmentsStarted++;
    const end = stalled
      ? Math.max(byteOffset + 1, Math.floor(served.length * PREFIX_SHARE))
      : served.length;
    const chunkBytes = maxChunkPayloadBytes(
      Math.min(
        this.remoteMaxMessageBytes,
        this.channel.maxMessageSize || DEFAULT_MAX_MESSAGE_BYTES,
      ),
    );
    for (let offset = byteOffset; offset < Math.min(end, served.length); offset += chunkBytes) {
      while (!this.closed && this.channel.bufferedAmount > SEND_HIGH_WATER_BYTES) await delay(10);
      if (this.closed || (!stalled && this.cancelled.has(requestId))) return;
      const payload = served.subarray(offset, Math.min(offset + chunkBytes, end, served.length));
      if (!this.send({ type: 'data-chunk', requestId, payload })) return;
      this.record.bytesSent += payload.length;
      if (this.record.firstBadByteAtMs === undefined) {
        this.record.firstBadByteAtMs = Date.now();
        this.record.segmentsUntilFirstBadByte = this.record.segmentsStarted;
      }
    }
    if (!stalled) this.record.wrongSegmentsSent++;
    // stalled-prefix: nothing more is ever sent for this request, CANCEL or not.
  }
}
