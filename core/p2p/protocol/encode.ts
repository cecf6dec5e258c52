/**
 * Encodes {@link PeerMessage}s to their wire form (docs/PROTOCOL.md). Encoding checks its input as
 * strictly as decoding does, so we never send a peer something it would reject; invalid input is a
 * programming error and throws a RangeError.
 */
import { ByteWriter } from './byte-writer.js';
import { varintByteLength, writeVarint } from './varint.js';
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
  const writer = new ByteWriter(initialCapacity(message));
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

/**
 * Encodes DATA_CHUNK (`requestId`, `payload`), byte for byte as {@link encodeMessage} does, into
 * the start of `scratch` when it is large enough, and returns the view of the message there: no
 * allocation and no fresh memory touched per chunk. Without `scratch`, or when it is too small, the
 * message gets a new buffer of its exact size. Reuse `scratch` for the next chunk only after the
 * returned bytes were copied away (a channel whose `send` copies, such as RTCDataChannel's).
 * @throws RangeError when `requestId` is not a u32 or `payload` is empty
 */
export function encodeDataChunk(
  requestId: number,
  payload: Uint8Array,
  scratch?: Uint8Array,
): Uint8Array {
  check(
    Number.isInteger(requestId) && requestId >= 0 && requestId <= MAX_REQUEST_ID,
    'requestId must be an unsigned 32-bit integer',
  );
  check(payload.length > 0, 'data-chunk.payload must not be empty');
  const messageBytes = 2 + varintByteLength(requestId) + payload.length;
  const target =
    scratch !== undefined && scratch.length >= messageBytes
      ? scratch.subarray(0, messageBytes)
      : new Uint8Array(messageBytes);
  target[0] = PROTOCOL_VERSION;
  target[1] = MESSAGE_TYPE_CODES['data-chunk'];
  target.set(payload, writeVarint(target, 2, requestId));
  return target;
}

/**
 * Buffer size to start encoding `message` with. A DATA_CHUNK (the bulk of all traffic) gets its
 * exact encoded size, so {@link ByteWriter.finish} hands the buffer over without a second copy of
 * the payload; an invalid request id falls back to the longest varint and fails in the encoder.
 */
function initialCapacity(message: PeerMessage): number {
  if (message.type !== 'data-chunk') return 64;
  const { requestId } = message;
  const idBytes =
    Number.isInteger(requestId) && requestId >= 0 && requestId <= MAX_REQUEST_ID
      ? varintByteLength(requestId)
      : 5;
  return 2 + idBytes + message.payload.length;
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
