/**
 * hls.js through the engine with P2P on, end to end in Chromium: three viewers of one live stream,
 * then three viewers of one VOD stream, each in its own browser context, joining one after another.
 * They find each other through the embedded tracker, exchange segments over WebRTC inside the test
 * network namespace, and together take fewer bytes from the origin than their players receive,
 * without a stall and with every segment byte-identical to the origin's file.
 */
import { useBrowserSuite } from '../support/browser-suite.js';
import { hlsjsPageUrl } from '../support/hlsjs-page.js';
import {
  expectCleanPlayback,
  expectOriginBytes,
  expectSwarmOffload,
  playSwarm,
  viewerSummaries,
  type SwarmRun,
} from '../support/swarm/index.js';

const VIEWER_COUNT = 3;
const PLAYED_SECONDS = 20;
/**
 * A viewer joins once the previous one has played this much: with startup time that spaces joins
 * 2-3 s apart, so later viewers find segments already held by earlier ones.
 */
const JOIN_AFTER_PLAYED_SECONDS = 1.5;
jest.setTimeout(120_000);

const suite = useBrowserSuite();

/**
 * Plays `src` in VIEWER_COUNT viewers of one swarm, each joining after the previous one started,
 * until all played PLAYED_SECONDS; then stops the players so that the origin's counters and what
 * the players received can be compared at rest.
 */
function playHlsjsSwarm(name: string, src: string, pathPrefix: string): Promise<SwarmRun> {
  const p2p = { ...suite.stack.localP2PConfig(), swarmId: `hlsjs-p2p-test-${name}-${Date.now()}` };
  const pageUrl = hlsjsPageUrl(suite.stack.originUrl, { src, p2p });
  const specs = Array.from({ length: VIEWER_COUNT }, () => ({
    browser: 'chromium' as const,
    player: 'hlsjs',
    pageUrl,
  }));
  return playSwarm(suite, name, specs, pathPrefix, {
    playedSeconds: PLAYED_SECONDS,
    joinAfterPlayedSeconds: JOIN_AFTER_PLAYED_SECONDS,
    joinTimeoutMs: 30_000,
    timeoutMs: 60_000,
  });
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
    run = await playHlsjsSwarm(mode, src, pathPrefix);
  });

  test(`every viewer plays ${PLAYED_SECONDS} s without a fatal error or a stall`, () => {
    expectCleanPlayback(run.snapshots, {
      playedSeconds: PLAYED_SECONDS,
      summaries: viewerSummaries(run),
    });
  });

  test('viewers get segments from each other and take fewer bytes from the origin than they play', () => {
    expectSwarmOffload(run, viewerSummaries(run));
  });

  test('every segment the players got is byte-identical to the origin file', () => {
    expectOriginBytes(run.snapshots, (VIEWER_COUNT * PLAYED_SECONDS) / 2);
  });
});
