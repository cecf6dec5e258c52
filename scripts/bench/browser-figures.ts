/**
 * A scenario's figures per browser (`--browser`): offload, stalls and startup of the Chromium and
 * the Firefox viewers apart, in both arms, so a mixed swarm shows whether one browser pays for the
 * other (issue 17: "offload, stalls and startup per browser"). Pure functions of the two arms.
 *
 * Page CPU and heap come from Chromium's DevTools protocol (page-metrics.ts), which Firefox lacks:
 * for Firefox viewers they are null (unmeasured), never 0.
 */
import type { ArmResult, ViewerOutcome } from './arm-runner.js';
import type { BenchBrowser, ViewerBrowserName } from './browser-mix.js';
import { median, percentile, startupMs } from './scenario-report.js';

/** One browser's viewers in one scenario. */
export interface BrowserFigures {
  /** Viewers of this browser in the P2P arm (the baseline has as many). */
  readonly viewers: number;
  /** Media segment bytes their players received in the P2P arm. */
  readonly playedBytes: number;
  /** Bytes their engines got from peers. */
  readonly p2pBytes: number;
  /** Bytes their engines sent to peers. */
  readonly uploadBytes: number;
  /**
   * `p2pBytes / playedBytes`: the share of what they played that came from peers (the origin's
   * bytes cannot be split by browser, the engines' P2P bytes can); null when they played nothing.
   */
  readonly offload: number | null;
  readonly stalls: number;
  readonly stallMs: number;
  readonly startupMsMedian: number | null;
  /** 95th percentile (nearest rank) of their startups, ms. */
  readonly startupMsP95: number | null;
  /** Viewers that never started playing. */
  readonly notStarted: number;
  /**
   * Main-thread CPU per played minute over these viewers, ms; null where unmeasured (Firefox: no
   * DevTools protocol) or nothing played.
   */
  readonly cpuMsPerPlayedMinute: number | null;
  /** Largest JS heap of any of these viewers, bytes; null where unmeasured (Firefox). */
  readonly heapBytesMax: number | null;
  /** The same browser's viewers in the baseline arm (no engine: no offload). */
  readonly baselineViewers: number;
  readonly baselinePlayedBytes: number;
  readonly baselineStalls: number;
  readonly baselineStallMs: number;
  readonly baselineStartupMsMedian: number | null;
  readonly baselineStartupMsP95: number | null;
  readonly baselineNotStarted: number;
  readonly baselineCpuMsPerPlayedMinute: number | null;
  readonly baselineHeapBytesMax: number | null;
}

/** The fields a scenario's line gains: the `--browser` value and the figures per browser present. */
export interface BrowserBreakdown {
  readonly browser: BenchBrowser;
  readonly byBrowser: Partial<Record<ViewerBrowserName, BrowserFigures>>;
}

function roundOrNull(value: number | null, digits = 0): number | null {
  if (value === null) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A viewer's browser: Chromium unless it says otherwise; undefined for virtual viewers. */
function browserOf(viewer: ViewerOutcome): ViewerBrowserName | undefined {
  if (viewer.virtual === true) return undefined;
  return viewer.browser ?? 'chromium';
}

interface GroupFigures {
  readonly viewers: number;
  readonly playedBytes: number;
  readonly p2pBytes: number;
  readonly uploadBytes: number;
  readonly stalls: number;
  readonly stallMs: number;
  readonly startupMsMedian: number | null;
  readonly startupMsP95: number | null;
  readonly notStarted: number;
  readonly cpuMsPerPlayedMinute: number | null;
  readonly heapBytesMax: number | null;
}

function groupFigures(viewers: readonly ViewerOutcome[]): GroupFigures {
  const sum = (pick: (viewer: ViewerOutcome) => number): number =>
    viewers.reduce((total, viewer) => total + pick(viewer), 0);
  const startups = viewers.map(startupMs).filter((value): value is number => value !== undefined);
  const measured = viewers.filter((viewer) => viewer.cost !== undefined);
  const measuredCpuMs = measured.reduce((total, viewer) => total + (viewer.cost?.cpuMs ?? 0), 0);
  const measuredPlayedSeconds = measured.reduce(
    (total, viewer) => total + viewer.playback.playedSeconds,
    0,
  );
  return {
    viewers: viewers.length,
    playedBytes: sum((viewer) => viewer.final.mediaBytes),
    p2pBytes: sum((viewer) => viewer.final.engineStats?.p2pBytes ?? 0),
    uploadBytes: sum((viewer) => viewer.final.engineStats?.uploadBytes ?? 0),
    stalls: sum((viewer) => viewer.playback.stalls.count),
    stallMs: Math.round(sum((viewer) => viewer.playback.stalls.totalMs)),
    startupMsMedian: roundOrNull(median(startups)),
    startupMsP95: roundOrNull(percentile(startups, 0.95)),
    notStarted: viewers.length - startups.length,
    cpuMsPerPlayedMinute:
      measuredPlayedSeconds > 0 ? Math.round(measuredCpuMs / (measuredPlayedSeconds / 60)) : null,
    heapBytesMax:
      measured.length === 0
        ? null
        : Math.max(...measured.map((viewer) => viewer.cost?.heapBytesMax ?? 0)),
  };
}

/** The figures of the `name` viewers of both arms. */
export function browserFigures(
  p2p: ArmResult,
  baseline: ArmResult,
  name: ViewerBrowserName,
): BrowserFigures {
  const ours = groupFigures(p2p.viewers.filter((viewer) => browserOf(viewer) === name));
  const theirs = groupFigures(baseline.viewers.filter((viewer) => browserOf(viewer) === name));
  return {
    ...ours,
    offload: ours.playedBytes > 0 ? roundOrNull(ours.p2pBytes / ours.playedBytes, 4) : null,
    baselineViewers: theirs.viewers,
    baselinePlayedBytes: theirs.playedBytes,
    baselineStalls: theirs.stalls,
    baselineStallMs: theirs.stallMs,
    baselineStartupMsMedian: theirs.startupMsMedian,
    baselineStartupMsP95: theirs.startupMsP95,
    baselineNotStarted: theirs.notStarted,
    baselineCpuMsPerPlayedMinute: theirs.cpuMsPerPlayedMinute,
    baselineHeapBytesMax: theirs.heapBytesMax,
  };
}

/** `browser` and the figures of every browser that had a viewer in either arm, Chromium first. */
export function browserBreakdown(
  browser: BenchBrowser,
  p2p: ArmResult,
  baseline: ArmResult,
): BrowserBreakdown {
  const present = new Set(
    [...p2p.viewers, ...baseline.viewers]
      .map(browserOf)
      .filter((name): name is ViewerBrowserName => name !== undefined),
  );
  const byBrowser: Partial<Record<ViewerBrowserName, BrowserFigures>> = {};
  for (const name of ['chromium', 'firefox'] as const) {
    if (present.has(name)) byBrowser[name] = browserFigures(p2p, baseline, name);
  }
  return { browser, byBrowser };
}
