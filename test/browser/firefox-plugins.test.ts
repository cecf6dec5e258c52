/**
 * The player plugins in Firefox (stock Firefox ESR through WebDriver BiDi, see
 * test/support/firefox.ts): the Video.js plugin, the CMS embed snippet and the stats overlay on a
 * custom player (hls.js + the `p2pml.plugins` bundle). For each, two Firefox viewers of one stream
 * play with P2P on; the second joins once the first has played a little. Each case shows that:
 * - both play without an error, and some bytes come from the other Firefox viewer;
 * - every fragment the player's hls.js received is byte-identical to the origin's file (an init
 *   script hashes what hls.js gets, see test/support/firefox-plugins.ts);
 * - the overlay is mounted, open, and shows exactly `getStats()` at a stats event, numbers that
 *   grow as playback goes on;
 * - disposing the player (Video.js `dispose()`, removing the embed element, ending the overlay
 *   page's session) removes the overlay and leaves no peer connection, tracker socket, interval or
 *   HTTP request behind;
 * - nothing leaves the machine (the suite's route guard, after every test).
 *
 * Firefox's counterparts of videojs.test.ts, embed.test.ts and plugin-overlay.test.ts, kept short
 * (two viewers per case, a few seconds each, two cases at a time, one Firefox for the file): they
 * show that the plugins work in Firefox at all; the Chromium files cover the rest of each plugin's
 * behaviour.
 */
import type { Viewer } from '../support/browser.js';
import { describeWithFirefox } from '../support/firefox.js';
import {
  clearRequestLog,
  installHlsFragmentProbe,
  pageNowMs,
  readHashedFragments,
  readOverlayPresence,
  requestsStartedSince,
  type OverlayPresence,
  type ProbedFragment,
} from '../support/firefox-plugins.js';
import {
  consoleProblems,
  useCrossBrowserSuite,
  type CrossBrowserSuite,
} from '../support/swarm/index.js';
import { originMismatches, urlPath } from '../support/origin-media.js';
import {
  installLeakProbe,
  noLeaks,
  readLeaks,
  readOverlayAgainstStats,
  settleLeaks,
  type LeakCounts,
  type OverlayAgainstStats,
} from '../support/plugin-probes.js';
import { videojsPageUrl } from '../support/videojs-page.js';
import { settle, unwrap, waitUntil, type Settled } from '../support/wait.js';

const VIEWER_COUNT = 2;
/** Every viewer plays this much, s. */
const PLAYED_SECONDS = 6;
/** The second viewer joins once the first has played this much, s. */
const JOIN_AFTER_PLAYED_SECONDS = 1;
/** Bound on reaching a played amount, ms (generous: CI machines may be slow and loaded). */
const PLAYBACK_TIMEOUT_MS = 40_000;
/** How long a swarm that played may still take to move its first bytes over P2P, ms. */
const P2P_GRACE_MS = 15_000;
/** Bound on one round of cases (see ROUNDS), ms. */
const CASE_TIMEOUT_MS = 120_000;
/** The embed bundle, as the snippet's `<script src>` names it (docs/EMBED.md). */
const EMBED_BUNDLE_PATH = '/dist/umd/p2p-media-loader-embed.min.js';
jest.setTimeout(30_000);

/** What a test reads from one viewer's player and its P2P handle. */
interface PluginReading {
  /** Sum of the media element's played ranges, s. */
  readonly playedSeconds: number;
  /** The engine the plugin chose ('hlsjs' for these HLS streams). */
  readonly engineKind: string | undefined;
  readonly httpBytes: number;
  readonly p2pBytes: number;
  readonly uploadBytes: number;
  readonly peers: number;
  /** Errors the page's player reported (fatal ones, or a setup error). */
  readonly errors: readonly string[];
}

/** The IDs one case's viewers share. */
interface CaseIdentity {
  /** Manifest URL. */
  readonly src: string;
  readonly swarmId: string;
}

/** How one plugin is put on a page, read and disposed. */
interface PluginCase {
  readonly name: string;
  readonly mode: 'live' | 'vod';
  readonly stream: string;
  /** Navigates a blank viewer (probes installed) to a page playing `identity.src`. */
  load(suite: CrossBrowserSuite, viewer: Viewer, identity: CaseIdentity): Promise<void>;
  /** In-page expression yielding the P2P handle the overlay renders (`getStats`, `on('stats')`). */
  readonly handleExpression: string;
  read(viewer: Viewer): Promise<PluginReading | undefined>;
  /** Disposes the player the way a page leaving it would. */
  dispose(viewer: Viewer): Promise<void>;
}

/** Engine stats as the pages expose them (plain data). */
interface StatsLike {
  readonly engine?: string;
  readonly httpBytes: number;
  readonly p2pBytes: number;
  readonly uploadBytes: number;
  readonly peers: number;
}

function readingOf(
  playedSeconds: number,
  engineKind: string | undefined,
  stats: StatsLike | undefined,
  errors: readonly string[],
): PluginReading {
  return {
    playedSeconds,
    engineKind,
    httpBytes: stats?.httpBytes ?? 0,
    p2pBytes: stats?.p2pBytes ?? 0,
    uploadBytes: stats?.uploadBytes ?? 0,
    peers: stats?.peers ?? 0,
    errors,
  };
}

/** The Video.js test page (videojs.html) with `player.p2p({ overlay: true })`. */
const VIDEOJS_CASE: PluginCase = {
  name: 'the Video.js plugin',
  mode: 'live',
  stream: 'hls-fmp4',
  async load(suite, viewer, { src, swarmId }) {
    const p2p = { ...suite.stack.localP2PConfig(), swarmId, overlay: true };
    await viewer.page.goto(videojsPageUrl(suite.stack.originUrl, { src, p2p }));
  },
  handleExpression: 'window.__harness.handle()',
  async read(viewer) {
    const found = await viewer.page.evaluate(() => {
      type Harness = {
        snapshot(): {
          playedSeconds: number;
          setupError?: string;
          fatalErrors: { type: string; details: string; message?: string }[];
          engineStats?: StatsLike;
        };
      };
      const harness = window.__harness as unknown as Harness | undefined;
      if (harness === undefined) return undefined;
      const snapshot = harness.snapshot();
      return {
        playedSeconds: snapshot.playedSeconds,
        stats: snapshot.engineStats,
        errors: [
          ...(snapshot.setupError === undefined ? [] : [`setup: ${snapshot.setupError}`]),
          ...snapshot.fatalErrors.map(
            (error) => `${error.type}/${error.details}: ${error.message ?? ''}`,
          ),
        ],
      };
    });
    return found && readingOf(found.playedSeconds, found.stats?.engine, found.stats, found.errors);
  },
  async dispose(viewer) {
    // Disposes the player; Video.js disposes its plugins (ours) with it.
    await viewer.page.evaluate(() => {
      window.__harness?.destroy();
    });
  },
};

/** A page made of nothing but the embed snippet: `<script src>` and one `data-p2p-player`. */
function embedPageHtml(suite: CrossBrowserSuite, { src, swarmId }: CaseIdentity): string {
  const attributes = [
    `data-src="${src}"`,
    `data-swarm-id="${swarmId}"`,
    `data-trackers="${suite.stack.trackerUrl ?? ''}"`,
    'data-ice-servers="none"',
    'data-stats="on"',
    'data-autoplay',
    'data-muted',
  ];
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>embed</title></head><body>',
    `<script src="${EMBED_BUNDLE_PATH}"></script>`,
    `<div data-p2p-player ${attributes.join(' ')}></div>`,
    '</body></html>',
  ].join('\n');
}

let embedPageCount = 0;

/** The CMS embed snippet (docs/EMBED.md), on a page served at a fresh URL of the test origin. */
const EMBED_CASE: PluginCase = {
  name: 'the embed snippet',
  mode: 'live',
  stream: 'hls-ts',
  async load(suite, viewer, identity) {
    // A fresh URL per viewer on the origin, so the snippet's relative URLs resolve there.
    embedPageCount += 1;
    const pageUrl = `${suite.stack.originUrl}/firefox-embed/${String(embedPageCount)}.html`;
    const body = embedPageHtml(suite, identity);
    await viewer.context.route(pageUrl, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body }),
    );
    await viewer.page.goto(pageUrl);
  },
  handleExpression: 'window.p2pml.embed.players()[0].p2p',
  async read(viewer) {
    const found = await viewer.page.evaluate(() => {
      type Embedded = {
        player: {
          played(): { length: number; start(i: number): number; end(i: number): number };
          error(): { code: number; message: string } | null;
        };
        p2p?: { engineKind: string; getStats(): StatsLike };
      };
      const api = (window as unknown as { p2pml?: { embed?: { players(): Embedded[] } } }).p2pml
        ?.embed;
      const embedded = api?.players()[0];
      if (embedded === undefined) return undefined;
      const played = embedded.player.played();
      let playedSeconds = 0;
      for (let range = 0; range < played.length; range++) {
        playedSeconds += played.end(range) - played.start(range);
      }
      const error = embedded.player.error();
      return {
        playedSeconds,
        engineKind: embedded.p2p?.engineKind,
        stats: embedded.p2p?.getStats(),
        errors: error === null ? [] : [`video.js ${String(error.code)}: ${error.message}`],
      };
    });
    return found && readingOf(found.playedSeconds, found.engineKind, found.stats, found.errors);
  },
  async dispose(viewer) {
    // An editor removing the element: the embed's observer disposes its player.
    await viewer.page.evaluate(async () => {
      document.querySelector('[data-p2p-player]')?.remove();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  },
};

/** The overlay page (overlay.html): a plain `<video>`, hls.js, createPlayerSession + overlay. */
const OVERLAY_CASE: PluginCase = {
  name: 'the stats overlay on a custom player',
  mode: 'vod',
  stream: 'hls-ts',
  async load(suite, viewer, { src, swarmId }) {
    const query = new URLSearchParams({
      src,
      p2p: JSON.stringify({ ...suite.stack.localP2PConfig(), swarmId }),
      overlay: JSON.stringify({ visible: true }),
    });
    await viewer.page.goto(`${suite.stack.originUrl}/test-pages/overlay.html?${query.toString()}`);
  },
  handleExpression: 'window.__overlayPage.session',
  async read(viewer) {
    const found = await viewer.page.evaluate(() => {
      type OverlayPage = {
        session: { getStats(): StatsLike; chooseFor(source: object): { kind: string } };
        video: HTMLVideoElement;
        played(): number;
      };
      const overlayPage = (window as unknown as { __overlayPage?: OverlayPage }).__overlayPage;
      if (overlayPage === undefined) return undefined;
      const { error } = overlayPage.video;
      return {
        playedSeconds: overlayPage.played(),
        stats: overlayPage.session.getStats(),
        errors: error === null ? [] : [`media ${String(error.code)}: ${error.message}`],
      };
    });
    // The page starts hls.js only when the session chose it (overlay-harness.js).
    return found && readingOf(found.playedSeconds, 'hlsjs', found.stats, found.errors);
  },
  async dispose(viewer) {
    await viewer.page.evaluate(() => {
      (window as unknown as { __overlayPage: { destroy(): void } }).__overlayPage.destroy();
    });
  },
};

/**
 * The cases in rounds: the cases of a round play at the same time (two swarms of two viewers, as
 * firefox-p2p.test.ts's hls.js scenarios), rounds one after the other. A swarm spends most of its
 * time waiting for playback to advance, so two at once take little longer than one; all three at
 * once (six Firefox viewers) starved each other on a loaded two-core machine.
 */
const ROUNDS: readonly (readonly PluginCase[])[] = [[VIDEOJS_CASE, EMBED_CASE], [OVERLAY_CASE]];
const CASES: readonly PluginCase[] = ROUNDS.flat();

/** What one viewer ended with. */
interface ViewerOutcome {
  readonly name: string;
  /** The page's console errors and warnings, as `[type] text` (for summaries). */
  readonly consoleProblems: readonly string[];
  /** Read once it had played, and once all had played {@link PLAYED_SECONDS}. */
  readonly early: OverlayAgainstStats;
  readonly late: OverlayAgainstStats;
  readonly presence: OverlayPresence;
  readonly reading: PluginReading;
  readonly fragments: readonly ProbedFragment[];
  /** Held while playing (a leak check after disposal must have something to see go). */
  readonly whilePlaying: LeakCounts;
  readonly afterDispose: {
    readonly leaks: LeakCounts;
    readonly overlay: OverlayPresence;
    readonly requests: readonly string[];
  };
}

/** Bytes an overlay shows (HTTP and P2P). */
function shownBytes(pair: OverlayAgainstStats): number {
  return (pair.overlay['httpBytes'] ?? 0) + (pair.overlay['p2pBytes'] ?? 0);
}

/** One line per viewer for failure messages. */
function summaries(outcomes: readonly ViewerOutcome[]): string[] {
  return outcomes.map(
    ({ name, reading }) =>
      `${name}: played ${reading.playedSeconds.toFixed(1)} s, engine ${String(reading.engineKind)}, ` +
      `http ${reading.httpBytes} B, p2p ${reading.p2pBytes} B, upload ${reading.uploadBytes} B, ` +
      `peers ${reading.peers}, errors ${JSON.stringify(reading.errors)}`,
  );
}

/** The page's first `<video>`: position, ready and network states, buffered ranges (for messages). */
function readMediaState(viewer: Viewer): Promise<string> {
  return viewer.page.evaluate(() => {
    const video = document.querySelector('video');
    if (video === null) return 'no video element';
    const ranges: string[] = [];
    for (let index = 0; index < video.buffered.length; index++) {
      ranges.push(
        `${video.buffered.start(index).toFixed(2)}-${video.buffered.end(index).toFixed(2)}`,
      );
    }
    return (
      `currentTime ${video.currentTime.toFixed(2)}, paused ${String(video.paused)}, ` +
      `readyState ${video.readyState}, networkState ${video.networkState}, ` +
      `buffered [${ranges.join(', ')}], error ${String(video.error?.code)}`
    );
  });
}

/** Waits until `read` says the viewer played `seconds`; fails at once on a player error. */
async function waitForPlayback(
  pluginCase: PluginCase,
  viewer: Viewer,
  seconds: number,
): Promise<PluginReading> {
  let last: PluginReading | undefined;
  const reading = await waitUntil(
    async () => {
      last = await pluginCase.read(viewer);
      if (last === undefined) return undefined;
      return last.errors.length > 0 || last.playedSeconds >= seconds ? last : undefined;
    },
    {
      timeoutMs: PLAYBACK_TIMEOUT_MS,
      intervalMs: 250,
      description: `${viewer.name} played ${String(seconds)} s`,
      lastSeen: () =>
        `${JSON.stringify(last)}; console: ${viewer.consoleMessages.slice(-5).join(' | ')}; ` +
        `page errors: ${viewer.pageErrors.join(' | ')}`,
    },
  ).catch(async (error: unknown) => {
    // Where the media element stands tells a stalled player from a slow one.
    const media = await readMediaState(viewer).catch((cause: unknown) => String(cause));
    throw new Error(`${String(error)}; media: ${media}`, { cause: error });
  });
  if (reading.errors.length > 0) {
    throw new Error(`${viewer.name} failed: ${reading.errors.join('; ')}`);
  }
  return reading;
}

/**
 * Plays one case: opens the viewers one after the other (probes installed before the page's
 * scripts), lets both play, reads the overlays and what the players got, then disposes every
 * player and reads what each page still holds.
 */
async function playCase(
  suite: CrossBrowserSuite,
  pluginCase: PluginCase,
): Promise<ViewerOutcome[]> {
  const { mode, stream } = pluginCase;
  const key = `firefox-${pluginCase.name.replace(/\W+/g, '-')}-${mode}-${stream}`;
  const src = suite.stack.manifestUrl(stream, mode === 'live' ? { session: key } : undefined);
  const identity: CaseIdentity = { src, swarmId: key };
  const swarm: Viewer[] = [];
  try {
    return await playSwarm(pluginCase, suite, identity, swarm);
  } finally {
    // Free the CPU for the next round (also after a failure); the viewer set keeps their records
    // for the stay-local check.
    await Promise.all(swarm.map((viewer) => viewer.close()));
  }
}

/** {@link playCase}'s swarm: `swarm` gets each viewer as it opens (for the caller to close). */
async function playSwarm(
  pluginCase: PluginCase,
  suite: CrossBrowserSuite,
  identity: CaseIdentity,
  swarm: Viewer[],
): Promise<ViewerOutcome[]> {
  const early: OverlayAgainstStats[] = [];
  for (let index = 0; index < VIEWER_COUNT; index++) {
    const previous = swarm.at(-1);
    if (previous !== undefined) {
      await waitForPlayback(pluginCase, previous, JOIN_AFTER_PLAYED_SECONDS);
    }
    const label = `${identity.swarmId} viewer ${index}`;
    const viewer = await suite.openViewer('firefox', 'about:blank', label);
    await installLeakProbe(viewer.page);
    await installHlsFragmentProbe(viewer.page);
    await pluginCase.load(suite, viewer, identity);
    swarm.push(viewer);
  }
  for (const viewer of swarm) {
    await waitForPlayback(pluginCase, viewer, JOIN_AFTER_PLAYED_SECONDS);
    early.push(await readOverlayAgainstStats(viewer.page, pluginCase.handleExpression));
  }
  await Promise.all(swarm.map((viewer) => waitForPlayback(pluginCase, viewer, PLAYED_SECONDS)));
  // Played enough; the first P2P transfer may still be on its way on a slow machine.
  await waitUntil(
    async () => {
      const readings = await Promise.all(swarm.map((viewer) => pluginCase.read(viewer)));
      return readings.some((reading) => (reading?.p2pBytes ?? 0) > 0);
    },
    { timeoutMs: P2P_GRACE_MS, intervalMs: 250, description: 'some bytes over P2P' },
  ).catch(() => undefined);

  const outcomes = await Promise.all(
    swarm.map(async (viewer) => {
      const late = await readOverlayAgainstStats(viewer.page, pluginCase.handleExpression);
      const presence = await readOverlayPresence(viewer.page);
      const reading = await pluginCase.read(viewer);
      const whilePlaying = await readLeaks(viewer.page);
      return { viewer, late, presence, reading, whilePlaying };
    }),
  );
  const disposed = await Promise.all(
    swarm.map(async (viewer) => {
      await clearRequestLog(viewer.page);
      await pluginCase.dispose(viewer);
      // Requests started before disposal may still end after it; from now on nothing may start.
      const mark = await pageNowMs(viewer.page);
      const leaks = await settleLeaks(viewer.page, 5000);
      return { viewer, mark, leaks, overlay: await readOverlayPresence(viewer.page) };
    }),
  );
  const result: ViewerOutcome[] = [];
  for (const [index, { viewer, late, presence, reading, whilePlaying }] of outcomes.entries()) {
    const after = disposed[index];
    const earlyPair = early[index];
    if (reading === undefined || after === undefined || earlyPair === undefined) {
      throw new Error(`${viewer.name}: the page lost its player before it was disposed`);
    }
    result.push({
      name: viewer.name,
      consoleProblems: consoleProblems(viewer),
      early: earlyPair,
      late,
      presence,
      reading,
      fragments: await readHashedFragments(viewer.page),
      whilePlaying,
      afterDispose: {
        leaks: after.leaks,
        overlay: after.overlay,
        requests: (await requestsStartedSince(viewer.page, after.mark)).map(urlPath),
      },
    });
  }
  return result;
}

/** Plays a case; prints its summaries when `P2PML_SWARM_SUMMARY=1` (as the swarm module's do). */
async function playAndLog(
  suite: CrossBrowserSuite,
  pluginCase: PluginCase,
): Promise<ViewerOutcome[]> {
  const startedAtMs = Date.now();
  const outcomes = await playCase(suite, pluginCase);
  if (process.env.P2PML_SWARM_SUMMARY === '1') {
    const tookMs = Date.now() - startedAtMs;
    const consoleLines = outcomes.flatMap(({ name, consoleProblems }) =>
      consoleProblems.slice(0, 5).map((line) => `${name} console: ${line}`),
    );
    const lines = [...summaries(outcomes), ...consoleLines];
    console.log(`${pluginCase.name} (${tookMs} ms)\n${lines.join('\n')}`);
  }
  return outcomes;
}

describeWithFirefox('Player plugins in Firefox', () => {
  const suite = useCrossBrowserSuite(['firefox']);
  /** Each case's outcome, or why it failed (reported by that case's tests). */
  const results = new Map<PluginCase, Settled<ViewerOutcome[]>>();

  beforeAll(async () => {
    for (const round of ROUNDS) {
      await Promise.all(
        round.map(async (pluginCase) => {
          results.set(pluginCase, await settle(playAndLog(suite, pluginCase)));
        }),
      );
    }
  }, ROUNDS.length * CASE_TIMEOUT_MS);

  describe.each(CASES)('$name, $mode $stream: two Firefox viewers', (pluginCase) => {
    /** The case's outcomes; throws the error that stopped the case. */
    function played(): ViewerOutcome[] {
      const result = results.get(pluginCase);
      if (result === undefined) throw new Error('the case did not play (see beforeAll)');
      return unwrap(result);
    }

    test(`every viewer plays ${PLAYED_SECONDS} s through hls.js without an error, some bytes from the other Firefox viewer`, () => {
      const viewers = played();
      const outcome = {
        played: viewers.map(({ reading }) => reading.playedSeconds >= PLAYED_SECONDS),
        engines: viewers.map(({ reading }) => reading.engineKind),
        errors: viewers.map(({ reading }) => reading.errors),
        someFromPeers: viewers.some(({ reading }) => reading.p2pBytes > 0),
      };
      expect({ outcome, viewers: summaries(viewers) }).toEqual({
        outcome: {
          played: viewers.map(() => true),
          engines: viewers.map(() => 'hlsjs'),
          errors: viewers.map(() => []),
          someFromPeers: true,
        },
        viewers: summaries(viewers),
      });
    });

    test('every fragment the players got is byte-identical to the origin file', () => {
      const { checked, mismatches } = originMismatches(
        played().map(({ fragments }) => ({ segments: fragments })),
      );
      expect(checked).toBeGreaterThanOrEqual(VIEWER_COUNT * 2);
      expect(mismatches).toEqual([]);
    });

    test('the overlay is open and shows getStats() at each stats event, numbers that grow while playing', () => {
      const viewers = played();
      const outcome = viewers.map(({ early, late, presence }) => ({
        presence,
        statNames: Object.keys(late.overlay).sort(),
        earlyMatches: early.overlay,
        lateMatches: late.overlay,
        grew: shownBytes(late) > shownBytes(early),
      }));
      expect(outcome).toEqual(
        viewers.map(({ early, late }) => ({
          presence: { mounted: true, panelShown: true },
          statNames: ['httpBytes', 'p2pBytes', 'p2pRatio', 'peers', 'uploadBytes'],
          earlyMatches: early.stats,
          lateMatches: late.stats,
          grew: true,
        })),
      );
    });

    test('disposing the player removes the overlay and leaves nothing open or loading', () => {
      const viewers = played();
      const outcome = viewers.map(({ whilePlaying, afterDispose }) => ({
        heldWhilePlaying: whilePlaying.peerConnections > 0 && whilePlaying.webSockets > 0,
        ...afterDispose,
      }));
      expect(outcome).toEqual(
        viewers.map(() => ({
          heldWhilePlaying: true,
          leaks: noLeaks,
          overlay: { mounted: false, panelShown: false },
          requests: [],
        })),
      );
    });
  });
});
