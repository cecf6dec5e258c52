import { BandwidthEstimator } from '../../../core/stats/bandwidth-estimator.js';

describe('BandwidthEstimator', () => {
  it('has no estimate before any sample', () => {
    expect(new BandwidthEstimator().estimateBitsPerSecond()).toBeUndefined();
  });

  it('estimates exactly the rate of a single sample', () => {
    const estimator = new BandwidthEstimator();
    estimator.addSample(1_000_000, 2000); // 1 MB in 2 s = 4 Mbit/s
    expect(estimator.estimateBitsPerSecond()).toBeCloseTo(4_000_000, 6);
  });

  it('stays at the rate when samples of different sizes all have that rate', () => {
    const estimator = new BandwidthEstimator({ halfLifeSeconds: 2 });
    for (const ms of [500, 1200, 300, 4000]) estimator.addSample(ms * 250, ms); // 2 Mbit/s each
    expect(estimator.estimateBitsPerSecond()).toBeCloseTo(2_000_000, 3);
  });

  it('weights samples by transfer time: one half-life of new data counts for half', () => {
    const estimator = new BandwidthEstimator({ halfLifeSeconds: 3 });
    // A long history at 1 Mbit/s (30 s, ten half-lives) then exactly one half-life at 3 Mbit/s.
    estimator.addSample(3_750_000, 30_000);
    estimator.addSample(1_125_000, 3000);
    const rate = estimator.estimateBitsPerSecond() ?? 0;
    // Zero-start correction: weight of the old sample 1 - 2^-10, then halved.
    const oldWeight = (1 - 2 ** -10) * 0.5;
    const expected = (oldWeight * 1_000_000 + 0.5 * 3_000_000) / (oldWeight + 0.5);
    expect(rate).toBeCloseTo(expected, 3);
    expect(rate).toBeGreaterThan(1_900_000);
    expect(rate).toBeLessThan(2_100_000);
  });

  it('moves more for a long sample than for a short one at the same rate', () => {
    const shortSample = new BandwidthEstimator();
    const longSample = new BandwidthEstimator();
    for (const estimator of [shortSample, longSample]) estimator.addSample(1_000_000, 8000); // 1 Mbit/s
    shortSample.addSample(100_000, 200); // 4 Mbit/s for 0.2 s
    longSample.addSample(2_000_000, 4000); // 4 Mbit/s for 4 s
    expect(longSample.estimateBitsPerSecond()).toBeGreaterThan(
      shortSample.estimateBitsPerSecond() ?? Infinity,
    );
  });

  it('ignores samples too small or too short to measure', () => {
    const estimator = new BandwidthEstimator({ minSampleBytes: 10_000 });
    estimator.addSample(9_999, 1);
    estimator.addSample(50_000, 0);
    estimator.addSample(50_000, Number.NaN);
    expect(estimator.estimateBitsPerSecond()).toBeUndefined();
    estimator.addSample(10_000, 100);
    expect(estimator.estimateBitsPerSecond()).toBeCloseTo(800_000, 6);
  });

  it('forgets everything on reset', () => {
    const estimator = new BandwidthEstimator();
    estimator.addSample(1_000_000, 1000);
    estimator.reset();
    expect(estimator.estimateBitsPerSecond()).toBeUndefined();
  });

  it('rejects a non-positive half-life', () => {
    expect(() => new BandwidthEstimator({ halfLifeSeconds: 0 })).toThrow(RangeError);
  });
});
