/**
 * Shaka through the engine with P2P on, recovering from disturbances: an origin 503, a quality
 * switch, a seek while segments are coming from a peer, and the lifecycle (another source loaded
 * into the player, the adapter destroyed while the player plays on). Each case plays the VOD DASH stream
 * (SegmentTemplate + $Number$) in its own swarm; every segment received must still be the origin's.
 */
import type { Browser, Page } from 'playwright-core';
import { ViewerSet, launchBrowser } from '../support/browser.js';
import { originBytes, sha256Hex, urlPath } from '../support/origin-media.js';
import {
  readShakaSnapshot,
  selectHeight,
  shakaPageUrl,
  waitForShakaHashes,
  waitForShakaPlayed,
  type ShakaHarnessSnapshot,
} from '../support/shaka-page.js';
import { startStack, type Stack } from '../support/stack.js';
import { waitUntil } from '../support/wait.js';

jest.setTimeout(120_000);

const STREAM = 'dash-number';
let stack: Stack;
let browser: Browser;
const viewers = new ViewerSet();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
});

afterEach(async () => {
  viewers.assertStayedLocal();
  await viewers.closeAll();
  stack.origin.faults.clear();
});

afterAll(async () => {
  await browser.close();
  await stack.stop();
});

function pageUrl(swarmId: string, shaka?: Record<string, unknown>): string {
  return shakaPageUrl(stack.originUrl, {
    src: stack.manifestUrl(STREAM),
    p2p: { ...stack.localP2PConfig(), swarmId },
    ...(shaka ? { shaka } : {}),
  });
}

function mismatches(snapshot: ShakaHarnessSnapshot): string[] {
  return snapshot.segments
    .filter(
      (segment) =>
        segment.sha256 !==
        sha256Hex(originBytes(segment.url, segment.rangeStart, segment.rangeEnd)),
    )
    .map((segment) => urlPath(segment.url));
}

async function currentTime(page: Page): Promise<number> {
  return (await readShakaSnapshot(page)).currentTime;
}

test('a segment answered with 503 is retried and playback continues', async () => {
  // Segment 4 covers 6-8 s in either video Representation.
  const failing = /\/vod\/dash-number\/seg-[01]-004\.m4s$/;
  stack.origin.faults.add({ pathPattern: failing.source, status: 503, times: 1 });
  const viewer = await viewers.open(browser, pageUrl(`shaka-503-${Date.now()}`));
  await waitForShakaPlayed(viewer.page, 10, 60_000);
  const snapshot = await waitForShakaHashes(viewer.page);
  const statuses = stack.origin.counters
    .requests({ pathPrefix: `/vod/${STREAM}/` })
    .filter((request) => failing.test(request.path))
    .map((request) => request.status);
  expect(statuses.slice(0, 2)).toEqual([503, 200]);
  expect(snapshot.segments.filter((segment) => failing.test(segment.url)).length).toBeGreaterThan(
    0,
  );
  expect(snapshot.fatalErrors).toEqual([]);
  expect(mismatches(snapshot)).toEqual([]);
});

test('a quality switch moves the engine to the new Representation and playback continues', async () => {
  const viewer = await viewers.open(
    browser,
    pageUrl(`shaka-switch-${Date.now()}`, { abr: { enabled: false } }),
  );
  await waitForShakaPlayed(viewer.page, 4, 60_000);
  const before = await readShakaSnapshot(viewer.page);
  const firstLevel = before.segments.find((segment) => segment.type === 'video')?.level;
  // Switch to whichever video height is not playing now.
  const activeHeight = await viewer.page.evaluate(() =>
    (window.__harness as unknown as { activeHeight(): number | undefined }).activeHeight(),
  );
  const target = activeHeight === 144 ? 360 : 144;
  expect(await selectHeight(viewer.page, target)).toBe(true);
  const segmentsBefore = before.segments.length;
  const switchedAt = await currentTime(viewer.page);
  await waitUntil(async () => (await currentTime(viewer.page)) >= switchedAt + 8, {
    timeoutMs: 60_000,
    description: 'playback 8 s past the switch',
  });
  const snapshot = await waitForShakaHashes(viewer.page);
  const after = snapshot.segments.slice(segmentsBefore).filter((s) => s.type === 'video');
  const newLevels = after.filter(
    (segment) => segment.sn === 'media' && segment.level !== firstLevel,
  );
  expect(newLevels.length).toBeGreaterThan(0);
  // Media segments of the new Representation are served by the engine like the old ones.
  expect(
    newLevels.filter((segment) => segment.withReference && segment.source === 'shaka'),
  ).toEqual([]);
  expect(snapshot.fatalErrors).toEqual([]);
  expect(mismatches(snapshot)).toEqual([]);
});

test('seeking while segments come from a peer recovers and plays on', async () => {
  // ABR off: both viewers stay on the same Representation, so they share one swarm.
  const swarmId = `shaka-seek-${Date.now()}`;
  const shaka = { abr: { enabled: false } };
  const seeder = await viewers.open(browser, pageUrl(swarmId, shaka), 'seeder');
  await waitForShakaPlayed(seeder.page, 3, 60_000);
  const leecher = await viewers.open(browser, pageUrl(swarmId, shaka), 'leecher');
  // Wait until peer bytes are arriving (they grew since the previous poll, 100 ms ago), then seek
  // far ahead at once, while that transfer runs.
  let lastStats = '';
  let previousP2PBytes = 0;
  await waitUntil(
    async () => {
      const [seederSnapshot, leecherSnapshot] = await Promise.all([
        readShakaSnapshot(seeder.page),
        readShakaSnapshot(leecher.page),
      ]);
      lastStats = JSON.stringify({
        seeder: seederSnapshot.engineStats,
        leecher: leecherSnapshot.engineStats,
        leecherTrace: leecherSnapshot.trace.filter((entry) => !entry.event.startsWith('segment')),
      });
      const p2pBytes = leecherSnapshot.engineStats?.p2pBytes ?? 0;
      const growing = p2pBytes > previousP2PBytes && previousP2PBytes > 0;
      previousP2PBytes = p2pBytes;
      return growing;
    },
    {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: 'bytes arriving from the peer',
      lastSeen: () => lastStats,
    },
  );
  await leecher.page.evaluate(() => window.__harness?.seek(60));
  await waitUntil(async () => (await currentTime(leecher.page)) >= 66, {
    timeoutMs: 60_000,
    description: 'playback 6 s past the seek target',
  });
  const snapshot = await waitForShakaHashes(leecher.page);
  expect(snapshot.fatalErrors).toEqual([]);
  expect(mismatches(snapshot)).toEqual([]);
});

test('loading another source re-maps the engine to it, and after destroy() Shaka plays on alone', async () => {
  const viewer = await viewers.open(browser, pageUrl(`shaka-lifecycle-${Date.now()}`));
  await waitForShakaPlayed(viewer.page, 4, 60_000);
  const beforeLoad = await readShakaSnapshot(viewer.page);
  const dashSegments = beforeLoad.segments.length;
  const httpBytesBeforeLoad = beforeLoad.engineStats?.httpBytes ?? 0;

  await viewer.page.evaluate(
    (src) => (window.__harness as unknown as { load(s: string): Promise<void> }).load(src),
    stack.vodUrl('hls-fmp4'),
  );
  await waitUntil(async () => (await currentTime(viewer.page)) >= 4, {
    timeoutMs: 60_000,
    description: 'the second source playing 4 s',
  });
  const afterLoad = await waitForShakaHashes(viewer.page);
  // The first source plays on until Shaka unloads it, so a DASH segment may still arrive between
  // the snapshot above and the load; from the second source's first segment on, none may.
  const firstHls = afterLoad.segments.findIndex(
    (segment, index) => index >= dashSegments && segment.url.includes('/hls-fmp4/'),
  );
  expect(firstHls).toBeGreaterThanOrEqual(dashSegments);
  const hlsMedia = afterLoad.segments
    .slice(firstHls)
    .filter((segment) => segment.sn === 'media' && segment.withReference);
  expect(hlsMedia.length).toBeGreaterThan(0);
  expect(hlsMedia.filter((segment) => !segment.url.includes('/hls-fmp4/'))).toEqual([]);
  expect(hlsMedia.filter((segment) => segment.source === 'shaka')).toEqual([]);
  // The first source's segments left the store with its streams: what it holds now was all
  // downloaded after the load (P2P found no peer here, so HTTP is every source of bytes).
  expect(httpBytesBeforeLoad).toBeGreaterThan(0);
  expect(afterLoad.engineStats?.storeBytes ?? 0).toBeLessThanOrEqual(
    (afterLoad.engineStats?.httpBytes ?? 0) - httpBytesBeforeLoad,
  );

  const beforeDestroy = afterLoad.segments.length;
  await viewer.page.evaluate(() => {
    (window.__harness as unknown as { destroyP2P(): void }).destroyP2P();
  });
  // A seek past the buffer makes Shaka request new segments at once.
  await viewer.page.evaluate(() => window.__harness?.seek(80));
  await waitUntil(async () => (await currentTime(viewer.page)) >= 84, {
    timeoutMs: 60_000,
    description: 'playback 4 s past the seek after destroy()',
  });
  const snapshot = await waitForShakaHashes(viewer.page);
  const afterDestroy = snapshot.segments.slice(beforeDestroy).filter((s) => s.sn === 'media');
  expect(afterDestroy.length).toBeGreaterThan(0);
  expect(afterDestroy.filter((segment) => segment.source !== 'shaka')).toEqual([]);
  expect(snapshot.engineStats?.peers).toBe(0);
  expect(snapshot.fatalErrors).toEqual([]);
  expect(mismatches(snapshot)).toEqual([]);
});
