import {
  DEFAULT_DECODE_LIMITS,
  MAX_RANGES_PER_LIST,
  decodeMessage,
  encodeMessage,
  splitMapDelta,
  splitSegmentMap,
  type PeerMessage,
  type SegmentIdRange,
} from '../../../../core/p2p/protocol/index.js';
import { SegmentIdSet } from '../../../../core/p2p/peer/segment-id-set.js';

/** Applies map messages in order, as a receiver does, and returns the resulting sets. */
function apply(messages: readonly PeerMessage[]): {
  have: SegmentIdRange[];
  fetching: SegmentIdRange[];
} {
  const have = new SegmentIdSet();
  const fetching = new SegmentIdSet();
  for (const message of messages) {
    if (message.type === 'segment-map') {
      have.replace(message.have);
      fetching.replace(message.fetching);
    } else if (message.type === 'map-delta') {
      message.removed.forEach((range) => have.remove(range));
      message.added.forEach((range) => have.add(range));
      message.fetchEnded.forEach((range) => fetching.remove(range));
      message.fetchStarted.forEach((range) => fetching.add(range));
    }
  }
  return { have: have.toRanges(), fetching: fetching.toRanges() };
}

/** Ranges of single DASH-style time ids: never consecutive, so nothing merges. */
function timeIds(count: number, first = 0): SegmentIdRange[] {
  return Array.from({ length: count }, (_, index) => {
    const start = first + index * 180_000 + 90_000;
    return { start, end: start + 1 };
  });
}

describe('splitSegmentMap', () => {
  it('sends a small map as one SEGMENT_MAP', () => {
    const have = [{ start: 100, end: 160 }];
    const messages = splitSegmentMap({ have, fetching: [{ start: 160, end: 161 }] }, 16384);
    expect(messages).toEqual([{ type: 'segment-map', have, fetching: [{ start: 160, end: 161 }] }]);
  });

  it('sends an empty map as one empty SEGMENT_MAP', () => {
    expect(splitSegmentMap({ have: [], fetching: [] }, 1024)).toEqual([
      { type: 'segment-map', have: [], fetching: [] },
    ]);
  });

  it.each([1024, 4096, 16384])(
    'cuts a large map into messages of at most %i bytes that rebuild it exactly',
    (limit) => {
      const snapshot = { have: timeIds(3000), fetching: timeIds(700, 10 ** 12) };
      const messages = splitSegmentMap(snapshot, limit);
      expect(messages.length).toBeGreaterThan(1);
      expect(messages[0].type).toBe('segment-map');
      for (const message of messages.slice(1)) expect(message.type).toBe('map-delta');
      for (const message of messages) {
        const encoded = encodeMessage(message);
        expect(encoded.length).toBeLessThanOrEqual(limit);
        expect(
          decodeMessage(encoded, { ...DEFAULT_DECODE_LIMITS, maxMessageBytes: limit }),
        ).toEqual(message);
      }
      expect(apply(messages)).toEqual(snapshot);
    },
  );

  it('never puts more than MAX_RANGES_PER_LIST ranges in a list, even when bytes would allow', () => {
    const snapshot = { have: timeIds(2 * MAX_RANGES_PER_LIST + 5), fetching: [] };
    const messages = splitSegmentMap(snapshot, 262144);
    expect(messages).toHaveLength(3);
    expect(apply(messages)).toEqual(snapshot);
  });
});

describe('splitMapDelta', () => {
  it('keeps a small delta in one message', () => {
    const delta = {
      added: [{ start: 5, end: 6 }],
      removed: [{ start: 1, end: 2 }],
      fetchStarted: [],
      fetchEnded: [{ start: 5, end: 6 }],
    };
    expect(splitMapDelta(delta, 1024)).toEqual([{ type: 'map-delta', ...delta }]);
  });

  it('sends an empty delta as one empty MAP_DELTA', () => {
    expect(
      splitMapDelta({ added: [], removed: [], fetchStarted: [], fetchEnded: [] }, 1024),
    ).toHaveLength(1);
  });

  it('splits a large delta so that applying the parts equals applying the whole', () => {
    const before = { have: timeIds(2000), fetching: timeIds(100, 10 ** 9) };
    const delta = {
      added: timeIds(1500, 10 ** 10),
      removed: timeIds(1000),
      fetchStarted: timeIds(800, 10 ** 11),
      fetchEnded: timeIds(50, 10 ** 9),
    };
    const parts = splitMapDelta(delta, 2048);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(encodeMessage(part).length).toBeLessThanOrEqual(2048);
    const start: PeerMessage = { type: 'segment-map', ...before };
    expect(apply([start, ...parts])).toEqual(apply([start, { type: 'map-delta', ...delta }]));
  });
});
