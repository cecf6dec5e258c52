import { hlsSegment, isSegmentId } from '../../../core/hls/segment.js';

const BASE = {
  mediaSequence: 42,
  url: 'https://cdn.example/v1/seg42.ts',
  startTime: 100,
  duration: 4.004,
};

describe('hlsSegment', () => {
  it('names a segment by its media sequence number and spans [start, start + duration)', () => {
    expect(hlsSegment(BASE)).toEqual({
      id: 42,
      url: 'https://cdn.example/v1/seg42.ts',
      startTime: 100,
      endTime: 104.004,
    });
  });

  it('keeps a half-open byte range', () => {
    const segment = hlsSegment({ ...BASE, byteRange: { start: 1000, end: 2500 } });
    expect(segment?.byteRange).toEqual({ start: 1000, end: 2500 });
  });

  it.each([
    ['a negative sequence number', { mediaSequence: -1 }],
    ['a fractional sequence number', { mediaSequence: 1.5 }],
    ['an unsafe sequence number', { mediaSequence: 2 ** 53 }],
    ['no URL', { url: '' }],
    ['a non-finite start', { startTime: Number.NaN }],
    ['a negative duration', { duration: -1 }],
    ['an empty byte range', { byteRange: { start: 10, end: 10 } }],
    ['a negative byte range start', { byteRange: { start: -1, end: 10 } }],
  ])('refuses to name a segment with %s', (_label, change) => {
    expect(hlsSegment({ ...BASE, ...change })).toBeUndefined();
  });
});

describe('isSegmentId', () => {
  it('accepts non-negative safe integers only', () => {
    expect([0, 1, 2 ** 53 - 1].every(isSegmentId)).toBe(true);
    expect([-1, 0.5, Number.NaN, 2 ** 53, '1', undefined].some(isSegmentId)).toBe(false);
  });
});
