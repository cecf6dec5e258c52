/**
 * Why a scenario's offload is what it is: per viewer, where its segments came from and with how
 * much slack it asked for them; across viewers, which origin fetches were necessary (nobody had the
 * segment), duplicated (another viewer was fetching it over HTTP at the same time) or avoidable (a
 * peer already held it when the request started). Built from the harness's event traces.
 */
import type {
  HarnessLoad,
  HarnessStartup,
  HarnessTraceEntry,
} from '../../test/support/hlsjs-page.js';
import type { ShakaHarnessLoad } from '../../test/support/shaka-page.js';
import type { ArmResult, ViewerOutcome } from './arm-runner.js';
import { median, startupMs } from './scenario-report.js';

/** Count, bytes, and a time distribution (ms) of a set of segment deliveries. */
export interface DeliveryGroup {
  count: number;
  bytes: number;
}

/** One segment handed to a viewer's player, as the engine reported it. */
export interface DeliveredSegment {
  readonly segmentId: number;
  readonly streamKey: string;
  readonly source: string;
  readonly bytes: number;
  readonly durationMs: number;
  /** Epoch ms the player asked for it and got it. */
  readonly requestedAtMs: number;
  readonly loadedAtMs: number;
  /** Seconds until playback needed it when the player asked (the scheduler's deadline), if known. */
  readonly slackSeconds: number | undefined;
}

/** Diagnostics of one viewer. */
export interface ViewerDiagnostics {
  readonly name: string;
  readonly joinedAtSeconds: number;
  readonly startupMs: number | undefined;
  /** Ms from the page's start to each startup milestone (see HarnessStartup). */
  readonly startupMilestones: Readonly<Record<string, number>>;
  /** Machine CPU busy fraction in the second after this viewer joined. */
  readonly cpuBusyAtJoin: number | undefined;
  readonly playedSeconds: number;
  readonly stalls: number;
  readonly stallMs: number;
  readonly httpBytes: number;
  readonly p2pBytes: number;
  readonly uploadBytes: number;
  readonly segments: { readonly http: number; readonly p2p: number; readonly cache: number };
  readonly levelSwitches: readonly { readonly atSeconds: number; readonly level: unknown }[];
  /** Connected peers at every 5th sample. */
  readonly peersEvery5s: readonly number[];
  /** Median slack (s) at request time of segments that came over HTTP / from peers / the store. */
  readonly medianSlackSeconds: Readonly<Record<string, number | null>>;
  /** Median request-to-delivery time (ms) by source. */
  readonly medianDeliveryMs: Readonly<Record<string, number | null>>;
  readonly segmentErrors: number;
  readonly segmentAborts: number;
  readonly peerDisconnects: number;
  readonly trackerErrors: number;
  /** Compact per-segment log: `sn:source:slack s:delivery ms`. */
  readonly deliveries: readonly string[];
  /** Every delivery, with times in ms since the arm started. */
  readonly segmentLog: readonly DeliveredSegment[];
  /** The player's first fragment loads (startup), times in ms since the arm started. */
  readonly startupLoads: readonly HarnessLoad[];
  /** The raw trace (engine events, level switches), times in ms since the arm started. */
  readonly trace: readonly HarnessTraceEntry[];
}

/** Origin fetches of the P2P arm, classified by what the other viewers had at the time. */
export interface OriginFetchBreakdown {
  /** No other viewer had or was fetching the segment: the origin was needed. */
  readonly first: DeliveryGroup;
  /** Another viewer was fetching the same segment over HTTP at the same time. */
  readonly concurrentDuplicate: DeliveryGroup;
  /** Another viewer had already received the whole segment before this request started. */
  readonly peerHadIt: DeliveryGroup & { readonly medianGapMs: number | null };
  /**
   * The part of `peerHadIt` requested before the requesting viewer's swarm for that stream had
   * connected to any peer: no scheduler could have taken these from a peer (a live joiner's
   * startup segments, mostly). Virtual viewers count only when their trace has their engine's
   * peer events (see `ViewerOutcome.tracesConnections`).
   */
  readonly beforeFirstPeer: DeliveryGroup;
  /** One fetch of every segment fetched over HTTP at all: what the origin must serve in any case. */
  readonly distinct: DeliveryGroup;
}

/** Diagnostics of one P2P arm. */
export interface ArmDiagnostics {
  readonly viewers: readonly ViewerDiagnostics[];
  readonly originFetches: OriginFetchBreakdown;
}

function numberField(entry: HarnessTraceEntry, field: string): number {
  const value = entry[field];
  return typeof value === 'number' ? value : 0;
}

function stringField(entry: HarnessTraceEntry, field: string): string {
  const value = entry[field];
  return typeof value === 'string' ? value : '';
}

/**
 * A load's deadline: time until the segment or the end of its stream's buffer is reached. Shaka's
 * page records its stream type's own buffered end (the element's is the lagging type's).
 */
function slackOf(load: HarnessLoad | undefined): number | undefined {
  if (load?.fragStart === undefined || load.playhead === undefined) return undefined;
  const { fragStart, playhead } = load;
  const bufferedEnd = (load as Partial<ShakaHarnessLoad>).typeBufferedEnd ?? load.bufferedEnd;
  const neededAt =
    bufferedEnd === undefined ? fragStart : Math.min(fragStart, Math.max(bufferedEnd, playhead));
  return Math.max(0, neededAt - playhead);
}

/** Shaka's stream type of an engine stream key (`dash:audio:2`, `audio:a/index.m3u8`, ...). */
function shakaTypeOf(streamKey: string): string {
  return /(^|:)audio:/.test(streamKey) ? 'audio' : 'video';
}

/**
 * The player's load of the segment that started closest to `requestedAtMs`: by sequence number on
 * the hls.js page; by stream type on Shaka's, which names no segments (the engine sees a request
 * within a millisecond of Shaka's request filter, so the nearest load of the type is the one).
 */
function matchingLoad(
  loads: readonly HarnessLoad[],
  segmentId: number,
  streamKey: string,
  requestedAtMs: number,
): HarnessLoad | undefined {
  let best: HarnessLoad | undefined;
  for (const load of loads) {
    const sn: unknown = load.sn;
    const matches = typeof sn === 'number' ? sn === segmentId : sn === 'media';
    if (!matches || (sn === 'media' && load.type !== shakaTypeOf(streamKey))) continue;
    const distance = Math.abs(load.startedAtMs - requestedAtMs);
    if (distance > (sn === 'media' ? 50 : 1000)) continue;
    if (!best || distance < Math.abs(best.startedAtMs - requestedAtMs)) best = load;
  }
  return best;
}

/** The engine's `segment-loaded` events of a viewer, matched with the player's loads. */
export function deliveredSegments(viewer: ViewerOutcome): DeliveredSegment[] {
  return viewer.trace
    .filter((entry) => entry.event === 'segment-loaded')
    .map((entry) => {
      const durationMs = numberField(entry, 'durationMs');
      const segmentId = numberField(entry, 'segmentId');
      const streamKey = stringField(entry, 'streamKey');
      const requestedAtMs = entry.atMs - durationMs;
      return {
        segmentId,
        streamKey,
        source: stringField(entry, 'source'),
        bytes: numberField(entry, 'bytes'),
        durationMs,
        requestedAtMs,
        loadedAtMs: entry.atMs,
        slackSeconds: slackOf(matchingLoad(viewer.loads, segmentId, streamKey, requestedAtMs)),
      };
    });
}

function roundedMedian(values: readonly number[], digits: number): number | null {
  const middle = median(values);
  if (middle === null) return null;
  const scale = 10 ** digits;
  return Math.round(middle * scale) / scale;
}

function bySource(
  delivered: readonly DeliveredSegment[],
  pick: (segment: DeliveredSegment) => number | undefined,
  digits: number,
): Record<string, number | null> {
  const result: Record<string, number | null> = {};
  for (const source of ['http', 'p2p', 'cache']) {
    const values = delivered
      .filter((segment) => segment.source === source)
      .map(pick)
      .filter((value): value is number => value !== undefined);
    result[source] = roundedMedian(values, digits);
  }
  return result;
}

function viewerDiagnostics(
  arm: ArmResult,
  viewer: ViewerOutcome,
  index: number,
): ViewerDiagnostics {
  const delivered = deliveredSegments(viewer);
  const count = (event: string): number =>
    viewer.trace.filter((entry) => entry.event === event).length;
  const stats = viewer.final.engineStats;
  return {
    name: viewer.name,
    joinedAtSeconds: Math.round(viewer.joinedAtSeconds * 10) / 10,
    startupMs:
      roundedMedian(
        [startupMs(viewer)].filter((v): v is number => v !== undefined),
        0,
      ) ?? undefined,
    startupMilestones: milestonesOf(viewer.playback.startup),
    cpuBusyAtJoin: arm.timeline.find((point) => point.atSeconds > viewer.joinedAtSeconds + 1)
      ?.cpuBusy,
    playedSeconds: Math.round(viewer.playback.playedSeconds * 10) / 10,
    stalls: viewer.playback.stalls.count,
    stallMs: Math.round(viewer.playback.stalls.totalMs),
    httpBytes: stats?.httpBytes ?? 0,
    p2pBytes: stats?.p2pBytes ?? 0,
    uploadBytes: stats?.uploadBytes ?? 0,
    segments: stats?.segments ?? { http: 0, p2p: 0, cache: 0 },
    levelSwitches: viewer.trace
      .filter((entry) => entry.event === 'level-switching')
      .map((entry) => ({
        atSeconds: Math.round((entry.atMs - arm.startedAtEpochMs) / 100) / 10,
        level: entry.level,
      })),
    peersEvery5s: arm.timeline
      .filter((_, sample) => sample % 5 === 4)
      .map((point) =>
        viewer.tracesConnections === true
          ? peersConnectedAt(viewer, arm.startedAtEpochMs + point.atSeconds * 1000)
          : (point.peers[index] ?? 0),
      ),
    medianSlackSeconds: bySource(delivered, (segment) => segment.slackSeconds, 2),
    medianDeliveryMs: bySource(delivered, (segment) => segment.durationMs, 0),
    segmentErrors: count('segment-error'),
    segmentAborts: count('segment-aborted'),
    peerDisconnects: count('peer-disconnected'),
    trackerErrors: count('tracker-error'),
    deliveries: delivered.map(
      (segment) =>
        `${segment.segmentId}:${segment.source}:` +
        `${segment.slackSeconds === undefined ? '?' : segment.slackSeconds.toFixed(1)}s:` +
        `${Math.round(segment.durationMs)}ms`,
    ),
    segmentLog: delivered.map((segment) => ({
      ...segment,
      requestedAtMs: Math.round(segment.requestedAtMs - arm.startedAtEpochMs),
      loadedAtMs: Math.round(segment.loadedAtMs - arm.startedAtEpochMs),
    })),
    startupLoads: viewer.loads.slice(0, 6).map((load) => ({
      ...load,
      startedAtMs: Math.round(load.startedAtMs - arm.startedAtEpochMs),
      ...(load.endedAtMs === undefined
        ? {}
        : { endedAtMs: Math.round(load.endedAtMs - arm.startedAtEpochMs) }),
    })),
    trace: viewer.trace.map((entry) => ({
      ...entry,
      atMs: Math.round(entry.atMs - arm.startedAtEpochMs),
    })),
  };
}

/**
 * Peers a viewer was connected to at `atMs` (epoch ms), from its trace's peer events: the bench's
 * timeline samples only pages, so a virtual viewer's peer count comes from here.
 */
function peersConnectedAt(viewer: ViewerOutcome, atMs: number): number {
  // Streams each peer is connected in: a peer counts once however many swarms it shares.
  const streamsOfPeer = new Map<string, Set<string>>();
  for (const entry of viewer.trace) {
    if (entry.atMs > atMs) break;
    const peerId = stringField(entry, 'peerId');
    const streams = streamsOfPeer.get(peerId) ?? new Set<string>();
    if (entry.event === 'peer-connected') {
      streams.add(stringField(entry, 'streamKey'));
      streamsOfPeer.set(peerId, streams);
    } else if (entry.event === 'peer-disconnected') {
      streams.delete(stringField(entry, 'streamKey'));
      if (streams.size === 0) streamsOfPeer.delete(peerId);
    }
  }
  return streamsOfPeer.size;
}

/** When each stream's swarm of a viewer connected its first peer (trace times), by stream key. */
function firstPeerAtMs(viewer: ViewerOutcome): Map<string, number> {
  const firstAt = new Map<string, number>();
  for (const entry of viewer.trace) {
    if (entry.event !== 'peer-connected') continue;
    const streamKey = stringField(entry, 'streamKey');
    if (!firstAt.has(streamKey)) firstAt.set(streamKey, entry.atMs);
  }
  return firstAt;
}

/** Classifies every HTTP delivery of the arm against the other viewers' deliveries. */
export function classifyOriginFetches(arm: ArmResult): OriginFetchBreakdown {
  const all = arm.viewers.map(deliveredSegments);
  const firstPeers = arm.viewers.map(firstPeerAtMs);
  const first: DeliveryGroup = { count: 0, bytes: 0 };
  const concurrentDuplicate: DeliveryGroup = { count: 0, bytes: 0 };
  const peerHadIt: DeliveryGroup = { count: 0, bytes: 0 };
  const beforeFirstPeer: DeliveryGroup = { count: 0, bytes: 0 };
  const distinctBytes = new Map<string, number>();
  const gaps: number[] = [];
  all.forEach((delivered, viewerIndex) => {
    const firstPeerAt = firstPeers[viewerIndex] ?? new Map<string, number>();
    for (const segment of delivered) {
      if (segment.source !== 'http') continue;
      const distinctKey = `${segment.streamKey} ${segment.segmentId}`;
      if (!distinctBytes.has(distinctKey)) distinctBytes.set(distinctKey, segment.bytes);
      const others = all
        .filter((_, other) => other !== viewerIndex)
        .flat()
        .filter(
          (other) => other.streamKey === segment.streamKey && other.segmentId === segment.segmentId,
        );
      const heldBefore = others.filter((other) => other.loadedAtMs <= segment.requestedAtMs);
      const overlapping = others.some(
        (other) =>
          other.source === 'http' &&
          other.requestedAtMs < segment.loadedAtMs &&
          other.loadedAtMs > segment.requestedAtMs,
      );
      if (heldBefore.length > 0) {
        peerHadIt.count++;
        peerHadIt.bytes += segment.bytes;
        // Without peer events in a virtual viewer's trace, when it got its first peer is unknown.
        const outcome = arm.viewers[viewerIndex];
        const knowsPeers = outcome?.virtual !== true || outcome.tracesConnections === true;
        if (
          knowsPeers &&
          segment.requestedAtMs < (firstPeerAt.get(segment.streamKey) ?? Infinity)
        ) {
          beforeFirstPeer.count++;
          beforeFirstPeer.bytes += segment.bytes;
        }
        gaps.push(segment.requestedAtMs - Math.min(...heldBefore.map((other) => other.loadedAtMs)));
      } else if (overlapping) {
        concurrentDuplicate.count++;
        concurrentDuplicate.bytes += segment.bytes;
      } else {
        first.count++;
        first.bytes += segment.bytes;
      }
    }
  });
  return {
    first,
    concurrentDuplicate,
    peerHadIt: { ...peerHadIt, medianGapMs: roundedMedian(gaps, 0) },
    beforeFirstPeer,
    distinct: {
      count: distinctBytes.size,
      bytes: [...distinctBytes.values()].reduce((sum, bytes) => sum + bytes, 0),
    },
  };
}

/** Diagnostics of a P2P arm. */
export function armDiagnostics(arm: ArmResult): ArmDiagnostics {
  return {
    viewers: arm.viewers.map((viewer, index) => viewerDiagnostics(arm, viewer, index)),
    originFetches: classifyOriginFetches(arm),
  };
}

const STARTUP_MILESTONES: readonly (keyof HarnessStartup)[] = [
  'scriptsLoadedAtMs',
  'playerCreatedAtMs',
  'manifestParsedAtMs',
  'firstSegmentAtMs',
  'playingAtMs',
];

/** Ms from the page's start to each milestone reached, keyed without the `AtMs` suffix. */
function milestonesOf(startup: HarnessStartup): Record<string, number> {
  const result: Record<string, number> = {};
  for (const milestone of STARTUP_MILESTONES) {
    const at = startup[milestone];
    if (at !== undefined)
      result[milestone.replace(/AtMs$/, '')] = Math.round(at - startup.startedAtMs);
  }
  return result;
}

/** Median ms from the page's start to each startup milestone, over the arm's viewers. */
export function startupBreakdown(arm: ArmResult): Record<string, number | null> {
  const result: Record<string, number | null> = {};
  for (const milestone of STARTUP_MILESTONES) {
    const values = arm.viewers.flatMap((viewer) => {
      const { startup } = viewer.playback;
      const at = startup[milestone];
      return at === undefined ? [] : [at - startup.startedAtMs];
    });
    result[milestone.replace(/AtMs$/, '')] = roundedMedian(values, 0);
  }
  return result;
}

/** A few lines for the console. */
export function formatDiagnostics(diagnostics: ArmDiagnostics): string {
  const { first, concurrentDuplicate, peerHadIt, beforeFirstPeer } = diagnostics.originFetches;
  const mb = (bytes: number): string => `${(bytes / 1_000_000).toFixed(2)} MB`;
  const lines = [
    `origin fetches: ${first.count} first (${mb(first.bytes)}), ` +
      `${concurrentDuplicate.count} concurrent duplicates (${mb(concurrentDuplicate.bytes)}), ` +
      `${peerHadIt.count} while a peer already had it (${mb(peerHadIt.bytes)}, ` +
      `median ${peerHadIt.medianGapMs ?? 'n/a'} ms after; ${beforeFirstPeer.count} of them ` +
      `(${mb(beforeFirstPeer.bytes)}) before the viewer had any peer)`,
  ];
  for (const viewer of diagnostics.viewers) {
    lines.push(
      `${viewer.name}: joined ${viewer.joinedAtSeconds} s, startup ${viewer.startupMs ?? 'never'} ms ` +
        `${JSON.stringify(viewer.startupMilestones)} (cpu ${viewer.cpuBusyAtJoin?.toFixed(2) ?? 'n/a'}), ` +
        `played ${viewer.playedSeconds} s, stalls ${viewer.stalls} (${viewer.stallMs} ms), ` +
        `http ${mb(viewer.httpBytes)} / p2p ${mb(viewer.p2pBytes)} / up ${mb(viewer.uploadBytes)}, ` +
        `segments ${JSON.stringify(viewer.segments)}, peers ${viewer.peersEvery5s.join(' ')}, ` +
        `slack ${JSON.stringify(viewer.medianSlackSeconds)}, levels ${viewer.levelSwitches.length}`,
    );
  }
  return lines.join('\n');
}
