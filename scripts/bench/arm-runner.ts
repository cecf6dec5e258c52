/**
 * Runs one arm of a scenario: N viewers of one stream join a few seconds apart, each in its own
 * browser context, and each leaves (its player stops) once it has watched for the arm's watch time;
 * every second the origin's counters and every viewer's summary are sampled; when the last viewer
 * has left, the final numbers are read at rest.
 *
 * Every viewer watches equally long, as `--seconds` says. For VOD, where every viewer starts at the
 * beginning, the first viewer (nobody to fetch from) then carries 1/N of the audience's bytes and
 * `1 - 1/N` is what a perfect swarm reaches; stopping all viewers together, as this runner once did,
 * made the first one watch (N-1) x stagger seconds more than the last (75 s of 405 by default: a
 * ceiling of 0.815 instead of 0.833). For live, the segments of the first and the last stagger
 * period reach one viewer only, so a perfect swarm stays below `1 - 1/N` (the report's
 * `reachableOffload` gives the figure of each run).
 *
 * An arm may instead follow a schedule (`ArmSetup.schedule`, a network plan's viewers): who joins
 * in which slot when, and who leaves abruptly (churn: browser process killed or page crashed) when.
 * An abrupt leave first records the viewer's playback, counters and snapshot (the page is gone
 * afterwards), then carries the leave out through the viewer's `leaveAbruptly`.
 */
import type { NewViewerOptions, Viewer } from '../../test/support/browser.js';
import type {
  HarnessSample,
  HarnessSnapshot,
  HarnessTraceEntry,
} from '../../test/support/hlsjs-page.js';
import type { OriginServer } from '../../examples/server/origin.js';
import type { ViewerBrowserName } from './browser-mix.js';
import { CpuMeter } from './cpu-meter.js';
import { PageMetricsMeter, type PageCost } from './page-metrics.js';
import type { PageSetup, PlayerPage } from './player-pages.js';

/** Time between two samples of the origin and the viewers, ms. */
const SAMPLE_INTERVAL_MS = 1000;
/** Longest wait for the origin's in-flight responses to end once the players stopped, ms. */
const SETTLE_TIMEOUT_MS = 10_000;
/** Longest wait for a viewer's last words before an abrupt leave (a busy page may not answer), ms. */
const LAST_WORDS_TIMEOUT_MS = 5000;
/** Longest wait for a page to finish hashing the segments it delivered, ms. */
const HASH_WAIT_TIMEOUT_MS = 10_000;

/** How a viewer leaves: its player stops, its browser process is killed, or its page crashes. */
export type ArmLeaveKind = 'session-end' | 'process-killed' | 'page-crashed';

/** One viewer of an arm's schedule. */
export interface ScheduledViewer {
  /** Slot (position in the join order, from 0): replacements share their slot's index. */
  readonly index: number;
  /** Name within the arm: `3` by default, a plan's `c2` or `c2.1` (the slot's first replacement). */
  readonly id: string;
  /** ms after the arm's start. */
  readonly joinAtMs: number;
  /** ms after the arm's start. */
  readonly leaveAtMs: number;
  readonly leaveKind: ArmLeaveKind;
}

/**
 * The default schedule: `viewers` viewers joining `staggerMs` apart, each watching `watchMs` and
 * leaving at its session's end; ids are the indexes.
 */
export function staggeredSchedule(
  viewers: number,
  staggerMs: number,
  watchMs: number,
): ScheduledViewer[] {
  return Array.from({ length: viewers }, (_, index) => ({
    index,
    id: String(index),
    joinAtMs: index * staggerMs,
    leaveAtMs: index * staggerMs + watchMs,
    leaveKind: 'session-end' as const,
  }));
}

/** One viewer the arm wants opened. */
export interface ViewerOpenRequest {
  readonly url: string;
  /** Name for messages, e.g. 'live p2p viewer 3'. */
  readonly name: string;
  /** Position in the join order, from 0 (a network plan's slot). */
  readonly index: number;
  /** Must run on the viewer's page before it navigates (see `newViewer`'s `onPage`). */
  readonly onPage: NonNullable<NewViewerOptions['onPage']>;
}

/**
 * Opens one viewer's page (see test/support/browser.ts `newViewer`). The viewer may live in a
 * shared browser (a context each) or own its browser process (`--browser-per-viewer`, the network
 * lab), chosen per `index`; its `close()` releases whatever it owns.
 */
export type ViewerOpener = (request: ViewerOpenRequest) => Promise<ArmViewer>;

/** A viewer as an opener returns it: a {@link Viewer}, able to leave abruptly when it owns its browser. */
export interface ArmViewer extends Viewer {
  /**
   * Leaves without a goodbye (churn): kills the viewer's browser process or crashes its page.
   * Absent where the viewer cannot (a context of a shared browser).
   */
  readonly leaveAbruptly?: (how: Exclude<ArmLeaveKind, 'session-end'>) => Promise<void>;
  /** The browser the viewer runs in (the per-browser figures group by it). Default Chromium. */
  readonly browser?: ViewerBrowserName;
}

/** What one arm runs. */
export interface ArmSetup {
  /** Label for viewer names, e.g. 'live p2p'. */
  readonly label: string;
  /** How a viewer's page is opened. */
  readonly openViewer: ViewerOpener;
  readonly origin: OriginServer;
  readonly page: PlayerPage;
  readonly pageSetup: PageSetup;
  /** Origin path prefix that only this arm's requests use (a live session) or that it shares. */
  readonly pathPrefix: string;
  readonly viewers: number;
  readonly staggerMs: number;
  /** How long each viewer watches after it joins, ms. */
  readonly watchMs: number;
  /**
   * Who joins and leaves when (a network plan); default {@link staggeredSchedule} of `viewers`,
   * `staggerMs`, `watchMs`.
   */
  readonly schedule?: readonly ScheduledViewer[];
  /** Called after each sample (progress output). */
  readonly onSample?: (point: TimelinePoint) => void;
  /**
   * Viewers that run beside the arm's pages (the network lab's virtual viewers): called once with
   * the arm's start (epoch ms) when it starts; what it resolves with joins the arm's viewers, and
   * the arm's final counts (origin bytes at rest) wait for it.
   */
  readonly alongside?: (startedAtEpochMs: number) => Promise<readonly ViewerOutcome[]>;
}

/** The state of the arm at one moment; byte counts are cumulative since the arm started. */
export interface TimelinePoint {
  /** Seconds since the first viewer joined. */
  readonly atSeconds: number;
  /** Media segment bytes the origin sent for this arm. */
  readonly originBytes: number;
  /** Sum over viewers of the engine's P2P / HTTP download counters (0 without the engine). */
  readonly p2pBytes: number;
  readonly httpBytes: number;
  /** Media segment bytes delivered to the players. */
  readonly playedBytes: number;
  /** Connected peers per viewer that has joined. */
  readonly peers: readonly number[];
  /** Stalls per viewer that has joined. */
  readonly stalls: readonly number[];
  /** Fraction of the machine's CPU time busy since the previous sample (undefined off Linux). */
  readonly cpuBusy: number | undefined;
}

/** One viewer's outcome. */
export interface ViewerOutcome {
  readonly name: string;
  /** Seconds after the first viewer it joined. */
  readonly joinedAtSeconds: number;
  /** Seconds after the first viewer joined that it left (its player stopped). */
  readonly leftAtSeconds: number;
  /**
   * Main-thread CPU and JS heap of its page between join and leave (DevTools
   * `Performance.getMetrics`); undefined where the browser has no DevTools protocol.
   */
  readonly cost: PageCost | undefined;
  /** Playback as it was just before the players stopped (stopping clears the video element). */
  readonly playback: HarnessSample;
  /** Counters after the player stopped (bytes are final). */
  readonly final: HarnessSample;
  /** Engine events and level switches, with `atMs` converted to ms since the epoch. */
  readonly trace: readonly HarnessTraceEntry[];
  /** Delivered media segments (level, sn, bytes). */
  readonly segments: HarnessSnapshot['segments'];
  /** Fragment loads the player started, with playhead and buffer at the start (`startedAtMs` in epoch ms). */
  readonly loads: HarnessSnapshot['loads'];
  /** Setup error, fatal errors, page errors, requests that tried to leave the machine. */
  readonly problems: readonly string[];
  /** How it left; after an abrupt leave, `final` and the snapshot are from just before it. */
  readonly leaveKind: ArmLeaveKind;
  /**
   * True for a virtual viewer (the engine in Node, scripts/bench/virtual-viewer-plan.ts): no page,
   * so no trace, loads or page cost. Absent for Chromium viewers.
   */
  readonly virtual?: true;
  /**
   * A virtual viewer's trace holds its engine's peer and tracker connection events (viewers of
   * this version do); without them when it got its first peer is unknown.
   */
  readonly tracesConnections?: true;
  /** The browser its page ran in; absent for virtual viewers. */
  readonly browser?: ViewerBrowserName;
}

/** Everything an arm measured. */
export interface ArmResult {
  readonly viewers: readonly ViewerOutcome[];
  /** Media segment bytes the origin sent for this arm (final, after every response ended). */
  readonly originBytes: number;
  readonly timeline: readonly TimelinePoint[];
  /** Epoch ms when the first viewer joined. */
  readonly startedAtEpochMs: number;
}

interface JoinedViewer {
  readonly viewer: ArmViewer;
  readonly leaveKind: ArmLeaveKind;
  readonly joinedAtMs: number;
  /** The page's DevTools metrics, when the browser has them. */
  readonly metrics: PageMetricsMeter | undefined;
  leftAtMs: number | undefined;
  latest: HarnessSample | undefined;
  /** Playback just before the viewer left (its player stopped), once it has. */
  playbackAtLeave: HarnessSample | undefined;
  /** After an abrupt leave: what the page held just before (it cannot be asked afterwards). */
  lastWords: PageReadings | undefined;
  /** True once an abrupt leave was carried out: the page is gone, nothing more is read from it. */
  gone: boolean;
}

/** The parts of a snapshot {@link finish} uses, empty: a killed viewer that left no last words. */
const EMPTY_SNAPSHOT_PARTS: Pick<HarnessSnapshot, 'fatalErrors' | 'trace' | 'segments' | 'loads'> =
  { fatalErrors: [], trace: [], segments: [], loads: [] };

/** What {@link finish} reads from a page. */
interface PageReadings {
  readonly final: HarnessSample | undefined;
  readonly snapshot: HarnessSnapshot | undefined;
  readonly timeOrigin: number;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

async function sampleOf(viewer: Viewer): Promise<HarnessSample | undefined> {
  try {
    return await viewer.page.evaluate(() => window.__harness?.sample());
  } catch {
    return undefined; // page still loading or navigating: no sample this second
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Runs the arm to completion and closes its viewers. */
export async function runArm(setup: ArmSetup): Promise<ArmResult> {
  const { origin, pathPrefix } = setup;
  const originBytesBefore = origin.counters.mediaBytes(pathPrefix);
  const url = setup.page.url(origin.url, setup.pageSetup);
  // Indexed by join order; a slot stays empty until that viewer's page is open.
  const joined: (JoinedViewer | undefined)[] = [];
  const startedAtMs = Date.now();
  const timeline: TimelinePoint[] = [];
  const cpu = new CpuMeter();
  const alongside = setup.alongside?.(startedAtMs);
  // Awaited below; a failure while the pages fail too must not go unhandled.
  alongside?.catch(() => undefined);

  const schedule =
    setup.schedule ?? staggeredSchedule(setup.viewers, setup.staggerMs, setup.watchMs);
  // Joins (and leaves) run on their own schedule; sampling never waits for a page to load.
  const viewing = schedule.map(async (planned, position) => {
    await delay(startedAtMs + planned.joinAtMs - Date.now());
    const joinedAtMs = Date.now();
    let metrics: PageMetricsMeter | undefined;
    const viewer = await setup.openViewer({
      url,
      name: `${setup.label} viewer ${planned.id}`,
      index: planned.index,
      onPage: async (page) => {
        // Before it navigates: e.g. JW Player's files answered from their vendor folder.
        await setup.page.preparePage?.(page);
        // The first page only: it is the viewer's player.
        metrics ??= await PageMetricsMeter.attach(page);
      },
    });
    const entry: JoinedViewer = {
      viewer,
      leaveKind: planned.leaveKind,
      joinedAtMs,
      metrics,
      leftAtMs: undefined,
      latest: undefined,
      playbackAtLeave: undefined,
      lastWords: undefined,
      gone: false,
    };
    joined[position] = entry;
    // A late open shortens the stay: the leave is at the planned time (a churn kill above all).
    await delay(startedAtMs + planned.leaveAtMs - Date.now());
    if (planned.leaveKind === 'session-end') await leave(entry);
    else await leaveAbruptly(entry, planned.leaveKind);
  });
  const viewingDone = Promise.allSettled(viewing);
  const progress = { everyoneLeft: false };
  void viewingDone.then(() => {
    progress.everyoneLeft = true;
  });
  const endAtMs = startedAtMs + Math.max(0, ...schedule.map((planned) => planned.leaveAtMs));

  try {
    for (let tick = 1; ; tick++) {
      await delay(startedAtMs + tick * SAMPLE_INTERVAL_MS - Date.now());
      const present = joined.filter((entry): entry is JoinedViewer => entry !== undefined);
      await Promise.all(
        present.map(async (entry) => {
          if (entry.gone) return;
          const [sample] = await Promise.all([
            sampleOf(entry.viewer),
            // Heap maximum; after the leave only the harness's remains, which is not counted.
            entry.leftAtMs === undefined ? entry.metrics?.read() : undefined,
          ]);
          entry.latest = sample ?? entry.latest;
        }),
      );
      const samples = present.map((entry) => entry.latest);
      const point: TimelinePoint = {
        atSeconds: (Date.now() - startedAtMs) / 1000,
        originBytes: origin.counters.mediaBytes(pathPrefix) - originBytesBefore,
        p2pBytes: sum(samples.map((sample) => sample?.engineStats?.p2pBytes ?? 0)),
        httpBytes: sum(samples.map((sample) => sample?.engineStats?.httpBytes ?? 0)),
        playedBytes: sum(samples.map((sample) => sample?.mediaBytes ?? 0)),
        // A viewer that left abruptly has no peers any more (its last sample still counts bytes).
        peers: present.map((entry) => (entry.gone ? 0 : (entry.latest?.engineStats?.peers ?? 0))),
        stalls: samples.map((sample) => sample?.stalls.count ?? 0),
        cpuBusy: cpu.busySinceLast(),
      };
      timeline.push(point);
      setup.onSample?.(point);
      if (progress.everyoneLeft) break;
      if (Date.now() >= endAtMs + 60_000) throw new Error(`${setup.label}: viewers did not open`);
    }
    for (const outcome of await viewingDone) {
      if (outcome.status === 'rejected') throw outcome.reason;
    }
    const beside = (await alongside) ?? [];
    const everyone = joined.filter((entry): entry is JoinedViewer => entry !== undefined);
    return await finish(setup, everyone, originBytesBefore, timeline, startedAtMs, beside);
  } finally {
    await viewingDone;
    const open = joined.filter((entry): entry is JoinedViewer => entry !== undefined);
    await Promise.all(
      open.map(async (entry) => {
        if (!entry.gone) await entry.metrics?.destroy();
        await entry.viewer.close().catch(() => undefined);
      }),
    );
  }
}

/** Records a viewer's playback and stops its player: the viewer has watched its share. */
async function leave(entry: JoinedViewer): Promise<void> {
  const [sample] = await Promise.all([sampleOf(entry.viewer), entry.metrics?.markLeave()]);
  entry.playbackAtLeave = sample ?? entry.latest;
  entry.leftAtMs = Date.now();
  await entry.viewer.page.evaluate(() => {
    window.__harness?.destroy();
  });
}

/** What `page` holds now; each part undefined when the page cannot answer. */
async function readPage(viewer: Viewer): Promise<PageReadings> {
  const { page } = viewer;
  const [final, snapshot, timeOrigin] = await Promise.all([
    sampleOf(viewer),
    page.evaluate(() => window.__harness?.snapshot()).catch(() => undefined),
    page.evaluate(() => performance.timeOrigin).catch(() => Date.now()),
  ]);
  return { final, snapshot, timeOrigin };
}

/**
 * Records what the viewer's page holds and then kills its browser or crashes its page (churn): the
 * viewer leaves without a goodbye. Its counters stay as they were just before.
 */
async function leaveAbruptly(
  entry: JoinedViewer,
  how: Exclude<ArmLeaveKind, 'session-end'>,
): Promise<void> {
  const { leaveAbruptly: carryOut } = entry.viewer;
  if (carryOut === undefined) {
    throw new Error(`${entry.viewer.name}: cannot leave abruptly (${how}) in a shared browser`);
  }
  const silence: PageReadings = { final: undefined, snapshot: undefined, timeOrigin: Date.now() };
  let timer: NodeJS.Timeout | undefined;
  const [words] = await Promise.race([
    Promise.all([readPage(entry.viewer), entry.metrics?.markLeave()]),
    new Promise<[PageReadings]>((resolve) => {
      timer = setTimeout(() => {
        resolve([silence]);
      }, LAST_WORDS_TIMEOUT_MS);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
  entry.lastWords = words;
  entry.playbackAtLeave = words.final ?? entry.latest;
  entry.latest = entry.playbackAtLeave;
  entry.leftAtMs = Date.now();
  entry.gone = true;
  await entry.metrics?.destroy();
  await carryOut(how);
}

/** Bytes of the media segments (init segments left out, as the origin counts) a page delivered. */
function deliveredMediaBytes(segments: HarnessSnapshot['segments']): number {
  return segments
    .filter((segment) => segment.sn !== 'initSegment')
    .reduce((sum, segment) => sum + segment.byteLength, 0);
}

/** Waits for the origin to finish answering (every player has stopped), and reads final numbers. */
async function finish(
  setup: ArmSetup,
  joined: readonly JoinedViewer[],
  originBytesBefore: number,
  timeline: TimelinePoint[],
  startedAtMs: number,
  beside: readonly ViewerOutcome[],
): Promise<ArmResult> {
  await setup.origin.counters.settled({ pathPrefix: setup.pathPrefix }, SETTLE_TIMEOUT_MS);

  const viewers = await Promise.all(
    joined.map(async (entry): Promise<ViewerOutcome> => {
      const { page } = entry.viewer;
      // Every delivered segment's SHA-256 is compared with the origin's file: wait (bounded) for
      // the page to finish hashing.
      if (!entry.gone) {
        await page
          .waitForFunction(() => window.__harness?.snapshot().hashesPending === 0, undefined, {
            timeout: HASH_WAIT_TIMEOUT_MS,
            polling: 100,
          })
          .catch(() => undefined);
      }
      const readings = entry.lastWords ?? (await readPage(entry.viewer));
      const before = entry.playbackAtLeave ?? entry.latest;
      // A viewer killed while its page was busy may have left no last words: its latest sample
      // stands for its counters, and it has no trace.
      const sampled = readings.final ?? (entry.gone ? before : undefined);
      const snapshot = readings.snapshot ?? (entry.gone ? EMPTY_SNAPSHOT_PARTS : undefined);
      const { timeOrigin } = readings;
      if (sampled === undefined || before === undefined || snapshot === undefined) {
        throw new Error(`${entry.viewer.name}: the page has no harness`);
      }
      const final =
        setup.page.mediaBytesFromSegments === true
          ? { ...sampled, mediaBytes: deliveredMediaBytes(snapshot.segments) }
          : sampled;
      const problems = [
        ...(readings.snapshot === undefined && entry.gone
          ? [`no snapshot before its abrupt leave (${entry.leaveKind})`]
          : []),
        ...(final.setupError === undefined ? [] : [`setup error: ${final.setupError}`]),
        ...snapshot.fatalErrors.map((error) => `fatal ${error.type}/${error.details}`),
        ...entry.viewer.pageErrors.map((error) => `page error: ${error}`),
        ...entry.viewer.externalRequests.map((request) => `request left the machine: ${request}`),
      ];
      return {
        name: entry.viewer.name,
        joinedAtSeconds: (entry.joinedAtMs - startedAtMs) / 1000,
        leftAtSeconds: ((entry.leftAtMs ?? Date.now()) - startedAtMs) / 1000,
        cost: entry.metrics?.cost(),
        playback: before,
        final,
        trace: snapshot.trace.map((item) => ({ ...item, atMs: item.atMs + timeOrigin })),
        segments: snapshot.segments,
        loads: snapshot.loads.map((load) => ({
          ...load,
          startedAtMs: load.startedAtMs + timeOrigin,
          ...(load.endedAtMs === undefined ? {} : { endedAtMs: load.endedAtMs + timeOrigin }),
        })),
        problems,
        leaveKind: entry.leaveKind,
        browser: entry.viewer.browser ?? 'chromium',
      };
    }),
  );
  return {
    viewers: [...viewers, ...beside],
    originBytes: setup.origin.counters.mediaBytes(setup.pathPrefix) - originBytesBefore,
    timeline,
    startedAtEpochMs: startedAtMs,
  };
}
