/**
 * Video.js 8 with the `p2p` plugin, end to end in Chromium: real Video.js (video.min.js, with its
 * own HLS/DASH playback VHS and the quality-levels plugin), the page's hls.js, our UMD bundle, the
 * local origin and tracker, WebRTC inside the test network namespace. Three viewers of a live and
 * of a VOD HLS stream, each joining once the previous one played a little: playback, P2P share,
 * origin load, the overlay against the handle's stats, quality levels and the stats beacon.
 * Lifecycle cases (DASH, fallback to VHS, source change, dispose, two players) are in
 * videojs-lifecycle.test.ts.
 */
import type { Page } from 'playwright-core';
import type { Viewer } from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import {
  readSample,
  readSnapshot,
  waitForPlayed,
  type HarnessSnapshot,
} from '../support/hlsjs-page.js';
import {
  readBeaconSummary,
  readOverlayAgainstStats,
  screenshotOverlay,
  type OverlayAgainstStats,
} from '../support/plugin-probes.js';
import { videojsPageUrl } from '../support/videojs-page.js';
import { stallReport } from '../support/stall-report.js';
import { waitUntil } from '../support/wait.js';

const PLAYED_SECONDS = 15;
/** A viewer joins once the previous one has played this much (later viewers find segments held). */
const JOIN_AFTER_PLAYED_SECONDS = 1.5;
jest.setTimeout(120_000);

const suite = useBrowserSuite();
const { viewers } = suite;

/** What one swarm of Video.js viewers ended with. */
interface SwarmRun {
  /** The viewers' `swarmId` option. */
  readonly swarmId: string;
  readonly pages: readonly Page[];
  /** Per viewer: overlay numbers and `getStats()` read at one instant, while playing. */
  readonly overlays: readonly OverlayAgainstStats[];
  readonly snapshots: readonly HarnessSnapshot[];
  readonly originMediaBytes: number;
  readonly playerMediaBytes: number;
  readonly p2pBytes: number;
}

function summaries(run: SwarmRun): string[] {
  return run.snapshots.map((snapshot, index) => {
    const stats = snapshot.engineStats;
    return (
      `viewer ${index}: played ${snapshot.playedSeconds.toFixed(1)} s, stalls ` +
      `${snapshot.stalls.count}, fatal ${JSON.stringify(snapshot.fatalErrors)}, segments ` +
      `${JSON.stringify(stats?.segments)}, http ${stats?.httpBytes ?? '?'} B, p2p ` +
      `${stats?.p2pBytes ?? '?'} B, peers ${stats?.peers ?? '?'}`
    );
  });
}

/** Opens three viewers of `src` one after another, lets all play, and collects their numbers. */
async function playSwarm(name: string, src: string, pathPrefix: string): Promise<SwarmRun> {
  const swarmId = `videojs-${name}-${Date.now()}`;
  const p2p = {
    ...suite.stack.localP2PConfig(),
    swarmId,
    overlay: true,
    statsBeacon: { url: `${suite.stack.originUrl}/beacon`, intervalMs: 1000 },
  };
  const pageUrl = videojsPageUrl(suite.stack.originUrl, { src, p2p });
  const swarm: Viewer[] = [];
  for (let index = 0; index < 3; index += 1) {
    const previous = swarm.at(-1);
    if (previous) await waitForPlayed(previous.page, JOIN_AFTER_PLAYED_SECONDS, 40_000);
    swarm.push(await viewers.open(suite.browser, pageUrl, `${name} viewer ${index}`));
  }
  await Promise.all(swarm.map((viewer) => waitForPlayed(viewer.page, PLAYED_SECONDS, 80_000)));
  const snapshots = await Promise.all(swarm.map((viewer) => readSnapshot(viewer.page)));
  const samples = await Promise.all(swarm.map((viewer) => readSample(viewer.page)));
  const overlays = await Promise.all(
    swarm.map((viewer) => readOverlayAgainstStats(viewer.page, 'window.__harness.handle()')),
  );
  return {
    swarmId,
    overlays,
    pages: swarm.map((viewer) => viewer.page),
    snapshots,
    originMediaBytes: suite.stack.origin.counters.mediaBytes(pathPrefix),
    playerMediaBytes: samples.reduce((sum, sample) => sum + sample.mediaBytes, 0),
    p2pBytes: snapshots.reduce((sum, snapshot) => sum + (snapshot.engineStats?.p2pBytes ?? 0), 0),
  };
}

function expectSwarmPlayedWell(run: SwarmRun): void {
  const outcome = {
    played: run.snapshots.map((s) => s.playedSeconds >= PLAYED_SECONDS),
    stalls: run.snapshots.map(stallReport),
    fatalErrors: run.snapshots.map((s) => s.fatalErrors),
    engines: run.snapshots.map((s) => (s.engineStats as { engine?: string } | undefined)?.engine),
    someFromPeers: run.p2pBytes > 0,
    originBelowPlayed: run.originMediaBytes < run.playerMediaBytes,
  };
  const context = {
    viewers: summaries(run),
    origin: run.originMediaBytes,
    played: run.playerMediaBytes,
  };
  expect({ outcome, ...context }).toEqual({
    outcome: {
      played: [true, true, true],
      stalls: [0, 0, 0],
      fatalErrors: [[], [], []],
      engines: ['hlsjs', 'hlsjs', 'hlsjs'],
      someFromPeers: true,
      originBelowPlayed: true,
    },
    ...context,
  });
}

/** What a quality menu reads: `player.qualityLevels()`, and the rendition hls.js plays. */
interface QualityMenuView {
  /** `<height>p` per level. */
  readonly levels: string[];
  readonly selectedIndex: number;
  /** `hls.currentLevel`: the level of the fragment playing. */
  readonly playing: number | undefined;
}

async function qualityMenuOf(page: Page): Promise<QualityMenuView> {
  return page.evaluate(() => {
    const harness = window.__harness as unknown as {
      player(): {
        qualityLevels(): ArrayLike<{ height?: number }> & { selectedIndex: number };
      };
      hls(): { currentLevel: number } | undefined;
    };
    const list = harness.player().qualityLevels();
    return {
      levels: Array.from(list).map((level) => `${String(level.height)}p`),
      selectedIndex: list.selectedIndex,
      playing: harness.hls()?.currentLevel,
    };
  });
}

describe.each([
  { mode: 'live', stream: 'hls-ts', expectedLevels: ['144p', '240p', '360p'] },
  { mode: 'vod', stream: 'hls-fmp4', expectedLevels: ['144p', '360p'] },
] as const)(
  'Video.js with P2P: $mode ($stream), three viewers',
  ({ mode, stream, expectedLevels }) => {
    let run: SwarmRun;

    beforeAll(async () => {
      const session = `videojs-${mode}`;
      const src =
        mode === 'live' ? suite.stack.liveUrl(session, stream) : suite.stack.vodUrl(stream);
      const pathPrefix = mode === 'live' ? `/live/${session}/` : `/vod/${stream}/`;
      run = await playSwarm(mode, src, pathPrefix);
    });

    test(`every viewer plays ${PLAYED_SECONDS} s through hls.js without a stall, taking segments from peers and fewer bytes from the origin than played`, () => {
      expectSwarmPlayedWell(run);
    });

    test('quality menus see every rendition in player.qualityLevels(), and the one playing', async () => {
      const menus = await Promise.all(run.pages.map((page) => qualityMenuOf(page)));
      expect(menus.map((menu) => menu.levels)).toEqual(menus.map(() => expectedLevels));
      expect(menus.map((menu) => menu.selectedIndex)).toEqual(menus.map((menu) => menu.playing));
    });

    test('the overlay shows the numbers getStats() returns', async () => {
      expect(run.overlays.map((pair) => Object.keys(pair.overlay).length > 0)).toEqual([
        true,
        true,
        true,
      ]);
      expect(run.overlays.map((pair) => pair.overlay)).toEqual(
        run.overlays.map((pair) => pair.stats),
      );
      const page = run.pages[0];
      if (page) await screenshotOverlay(page, `videojs-${mode}`);
    });

    test('the stats beacons of the three viewers reach the origin', async () => {
      const swarm = await waitUntil(
        async () => {
          const summary = await readBeaconSummary(suite.stack.originUrl);
          const entry = summary.swarms.find((candidate) => candidate.swarm.includes(run.swarmId));
          return entry && entry.viewers === 3 && entry.p2pBytes > 0 ? entry : undefined;
        },
        {
          timeoutMs: 5000,
          description: `beacons of three viewers of ${run.swarmId}`,
          lastSeen: () => run.swarmId,
        },
      );
      expect(swarm.engines).toMatchObject({ hlsjs: 3 });
    });
  },
);
