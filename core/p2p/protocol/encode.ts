/**
 * Encodes {@link PeerMessage}s to their wire form (docs/PROTOCOL.md). Encoding checks its input as
 * strictly as decoding does, so we never send a peer something it would reject; invalid input is a
 * programming error and throws a RangeError.
 */
import { ByteWriter } from './byte-writer.js';
import {
  ABSENT_REASONS,
  MAX_DIGEST_BYTES,
  MAX_RANGES_PER_LIST,
  MAX_REQUEST_ID,
  MESSAGE_TYPE_CODES,
  MIN_MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type PeerMessage,
} from './messages.js';
import {
  findRangeListProblem,
  rangeListsOverlap,
  type SegmentIdRange,
} from './segment-id-ranges.js';

/** HELLO flag bit: the sender serves no segments. */
export const FLAG_UPLOAD_DISABLED = 1;

/** Version byte, type byte and the longest request id varint (u32: 5 bytes). */
const DATA_CHUNK_HEADER_BYTES = 2 + 5;

/**
 * Largest DATA_CHUNK payload that keeps the whole message within `maxMessageBytes`.
 * @throws RangeError when `maxMessageBytes` is below {@link MIN_MAX_MESSAGE_BYTES}
 */
export function maxChunkPayloadBytes(maxMessageBytes: number): number {
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < MIN_MAX_MESSAGE_BYTES) {
    throw new RangeError(`maxMessageBytes must be an integer >= ${MIN_MAX_MESSAGE_BYTES}`);
  }
  return maxMessageBytes - DATA_CHUNK_HEADER_BYTES;
}

/**
 * Encodes `message` into a new buffer: version byte, type byte, then the type's fields.
 * @throws RangeError when a field is out of range (negative, not an integer, too long a list, ...)
 */
export function encodeMessage(message: PeerMessage): Uint8Array {
  const writer = new ByteWriter(message.type === 'data-chunk' ? message.payload.length + 8 : 64);
  writer.byte(PROTOCOL_VERSION).byte(MESSAGE_TYPE_CODES[message.type]);
  switch (message.type) {
    case 'hello':
      check(
        Number.isSafeInteger(message.protocolVersion) && message.protocolVersion >= 1,
        'hello.protocolVersion must be an integer >= 1',
      );
      check(
        Number.isSafeInteger(message.maxMessageBytes) &&
          message.maxMessageBytes >= MIN_MAX_MESSAGE_BYTES,
        `hello.maxMessageBytes must be an integer >= ${MIN_MAX_MESSAGE_BYTES}`,
      );
      writer.varint(message.protocolVersion);
      writer.varint(message.uploadDisabled ? FLAG_UPLOAD_DISABLED : 0);
      writer.varint(message.maxMessageBytes);
      break;
    case 'segment-map':
      writeRangeList(writer, 'segment-map.have', message.have);
      writeRangeList(writer, 'segment-map.fetching', message.fetching);
      break;
    case 'map-delta':
      check(!rangeListsOverlap(message.added, message.removed), 'map-delta adds and removes an id');
      check(
        !rangeListsOverlap(message.fetchStarted, message.fetchEnded),
        'map-delta starts and ends the fetch of an id',
      );
      writeRangeList(writer, 'map-delta.added', message.added);
      writeRangeList(writer, 'map-delta.removed', message.removed);
      writeRangeList(writer, 'map-delta.fetchStarted', message.fetchStarted);
      writeRangeList(writer, 'map-delta.fetchEnded', message.fetchEnded);
      break;
    case 'request':
      writeRequestId(writer, message.requestId);
      writer.varint(safeCount(message.segmentId, 'request.segmentId'));
      writer.varint(safeCount(message.byteOffset, 'request.byteOffset'));
      break;
    case 'cancel':
      writeRequestId(writer, message.requestId);
      break;
    case 'absent': {
      writeRequestId(writer, message.requestId);
      const reasonCode = ABSENT_REASONS.indexOf(message.reason);
      check(reasonCode >= 0, 'absent.reason is not a known reason');
      writer.varint(reasonCode);
      break;
    }
    case 'data-start': {
      writeRequestId(writer, message.requestId);
      const total = safeCount(message.totalBytes, 'data-start.totalBytes');
      const offset = safeCount(message.byteOffset, 'data-start.byteOffset');
      check(offset <= total, 'data-start.byteOffset must not exceed totalBytes');
      const digest = message.digest ?? new Uint8Array(0);
      check(
        digest.length <= MAX_DIGEST_BYTES,
        `data-start.digest exceeds ${MAX_DIGEST_BYTES} bytes`,
      );
      writer.varint(total).varint(offset).byte(digest.length).bytes(digest);
      break;
    }
    case 'data-chunk':
      writeRequestId(writer, message.requestId);
      check(message.payload.length > 0, 'data-chunk.payload must not be empty');
      writer.bytes(message.payload);
      break;
  }
  return writer.finish();
}

function writeRequestId(writer: ByteWriter, requestId: number): void {
  check(
    Number.isInteger(requestId) && requestId >= 0 && requestId <= MAX_REQUEST_ID,
    'requestId must be an unsigned 32-bit integer',
  );
  writer.varint(requestId);
}

/** Range list: count, then per range the gap from the previous range's end (from 0 for the first) and the length. */
function writeRangeList(
  writer: ByteWriter,
  field: string,
  ranges: readonly SegmentIdRange[],
): void {
  check(
    ranges.length <= MAX_RANGES_PER_LIST,
    `${field} has more than ${MAX_RANGES_PER_LIST} ranges`,
  );
  const problem = findRangeListProblem(ranges);
  check(problem === undefined, `${field}: ${problem ?? ''}`);
  writer.varint(ranges.length);
  let previousEnd = 0;
  for (const range of ranges) {
    writer.varint(range.start - previousEnd).varint(range.end - range.start);
    previousEnd = range.end;
  }
}

function safeCount(value: number, field: string): number {
  check(Number.isSafeInteger(value) && value >= 0, `${field} must be a non-negative safe integer`);
  return value;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new RangeError(`encodeMessage: ${message}`);
}
