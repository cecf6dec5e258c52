/**
 * The browser test rig itself: the origin, the test page and the guard work with plain hls.js (no
 * engine), so a failure in the engine's tests points at the engine, not at the rig.
 */
import type { Viewer } from '../support/browser.js';
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
  // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never routed, so nothing could answer even unguarded.
  const outcome = await viewer.page.evaluate(async () => {
    const fetchOutcome = await fetch('http://192.0.2.1/probe').then(
      () => 'answered',
      () => 'failed',
    );
    const socketOutcome = await new Promise<string>((resolve) => {
      const socket = new WebSocket('ws://192.0.2.1/probe');
      socket.onopen = () => {
        resolve('opened');
      };
      socket.onclose = () => {
        resolve('closed');
      };
    });
    return { fetchOutcome, socketOutcome };
  });

  expect(outcome).toEqual({ fetchOutcome: 'failed', socketOutcome: 'closed' });
  expect([...viewer.externalRequests].sort()).toEqual([
    'http://192.0.2.1/probe',
    'ws://192.0.2.1/probe',
  ]);
  // This test's viewer broke the rule on purpose; the afterEach check is for real tests.
  viewer.externalRequests.length = 0;
});

const inNamespace = process.env.P2PML_NETNS === '1';
(inNamespace ? test : test.skip)(
  'Chromium offers the namespace test host as a WebRTC host candidate (no mDNS name)',
  async () => {
    const viewer = await newBlankViewer();
    const candidates = await viewer.page.evaluate(async () => {
      const connection = new RTCPeerConnection();
      connection.createDataChannel('probe');
      const found: string[] = [];
      const gathered = new Promise<void>((resolve) => {
        connection.onicecandidate = (event) => {
          if (event.candidate === null) resolve();
          else found.push(event.candidate.candidate);
        };
      });
      await connection.setLocalDescription(await connection.createOffer());
      await gathered;
      connection.close();
      return found;
    });

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
