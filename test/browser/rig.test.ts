/**
 * The browser test rig itself: the origin, the test page and the guard work with plain hls.js (no
 * engine), so a failure in the engine's tests points at the engine, not at the rig.
 */
import {
  gatherIceCandidates,
  OUTSIDE_PROBE_URLS,
  probeOutsideHosts,
  type Viewer,
} from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import { hlsjsPageUrl, waitForHashes, waitForPlayed } from '../support/hlsjs-page.js';
import { originBytes, sha256Hex } from '../support/origin-media.js';

jest.setTimeout(60_000);

const suite = useBrowserSuite({ tracker: false });
const { viewers } = suite;

test('plain hls.js plays an origin stream and receives exactly the origin bytes', async () => {
  const src = suite.stack.vodUrl('hls-ts');
  const viewer = await viewers.open(
    suite.browser,
    hlsjsPageUrl(suite.stack.originUrl, { src, engine: 'none' }),
  );

  await waitForPlayed(viewer.page, 4, 30_000);
  const snapshot = await waitForHashes(viewer.page);

  const media = snapshot.segments.filter((segment) => segment.sn !== 'initSegment');
  expect(media.length).toBeGreaterThanOrEqual(2);
  for (const segment of snapshot.segments) {
    expect({ url: segment.url, sha256: segment.sha256 }).toEqual({
      url: segment.url,
      sha256: sha256Hex(originBytes(segment.url, segment.rangeStart, segment.rangeEnd)),
    });
  }
});

test('the guard aborts and records requests and WebSockets to hosts outside the machine', async () => {
  const viewer = await newBlankViewer();
  const outcome = await probeOutsideHosts(viewer.page);

  expect(outcome).toEqual({ fetchOutcome: 'failed', socketOutcome: 'closed' });
  expect([...viewer.externalRequests].sort()).toEqual([...OUTSIDE_PROBE_URLS]);
  // This test's viewer broke the rule on purpose; the afterEach check is for real tests.
  viewer.externalRequests.length = 0;
});

const inNamespace = process.env.P2PML_NETNS === '1';
(inNamespace ? test : test.skip)(
  'Chromium offers the namespace test host as a WebRTC host candidate (no mDNS name)',
  async () => {
    const viewer = await newBlankViewer();
    const candidates = await gatherIceCandidates(viewer.page);

    const testHost = process.env.P2PML_TEST_HOST ?? '';
    expect(candidates.some((candidate) => candidate.includes(` ${testHost} `))).toBe(true);
    expect(candidates.some((candidate) => candidate.includes('.local'))).toBe(false);
  },
);

/** A viewer on a page of the origin that plays nothing (the hls.js page without a source). */
async function newBlankViewer(): Promise<Viewer> {
  return viewers.open(
    suite.browser,
    `${suite.stack.originUrl}/test-pages/hlsjs.html?engine=none`,
    'blank',
  );
}
