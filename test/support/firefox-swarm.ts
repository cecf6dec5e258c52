/**
 * Swarms across browsers: the lifecycle of a test file that runs Firefox (and, for mixed swarms,
 * Chromium) viewers of one stream, and one way to play such a swarm and check what it delivered.
 * The hls.js and Shaka test pages expose the same `window.__harness`, so one helper plays either;
 * a swarm may mix pages and browsers freely (each viewer says which).
 *
 * Like browser-suite.ts, the file's servers and browsers start once (`beforeAll`), every viewer
 * is checked after each test for requests that left the machine or uncaught page errors, and
 * everything closes at the end.
 */
import type { Browser } from 'playwright-core';
import { ViewerSet, launchBrowser, type Viewer } from './browser.js';
import { launchFirefox } from './firefox.js';
import {
  readSnapshot,
  waitForHashes,
  waitForPlayed,
  type HarnessSegment,
  type HarnessSnapshot,
} from './hlsjs-page.js';
import { startStack, type Stack, type StackOptions } from './stack.js';
import { waitUntil } from './wait.js';

/** A browser the rig can launch. */
export type BrowserName = 'chromium' | 'firefox';

/** The servers, browsers and viewers of one test file (available once `beforeAll` ran). */
export interface CrossBrowserSuite {
  readonly stack: Stack;
  /** The running browser of that name; throws for one the suite was not asked to launch. */
  browser(name: BrowserName): Browser;
  /**
   * Opens a viewer in that browser (see `ViewerSet.open`), one at a time per browser: Firefox ESR
   * 153 fails `browsingContext.create` ("TabManager.getTabBrowser(...) is undefined") now and then
   * when two contexts open pages at once, which parallel swarms would otherwise do.
   */
  openViewer(name: BrowserName, url: string, label: string): Promise<Viewer>;
  readonly viewers: ViewerSet;
}

/**
 * Registers the file's hooks: one stack, one instance of each of `browsers`, the stay-local check
 * after each test and the teardown. Call at the top level of a test file (inside a
 * `describeWithFirefox` when Firefox is among `browsers`).
 */
export function useCrossBrowserSuite(
  browsers: readonly BrowserName[],
  options: StackOptions = {},
): CrossBrowserSuite {
  let stack: Stack | undefined;
  const running = new Map<BrowserName, Browser>();
  const viewers = new ViewerSet();
  /** The last viewer opening per browser; the next one starts after it settles. */
  const openings = new Map<BrowserName, Promise<unknown>>();

  beforeAll(async () => {
    const launched = browsers.map(async (name) => {
      const browser = await (name === 'firefox' ? launchFirefox() : launchBrowser());
      running.set(name, browser);
    });
    // Settled, not all: whatever started is kept (and closed by afterAll) even when a launch fails.
    const [started, ...launches] = await Promise.allSettled([startStack(options), ...launched]);
    if (started.status === 'fulfilled') stack = started.value;
    for (const outcome of [started, ...launches]) {
      if (outcome.status === 'rejected') throw outcome.reason;
    }
  }, 120_000);

  afterEach(() => {
    viewers.assertStayedLocal();
  });

  afterAll(async () => {
    await viewers.closeAll();
    await Promise.all([...running.values()].map((browser) => browser.close()));
    running.clear();
    openings.clear();
    await stack?.stop();
  });

  return {
    get stack(): Stack {
      if (!stack) throw new Error('the suite has not started yet (use it inside tests)');
      return stack;
    },
    browser,
    openViewer(name: BrowserName, url: string, label: string): Promise<Viewer> {
      const previous = openings.get(name) ?? Promise.resolve();
      const opening = previous
        .catch(() => undefined)
        .then(() => viewers.open(browser(name), url, label));
      openings.set(name, opening);
      return opening;
    },
    viewers,
  };

  function browser(name: BrowserName): Browser {
    const found = running.get(name);
    if (!found) throw new Error(`the suite runs no ${name} (or has not started yet)`);
    return found;
  }
}

/** One viewer of a swarm: which browser opens which test page. */
export interface SwarmViewerSpec {
  readonly browser: BrowserName;
  /** For messages: 'hlsjs' or 'shaka'. */
  readonly player: string;
  /** A URL from `hlsjsPageUrl` or `shakaPageUrl`. */
  readonly pageUrl: string;
}

/** A delivered segment as both harnesses record it (Shaka's `sn` is a string, hls.js's a number). */
export type SwarmSegment = Omit<HarnessSegment, 'sn'> & { readonly sn: number | string };

/** A viewer's snapshot after the swarm stopped, with the playback state from before it stopped. */
export type SwarmSnapshot = Omit<HarnessSnapshot, 'segments'> & {
  readonly segments: readonly SwarmSegment[];
};

/** What a swarm ended with. */
export interface SwarmRun {
  readonly specs: readonly SwarmViewerSpec[];
  readonly snapshots: readonly SwarmSnapshot[];
  /** Media segment bytes the origin sent under the scenario's path prefix (NaN: not counted). */
  readonly originMediaBytes: number;
  /** Media segment bytes (init segments excluded) delivered to the players, summed. */
  readonly playerMediaBytes: number;
  /** Bytes the viewers' engines received from peers, summed. */
  readonly p2pBytes: number;
  /** Per viewer: its console's errors and warnings, as `[type] text`. */
  readonly consoleProblems: readonly (readonly string[])[];
}

/** How long {@link playSwarm} plays. */
export interface PlaySwarmOptions {
  /** Every viewer plays this much media, s. */
  readonly playedSeconds: number;
  /** A viewer joins once the previous one has played this much, s. */
  readonly joinAfterPlayedSeconds: number;
  /** Bound on each viewer's whole playback, ms. */
  readonly timeoutMs: number;
}

/** Bytes of the media segments a viewer's player got (init segments left out, as the origin counts). */
function mediaBytes(snapshot: SwarmSnapshot): number {
  return snapshot.segments
    .filter((segment) => !isInitSegment(segment))
    .reduce((sum, segment) => sum + segment.byteLength, 0);
}

function isInitSegment(segment: SwarmSegment): boolean {
  return segment.sn === 'initSegment';
}

/**
 * Opens the viewers in order (each once the previous one has played a little, so later viewers
 * find segments held by earlier ones), waits until all played `playedSeconds`, then stops the
 * players and waits for the origin to settle, so its counters and what the players received can
 * be compared at rest. Closes the viewers' contexts before it returns.
 */
export async function playSwarm(
  suite: CrossBrowserSuite,
  name: string,
  specs: readonly SwarmViewerSpec[],
  pathPrefix: string,
  options: PlaySwarmOptions,
): Promise<SwarmRun> {
  const swarm: Viewer[] = [];
  for (const [index, spec] of specs.entries()) {
    const previous = swarm.at(-1);
    if (previous)
      await waitForPlayed(previous.page, options.joinAfterPlayedSeconds, options.timeoutMs);
    const label = `${name} viewer ${index} (${spec.browser} ${spec.player})`;
    swarm.push(await suite.openViewer(spec.browser, spec.pageUrl, label));
  }
  await Promise.all(
    swarm.map((viewer) => waitForPlayed(viewer.page, options.playedSeconds, options.timeoutMs)),
  );
  // Playback as it was before stopping: destroying a player detaches the video, which clears it.
  const playback = await Promise.all(swarm.map((viewer) => readSnapshot(viewer.page)));
  await Promise.all(
    // Shaka's destroy() returns a promise (evaluate awaits it); hls.js's returns nothing.
    swarm.map((viewer) =>
      viewer.page.evaluate(() =>
        (window.__harness as unknown as { destroy(): Promise<void> | undefined }).destroy(),
      ),
    ),
  );
  await waitUntil(() => suite.stack.origin.counters.settled({ pathPrefix }, 100), {
    timeoutMs: 10_000,
    description: `no origin request under ${pathPrefix} in flight`,
  });
  const delivered = await Promise.all(swarm.map((viewer) => waitForHashes(viewer.page)));
  // Free the CPU for the next swarm; the viewer set keeps their records for the stay-local check.
  await Promise.all(swarm.map((viewer) => viewer.close()));
  const snapshots: SwarmSnapshot[] = delivered.map((snapshot, index) => {
    const before = playback[index] ?? snapshot;
    return { ...snapshot, playedSeconds: before.playedSeconds, stalls: before.stalls };
  });
  return {
    specs,
    snapshots,
    originMediaBytes: suite.stack.origin.counters.mediaBytes(pathPrefix),
    playerMediaBytes: snapshots.reduce((sum, snapshot) => sum + mediaBytes(snapshot), 0),
    p2pBytes: snapshots.reduce((sum, snapshot) => sum + (snapshot.engineStats?.p2pBytes ?? 0), 0),
    consoleProblems: swarm.map((viewer) =>
      viewer.consoleMessages.filter(
        (line) => line.startsWith('[error]') || line.startsWith('[warning]'),
      ),
    ),
  };
}

/** Stops a viewer's player and closes it; returns what it got, with playback from before stopping. */
async function finishViewer(viewer: Viewer): Promise<SwarmSnapshot> {
  const playback = await readSnapshot(viewer.page);
  await viewer.page.evaluate(() =>
    (window.__harness as unknown as { destroy(): Promise<void> | undefined }).destroy(),
  );
  const delivered = await waitForHashes(viewer.page);
  await viewer.close();
  return { ...delivered, playedSeconds: playback.playedSeconds, stalls: playback.stalls };
}

/**
 * Plays a relay: each viewer joins once the previous one has played `joinAfterPlayedSeconds`,
 * plays `playedSeconds` itself, and only then is the previous viewer stopped and closed. So every
 * viewer but the first has exactly one peer while it starts, the one before it, and whatever it
 * gets over P2P came from that viewer: with viewers of alternating browsers each transfer crosses
 * from one browser to the other, in the order given, whatever the timing. (In a swarm where both
 * play at once, who downloads from whom depends on which player asks first.) Use a VOD stream: a
 * joiner starts where the previous viewer started, in what it already holds.
 */
export async function playRelay(
  suite: CrossBrowserSuite,
  name: string,
  specs: readonly SwarmViewerSpec[],
  options: PlaySwarmOptions,
): Promise<SwarmRun> {
  const snapshots: SwarmSnapshot[] = [];
  const consoleProblems: string[][] = [];
  const finish = async (viewer: Viewer): Promise<void> => {
    snapshots.push(await finishViewer(viewer));
    consoleProblems.push(
      viewer.consoleMessages.filter(
        (line) => line.startsWith('[error]') || line.startsWith('[warning]'),
      ),
    );
  };
  let previous: Viewer | undefined;
  for (const [index, spec] of specs.entries()) {
    const label = `${name} viewer ${index} (${spec.browser} ${spec.player})`;
    const viewer = await suite.openViewer(spec.browser, spec.pageUrl, label);
    const isLast = index === specs.length - 1;
    await waitForPlayed(
      viewer.page,
      previous === undefined && !isLast ? options.joinAfterPlayedSeconds : options.playedSeconds,
      options.timeoutMs,
    );
    if (previous !== undefined) await finish(previous);
    previous = viewer;
  }
  if (previous !== undefined) await finish(previous);
  return {
    specs,
    snapshots,
    originMediaBytes: Number.NaN,
    playerMediaBytes: snapshots.reduce((sum, snapshot) => sum + mediaBytes(snapshot), 0),
    p2pBytes: snapshots.reduce((sum, snapshot) => sum + (snapshot.engineStats?.p2pBytes ?? 0), 0),
    consoleProblems,
  };
}

/** Segments the viewer's engine delivered from peers (from its `segment-loaded` trace). */
export function p2pDeliveries(snapshot: SwarmSnapshot): number {
  return snapshot.trace.filter(
    (entry) => entry.event === 'segment-loaded' && entry['source'] === 'p2p',
  ).length;
}

/** One line per viewer for failure messages: what it played and where its segments came from. */
export function viewerSummaries(run: SwarmRun): string[] {
  return run.snapshots.map((snapshot, index) => {
    const spec = run.specs[index];
    const stats = snapshot.engineStats;
    const { playingAtMs, startedAtMs } = snapshot.startup;
    const startupMs = playingAtMs === undefined ? '?' : Math.round(playingAtMs - startedAtMs);
    return (
      `viewer ${index} (${spec?.browser ?? '?'} ${spec?.player ?? '?'}): ` +
      `started in ${startupMs} ms, played ${snapshot.playedSeconds.toFixed(1)} s, ` +
      `stalls ${snapshot.stalls.count} (${Math.round(snapshot.stalls.totalMs)} ms), ` +
      `fatal ${JSON.stringify(snapshot.fatalErrors)}, ` +
      `levels ${[...new Set(snapshot.segments.map((segment) => segment.level))].join(',')}, ` +
      `segments ${JSON.stringify(stats?.segments)}, ` +
      `http ${stats?.httpBytes ?? '?'} B, p2p ${stats?.p2pBytes ?? '?'} B, ` +
      `upload ${stats?.uploadBytes ?? '?'} B, peers ${stats?.peers ?? '?'}`
    );
  });
}

/**
 * Prints the swarm's {@link viewerSummaries} when `P2PML_SWARM_SUMMARY=1` (for measuring and for
 * diagnosing a flaky run in CI); silent otherwise.
 */
export function logSwarmSummary(name: string, run: SwarmRun | Error | undefined): void {
  if (process.env.P2PML_SWARM_SUMMARY !== '1' || run === undefined) return;
  const lines =
    run instanceof Error
      ? [`failed: ${run.message}`]
      : [
          ...viewerSummaries(run),
          ...run.consoleProblems.flatMap((problems, index) =>
            problems.slice(0, 5).map((line) => `viewer ${index} console: ${line}`),
          ),
        ];
  console.log(`${name}\n${lines.join('\n')}`);
}
