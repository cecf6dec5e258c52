import { bandwidthReport } from '../../../adapters/shaka/engine-request.js';
import { referenceByteRange } from '../../../adapters/shaka/segment-mapper.js';

const data = new ArrayBuffer(125_000); // 1 Mbit

describe('bandwidthReport (what Shaka ABR samples)', () => {
  test('HTTP deliveries report their real duration', () => {
    expect(bandwidthReport({ source: 'http', data }, 250, 8_000_000)).toEqual({
      timeMs: 250,
      fromCache: false,
    });
  });

  test('peer and store deliveries report the duration at the HTTP estimate, not their own', () => {
    expect(bandwidthReport({ source: 'p2p', data }, 3, 2_000_000)).toEqual({
      timeMs: 500,
      fromCache: false,
    });
    expect(bandwidthReport({ source: 'cache', data }, 0, 4_000_000).timeMs).toBe(250);
  });

  test('before any HTTP estimate, peer deliveries are kept out of the estimate', () => {
    expect(bandwidthReport({ source: 'p2p', data }, 2, undefined)).toEqual({
      timeMs: 2,
      fromCache: true,
    });
  });
});

describe('referenceByteRange', () => {
  const reference = (start: number, end: number | null) => ({
    getUris: () => ['http://h/a'],
    getStartTime: () => 0,
    getEndTime: () => 2,
    getStartByte: () => start,
    getEndByte: () => end,
  });

  test("turns Shaka's inclusive end byte into an exclusive end", () => {
    expect(referenceByteRange(reference(826, 44868))).toEqual({ start: 826, end: 44869 });
  });

  test('is undefined for a whole-file segment', () => {
    expect(referenceByteRange(reference(0, null))).toBeUndefined();
  });
});
