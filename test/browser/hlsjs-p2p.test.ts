/**
 * hls.js through the engine with P2P on, end to end in Chromium: three viewers of one live stream,
 * then three viewers of one VOD stream, each in its own browser context, joining one after another.
 * They find each other through the embedded tracker, exchange segments over WebRTC inside the test
 * network namespace, and together take fewer bytes from the origin than their players receive,
 * without a stall and with every segment byte-identical to the origin's file.
 */
import type { Viewer } from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import {
  hlsjsPageUrl,
  readSnapshot,
  waitForHashes,
  waitForPlayed,
  type HarnessSnapshot,
} from '../support/hlsjs-page.js';
import { originMismatches } from '../support/origin-media.js';
import { stallReport } from '../support/stall-report.js';
import { waitUntil } from '../support/wait.js';

const VIEWER_COUNT = 3;
const PLAYED_SECONDS = 20;
/**
 * A viewer joins once the previous one has played this much: with startup time that spaces joins
 * 2-3 s apart, so later viewers find segments already held by earlier ones.
 */
const JOIN_AFTER_PLAYED_SECONDS = 1.5;
jest.setTimeout(120_000);

/** Everything one swarm of viewers ended with. */
interface SwarmRun {
  readonly snapshots: readonly HarnessSnapshot[];
  /** Media segment bytes the origin sent under the scenario's path prefix. */
  readonly originMediaBytes: number;
  /** Media segment bytes (init segments excluded) delivered to the players, summed. */
  readonly playerMediaBytes: number;
  readonly p2pBytes: number;
}

const suite = useBrowserSuite();
const { viewers } = suite;

function mediaBytesOf(snapshot: HarnessSnapshot): number {
  return snapshot.segments
    .filter((segment) => segment.sn !== 'initSegment')
    .reduce((sum, segment) => sum + segment.byteLength, 0);
}

/** One line per viewer for failure messages: what it played and where its segments came from. */
function viewerSummaries(run: SwarmRun): string[] {
  return run.snapshots.map((snapshot, index) => {
    const stats = snapshot.engineStats;
    return (
      `viewer ${index}: played ${snapshot.playedSeconds.toFixed(1)} s, ` +
      `stalls ${snapshot.stalls.count} (${Math.round(snapshot.stalls.totalMs)} ms), ` +
      `http ${stats?.httpBytes ?? '?'} B, p2p ${stats?.p2pBytes ?? '?'} B, ` +
      `segments ${JSON.stringify(stats?.segments)}, peers ${stats?.peers ?? '?'}`
    );
  });
}

/**
 * Plays `src` in VIEWER_COUNT viewers of one swarm, each joining after the previous one started,
 * until all played PLAYED_SECONDS; then stops the players so that the origin's counters and what
 * the players received can be compared at rest.
 */
async function playSwarm(name: string, src: string, pathPrefix: string): Promise<SwarmRun> {
  const p2p = { ...suite.stack.localP2PConfig(), swarmId: `hlsjs-p2p-test-${name}-${Date.now()}` };
  const url = hlsjsPageUrl(suite.stack.originUrl, { src, p2p });
  const swarm: Viewer[] = [];
  for (let index = 0; index < VIEWER_COUNT; index++) {
    const previous = swarm.at(-1);
    if (previous) await waitForPlayed(previous.page, JOIN_AFTER_PLAYED_SECONDS, 30_000);
    swarm.push(await viewers.open(suite.browser, url, `${name} viewer ${index}`));
  }
  await Promise.all(swarm.map((viewer) => waitForPlayed(viewer.page, PLAYED_SECONDS, 60_000)));

  // Playback as it was before stopping: destroying hls.js detaches the video, which clears it.
  const playback = await Promise.all(swarm.map((viewer) => readSnapshot(viewer.page)));
  await Promise.all(swarm.map((viewer) => viewer.page.evaluate(() => window.__harness?.destroy())));
  // In-flight responses end when the players abort them; only then are the counters final.
  await waitUntil(() => suite.stack.origin.counters.settled({ pathPrefix }, 100), {
    timeoutMs: 10_000,
    description: `no origin request under ${pathPrefix} in flight`,
  });
  // Taken after the players stopped: nothing arrives between these snapshots and the counters.
  const delivered = await Promise.all(swarm.map((viewer) => waitForHashes(viewer.page)));
  const snapshots = delivered.map((snapshot, index) => {
    const before = playback[index] ?? snapshot;
    return { ...snapshot, playedSeconds: before.playedSeconds, stalls: before.stalls };
  });
  return {
    snapshots,
    originMediaBytes: suite.stack.origin.counters.mediaBytes(pathPrefix),
    playerMediaBytes: snapshots.reduce((sum, snapshot) => sum + mediaBytesOf(snapshot), 0),
    p2pBytes: snapshots.reduce((sum, snapshot) => sum + (snapshot.engineStats?.p2pBytes ?? 0), 0),
  };
}

describe.each([
  { mode: 'live', stream: 'hls-ts' },
  { mode: 'vod', stream: 'hls-fmp4' },
] as const)('hls.js with P2P: $mode ($stream), three viewers of one swarm', ({ mode, stream }) => {
  let run: SwarmRun;

  beforeAll(async () => {
    const session = `p2p-${mode}`;
    const src = mode === 'live' ? suite.stack.liveUrl(session, stream) : suite.stack.vodUrl(stream);
    const pathPrefix = mode === 'live' ? `/live/${session}/` : `/vod/${stream}/`;
    run = await playSwarm(mode, src, pathPrefix);
  });

  test(`every viewer plays ${PLAYED_SECONDS} s without a fatal error or a stall`, () => {
    for (const snapshot of run.snapshots) {
      expect(snapshot.setupError).toBeUndefined();
      expect(snapshot.fatalErrors).toEqual([]);
      expect(snapshot.playedSeconds).toBeGreaterThanOrEqual(PLAYED_SECONDS);
    }
    const stalls = run.snapshots.map(stallReport);
    expect({ stalls, viewers: viewerSummaries(run) }).toEqual({
      stalls: run.snapshots.map(() => 0),
      viewers: viewerSummaries(run),
    });
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
    const { checked, mismatches } = originMismatches(run.snapshots);
    expect(checked).toBeGreaterThanOrEqual((VIEWER_COUNT * PLAYED_SECONDS) / 2);
    expect(mismatches).toEqual([]);
  });
});
