/**
 * The tracker bench's statistics: percentiles within the histogram's 2 % precision, merging across
 * client processes, rates and memory per 10k peers.
 */
import {
  bytesPer10kPeers,
  type HistogramSnapshot,
  LatencyHistogram,
  perSecond,
  splitEvenly,
} from '../../../scripts/bench-tracker/statistics.js';

describe('LatencyHistogram', () => {
  it('reports percentiles within 2 % of the exact ones', () => {
    const histogram = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) histogram.record(i); // 1..1000 ms
    const p50 = histogram.percentile(0.5) ?? NaN;
    const p99 = histogram.percentile(0.99) ?? NaN;
    expect(p50).toBeGreaterThanOrEqual(500);
    expect(p50).toBeLessThanOrEqual(500 * 1.02);
    expect(p99).toBeGreaterThanOrEqual(990);
    expect(p99).toBeLessThanOrEqual(990 * 1.02);
    expect(histogram.summary()).toMatchObject({ count: 1000, maxMs: 1000 });
  });

  it('never reports a percentile above the largest sample', () => {
    const histogram = new LatencyHistogram();
    histogram.record(3.3);
    expect(histogram.percentile(1)).toBe(3.3);
    expect(histogram.percentile(0.5)).toBe(3.3);
  });

  it('has no percentiles when empty', () => {
    expect(new LatencyHistogram().summary()).toEqual({
      count: 0,
      p50Ms: undefined,
      p90Ms: undefined,
      p99Ms: undefined,
      maxMs: undefined,
    });
  });

  it('merges snapshots from other processes as if recorded in one', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const both = new LatencyHistogram();
    for (let i = 0; i < 500; i++) {
      a.record(i * 0.1);
      both.record(i * 0.1);
      b.record(100 + i);
      both.record(100 + i);
    }
    const merged = new LatencyHistogram();
    merged.merge(a.snapshot());
    merged.merge(JSON.parse(JSON.stringify(b.snapshot())) as HistogramSnapshot);
    expect(merged.summary()).toEqual(both.summary());
  });

  it('ignores malformed snapshot entries and counts odd samples as 0', () => {
    const histogram = new LatencyHistogram();
    histogram.merge({ counts: { '-1': 5, x: 3, '99999999': 2, '10': -4 }, total: 14, maxMs: 0 });
    expect(histogram.count).toBe(0);
    histogram.record(-5);
    histogram.record(Number.NaN);
    expect(histogram.summary()).toMatchObject({ count: 2, maxMs: 0 });
  });
});

describe('rates and memory', () => {
  it('computes events per second over a window', () => {
    expect(perSecond(5000, 2500)).toBe(2000);
    expect(perSecond(10, 0)).toBe(0);
  });

  it('scales RSS growth to 10,000 peers', () => {
    expect(bytesPer10kPeers(100e6, 150e6, 5000)).toBe(100e6);
    expect(bytesPer10kPeers(undefined, 150e6, 5000)).toBeUndefined();
    expect(bytesPer10kPeers(100e6, 150e6, 0)).toBeUndefined();
  });

  it('splits a total evenly, larger parts first', () => {
    expect(splitEvenly(10, 3)).toEqual([4, 3, 3]);
    expect(splitEvenly(10000, 2)).toEqual([5000, 5000]);
    expect(splitEvenly(1, 2)).toEqual([1, 0]);
  });
});
