/**
 * `--repeat N` (issue 17's per-player targets): what N runs of one scenario say together. One
 * run's start-up median moves by more than the ±10 % target between runs of the same code, so the
 * summary judges the targets on the runs' medians and counts the runs that met each one.
 */
import {
  BenchUsageError,
  parseBenchArgs,
  BENCH_USAGE,
} from '../../../scripts/bench/bench-options.js';
import {
  formatRepeatSummary,
  spreadOf,
  summarizeRepeats,
  type RepeatedRun,
} from '../../../scripts/bench/repeat-summary.js';

/** A live Video.js run with the given figures; targets as the scenario report would set them. */
function run(
  originOffload: number,
  stalls: number,
  startupMsMedian: number | null,
  baselineStartupMsMedian: number | null,
): RepeatedRun {
  const idealOffload = 0.8333;
  return {
    mode: 'live',
    player: 'videojs',
    engine: 'hlsjs',
    originOffload,
    idealOffload,
    stalls,
    baselineStalls: 0,
    startupMsMedian,
    baselineStartupMsMedian,
    cpuMsPerPlayedMinute: 10_000,
    baselineCpuMsPerPlayedMinute: 8_000,
    targetsMet: {
      offload: originOffload >= 0.9 * idealOffload,
      stalls: stalls === 0,
      startup:
        startupMsMedian !== null &&
        baselineStartupMsMedian !== null &&
        startupMsMedian <= 1.1 * baselineStartupMsMedian,
    },
  };
}

describe('summarizeRepeats', () => {
  it('judges the targets on the medians and counts the runs that met each', () => {
    // The README's Video.js b and c, and a third run between them.
    const summary = summarizeRepeats([
      run(0.776, 0, 1178, 1581),
      run(0.748, 0, 2307, 2276),
      run(0.762, 1, 1300, 1250),
    ]);
    expect(summary).toMatchObject({
      kind: 'repeat-summary',
      mode: 'live',
      player: 'videojs',
      runs: 3,
      originOffload: { median: 0.762, min: 0.748, max: 0.776 },
      stalls: { median: 0, min: 0, max: 1 },
      startupMsMedian: { median: 1300, min: 1178, max: 2307 },
      runsMeetingTargets: { offload: 2, stalls: 2, startup: 3, all: 1 },
      targetsMetByMedian: { offload: true, stalls: true, startup: true },
    });
    // Per-run ratios 0.745, 1.014, 1.04: the median is the middle run's ratio, not a ratio of medians.
    expect(summary.startupRatio?.median).toBeCloseTo(2307 / 2276, 6);
    expect(summary.startupRatio?.max).toBeCloseTo(1300 / 1250, 6);
  });

  it('misses a target whose median misses it, even when one run met it', () => {
    const summary = summarizeRepeats([
      run(0.744, 1, 1428, 969),
      run(0.7499, 0, 1699, 1890),
      run(0.745, 2, 1500, 1200),
    ]);
    expect(summary.runsMeetingTargets).toEqual({ offload: 0, stalls: 1, startup: 1, all: 0 });
    expect(summary.targetsMetByMedian).toEqual({ offload: false, stalls: false, startup: false });
  });

  it('leaves start-up out of runs where an arm never started, and says so when none did', () => {
    const summary = summarizeRepeats([run(0.8, 0, null, 900), run(0.8, 0, 1000, 1000)]);
    expect(summary.startupRatio).toEqual({ median: 1, min: 1, max: 1 });
    const none = summarizeRepeats([run(0.8, 0, null, null)]);
    expect(none.startupRatio).toBeNull();
    expect(none.targetsMetByMedian.startup).toBe(false);
  });

  it('refuses an empty list', () => {
    expect(() => summarizeRepeats([])).toThrow('no runs');
  });

  it('formats the medians, ranges and verdicts as text', () => {
    const text = formatRepeatSummary(
      summarizeRepeats([run(0.776, 0, 1178, 1581), run(0.748, 0, 2307, 2276)]),
    );
    expect(text).toContain('live videojs/hlsjs, 2 runs');
    expect(text).toContain('offload 0.762 (0.748–0.776)');
    expect(text).toContain('by the medians: offload met, stalls met, startup met');
  });
});

describe('spreadOf', () => {
  it('is null for no values, else the median and range', () => {
    expect(spreadOf([])).toBeNull();
    expect(spreadOf([3, 1, 2, 10])).toEqual({ median: 2.5, min: 1, max: 10 });
  });
});

describe('--repeat', () => {
  it('runs each scenario once by default and accepts 1..10', () => {
    expect(parseBenchArgs([])?.repeat).toBe(1);
    expect(parseBenchArgs(['--repeat', '3'])?.repeat).toBe(3);
  });

  it.each(['0', '11', '2.5', 'x'])('rejects --repeat %s', (value) => {
    expect(() => parseBenchArgs(['--repeat', value])).toThrow(
      new BenchUsageError(`--repeat must be 1..10, got '${value}'`),
    );
  });

  it('is documented in the usage text', () => {
    expect(BENCH_USAGE).toContain('--repeat N');
  });
});
