import { P2PMediaLoaderError } from '../../../../core/errors.js';
import {
  DEFAULT_DECODE_LIMITS,
  decodeMessage,
  type DecodeLimits,
} from '../../../../core/p2p/protocol/index.js';

/** Bytes from a hex string with optional spaces. */
function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

/** Decodes and returns the error thrown, failing the test when nothing is thrown. */
function decodeError(
  input: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): P2PMediaLoaderError {
  try {
    decodeMessage(input, limits);
  } catch (error) {
    if (error instanceof P2PMediaLoaderError) return error;
    throw error;
  }
  throw new Error('decodeMessage accepted malformed input');
}

// Each case: description, message bytes (hex), words the error message must contain.
const cases: [string, string, RegExp][] = [
  ['empty message', '', /header field version is truncated/],
  ['version only', '01', /header field type is truncated/],
  ['version 0', '00 04 01 01 00', /unsupported protocol version 0/],
  ['future version byte', '02 04 01 01 00', /unsupported protocol version 2/],
  ['unknown type 0x00', '01 00', /unknown message type 0x0/],
  ['unknown type 0x09', '01 09 00', /unknown message type 0x9/],
  ['unknown type 0xff', '01 ff', /unknown message type 0xff/],
  // HELLO
  ['HELLO truncated', '01 01 01 00', /HELLO field maxMessageBytes is truncated/],
  ['HELLO protocolVersion 0', '01 01 00 00 80 08', /HELLO field protocolVersion is 0/],
  [
    'HELLO maxMessageBytes below 1024',
    '01 01 01 00 ff 07',
    /HELLO field maxMessageBytes is 1023, below 1024/,
  ],
  [
    'HELLO flags above u32',
    '01 01 01 80 80 80 80 10 80 08',
    /HELLO field flags is 4294967296, above the maximum 4294967295/,
  ],
  ['HELLO trailing byte', '01 01 01 00 80 08 00', /HELLO has 1 trailing byte/],
  // varints
  [
    'varint overlong (0x80 0x00)',
    '01 05 80 00',
    /CANCEL field requestId is a non-canonical \(overlong\) varint/,
  ],
  [
    'varint longer than 8 bytes',
    '01 04 01 ff ff ff ff ff ff ff ff 01 00',
    /REQUEST field segmentId is a varint longer than 8 bytes/,
  ],
  [
    'varint above 2^53 - 1',
    '01 04 01 80 80 80 80 80 80 80 10 00',
    /REQUEST field segmentId is 9007199254740992, above the maximum 9007199254740991/,
  ],
  ['varint cut mid-way', '01 04 01 ff', /REQUEST field segmentId is truncated/],
  // REQUEST / CANCEL / ABSENT
  [
    'REQUEST id above u32',
    '01 04 80 80 80 80 10 00 00',
    /REQUEST field requestId is 4294967296, above the maximum 4294967295/,
  ],
  ['REQUEST missing byteOffset', '01 04 01 05', /REQUEST field byteOffset is truncated/],
  ['REQUEST trailing bytes', '01 04 01 05 00 00 00', /REQUEST has 2 trailing byte/],
  ['CANCEL empty', '01 05', /CANCEL field requestId is truncated/],
  ['ABSENT unknown reason', '01 06 01 02', /ABSENT field reason has unknown code 2/],
  ['ABSENT missing reason', '01 06 01', /ABSENT field reason is truncated/],
  // DATA_START
  [
    'DATA_START offset beyond total',
    '01 07 01 05 06 00',
    /DATA_START field byteOffset is 6, beyond totalBytes 5/,
  ],
  [
    'DATA_START digest too long',
    '01 07 01 05 00 21' + '00'.repeat(33),
    /DATA_START field digestLength is 33, above 32/,
  ],
  [
    'DATA_START digest truncated',
    '01 07 01 05 00 04 aa bb',
    /DATA_START field digest is truncated/,
  ],
  [
    'DATA_START missing digest length',
    '01 07 01 05 00',
    /DATA_START field digestLength is truncated/,
  ],
  // DATA_CHUNK
  ['DATA_CHUNK without payload', '01 08 01', /DATA_CHUNK field payload is empty/],
  ['DATA_CHUNK without request id', '01 08', /DATA_CHUNK field requestId is truncated/],
  // range lists
  ['SEGMENT_MAP empty body', '01 02', /SEGMENT_MAP field have.count is truncated/],
  [
    'SEGMENT_MAP missing fetching list',
    '01 02 00',
    /SEGMENT_MAP field fetching.count is truncated/,
  ],
  [
    'range count larger than the bytes left',
    '01 02 05 01 01 00',
    /SEGMENT_MAP field have is truncated/,
  ],
  [
    'range of length 0',
    '01 02 01 05 00 00',
    /SEGMENT_MAP field have\[0\].length is 0: ranges must not be empty/,
  ],
  [
    'ranges touching (gap 0)',
    '01 02 02 01 01 00 01 00',
    /SEGMENT_MAP field have\[1\].gap is 0: ranges must be ascending/,
  ],
  [
    'range start beyond 2^53 - 1 via gaps',
    '01 02 02 ff ff ff ff ff ff ff 0f 01 01 01 00',
    /SEGMENT_MAP field have\[1\].gap puts an id above 2\^53 - 1/,
  ],
  [
    'range end beyond 2^53',
    '01 02 01 ff ff ff ff ff ff ff 0f 02 00',
    /SEGMENT_MAP field have\[0\].length puts an id above 2\^53 - 1/,
  ],
  [
    'MAP_DELTA adds and removes one id',
    '01 03 01 05 02 01 06 01 00 00',
    /MAP_DELTA field removed overlaps added/,
  ],
  [
    'MAP_DELTA starts and ends one fetch',
    '01 03 00 00 01 07 01 01 07 01',
    /MAP_DELTA field fetchEnded overlaps fetchStarted/,
  ],
  ['MAP_DELTA missing lists', '01 03 00 00', /MAP_DELTA field fetchStarted.count is truncated/],
  ['MAP_DELTA trailing byte', '01 03 00 00 00 00 00', /MAP_DELTA has 1 trailing byte/],
];

describe('decodeMessage rejects malformed input with a peer-protocol error naming the field', () => {
  it.each(cases)('%s', (_name, hex, expected) => {
    const error = decodeError(bytes(hex));
    expect(error.code).toBe('peer-protocol');
    expect(error.message).toMatch(expected);
  });
});

describe('decodeMessage enforces its limits', () => {
  it('rejects a message larger than maxMessageBytes before reading it', () => {
    const chunk = new Uint8Array(1025);
    chunk.set([1, 8, 1]);
    const error = decodeError(chunk, { maxMessageBytes: 1024, maxRangesPerList: 10 });
    expect(error.message).toMatch(/message of 1025 bytes exceeds the limit of 1024 bytes/);
  });

  it('rejects a range list with more ranges than maxRangesPerList', () => {
    const error = decodeError(bytes('01 02 03 01 01 01 01 01 01 00'), {
      maxMessageBytes: 1024,
      maxRangesPerList: 2,
    });
    expect(error.message).toMatch(/SEGMENT_MAP field have.count is 3, above the limit of 2/);
  });

  it('accepts exactly maxRangesPerList ranges', () => {
    const decoded = decodeMessage(bytes('01 02 02 01 01 01 01 00'), {
      maxMessageBytes: 1024,
      maxRangesPerList: 2,
    });
    expect(decoded).toEqual({
      type: 'segment-map',
      have: [
        { start: 1, end: 2 },
        { start: 3, end: 4 },
      ],
      fetching: [],
    });
  });

  it('rejects input that is not a Uint8Array', () => {
    const error = decodeError('0104' as unknown as Uint8Array);
    expect(error.message).toMatch(/not binary/);
  });
});
