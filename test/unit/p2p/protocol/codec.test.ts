import {
  DEFAULT_DECODE_LIMITS,
  MAX_DIGEST_BYTES,
  MAX_RANGES_PER_LIST,
  MAX_RANGE_END,
  MAX_REQUEST_ID,
  decodeMessage,
  encodeMessage,
  maxChunkPayloadBytes,
  rangesFromIds,
  type PeerMessage,
  type SegmentIdRange,
} from '../../../../core/p2p/protocol/index.js';

const MAX_ID = Number.MAX_SAFE_INTEGER;

function roundTrip(message: PeerMessage): PeerMessage {
  return decodeMessage(encodeMessage(message), DEFAULT_DECODE_LIMITS);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** `count` separated single-id ranges starting at `first`, `step` apart. */
function scatteredRanges(count: number, first: number, step: number): SegmentIdRange[] {
  return Array.from({ length: count }, (_, index) => ({
    start: first + index * step,
    end: first + index * step + 1,
  }));
}

describe('encodeMessage/decodeMessage round trip', () => {
  const messages: [string, PeerMessage][] = [
    ['hello', { type: 'hello', protocolVersion: 1, uploadDisabled: false, maxMessageBytes: 16384 }],
    [
      'hello, upload disabled, future version',
      { type: 'hello', protocolVersion: 7, uploadDisabled: true, maxMessageBytes: 262144 },
    ],
    ['empty segment map', { type: 'segment-map', have: [], fetching: [] }],
    [
      'segment map with ids near 2^53',
      {
        type: 'segment-map',
        have: [
          { start: 0, end: 1 },
          { start: 2 ** 32 - 1, end: 2 ** 32 + 5 },
          { start: MAX_ID - 3, end: MAX_RANGE_END },
        ],
        fetching: [{ start: MAX_ID, end: MAX_RANGE_END }],
      },
    ],
    [
      'big segment map (1024 scattered DASH time ids)',
      {
        type: 'segment-map',
        have: scatteredRanges(MAX_RANGES_PER_LIST, 90_000, 180_000),
        fetching: [],
      },
    ],
    [
      'empty map delta',
      { type: 'map-delta', added: [], removed: [], fetchStarted: [], fetchEnded: [] },
    ],
    [
      'map delta',
      {
        type: 'map-delta',
        added: [{ start: 10, end: 12 }],
        removed: [
          { start: 0, end: 5 },
          { start: 2 ** 40, end: 2 ** 40 + 1 },
        ],
        fetchStarted: [{ start: 12, end: 13 }],
        fetchEnded: [{ start: 10, end: 12 }],
      },
    ],
    ['request', { type: 'request', requestId: 0, segmentId: 0, byteOffset: 0 }],
    [
      'request with extreme values',
      { type: 'request', requestId: MAX_REQUEST_ID, segmentId: MAX_ID, byteOffset: MAX_ID },
    ],
    ['cancel', { type: 'cancel', requestId: 123456 }],
    ['absent not-found', { type: 'absent', requestId: 1, reason: 'not-found' }],
    ['absent busy', { type: 'absent', requestId: MAX_REQUEST_ID, reason: 'busy' }],
    [
      'data start without digest',
      { type: 'data-start', requestId: 9, totalBytes: 1_000_000, byteOffset: 4096 },
    ],
    [
      'data start, empty segment',
      { type: 'data-start', requestId: 9, totalBytes: 0, byteOffset: 0 },
    ],
    [
      'data start with a 32-byte digest',
      {
        type: 'data-start',
        requestId: 9,
        totalBytes: MAX_ID,
        byteOffset: MAX_ID,
        digest: new Uint8Array(MAX_DIGEST_BYTES).fill(0xab),
      },
    ],
    ['data chunk of one byte', { type: 'data-chunk', requestId: 2, payload: Uint8Array.of(7) }],
  ];

  it.each(messages)('%s survives encoding and decoding unchanged', (_name, message) => {
    expect(roundTrip(message)).toEqual(message);
  });

  it('keeps a maximal data chunk within the message limit and round-trips it', () => {
    const limit = 16 * 1024;
    const payload = Uint8Array.from({ length: maxChunkPayloadBytes(limit) }, (_, i) => i % 251);
    const encoded = encodeMessage({ type: 'data-chunk', requestId: MAX_REQUEST_ID, payload });
    expect(encoded.length).toBe(limit);
    const decoded = decodeMessage(encoded, { ...DEFAULT_DECODE_LIMITS, maxMessageBytes: limit });
    expect(decoded).toEqual({ type: 'data-chunk', requestId: MAX_REQUEST_ID, payload });
  });

  it('encodes ids above 2^32 exactly (no 32-bit truncation)', () => {
    for (const id of [2 ** 32, 2 ** 32 + 1, 2 ** 45 + 12345, 2 ** 52 + 1, MAX_ID]) {
      const decoded = roundTrip({
        type: 'request',
        requestId: 1,
        segmentId: id,
        byteOffset: id - 1,
      });
      expect(decoded).toEqual({ type: 'request', requestId: 1, segmentId: id, byteOffset: id - 1 });
    }
  });
});

describe('wire layout (docs/PROTOCOL.md examples)', () => {
  it('encodes HELLO as version, type, protocolVersion, flags, maxMessageBytes', () => {
    const bytes = encodeMessage({
      type: 'hello',
      protocolVersion: 1,
      uploadDisabled: false,
      maxMessageBytes: 16384,
    });
    expect(hex(bytes)).toBe('01010100808001');
  });

  it('encodes a range list as count, then gap and length per range', () => {
    const bytes = encodeMessage({
      type: 'segment-map',
      have: rangesFromIds([5, 6, 7, 10, 2 ** 40]),
      fetching: [],
    });
    expect(hex(bytes)).toBe('0102' + '03' + '0503' + '0201' + 'f5ffffffff1f01' + '00');
  });

  it('encodes DATA_START with its digest length byte and DATA_CHUNK with the payload last', () => {
    expect(
      hex(
        encodeMessage({
          type: 'data-start',
          requestId: 300,
          totalBytes: 200,
          byteOffset: 100,
          digest: Uint8Array.of(1, 2),
        }),
      ),
    ).toBe('0107' + 'ac02' + 'c801' + '64' + '02' + '0102');
    expect(
      hex(encodeMessage({ type: 'data-chunk', requestId: 1, payload: Uint8Array.of(9, 8) })),
    ).toBe('0108010908');
  });
});

describe('maxChunkPayloadBytes', () => {
  it('leaves room for the header and the longest request id', () => {
    expect(maxChunkPayloadBytes(16384)).toBe(16377);
    expect(maxChunkPayloadBytes(1024)).toBe(1017);
  });

  it('rejects limits below the protocol minimum', () => {
    expect(() => maxChunkPayloadBytes(1023)).toThrow(RangeError);
  });
});

describe('encodeMessage input checks', () => {
  it.each<[string, PeerMessage]>([
    ['negative segment id', { type: 'request', requestId: 1, segmentId: -1, byteOffset: 0 }],
    ['fractional offset', { type: 'request', requestId: 1, segmentId: 1, byteOffset: 0.5 }],
    ['request id above u32', { type: 'cancel', requestId: MAX_REQUEST_ID + 1 }],
    [
      'unsorted ranges',
      {
        type: 'segment-map',
        have: [
          { start: 5, end: 6 },
          { start: 1, end: 2 },
        ],
        fetching: [],
      },
    ],
    [
      'touching ranges',
      {
        type: 'segment-map',
        have: [
          { start: 1, end: 2 },
          { start: 2, end: 3 },
        ],
        fetching: [],
      },
    ],
    ['empty range', { type: 'segment-map', have: [{ start: 1, end: 1 }], fetching: [] }],
    [
      'range beyond 2^53',
      { type: 'segment-map', have: [{ start: 1, end: MAX_RANGE_END + 2 }], fetching: [] },
    ],
    [
      'overlapping added/removed',
      {
        type: 'map-delta',
        added: [{ start: 1, end: 3 }],
        removed: [{ start: 2, end: 4 }],
        fetchStarted: [],
        fetchEnded: [],
      },
    ],
    ['offset beyond total', { type: 'data-start', requestId: 1, totalBytes: 5, byteOffset: 6 }],
    [
      '33-byte digest',
      {
        type: 'data-start',
        requestId: 1,
        totalBytes: 5,
        byteOffset: 0,
        digest: new Uint8Array(33),
      },
    ],
    ['empty chunk', { type: 'data-chunk', requestId: 1, payload: new Uint8Array(0) }],
    [
      'hello below the minimum size',
      { type: 'hello', protocolVersion: 1, uploadDisabled: false, maxMessageBytes: 1000 },
    ],
  ])('throws a RangeError for %s', (_name, message) => {
    expect(() => encodeMessage(message)).toThrow(RangeError);
  });
});
