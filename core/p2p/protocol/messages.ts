/**
 * The messages peers exchange over a WebRTC data channel, as plain data. Their byte layout is
 * specified in docs/PROTOCOL.md and implemented by `encode.ts` / `decode.ts`.
 */
import type { SegmentId } from '../../model/segment.js';
import type { SegmentIdRange } from './segment-id-ranges.js';

/** The protocol version this implementation speaks (the highest and the only one so far). */
export const PROTOCOL_VERSION = 1;

/**
 * Every peer must accept messages of at least this many bytes. 1 KiB leaves room for every control
 * message (the largest fixed-size one, DATA_START with a 32-byte digest, is 56 bytes) and for a
 * useful slice of a segment map.
 */
export const MIN_MAX_MESSAGE_BYTES = 1024;

/**
 * Largest message size a peer may announce or be configured with. 256 KiB is what Chromium and
 * Firefox deliver reliably on one data channel; larger messages buy no throughput.
 */
export const MAX_MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Message size assumed for interoperability when nothing else is known: 16 KiB is the largest
 * message every browser's SCTP stack has delivered without fragmentation trouble.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024;

/** Longest digest DATA_START can carry (a SHA-256 is 32 bytes). */
export const MAX_DIGEST_BYTES = 32;

/**
 * Senders put at most this many ranges in one id list of one message (they split longer lists over
 * several messages), so receivers can bound memory before reading a list.
 */
export const MAX_RANGES_PER_LIST = 1024;

/** Request ids are unsigned 32-bit integers. */
export const MAX_REQUEST_ID = 0xffff_ffff;

/** Numeric codes of the message types on the wire (the second byte of every message). */
export const MESSAGE_TYPE_CODES = {
  hello: 0x01,
  'segment-map': 0x02,
  'map-delta': 0x03,
  request: 0x04,
  cancel: 0x05,
  absent: 0x06,
  'data-start': 0x07,
  'data-chunk': 0x08,
} as const;

/** Names of the message types, as used in {@link PeerMessage}'s `type`. */
export type PeerMessageType = keyof typeof MESSAGE_TYPE_CODES;

/** Why a peer answers a REQUEST with ABSENT. Codes on the wire: 0 and 1. */
export type AbsentReason =
  /** The sender does not have the segment (or the byte offset is beyond its end). */
  | 'not-found'
  /** The sender has it but serves no more requests right now (upload slots full); retry later. */
  | 'busy';

/** Wire codes of {@link AbsentReason}, by index. */
export const ABSENT_REASONS: readonly AbsentReason[] = ['not-found', 'busy'];

/** First message on a channel, in both directions: who we are and what we accept. */
export interface HelloMessage {
  readonly type: 'hello';
  /** Highest protocol version the sender speaks (it speaks every version from 1 up to it). */
  readonly protocolVersion: number;
  /** The sender will answer every REQUEST with ABSENT: do not ask it for segments. */
  readonly uploadDisabled: boolean;
  /** Largest message, in bytes, the sender accepts. At least {@link MIN_MAX_MESSAGE_BYTES}. */
  readonly maxMessageBytes: number;
}

/** Full snapshot of the sender's segments; replaces whatever the receiver knew. */
export interface SegmentMapMessage {
  readonly type: 'segment-map';
  /** Segments the sender holds in full and can serve. */
  readonly have: readonly SegmentIdRange[];
  /** Segments the sender is downloading over HTTP right now. */
  readonly fetching: readonly SegmentIdRange[];
}

/** Changes to the sender's segments since its last SEGMENT_MAP or MAP_DELTA. */
export interface MapDeltaMessage {
  readonly type: 'map-delta';
  /** Segments the sender now holds in full. */
  readonly added: readonly SegmentIdRange[];
  /** Segments the sender no longer holds. Never overlaps `added`. */
  readonly removed: readonly SegmentIdRange[];
  /** HTTP downloads the sender started. */
  readonly fetchStarted: readonly SegmentIdRange[];
  /** HTTP downloads the sender finished or abandoned. Never overlaps `fetchStarted`. */
  readonly fetchEnded: readonly SegmentIdRange[];
}

/** Asks for a segment, whole or from a byte offset on. */
export interface RequestMessage {
  readonly type: 'request';
  /** Chosen by the requester, unique among its requests in flight on this channel. u32. */
  readonly requestId: number;
  /** The segment wanted. */
  readonly segmentId: SegmentId;
  /** First byte wanted; 0 for the whole segment. */
  readonly byteOffset: number;
}

/** The requester no longer wants request `requestId`; the sender stops sending it. */
export interface CancelMessage {
  readonly type: 'cancel';
  readonly requestId: number;
}

/** The sender will not serve request `requestId`. Ends the request. */
export interface AbsentMessage {
  readonly type: 'absent';
  readonly requestId: number;
  /** Why; see {@link AbsentReason}. */
  readonly reason: AbsentReason;
}

/** Starts the answer to a request: the DATA_CHUNK messages of `requestId` follow. */
export interface DataStartMessage {
  readonly type: 'data-start';
  readonly requestId: number;
  /** Size of the whole segment, in bytes. */
  readonly totalBytes: number;
  /** Offset of the first byte the chunks carry; equals the REQUEST's `byteOffset`. At most `totalBytes`. */
  readonly byteOffset: number;
  /** Digest of the whole segment as the sender knows it (e.g. SHA-256), up to 32 bytes. */
  readonly digest?: Uint8Array;
}

/** Next bytes of a request's answer, directly following the previous chunk (or DATA_START's offset). */
export interface DataChunkMessage {
  readonly type: 'data-chunk';
  readonly requestId: number;
  /** Non-empty. When decoded, a view into the received message's buffer (no copy). */
  readonly payload: Uint8Array;
}

/** Any message of the protocol, discriminated by `type`. */
export type PeerMessage =
  | HelloMessage
  | SegmentMapMessage
  | MapDeltaMessage
  | RequestMessage
  | CancelMessage
  | AbsentMessage
  | DataStartMessage
  | DataChunkMessage;

/** Bounds the decoder enforces; anything beyond them is a protocol violation. */
export interface DecodeLimits {
  /**
   * Largest message accepted, in bytes, header included: what we announced in our HELLO.
   * {@link MIN_MAX_MESSAGE_BYTES}..{@link MAX_MAX_MESSAGE_BYTES}.
   */
  readonly maxMessageBytes: number;
  /** Most ranges one id list may hold. At least 1 (senders never exceed {@link MAX_RANGES_PER_LIST}). */
  readonly maxRangesPerList: number;
}

/** Limits for a receiver that accepts the largest messages the protocol allows. */
export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = {
  maxMessageBytes: MAX_MAX_MESSAGE_BYTES,
  maxRangesPerList: MAX_RANGES_PER_LIST,
};
