/**
 * Property tests (fast-check) of what a peer controls: any bytes decode to a message or a
 * `peer-protocol` error, in bounded time and with output proportional to the input; valid messages
 * survive encode then decode; range-set updates stay canonical and linear in size.
 */
import fc from 'fast-check';
import { P2PMediaLoaderError } from '../../../../core/errors.js';
import { SegmentIdSet } from '../../../../core/p2p/peer/segment-id-set.js';
import {
  DEFAULT_DECODE_LIMITS,
  decodeMessage,
  encodeMessage,
  MESSAGE_TYPE_CODES,
  type PeerMessage,
} from '../../../../core/p2p/protocol/index.js';
import {
  findRangeListProblem,
  idsFromRanges,
  rangesFromIds,
  type SegmentIdRange,
} from '../../../../core/p2p/protocol/segment-id-ranges.js';

/** Ranges-or-bytes a decoded message holds: what decoding it allocated, roughly. */
function decodedSize(message: PeerMessage): number {
  switch (message.type) {
    case 'segment-map':
      return message.have.length + message.fetching.length;
    case 'map-delta':
      return (
        message.added.length +
        message.removed.length +
        message.fetchStarted.length +
        message.fetchEnded.length
      );
    case 'data-start':
      return message.digest?.length ?? 0;
    default:
      return 0;
  }
}

/** Bytes that start like a real message (version 1, a known type) so the body gets parsed. */
const plausibleBytes = fc
  .tuple(
    fc.constantFrom(...Object.values(MESSAGE_TYPE_CODES)),
    fc.uint8Array({ maxLength: 64 * 1024 }),
  )
  .map(([type, body]) => Uint8Array.of(1, type, ...body));

describe('decoder properties', () => {
  it('turns any input of up to 64 KiB into a message or a peer-protocol error, quickly', () => {
    const timesMs: number[] = [];
    fc.assert(
      fc.property(fc.oneof(plausibleBytes, fc.uint8Array({ maxLength: 64 * 1024 })), (bytes) => {
        const startMs = performance.now();
        try {
          const message = decodeMessage(bytes, DEFAULT_DECODE_LIMITS);
          // Each range takes at least two bytes on the wire: output is bounded by the input.
          expect(decodedSize(message)).toBeLessThanOrEqual(bytes.length / 2 + 32);
        } catch (error) {
          if (!(error instanceof P2PMediaLoaderError) || error.code !== 'peer-protocol') {
            throw error;
          }
        }
        timesMs.push(performance.now() - startMs);
      }),
      { numRuns: 300, seed: 0x5eed },
    );
    timesMs.sort((a, b) => a - b);
    // Generous for a loaded, shared CI machine: a decode takes ~0.05 ms, the worst here a few ms.
    expect(timesMs[Math.floor(timesMs.length * 0.99)]).toBeLessThan(50);
  });

  it('decodes a maximal map (4 lists of 1024 ranges) in a few ms', () => {
    const ranges = Array.from({ length: 1024 }, (_, index) => ({
      start: index * 1_000_000_000,
      end: index * 1_000_000_000 + 1,
    }));
    const bytes = encodeMessage({
      type: 'map-delta',
      added: ranges,
      removed: ranges.map((r) => ({ start: r.start + 2, end: r.end + 2 })),
      fetchStarted: ranges.map((r) => ({ start: r.start + 4, end: r.end + 4 })),
      fetchEnded: ranges.map((r) => ({ start: r.start + 6, end: r.end + 6 })),
    });
    decodeMessage(bytes, DEFAULT_DECODE_LIMITS); // warm-up
    const startMs = performance.now();
    for (let run = 0; run < 10; run++) decodeMessage(bytes, DEFAULT_DECODE_LIMITS);
    // ~3-5 ms on this machine; the bound leaves room for a loaded one.
    expect((performance.now() - startMs) / 10).toBeLessThan(50);
  });
});

const id = fc.oneof(fc.nat({ max: 200 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 1 }));
const rangeList = fc.uniqueArray(id, { maxLength: 40 }).map((ids) => rangesFromIds(ids));
const requestId = fc.nat({ max: 0xffff_ffff });

const validMessage: fc.Arbitrary<PeerMessage> = fc.oneof(
  fc.record({
    type: fc.constant('hello' as const),
    protocolVersion: fc.integer({ min: 1, max: 1000 }),
    uploadDisabled: fc.boolean(),
    maxMessageBytes: fc.integer({ min: 1024, max: 256 * 1024 }),
  }),
  fc.record({ type: fc.constant('segment-map' as const), have: rangeList, fetching: rangeList }),
  fc.tuple(rangeList, rangeList).map(([a, b]): PeerMessage => ({
    type: 'map-delta',
    added: a,
    removed: [],
    fetchStarted: b,
    fetchEnded: [],
  })),
  fc.record({
    type: fc.constant('request' as const),
    requestId,
    segmentId: id,
    byteOffset: fc.nat(),
  }),
  fc.record({ type: fc.constant('cancel' as const), requestId }),
  fc.record({
    type: fc.constant('absent' as const),
    requestId,
    reason: fc.constantFrom('not-found' as const, 'busy' as const),
  }),
  fc
    .tuple(requestId, fc.nat(), fc.nat(), fc.uint8Array({ minLength: 32, maxLength: 32 }))
    .map(([rid, a, b, digest]): PeerMessage => ({
      type: 'data-start',
      requestId: rid,
      totalBytes: Math.max(a, b),
      byteOffset: Math.min(a, b),
      digest,
    })),
  fc.record({
    type: fc.constant('data-chunk' as const),
    requestId,
    payload: fc.uint8Array({ minLength: 1, maxLength: 2000 }),
  }),
);

describe('encode then decode', () => {
  it('gives back every valid message', () => {
    fc.assert(
      fc.property(validMessage, (message) => {
        const decoded = decodeMessage(encodeMessage(message), DEFAULT_DECODE_LIMITS);
        expect(decoded).toEqual(message);
      }),
      { numRuns: 500, seed: 0xc0dec },
    );
  });
});

describe('SegmentIdSet properties', () => {
  const small = fc.uniqueArray(fc.nat({ max: 300 }), { maxLength: 120 });
  const operations = fc.array(fc.tuple(fc.boolean(), small), { maxLength: 20 });

  it('matches a plain set under any adds and removes, stays canonical, and counts ids', () => {
    fc.assert(
      fc.property(operations, (steps) => {
        const set = new SegmentIdSet();
        const model = new Set<number>();
        for (const [isAdd, ids] of steps) {
          const ranges: SegmentIdRange[] = rangesFromIds(ids);
          const before = set.rangeCount;
          const changed = isAdd ? set.addAll(ranges) : set.removeAll(ranges);
          const expected = ids.filter((value) => model.has(value) !== isAdd);
          expect(idsFromRanges(changed).sort((a, b) => a - b)).toEqual(
            [...expected].sort((a, b) => a - b),
          );
          for (const value of ids) {
            if (isAdd) model.add(value);
            else model.delete(value);
          }
          const now = set.toRanges();
          expect(findRangeListProblem(now)).toBeUndefined();
          expect(idsFromRanges(now)).toEqual([...model].sort((a, b) => a - b));
          expect(set.idCount).toBe(model.size);
          // One message can add at most as many ranges as it carries (plus one per removal split).
          expect(set.rangeCount).toBeLessThanOrEqual(before + ranges.length);
        }
      }),
      { numRuns: 300, seed: 0x5e7 },
    );
  });

  it('applies 1024 ranges to a set of 4096 in linear time (well under a few ms)', () => {
    const set = new SegmentIdSet();
    set.replace(Array.from({ length: 4096 }, (_, i) => ({ start: i * 4, end: i * 4 + 1 })));
    const incoming = Array.from({ length: 1024 }, (_, i) => ({
      start: i * 16 + 2,
      end: i * 16 + 3,
    }));
    set.addAll(incoming); // warm-up
    const startMs = performance.now();
    for (let run = 0; run < 20; run++) {
      set.removeAll(incoming);
      set.addAll(incoming);
    }
    // ~0.1-0.5 ms on this machine; the bound leaves room for a loaded one.
    expect((performance.now() - startMs) / 40).toBeLessThan(20);
  });
});
