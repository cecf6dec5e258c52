/**
 * The network-lab fields of a scenario's JSON line (`--network`, issue 16): which scenario, plan
 * seed and viewer mix ran, the churn the arms carried out, and the P2P bytes by connection path
 * with the offload an operator gets once TURN-relayed bytes (which it pays for) are left out.
 * Pure functions of the plan and the two arms' results; merged into the line only with
 * `--network`, so lines without it stay as they were.
 */
import type { EngineStats } from '../../core/model/stats.js';
import type { ArmResult, ViewerOutcome } from './arm-runner.js';
import type { NetworkPlan, NetworkScenario } from './network-scenarios.js';
import { median, percentile, startupMs } from './scenario-report.js';
import { viewerGroupFigures, type ViewerGroupFigures } from './virtual-viewer-plan.js';

/**
 * How a group of viewers asked for segments (issue 16 item 3: "similar request timing"), measured
 * the same way for Chromium and virtual viewers from their fragment loads: for every main media
 * fragment the player loaded successfully, the slack when the load started (end of the buffered
 * range holding the playhead minus the playhead; 0 when no range holds it: before startup or
 * stalled) and the load's duration (the player's loader asked to the bytes handed back).
 */
export interface RequestTimingFigures {
  /** Fragment loads counted. */
  readonly requests: number;
  /** Loads per viewer per minute of media played. */
  readonly requestsPerPlayedMinute: number | null;
  readonly slackMsMedian: number | null;
  /** The low tail: how close to running dry the tenth-percentile request was. */
  readonly slackMsP10: number | null;
  readonly slackMsP95: number | null;
  readonly durationMsMedian: number | null;
  readonly durationMsP95: number | null;
  /** Share of the loads the engine served from peers (its `segment-loaded` source). */
  readonly p2pShare: number | null;
  /** Median duration of the loads served over HTTP and from peers. */
  readonly httpDurationMsMedian: number | null;
  readonly p2pDurationMsMedian: number | null;
}

/**
 * One group's figures: {@link ViewerGroupFigures} plus what compares the two kinds of viewer on
 * the same footing.
 */
export interface ComparableGroupFigures extends ViewerGroupFigures {
  /** Media bytes handed to the player per viewer. */
  readonly playedBytesPerViewer: number | null;
  /**
   * ms to the first media segment handed to the player, counted from the moment the player
   * exists: Chromium from `scriptsLoaded` (the page's `firstSegment` milestone), virtual from
   * `start()`. Virtual viewers' `startupMs*` ends here too (they decode nothing); Chromium's ends
   * at `playing`, after transmuxing, appending and decoding: compare startup on this figure.
   */
  readonly firstSegmentMsMedian: number | null;
  readonly firstSegmentMsP95: number | null;
  /** The group's request timing in the P2P arm; null when no load was recorded. */
  readonly requestTiming: RequestTimingFigures | null;
  /** Seconds of media played per viewer. */
  readonly playedSecondsPerViewer: number | null;
  /**
   * Media seconds played per wall-clock second from startup to leave, over the group: 1 when
   * playback kept real time, less with stalls or with a media clock that ran slow (a CPU-starved
   * renderer plays on without a `waiting` event but falls behind).
   */
  readonly playbackRate: number | null;
  /** Media segments handed to the players, by level index (the renditions the groups chose). */
  readonly segmentsByLevel: Readonly<Record<string, number>>;
  /**
   * Each viewer's own offload (`1 - httpBytes / playedBytes`), ascending: how far apart viewers
   * of one kind are. In a small live swarm a few viewers fetch each new segment from the origin
   * for the others, so a group of two can sit far from its kind's typical value by chance.
   */
  readonly viewerOffloads: readonly number[];
}

/** P2P download bytes of an arm by the path of the connection they came over. */
export interface BytesByPathFigures {
  readonly direct: number;
  readonly relayed: number;
  /** Connections whose path the engine could not tell (yet). */
  readonly unknown: number;
}

/** What `--network` adds to a scenario's JSON line. */
export interface NetworkFigures {
  readonly network: NetworkScenario;
  readonly seed: number;
  /** Virtual (Node) viewers present at a time per arm (the plan's virtual slots). */
  readonly virtualPeers: number;
  /**
   * P2P bytes the P2P arm's viewers downloaded over TURN-relayed connections (an operator pays
   * for them); null when the engine measured does not report bytes by path.
   */
  readonly turnRelayedBytes: number | null;
  /** The P2P arm's P2P download bytes by path; null when the engine does not report it. */
  readonly p2pBytesByPath: BytesByPathFigures | null;
  /**
   * `(playedBytes - originBytes - turnRelayedBytes) / playedBytes`: the origin offload counting
   * relayed P2P bytes as served by the operator; null without bytes by path or nothing played.
   */
  readonly offloadExcludingTurn: number | null;
  /** Abrupt leaves the plan has per arm (churn), and how many each arm carried out. */
  readonly plannedAbruptLeaves: number;
  readonly abruptLeaves: number;
  readonly baselineAbruptLeaves: number;
  /** Of the P2P arm's abrupt leaves: browser processes killed, pages crashed. */
  readonly processesKilled: number;
  readonly pagesCrashed: number;
  /** Viewers of the P2P arm that took a slot after its occupant was killed. */
  readonly replacementsJoined: number;
  /**
   * The Chromium viewers' own figures (offload from their played vs HTTP bytes, startup, stalls):
   * with {@link NetworkFigures.virtual}, the model's validation (offload within 0.03) in one run.
   */
  readonly chromium: ComparableGroupFigures;
  /** The virtual viewers' own figures; null when the plan has none. */
  readonly virtual: ComparableGroupFigures | null;
}

/** Bytes by path of one viewer's engine stats, from `p2pBytesByPath` or flat relay counters. */
export function viewerBytesByPath(stats: EngineStats | undefined): BytesByPathFigures | undefined {
  if (stats === undefined) return undefined;
  // Read loosely: the counters are newer than some builds the bench may measure.
  const loose: {
    readonly p2pBytesByPath?: Partial<BytesByPathFigures>;
    readonly p2pRelayedBytes?: number;
  } = stats;
  const byPath = loose.p2pBytesByPath;
  if (byPath !== undefined && typeof byPath.relayed === 'number') {
    return {
      direct: byPath.direct ?? 0,
      relayed: byPath.relayed,
      unknown: byPath.unknown ?? 0,
    };
  }
  if (typeof loose.p2pRelayedBytes === 'number') {
    return {
      direct: Math.max(0, stats.p2pBytes - loose.p2pRelayedBytes),
      relayed: loose.p2pRelayedBytes,
      unknown: 0,
    };
  }
  return undefined;
}

/**
 * The arm's bytes by path, summed over viewers; undefined when a viewer with P2P bytes has no
 * split (the engine measured does not report it).
 */
export function armBytesByPath(arm: ArmResult): BytesByPathFigures | undefined {
  const total = { direct: 0, relayed: 0, unknown: 0 };
  for (const viewer of arm.viewers) {
    const stats = viewer.final.engineStats;
    const split = viewerBytesByPath(stats);
    if (split === undefined) {
      if ((stats?.p2pBytes ?? 0) > 0) return undefined;
      continue;
    }
    total.direct += split.direct;
    total.relayed += split.relayed;
    total.unknown += split.unknown;
  }
  return total;
}

/** One fragment load's timing, as {@link RequestTimingFigures} counts it. */
export interface LoadTiming {
  readonly slackMs: number;
  readonly durationMs: number;
  /** The engine's source of the bytes; undefined when the engine reported none (no engine). */
  readonly source: string | undefined;
}

/**
 * The successful main media fragment loads of a viewer with their slack, duration and source,
 * from its `loads` and the engine's `segment-loaded` trace entries (matched by sequence number
 * and start time, as diagnostics.ts does).
 */
export function loadTimings(viewer: ViewerOutcome): LoadTiming[] {
  const delivered = viewer.trace.filter((entry) => entry.event === 'segment-loaded');
  return viewer.loads.flatMap((load): LoadTiming[] => {
    if (typeof load.sn !== 'number' || load.type !== 'main' || load.outcome !== 'success')
      return [];
    if (load.endedAtMs === undefined) return [];
    const slackSeconds =
      load.bufferedEnd === undefined || load.playhead === undefined
        ? 0
        : Math.max(0, load.bufferedEnd - load.playhead);
    let source: string | undefined;
    let distanceMs = Infinity;
    for (const entry of delivered) {
      if (entry.segmentId !== load.sn) continue;
      const durationMs = typeof entry.durationMs === 'number' ? entry.durationMs : 0;
      const distance = Math.abs(entry.atMs - durationMs - load.startedAtMs);
      if (distance <= 1000 && distance < distanceMs && typeof entry.source === 'string') {
        distanceMs = distance;
        source = entry.source;
      }
    }
    return [
      {
        slackMs: slackSeconds * 1000,
        durationMs: Math.max(0, load.endedAtMs - load.startedAtMs),
        source,
      },
    ];
  });
}

function rounded(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

/** Request timing of `viewers` (see {@link RequestTimingFigures}); null without loads. */
export function requestTimingFigures(
  viewers: readonly ViewerOutcome[],
): RequestTimingFigures | null {
  const timings = viewers.flatMap(loadTimings);
  if (timings.length === 0) return null;
  const slack = timings.map((timing) => timing.slackMs);
  const durations = timings.map((timing) => timing.durationMs);
  const bySource = (source: string): number[] =>
    timings.filter((timing) => timing.source === source).map((timing) => timing.durationMs);
  const withSource = timings.filter((timing) => timing.source !== undefined).length;
  const playedMinutes =
    viewers.reduce((sum, viewer) => sum + viewer.playback.playedSeconds, 0) / 60;
  return {
    requests: timings.length,
    requestsPerPlayedMinute:
      playedMinutes > 0 ? Math.round((timings.length / playedMinutes) * 10) / 10 : null,
    slackMsMedian: rounded(median(slack)),
    slackMsP10: rounded(percentile(slack, 0.1)),
    slackMsP95: rounded(percentile(slack, 0.95)),
    durationMsMedian: rounded(median(durations)),
    durationMsP95: rounded(percentile(durations, 0.95)),
    p2pShare:
      withSource > 0 ? Math.round((bySource('p2p').length / withSource) * 1000) / 1000 : null,
    httpDurationMsMedian: rounded(median(bySource('http'))),
    p2pDurationMsMedian: rounded(median(bySource('p2p'))),
  };
}

/**
 * ms from the player's existence to the first media segment it was handed (see
 * {@link ComparableGroupFigures.firstSegmentMsMedian}); undefined when none came.
 */
export function firstSegmentMs(viewer: ViewerOutcome): number | undefined {
  if (viewer.virtual === true) return startupMs(viewer);
  const { startedAtMs, scriptsLoadedAtMs, firstSegmentAtMs } = viewer.playback.startup;
  return firstSegmentAtMs === undefined
    ? undefined
    : firstSegmentAtMs - (scriptsLoadedAtMs ?? startedAtMs);
}

/** The figures of the P2P arm's viewers that `member` picks, comparable across kinds. */
export function comparableGroupFigures(
  p2p: ArmResult,
  baseline: ArmResult,
  member: (viewer: ViewerOutcome) => boolean,
): ComparableGroupFigures {
  const group = viewerGroupFigures(p2p, baseline, member);
  const ours = p2p.viewers.filter(member);
  const firstSegments = ours
    .map(firstSegmentMs)
    .filter((value): value is number => value !== undefined);
  const playedSeconds = ours.reduce((sum, viewer) => sum + viewer.playback.playedSeconds, 0);
  const playingSeconds = ours.reduce((sum, viewer) => {
    const startup = startupMs(viewer);
    if (startup === undefined) return sum;
    return sum + Math.max(0, viewer.leftAtSeconds - viewer.joinedAtSeconds - startup / 1000);
  }, 0);
  const segmentsByLevel: Record<string, number> = {};
  for (const viewer of ours) {
    for (const segment of viewer.segments) {
      if (segment.sn === 'initSegment') continue;
      const level = String(segment.level);
      segmentsByLevel[level] = (segmentsByLevel[level] ?? 0) + 1;
    }
  }
  const viewerOffloads = ours
    .filter((viewer) => viewer.final.mediaBytes > 0)
    .map(
      (viewer) =>
        Math.round(
          (1 - (viewer.final.engineStats?.httpBytes ?? 0) / viewer.final.mediaBytes) * 1000,
        ) / 1000,
    )
    .sort((a, b) => a - b);
  return {
    ...group,
    viewerOffloads,
    playedBytesPerViewer: group.viewers > 0 ? Math.round(group.playedBytes / group.viewers) : null,
    playedSecondsPerViewer:
      group.viewers > 0 ? Math.round((playedSeconds / group.viewers) * 10) / 10 : null,
    playbackRate:
      playingSeconds > 0 ? Math.round((playedSeconds / playingSeconds) * 1000) / 1000 : null,
    segmentsByLevel,
    firstSegmentMsMedian: rounded(median(firstSegments)),
    firstSegmentMsP95: rounded(percentile(firstSegments, 0.95)),
    requestTiming: requestTimingFigures(ours),
  };
}

function abrupt(viewers: readonly ViewerOutcome[]): number {
  return viewers.filter((viewer) => viewer.leaveKind !== 'session-end').length;
}

function played(arm: ArmResult): number {
  return arm.viewers.reduce((total, viewer) => total + viewer.final.mediaBytes, 0);
}

/** The network fields of a scenario run with `plan`. */
export function networkFigures(
  plan: NetworkPlan,
  p2p: ArmResult,
  baseline: ArmResult,
): NetworkFigures {
  const byPath = armBytesByPath(p2p);
  const playedBytes = played(p2p);
  const offloadExcludingTurn =
    byPath === undefined || playedBytes <= 0
      ? null
      : Math.round(((playedBytes - p2p.originBytes - byPath.relayed) / playedBytes) * 10_000) /
        10_000;
  const isVirtual = (viewer: ViewerOutcome): boolean => viewer.virtual === true;
  return {
    network: plan.scenario,
    seed: plan.seed,
    virtualPeers: plan.virtualViewers,
    turnRelayedBytes: byPath?.relayed ?? null,
    p2pBytesByPath: byPath ?? null,
    offloadExcludingTurn,
    plannedAbruptLeaves: plan.viewers.filter((viewer) => viewer.leaveKind !== 'session-end').length,
    abruptLeaves: abrupt(p2p.viewers),
    baselineAbruptLeaves: abrupt(baseline.viewers),
    processesKilled: p2p.viewers.filter((viewer) => viewer.leaveKind === 'process-killed').length,
    pagesCrashed: p2p.viewers.filter((viewer) => viewer.leaveKind === 'page-crashed').length,
    replacementsJoined: Math.max(
      0,
      p2p.viewers.length - plan.chromiumViewers - plan.virtualViewers,
    ),
    chromium: comparableGroupFigures(p2p, baseline, (viewer) => !isVirtual(viewer)),
    virtual: plan.virtualViewers === 0 ? null : comparableGroupFigures(p2p, baseline, isVirtual),
  };
}
