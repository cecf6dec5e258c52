/**
 * Shaka Player through the engine with P2P on, end to end in Chromium: three Shaka viewers of one
 * live DASH stream, then one hls.js viewer and two Shaka viewers of one HLS stream (one swarm across
 * players: both adapters must name streams and segments identically). Viewers join one after
 * another, find each other through the embedded tracker and exchange segments over WebRTC inside
 * the test network namespace.
 */
import { useBrowserSuite } from '../support/browser-suite.js';
import { hlsjsPageUrl } from '../support/hlsjs-page.js';
import { shakaPageUrl } from '../support/shaka-page.js';
import {
  expectCleanPlayback,
  expectOriginBytes,
  expectSwarmOffload,
  playSwarm,
  totalP2PBytes,
  viewerSummaries,
  type SwarmRun,
  type SwarmViewerSpec,
} from '../support/swarm/index.js';

const PLAYED_SECONDS = 20;
/** A viewer joins once the previous one has played this much (later viewers find segments held). */
const JOIN_AFTER_PLAYED_SECONDS = 1.5;
jest.setTimeout(150_000);

const suite = useBrowserSuite();

/** Plays the viewers in order (each after the previous started), stops them, and collects. */
function playChromiumSwarm(
  name: string,
  specs: readonly Omit<SwarmViewerSpec, 'browser'>[],
  pathPrefix: string,
): Promise<SwarmRun> {
  const inChromium = specs.map((spec) => ({ ...spec, browser: 'chromium' as const }));
  return playSwarm(suite, name, inChromium, pathPrefix, {
    playedSeconds: PLAYED_SECONDS,
    joinAfterPlayedSeconds: JOIN_AFTER_PLAYED_SECONDS,
    joinTimeoutMs: 40_000,
    timeoutMs: 90_000,
  });
}

function expectCleanPlaybackOf(run: SwarmRun): void {
  expectCleanPlayback(run.snapshots, {
    playedSeconds: PLAYED_SECONDS,
    summaries: viewerSummaries(run),
  });
}

/** Every segment is the origin's: at least two per viewer were checked. */
function expectOriginBytesOf(run: SwarmRun): void {
  expectOriginBytes(run.snapshots, run.specs.length * 2);
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
    run = await playChromiumSwarm('live dash', specs, `/live/${session}/`);
  });

  test(`every viewer plays ${PLAYED_SECONDS} s without a fatal error or a stall`, () => {
    expectCleanPlaybackOf(run);
  });

  test('viewers get segments from each other and take fewer bytes from the origin than they play', () => {
    expectSwarmOffload(run, viewerSummaries(run));
  });

  test('every segment the players got is byte-identical to the origin file', () => {
    expectOriginBytesOf(run);
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
    run = await playChromiumSwarm(
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
    expectCleanPlaybackOf(run);
  });

  test('the hls.js viewer uploads to the Shaka viewers, which get segments from peers', () => {
    const [hlsjsViewer, ...shakaViewers] = run.snapshots;
    const outcome = {
      hlsjsUploadBytes: hlsjsViewer?.engineStats?.uploadBytes ?? 0,
      shakaP2PBytes: totalP2PBytes(shakaViewers),
      viewers: viewerSummaries(run),
    };
    expect({
      ...outcome,
      hlsjsUploaded: outcome.hlsjsUploadBytes > 0,
      shakaGotFromPeers: outcome.shakaP2PBytes > 0,
    }).toEqual({ ...outcome, hlsjsUploaded: true, shakaGotFromPeers: true });
  });

  test('every segment the players got is byte-identical to the origin file', () => {
    expectOriginBytesOf(run);
  });
});
