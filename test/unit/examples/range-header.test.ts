import { contentRange, parseRangeHeader } from '../../../examples/server/range-header.js';

describe('parseRangeHeader', () => {
  const size = 1000;

  it('serves the whole resource without a header, for other units and for multiple ranges', () => {
    expect(parseRangeHeader(undefined, size)).toEqual({ kind: 'whole' });
    expect(parseRangeHeader('', size)).toEqual({ kind: 'whole' });
    expect(parseRangeHeader('items=0-5', size)).toEqual({ kind: 'whole' });
    expect(parseRangeHeader('bytes=0-1,5-6', size)).toEqual({ kind: 'whole' });
  });

  it('turns inclusive HTTP ranges into end-exclusive byte ranges', () => {
    expect(parseRangeHeader('bytes=0-99', size)).toEqual({
      kind: 'partial',
      range: { start: 0, end: 100 },
    });
    expect(parseRangeHeader('bytes=990-', size)).toEqual({
      kind: 'partial',
      range: { start: 990, end: 1000 },
    });
    expect(parseRangeHeader('Bytes= 10 - 10 ', size)).toEqual({
      kind: 'partial',
      range: { start: 10, end: 11 },
    });
  });

  it('clamps the end and suffix lengths to the resource size', () => {
    expect(parseRangeHeader('bytes=900-5000', size)).toEqual({
      kind: 'partial',
      range: { start: 900, end: 1000 },
    });
    expect(parseRangeHeader('bytes=-100', size)).toEqual({
      kind: 'partial',
      range: { start: 900, end: 1000 },
    });
    expect(parseRangeHeader('bytes=-5000', size)).toEqual({
      kind: 'partial',
      range: { start: 0, end: 1000 },
    });
  });

  it('reports unsatisfiable and malformed single ranges', () => {
    for (const header of [
      'bytes=1000-',
      'bytes=5-4',
      'bytes=-0',
      'bytes=-',
      'bytes=abc',
      'bytes=1-2-3',
    ]) {
      expect(parseRangeHeader(header, size)).toEqual({ kind: 'unsatisfiable' });
    }
    expect(parseRangeHeader('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('contentRange', () => {
  it('formats the inclusive last byte and the total size', () => {
    expect(contentRange({ start: 100, end: 200 }, 1000)).toBe('bytes 100-199/1000');
  });
});
