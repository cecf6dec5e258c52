/**
 * Video.js 8 with the `p2p` plugin, lifecycle and routing in Chromium (real Video.js, hls.js, Shaka,
 * our UMD bundle, local origin and tracker): a DASH source through Shaka, the quality-level and
 * audio-track lists driving hls.js, `enabled: false` handing sources to Video.js's own playback
 * (VHS), a failing source shown by `player.error()`, two players on one page with separate engines
 * and stats, and a source change, `p2p().dispose()` and `player.dispose()` leaving no peer
 * connection, tracker socket or interval behind.
 */
import type { Page } from 'playwright-core';
import { useBrowserSuite } from '../support/browser-suite.js';
import { waitForPlayed } from '../support/hlsjs-page.js';
import {
  installLeakProbe,
  noLeaks,
  readOverlayAgainstStats,
  settleLeaks,
} from '../support/plugin-probes.js';
import {
  installMarkedLeakProbe,
  markLeaks,
  readLeaksSince,
  settleLeaksSince,
  videojsPageUrl,
  waitForVideojsPage,
} from '../support/videojs-page.js';
import { stallReport } from '../support/stall-report.js';
import { waitUntil } from '../support/wait.js';

jest.setTimeout(90_000);

const suite = useBrowserSuite();
const { viewers } = suite;

/** The harness members and Video.js/plugin calls these tests use (see videojs-harness.js). */
interface PageHarness {
  player(index?: number): PagePlayer;
  handle(index?: number): PageHandle | undefined;
  hls(index?: number): { audioTrack: number; autoLevelCapping: number } | undefined;
}

interface PagePlayer {
  el(): HTMLElement;
  error(): { code: number; message: string } | null;
  tech(options: { IWillNotUseThisInPlugins: true }): { vhs?: unknown };
  qualityLevels(): ArrayLike<unknown>;
  audioTracks(): ArrayLike<unknown>;
  currentTime(): number;
  currentSrc(): string;
  src(source: { src: string; type: string }): void;
  p2p(): PageHandle;
  usingPlugin(name: string): boolean;
  dispose(): void;
}

interface PageHandle {
  readonly engineKind: string;
  getStats(): {
    segments: { http: number; p2p: number; cache: number };
    peers: number;
    httpBytes: number;
  };
  destroy(): void;
}

/** Runs `fn(harness, arg)` in the page (the harness stays in the page; `fn` is serialised). */
async function inPage<T>(
  page: Page,
  fn: (harness: PageHarness, arg: string) => T,
  arg = '',
): Promise<T> {
  const harness = await page.evaluateHandle(() => window.__harness as unknown as PageHarness);
  try {
    return await harness.evaluate(fn, arg);
  } finally {
    await harness.dispose();
  }
}

/**
 * Destroys the page's P2P plugin (`player.p2p().destroy()`: the plugin goes, the player stays) and
 * waits until Video.js's own playback, VHS, has the source.
 */
async function destroyPluginUntilVhs(
  page: Page,
  timeoutMs: number,
  description: string,
): Promise<void> {
  await inPage(page, (harness) => {
    harness.player().p2p().destroy();
  });
  await waitUntil(
    () =>
      inPage(
        page,
        (harness) => harness.player().tech({ IWillNotUseThisInPlugins: true }).vhs !== undefined,
      ),
    { timeoutMs, description },
  );
}

test('a DASH source plays through Shaka Player, with its renditions in qualityLevels(); after p2p().destroy() VHS plays it on', async () => {
  const src = suite.stack.manifestUrl('dash-number');
  const url = videojsPageUrl(suite.stack.originUrl, { src, p2p: suite.stack.localP2PConfig() });
  const viewer = await viewers.open(suite.browser, url, 'dash');
  const snapshot = await waitForPlayed(viewer.page, 5, 40_000);
  const levels = await inPage(viewer.page, (harness) => harness.player().qualityLevels().length);

  // The plugin goes, the player stays. Under Shaka the player's current source is the MediaSource's
  // blob: URL: the plugin must hand VHS the manifest it started with (it used to hand the blob:
  // URL over, and the player stopped with error 4, "No compatible source").
  await destroyPluginUntilVhs(viewer.page, 20_000, 'VHS took the DASH source over');
  const resumedAt = await inPage(viewer.page, (harness) => harness.player().currentTime());
  await waitUntil(
    () =>
      inPage(
        viewer.page,
        (harness, at) => harness.player().currentTime() > Number(at) + 2,
        String(resumedAt),
      ),
    { timeoutMs: 30_000, description: 'VHS playing 2 s on' },
  );
  const after = await inPage(viewer.page, (harness) => ({
    error: harness.player().error(),
    source: harness.player().currentSrc(),
  }));
  expect({
    engine: (snapshot.engineStats as { engine?: string } | undefined)?.engine,
    segmentsFromEngine: (snapshot.engineStats?.segments.http ?? 0) > 0,
    stalls: stallReport(snapshot),
    levels,
    after,
  }).toEqual({
    engine: 'shaka',
    segmentsFromEngine: true,
    stalls: 0,
    levels: 2,
    after: { error: null, source: src },
  });
  await viewer.close();
});

test('disabling a level in qualityLevels() caps hls.js ABR below it', async () => {
  const src = suite.stack.vodUrl('hls-ts');
  const url = videojsPageUrl(suite.stack.originUrl, { src, p2p: suite.stack.localP2PConfig() });
  const viewer = await viewers.open(suite.browser, url, 'quality menu');
  await waitForPlayed(viewer.page, 2, 30_000);
  // What a quality menu does when the viewer picks "240p and below": the 360p level off.
  await inPage(viewer.page, (harness) => {
    const levels = harness.player().qualityLevels() as ArrayLike<{ enabled: boolean }>;
    const top = levels[levels.length - 1];
    if (top) top.enabled = false;
  });
  const capped = await waitUntil(
    () => inPage(viewer.page, (harness) => harness.hls()?.autoLevelCapping === 1),
    { timeoutMs: 5000, description: 'hls.js capped at 240p' },
  );
  expect(capped).toBe(true);
  await viewer.close();
});

test('player.p2p() called while VHS already plays takes the source over', async () => {
  const viewer = await viewers.open(suite.browser, videojsPageUrl(suite.stack.originUrl), 'late');
  await waitForVideojsPage(viewer.page);
  const src = suite.stack.vodUrl('hls-fmp4');
  await viewer.page.evaluate((source) => {
    const element = document.createElement('video-js');
    element.id = 'late';
    document.body.appendChild(element);
    const { videojs } = window as unknown as {
      videojs: (el: Element, options: object) => { src(source: object): void };
    };
    videojs(element, { muted: true, autoplay: 'muted' }).src({
      src: source,
      type: 'application/x-mpegURL',
    });
  }, src);
  type LatePlayer = {
    currentTime(): number;
    tech(options: object): { vhs?: unknown };
    p2p(options?: object): { engineKind: string };
  };
  const late = () =>
    viewer.page.evaluateHandle(() =>
      (window as unknown as { videojs: { getPlayer(id: string): LatePlayer } }).videojs.getPlayer(
        'late',
      ),
    );
  await waitUntil(async () => (await late()).evaluate((player) => player.currentTime() > 1), {
    timeoutMs: 20_000,
    description: 'VHS plays',
  });
  await (
    await late()
  ).evaluate((player, options) => player.p2p(options), suite.stack.localP2PConfig());
  const engineKind = await waitUntil(
    async () =>
      (await late()).evaluate((player) => {
        const kind = player.p2p().engineKind;
        return kind === 'hlsjs' && player.currentTime() > 0.5 ? kind : undefined;
      }),
    { timeoutMs: 20_000, description: 'hls.js plays the source' },
  );
  const vhs = await (
    await late()
  ).evaluate((player) => player.tech({ IWillNotUseThisInPlugins: true }).vhs !== undefined);
  expect({ engineKind, vhs }).toEqual({ engineKind: 'hlsjs', vhs: false });
  await viewer.close();
});

test('alternate audio renditions show in audioTracks(), and enabling one switches hls.js', async () => {
  const src = suite.stack.vodUrl('hls-audio');
  const url = videojsPageUrl(suite.stack.originUrl, { src, p2p: suite.stack.localP2PConfig() });
  const viewer = await viewers.open(suite.browser, url, 'audio');
  await waitForPlayed(viewer.page, 2, 30_000);
  const tracks = await inPage(viewer.page, (harness) =>
    Array.from(
      harness.player().audioTracks() as ArrayLike<{ language: string; enabled: boolean }>,
      (track) => `${track.language}${track.enabled ? '*' : ''}`,
    ),
  );
  await inPage(viewer.page, (harness) => {
    const list = harness.player().audioTracks() as ArrayLike<{
      language: string;
      enabled: boolean;
    }>;
    const french = Array.from(list).find((track) => track.language === 'fr');
    if (french) french.enabled = true;
  });
  const switched = await waitUntil(
    () => inPage(viewer.page, (harness) => harness.hls()?.audioTrack === 1),
    { timeoutMs: 10_000, description: 'hls.js switched to the French track' },
  );
  expect({ tracks, switched }).toEqual({ tracks: ['en*', 'fr'], switched: true });
  await viewer.close();
});

test('enabled: false leaves the source to Video.js (VHS), without overlay or engine', async () => {
  const src = suite.stack.vodUrl('hls-fmp4');
  const url = videojsPageUrl(suite.stack.originUrl, {
    src,
    p2p: { ...suite.stack.localP2PConfig(), enabled: false, overlay: true },
  });
  const viewer = await viewers.open(suite.browser, url, 'disabled');
  await waitForPlayed(viewer.page, 3, 30_000);
  const state = await inPage(viewer.page, (harness) => ({
    vhs: harness.player().tech({ IWillNotUseThisInPlugins: true }).vhs !== undefined,
    engineKind: harness.handle()?.engineKind,
    overlays: harness.player().el().querySelectorAll('.vjs-p2p-stats-overlay').length,
    buttons: harness.player().el().querySelectorAll('.vjs-p2p-stats-button').length,
    segments: harness.handle()?.getStats().segments,
  }));
  expect(state).toEqual({
    vhs: true,
    engineKind: 'native',
    overlays: 0,
    buttons: 0,
    segments: { http: 0, p2p: 0, cache: 0 },
  });
  await viewer.close();
});

test('a source that cannot load ends in player.error() with a network code', async () => {
  const src = `${suite.stack.originUrl}/vod/no-such-stream/master.m3u8`;
  const url = videojsPageUrl(suite.stack.originUrl, { src, p2p: suite.stack.localP2PConfig() });
  const viewer = await viewers.open(suite.browser, url, 'failing');
  // hls.js reports its fatal error to the harness before the plugin hands it to player.error(),
  // so wait for the player's own error rather than for any fatal error.
  await waitUntil(
    async () => (await inPage(viewer.page, (harness) => harness.player().error())) !== null,
    { timeoutMs: 20_000, description: 'player.error() set' },
  );
  const error = await inPage(viewer.page, (harness) => harness.player().error());
  expect({ code: error?.code, fromHlsjs: error?.message.includes('hls.js') }).toEqual({
    code: 2,
    fromHlsjs: true,
  });
  await viewer.close();
});

test('two players on one page run separate engines with separate stats and overlays', async () => {
  const src = suite.stack.vodUrl('hls-ts');
  const p2p = {
    ...suite.stack.localP2PConfig(),
    swarmId: `videojs-two-${Date.now()}`,
    overlay: true,
  };
  const url = videojsPageUrl(suite.stack.originUrl, { src, p2p, players: 2 });
  const viewer = await viewers.open(suite.browser, url, 'two players');
  await waitForPlayed(viewer.page, 3, 30_000);
  const secondPlayed = () =>
    viewer.page.evaluate(
      () =>
        (window.__harness as unknown as { sample(i: number): { playedSeconds: number } }).sample(1)
          .playedSeconds,
    );
  await waitUntil(async () => (await secondPlayed()) >= 3, {
    timeoutMs: 30_000,
    description: 'the second player played 3 s',
  });
  // Each engine counts exactly the segments its own player got (read when no delivery is between
  // the engine's count and the player's callback).
  const readCounts = () =>
    inPage(viewer.page, (harness) => {
      const sample = (index: number) =>
        (window.__harness as unknown as { sample(i: number): { mediaSegments: number } }).sample(
          index,
        );
      return [0, 1].map((index) => {
        const segments = harness.handle(index)?.getStats().segments;
        const fromEngine = segments ? segments.http + segments.p2p + segments.cache : -1;
        return { fromEngine, toPlayer: sample(index).mediaSegments };
      });
    });
  let counts = await readCounts();
  await waitUntil(
    async () => {
      counts = await readCounts();
      return counts.every((count) => count.fromEngine === count.toPlayer);
    },
    {
      timeoutMs: 5000,
      description: 'engine counts = player counts',
      lastSeen: () => JSON.stringify(counts),
    },
  ).catch(() => undefined);
  const state = await inPage(viewer.page, (harness) => ({
    distinct: harness.handle(0) !== harness.handle(1),
    engines: [0, 1].map((index) => harness.handle(index)?.engineKind),
    overlaysPerPlayer: [0, 1].map(
      (index) => harness.player(index).el().querySelectorAll('.p2pml-overlay').length,
    ),
  }));
  const overlays = await Promise.all(
    [0, 1].map((index) =>
      readOverlayAgainstStats(
        viewer.page,
        `window.__harness.handle(${index})`,
        `#player-${index} .p2pml-overlay`,
      ),
    ),
  );
  expect({ ...state, counts, overlays: overlays.map((pair) => pair.overlay) }).toEqual({
    distinct: true,
    engines: ['hlsjs', 'hlsjs'],
    overlaysPerPlayer: [1, 1],
    counts: counts.map((count) => ({ fromEngine: count.toPlayer, toPlayer: count.toPlayer })),
    overlays: overlays.map((pair) => pair.stats),
  });
  expect(counts.every((count) => count.toPlayer > 0)).toBe(true);
  await viewer.close();
});

test('source change, p2p().dispose() and player.dispose() leave no peer connection, tracker socket or interval', async () => {
  const p2p = { ...suite.stack.localP2PConfig(), swarmId: `videojs-leaks-${Date.now()}` };
  const src = suite.stack.vodUrl('hls-fmp4');
  // A second viewer of the swarm, so that the probed one has a peer connection to leave behind.
  const url = videojsPageUrl(suite.stack.originUrl, { src, p2p });
  const peer = await viewers.open(suite.browser, url, 'leaks peer');
  await waitForPlayed(peer.page, 1.5, 30_000);
  const viewer = await viewers.open(suite.browser, 'about:blank', 'leaks');
  await installLeakProbe(viewer.page);
  await installMarkedLeakProbe(viewer.page);
  await viewer.page.goto(url);
  await waitForVideojsPage(viewer.page);
  await waitUntil(
    () => inPage(viewer.page, (harness) => (harness.handle()?.getStats().peers ?? 0) > 0),
    {
      timeoutMs: 30_000,
      description: 'the probed viewer connected to its peer',
    },
  );
  const playing = await readLeaksSince(viewer.page);
  const beforeChange = await markLeaks(viewer.page);

  // Another stream: the first source's engine, its peers and its tracker socket go.
  await inPage(
    viewer.page,
    (harness, other) => {
      harness.player().src({ src: other, type: 'application/x-mpegURL' });
    },
    suite.stack.vodUrl('hls-ts'),
  );
  await waitUntil(() => inPage(viewer.page, (harness) => harness.player().currentTime() > 1), {
    timeoutMs: 20_000,
    description: 'the second source plays',
  });
  const firstSourceLeft = await settleLeaksSince(viewer.page, beforeChange);

  // The plugin goes, the player stays: Video.js's own playback (VHS) takes the source over.
  await destroyPluginUntilVhs(viewer.page, 10_000, 'VHS took the source over');
  const pluginLeft = await settleLeaksSince(viewer.page);
  await inPage(viewer.page, (harness) => {
    harness.player().dispose();
  });
  // Page-wide now: with the player gone, nothing of anyone's may stay.
  const playerLeft = await settleLeaks(viewer.page);

  const none = { peerConnections: 0, trackerSockets: 0, intervals: 0 };
  expect({
    peerConnectedWhilePlaying: playing.peerConnections > 0 && playing.trackerSockets > 0,
    firstSourceLeft,
    pluginLeft,
    playerLeft,
  }).toEqual({
    peerConnectedWhilePlaying: true,
    firstSourceLeft: none,
    pluginLeft: none,
    playerLeft: noLeaks,
  });
  await viewer.close();
  await peer.close();
});
