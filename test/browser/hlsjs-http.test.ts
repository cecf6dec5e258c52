/**
 * hls.js through the engine's adapter with P2P off: every stream kind, VOD and live, plays; the
 * player gets exactly the origin's bytes; and the engine's HTTP byte count matches what the origin
 * sent. All eight viewers play at once in one browser (separate contexts) to keep the file fast.
 */
import type { Viewer } from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import { CaseResults } from '../support/case-results.js';
import {
  hlsjsPageUrl,
  readSnapshot,
  waitForHashes,
  waitForPlayed,
  type HarnessSnapshot,
} from '../support/hlsjs-page.js';
import { originByteBounds, waitForOriginByteMatch } from '../support/origin-byte-bounds.js';
import { HLS_STREAM_KINDS, originMismatches } from '../support/origin-media.js';

const PLAYED_SECONDS = 20;
jest.setTimeout(120_000);

/** One viewer's stream: a kind played as VOD or live. */
interface PlaybackCase {
  readonly kind: (typeof HLS_STREAM_KINDS)[number];
  readonly mode: 'vod' | 'live';
}

/** What a viewer ended with, and the origin path prefix only its requests use. */
interface PlaybackResult {
  readonly snapshot: HarnessSnapshot;
  readonly pathPrefix: string;
  readonly viewer: Viewer;
}

const cases: PlaybackCase[] = HLS_STREAM_KINDS.flatMap((kind) => [
  { kind, mode: 'vod' as const },
  { kind, mode: 'live' as const },
]);

const suite = useBrowserSuite({ tracker: false });
const { viewers } = suite;
const results = new CaseResults<PlaybackCase, PlaybackResult>(caseName);

function caseName({ kind, mode }: PlaybackCase): string {
  return `${kind} ${mode}`;
}

/**
 * Plays one case to PLAYED_SECONDS. Each VOD viewer plays a different kind and each live viewer has
 * its own session, so the origin path prefix identifies one viewer's requests.
 */
async function play(playbackCase: PlaybackCase): Promise<PlaybackResult> {
  const session = `http-${playbackCase.kind}`;
  const src =
    playbackCase.mode === 'vod'
      ? suite.stack.vodUrl(playbackCase.kind)
      : suite.stack.liveUrl(session, playbackCase.kind);
  const pathPrefix =
    playbackCase.mode === 'vod' ? `/vod/${playbackCase.kind}/` : `/live/${session}/`;
  const url = hlsjsPageUrl(suite.stack.originUrl, { src, p2p: { p2pDisabled: true } });
  const viewer = await viewers.open(suite.browser, url, caseName(playbackCase));
  await waitForPlayed(viewer.page, PLAYED_SECONDS, 90_000);
  return { snapshot: await waitForHashes(viewer.page), pathPrefix, viewer };
}

beforeAll(() => {
  results.start(cases, play);
});

describe.each(cases)('hls.js, P2P disabled: $kind $mode', (playbackCase) => {
  test(`plays ${PLAYED_SECONDS} s without a fatal error`, async () => {
    const { snapshot } = await results.of(playbackCase);
    expect(snapshot.fatalErrors).toEqual([]);
    expect(snapshot.playedSeconds).toBeGreaterThanOrEqual(PLAYED_SECONDS);
  });

  test('every segment the player got is byte-identical to the origin file', async () => {
    const { snapshot } = await results.of(playbackCase);
    const mediaSegments = snapshot.segments.filter((segment) => segment.sn !== 'initSegment');
    expect(mediaSegments.length).toBeGreaterThanOrEqual(PLAYED_SECONDS / 2);
    const { mismatches } = originMismatches([snapshot]);
    expect(mismatches).toEqual([]);
  });

  test("the engine's HTTP byte count equals the bytes the origin sent it, and none came from peers", async () => {
    const { pathPrefix, viewer } = await results.of(playbackCase);
    // hls.js keeps buffering while this runs: compare at a moment when no download is in flight.
    // Downloads hls.js abandoned (its ABR aborts a slow fragment) may explain a difference, nothing
    // else may (see origin-byte-bounds.ts).
    await waitForOriginByteMatch(async () => {
      const snapshot = await readSnapshot(viewer.page);
      const bounds = originByteBounds(
        suite.stack.origin.counters.requests({ pathPrefix }),
        snapshot.loads,
        snapshot.segments,
      );
      const engineBytes = snapshot.engineStats?.httpBytes ?? -1;
      return {
        clientBytes: engineBytes,
        bounds,
        ready: bounds.minBytes > 0,
        detail: `engine ${engineBytes}`,
      };
    }, 'engine byte count matching the origin');
    const stats = (await readSnapshot(viewer.page)).engineStats;
    expect(stats).toMatchObject({ p2pBytes: 0, uploadBytes: 0, peers: 0 });
    expect(stats?.segments.p2p).toBe(0);
  });
});
