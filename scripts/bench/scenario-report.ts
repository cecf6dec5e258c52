/**
 * One scenario's result line: the P2P arm against the baseline arm (the same player without our
 * engine), and whether the project's targets are met. Pure functions of the two arms' results.
 */
import type { ArmResult, ViewerOutcome } from './arm-runner.js';
import type { BenchMode } from './bench-options.js';
import type { OriginFetchBreakdown } from './diagnostics.js';

/** Share of the ideal offload a scenario must reach: live edges leave less room than VOD. */
export const OFFLOAD_TARGET_FACTOR: Readonly<Record<BenchMode, number>> = { live: 0.9, vod: 0.95 };
/** Median startup with P2P may be at most this times the baseline's. */
export const STARTUP_TARGET_FACTOR = 1.1;

/** What identifies a scenario. */
export interface ScenarioSpec {
  readonly mode: BenchMode;
  readonly peers: number;
  readonly stream: string;
  readonly seconds: number;
  readonly staggerSeconds: number;
  readonly player: string;
  readonly engine: string;
  readonly capLevel: number | undefined;
  /** `--engine-config` of the P2P arm ({} when none). */
  readonly engineConfig: Readonly<Record<string, unknown>>;
  /** `--shaka-config` of both arms (null when none). */
  readonly shakaConfig: Readonly<Record<string, unknown>> | null;
  /** Digest of the bundle measured (see BenchStack.bundleDigest). */
  readonly build: string;
  /**
   * Virtual viewers beside the `peers` Chromium ones (`--virtual-peers`): the swarm, hence the
   * ideal offload, counts both. Default 0.
   */
  readonly virtualPeers?: number;
}

/** The JSON line of one scenario (byte counts are media segment bytes, init segments excluded). */
export interface ScenarioReport {
  readonly mode: BenchMode;
  readonly peers: number;
  readonly stream: string;
  readonly seconds: number;
  readonly staggerSeconds: number;
  readonly player: string;
  readonly engine: string;
  /** Rendition cap used in both arms, or null for none. */
  readonly capLevel: number | null;
  /** `--engine-config` of the P2P arm ({} when none). */
  readonly engineConfig: Readonly<Record<string, unknown>>;
  /** `--shaka-config` of both arms (null when none). */
  readonly shakaConfig: Readonly<Record<string, unknown>> | null;
  /** Digest of the hls.js bundle measured. */
  readonly build: string;
  /** Bytes the origin served to the P2P arm (its own counters). */
  readonly originBytes: number;
  /** Bytes the P2P arm's players received. */
  readonly playedBytes: number;
  /** 1 - originBytes / playedBytes. */
  readonly originOffload: number;
  /** 1 - 1/peers: every segment fetched from the origin exactly once, every viewer watching alike. */
  readonly idealOffload: number;
  /**
   * 1 - (bytes of the distinct segments the P2P arm's players received) / playedBytes: the offload
   * of a swarm that takes each segment it plays from the origin exactly once, for the segments and
   * renditions this run's players actually asked for. Below `idealOffload` when viewers did not
   * all play the same segments: a live stream moves on while viewers join and leave (each watches
   * equally long, so the segments of the first and the last stagger period have one viewer only),
   * or players picked different renditions. Diagnostic; the targets use `idealOffload`.
   */
  readonly reachableOffload: number;
  /**
   * 1 - (origin fetches no scheduler could have avoided) / playedBytes: one fetch of each segment
   * plus the fetches of segments other viewers already had, made before the requesting viewer's
   * swarm for that stream had any peer (a live joiner's startup burst). The most this run's swarm
   * could have offloaded given when its connections came up; the gap to `originOffload` is the
   * scheduler's. Diagnostic; the targets use `idealOffload`.
   */
  readonly connectedOffload: number;
  /** Stalls over viewers after first play, not caused by seeking, and their total duration. */
  readonly stalls: number;
  readonly stallMs: number;
  /** Median over viewers of the time from player creation (scripts loaded) to the first 'playing'. */
  readonly startupMsMedian: number | null;
  readonly baselineStartupMsMedian: number | null;
  readonly baselineStalls: number;
  readonly baselineStallMs: number;
  readonly baselineOriginBytes: number;
  readonly baselinePlayedBytes: number;
  /** Engine-reported download bytes over viewers. */
  readonly p2pBytes: number;
  readonly httpBytes: number;
  readonly uploadBytes: number;
  /** Median over the arm's samples of the machine's busy CPU fraction (null off Linux). */
  readonly cpuBusyMedian: number | null;
  readonly baselineCpuBusyMedian: number | null;
  /**
   * Main-thread CPU time of the viewers' pages per minute of media they played, ms: the sum over
   * viewers of DevTools `TaskDuration` between join and leave over the sum of their played minutes
   * (workers excluded). Null when the browser has no DevTools protocol or nothing played.
   */
  readonly cpuMsPerPlayedMinute: number | null;
  readonly baselineCpuMsPerPlayedMinute: number | null;
  /** Largest JS heap in use of any viewer's page over the samples, bytes (null without DevTools). */
  readonly heapBytesMax: number | null;
  readonly baselineHeapBytesMax: number | null;
  /**
   * Stall time per hour of viewing: `stallMs` over the viewers' summed time present (join to
   * leave), in ms per viewer-hour.
   */
  readonly stallMsPerViewerHour: number;
  readonly baselineStallMsPerViewerHour: number;
  /** 95th percentile (nearest rank) of the startups of the viewers that started, ms. */
  readonly startupMsP95: number | null;
  readonly baselineStartupMsP95: number | null;
  /** Viewers of the P2P arm / baseline that never started playing. */
  readonly notStarted: number;
  readonly baselineNotStarted: number;
  /** Setup errors, fatal errors, page errors and escaped requests, over both arms. */
  readonly problems: readonly string[];
  readonly targetsMet: {
    readonly offload: boolean;
    readonly stalls: boolean;
    readonly startup: boolean;
  };
}

/** The median, or null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}

/** The `fraction` percentile by nearest rank (the smallest value with at least that share at or below it), or null. */
export function percentile(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/**
 * Startup of a viewer in ms, or undefined when it never played: from the moment every player script
 * is loaded (when the page starts creating the player and, in the P2P arm, the engine) to the first
 * 'playing' event. Script download and parsing are left out in both arms alike: the baseline page
 * loads hls.js before the harness starts, and a real page loads its scripts ahead of playback.
 * The milestones in the diagnostics show the P2P bundle's load time separately.
 */
export function startupMs(viewer: ViewerOutcome): number | undefined {
  const { startedAtMs, scriptsLoadedAtMs, playingAtMs } = viewer.playback.startup;
  return playingAtMs === undefined ? undefined : playingAtMs - (scriptsLoadedAtMs ?? startedAtMs);
}

/** One viewer's row in the diagnostics' per-viewer cost table. */
export interface ViewerCostRow {
  readonly name: string;
  readonly joinedAtSeconds: number;
  /** Seconds from join to leave. */
  readonly presentSeconds: number;
  /** Seconds of media played before the leave. */
  readonly playedSeconds: number;
  /** Null when it never started. */
  readonly startupMs: number | null;
  readonly stalls: number;
  readonly stallMs: number;
  /** Main-thread task time between join and leave, ms (null without DevTools metrics). */
  readonly cpuMs: number | null;
  /** `cpuMs` per minute played (null without metrics or when nothing played). */
  readonly cpuMsPerPlayedMinute: number | null;
  readonly heapBytesMax: number | null;
}

/** Every viewer's CPU, heap, playing time, startup and stalls, in join order. */
export function viewerCostRows(arm: ArmResult): ViewerCostRow[] {
  return arm.viewers.map((viewer) => {
    const playedSeconds = viewer.playback.playedSeconds;
    const cpuMs = viewer.cost === undefined ? null : Math.round(viewer.cost.cpuMs);
    return {
      name: viewer.name,
      joinedAtSeconds: round(viewer.joinedAtSeconds, 2),
      presentSeconds: round(Math.max(0, viewer.leftAtSeconds - viewer.joinedAtSeconds), 2),
      playedSeconds: round(playedSeconds, 2),
      startupMs: startupOrNull(viewer),
      stalls: viewer.playback.stalls.count,
      stallMs: Math.round(viewer.playback.stalls.totalMs),
      cpuMs,
      cpuMsPerPlayedMinute:
        cpuMs === null || playedSeconds <= 0 ? null : Math.round(cpuMs / (playedSeconds / 60)),
      heapBytesMax: viewer.cost?.heapBytesMax ?? null,
    };
  });
}

function startupOrNull(viewer: ViewerOutcome): number | null {
  const value = startupMs(viewer);
  return value === undefined ? null : Math.round(value);
}

/** CPU per played minute over the viewers with metrics (ratio of sums), or null. */
function cpuPerPlayedMinute(arm: ArmResult): number | null {
  let cpuMs = 0;
  let playedSeconds = 0;
  for (const viewer of arm.viewers) {
    if (viewer.cost === undefined) continue;
    cpuMs += viewer.cost.cpuMs;
    playedSeconds += viewer.playback.playedSeconds;
  }
  return playedSeconds > 0 ? Math.round(cpuMs / (playedSeconds / 60)) : null;
}

function heapMax(arm: ArmResult): number | null {
  const values = arm.viewers.flatMap((viewer) =>
    viewer.cost === undefined ? [] : [viewer.cost.heapBytesMax],
  );
  return values.length === 0 ? null : Math.max(...values);
}

const MS_PER_HOUR = 3_600_000;

/** Stall ms per viewer-hour present; 0 when nobody was present. */
function stallMsPerViewerHour(arm: ArmResult, stallMs: number): number {
  const presentMs = arm.viewers.reduce(
    (sum, viewer) => sum + Math.max(0, viewer.leftAtSeconds - viewer.joinedAtSeconds) * 1000,
    0,
  );
  return presentMs > 0 ? Math.round(stallMs / (presentMs / MS_PER_HOUR)) : 0;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

interface ArmFigures {
  readonly playedBytes: number;
  readonly stalls: number;
  readonly stallMs: number;
  readonly startups: readonly number[];
  readonly notStarted: number;
  readonly p2pBytes: number;
  readonly httpBytes: number;
  readonly uploadBytes: number;
}

function figuresOf(arm: ArmResult): ArmFigures {
  const startups = arm.viewers
    .map(startupMs)
    .filter((value): value is number => value !== undefined);
  const total = (pick: (viewer: ViewerOutcome) => number): number =>
    arm.viewers.reduce((sum, viewer) => sum + pick(viewer), 0);
  return {
    playedBytes: total((viewer) => viewer.final.mediaBytes),
    stalls: total((viewer) => viewer.playback.stalls.count),
    stallMs: Math.round(total((viewer) => viewer.playback.stalls.totalMs)),
    startups,
    notStarted: arm.viewers.length - startups.length,
    p2pBytes: total((viewer) => viewer.final.engineStats?.p2pBytes ?? 0),
    httpBytes: total((viewer) => viewer.final.engineStats?.httpBytes ?? 0),
    uploadBytes: total((viewer) => viewer.final.engineStats?.uploadBytes ?? 0),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function cpuMedian(arm: ArmResult): number | null {
  const values = arm.timeline
    .map((point) => point.cpuBusy)
    .filter((value): value is number => value !== undefined);
  const middle = median(values);
  return middle === null ? null : round(middle, 2);
}

/** Bytes of the distinct media segments (by URL and byte range) the arm's players received. */
export function distinctSegmentBytes(arm: ArmResult): number {
  const bytesByKey = new Map<string, number>();
  for (const viewer of arm.viewers) {
    for (const segment of viewer.segments) {
      if (segment.sn === 'initSegment') continue;
      const key = `${segment.url} ${segment.rangeStart ?? ''}-${segment.rangeEnd ?? ''}`;
      bytesByKey.set(key, segment.byteLength);
    }
  }
  let total = 0;
  for (const bytes of bytesByKey.values()) total += bytes;
  return total;
}

/** Builds the scenario's report from its two arms. */
export function scenarioReport(
  spec: ScenarioSpec,
  p2p: ArmResult,
  baseline: ArmResult,
  originFetches: OriginFetchBreakdown,
): ScenarioReport {
  const withP2P = figuresOf(p2p);
  const without = figuresOf(baseline);
  const originOffload = withP2P.playedBytes > 0 ? 1 - p2p.originBytes / withP2P.playedBytes : 0;
  const idealOffload = 1 - 1 / (spec.peers + (spec.virtualPeers ?? 0));
  const distinctBytes = distinctSegmentBytes(p2p);
  const reachableOffload = withP2P.playedBytes > 0 ? 1 - distinctBytes / withP2P.playedBytes : 0;
  const unavoidableBytes = originFetches.distinct.bytes + originFetches.beforeFirstPeer.bytes;
  const connectedOffload = withP2P.playedBytes > 0 ? 1 - unavoidableBytes / withP2P.playedBytes : 0;
  const startupMsMedian = median(withP2P.startups);
  const baselineStartupMsMedian = median(without.startups);
  const problems = [...p2p.viewers, ...baseline.viewers].flatMap((viewer) =>
    viewer.problems.map((problem) => `${viewer.name}: ${problem}`),
  );
  return {
    mode: spec.mode,
    peers: spec.peers,
    stream: spec.stream,
    seconds: spec.seconds,
    staggerSeconds: spec.staggerSeconds,
    player: spec.player,
    engine: spec.engine,
    capLevel: spec.capLevel ?? null,
    engineConfig: spec.engineConfig,
    shakaConfig: spec.shakaConfig,
    build: spec.build,
    originBytes: p2p.originBytes,
    playedBytes: withP2P.playedBytes,
    originOffload: round(originOffload, 4),
    idealOffload: round(idealOffload, 4),
    reachableOffload: round(reachableOffload, 4),
    connectedOffload: round(connectedOffload, 4),
    stalls: withP2P.stalls,
    stallMs: withP2P.stallMs,
    startupMsMedian: startupMsMedian === null ? null : Math.round(startupMsMedian),
    baselineStartupMsMedian:
      baselineStartupMsMedian === null ? null : Math.round(baselineStartupMsMedian),
    baselineStalls: without.stalls,
    baselineStallMs: without.stallMs,
    baselineOriginBytes: baseline.originBytes,
    baselinePlayedBytes: without.playedBytes,
    p2pBytes: withP2P.p2pBytes,
    httpBytes: withP2P.httpBytes,
    uploadBytes: withP2P.uploadBytes,
    cpuBusyMedian: cpuMedian(p2p),
    baselineCpuBusyMedian: cpuMedian(baseline),
    cpuMsPerPlayedMinute: cpuPerPlayedMinute(p2p),
    baselineCpuMsPerPlayedMinute: cpuPerPlayedMinute(baseline),
    heapBytesMax: heapMax(p2p),
    baselineHeapBytesMax: heapMax(baseline),
    stallMsPerViewerHour: stallMsPerViewerHour(p2p, withP2P.stallMs),
    baselineStallMsPerViewerHour: stallMsPerViewerHour(baseline, without.stallMs),
    startupMsP95: roundOrNull(percentile(withP2P.startups, 0.95)),
    baselineStartupMsP95: roundOrNull(percentile(without.startups, 0.95)),
    notStarted: withP2P.notStarted,
    baselineNotStarted: without.notStarted,
    problems,
    targetsMet: {
      offload: originOffload >= OFFLOAD_TARGET_FACTOR[spec.mode] * idealOffload,
      stalls: withP2P.stalls === 0 && withP2P.notStarted === 0,
      startup:
        startupMsMedian !== null &&
        baselineStartupMsMedian !== null &&
        startupMsMedian <= STARTUP_TARGET_FACTOR * baselineStartupMsMedian,
    },
  };
}
