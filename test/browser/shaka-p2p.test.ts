/**
 * Shaka Player through the engine with P2P on, end to end in Chromium: three Shaka viewers of one
 * live DASH stream, then one hls.js viewer and two Shaka viewers of one HLS stream (one swarm across
 * players: both adapters must name streams and segments identically). Viewers join one after
 * another, find each other through the embedded tracker and exchange segments over WebRTC inside
 * the test network namespace.
 */
import type { Viewer } from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import { hlsjsPageUrl, readSnapshot, waitForPlayed } from '../support/hlsjs-page.js';
import { originMismatches } from '../support/origin-media.js';
import {
  shakaPageUrl,
  waitForShakaHashes,
  type ShakaHarnessSnapshot,
} from '../support/shaka-page.js';
import { stallReport } from '../support/stall-report.js';
import { waitUntil } from '../support/wait.js';

const PLAYED_SECONDS = 20;
/** A viewer joins once the previous one has played this much (later viewers find segments held). */
const JOIN_AFTER_PLAYED_SECONDS = 1.5;
jest.setTimeout(150_000);

/** One viewer of a swarm: which player page it opens. */
interface ViewerSpec {
  readonly player: 'shaka' | 'hlsjs';
  readonly pageUrl: string;
}

/** What a swarm ended with. Snapshots are typed as Shaka's (the hls.js page has the same fields but `source`). */
interface SwarmRun {
  readonly specs: readonly ViewerSpec[];
  readonly snapshots: readonly ShakaHarnessSnapshot[];
  readonly originMediaBytes: number;
  readonly playerMediaBytes: number;
  readonly p2pBytes: number;
}

const suite = useBrowserSuite();
const { viewers } = suite;

function mediaBytesOf(snapshot: ShakaHarnessSnapshot): number {
  return snapshot.segments
    .filter((segment) => segment.sn !== 'initSegment')
    .reduce((sum, segment) => sum + segment.byteLength, 0);
}

function viewerSummaries(run: SwarmRun): string[] {
  return run.snapshots.map((snapshot, index) => {
    const stats = snapshot.engineStats;
    return (
      `viewer ${index} (${run.specs[index]?.player ?? '?'}): played ${snapshot.playedSeconds.toFixed(1)} s, ` +
      `stalls ${snapshot.stalls.count} (${Math.round(snapshot.stalls.totalMs)} ms), ` +
      `errors ${JSON.stringify(snapshot.fatalErrors)}, ` +
      `levels ${[...new Set(snapshot.segments.map((segment) => segment.level))].join(',')}, ` +
      `segments ${JSON.stringify(stats?.segments)}, ` +
      `http ${stats?.httpBytes ?? '?'} B, p2p ${stats?.p2pBytes ?? '?'} B, ` +
      `upload ${stats?.uploadBytes ?? '?'} B, peers ${stats?.peers ?? '?'}`
    );
  });
}

/** Plays the viewers in order (each after the previous started), stops them, and collects. */
async function playSwarm(name: string, specs: ViewerSpec[], pathPrefix: string): Promise<SwarmRun> {
  const swarm: Viewer[] = [];
  for (const [index, spec] of specs.entries()) {
    const previous = swarm.at(-1);
    if (previous) await waitForPlayed(previous.page, JOIN_AFTER_PLAYED_SECONDS, 40_000);
    swarm.push(await viewers.open(suite.browser, spec.pageUrl, `${name} viewer ${index}`));
  }
  await Promise.all(swarm.map((viewer) => waitForPlayed(viewer.page, PLAYED_SECONDS, 90_000)));
  const playback = await Promise.all(swarm.map((viewer) => readSnapshot(viewer.page)));
  await Promise.all(
    // The Shaka harness's destroy() returns the player's destroy promise; evaluate awaits it.
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
  const delivered = await Promise.all(swarm.map((viewer) => waitForShakaHashes(viewer.page)));
  const snapshots = delivered.map((snapshot, index) => {
    const before = playback[index] ?? snapshot;
    return { ...snapshot, playedSeconds: before.playedSeconds, stalls: before.stalls };
  });
  return {
    specs,
    snapshots,
    originMediaBytes: suite.stack.origin.counters.mediaBytes(pathPrefix),
    playerMediaBytes: snapshots.reduce((sum, snapshot) => sum + mediaBytesOf(snapshot), 0),
    p2pBytes: snapshots.reduce((sum, snapshot) => sum + (snapshot.engineStats?.p2pBytes ?? 0), 0),
  };
}

function expectCleanPlayback(run: SwarmRun): void {
  const outcome = run.snapshots.map((snapshot) => ({
    setupError: snapshot.setupError,
    fatalErrors: snapshot.fatalErrors,
    playedEnough: snapshot.playedSeconds >= PLAYED_SECONDS,
    stalls: stallReport(snapshot),
  }));
  expect({ outcome, viewers: viewerSummaries(run) }).toEqual({
    outcome: run.snapshots.map(() => ({
      setupError: undefined,
      fatalErrors: [],
      playedEnough: true,
      stalls: 0,
    })),
    viewers: viewerSummaries(run),
  });
}

function expectOriginBytes(run: SwarmRun): void {
  expect(originMismatches(run.snapshots).mismatches).toEqual([]);
}

describe('Shaka with P2P: three viewers of one live DASH stream', () => {
  let run: SwarmRun;

  beforeAll(async () => {
    const session = 'shaka-p2p-live-dash';
    const src = suite.stack.manifestUrl('dash-number', { session });
    const p2p = { ...suite.stack.localP2PConfig(), swarmId: `shaka-live-dash-${Date.now()}` };
    const pageUrl = shakaPageUrl(suite.stack.originUrl, {
      src,
      p2p,
      shaka: { streaming: { rebufferingGoal: 2 } },
    });
    const specs = [0, 1, 2].map(() => ({ player: 'shaka' as const, pageUrl }));
    run = await playSwarm('live dash', specs, `/live/${session}/`);
  });

  test(`every viewer plays ${PLAYED_SECONDS} s without a fatal error or a stall`, () => {
    expectCleanPlayback(run);
  });

  test('viewers get segments from each other and take fewer bytes from the origin than they play', () => {
    const outcome = {
      p2pBytes: run.p2pBytes,
      originMediaBytes: run.originMediaBytes,
      playerMediaBytes: run.playerMediaBytes,
      viewers: viewerSummaries(run),
    };
    expect({
      ...outcome,
      someFromPeers: run.p2pBytes > 0,
      originBelowPlayed: run.originMediaBytes < run.playerMediaBytes,
    }).toEqual({ ...outcome, someFromPeers: true, originBelowPlayed: true });
  });

  test('every segment the players got is byte-identical to the origin file', () => {
    expectOriginBytes(run);
  });
});

describe('one swarm across players: one hls.js and two Shaka viewers of one HLS stream', () => {
  let run: SwarmRun;

  beforeAll(async () => {
    const stream = 'hls-fmp4';
    const src = suite.stack.vodUrl(stream);
    const p2p = { ...suite.stack.localP2PConfig(), swarmId: `shaka-hlsjs-${Date.now()}` };
    // Both players on the 360p rendition: ABR choices must not split the viewers into streams.
    const hlsjs = hlsjsPageUrl(suite.stack.originUrl, { src, p2p, hls: { startLevel: 1 } });
    const shaka = shakaPageUrl(suite.stack.originUrl, {
      src,
      p2p,
      shaka: { restrictions: { minHeight: 360 } },
    });
    run = await playSwarm(
      'mixed',
      [
        { player: 'hlsjs', pageUrl: hlsjs },
        { player: 'shaka', pageUrl: shaka },
        { player: 'shaka', pageUrl: shaka },
      ],
      `/vod/${stream}/`,
    );
  });

  test(`every viewer plays ${PLAYED_SECONDS} s without a fatal error or a stall`, () => {
    expectCleanPlayback(run);
  });

  test('the hls.js viewer uploads to the Shaka viewers, which get segments from peers', () => {
    const [hlsjsViewer, ...shakaViewers] = run.snapshots;
    const outcome = {
      hlsjsUploadBytes: hlsjsViewer?.engineStats?.uploadBytes ?? 0,
      shakaP2PBytes: shakaViewers.reduce((sum, s) => sum + (s.engineStats?.p2pBytes ?? 0), 0),
      viewers: viewerSummaries(run),
    };
    expect({
      ...outcome,
      hlsjsUploaded: outcome.hlsjsUploadBytes > 0,
      shakaGotFromPeers: outcome.shakaP2PBytes > 0,
    }).toEqual({ ...outcome, hlsjsUploaded: true, shakaGotFromPeers: true });
  });

  test('every segment the players got is byte-identical to the origin file', () => {
    expectOriginBytes(run);
  });
});
