/**
 * `--repeat N`: one scenario run N times, one line per run, then one line that says what the runs
 * say together. On a 2-core machine with six pages joining, a single run's start-up median moves by
 * more than the ±10 % target between runs of the same code (README, Benchmark: Players), so a
 * target is judged on the median of the runs and the line also counts the runs that met it.
 * Pure: the bench passes the runs' report lines in.
 */
import type { BenchMode } from './bench-options.js';
import {
  median,
  OFFLOAD_TARGET_FACTOR,
  STARTUP_TARGET_FACTOR,
  type ScenarioReport,
} from './scenario-report.js';

/** Median, lowest and highest of one figure over the runs. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The runs' figures a summary reads (a scenario report has them all). */
export type RepeatedRun = Pick<
  ScenarioReport,
  | 'mode'
  | 'player'
  | 'engine'
  | 'originOffload'
  | 'idealOffload'
  | 'stalls'
  | 'baselineStalls'
  | 'startupMsMedian'
  | 'baselineStartupMsMedian'
  | 'cpuMsPerPlayedMinute'
  | 'baselineCpuMsPerPlayedMinute'
  | 'targetsMet'
>;

/** The last JSON line of a `--repeat` scenario. */
export interface RepeatSummary {
  readonly kind: 'repeat-summary';
  readonly mode: BenchMode;
  readonly player: string;
  readonly engine: string;
  readonly runs: number;
  readonly idealOffload: number;
  readonly originOffload: Spread;
  readonly stalls: Spread;
  readonly baselineStalls: Spread;
  readonly startupMsMedian: Spread | null;
  readonly baselineStartupMsMedian: Spread | null;
  /** Each run's start-up median over its baseline's (runs where both arms started). */
  readonly startupRatio: Spread | null;
  readonly cpuMsPerPlayedMinute: Spread | null;
  readonly baselineCpuMsPerPlayedMinute: Spread | null;
  /** How many runs met each target on their own (`all`: every target at once). */
  readonly runsMeetingTargets: {
    readonly offload: number;
    readonly stalls: number;
    readonly startup: number;
    readonly all: number;
  };
  /**
   * The targets judged on the runs' medians: median offload ≥ the mode's factor × ideal, median
   * stalls 0, median start-up ratio ≤ {@link STARTUP_TARGET_FACTOR}.
   */
  readonly targetsMetByMedian: {
    readonly offload: boolean;
    readonly stalls: boolean;
    readonly startup: boolean;
  };
}

/** Spread of `values`, or null when there are none. */
export function spreadOf(values: readonly number[]): Spread | null {
  const middle = median(values);
  if (middle === null) return null;
  return { median: middle, min: Math.min(...values), max: Math.max(...values) };
}

function present(values: readonly (number | null)[]): number[] {
  return values.filter((value): value is number => value !== null);
}

/** What `runs` (at least one, all of one scenario) say together. */
export function summarizeRepeats(runs: readonly RepeatedRun[]): RepeatSummary {
  const first = runs[0];
  if (first === undefined) throw new Error('summarizeRepeats: no runs');
  const figure = (pick: (run: RepeatedRun) => number): Spread =>
    spreadOf(runs.map(pick)) ?? { median: 0, min: 0, max: 0 };
  const ratios = present(
    runs.map((run) =>
      run.startupMsMedian !== null &&
      run.baselineStartupMsMedian !== null &&
      run.baselineStartupMsMedian > 0
        ? run.startupMsMedian / run.baselineStartupMsMedian
        : null,
    ),
  );
  const idealOffload = median(runs.map((run) => run.idealOffload)) ?? first.idealOffload;
  const originOffload = figure((run) => run.originOffload);
  const stalls = figure((run) => run.stalls);
  const startupRatio = spreadOf(ratios);
  const count = (met: (run: RepeatedRun) => boolean): number => runs.filter(met).length;
  return {
    kind: 'repeat-summary',
    mode: first.mode,
    player: first.player,
    engine: first.engine,
    runs: runs.length,
    idealOffload,
    originOffload,
    stalls,
    baselineStalls: figure((run) => run.baselineStalls),
    startupMsMedian: spreadOf(present(runs.map((run) => run.startupMsMedian))),
    baselineStartupMsMedian: spreadOf(present(runs.map((run) => run.baselineStartupMsMedian))),
    startupRatio,
    cpuMsPerPlayedMinute: spreadOf(present(runs.map((run) => run.cpuMsPerPlayedMinute))),
    baselineCpuMsPerPlayedMinute: spreadOf(
      present(runs.map((run) => run.baselineCpuMsPerPlayedMinute)),
    ),
    runsMeetingTargets: {
      offload: count((run) => run.targetsMet.offload),
      stalls: count((run) => run.targetsMet.stalls),
      startup: count((run) => run.targetsMet.startup),
      all: count(
        (run) => run.targetsMet.offload && run.targetsMet.stalls && run.targetsMet.startup,
      ),
    },
    targetsMetByMedian: {
      offload: originOffload.median >= OFFLOAD_TARGET_FACTOR[first.mode] * idealOffload,
      stalls: stalls.median === 0,
      startup: startupRatio !== null && startupRatio.median <= STARTUP_TARGET_FACTOR,
    },
  };
}

/** The summary as text, for runs without `--json`. */
export function formatRepeatSummary(summary: RepeatSummary): string {
  const spread = (value: Spread | null, digits = 0): string =>
    value === null
      ? 'n/a'
      : `${value.median.toFixed(digits)} (${value.min.toFixed(digits)}–${value.max.toFixed(digits)})`;
  const met = Object.entries(summary.targetsMetByMedian)
    .map(([name, ok]) => `${name} ${ok ? 'met' : 'missed'}`)
    .join(', ');
  return [
    `${summary.mode} ${summary.player}/${summary.engine}, ${summary.runs} runs (median, range):`,
    `  offload ${spread(summary.originOffload, 3)} (ideal ${summary.idealOffload.toFixed(3)})`,
    `  stalls ${spread(summary.stalls)} / baseline ${spread(summary.baselineStalls)}`,
    `  startup ${spread(summary.startupMsMedian)} / baseline ` +
      `${spread(summary.baselineStartupMsMedian)} ms, ratio ${spread(summary.startupRatio, 2)}`,
    `  runs meeting offload ${summary.runsMeetingTargets.offload}, stalls ` +
      `${summary.runsMeetingTargets.stalls}, startup ${summary.runsMeetingTargets.startup}, all ` +
      `${summary.runsMeetingTargets.all}; by the medians: ${met}`,
  ].join('\n');
}
