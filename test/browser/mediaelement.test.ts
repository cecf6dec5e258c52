/**
 * The MediaElement.js plugin end to end in Chromium, with the real MediaElement 7 browser build
 * (jQuery-free): `new MediaElementPlayer(el, { p2p, features: [..., 'p2pstats'] })`. Three viewers
 * of one live and of one VOD HLS stream play through MediaElement's hls.js renderer with the
 * engine's loaders, exchange segments over WebRTC, show the stats overlay, and leave nothing running
 * once `player.remove()` ran; DASH plays through the plugin's Shaka renderer (`p2p_shaka`). The suite
 * fails on any request leaving the machine, which is how a MediaElement renderer fetching hls.js or
 * dash.js from its default CDN would show.
 */
import type { Page } from 'playwright-core';
import type { Viewer } from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import { waitForPlayed } from '../support/hlsjs-page.js';
import {
  mediaElementPageUrl,
  readMediaElementSnapshot,
  removePlayer,
  type MediaElementHarnessSnapshot,
  type MediaElementPageOptions,
} from '../support/mediaelement-page.js';
import {
  installLeakProbe,
  noLeaks,
  readOverlayAgainstStats,
  screenshotOverlay,
  overlayMatches,
  settleLeaks,
  type LeakCounts,
  type OverlayAgainstStats,
} from '../support/plugin-probes.js';
import { stallReport } from '../support/stall-report.js';
import {
  engineDeliveredBytes,
  expectSwarmOffload,
  joinSwarm,
  mediaBytes,
  summariesOf,
  totalP2PBytes,
  type SwarmBytes,
} from '../support/swarm/index.js';
import { waitUntil } from '../support/wait.js';

const VIEWER_COUNT = 3;
const PLAYED_SECONDS = 15;
/** A viewer joins once the previous one has played this much (later viewers find segments held). */
const JOIN_AFTER_PLAYED_SECONDS = 1.5;
jest.setTimeout(90_000);

const suite = useBrowserSuite();
const { viewers } = suite;

/** What a swarm of MediaElement viewers ended with. */
interface SwarmRun extends SwarmBytes {
  /** Snapshots taken while playing (before `remove()`). */
  readonly snapshots: readonly MediaElementHarnessSnapshot[];
  /** Per viewer: overlay numbers and `getStats()` read at one instant. */
  readonly overlays: readonly OverlayAgainstStats[];
  /** Per viewer: what the page still held open once the player was removed. */
  readonly leaks: readonly LeakCounts[];
  /** Per viewer: elements of the plugin still in the page once the player was removed. */
  readonly leftElements: readonly string[][];
}

/** One line per viewer for failure messages, with its renderer and engine. */
function summaries(snapshots: readonly MediaElementHarnessSnapshot[]): string[] {
  return summariesOf(
    snapshots,
    (snapshot) => `${snapshot.renderer ?? '?'}/${snapshot.engineKind ?? '?'}`,
  );
}

/** Opens a viewer with the leak probe in place before any page script runs. */
async function openViewer(url: string, name: string): Promise<Viewer> {
  const viewer = await viewers.open(suite.browser, 'about:blank', name);
  await installLeakProbe(viewer.page);
  await viewer.page.goto(url);
  return viewer;
}

/** Plays `options` in three viewers joining one after another, then removes every player. */
async function playSwarm(
  name: string,
  options: MediaElementPageOptions,
  pathPrefix: string,
  viewerCount = VIEWER_COUNT,
): Promise<SwarmRun> {
  const originBefore = suite.stack.origin.counters.mediaBytes(pathPrefix);
  const url = mediaElementPageUrl(suite.stack.originUrl, options);
  const spec = { browser: 'chromium', player: 'mediaelement', pageUrl: url } as const;
  const swarm = await joinSwarm(
    suite,
    name,
    Array.from({ length: viewerCount }, () => spec),
    {
      playedSeconds: PLAYED_SECONDS,
      joinAfterPlayedSeconds: JOIN_AFTER_PLAYED_SECONDS,
      joinTimeoutMs: 40_000,
      timeoutMs: 60_000,
      open: (_spec, label) => openViewer(url, label),
    },
  );
  const overlays = await Promise.all(
    swarm.map((viewer) => readOverlayAgainstStats(viewer.page, 'window.__harness.player.p2p')),
  );
  const [first] = swarm;
  if (name === 'live' && first) await screenshotOverlay(first.page, 'mediaelement-live');
  const snapshots = await Promise.all(swarm.map((viewer) => readMediaElementSnapshot(viewer.page)));
  // Counted now, with the players' bytes: after remove() MediaElement gives the page its <video>
  // back with the source on it, and a browser with native HLS loads the stream again on its own.
  const originMediaBytes = suite.stack.origin.counters.mediaBytes(pathPrefix) - originBefore;
  await Promise.all(swarm.map((viewer) => removePlayer(viewer.page)));
  const leaks = await Promise.all(swarm.map((viewer) => settleLeaks(viewer.page)));
  const leftElements = await Promise.all(swarm.map((viewer) => pluginElements(viewer.page)));
  return {
    snapshots,
    overlays,
    leaks,
    leftElements,
    originMediaBytes,
    playerMediaBytes: snapshots.reduce((sum, snapshot) => sum + mediaBytesOf(snapshot), 0),
    p2pBytes: totalP2PBytes(snapshots),
  };
}

/** Media bytes the player got: hls.js fragments for HLS, the engine's deliveries for DASH. */
function mediaBytesOf(snapshot: MediaElementHarnessSnapshot): number {
  const fragments = mediaBytes(snapshot);
  return fragments > 0 ? fragments : engineDeliveredBytes(snapshot);
}

/**
 * The overlay, its layer and stylesheet still in the page, and renderer `<video>`s besides the one
 * `remove()` puts back in the page's place (MediaElement restores a clone of its latest renderer's
 * node, so the id of that one may end in a renderer name: it is not counted).
 */
function pluginElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const describe = (element: Element): string =>
      `${element.tagName.toLowerCase()}#${element.id}.${element.className}`;
    const overlay = document.querySelectorAll(
      '.p2pml-overlay, .p2pml-mejs-overlay-layer, #p2pml-overlay-styles',
    );
    const videos = document.querySelectorAll('video');
    return [
      ...Array.from(overlay, describe),
      ...(videos.length > 1 ? Array.from(videos, describe) : []),
    ];
  });
}

/** The tests every HLS swarm must pass. */
function describeHlsSwarm(kind: 'live' | 'vod'): void {
  describe(`MediaElement with P2P: ${VIEWER_COUNT} viewers of one ${kind} HLS stream`, () => {
    let run: SwarmRun;

    beforeAll(async () => {
      const stream = 'hls-fmp4';
      const session = `mejs-${kind}-${Date.now()}`;
      const src =
        kind === 'live' ? suite.stack.liveUrl(session, stream) : suite.stack.vodUrl(stream);
      const p2p = { ...suite.stack.localP2PConfig(), swarmId: session };
      const prefix = kind === 'live' ? `/live/${session}/` : `/vod/${stream}/`;
      run = await playSwarm(kind, { src, p2p }, prefix);
    }, 120_000);

    test(`every viewer plays ${PLAYED_SECONDS} s through hls.js and the engine without a stall`, () => {
      const outcome = run.snapshots.map((snapshot) => ({
        renderer: snapshot.renderer,
        engine: snapshot.engineKind,
        setupError: snapshot.setupError,
        fatalErrors: snapshot.fatalErrors,
        playedEnough: snapshot.playedSeconds >= PLAYED_SECONDS,
        stalls: stallReport(snapshot),
      }));
      const expected = run.snapshots.map(() => ({
        renderer: 'native_hls',
        engine: 'hlsjs',
        setupError: undefined,
        fatalErrors: [],
        playedEnough: true,
        stalls: 0,
      }));
      expect({ outcome, viewers: summaries(run.snapshots) }).toEqual({
        outcome: expected,
        viewers: summaries(run.snapshots),
      });
    });

    test('viewers get segments from peers and take fewer bytes from the origin than they play', () => {
      expectSwarmOffload(run, summaries(run.snapshots));
    });

    test('the p2pstats overlay shows the numbers getStats() returns', () => {
      expect(run.overlays.map((pair) => ({ ...pair, matches: overlayMatches(pair) }))).toEqual(
        run.overlays.map((pair) => ({ ...pair, matches: true })),
      );
    });

    test('player.remove() leaves no peer, socket, timer or element of the plugin behind', () => {
      expect({ leaks: run.leaks, elements: run.leftElements }).toEqual({
        leaks: run.leaks.map(() => noLeaks),
        elements: run.leftElements.map(() => []),
      });
    });
  });
}

describeHlsSwarm('live');
describeHlsSwarm('vod');

describe('MediaElement with P2P: DASH through the Shaka renderer', () => {
  let run: SwarmRun;

  beforeAll(async () => {
    const stream = 'dash-number';
    const src = suite.stack.manifestUrl(stream);
    const p2p = { ...suite.stack.localP2PConfig(), swarmId: `mejs-dash-${Date.now()}` };
    // dash.js's location is given, so MediaElement's dash.js renderer is eligible too (a local
    // path that does not exist: should it be chosen, the page would fail instead of going online).
    const dashPath = '/node_modules/dashjs/dist/dash.all.min.js';
    run = await playSwarm('dash', { src, p2p, dashPath }, `/vod/${stream}/`, 2);
  }, 120_000);

  test('MediaElement picks p2p_shaka over its dash.js renderer, and segments come from peers too', () => {
    const outcome = run.snapshots.map((snapshot) => ({
      renderer: snapshot.renderer,
      shakaBeforeDashjs:
        snapshot.renderers.indexOf('p2p_shaka') === 0 && snapshot.renderers.includes('native_dash'),
      engine: snapshot.engineKind,
      fatalErrors: snapshot.fatalErrors,
      stalls: stallReport(snapshot),
      playedEnough: snapshot.playedSeconds >= PLAYED_SECONDS,
      engineDelivered: (snapshot.engineStats?.httpBytes ?? 0) > 0,
    }));
    expect({ outcome, p2p: run.p2pBytes > 0, viewers: summaries(run.snapshots) }).toEqual({
      outcome: run.snapshots.map(() => ({
        renderer: 'p2p_shaka',
        shakaBeforeDashjs: true,
        engine: 'shaka',
        fatalErrors: [],
        stalls: 0,
        playedEnough: true,
        engineDelivered: true,
      })),
      p2p: true,
      viewers: summaries(run.snapshots),
    });
    expect({ leaks: run.leaks, elements: run.leftElements }).toEqual({
      leaks: run.leaks.map(() => noLeaks),
      elements: run.leftElements.map(() => []),
    });
  });
});

describe('MediaElement with P2P: source changes between HLS and DASH', () => {
  test('one player moves between hls.js and Shaka, stopping the renderer it leaves', async () => {
    const src = suite.stack.vodUrl('hls-ts');
    const p2p = { ...suite.stack.localP2PConfig(), swarmId: `mejs-switch-${Date.now()}` };
    const viewer = await openViewer(
      mediaElementPageUrl(suite.stack.originUrl, { src, p2p, withShaka: true }),
      'source changes',
    );
    await waitForPlayed(viewer.page, 2, 30_000);
    const playingOn = async (renderer: string, engine: string): Promise<void> => {
      let last: MediaElementHarnessSnapshot | undefined;
      await waitUntil(
        async () => {
          last = await readMediaElementSnapshot(viewer.page);
          return last.renderer === renderer && last.engineKind === engine && last.currentTime > 2;
        },
        {
          timeoutMs: 30_000,
          description: `playback through ${renderer}/${engine}`,
          lastSeen: () => summaries(last ? [last] : []).join(''),
        },
      );
    };
    const setSrc = (url: string): Promise<void> =>
      viewer.page.evaluate((next) => {
        (window.__harness as unknown as { setSrc(src: string): void }).setSrc(next);
      }, url);

    await setSrc(suite.stack.manifestUrl('dash-number'));
    await playingOn('p2p_shaka', 'shaka');
    // The hidden hls.js renderer must not go on fetching the stream it played.
    const hlsRequests = (): number =>
      suite.stack.origin.counters.requests({ pathPrefix: '/vod/hls-ts/' }).length;
    const hlsRequestsBefore = hlsRequests();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const hlsRequestsWhileHidden = hlsRequests() - hlsRequestsBefore;

    await setSrc(suite.stack.vodUrl('hls-fmp4'));
    await playingOn('native_hls', 'hlsjs');
    const snapshot = await readMediaElementSnapshot(viewer.page);
    await removePlayer(viewer.page);
    const leaks = await settleLeaks(viewer.page);
    expect({
      engines: snapshot.trace
        .filter((entry) => entry.event === 'engine-selected')
        .map((entry) => `${String(entry.sourceKind)}:${String(entry.kind)}`),
      fatalErrors: snapshot.fatalErrors,
      hlsRequestsWhileHidden,
      leaks,
      elements: await pluginElements(viewer.page),
    }).toEqual({
      engines: ['hls:hlsjs', 'dash:shaka', 'hls:hlsjs'],
      fatalErrors: [],
      hlsRequestsWhileHidden: 0,
      leaks: noLeaks,
      elements: [],
    });
  });
});

describe('MediaElement never loads hls.js from its CDN', () => {
  async function playOnce(options: Omit<MediaElementPageOptions, 'src'>, name: string) {
    const src = suite.stack.vodUrl('hls-ts');
    const p2p = suite.stack.localP2PConfig();
    const viewer = await openViewer(
      mediaElementPageUrl(suite.stack.originUrl, { src, p2p, ...options }),
      name,
    );
    await waitForPlayed(viewer.page, 3, 30_000);
    const snapshot = await readMediaElementSnapshot(viewer.page);
    await removePlayer(viewer.page);
    return { snapshot, externalRequests: viewer.externalRequests };
  }

  test('hls.js given as the Hls option (not on window) plays through hls.js with the engine', async () => {
    const { snapshot, externalRequests } = await playOnce({ hlsOrigin: 'option' }, 'hls option');
    expect({
      renderer: snapshot.renderer,
      engine: snapshot.engineKind,
      httpBytes: (snapshot.engineStats?.httpBytes ?? 0) > 0,
      externalRequests,
    }).toEqual({ renderer: 'native_hls', engine: 'hlsjs', httpBytes: true, externalRequests: [] });
  });

  test('without hls.js the page plays natively instead of fetching hls.js', async () => {
    const { snapshot, externalRequests } = await playOnce({ hlsOrigin: 'none' }, 'no hls.js');
    expect({ renderer: snapshot.renderer, externalRequests }).toEqual({
      renderer: 'html5',
      externalRequests: [],
    });
  });
});
