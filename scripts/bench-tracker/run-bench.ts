/**
 * One run of the tracker bench: start (or adopt) the tracker, read its memory with no peers,
 * connect the peers from client processes, read its memory again, load it for a window while
 * reading its CPU, close the peers, check that it still answers an announce and that it exits
 * cleanly. Everything the run started is killed by pid when the hard time cap passes.
 *
 * Why client processes: this machine has two cores, and the tracker is one Node thread. The load
 * generator runs beside it in processes of its own; the result says which side was saturated
 * (tracker CPU near one core means the tracker; a client event loop near 100 % means the clients),
 * so a figure limited by the generator is never reported as the tracker's ceiling.
 */
import { performance } from 'node:perf_hooks';

import WebSocket from 'ws';

import { LineChild, TrackerBenchError } from './child-process.js';
import type { TrackerBenchOptions } from './options.js';
import { coresBetween, ProcessSampler, type ProcessReading } from './process-sampler.js';
import {
  addCounters,
  emptyCounters,
  isShardReport,
  type ShardCommand,
  type ShardCounters,
  type ShardReport,
  type ShardSpec,
} from './shard-protocol.js';
import {
  bytesPer10kPeers,
  LatencyHistogram,
  perSecond,
  splitEvenly,
  type LatencySummary,
} from './statistics.js';
import { startTarget, type RunningTarget } from './target.js';
import { classifyTrackerFrame, encodeAnnounce, infoHashOf, peerIdOf, runTagOf } from './wire.js';

/** Time given to the tracker to settle before a memory reading (allocation after a burst). */
const SETTLE_MS = 2_000;
/** Longest wait for the post-run probe announce's reply. */
const PROBE_TIMEOUT_MS = 60_000;
/** Extra time a shard gets beyond its own phase timers before it counts as failed. */
const SHARD_GRACE_MS = 30_000;
/** Tracker CPU (cores) from which the tracker is taken to be the bottleneck. */
const TRACKER_SATURATED_CORES = 0.85;
/** Client event-loop utilization from which the clients are taken to be the bottleneck. */
const CLIENT_SATURATED_UTILIZATION = 0.9;

/** Which side limited the load window. */
export type Bottleneck = 'tracker' | 'clients' | 'neither';

/** What one run measured. Sizes in bytes, rates per second, times in ms unless named otherwise. */
export interface TrackerBenchResult {
  readonly target: string;
  /** The flags the bench gave the tracker it started. */
  readonly targetFlags: readonly string[];
  readonly peers: {
    readonly requested: number;
    readonly connected: number;
    readonly failed: number;
    /** Neither open nor failed when the connect phase gave up waiting (a starved tracker). */
    readonly pending: number;
  };
  readonly swarms: number;
  readonly offersPerAnnounce: number;
  readonly sdpBytes: number;
  readonly clientProcesses: number;
  readonly connectSeconds: number;
  readonly load: {
    readonly mode: string;
    readonly windowSeconds: number;
    /** Announce replies received per second: the tracker's sustained announce rate. */
    readonly announcesPerSecond: number;
    /** Offers delivered to a peer per second. */
    readonly offersRelayedPerSecond: number;
    /** Answers delivered back to the offering peer per second. */
    readonly answersRelayedPerSecond: number;
    /** Messages the tracker received (announces + answers) per second. */
    readonly messagesInPerSecond: number;
    /** Announce sent to its reply. */
    readonly announceLatency: LatencySummary;
    /** Peer A sends an offer to the moment peer B receives it. */
    readonly offerRelayLatency: LatencySummary;
    /** Peer A sends an offer to the moment B's answer reaches A. */
    readonly offerAnswerRoundTrip: LatencySummary;
  };
  readonly errors: {
    /** `failure reason` replies (refusals). */
    readonly refusals: number;
    readonly socketErrors: number;
    readonly unknownFrames: number;
    readonly offersUnanswered: number;
    readonly samples: readonly string[];
  };
  readonly tracker: {
    readonly pid: number | undefined;
    readonly rssIdleBytes: number | undefined;
    readonly rssConnectedBytes: number | undefined;
    readonly rssAfterLoadBytes: number | undefined;
    readonly rssAfterCloseBytes: number | undefined;
    readonly peakRssBytes: number | undefined;
    /** (RSS connected - RSS idle) scaled to 10,000 peers. */
    readonly bytesPer10kPeers: number | undefined;
    /** CPU of the tracker process during the window, in cores (1 = one core busy throughout). */
    readonly cpuCores: number | undefined;
    /** Announces per second divided by {@link cpuCores}. */
    readonly announcesPerSecondPerCore: number | undefined;
    /** Peers the embedded tracker's /stats reports after every bench peer closed (0 expected). */
    readonly peersAfterClose: number | undefined;
  };
  readonly clients: {
    /** CPU of all client processes during the window, in cores. */
    readonly cpuCores: number;
    /** Largest event-loop utilization of a client process during the window, 0..1. */
    readonly maxEventLoopUtilization: number;
  };
  readonly bottleneck: Bottleneck;
  readonly afterwards: {
    /** A fresh peer's announce was answered after the load. */
    readonly answersAnnounce: boolean;
    readonly exitCode: number | null | undefined;
    readonly exitedCleanly: boolean | undefined;
  };
  readonly wallSeconds: number;
}

/** Timing knobs of a run that are not on the command line. */
export interface TrackerBenchTuning {
  /** Pause before each memory reading, in ms. Default 2000; the smoke test uses less. */
  readonly settleMs: number;
}

/** Runs the bench once. `log` gets progress lines (stderr in the CLI). */
export async function runTrackerBench(
  options: TrackerBenchOptions,
  log: (line: string) => void = () => undefined,
  tuning: TrackerBenchTuning = { settleMs: SETTLE_MS },
): Promise<TrackerBenchResult> {
  const startedMs = performance.now();
  const children: LineChild[] = [];
  let target: RunningTarget | undefined;
  let sampler: ProcessSampler | undefined;
  let capTimer: ReturnType<typeof setTimeout> | undefined;
  // Kills every child synchronously, by pid: on the hard cap, and if this process exits early.
  const killAll = (): void => {
    for (const child of children) child.signal('SIGKILL');
    target?.kill();
  };
  const cap = new Promise<never>((_, reject) => {
    capTimer = setTimeout(() => {
      killAll();
      reject(
        new TrackerBenchError('timeout', `run passed its hard cap of ${options.maxSeconds} s`),
      );
    }, options.maxSeconds * 1000);
  });
  // Rejections of `cap` reach the caller through `withinCap`; this only keeps an unawaited one quiet.
  cap.catch(() => undefined);
  const withinCap = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, cap]);
  process.once('exit', killAll);
  try {
    target = await withinCap(startTarget(options.target, options.pid));
    log(
      `tracker ${options.target.kind} at ${target.url}${target.pid ? ` (pid ${target.pid})` : ''}`,
    );
    sampler = target.pid === undefined ? undefined : new ProcessSampler(target.pid);
    await withinCap(delay(tuning.settleMs));
    const idle = sampler?.read();

    const runTag = runTagOf(Math.floor(Math.random() * 2 ** 32));
    const shares = splitEvenly(options.peers, options.clientProcesses);
    const connectShares = splitEvenly(options.connectsPerSecond, options.clientProcesses);
    let firstPeerIndex = 0;
    const shards = shares.map((peerCount, shardIndex) => {
      const spec: ShardSpec = {
        shardIndex,
        url: target?.url ?? '',
        runTag,
        firstPeerIndex,
        peerCount,
        peersPerSwarm: options.peersPerSwarm,
        offersPerAnnounce: options.offersPerAnnounce,
        sdpBytes: options.sdpBytes,
        connectsPerSecond: Math.max(1, connectShares[shardIndex] ?? 1),
      };
      firstPeerIndex += peerCount;
      const child = new LineChild(`client ${shardIndex}`, 'scripts/bench-tracker/client-shard.ts', [
        JSON.stringify(spec),
      ]);
      children.push(child);
      return child;
    });

    const connected = await withinCap(
      Promise.all(
        shards.map((shard) => awaitReport(shard, 'connected', options.maxSeconds * 1000)),
      ),
    );
    const connectSeconds = (performance.now() - startedMs) / 1000;
    const open = connected.reduce((sum, report) => sum + report.open, 0);
    const failed = connected.reduce((sum, report) => sum + report.failed, 0);
    log(`${open} peers connected (${failed} failed)`);
    await withinCap(delay(tuning.settleMs));
    const loaded = sampler?.read();

    const inFlightShares =
      options.load.kind === 'rate'
        ? splitEvenly(options.load.announcesPerSecond, options.clientProcesses)
        : undefined;
    shards.forEach((shard, index) => {
      const command: ShardCommand =
        options.load.kind === 'max'
          ? {
              cmd: 'load',
              durationMs: options.loadSeconds * 1000,
              inFlight: options.load.inFlightPerProcess,
            }
          : {
              cmd: 'load',
              durationMs: options.loadSeconds * 1000,
              announcesPerSecond: inFlightShares?.[index] ?? 0,
            };
      shard.send(JSON.stringify(command));
    });
    const loadStart = sampler?.read();
    const loadEndReading = delay(options.loadSeconds * 1000).then(() => sampler?.read());
    const reports = await withinCap(
      Promise.all(
        shards.map((shard) =>
          awaitReport(shard, 'loaded', options.loadSeconds * 1000 + SHARD_GRACE_MS),
        ),
      ),
    );
    const loadEnd = await loadEndReading;
    await withinCap(delay(tuning.settleMs));
    const afterLoad = sampler?.read();

    for (const shard of shards) shard.send(JSON.stringify({ cmd: 'close' }));
    await withinCap(
      Promise.all(shards.map((shard) => awaitReport(shard, 'closed', SHARD_GRACE_MS))),
    );
    await withinCap(Promise.all(shards.map((shard) => shard.exited)));
    await withinCap(delay(tuning.settleMs));
    const afterClose = sampler?.read();
    const peersAfterClose = await peersOnTracker(target.statsUrl);
    const answersAnnounce = await withinCap(probeAnnounce(target.url, runTag));
    log(
      `after the load the tracker ${answersAnnounce ? 'answers' : 'does NOT answer'} an announce`,
    );
    const peakRssBytes = sampler?.peakRssBytes;
    sampler?.destroy();
    const stopped = await withinCap(target.stop());

    return summarize({
      options,
      target,
      open,
      failed,
      connectSeconds,
      reports,
      readings: { idle, loaded, loadStart, loadEnd, afterLoad, afterClose },
      peakRssBytes,
      peersAfterClose,
      answersAnnounce,
      stopped,
      wallSeconds: (performance.now() - startedMs) / 1000,
    });
  } finally {
    clearTimeout(capTimer);
    process.off('exit', killAll);
    sampler?.destroy();
    await Promise.all(children.map((child) => child.destroy()));
    await target?.destroy();
  }
}

type LoadedReport = Extract<ShardReport, { type: 'loaded' }>;

interface Measurements {
  readonly options: TrackerBenchOptions;
  readonly target: RunningTarget;
  readonly open: number;
  readonly failed: number;
  readonly connectSeconds: number;
  readonly reports: readonly LoadedReport[];
  readonly readings: Readonly<
    Record<
      'idle' | 'loaded' | 'loadStart' | 'loadEnd' | 'afterLoad' | 'afterClose',
      ProcessReading | undefined
    >
  >;
  readonly peakRssBytes: number | undefined;
  readonly peersAfterClose: number | undefined;
  readonly answersAnnounce: boolean;
  readonly stopped: { exitCode: number | null; exitedCleanly: boolean } | undefined;
  readonly wallSeconds: number;
}

/** Combines the shards' reports and the tracker readings into the result. Pure. */
export function summarize(m: Measurements): TrackerBenchResult {
  const { options, readings } = m;
  const windowMs = Math.max(...m.reports.map((report) => report.windowMs), 0);
  const counters: ShardCounters = m.reports.reduce(
    (sum, report) => addCounters(sum, report.counters),
    emptyCounters(),
  );
  const histogram = (pick: (report: LoadedReport) => LoadedReport['announceLatency']) => {
    const merged = new LatencyHistogram();
    for (const report of m.reports) merged.merge(pick(report));
    return merged.summary();
  };
  const announcesPerSecond = perSecond(counters.announceResponses, windowMs);
  const cpuCores =
    readings.loadStart && readings.loadEnd
      ? coresBetween(readings.loadStart, readings.loadEnd)
      : undefined;
  const clientCpuMs = m.reports.reduce((sum, report) => sum + report.cpuMs, 0);
  const maxEventLoopUtilization = Math.max(...m.reports.map((r) => r.eventLoopUtilization), 0);
  const bottleneck: Bottleneck =
    cpuCores !== undefined && cpuCores >= TRACKER_SATURATED_CORES
      ? 'tracker'
      : maxEventLoopUtilization >= CLIENT_SATURATED_UTILIZATION
        ? 'clients'
        : 'neither';
  return {
    target: options.target.kind === 'url' ? options.target.url : options.target.kind,
    targetFlags: m.target.flags,
    peers: {
      requested: options.peers,
      connected: m.open,
      failed: m.failed,
      pending: Math.max(0, options.peers - m.open - m.failed),
    },
    swarms: Math.ceil(options.peers / options.peersPerSwarm),
    offersPerAnnounce: options.offersPerAnnounce,
    sdpBytes: options.sdpBytes,
    clientProcesses: options.clientProcesses,
    connectSeconds: m.connectSeconds,
    load: {
      mode:
        options.load.kind === 'max'
          ? `max (${options.load.inFlightPerProcess} in flight per client process)`
          : `rate ${options.load.announcesPerSecond}/s`,
      windowSeconds: windowMs / 1000,
      announcesPerSecond,
      offersRelayedPerSecond: perSecond(counters.offersReceived, windowMs),
      answersRelayedPerSecond: perSecond(counters.answersReceived, windowMs),
      messagesInPerSecond: perSecond(counters.announcesSent + counters.answersSent, windowMs),
      announceLatency: histogram((report) => report.announceLatency),
      offerRelayLatency: histogram((report) => report.offerOneWay),
      offerAnswerRoundTrip: histogram((report) => report.offerRoundTrip),
    },
    errors: {
      refusals: counters.failures,
      socketErrors: counters.socketErrors,
      unknownFrames: counters.unknownFrames,
      offersUnanswered: counters.offersUnanswered,
      samples: [...new Set(m.reports.flatMap((report) => report.failureSamples))].slice(0, 5),
    },
    tracker: {
      pid: m.target.pid,
      rssIdleBytes: readings.idle?.rssBytes,
      rssConnectedBytes: readings.loaded?.rssBytes,
      rssAfterLoadBytes: readings.afterLoad?.rssBytes,
      rssAfterCloseBytes: readings.afterClose?.rssBytes,
      peakRssBytes: m.peakRssBytes,
      bytesPer10kPeers: bytesPer10kPeers(
        readings.idle?.rssBytes,
        readings.loaded?.rssBytes,
        m.open,
      ),
      cpuCores,
      announcesPerSecondPerCore:
        cpuCores !== undefined && cpuCores > 0 ? announcesPerSecond / cpuCores : undefined,
      peersAfterClose: m.peersAfterClose,
    },
    clients: {
      cpuCores: windowMs > 0 ? clientCpuMs / windowMs : 0,
      maxEventLoopUtilization,
    },
    bottleneck,
    afterwards: {
      answersAnnounce: m.answersAnnounce,
      exitCode: m.stopped?.exitCode,
      exitedCleanly: m.stopped?.exitedCleanly,
    },
    wallSeconds: m.wallSeconds,
  };
}

function awaitReport<T extends ShardReport['type']>(
  shard: LineChild,
  type: T,
  timeoutMs: number,
): Promise<Extract<ShardReport, { type: T }>> {
  return shard.waitFor(
    (line) => {
      if (!line.startsWith('{')) return undefined;
      const parsed: unknown = JSON.parse(line);
      return isShardReport(parsed) && parsed.type === type
        ? (parsed as Extract<ShardReport, { type: T }>)
        : undefined;
    },
    timeoutMs,
    `its '${type}' report`,
  );
}

/**
 * Whether a fresh peer's announce (no offers) is answered within {@link PROBE_TIMEOUT_MS}; generous
 * because a tracker starved of CPU may still be working through the load's backlog.
 */
function probeAnnounce(url: string, runTag: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const infoHash = infoHashOf(runTag, 1_000_000);
    const finish = (answered: boolean): void => {
      clearTimeout(timer);
      socket.terminate();
      resolve(answered);
    };
    const timer = setTimeout(() => {
      finish(false);
    }, PROBE_TIMEOUT_MS);
    socket.on('open', () => {
      socket.send(encodeAnnounce(infoHash, peerIdOf(runTag, 9_999_999), 'started', []));
    });
    socket.on('message', (data: Buffer) => {
      const frame = classifyTrackerFrame(data.toString('utf8'));
      if (frame.kind === 'announce-response' && frame.infoHash === infoHash) finish(true);
    });
    socket.on('error', () => {
      finish(false);
    });
  });
}

/** Peers the embedded tracker's /stats reports; undefined without a stats URL or on failure. */
async function peersOnTracker(statsUrl: string | undefined): Promise<number | undefined> {
  if (statsUrl === undefined) return undefined;
  try {
    const response = await fetch(statsUrl, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const stats = (await response.json()) as { peers?: unknown };
    return typeof stats.peers === 'number' ? stats.peers : undefined;
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
