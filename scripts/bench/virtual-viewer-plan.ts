/**
 * How a network plan's virtual viewers (issue 16 item 3, test/support/virtual-viewer) are packed
 * into viewer processes, and how their results join an arm's: pure functions, unit-tested.
 *
 * Packing. A viewer process costs ~1 s of CPU to start and ~110 MiB, a viewer in a shared process
 * ~26 MiB (docs/VIRTUAL-VIEWERS.md), so viewers share processes of up to
 * {@link MAX_VIEWERS_PER_PROCESS}. Viewers of one process share its namespace, hence their link
 * profile (NAT, rates, loss): only viewers of the same profile share a process, which runs in the
 * namespace of its first viewer's slot (the others' slots stay empty). A process starts its viewers
 * a fixed `staggerMs` apart, so a process takes viewers whose planned joins form an arithmetic
 * progression (in the bench's plans: every k-th slot). A viewer the plan kills for churn, and every
 * later occupant of its slot, gets a process of its own: `kill -9` takes a whole process.
 *
 * A process stops all its viewers together (`seconds` after its last viewer's start, as
 * viewer-process.ts does), so the earlier viewers of a shared process watch up to
 * `(viewers - 1) x staggerMs` longer than the plan says; their real join and leave times are what
 * the report uses (stall time per viewer-hour, presence).
 *
 * Merging. Each virtual viewer's result becomes a {@link ViewerOutcome} (marked `virtual`), so the
 * arm's totals (played, HTTP and P2P bytes, stalls, startup median and p95) count every viewer;
 * {@link viewerGroupFigures} gives the Chromium and virtual sub-figures.
 */
import type {
  HarnessLoad,
  HarnessSample,
  HarnessSegment,
  HarnessTraceEntry,
} from '../../test/support/hlsjs-page.js';
import type { ViewerResult } from '../../test/support/virtual-viewer/viewer-result.js';
import type { ViewerSpec } from '../../test/support/virtual-viewer/viewer-spec.js';
import type { ArmResult, ViewerOutcome } from './arm-runner.js';
import type { NetworkPlan, PlannedViewer, SlotProfile } from './network-scenarios.js';
import { median, percentile, startupMs } from './scenario-report.js';

/** Most viewers a process runs (docs/VIRTUAL-VIEWERS.md recommends 8-10). */
export const MAX_VIEWERS_PER_PROCESS = 8;

/** One virtual-viewer process of an arm. */
export interface VirtualProcessPlan {
  /** The `id` of its spec: its first viewer's plan id; its viewers are `id`, `id-1`, `id-2`… */
  readonly id: string;
  /** The slot whose namespace it runs in (its first viewer's). */
  readonly slot: SlotProfile;
  /** Its viewers in start order (the process's `id`, `id-1`…). */
  readonly viewers: readonly PlannedViewer[];
  /** When it starts (its first viewer's join), ms after the arm's start. */
  readonly startAtMs: number;
  /** Between its viewers' starts, ms (0 with one viewer). */
  readonly staggerMs: number;
  /** How long each viewer plays (the spec's `seconds` x 1000), ms. */
  readonly watchMs: number;
  /**
   * When the bench kills it with SIGKILL (churn: its only viewer's planned abrupt leave), ms after
   * the arm's start; undefined when it ends by itself.
   */
  readonly killAtMs: number | undefined;
}

/** The link profile viewers must share to share a process (and its namespace). */
export function linkProfileKey(slot: SlotProfile): string {
  return [slot.nat, slot.downlinkKbit ?? '-', slot.uplinkKbit ?? '-', slot.lossPercent].join('|');
}

/**
 * The longest run starting at `first` whose joins go up by one step (the same for all), taken
 * from `pool`, of at most `max` viewers; at equal length the smallest step wins.
 */
function longestProgression(
  first: PlannedViewer,
  pool: readonly PlannedViewer[],
  max: number,
): PlannedViewer[] {
  let best: PlannedViewer[] = [first];
  const steps = [...new Set(pool.map((viewer) => viewer.joinAtMs - first.joinAtMs))]
    .filter((step) => step >= 0)
    .sort((a, b) => a - b);
  for (const step of steps) {
    const run = [first];
    const left = pool.filter((viewer) => viewer !== first);
    while (run.length < max) {
      const last = run[run.length - 1] as PlannedViewer;
      const nextIndex = left.findIndex((viewer) => viewer.joinAtMs === last.joinAtMs + step);
      if (nextIndex < 0) break;
      run.push(...left.splice(nextIndex, 1));
    }
    if (run.length > best.length) best = run;
  }
  return best;
}

/**
 * The virtual-viewer processes of `plan`: churned slots' occupants one per process, the others
 * packed by link profile into arithmetic join progressions of up to `maxViewersPerProcess`.
 * Deterministic; every virtual viewer of the plan is in exactly one process.
 */
export function planVirtualProcesses(
  plan: NetworkPlan,
  maxViewersPerProcess: number = MAX_VIEWERS_PER_PROCESS,
): VirtualProcessPlan[] {
  if (!Number.isInteger(maxViewersPerProcess) || maxViewersPerProcess < 1) {
    throw new RangeError(
      `maxViewersPerProcess must be a whole number >= 1, got ${maxViewersPerProcess}`,
    );
  }
  const virtual = plan.viewers.filter((viewer) => viewer.kind === 'virtual');
  const churnedSlots = new Set(
    virtual.filter((viewer) => viewer.occupant > 0).map((viewer) => viewer.slot),
  );
  const processes: VirtualProcessPlan[] = [];
  const single = (viewer: PlannedViewer): VirtualProcessPlan => ({
    id: viewer.id,
    slot: viewer,
    viewers: [viewer],
    startAtMs: viewer.joinAtMs,
    staggerMs: 0,
    watchMs: viewer.leaveAtMs - viewer.joinAtMs,
    killAtMs: viewer.leaveKind === 'session-end' ? undefined : viewer.leaveAtMs,
  });
  const pools = new Map<string, PlannedViewer[]>();
  for (const viewer of virtual) {
    if (churnedSlots.has(viewer.slot) || viewer.leaveKind !== 'session-end') {
      processes.push(single(viewer));
      continue;
    }
    // Same profile and same watch time: one process's `seconds` fits them all.
    const key = `${linkProfileKey(viewer)}|${viewer.leaveAtMs - viewer.joinAtMs}`;
    const pool = pools.get(key) ?? [];
    pool.push(viewer);
    pools.set(key, pool);
  }
  for (const pool of pools.values()) {
    const left = [...pool].sort((a, b) => a.joinAtMs - b.joinAtMs || a.slot - b.slot);
    while (left.length > 0) {
      const first = left[0] as PlannedViewer;
      const run = longestProgression(first, left, maxViewersPerProcess);
      for (const viewer of run) left.splice(left.indexOf(viewer), 1);
      const second = run[1];
      processes.push({
        id: first.id,
        slot: first,
        viewers: run,
        startAtMs: first.joinAtMs,
        staggerMs: second === undefined ? 0 : second.joinAtMs - first.joinAtMs,
        watchMs: first.leaveAtMs - first.joinAtMs,
        killAtMs: undefined,
      });
    }
  }
  return processes.sort((a, b) => a.startAtMs - b.startAtMs || a.slot.slot - b.slot.slot);
}

/**
 * The player keys of an arm's virtual-viewer spec for the bench's `--engine`: `shaka` makes the
 * virtual viewers Shaka Player playing DASH (test/support/virtual-viewer/shaka-viewer.ts) with the
 * Shaka configuration the arm's Chromium viewers get (`shakaConfigFor(options, mode)`, e.g.
 * `streaming.updateIntervalSeconds` 0.1 for live); anything else, hls.js playing HLS.
 *
 * @param engine - the bench's `--engine` (`hlsjs` or `shaka`)
 * @param shakaConfig - the arm's Shaka configuration, if any
 */
export function virtualPlayerSpec(
  engine: string,
  shakaConfig: Readonly<Record<string, unknown>> | undefined,
): Pick<ViewerSpec, 'player' | 'shakaConfig'> {
  if (engine !== 'shaka') return { player: 'hlsjs' };
  return { player: 'shaka', ...(shakaConfig === undefined ? {} : { shakaConfig }) };
}

/** The ids a viewer process gives its viewers (as viewer-group.ts does): `id`, `id-1`, `id-2`… */
export function processViewerIds(process: VirtualProcessPlan): string[] {
  return process.viewers.map((_, index) => (index === 0 ? process.id : `${process.id}-${index}`));
}

/** A virtual viewer's figures once its process is done, with when it really ran. */
export interface VirtualViewerRun {
  /** The plan's viewer it was. */
  readonly planned: PlannedViewer;
  /** Its arm's label, e.g. 'live p2p', for the outcome's name. */
  readonly label: string;
  /**
   * Its `result` line, or (killed: no result) its last `progress` line; undefined when the process
   * printed neither.
   */
  readonly result: Omit<ViewerResult, 'requests' | 'segments'> &
    Partial<Pick<ViewerResult, 'segments' | 'requests'>>;
  /** Seconds after the arm's start that its process started it and that it stopped. */
  readonly joinedAtSeconds: number;
  readonly leftAtSeconds: number;
  /** How it left (a kill: `process-killed`). */
  readonly leaveKind: ViewerOutcome['leaveKind'];
  /** Errors its process reported for it, or about the process (no result, bad exit). */
  readonly problems: readonly string[];
}

/**
 * A virtual viewer as one of its arm's viewers: the figures the report reads (media bytes played,
 * engine HTTP/P2P/upload bytes, stalls, startup, delivered segments) in a Chromium viewer's shape.
 * Its P2P bytes count by the path its engine reports (`unknown` from a result without paths).
 */
export function virtualViewerOutcome(run: VirtualViewerRun): ViewerOutcome {
  const { result } = run;
  const mediaBytes =
    result.deliveredBytes.http + result.deliveredBytes.p2p + result.deliveredBytes.cache;
  const sample: HarnessSample = {
    playedSeconds: result.playedSeconds,
    currentTime: result.playedSeconds,
    stalls: { count: result.stalls, totalMs: result.stallMs },
    // startupMs() reads `playingAtMs - startedAtMs` (no scripts to load).
    startup: {
      startedAtMs: 0,
      ...(result.startupMs === undefined ? {} : { playingAtMs: result.startupMs }),
    },
    mediaBytes,
    mediaSegments: result.segmentsPlayed,
    fatalErrors: result.fatalError === undefined ? 0 : 1,
    engineStats: {
      httpBytes: result.engineBytes.http,
      p2pBytes: result.engineBytes.p2p,
      uploadBytes: result.engineBytes.upload,
      p2pRatio:
        result.engineBytes.http + result.engineBytes.p2p > 0
          ? result.engineBytes.p2p / (result.engineBytes.http + result.engineBytes.p2p)
          : 0,
      // Results count segments, not segments by source.
      segments: { http: 0, p2p: 0, cache: 0 },
      peers: result.peers,
      storeBytes: 0,
      p2pBytesByPath: result.p2pBytesByPath ?? {
        direct: 0,
        relayed: 0,
        unknown: result.engineBytes.p2p,
      },
    },
  };
  const segments: HarnessSegment[] = (result.segments ?? []).map((segment) => ({
    url: segment.url,
    ...(segment.byteRange === undefined
      ? {}
      : { rangeStart: segment.byteRange.start, rangeEnd: segment.byteRange.end }),
    sn: segment.sequence,
    // A Shaka viewer's records say which media type they are (audio segments are their own).
    type: (segment as { readonly kind?: string }).kind === 'audio' ? 'audio' : 'main',
    level: segment.level,
    byteLength: segment.bytes,
    sha256: segment.sha256,
  }));
  // Its requests as a Chromium page records them: the player's fragment loads (epoch ms, with the
  // playhead and buffer at the start) and the engine's `segment-loaded` events, so request timing
  // and the origin-fetch diagnostics read both kinds of viewer the same way.
  const requests = result.requests ?? [];
  const loads: HarnessLoad[] = requests.map((request) => ({
    url: request.url,
    sn: request.sequence,
    // A Shaka viewer's records say which media type they are (as its segments do).
    type: (request as { readonly kind?: string }).kind === 'audio' ? 'audio' : 'main',
    level: request.level,
    startedAtMs: request.startedAtEpochMs,
    outcome: request.error === undefined ? 'success' : `error ${request.error}`,
    endedAtMs: request.startedAtEpochMs + request.durationMs,
    fragStart: request.fragmentStartSeconds,
    playhead: request.positionSeconds,
    ...(request.bufferedEndSeconds === undefined
      ? {}
      : { bufferedEnd: request.bufferedEndSeconds }),
  }));
  const trace: HarnessTraceEntry[] = requests.flatMap((request) =>
    request.source === undefined
      ? []
      : [
          {
            atMs: request.startedAtEpochMs + request.durationMs,
            event: 'segment-loaded',
            segmentId: request.sequence,
            streamKey: request.streamKey,
            source: request.source,
            bytes: request.bytes,
            durationMs: request.durationMs,
          },
        ],
  );
  // The engine's bans, as a page's trace holds them (the attack report reads `peerId`).
  for (const ban of result.peersBanned ?? []) {
    trace.push({ atMs: ban.atEpochMs, event: 'peer-banned', peerId: ban.peerId, error: ban.code });
  }
  // Peer and tracker connections, as a page's trace holds them (diagnostics count peers from them).
  for (const { atEpochMs, code, ...event } of result.connectionEvents ?? []) {
    trace.push({ atMs: atEpochMs, ...event, ...(code === undefined ? {} : { error: code }) });
  }
  trace.sort((a, b) => a.atMs - b.atMs);
  return {
    name: `${run.label} viewer ${run.planned.id}`,
    joinedAtSeconds: run.joinedAtSeconds,
    leftAtSeconds: run.leftAtSeconds,
    cost: undefined,
    playback: sample,
    final: sample,
    trace,
    segments,
    loads,
    problems: [
      ...run.problems,
      ...(result.fatalError === undefined ? [] : [`fatal ${result.fatalError}`]),
    ],
    leaveKind: run.leaveKind,
    virtual: true,
    ...(result.connectionEvents === undefined ? {} : { tracesConnections: true as const }),
  };
}

/** An arm with its virtual viewers' outcomes added (origin bytes already count them). */
export function withVirtualViewers(arm: ArmResult, virtual: readonly ViewerOutcome[]): ArmResult {
  return { ...arm, viewers: [...arm.viewers, ...virtual] };
}

/** One group's figures (Chromium or virtual viewers) of a scenario. */
export interface ViewerGroupFigures {
  /** Viewers of the group in the P2P arm (replacements included). */
  readonly viewers: number;
  readonly playedBytes: number;
  /** Engine HTTP and P2P download bytes of the group. */
  readonly httpBytes: number;
  readonly p2pBytes: number;
  /**
   * `1 - httpBytes / playedBytes`: the group's own offload (its share of the origin's bytes is
   * not separable, its HTTP bytes are); null when it played nothing.
   */
  readonly offload: number | null;
  readonly startupMsMedian: number | null;
  readonly startupMsP95: number | null;
  readonly stalls: number;
  readonly stallMs: number;
  /** Viewers that never started playing. */
  readonly notStarted: number;
  /** The same group in the baseline arm. */
  readonly baselineStartupMsMedian: number | null;
  readonly baselineStalls: number;
  readonly baselineStallMs: number;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

/** The figures of the viewers of `p2p` and `baseline` that `member` picks. */
export function viewerGroupFigures(
  p2p: ArmResult,
  baseline: ArmResult,
  member: (viewer: ViewerOutcome) => boolean,
): ViewerGroupFigures {
  const ours = p2p.viewers.filter(member);
  const theirs = baseline.viewers.filter(member);
  const sum = (viewers: readonly ViewerOutcome[], pick: (viewer: ViewerOutcome) => number) =>
    viewers.reduce((total, viewer) => total + pick(viewer), 0);
  const startups = (viewers: readonly ViewerOutcome[]): number[] =>
    viewers.map(startupMs).filter((value): value is number => value !== undefined);
  const playedBytes = sum(ours, (viewer) => viewer.final.mediaBytes);
  const httpBytes = sum(ours, (viewer) => viewer.final.engineStats?.httpBytes ?? 0);
  const ourStartups = startups(ours);
  return {
    viewers: ours.length,
    playedBytes,
    httpBytes,
    p2pBytes: sum(ours, (viewer) => viewer.final.engineStats?.p2pBytes ?? 0),
    offload: playedBytes > 0 ? Math.round((1 - httpBytes / playedBytes) * 10_000) / 10_000 : null,
    startupMsMedian: roundOrNull(median(ourStartups)),
    startupMsP95: roundOrNull(percentile(ourStartups, 0.95)),
    stalls: sum(ours, (viewer) => viewer.playback.stalls.count),
    stallMs: Math.round(sum(ours, (viewer) => viewer.playback.stalls.totalMs)),
    notStarted: ours.length - ourStartups.length,
    baselineStartupMsMedian: roundOrNull(median(startups(theirs))),
    baselineStalls: sum(theirs, (viewer) => viewer.playback.stalls.count),
    baselineStallMs: Math.round(sum(theirs, (viewer) => viewer.playback.stalls.totalMs)),
  };
}
