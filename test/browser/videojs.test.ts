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
import { useBrowserSuite } from '../support/browser-suite.js';
import { readSample, readSnapshot, type HarnessSnapshot } from '../support/hlsjs-page.js';
import {
  readBeaconSummary,
  readOverlayAgainstStats,
  screenshotOverlay,
  type OverlayAgainstStats,
} from '../support/plugin-probes.js';
import { videojsPageUrl } from '../support/videojs-page.js';
import {
  expectCleanPlayback,
  expectSwarmOffload,
  joinSwarm,
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

/** What one swarm of Video.js viewers ended with. */
interface SwarmRun extends SwarmBytes {
  /** The viewers' `swarmId` option. */
  readonly swarmId: string;
  readonly pages: readonly Page[];
  /** Per viewer: overlay numbers and `getStats()` read at one instant, while playing. */
  readonly overlays: readonly OverlayAgainstStats[];
  readonly snapshots: readonly HarnessSnapshot[];
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
  const spec = { browser: 'chromium', player: 'videojs', pageUrl } as const;
  const swarm = await joinSwarm(suite, name, [spec, spec, spec], {
    playedSeconds: PLAYED_SECONDS,
    joinAfterPlayedSeconds: JOIN_AFTER_PLAYED_SECONDS,
    joinTimeoutMs: 40_000,
    timeoutMs: 80_000,
  });
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
    p2pBytes: totalP2PBytes(snapshots),
  };
}

/** The three viewers played cleanly through hls.js, shared, and took less from the origin. */
function expectSwarmPlayedWell(run: SwarmRun): void {
  const summaries = summariesOf(run.snapshots);
  expectCleanPlayback(run.snapshots, {
    playedSeconds: [PLAYED_SECONDS, PLAYED_SECONDS, PLAYED_SECONDS],
    summaries,
  });
  const engines = run.snapshots.map(
    (s) => (s.engineStats as { engine?: string } | undefined)?.engine,
  );
  expect({ engines, viewers: summaries }).toEqual({
    engines: ['hlsjs', 'hlsjs', 'hlsjs'],
    viewers: summaries,
  });
  expectSwarmOffload(run, summaries);
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

    test(`Video.js knows whether the stream is live, as with its own VHS (live: ${String(mode === 'live')})`, async () => {
      // hls.js reports a live stream's duration as finite unless liveDurationInfinity is set: Video.js
      // then showed a VOD seek bar that re-measured its layout every 30 ms (twice VHS's CPU).
      const live = await Promise.all(
        run.pages.map((page) =>
          page.evaluate(() => {
            const harness = window.__harness as unknown as {
              player(
                index: number,
              ): { duration(): number; hasClass(name: string): boolean } | undefined;
            };
            const player = harness.player(0);
            return {
              infinite: player?.duration() === Infinity,
              liveClass: player?.hasClass('vjs-live') ?? false,
            };
          }),
        ),
      );
      const expected = { infinite: mode === 'live', liveClass: mode === 'live' };
      expect(live).toEqual(run.pages.map(() => expected));
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
