/**
 * Data respect for viewers who are not watching (issue 17, item 3), in Chromium:
 * - the embed example page (examples/embed: live HLS, VOD HLS, VOD DASH), with none of its three
 *   players started, downloads per player no more over HTTP and P2P than the same three players
 *   do in Video.js alone (its VHS, `preload: 'auto'` as the embed sets it), and a bounded amount:
 *   not the whole VOD stream, as hls.js's size-based buffer goal fetched before (26 MB in a
 *   minute);
 * - a removed MediaElement player leaves nothing loading: the `<video>` MediaElement gives back to
 *   the page does not load the stream natively (Chromium plays HLS itself) over HTTP without P2P.
 * Both arms of the first test run side by side on two origins over the same window
 * (`DATA_RESPECT_SECONDS`, default 20; 60 gives the numbers README reports). The assertions compare
 * bytes, never timings. Run `npm run build` first.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Viewer } from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import { waitForPlayed } from '../support/hlsjs-page.js';
import { mediaElementPageUrl, removePlayer } from '../support/mediaelement-page.js';
import { MEDIA_DIR } from '../support/origin-media.js';
import { startStack, type Stack } from '../support/stack.js';
import { waitUntil } from '../support/wait.js';

/** Seconds both arms run with nobody pressing play. */
const WINDOW_SECONDS = Number(process.env.DATA_RESPECT_SECONDS ?? '20');
jest.setTimeout(60_000 + WINDOW_SECONDS * 1000);

const suite = useBrowserSuite();
const { viewers } = suite;

/** The example's players, in page order: what each plays and under which origin path. */
const PLAYERS = [
  {
    name: 'live HLS',
    stream: 'hls-ts',
    prefix: '/live/demo/hls-ts/',
    type: 'application/x-mpegURL',
  },
  { name: 'VOD HLS', stream: 'hls-fmp4', prefix: '/vod/hls-fmp4/', type: 'application/x-mpegURL' },
  {
    name: 'VOD DASH',
    stream: 'dash-number',
    prefix: '/vod/dash-number/',
    type: 'application/dash+xml',
  },
] as const;

/** Source path of a player (the example's `data-src`). */
function sourcePath(player: (typeof PLAYERS)[number]): string {
  return `${player.prefix}${player.type === 'application/dash+xml' ? 'manifest.mpd' : 'master.m3u8'}`;
}

/**
 * Seconds of a stream an unstarted player may hold, counted over every rendition (ABR may load its
 * first segment at another one than VHS): the plugin's players load one segment of a VOD stream
 * and none of a live one before play (plugins/shared/startup-load.ts), VHS the same; hls.js's own
 * goal took the whole 240 s VOD stream.
 */
const BOUND_SECONDS = 10;

/** Bytes of every rendition of `stream` over `seconds` of its duration. */
function streamBytesOver(stream: string, seconds: number): number {
  const dir = path.join(MEDIA_DIR, stream);
  const info = JSON.parse(fs.readFileSync(path.join(dir, 'stream.json'), 'utf8')) as {
    durationSec: number;
  };
  let total = 0;
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|m4s|mp4|aac)$/.test(entry.name)) total += fs.statSync(file).size;
    }
  };
  walk(dir);
  return Math.round((total * seconds) / info.durationSec);
}

/** Bytes the origin sent under `prefix` (playlists, manifests, init and media segments). */
function originBytes(stack: Stack, prefix: string): number {
  return stack.origin.counters
    .requests({ pathPrefix: prefix })
    .reduce((sum, record) => sum + record.bytesSent, 0);
}

/** What one player cost in one arm. */
interface PlayerBytes {
  readonly player: string;
  readonly httpBytes: number;
  readonly p2pBytes: number;
}

/** Opens `url` in a fresh viewer, its HTML passed through `rewrite` on the way. */
async function openRewritten(
  name: string,
  url: string,
  rewrite: (html: string) => string,
): Promise<Viewer> {
  const viewer = await viewers.open(suite.browser, 'about:blank', name);
  await viewer.context.route(url, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: rewrite(await response.text()) });
  });
  // A fulfilled page has no server address for Chromium: its tracker connections (another loopback
  // port) would be Local Network Access requests, blocked without this grant.
  await viewer.context.grantPermissions(['local-network-access'], {
    origin: new URL(url).origin,
  });
  await viewer.page.goto(url);
  return viewer;
}

/** Opens `html`, served at `url` (on a test origin, so the page's relative URLs resolve there). */
async function openServed(name: string, url: string, html: string): Promise<Viewer> {
  const viewer = await viewers.open(suite.browser, 'about:blank', name);
  await viewer.context.route(url, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: html }),
  );
  await viewer.page.goto(url);
  return viewer;
}

/** P2P bytes of each embed player of the page (through `p2pml.embed`, the operator API). */
function embedP2PBytes(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    type Embedded = { p2p?: { getStats(): { p2pBytes: number } } };
    const api = (window as unknown as { p2pml?: { embed?: { players(): Embedded[] } } }).p2pml
      ?.embed;
    return (api?.players() ?? []).map((embedded) => embedded.p2p?.getStats().p2pBytes ?? 0);
  });
}

/** Whether any `<video>` of the page has played (nobody may start a player in this test). */
function anyPlayed(page: Page): Promise<boolean> {
  return page.evaluate(() =>
    [...document.querySelectorAll('video')].some((video) => video.played.length > 0),
  );
}

/** Three Video.js players (full build, its own VHS) of the example's sources, nothing else. */
function plainVideoJsPage(): string {
  const players = PLAYERS.map(
    (player, index) =>
      `<video-js id="plain-${String(index)}" playsinline></video-js>` +
      `<script>videojs('plain-${String(index)}', { controls: true, fluid: true, preload: 'auto',` +
      ` html5: { vhs: { overrideNative: true }, nativeAudioTracks: false, nativeVideoTracks: false } })` +
      `.src({ src: '${sourcePath(player)}', type: '${player.type}' });</script>`,
  );
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>plain Video.js</title>',
    '<link rel="stylesheet" href="/node_modules/video.js/dist/video-js.min.css"></head><body>',
    '<script src="/node_modules/video.js/dist/video.min.js"></script>',
    ...players,
    '</body></html>',
  ].join('\n');
}

let plainStack: Stack | undefined;
afterAll(async () => {
  await plainStack?.stop();
});

test('three unstarted embed players download no more with the plugin than Video.js alone, and far less than their streams', async () => {
  plainStack = await startStack({ tracker: false });
  const trackerPort = String(suite.stack.tracker?.port ?? 0);
  const exampleUrl = `${suite.stack.originUrl}/examples/embed/index.html?trackerPort=${trackerPort}`;
  // The example autoplays its live player (muted); here nobody starts any player.
  const [withPlugin, plain] = await Promise.all([
    openRewritten('embed example, nobody plays', exampleUrl, (html) =>
      html.replaceAll(/\sdata-autoplay\b/g, ''),
    ),
    openServed(
      'Video.js alone, nobody plays',
      `${plainStack.originUrl}/data-respect/plain.html`,
      plainVideoJsPage(),
    ),
  ]);
  await new Promise((resolve) => setTimeout(resolve, WINDOW_SECONDS * 1000));

  const p2p = await embedP2PBytes(withPlugin.page);
  const stack = suite.stack;
  const measured = PLAYERS.map((player, index) => ({
    player: player.name,
    withPlugin: {
      player: player.name,
      httpBytes: originBytes(stack, player.prefix),
      p2pBytes: p2p[index] ?? 0,
    } satisfies PlayerBytes,
    videoJsAlone: {
      player: player.name,
      httpBytes: originBytes(plainStack as Stack, player.prefix),
      p2pBytes: 0,
    } satisfies PlayerBytes,
    boundBytes: streamBytesOver(player.stream, BOUND_SECONDS),
  }));
  console.log(
    `data respect, ${String(WINDOW_SECONDS)} s, nobody plays:\n${JSON.stringify(measured, null, 2)}`,
  );

  // A playlist or manifest fetched once more than Video.js does (hls.js loads the master
  // playlist, VHS the same), and rounding of segment boundaries: one segment of slack.
  const toleranceBytes = 64 * 1024;
  const outcome = measured.map(({ player, withPlugin: ours, videoJsAlone, boundBytes }) => {
    const total = ours.httpBytes + ours.p2pBytes;
    return {
      player,
      noMoreThanVideoJs: total <= videoJsAlone.httpBytes + toleranceBytes,
      bounded: total <= boundBytes,
      loadedSomething: total > 0,
    };
  });
  expect({ outcome, measured }).toEqual({
    outcome: PLAYERS.map(({ name }) => ({
      player: name,
      noMoreThanVideoJs: true,
      bounded: true,
      loadedSomething: true,
    })),
    measured,
  });
  expect(await anyPlayed(withPlugin.page)).toBe(false);
  expect(await anyPlayed(plain.page)).toBe(false);
  await Promise.all([withPlugin.close(), plain.close()]);
});

test('a removed MediaElement player leaves nothing loading: the restored <video> fetches no media', async () => {
  const prefix = '/vod/hls-fmp4/';
  const url = mediaElementPageUrl(suite.stack.originUrl, {
    src: suite.stack.vodUrl('hls-fmp4'),
    p2p: { ...suite.stack.localP2PConfig(), swarmId: `mejs-remove-${String(Date.now())}` },
  });
  const viewer = await viewers.open(suite.browser, url, 'MediaElement removed');
  await waitForPlayed(viewer.page, 2, 30_000);
  await removePlayer(viewer.page);
  // The player's own transfers may still be finishing: settled, then counted.
  await suite.stack.origin.counters.settled({ pathPrefix: prefix }, 10_000);
  const before = suite.stack.origin.counters.requests({ pathPrefix: prefix }).length;

  // The restored element (the only <video> left) settles: a native load would be under way or
  // done by the time it reports anything but "loading" with data.
  const restored = await waitUntil(
    () =>
      viewer.page.evaluate(() => {
        const videos = [...document.querySelectorAll('video')];
        const video = videos[0];
        if (videos.length !== 1 || video === undefined) return undefined;
        return {
          videos: videos.length,
          networkLoading: video.networkState === HTMLMediaElement.NETWORK_LOADING,
          readyState: video.readyState,
          buffered: video.buffered.length,
          preload: video.preload,
        };
      }),
    { timeoutMs: 10_000, description: 'the page has its <video> back' },
  );
  // Time a native load would need to ask the origin (it starts within a task of the insertion).
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const after = suite.stack.origin.counters
    .requests({ pathPrefix: prefix })
    .slice(before)
    .map((record) => record.path);
  const state = await viewer.page.evaluate(() => {
    const video = document.querySelector('video');
    return { readyState: video?.readyState, buffered: video?.buffered.length };
  });
  expect({ restored, state, requestsAfterRemove: after }).toEqual({
    restored: { ...restored, networkLoading: false, readyState: 0, buffered: 0 },
    state: { readyState: 0, buffered: 0 },
    requestsAfterRemove: [],
  });
  await viewer.close();
});
