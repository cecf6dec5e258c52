/**
 * Shaka through the engine with P2P on, recovering from disturbances: an origin 503, a quality
 * switch, and a seek while segments are coming from a peer. Each case plays the VOD DASH stream
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

function pageUrl(swarm: string, shaka?: Record<string, unknown>): string {
  return shakaPageUrl(stack.originUrl, {
    src: stack.manifestUrl(STREAM),
    p2p: { ...stack.localP2PConfig(), swarmId: `shaka-recovery-${swarm}-${Date.now()}` },
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
  const viewer = await viewers.open(browser, pageUrl('503'));
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
  const viewer = await viewers.open(browser, pageUrl('switch', { abr: { enabled: false } }));
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
  const url = pageUrl('seek', { abr: { enabled: false } });
  const seeder = await viewers.open(browser, url, 'seeder');
  await waitForShakaPlayed(seeder.page, 3, 60_000);
  const leecher = await viewers.open(browser, url, 'leecher');
  // Wait until peer deliveries are under way, then seek far ahead while they continue.
  let lastStats = '';
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
      return (leecherSnapshot.engineStats?.segments.p2p ?? 0) > 0;
    },
    {
      timeoutMs: 60_000,
      description: 'a segment from the peer',
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
  expect(snapshot.engineStats?.segments.p2p).toBeGreaterThan(0);
  expect(mismatches(snapshot)).toEqual([]);
});
