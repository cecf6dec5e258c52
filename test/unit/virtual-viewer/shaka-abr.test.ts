/**
 * The Shaka model's numbers and rules: configuration merging (the bench's Shaka config accepted,
 * unknown keys listed, wrong types refused), the live presentation delay, retry delays, and
 * SimpleAbrManager's estimator and choices.
 */
import {
  ShakaAbr,
  ShakaBandwidthEstimator,
  chooseVariant,
} from '../../support/virtual-viewer/shaka-abr.js';
import {
  SHAKA_DEFAULT_CONFIG,
  bufferingGoalSeconds,
  livePresentationDelaySeconds,
  resolveShakaConfig,
  retryDelayMs,
} from '../../support/virtual-viewer/shaka-defaults.js';
import { VirtualViewerError } from '../../support/virtual-viewer/viewer-error.js';

describe('resolveShakaConfig', () => {
  it("takes the bench's live Shaka config over Shaka's defaults", () => {
    const { config, ignoredKeys } = resolveShakaConfig({
      streaming: { updateIntervalSeconds: 0.1 },
    });
    expect(config.streaming.updateIntervalSeconds).toBe(0.1);
    expect(config.streaming.bufferingGoal).toBe(10);
    expect(config.abr.switchInterval).toBe(8);
    expect(ignoredKeys).toEqual([]);
  });

  it('lists keys it does not model instead of failing on them', () => {
    const { config, ignoredKeys } = resolveShakaConfig({
      preferredAudioLanguage: 'en',
      streaming: { lowLatencyMode: false, retryParameters: { maxAttempts: 4 } },
    });
    expect(config.streaming.retryParameters.maxAttempts).toBe(4);
    expect(config.streaming.retryParameters.baseDelay).toBe(1000);
    expect(ignoredKeys).toEqual(['preferredAudioLanguage', 'streaming.lowLatencyMode']);
  });

  it('refuses a modelled key of the wrong type, naming it', () => {
    expect(() => resolveShakaConfig({ streaming: { bufferingGoal: 'x' } })).toThrow(
      /streaming\.bufferingGoal/,
    );
    expect(() => resolveShakaConfig({ abr: { enabled: 1 } })).toThrow(VirtualViewerError);
    expect(() => resolveShakaConfig([])).toThrow(VirtualViewerError);
  });

  it('makes the buffering goal the larger of the two goals, at least 1 s', () => {
    expect(bufferingGoalSeconds(SHAKA_DEFAULT_CONFIG)).toBe(10);
    const { config } = resolveShakaConfig({ streaming: { bufferingGoal: 0, rebufferingGoal: 0 } });
    expect(bufferingGoalSeconds(config)).toBe(1);
  });
});

describe('livePresentationDelaySeconds', () => {
  const mpd = {
    suggestedPresentationDelaySeconds: undefined,
    minBufferTimeSeconds: 4,
    timeShiftBufferDepthSeconds: 12,
  };

  it('is 1.5 × minBufferTime without a suggestion (the origin live MPDs: 6 s)', () => {
    expect(livePresentationDelaySeconds(mpd, SHAKA_DEFAULT_CONFIG)).toBe(6);
  });

  it('takes suggestedPresentationDelay first (capped by the window), then the configured default', () => {
    expect(
      livePresentationDelaySeconds(
        { ...mpd, suggestedPresentationDelaySeconds: 20 },
        SHAKA_DEFAULT_CONFIG,
      ),
    ).toBe(12);
    const { config } = resolveShakaConfig({ manifest: { defaultPresentationDelay: 3 } });
    expect(livePresentationDelaySeconds(mpd, config)).toBe(3);
    expect(
      livePresentationDelaySeconds(
        { ...mpd, timeShiftBufferDepthSeconds: 4 },
        SHAKA_DEFAULT_CONFIG,
      ),
    ).toBe(4);
  });
});

describe('retryDelayMs', () => {
  it('is immediate first, then baseDelay × backoff^n within the fuzz', () => {
    const parameters = SHAKA_DEFAULT_CONFIG.streaming.retryParameters;
    expect(retryDelayMs(1, parameters, 0.9)).toBe(0);
    expect(retryDelayMs(2, parameters, 0.5)).toBe(1000);
    expect(retryDelayMs(3, parameters, 0.5)).toBe(2000);
    expect(retryDelayMs(2, parameters, 0)).toBe(500);
    expect(retryDelayMs(2, parameters, 0.999)).toBeCloseTo(1499, 0);
  });
});

describe('ShakaBandwidthEstimator', () => {
  const advanced = SHAKA_DEFAULT_CONFIG.abr.advanced;

  it('keeps the default until 128 kB were sampled, ignoring samples under 16 kB', () => {
    const estimator = new ShakaBandwidthEstimator(advanced);
    for (let i = 0; i < 20; i++) estimator.sample(10, 15_000);
    expect(estimator.estimateBps(1e6)).toBe(1e6);
    estimator.sample(1000, 100_000);
    expect(estimator.hasGoodEstimate()).toBe(false);
    estimator.sample(1000, 100_000);
    expect(estimator.hasGoodEstimate()).toBe(true);
    // Constant throughput: both averages are that throughput (800 kbit/s).
    expect(estimator.estimateBps(1e6)).toBeCloseTo(800_000, 3);
  });

  it('follows a drop faster with the 2 s half-life and reports the smaller average', () => {
    const estimator = new ShakaBandwidthEstimator(advanced);
    for (let i = 0; i < 5; i++) estimator.sample(1000, 500_000); // 4 Mbit/s
    estimator.sample(2000, 125_000); // 0.5 Mbit/s for 2 s: the fast average halves the gap
    const estimate = estimator.estimateBps(1e6);
    expect(estimate).toBeGreaterThan(500_000);
    expect(estimate).toBeLessThan(2_400_000);
  });
});

describe('chooseVariant', () => {
  const variants = [
    { index: 0, bandwidthBps: 265_371 },
    { index: 1, bandwidthBps: 866_163 },
  ];
  const targets = SHAKA_DEFAULT_CONFIG.abr;

  it('takes a variant once the estimate covers it at 0.95, the next up only past 0.85 of it', () => {
    expect(chooseVariant(variants, 1e6, targets)).toBe(1);
    expect(chooseVariant(variants, 866_163 / 0.95 - 1, targets)).toBe(0);
    expect(chooseVariant(variants, 100_000, targets)).toBe(0);
  });
});

describe('ShakaAbr', () => {
  const variants = [
    { index: 0, bandwidthBps: 265_371 },
    { index: 1, bandwidthBps: 866_163 },
  ];

  it('chooses at load with the default estimate, first re-chooses once the estimate is good, then every 8 s', () => {
    const abr = new ShakaAbr(SHAKA_DEFAULT_CONFIG, variants, 10e6);
    expect(abr.initialChoice(0)).toBe(1);
    // 400 kbit/s samples: no choice before 128 kB were sampled.
    expect(abr.segmentDownloaded(1000, 50_000, 1000)).toBeUndefined();
    expect(abr.segmentDownloaded(1000, 50_000, 2000)).toBeUndefined();
    expect(abr.segmentDownloaded(1000, 50_000, 3000)).toBe(0);
    // Within the switch interval of that choice: none, whatever the estimate.
    expect(abr.segmentDownloaded(100, 500_000, 5000)).toBeUndefined();
    expect(abr.segmentDownloaded(100, 500_000, 11_100)).toBe(1);
  });

  it('does not sample responses faster than cacheLoadThreshold (5 ms)', () => {
    const abr = new ShakaAbr(SHAKA_DEFAULT_CONFIG, variants, 10e6);
    abr.initialChoice(0);
    for (let i = 0; i < 10; i++) abr.segmentDownloaded(4, 100_000, i);
    expect(abr.estimateBps).toBe(10e6);
  });
});
