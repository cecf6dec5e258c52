import {
  countIds,
  findRangeListProblem,
  idsFromRanges,
  rangeListsOverlap,
  rangesContain,
  rangesFromIds,
} from '../../../../core/p2p/protocol/index.js';

describe('rangesFromIds', () => {
  it('sorts, merges duplicates and joins consecutive ids', () => {
    expect(rangesFromIds([7, 3, 4, 5, 5, 10, 9, 2 ** 33])).toEqual([
      { start: 3, end: 6 },
      { start: 7, end: 8 },
      { start: 9, end: 11 },
      { start: 2 ** 33, end: 2 ** 33 + 1 },
    ]);
  });

  it('returns no ranges for no ids', () => {
    expect(rangesFromIds([])).toEqual([]);
  });

  it('handles the largest safe id', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(rangesFromIds([max, max - 1])).toEqual([{ start: max - 1, end: max + 1 }]);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('rejects %p', (id) => {
    expect(() => rangesFromIds([id])).toThrow(RangeError);
  });

  it('is the inverse of idsFromRanges', () => {
    const ids = [0, 1, 2, 40, 41, 99];
    expect(idsFromRanges(rangesFromIds(ids))).toEqual(ids);
    expect(countIds(rangesFromIds(ids))).toBe(6);
  });
});

describe('idsFromRanges', () => {
  it('refuses to expand ranges into more ids than allowed', () => {
    expect(() => idsFromRanges([{ start: 0, end: 2 ** 40 }], 1000)).toThrow(RangeError);
  });
});

describe('rangesContain', () => {
  const ranges = rangesFromIds([1, 2, 3, 10, 20, 21]);
  it.each([
    [0, false],
    [1, true],
    [3, true],
    [4, false],
    [10, true],
    [11, false],
    [21, true],
    [22, false],
  ])('id %i -> %p', (id, expected) => {
    expect(rangesContain(ranges, id)).toBe(expected);
  });
});

describe('findRangeListProblem and rangeListsOverlap', () => {
  it('accepts canonical lists and names the first problem otherwise', () => {
    expect(findRangeListProblem(rangesFromIds([1, 5, 6]))).toBeUndefined();
    expect(findRangeListProblem([{ start: 4, end: 4 }])).toMatch(/range 0 is empty/);
    expect(
      findRangeListProblem([
        { start: 1, end: 3 },
        { start: 3, end: 4 },
      ]),
    ).toMatch(/range 1 is not ascending/);
    expect(findRangeListProblem([{ start: -1, end: 3 }])).toMatch(/range 0 start/);
  });

  it('detects shared ids between two lists', () => {
    expect(rangeListsOverlap(rangesFromIds([1, 2, 9]), rangesFromIds([3, 4, 8]))).toBe(false);
    expect(rangeListsOverlap(rangesFromIds([1, 2, 9]), rangesFromIds([3, 9]))).toBe(true);
  });
});
