/**
 * The Flowplayer test pages (test/browser/pages/flowplayer7.html for Flowplayer 7,
 * flowplayer-current.html for @flowplayer/player 3.x), seen from the tests: URLs, the telemetry
 * block, and a swarm of viewers played to the end and checked at rest. Both pages run
 * test/browser/pages/flowplayer-harness.js, which exposes the hls.js harness contract (see
 * hlsjs-page.ts: `readSnapshot`, `waitForPlayed` work on them unchanged) plus the plugin's handle.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { EngineConfig } from '../../core/engine/config.js';
import type { Viewer, ViewerSet } from './browser.js';
import { useBrowserSuite, type BrowserSuite } from './browser-suite.js';
import { readSnapshot, waitForPlayed, type HarnessSnapshot } from './hlsjs-page.js';
import {
  installLeakProbe,
  noLeaks,
  OVERLAY_ROOT_SELECTOR,
  readLeaks,
  readOverlayAgainstStats,
  screenshotOverlay,
  settleLeaks,
  type OverlayAgainstStats,
} from './plugin-probes.js';
import {
  expectCleanPlayback,
  expectSwarmOffload,
  joinSwarm,
  mediaBytes,
  settledOriginMediaBytes,
  summariesOf,
  totalP2PBytes,
} from './swarm/index.js';

/** Which Flowplayer: `'7'` (flowplayer 7.x, GPL) or `'current'` (@flowplayer/player 3.x). */
export type FlowplayerLine = '7' | 'current';

/** What a Flowplayer test page plays and how. */
export interface FlowplayerPageOptions {
  readonly line: FlowplayerLine;
  /** Manifest URL (HLS). */
  readonly src: string;
  /** 'p2p' (default): with our plugin (dist/umd bundle); 'none': the player alone. */
  readonly engine?: 'p2p' | 'none';
  /** Plugin options (`p2p` config key): engine config keys, `overlay`, ... (JSON only). */
  readonly p2p?: Partial<Omit<EngineConfig, 'httpRequestHook'>> & {
    readonly overlay?: boolean | Record<string, unknown>;
  };
  /** Highest level index hls.js's ABR may choose; default: no cap. */
  readonly capLevel?: number;
}

/** Page file of each line, under /test-pages. */
const PAGE_FILES: Readonly<Record<FlowplayerLine, string>> = {
  '7': 'flowplayer7.html',
  current: 'flowplayer-current.html',
};

/** URL of the test page of `options.line` on `originUrl`. */
export function flowplayerPageUrl(originUrl: string, options: FlowplayerPageOptions): string {
  const url = new URL(`/test-pages/${PAGE_FILES[options.line]}`, originUrl);
  url.searchParams.set('src', options.src);
  url.searchParams.set('engine', options.engine ?? 'p2p');
  if (options.p2p !== undefined) url.searchParams.set('p2p', JSON.stringify(options.p2p));
  if (options.capLevel !== undefined) url.searchParams.set('capLevel', String(options.capLevel));
  return url.toString();
}

/**
 * Hosts @flowplayer/player 3.37 sends telemetry to (read from its default.js): `ihi` receives the
 * health events every player POSTs every few seconds; `ptm` (analytics of hosted media) and `pmi`
 * (token metering) are contacted only with a token or platform media, never by the test pages.
 */
export const FLOWPLAYER_TELEMETRY_HOSTS: readonly string[] = [
  'ihi.flowplayer.com',
  'ptm.flowplayer.com',
  'pmi.flowplayer.com',
];

/**
 * Aborts every request of `context` to {@link FLOWPLAYER_TELEMETRY_HOSTS} and returns the list the
 * aborted URLs are appended to. Playwright runs the most recently registered matching route first,
 * so registered after the guard of `newViewer` this one answers these requests and the guard never
 * sees them; any other request leaving the machine still fails the suite.
 */
export async function blockFlowplayerTelemetry(context: BrowserContext): Promise<string[]> {
  const blocked: string[] = [];
  await context.route(
    (url) => FLOWPLAYER_TELEMETRY_HOSTS.includes(url.hostname),
    async (route) => {
      blocked.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  return blocked;
}

/** A viewer of a Flowplayer page and the telemetry requests it tried to send. */
export interface FlowplayerViewer {
  readonly viewer: Viewer;
  /** Telemetry URLs aborted so far (grows while the page runs). */
  readonly telemetry: readonly string[];
}

/**
 * Opens `url` in a new viewer with Flowplayer's telemetry blocked from the first request on: the
 * viewer starts on about:blank, the block and `prepare` (e.g. init scripts) are installed, then the
 * page loads.
 */
export async function openFlowplayerViewer(
  viewers: ViewerSet,
  browser: Browser,
  url: string,
  name: string,
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<FlowplayerViewer> {
  const viewer = await viewers.open(browser, 'about:blank', name);
  const telemetry = await blockFlowplayerTelemetry(viewer.context);
  await prepare?.(viewer.context);
  await viewer.page.goto(url);
  return { viewer, telemetry };
}

/** What one swarm run of {@link playFlowplayerSwarm} needs. */
export interface FlowplayerSwarmOptions {
  /** Short name for viewers, screenshots and messages (`'fp7-live'`). */
  readonly name: string;
  /** URL of the page every viewer opens. */
  readonly pageUrl: string;
  readonly viewerCount: number;
  /** Every viewer plays this many seconds. */
  readonly playedSeconds: number;
  /** A viewer joins once the previous one played this much. */
  readonly joinAfterPlayedSeconds: number;
  /** Installs probes into each viewer's context before its page loads. */
  readonly prepare?: (context: BrowserContext) => Promise<void>;
  /** Runs on every page once all played, before the players stop (overlay checks, screenshots). */
  readonly whilePlaying?: (page: Page, index: number) => Promise<unknown>;
  /** Runs on every page once its player was destroyed (leak checks). */
  readonly afterDestroy?: (page: Page, index: number) => Promise<unknown>;
}

/** What a swarm ended with. */
export interface FlowplayerSwarmRun {
  readonly viewers: readonly FlowplayerViewer[];
  /** Snapshots taken while playing (before the players stopped). */
  readonly playing: readonly HarnessSnapshot[];
  /** Snapshots after the players stopped: every delivered segment is in them. */
  readonly stopped: readonly HarnessSnapshot[];
  /** Results of `whilePlaying` per viewer. */
  readonly whilePlaying: readonly unknown[];
  /** Results of `afterDestroy` per viewer. */
  readonly afterDestroy: readonly unknown[];
}

/**
 * Plays one swarm: viewers open one after another (each once the previous played
 * `joinAfterPlayedSeconds`), all play `playedSeconds`, `whilePlaying` runs, the players are
 * destroyed through their own API, `afterDestroy` runs. The caller waits for the origin to settle
 * before reading its counters.
 */
export async function playFlowplayerSwarm(
  suite: BrowserSuite,
  options: FlowplayerSwarmOptions,
): Promise<FlowplayerSwarmRun> {
  const swarm: FlowplayerViewer[] = [];
  const spec = { browser: 'chromium', player: 'flowplayer', pageUrl: options.pageUrl } as const;
  const joined = await joinSwarm(
    suite,
    options.name,
    Array.from({ length: options.viewerCount }, () => spec),
    {
      playedSeconds: options.playedSeconds,
      joinAfterPlayedSeconds: options.joinAfterPlayedSeconds,
      joinTimeoutMs: 40_000,
      timeoutMs: 90_000,
      open: async (_spec, label) => {
        const opened = await openFlowplayerViewer(
          suite.viewers,
          suite.browser,
          options.pageUrl,
          label,
          options.prepare,
        );
        swarm.push(opened);
        return opened.viewer;
      },
    },
  );
  const pages = joined.map((viewer) => viewer.page);
  const playing = await Promise.all(pages.map((page) => readSnapshot(page)));
  const whilePlaying = await Promise.all(
    pages.map(async (page, index) => options.whilePlaying?.(page, index)),
  );
  await Promise.all(pages.map((page) => page.evaluate(() => window.__harness?.destroy())));
  const stopped = await Promise.all(pages.map((page) => readSnapshot(page)));
  const afterDestroy = await Promise.all(
    pages.map(async (page, index) => options.afterDestroy?.(page, index)),
  );
  return { viewers: swarm, playing, stopped, whilePlaying, afterDestroy };
}

/** One line per viewer for failure messages, with the telemetry requests it had blocked. */
export function describeViewers(run: FlowplayerSwarmRun): string[] {
  return summariesOf(
    run.playing,
    (_snapshot, index) => `telemetry blocked ${run.viewers[index]?.telemetry.length ?? 0}`,
  );
}

/** Writes a PNG of the page's player (`#player`) to artifacts/screenshots/<name>.png; returns the path. */
export async function screenshotTo(page: Page, name: string): Promise<string> {
  const dir = path.resolve(__dirname, '../../artifacts/screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.locator('#player').screenshot({ path: file });
  return file;
}

/** One swarm of {@link defineFlowplayerSwarmTests}. */
export interface FlowplayerSwarmSpec {
  readonly mode: 'live' | 'vod';
  /** Generated stream kind (`hls-ts`, `hls-fmp4`). */
  readonly stream: string;
  readonly viewerCount: number;
}

/** What {@link defineFlowplayerSwarmTests} runs. */
export interface FlowplayerSuiteSpec {
  readonly line: FlowplayerLine;
  /** Player name in test titles. */
  readonly label: string;
  readonly swarms: readonly FlowplayerSwarmSpec[];
}

/** Seconds every viewer plays. */
const PLAYED_SECONDS = 15;
/** A viewer joins once the previous one has played this much (later viewers find segments held). */
const JOIN_AFTER_PLAYED_SECONDS = 1.5;

/** A swarm's results and the origin's media bytes under its path. */
interface CheckedSwarm {
  readonly run: FlowplayerSwarmRun;
  readonly originMediaBytes: number;
}

/**
 * Registers the browser suite and, per swarm, the tests both Flowplayer files share: playback,
 * P2P share against origin bytes, overlay numbers, telemetry, and what destroy leaves behind.
 * Call once at the top level of a test file.
 */
export function defineFlowplayerSwarmTests(spec: FlowplayerSuiteSpec): void {
  const suite = useBrowserSuite();
  describe.each(spec.swarms)(
    `${spec.label} with P2P: $mode $stream, $viewerCount viewers of one swarm`,
    (swarm) => {
      let checked: CheckedSwarm;
      const name = `flowplayer-${spec.line}-${swarm.mode}`;

      beforeAll(async () => {
        const session = `${name}-${Date.now()}`;
        const { stack } = suite;
        const live = swarm.mode === 'live';
        const src = live ? stack.liveUrl(session, swarm.stream) : stack.vodUrl(swarm.stream);
        const pathPrefix = live ? `/live/${session}/` : `/vod/${swarm.stream}/`;
        const p2p = { ...stack.localP2PConfig(), swarmId: session, overlay: true };
        const run = await playFlowplayerSwarm(suite, {
          name,
          pageUrl: flowplayerPageUrl(stack.originUrl, { line: spec.line, src, p2p }),
          viewerCount: swarm.viewerCount,
          playedSeconds: PLAYED_SECONDS,
          joinAfterPlayedSeconds: JOIN_AFTER_PLAYED_SECONDS,
          prepare: installLeakProbe,
          whilePlaying: async (page, index) => {
            const shown = await readOverlayAgainstStats(page, 'window.__harness.handle()');
            if (index === 0) {
              await screenshotTo(page, name);
              await screenshotOverlay(page, `${name}-overlay`);
            }
            return shown;
          },
          afterDestroy: async (page) => ({
            ...(await settleLeaks(page)),
            overlays: await page.locator(OVERLAY_ROOT_SELECTOR).count(),
          }),
        });
        // In-flight responses end when the players abort them; only then are the counters final.
        checked = { run, originMediaBytes: await settledOriginMediaBytes(stack, pathPrefix) };
      });

      test(`every viewer plays ${PLAYED_SECONDS} s without a fatal error or a stall`, () => {
        const { run } = checked;
        expectCleanPlayback(run.playing, {
          playedSeconds: PLAYED_SECONDS,
          summaries: describeViewers(run),
        });
      });

      test('viewers get segments from peers and take fewer media bytes from the origin than they play', () => {
        const { run, originMediaBytes } = checked;
        expectSwarmOffload(
          {
            p2pBytes: totalP2PBytes(run.playing),
            originMediaBytes,
            playerMediaBytes: run.stopped.reduce((sum, s) => sum + mediaBytes(s), 0),
          },
          describeViewers(run),
        );
      });

      test('the overlay in the player shows the numbers of getStats()', () => {
        const shown = checked.run.whilePlaying as OverlayAgainstStats[];
        // Non-empty: an overlay missing from the player must not pass as "no differences".
        expect(shown.map(({ overlay }) => Object.keys(overlay).length > 0)).toEqual(
          shown.map(() => true),
        );
        expect(shown.map(({ overlay }) => overlay)).toEqual(shown.map(({ stats }) => stats));
      });

      test(TELEMETRY_TITLES[spec.line], () => {
        const attempts = checked.run.viewers.map((viewer) => viewer.telemetry.length);
        // Anything else leaving the machine fails the suite's afterEach guard.
        if (spec.line === '7') expect(attempts).toEqual(attempts.map(() => 0));
        else expect(attempts.every((count) => count > 0)).toBe(true);
      });

      test("destroying the player through Flowplayer's API leaves no interval, connection or overlay", () => {
        const { afterDestroy } = checked.run;
        expect(afterDestroy).toEqual(afterDestroy.map(() => ({ ...noLeaks, overlays: 0 })));
      });
    },
  );

  test(`${spec.label}: p2p.destroy() while playing closes the tracker socket and the overlay, and playback goes on over HTTP`, async () => {
    const { stack } = suite;
    const name = `flowplayer-${spec.line}-handle-destroy`;
    const p2p = { ...stack.localP2PConfig(), swarmId: `${name}-${Date.now()}`, overlay: true };
    const url = flowplayerPageUrl(stack.originUrl, {
      line: spec.line,
      src: stack.vodUrl('hls-ts'),
      p2p,
    });
    const { viewer } = await openFlowplayerViewer(
      suite.viewers,
      suite.browser,
      url,
      name,
      installLeakProbe,
    );
    const { page } = viewer;
    await waitForPlayed(page, 3, 40_000);
    const before = await readLeaks(page);
    await page.evaluate(() => {
      (window.__harness as unknown as { handle(): { destroy(): void } }).handle().destroy();
    });
    const destroyedAt = await readSnapshot(page);
    // The player's own intervals (hls.js, Flowplayer) stay: only the plugin's must be gone.
    const after = await settleLeaks(page, 1000);
    const overlays = await page.locator(OVERLAY_ROOT_SELECTOR).count();
    const resumed = await waitForPlayed(page, destroyedAt.playedSeconds + 3, 20_000);
    expect({
      trackerSocketBefore: before.webSockets > 0,
      webSockets: after.webSockets,
      peerConnections: after.peerConnections,
      intervalsReleased: after.intervals < before.intervals,
      overlays,
      httpSegmentsAfterDestroy: resumed.segments.length > destroyedAt.segments.length,
    }).toEqual({
      trackerSocketBefore: true,
      webSockets: 0,
      peerConnections: 0,
      intervalsReleased: true,
      overlays: 0,
      httpSegmentsAfterDestroy: true,
    });
  });
}

/** Telemetry test title per line: Flowplayer 7 sends none; Flowplayer 3 sends health events. */
const TELEMETRY_TITLES: Readonly<Record<FlowplayerLine, string>> = {
  '7': 'Flowplayer 7 attempts no request outside the machine (no telemetry)',
  current:
    "Flowplayer's telemetry (health events to ihi.flowplayer.com) is attempted by every viewer and aborted in the browser",
};
