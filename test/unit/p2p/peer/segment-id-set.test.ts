import { SegmentIdSet, subtract } from '../../../../core/p2p/peer/segment-id-set.js';
import { idsFromRanges, rangesFromIds } from '../../../../core/p2p/protocol/segment-id-ranges.js';
import { SeededRandom } from '../protocol/seeded-random.js';

describe('SegmentIdSet', () => {
  it('merges touching and overlapping ranges and reports only new ids', () => {
    const set = new SegmentIdSet();
    expect(set.add({ start: 10, end: 20 })).toEqual([{ start: 10, end: 20 }]);
    expect(set.add({ start: 30, end: 40 })).toEqual([{ start: 30, end: 40 }]);
    expect(set.add({ start: 5, end: 35 })).toEqual([
      { start: 5, end: 10 },
      { start: 20, end: 30 },
    ]);
    expect(set.toRanges()).toEqual([{ start: 5, end: 40 }]);
    expect(set.add({ start: 40, end: 41 })).toEqual([{ start: 40, end: 41 }]);
    expect(set.rangeCount).toBe(1);
  });

  it('splits ranges on removal and reports only ids that were present', () => {
    const set = new SegmentIdSet();
    set.add({ start: 0, end: 100 });
    expect(set.remove({ start: 40, end: 60 })).toEqual([{ start: 40, end: 60 }]);
    expect(set.remove({ start: 50, end: 70 })).toEqual([{ start: 60, end: 70 }]);
    expect(set.toRanges()).toEqual([
      { start: 0, end: 40 },
      { start: 70, end: 100 },
    ]);
    expect(set.has(39)).toBe(true);
    expect(set.has(40)).toBe(false);
    expect(set.has(70)).toBe(true);
  });

  it('holds ids near 2^53 without expanding them', () => {
    const set = new SegmentIdSet();
    set.add({ start: 0, end: Number.MAX_SAFE_INTEGER + 1 });
    expect(set.has(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(set.remove({ start: 2 ** 52, end: 2 ** 52 + 1 })).toEqual([
      { start: 2 ** 52, end: 2 ** 52 + 1 },
    ]);
    expect(set.rangeCount).toBe(2);
  });

  it('matches a plain Set under random adds, removes and replaces', () => {
    const random = new SeededRandom(1234);
    const set = new SegmentIdSet();
    let reference = new Set<number>();
    for (let step = 0; step < 3000; step++) {
      const start = random.int(0, 200);
      const range = { start, end: start + random.int(1, 20) };
      const ids = idsFromRanges([range]);
      const operation = random.int(0, 9);
      if (operation < 5) {
        const expected = ids.filter((id) => !reference.has(id));
        expect(idsFromRanges(set.add(range))).toEqual(expected);
        ids.forEach((id) => reference.add(id));
      } else if (operation < 9) {
        const expected = ids.filter((id) => reference.has(id));
        expect(idsFromRanges(set.remove(range))).toEqual(expected);
        ids.forEach((id) => reference.delete(id));
      } else {
        const next = new Set(Array.from({ length: random.int(0, 30) }, () => random.int(0, 220)));
        const change = set.replace(rangesFromIds(next));
        expect(idsFromRanges(change.added)).toEqual(
          [...next].filter((id) => !reference.has(id)).sort((x, y) => x - y),
        );
        expect(idsFromRanges(change.removed)).toEqual(
          [...reference].filter((id) => !next.has(id)).sort((x, y) => x - y),
        );
        reference = next;
      }
      expect(set.toRanges()).toEqual(rangesFromIds(reference));
    }
  });
});

describe('subtract', () => {
  it('removes the ids of the second list from the first', () => {
    expect(subtract(rangesFromIds([1, 2, 3, 4, 8, 9]), rangesFromIds([2, 3, 9, 20]))).toEqual(
      rangesFromIds([1, 4, 8]),
    );
    expect(subtract([], rangesFromIds([1]))).toEqual([]);
    expect(subtract(rangesFromIds([1]), [])).toEqual(rangesFromIds([1]));
  });
});
