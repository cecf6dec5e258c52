/**
 * hls.js through the engine's adapter with P2P off, against origin faults: a segment hls.js gives up
 * on (seek away while it is slow) has its HTTP request cancelled, and a 503 is retried without
 * playback failing.
 */
import type { Browser } from 'playwright-core';
import { ViewerSet, launchBrowser } from '../support/browser.js';
import { hlsjsPageUrl, readSnapshot, waitForHashes, waitForPlayed } from '../support/hlsjs-page.js';
import { originBytes, sha256Hex } from '../support/origin-media.js';
import { startStack, type Stack } from '../support/stack.js';
import { waitUntil } from '../support/wait.js';

jest.setTimeout(90_000);

let stack: Stack;
let browser: Browser;
const viewers = new ViewerSet();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack({ tracker: false }), launchBrowser()]);
});

afterEach(async () => {
  stack.origin.faults.clear();
  viewers.assertStayedLocal();
  await viewers.closeAll();
});

afterAll(async () => {
  await browser.close();
  await stack.stop();
});

test('seeking away from a slow segment cancels its HTTP request at the origin', async () => {
  // Segment 5 (10-12 s) of every rendition answers only after a long delay.
  const slowSegment = /\/vod\/hls-ts\/[^/]+\/seg_005\.ts$/;
  stack.origin.faults.add({ pathPattern: slowSegment.source, delayMs: 30_000, times: 10 });
  const src = stack.vodUrl('hls-ts');
  const viewer = await viewers.open(
    browser,
    hlsjsPageUrl(stack.originUrl, { src, p2p: { p2pDisabled: true } }),
  );

  await waitUntil(
    async () => {
      const { loads } = await readSnapshot(viewer.page);
      return loads.some((load) => slowSegment.test(load.url) && load.outcome === 'pending');
    },
    { timeoutMs: 30_000, description: 'hls.js to request the slow segment' },
  );
  await viewer.page.evaluate(() => {
    window.__harness?.seek(60);
  });

  await waitUntil(
    () =>
      stack.origin.counters
        .requests({ pathPrefix: '/vod/hls-ts/' })
        .some((request) => slowSegment.test(request.path) && request.aborted),
    {
      timeoutMs: 10_000,
      description: 'the origin to record the slow request as aborted',
      lastSeen: () =>
        JSON.stringify(
          stack.origin.counters
            .requests({ pathPrefix: '/vod/hls-ts/' })
            .filter((request) => slowSegment.test(request.path)),
        ),
    },
  );
  // Playback goes on from the new position.
  await waitUntil(async () => (await readSnapshot(viewer.page)).currentTime > 62, {
    timeoutMs: 30_000,
    description: 'playback to continue after the seek',
  });
  expect((await readSnapshot(viewer.page)).fatalErrors).toEqual([]);
});

test('a segment answered with 503 is retried and playback continues', async () => {
  const failingSegment = /\/vod\/hls-fmp4\/[^/]+\/seg_003\.m4s$/;
  stack.origin.faults.add({ pathPattern: failingSegment.source, status: 503, times: 1 });
  const src = stack.vodUrl('hls-fmp4');
  const viewer = await viewers.open(
    browser,
    hlsjsPageUrl(stack.originUrl, { src, p2p: { p2pDisabled: true } }),
  );

  // Segment 3 covers 6-8 s: playing 10 s means playback went through it.
  await waitForPlayed(viewer.page, 10, 60_000);
  const snapshot = await waitForHashes(viewer.page);

  const statuses = stack.origin.counters
    .requests({ pathPrefix: '/vod/hls-fmp4/' })
    .filter((request) => failingSegment.test(request.path))
    .map((request) => request.status);
  expect(statuses.slice(0, 2)).toEqual([503, 200]);
  const delivered = snapshot.segments.filter((segment) => failingSegment.test(segment.url));
  expect(delivered.length).toBeGreaterThanOrEqual(1);
  for (const segment of delivered) {
    expect(segment.sha256).toBe(sha256Hex(originBytes(segment.url)));
  }
  expect(snapshot.fatalErrors).toEqual([]);
});
