/**
 * Clappr with the P2P plugins, end to end in Chromium: real `@clappr/core` 0.17 with
 * `@clappr/hlsjs-playback` 1.9 over the page's hls.js, our UMD bundle, the local origin and
 * tracker, WebRTC inside the test network namespace. Three viewers of a live and of a VOD HLS
 * stream (each joining once the previous one played a little), a DASH source through our Shaka
 * playback, a source change and a destroy that leave nothing running, and two players on one page.
 */
import type { Page } from 'playwright-core';
import { useBrowserSuite } from '../support/browser-suite.js';
import {
  clapprPageUrl,
  readHandleStats,
  readPageLeaks,
  readPlayerSnapshot,
  waitForPlayerPlayed,
  type ClapprHarnessApi,
} from '../support/clappr-page.js';
import { readSnapshot, waitForPlayed, type HarnessSnapshot } from '../support/hlsjs-page.js';
import {
  installLeakProbe,
  noLeaks,
  readBeaconSummary,
  readOverlayAgainstStats,
  settleLeaks,
  screenshotOverlay,
  type OverlayAgainstStats,
} from '../support/plugin-probes.js';
import {
  expectCleanPlayback,
  expectSwarmOffload,
  joinSwarm,
  mediaBytes,
  summariesOf,
  totalP2PBytes,
  type SwarmBytes,
} from '../support/swarm/index.js';
import { waitUntil } from '../support/wait.js';

const PLAYED_SECONDS = 15;
/** A viewer joins once the previous one has played this much (later viewers find segments held). */
const JOIN_AFTER_PLAYED_SECONDS = 1.5;
jest.setTimeout(120_000);

const suite = useBrowserSuite();
const { viewers } = suite;

/**
 * Closes the block's viewers once its tests ran (after the suite's per-test check that they stayed
 * local): a block's pages must not keep playing, and taking CPU, while the next block measures.
 */
function closeViewersAfterBlock(): void {
  afterAll(() => viewers.closeAll());
}

/** What one swarm of Clappr viewers ended with. */
interface SwarmRun extends SwarmBytes {
  /** The viewers' `swarmId` option. */
  readonly swarmId: string;
  readonly pages: readonly Page[];
  readonly snapshots: readonly HarnessSnapshot[];
  /** Each viewer's overlay numbers next to its handle's `getStats()`, read at one instant. */
  readonly overlays: readonly OverlayAgainstStats[];
}

/** Opens three viewers of `src` one after another, lets all play, and collects their numbers. */
async function playSwarm(name: string, src: string, pathPrefix: string): Promise<SwarmRun> {
  const swarmId = `clappr-${name}-${Date.now()}`;
  const p2p = {
    ...suite.stack.localP2PConfig(),
    swarmId,
    overlay: true,
    statsBeacon: { url: `${suite.stack.originUrl}/beacon`, intervalMs: 1000 },
  };
  const pageUrl = clapprPageUrl(suite.stack.originUrl, {
    src,
    p2p,
    hls: { startLevel: 0 },
  });
  const spec = { browser: 'chromium', player: 'clappr', pageUrl } as const;
  const swarm = await joinSwarm(suite, name, [spec, spec, spec], {
    playedSeconds: PLAYED_SECONDS,
    joinAfterPlayedSeconds: JOIN_AFTER_PLAYED_SECONDS,
    joinTimeoutMs: 40_000,
    timeoutMs: 80_000,
  });
  const overlays = await Promise.all(
    swarm.map((viewer) => readOverlayAgainstStats(viewer.page, 'window.__harness.handle()')),
  );
  if (name === 'live' && swarm[0]) await screenshotOverlay(swarm[0].page, 'clappr-live');
  const snapshots = await Promise.all(swarm.map((viewer) => readSnapshot(viewer.page)));
  return {
    swarmId,
    pages: swarm.map((viewer) => viewer.page),
    snapshots,
    originMediaBytes: suite.stack.origin.counters.mediaBytes(pathPrefix),
    playerMediaBytes: snapshots.reduce((sum, snapshot) => sum + mediaBytes(snapshot), 0),
    p2pBytes: totalP2PBytes(snapshots),
    overlays,
  };
}

/** Every viewer's overlay shows the numbers of its handle (and shows some). */
function expectOverlaysMatchStats(run: SwarmRun): void {
  const shown = run.overlays.map(({ overlay }) => Object.keys(overlay).length > 0);
  expect({ shown, overlays: run.overlays.map(({ overlay }) => overlay) }).toEqual({
    shown: run.overlays.map(() => true),
    overlays: run.overlays.map(({ stats }) => stats),
  });
}

/** The three viewers played cleanly, shared, and took less from the origin than they played. */
function expectSwarmPlayedWell(run: SwarmRun): void {
  const summaries = summariesOf(run.snapshots);
  expectCleanPlayback(run.snapshots, {
    playedSeconds: [PLAYED_SECONDS, PLAYED_SECONDS, PLAYED_SECONDS],
    summaries,
  });
  expectSwarmOffload(run, summaries);
}

describe('three Clappr viewers of a live HLS stream', () => {
  closeViewersAfterBlock();

  let run: SwarmRun;

  beforeAll(async () => {
    const session = `clappr-live-${Date.now()}`;
    run = await playSwarm('live', suite.stack.liveUrl(session, 'hls-ts'), `/live/${session}/`);
  });

  test(`each plays ${PLAYED_SECONDS} s without stalls, gets segments from peers, and takes less from the origin than it plays`, () => {
    expectSwarmPlayedWell(run);
  });

  test("each overlay (shown with overlay: true) states its handle's getStats()", () => {
    expectOverlaysMatchStats(run);
  });

  test('the stats beacons of the three viewers reach the origin', async () => {
    const swarm = await waitUntil(
      async () => {
        const summary = await readBeaconSummary(suite.stack.originUrl);
        const entry = summary.swarms.find((candidate) => candidate.swarm.includes(run.swarmId));
        return entry && entry.viewers === 3 && entry.p2pBytes > 0 ? entry : undefined;
      },
      { timeoutMs: 5000, description: `beacons of three viewers of ${run.swarmId}` },
    );
    expect(swarm.engines).toMatchObject({ hlsjs: 3 });
  });
});

describe('three Clappr viewers of a VOD HLS stream', () => {
  closeViewersAfterBlock();

  let run: SwarmRun;

  beforeAll(async () => {
    run = await playSwarm('vod', suite.stack.vodUrl('hls-fmp4'), '/vod/hls-fmp4/');
  });

  test(`each plays ${PLAYED_SECONDS} s without stalls, gets segments from peers, and takes less from the origin than it plays`, () => {
    expectSwarmPlayedWell(run);
  });

  test("each overlay states its handle's getStats()", () => {
    expectOverlaysMatchStats(run);
  });
});

describe('a DASH source', () => {
  closeViewersAfterBlock();

  test('plays through the Shaka playback with the engine under it, and again after stop() and play()', async () => {
    const src = suite.stack.manifestUrl('dash-number');
    const p2p = { ...suite.stack.localP2PConfig(), swarmId: `clappr-dash-${Date.now()}` };
    const viewer = await viewers.open(
      suite.browser,
      clapprPageUrl(suite.stack.originUrl, { src, p2p }),
      'dash viewer',
    );
    await waitForPlayed(viewer.page, 4, 40_000);
    const facts = await viewer.page.evaluate(() => {
      const api = window.__harness as unknown as ClapprHarnessApi;
      const stats = api.handle()?.getStats();
      return { playback: api.player().core.activePlayback.name, engine: stats?.engine };
    });
    const stats = await readHandleStats(viewer.page);
    // stop() drops the Shaka player; play() must start a new one and play once it has loaded.
    await viewer.page.evaluate(() => {
      (window.__harness as unknown as ClapprHarnessApi).player().stop();
    });
    await viewer.page.evaluate(() => {
      (window.__harness as unknown as ClapprHarnessApi).player().play();
    });
    const replayed = await viewer.page
      .waitForFunction(
        () => {
          const video = document.querySelector<HTMLVideoElement>('#player-0 video');
          return video !== null && !video.paused && video.currentTime >= 2;
        },
        undefined,
        { timeout: 20_000, polling: 250 },
      )
      .then(
        () => true,
        () => false,
      );
    expect({ ...facts, httpBytes: (stats?.httpBytes ?? 0) > 0, replayed }).toEqual({
      playback: 'p2p_shaka',
      engine: 'shaka',
      httpBytes: true,
      replayed: true,
    });
  });
});

describe('source change and destroy', () => {
  closeViewersAfterBlock();

  test('player.load(other) ends the old source (no peer connection, one tracker socket) and player.destroy() leaves nothing running', async () => {
    const src = suite.stack.vodUrl('hls-ts');
    const p2p = { ...suite.stack.localP2PConfig(), swarmId: `clappr-leaks-${Date.now()}` };
    const pageUrl = clapprPageUrl(suite.stack.originUrl, { src, p2p });
    const seeder = await viewers.open(suite.browser, pageUrl, 'leaks: seeder');
    await waitForPlayed(seeder.page, JOIN_AFTER_PLAYED_SECONDS, 40_000);
    // The shared probe goes in before any page script: the whole page must end up clean.
    const viewer = await viewers.open(suite.browser, 'about:blank', 'leaks: viewer');
    await installLeakProbe(viewer.page);
    await viewer.page.goto(pageUrl);
    await waitForPlayed(viewer.page, 2, 40_000);
    await waitUntil(async () => (await readPageLeaks(viewer.page)).connectedPeers > 0, {
      timeoutMs: 20_000,
      description: 'a peer connection to the seeder',
    });

    await viewer.page.evaluate((dash) => {
      (window.__harness as unknown as ClapprHarnessApi).load(dash);
    }, suite.stack.manifestUrl('dash-number'));
    await waitForPlayerPlayed(viewer.page, 0, 2, 40_000);
    // Closing is asynchronous in places (simple-peer, the tracker client): give it a moment.
    const afterSourceChange = await waitUntil(
      async () => {
        const leaks = await readPageLeaks(viewer.page);
        return leaks.connectedPeers === 0 && leaks.openSockets <= 1 ? leaks : undefined;
      },
      { timeoutMs: 10_000, description: 'the old source released' },
    ).catch(() => readPageLeaks(viewer.page));
    const engineAfterChange = (await readHandleStats(viewer.page))?.engine;

    await viewer.page.evaluate(() => {
      (window.__harness as unknown as ClapprHarnessApi).destroyPlayer();
    });
    const afterDestroy = {
      // Everything on the page: Clappr's, hls.js's, Shaka's and our timers, sockets, peers.
      page: await settleLeaks(viewer.page, 10_000),
      // Ours alone (with the periods of any interval left, to name it).
      ours: await readPageLeaks(viewer.page),
    };
    // The new source's tracker client keeps offers open (openPeers): only connections count.
    expect({ afterSourceChange, engineAfterChange, afterDestroy }).toEqual({
      afterSourceChange: { ...afterSourceChange, connectedPeers: 0, openSockets: 1 },
      engineAfterChange: 'shaka',
      afterDestroy: {
        page: noLeaks,
        ours: {
          openPeers: 0,
          connectedPeers: 0,
          openSockets: 0,
          ourIntervals: 0,
          ourIntervalPeriodsMs: [],
        },
      },
    });
  });
});

describe('errors the Clappr way', () => {
  closeViewersAfterBlock();

  test('a source that cannot play is a FATAL player error and a fatal handle error; a bad option is a WARN core error', async () => {
    const src = `${suite.stack.originUrl}/vod/no-such-stream/master.m3u8`;
    const p2p = { ...suite.stack.localP2PConfig(), noSuchOption: 1 } as Record<string, unknown>;
    const viewer = await viewers.open(
      suite.browser,
      clapprPageUrl(suite.stack.originUrl, { src, p2p }),
      'errors',
    );
    const seen = await waitUntil(
      async () => {
        const snapshot = (await readSnapshot(viewer.page)) as HarnessSnapshot & {
          clapprErrors: { code: string; level: string }[];
        };
        const outcome = {
          playerError: snapshot.fatalErrors.some((e) => e.type === 'clappr'),
          handleFatal: snapshot.fatalErrors.some((e) => e.type === 'p2p'),
          optionWarning: snapshot.clapprErrors.some(
            (e) => e.level === 'WARN' && e.code.includes('config-invalid'),
          ),
        };
        return Object.values(outcome).every(Boolean) ? outcome : undefined;
      },
      { timeoutMs: 20_000, description: 'the player error, the handle error and the warning' },
    ).catch(async () => readSnapshot(viewer.page));
    expect(seen).toEqual({ playerError: true, handleFatal: true, optionWarning: true });
  });
});

describe('two Clappr players on one page', () => {
  closeViewersAfterBlock();

  test('each has its own session, overlay and engine; destroying one leaves the other playing with P2P', async () => {
    const src = suite.stack.vodUrl('hls-ts');
    const p2p = {
      ...suite.stack.localP2PConfig(),
      swarmId: `clappr-two-${Date.now()}`,
      overlay: true,
    };
    const viewer = await viewers.open(
      suite.browser,
      clapprPageUrl(suite.stack.originUrl, { src, p2p, players: 2 }),
      'two players',
    );
    await Promise.all([0, 1].map((i) => waitForPlayerPlayed(viewer.page, i, 3, 40_000)));
    const isolation = await viewer.page.evaluate(() => {
      const api = window.__harness as unknown as ClapprHarnessApi;
      const [first, second] = [api.handle(0), api.handle(1)];
      return {
        distinctHandles: first !== undefined && first !== second,
        // Each overlay sits in its own player and is its own handle's.
        overlays: [0, 1].map((i) =>
          Boolean(
            document
              .getElementById(`player-${i}`)
              ?.contains(api.handle(i)?.overlay?.element ?? null),
          ),
        ),
      };
    });
    await viewer.page.evaluate(() => {
      (window.__harness as unknown as ClapprHarnessApi).destroyPlayer(0);
    });
    const before = await readPlayerSnapshot(viewer.page, 1);
    await waitForPlayerPlayed(viewer.page, 1, before.playedSeconds + 2, 20_000);
    const afterDestroy = await viewer.page.evaluate(async () => {
      const api = window.__harness as unknown as ClapprHarnessApi;
      const survivor = api.handle(1);
      // The survivor's session still ticks: its `stats` event comes within the next second.
      const ticking = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          resolve(false);
        }, 3000);
        const off = survivor?.on('stats', () => {
          off?.();
          clearTimeout(timer);
          resolve(true);
        });
      });
      return {
        destroyedEngine: api.handle(0)?.engineKind,
        survivorEngine: survivor?.engineKind,
        survivorTicking: ticking,
        destroyedOverlayGone: document.querySelectorAll('#player-0 .p2pml-overlay').length === 0,
      };
    });
    expect({ isolation, afterDestroy }).toEqual({
      isolation: { distinctHandles: true, overlays: [true, true] },
      afterDestroy: {
        destroyedEngine: 'native',
        survivorEngine: 'hlsjs',
        survivorTicking: true,
        destroyedOverlayGone: true,
      },
    });
  });
});
