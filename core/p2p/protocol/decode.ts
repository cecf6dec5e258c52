/**
 * Decodes one received data channel message. The decoder trusts nothing: every length, count and
 * number is checked against the message and the {@link DecodeLimits} before it is used, and any
 * problem throws a `peer-protocol` {@link P2PMediaLoaderError} naming the message and field.
 */
import { P2PMediaLoaderError } from '../../errors.js';
import { ByteReader, protocolError } from './byte-reader.js';
import { FLAG_UPLOAD_DISABLED } from './encode.js';
import {
  ABSENT_REASONS,
  MAX_DIGEST_BYTES,
  MAX_REQUEST_ID,
  MESSAGE_TYPE_CODES,
  MIN_MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type DecodeLimits,
  type PeerMessage,
  type PeerMessageType,
} from './messages.js';
import { MAX_RANGE_END, rangeListsOverlap, type SegmentIdRange } from './segment-id-ranges.js';

const TYPE_BY_CODE = new Map<number, PeerMessageType>(
  Object.entries(MESSAGE_TYPE_CODES).map(([name, code]) => [code, name as PeerMessageType]),
);

/** Upper-case wire names used in error messages, matching docs/PROTOCOL.md. */
function wireName(type: PeerMessageType): string {
  return type.replace('-', '_').toUpperCase();
}

/**
 * Decodes `bytes` (one whole data channel message).
 * @param limits - what we accept; see {@link DecodeLimits}
 * @throws P2PMediaLoaderError with code `peer-protocol` for anything malformed or beyond `limits`
 */
export function decodeMessage(bytes: Uint8Array, limits: DecodeLimits): PeerMessage {
  if (!(bytes instanceof Uint8Array)) throw protocolError('message is not binary');
  if (bytes.length > limits.maxMessageBytes) {
    throw protocolError(
      `message of ${bytes.length} bytes exceeds the limit of ${limits.maxMessageBytes} bytes`,
    );
  }
  const reader = new ByteReader(bytes, 'header');
  const version = reader.byte('version');
  if (version !== PROTOCOL_VERSION) {
    throw protocolError(
      `unsupported protocol version ${version} (this peer speaks ${PROTOCOL_VERSION})`,
    );
  }
  const code = reader.byte('type');
  const type = TYPE_BY_CODE.get(code);
  if (type === undefined) throw protocolError(`unknown message type 0x${code.toString(16)}`);
  reader.context = wireName(type);
  const message = decodeBody(type, reader, limits);
  reader.end();
  return message;
}

function decodeBody(type: PeerMessageType, reader: ByteReader, limits: DecodeLimits): PeerMessage {
  switch (type) {
    case 'hello': {
      const protocolVersion = reader.varint('protocolVersion');
      if (protocolVersion < 1) throw reader.error('protocolVersion', 'is 0; versions start at 1');
      // Flags are a u32 bit set; bits this version does not know are future capabilities, ignored.
      const flags = reader.varint('flags', 0xffff_ffff);
      const maxMessageBytes = reader.varint('maxMessageBytes');
      if (maxMessageBytes < MIN_MAX_MESSAGE_BYTES) {
        throw reader.error(
          'maxMessageBytes',
          `is ${maxMessageBytes}, below ${MIN_MAX_MESSAGE_BYTES}`,
        );
      }
      return {
        type,
        protocolVersion,
        uploadDisabled: (flags & FLAG_UPLOAD_DISABLED) !== 0,
        maxMessageBytes,
      };
    }
    case 'segment-map':
      return {
        type,
        have: readRangeList(reader, 'have', limits),
        fetching: readRangeList(reader, 'fetching', limits),
      };
    case 'map-delta': {
      const added = readRangeList(reader, 'added', limits);
      const removed = readRangeList(reader, 'removed', limits);
      const fetchStarted = readRangeList(reader, 'fetchStarted', limits);
      const fetchEnded = readRangeList(reader, 'fetchEnded', limits);
      if (rangeListsOverlap(added, removed)) {
        throw reader.error('removed', 'overlaps added (an id cannot be added and removed at once)');
      }
      if (rangeListsOverlap(fetchStarted, fetchEnded)) {
        throw reader.error('fetchEnded', 'overlaps fetchStarted');
      }
      return { type, added, removed, fetchStarted, fetchEnded };
    }
    case 'request':
      return {
        type,
        requestId: readRequestId(reader),
        segmentId: reader.varint('segmentId'),
        byteOffset: reader.varint('byteOffset'),
      };
    case 'cancel':
      return { type, requestId: readRequestId(reader) };
    case 'absent': {
      const requestId = readRequestId(reader);
      const reasonCode = reader.varint('reason');
      const reason = ABSENT_REASONS[reasonCode];
      if (reason === undefined) throw reader.error('reason', `has unknown code ${reasonCode}`);
      return { type, requestId, reason };
    }
    case 'data-start': {
      const requestId = readRequestId(reader);
      const totalBytes = reader.varint('totalBytes');
      const byteOffset = reader.varint('byteOffset');
      if (byteOffset > totalBytes) {
        throw reader.error('byteOffset', `is ${byteOffset}, beyond totalBytes ${totalBytes}`);
      }
      const digestLength = reader.byte('digestLength');
      if (digestLength > MAX_DIGEST_BYTES) {
        throw reader.error('digestLength', `is ${digestLength}, above ${MAX_DIGEST_BYTES}`);
      }
      if (digestLength === 0) return { type, requestId, totalBytes, byteOffset };
      const digest = reader.bytesView('digest', digestLength).slice();
      return { type, requestId, totalBytes, byteOffset, digest };
    }
    case 'data-chunk': {
      const requestId = readRequestId(reader);
      if (reader.remaining === 0) throw reader.error('payload', 'is empty');
      return { type, requestId, payload: reader.rest() };
    }
  }
}

function readRequestId(reader: ByteReader): number {
  return reader.varint('requestId', MAX_REQUEST_ID);
}

/** See docs/PROTOCOL.md, "Range lists". */
function readRangeList(reader: ByteReader, field: string, limits: DecodeLimits): SegmentIdRange[] {
  const count = reader.varint(`${field}.count`);
  if (count > limits.maxRangesPerList) {
    throw reader.error(
      `${field}.count`,
      `is ${count}, above the limit of ${limits.maxRangesPerList}`,
    );
  }
  // Each range takes at least two bytes: reject impossible counts before allocating anything.
  if (count * 2 > reader.remaining) throw reader.error(field, 'is truncated');
  const ranges: SegmentIdRange[] = [];
  let previousEnd = 0;
  for (let index = 0; index < count; index++) {
    const gap = reader.elementVarint(field, index, 'gap');
    if (index > 0 && gap === 0) {
      throw reader.error(
        `${field}[${index}].gap`,
        'is 0: ranges must be ascending and not touch (merge them)',
      );
    }
    if (gap > MAX_RANGE_END - 1 - previousEnd)
      throw reader.error(`${field}[${index}].gap`, 'puts an id above 2^53 - 1');
    const start = previousEnd + gap;
    const length = reader.elementVarint(field, index, 'length');
    if (length === 0)
      throw reader.error(`${field}[${index}].length`, 'is 0: ranges must not be empty');
    if (length > MAX_RANGE_END - start)
      throw reader.error(`${field}[${index}].length`, 'puts an id above 2^53 - 1');
    previousEnd = start + length;
    ranges.push({ start, end: previousEnd });
  }
  return ranges;
}

/** True when `error` came from the decoder (or any other `peer-protocol` check). */
export function isProtocolError(error: unknown): error is P2PMediaLoaderError {
  return error instanceof P2PMediaLoaderError && error.code === 'peer-protocol';
}
