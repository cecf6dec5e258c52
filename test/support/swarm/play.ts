/**
 * One way to play a swarm of browser viewers of one stream, for every test page (hls.js, Shaka and
 * the player plugins' pages share the harness contract of hlsjs-page.ts) and for Chromium and
 * Firefox alike: viewers join one after another ({@link joinSwarm}), then either the whole swarm
 * stops and is compared with the origin at rest ({@link playSwarm}), or viewers hand over one to
 * the next ({@link playRelay}). Tests that read more of their pages while they play (overlays,
 * menus, leaks after `remove()`) call {@link joinSwarm} and {@link stopSwarm} around their reads.
 */
import type { Page } from 'playwright-core';
import type { BrowserName, Viewer } from '../browser.js';
import { readSnapshot, waitForHashes, waitForPlayed } from '../hlsjs-page.js';
import {
  consoleProblems,
  mediaBytes,
  settledOriginMediaBytes,
  totalP2PBytes,
  type SwarmSnapshot,
} from './snapshot.js';
import type { SwarmHost } from './suite.js';

/** One viewer of a swarm: which browser opens which test page. */
export interface SwarmViewerSpec {
  readonly browser: BrowserName;
  /** For messages: 'hlsjs', 'shaka', 'clappr', ... */
  readonly player: string;
  /** The page's URL (`hlsjsPageUrl`, `shakaPageUrl`, a plugin page's URL). */
  readonly pageUrl: string;
}

/** How long a swarm plays. */
export interface PlaySwarmOptions {
  /** Every viewer plays this much media, s. */
  readonly playedSeconds: number;
  /** A viewer joins once the previous one has played this much, s. */
  readonly joinAfterPlayedSeconds: number;
  /** Bound on each viewer's whole playback, ms. */
  readonly timeoutMs: number;
  /** Bound on the wait before the next viewer joins, ms (default: `timeoutMs`). */
  readonly joinTimeoutMs?: number;
  /**
   * Opens a viewer instead of `host.openViewer` (pages that need probes or routes in place before
   * they load: leak probes, a served player library).
   */
  readonly open?: (spec: SwarmViewerSpec, label: string) => Promise<Viewer>;
}

/** What a swarm ended with. */
export interface SwarmRun {
  readonly specs: readonly SwarmViewerSpec[];
  /** Every delivered segment with its digest; playback fields from before the players stopped. */
  readonly snapshots: readonly SwarmSnapshot[];
  /** Media segment bytes the origin sent under the swarm's path prefix (NaN: not counted). */
  readonly originMediaBytes: number;
  /** Media segment bytes (init segments excluded) delivered to the players, summed. */
  readonly playerMediaBytes: number;
  /** Bytes the viewers' engines received from peers, summed. */
  readonly p2pBytes: number;
  /** Per viewer: its console's errors and warnings, as `[type] text`. */
  readonly consoleProblems: readonly (readonly string[])[];
}

/** A viewer's label in messages: `<name> viewer <i> (<browser> <player>)`. */
function viewerLabel(name: string, index: number, spec: SwarmViewerSpec): string {
  return `${name} viewer ${index} (${spec.browser} ${spec.player})`;
}

function openSwarmViewer(
  host: SwarmHost,
  spec: SwarmViewerSpec,
  label: string,
  options: PlaySwarmOptions,
): Promise<Viewer> {
  return options.open
    ? options.open(spec, label)
    : host.openViewer(spec.browser, spec.pageUrl, label);
}

/**
 * Opens the viewers in order, each once the previous one has played `joinAfterPlayedSeconds` (so
 * later viewers find segments held by earlier ones), and waits until all played `playedSeconds`.
 * Fails early when a page reports a setup or fatal error. The viewers stay open and playing.
 */
export async function joinSwarm(
  host: SwarmHost,
  name: string,
  specs: readonly SwarmViewerSpec[],
  options: PlaySwarmOptions,
): Promise<Viewer[]> {
  const swarm: Viewer[] = [];
  for (const [index, spec] of specs.entries()) {
    const previous = swarm.at(-1);
    if (previous) {
      await waitForPlayed(
        previous.page,
        options.joinAfterPlayedSeconds,
        options.joinTimeoutMs ?? options.timeoutMs,
      );
    }
    swarm.push(await openSwarmViewer(host, spec, viewerLabel(name, index, spec), options));
  }
  await Promise.all(
    swarm.map((viewer) => waitForPlayed(viewer.page, options.playedSeconds, options.timeoutMs)),
  );
  return swarm;
}

/**
 * Stops the page's player through its harness (`destroy()`: hls.js detaches, Shaka's promise is
 * awaited, a plugin page removes its player).
 */
export async function stopPlayer(page: Page): Promise<void> {
  await page.evaluate(() =>
    (window.__harness as unknown as { destroy(): Promise<void> | undefined }).destroy(),
  );
}

/**
 * Stops every viewer's player and returns each one's snapshot once all digests are computed, with
 * `playedSeconds` and `stalls` from before it stopped (stopping detaches the video, which clears
 * them). When `pathPrefix` is given, also waits until the origin has nothing in flight under it
 * and returns its media bytes there (else NaN).
 */
export async function stopSwarm(
  host: SwarmHost,
  swarm: readonly Viewer[],
  pathPrefix?: string,
): Promise<{ snapshots: SwarmSnapshot[]; originMediaBytes: number }> {
  const playback = await Promise.all(swarm.map((viewer) => readSnapshot(viewer.page)));
  await Promise.all(swarm.map((viewer) => stopPlayer(viewer.page)));
  // In-flight responses end when the players abort them; only then are the counters final.
  const originMediaBytes =
    pathPrefix === undefined ? Number.NaN : await settledOriginMediaBytes(host.stack, pathPrefix);
  // Taken after the players stopped: nothing arrives between these snapshots and the counters.
  const delivered = await Promise.all(swarm.map((viewer) => waitForHashes(viewer.page)));
  const snapshots = delivered.map((snapshot, index) => {
    const before = playback[index] ?? snapshot;
    return { ...snapshot, playedSeconds: before.playedSeconds, stalls: before.stalls };
  });
  return { snapshots, originMediaBytes };
}

/** The run's totals from its snapshots. */
function swarmRun(
  specs: readonly SwarmViewerSpec[],
  snapshots: readonly SwarmSnapshot[],
  originMediaBytes: number,
  problems: readonly (readonly string[])[],
): SwarmRun {
  return {
    specs,
    snapshots,
    originMediaBytes,
    playerMediaBytes: snapshots.reduce((sum, snapshot) => sum + mediaBytes(snapshot), 0),
    p2pBytes: totalP2PBytes(snapshots),
    consoleProblems: problems,
  };
}

/**
 * Plays a swarm ({@link joinSwarm}), then stops the players and waits for the origin to settle,
 * so its counters and what the players received can be compared at rest ({@link stopSwarm}).
 * Closes the viewers' contexts before it returns (freeing the CPU for the next swarm; the suite
 * keeps their records for its stay-local check).
 */
export async function playSwarm(
  host: SwarmHost,
  name: string,
  specs: readonly SwarmViewerSpec[],
  pathPrefix: string,
  options: PlaySwarmOptions,
): Promise<SwarmRun> {
  const swarm = await joinSwarm(host, name, specs, options);
  const { snapshots, originMediaBytes } = await stopSwarm(host, swarm, pathPrefix);
  await Promise.all(swarm.map((viewer) => viewer.close()));
  return swarmRun(specs, snapshots, originMediaBytes, swarm.map(consoleProblems));
}

/**
 * Plays a relay: each viewer joins once the previous one has played `joinAfterPlayedSeconds`,
 * plays `playedSeconds` itself, and only then is the previous viewer stopped and closed. So every
 * viewer but the first has exactly one peer while it starts, the one before it, and whatever it
 * gets over P2P came from that viewer: with viewers of alternating browsers each transfer crosses
 * from one browser to the other, in the order given, whatever the timing. (In a swarm where both
 * play at once, who downloads from whom depends on which player asks first.) Use a VOD stream: a
 * joiner starts where the previous viewer started, in what it already holds. The origin is not
 * counted (`originMediaBytes` is NaN).
 */
export async function playRelay(
  host: SwarmHost,
  name: string,
  specs: readonly SwarmViewerSpec[],
  options: PlaySwarmOptions,
): Promise<SwarmRun> {
  const snapshots: SwarmSnapshot[] = [];
  const problems: string[][] = [];
  const finish = async (viewer: Viewer): Promise<void> => {
    const stopped = await stopSwarm(host, [viewer]);
    await viewer.close();
    const snapshot = stopped.snapshots[0];
    if (snapshot === undefined) throw new Error(`${viewer.name}: no snapshot`);
    snapshots.push(snapshot);
    problems.push(consoleProblems(viewer));
  };
  let previous: Viewer | undefined;
  for (const [index, spec] of specs.entries()) {
    const viewer = await openSwarmViewer(host, spec, viewerLabel(name, index, spec), options);
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
  return swarmRun(specs, snapshots, Number.NaN, problems);
}
