/**
 * Shaka Player through the engine's Shaka adapter with P2P off: every DASH addressing mode (VOD, and
 * live for the template modes) and every HLS kind (VOD, and live TS) plays; the player gets exactly the origin's bytes; and the origin's
 * media byte count is the engine's HTTP bytes plus what Shaka fetched itself (init segments,
 * SegmentBase index ranges). All viewers play at once in one browser to keep the file fast.
 */
import type { Viewer } from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import { CaseResults } from '../support/case-results.js';
import { readSnapshot } from '../support/hlsjs-page.js';
import { originByteBounds, waitForOriginByteMatch } from '../support/origin-byte-bounds.js';
import { originMismatches, urlPath } from '../support/origin-media.js';
import {
  readShakaSnapshot,
  shakaPageUrl,
  waitForShakaHashes,
  waitForShakaPlayed,
  type ShakaHarnessSnapshot,
} from '../support/shaka-page.js';

const PLAYED_SECONDS = 20;
jest.setTimeout(150_000);

/** One viewer's stream: a kind played as VOD or live. */
interface PlaybackCase {
  readonly kind: string;
  readonly mode: 'vod' | 'live';
}

interface PlaybackResult {
  readonly snapshot: ShakaHarnessSnapshot;
  readonly pathPrefix: string;
  readonly viewer: Viewer;
}

const cases: PlaybackCase[] = [
  { kind: 'dash-number', mode: 'vod' },
  { kind: 'dash-timeline', mode: 'vod' },
  { kind: 'dash-list', mode: 'vod' },
  { kind: 'dash-base', mode: 'vod' },
  { kind: 'hls-ts', mode: 'vod' },
  { kind: 'hls-fmp4', mode: 'vod' },
  { kind: 'hls-byterange', mode: 'vod' },
  { kind: 'hls-audio', mode: 'vod' },
  ...(process.env.SHAKA_LIVE === '0'
    ? []
    : [
        { kind: 'dash-number', mode: 'live' as const },
        { kind: 'dash-timeline', mode: 'live' as const },
        { kind: 'hls-ts', mode: 'live' as const },
      ]),
];

const suite = useBrowserSuite({ tracker: false });
const { viewers } = suite;
const results = new CaseResults<PlaybackCase, PlaybackResult>(caseName);

function caseName({ kind, mode }: PlaybackCase): string {
  return `${kind} ${mode}`;
}

async function play(playbackCase: PlaybackCase): Promise<PlaybackResult> {
  const session = `shaka-http-${playbackCase.kind}`;
  const live = playbackCase.mode === 'live';
  const src = suite.stack.manifestUrl(playbackCase.kind, live ? { session } : undefined);
  const pathPrefix = live ? `/live/${session}/` : `/vod/${playbackCase.kind}/`;
  // ABR off: an ABR switch aborts a download mid-way, and the bytes the origin had already written
  // for it then count at the origin but reach neither the engine nor Shaka, so byte counts could not
  // be compared exactly. ABR with the engine is covered by the quality switch and P2P tests.
  const url = shakaPageUrl(suite.stack.originUrl, {
    src,
    p2p: { p2pDisabled: true },
    shaka: { abr: { enabled: false } },
  });
  const viewer = await viewers.open(suite.browser, url, caseName(playbackCase));
  await waitForShakaPlayed(viewer.page, PLAYED_SECONDS, 120_000);
  return { snapshot: await waitForShakaHashes(viewer.page), pathPrefix, viewer };
}

beforeAll(() => {
  results.start(cases, play);
});

describe.each(cases)('Shaka, P2P disabled: $kind $mode', (playbackCase) => {
  test(`plays ${PLAYED_SECONDS} s without a fatal error`, async () => {
    const { snapshot } = await results.of(playbackCase);
    expect(snapshot.fatalErrors).toEqual([]);
    expect(snapshot.playedSeconds).toBeGreaterThanOrEqual(PLAYED_SECONDS);
  });

  test('media segments come through the engine, byte-identical to the origin files', async () => {
    const { snapshot } = await results.of(playbackCase);
    const media = snapshot.segments.filter((segment) => segment.sn === 'media');
    expect(media.length).toBeGreaterThanOrEqual(PLAYED_SECONDS / 2);
    // Requests without a segment reference (Shaka's HLS probes, the sidx of SegmentBase) are
    // Shaka's own and stay on its HTTP plugin. With P2P off the engine answers from the origin or,
    // when Shaka asks again for a segment whose first request it dropped (live), from its store.
    const notFromEngine = media
      .filter(
        (segment) =>
          segment.withReference && segment.source !== 'http' && segment.source !== 'cache',
      )
      .map((segment) => `${urlPath(segment.url)} ${segment.rangeStart ?? ''} ${segment.source}`);
    expect(notFromEngine).toEqual([]);
    expect(media.filter((segment) => segment.withReference).length).toBeGreaterThanOrEqual(
      PLAYED_SECONDS / 2,
    );
    const { mismatches } = originMismatches([snapshot]);
    expect(mismatches).toEqual([]);
  });

  test("the origin's media bytes are the engine's HTTP bytes plus Shaka's own fetches", async () => {
    const { pathPrefix, viewer } = await results.of(playbackCase);
    await waitForOriginByteMatch(async () => {
      const snapshot = await readShakaSnapshot(viewer.page);
      const stats = snapshot.engineStats;
      const bounds = originByteBounds(
        suite.stack.origin.counters.requests({ pathPrefix }),
        snapshot.loads,
        snapshot.segments,
      );
      const engineEnds = snapshot.trace
        .filter((entry) => entry.event === 'segment-aborted' || entry.event === 'segment-error')
        .map((entry) => JSON.stringify(entry));
      return {
        clientBytes: (stats?.httpBytes ?? 0) + snapshot.delegatedMediaBytes,
        bounds,
        ready: stats !== undefined && stats.httpBytes > 0,
        detail:
          `engine ${stats?.httpBytes ?? 'no stats'} + shaka ${snapshot.delegatedMediaBytes}; ` +
          `engine aborts/errors: ${engineEnds.join(' ')}`,
      };
    }, 'equal byte counts');
    const stats = (await readSnapshot(viewer.page)).engineStats;
    expect(stats).toMatchObject({ p2pBytes: 0, uploadBytes: 0, peers: 0 });
  });
});

// The byte-range stream's master says nothing about captions (the other masters say
// CLOSED-CAPTIONS=NONE), so Shaka downloads a video segment while it parses the playlists, to look
// for CEA-608 captions. That request has no segment context: it must go to the origin over Shaka's
// own HTTP plugin, with its byte range, and the stream must still play.
test("Shaka's caption probe (no segment context, a byte range) goes over Shaka's HTTP and playback goes on", async () => {
  const { snapshot } = await results.of({ kind: 'hls-byterange', mode: 'vod' });
  const probes = snapshot.segments.filter(
    (segment) => segment.sn === 'media' && !segment.withReference,
  );
  // 'shaka': the response did not come from the engine (which marks its own).
  const described = probes.map(
    (probe) => `${urlPath(probe.url)} ${probe.rangeStart ?? 'no range'} ${probe.source}`,
  );
  expect(described).toEqual([expect.stringMatching(/\.ts \d+ shaka$/)]);
  expect(snapshot.fatalErrors).toEqual([]);
  expect(snapshot.playedSeconds).toBeGreaterThanOrEqual(PLAYED_SECONDS);
});
