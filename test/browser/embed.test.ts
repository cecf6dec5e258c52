/**
 * The CMS embed snippet (dist/umd/p2p-media-loader-embed.min.js) on pages made of nothing but the
 * snippet: `<script src>` and `data-p2p-player` elements. Viewers of one live HLS stream play it,
 * get segments from each other and receive exactly the origin's bytes, without ever downloading
 * the Shaka chunk; a DASH element loads that chunk from next to the bundle and plays; elements added
 * later start, removed ones are disposed with nothing left running; bad attributes are reported
 * without breaking the page's other players; a snippet pasted twice makes one player per element.
 * Run `npm run build:umd -- --env only=embed` first.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Viewer } from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import {
  OVERLAY_ROOT_SELECTOR,
  installLeakProbe,
  noLeaks,
  settleLeaks,
} from '../support/plugin-probes.js';
import { originBytes, sha256Hex, urlPath } from '../support/origin-media.js';
import { waitUntil } from '../support/wait.js';

jest.setTimeout(90_000);

const suite = useBrowserSuite();
const { viewers } = suite;

const BUNDLE_PATH = '/dist/umd/p2p-media-loader-embed.min.js';
/** The on-demand Shaka chunk, next to the bundle (`p2p-media-loader-embed.shaka.<hash>.min.js`). */
const SHAKA_CHUNK = /\/dist\/umd\/p2p-media-loader-embed\.shaka\.[0-9a-f]+\.min\.js$/;
/** Init script recording what the bundle's hls.js receives (window.__embedFragments). */
const PROBE_SCRIPT = path.join(__dirname, 'pages', 'embed-probe.js');
/** Prefix of the embed's console messages. */
const LOG_PREFIX = '[p2p-media-loader embed]';

/** A fragment the bundle's hls.js received, with the SHA-256 of its bytes (embed-probe.js). */
interface LoadedFragment {
  readonly url: string;
  readonly rangeStart?: number;
  readonly rangeEnd?: number;
  readonly byteLength: number;
  readonly sha256?: string;
}

/** What a test reads from one player through `p2pml.embed.players()` (the operator API). */
interface PlayerReading {
  /** Sum of the media element's played ranges (live streams start at the edge, not at 0). */
  readonly playedSeconds: number;
  readonly engineKind: string | undefined;
  readonly httpBytes: number;
  readonly p2pBytes: number;
  /** Peers connected now (diagnostics in failure messages). */
  readonly peers: number;
  readonly overlayVisible: boolean | undefined;
  readonly error: { code: number; message: string } | null;
}

/** `data-*` attributes of one embed element (names without `data-`; '' writes a bare attribute). */
type ElementAttributes = Readonly<Record<string, string>>;

function elementHtml(attributes: ElementAttributes): string {
  const list = Object.entries(attributes).map(([name, value]) =>
    value === '' ? `data-${name}` : `data-${name}="${value}"`,
  );
  return `<div data-p2p-player ${list.join(' ')}></div>`;
}

/** The two lines an editor pastes (docs/EMBED.md). */
function snippet(attributes: ElementAttributes): string {
  return `<script src="${BUNDLE_PATH}"></script>\n${elementHtml(attributes)}`;
}

function page(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>embed</title></head><body>\n${body}\n</body></html>`;
}

/** Attributes every test element carries: the local tracker only, no STUN, muted autoplay. */
function localAttributes(): ElementAttributes {
  return { trackers: suite.stack.trackerUrl ?? '', 'ice-servers': 'none', autoplay: '', muted: '' };
}

/** An embed page open in a viewer, with every URL it requested. */
interface EmbedViewer {
  readonly viewer: Viewer;
  readonly page: Page;
  readonly requests: string[];
}

let pageCount = 0;

/** Serves `html` at a fresh URL of the test origin (so relative URLs resolve there) and opens it. */
async function openEmbedPage(name: string, html: string): Promise<EmbedViewer> {
  const viewer = await viewers.open(suite.browser, 'about:blank', name);
  const pageUrl = `${suite.stack.originUrl}/embed-test/${String(++pageCount)}.html`;
  await viewer.context.route(pageUrl, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: html }),
  );
  // The page comes from `route.fulfill`, so Chromium sees no server address for it and puts it in
  // the public address space: its connections to the tracker on another loopback port would then
  // be Local Network Access requests and blocked. Pages the origin itself serves need no grant.
  await viewer.context.grantPermissions(['local-network-access'], {
    origin: suite.stack.originUrl,
  });
  const requests: string[] = [];
  viewer.page.on('request', (request) => requests.push(request.url()));
  await viewer.page.addInitScript({ path: PROBE_SCRIPT });
  await installLeakProbe(viewer.page);
  await viewer.page.goto(pageUrl);
  return { viewer, page: viewer.page, requests };
}

/** Reads the `index`-th embed player of the page. */
function readPlayer(page: Page, index = 0): Promise<PlayerReading | undefined> {
  return page.evaluate((at) => {
    type Embedded = {
      player: {
        played(): { length: number; start(i: number): number; end(i: number): number };
        error(): { code: number; message: string } | null;
      };
      p2p?: {
        engineKind: string;
        getStats(): { httpBytes: number; p2pBytes: number; peers: number };
        overlay?: { visible: boolean };
      };
    };
    const api = (window as unknown as { p2pml?: { embed?: { players(): Embedded[] } } }).p2pml
      ?.embed;
    const embedded = api?.players()[at];
    if (embedded === undefined) return undefined;
    const played = embedded.player.played();
    let playedSeconds = 0;
    for (let range = 0; range < played.length; range++) {
      playedSeconds += played.end(range) - played.start(range);
    }
    const stats = embedded.p2p?.getStats();
    const error = embedded.player.error();
    return {
      playedSeconds,
      engineKind: embedded.p2p?.engineKind,
      httpBytes: stats?.httpBytes ?? 0,
      p2pBytes: stats?.p2pBytes ?? 0,
      peers: stats?.peers ?? 0,
      overlayVisible: embedded.p2p?.overlay?.visible,
      error: error === null ? null : { code: error.code, message: error.message },
    };
  }, index);
}

/** Waits until the page's `index`-th embed player has played `seconds`. */
async function waitForPlayback(
  embed: EmbedViewer,
  seconds: number,
  timeoutMs: number,
  index = 0,
): Promise<PlayerReading> {
  let last: PlayerReading | undefined;
  return waitUntil(
    async () => {
      last = await readPlayer(embed.page, index);
      return last !== undefined && last.playedSeconds >= seconds ? last : undefined;
    },
    {
      timeoutMs,
      intervalMs: 250,
      description: `${embed.viewer.name}: player ${String(index)} played ${String(seconds)} s`,
      lastSeen: () =>
        `${JSON.stringify(last)}; console: ${embed.viewer.consoleMessages.join(' | ')}; ` +
        `page errors: ${embed.viewer.pageErrors.join(' | ')}`,
    },
  );
}

/** Fragments of `embed` whose bytes differ from the origin's file, once every hash is computed. */
async function fragmentMismatches(embed: EmbedViewer): Promise<{ checked: number; bad: string[] }> {
  await embed.page.waitForFunction(() =>
    ((window as unknown as { __embedFragments?: LoadedFragment[] }).__embedFragments ?? []).every(
      (fragment) => fragment.sha256 !== undefined,
    ),
  );
  const fragments = await embed.page.evaluate(
    () => (window as unknown as { __embedFragments?: LoadedFragment[] }).__embedFragments ?? [],
  );
  const bad: string[] = [];
  for (const fragment of fragments) {
    const expected = originBytes(fragment.url, fragment.rangeStart, fragment.rangeEnd);
    if (fragment.byteLength !== expected.length || fragment.sha256 !== sha256Hex(expected)) {
      bad.push(`${urlPath(fragment.url)} (${String(fragment.byteLength)} B)`);
    }
  }
  return { checked: fragments.length, bad };
}

/** Counts of what the embed put in the page: players, `<video>`s, overlays, injected stylesheets. */
function pageCounts(embed: EmbedViewer): Promise<Record<string, number>> {
  return embed.page.evaluate(
    (overlaySelector) => ({
      players: (
        window as unknown as { p2pml: { embed: { players(): unknown[] } } }
      ).p2pml.embed.players().length,
      videos: document.querySelectorAll('[data-p2p-player] video').length,
      overlays: document.querySelectorAll(`[data-p2p-player] ${overlaySelector}`).length,
      styles: document.querySelectorAll('style#p2pml-embed-styles').length,
    }),
    OVERLAY_ROOT_SELECTOR,
  );
}

test('viewers of a snippet-only live HLS page play, share segments over P2P and get the origin bytes', async () => {
  const html = page(
    snippet({
      src: suite.stack.liveUrl('embed-live', 'hls-ts'),
      'swarm-id': 'embed-live',
      stats: 'on',
      ...localAttributes(),
    }),
  );
  const swarm: EmbedViewer[] = [];
  for (let index = 0; index < 3; index++) {
    const previous = swarm.at(-1);
    if (previous !== undefined) await waitForPlayback(previous, 1.5, 20_000);
    swarm.push(await openEmbedPage(`live viewer ${String(index)}`, html));
  }

  let readings: (PlayerReading | undefined)[] = [];
  await waitUntil(
    async () => {
      readings = await Promise.all(swarm.map((embed) => readPlayer(embed.page)));
      const played = readings.every((reading) => (reading?.playedSeconds ?? 0) >= 6);
      const p2pBytes = readings.reduce((sum, reading) => sum + (reading?.p2pBytes ?? 0), 0);
      return played && p2pBytes > 0;
    },
    {
      timeoutMs: 40_000,
      intervalMs: 500,
      description: 'every viewer played 6 s and some bytes came from peers',
      lastSeen: () =>
        `${JSON.stringify(readings)}; console: ` +
        JSON.stringify(swarm.map((embed) => embed.viewer.consoleMessages.slice(-5))),
    },
  );
  for (const reading of readings) {
    expect(reading).toMatchObject({ engineKind: 'hlsjs', overlayVisible: true, error: null });
  }
  for (const embed of swarm) {
    expect({ viewer: embed.viewer.name, ...(await fragmentMismatches(embed)) }).toMatchObject({
      bad: [],
      checked: expect.any(Number) as number,
    });
    expect(await pageCounts(embed)).toEqual({ players: 1, videos: 1, overlays: 1, styles: 1 });
    expect(embed.requests.filter((url) => SHAKA_CHUNK.test(url))).toEqual([]);
    expect(embed.viewer.pageErrors).toEqual([]);
  }
  await Promise.all(swarm.map((embed) => embed.viewer.close()));
});

test('a DASH element loads the Shaka chunk from next to the bundle and plays', async () => {
  const embed = await openEmbedPage(
    'dash viewer',
    page(snippet({ src: suite.stack.manifestUrl('dash-number'), ...localAttributes() })),
  );
  const reading = await waitForPlayback(embed, 3, 30_000);
  expect(reading).toMatchObject({ engineKind: 'shaka', error: null });
  const chunks = embed.requests.filter((url) => SHAKA_CHUNK.test(url));
  expect(chunks).toHaveLength(1);
  expect(chunks[0]?.startsWith(`${suite.stack.originUrl}/dist/umd/`)).toBe(true);
  expect(embed.viewer.pageErrors).toEqual([]);
  await embed.viewer.close();
});

test('an element added later becomes a player, a changed attribute replaces it, removing it disposes everything it opened', async () => {
  const embed = await openEmbedPage(
    'dynamic viewer',
    page(`<script src="${BUNDLE_PATH}"></script>`),
  );
  await embed.page.waitForFunction(() => document.readyState === 'complete');
  const attributes = { src: suite.stack.vodUrl('hls-ts'), ...localAttributes() };
  await embed.page.evaluate((html) => {
    document.body.insertAdjacentHTML('beforeend', `<article>${html}</article>`);
  }, elementHtml(attributes));
  await waitForPlayback(embed, 1, 20_000);
  expect(await pageCounts(embed)).toEqual({ players: 1, videos: 1, overlays: 1, styles: 1 });

  // A changed attribute (an editor swapping the video) replaces the player.
  const replaced = await embed.page.evaluate(async (src) => {
    type Api = { players(): { player: { isDisposed(): boolean } }[] };
    const api = (window as unknown as { p2pml: { embed: Api } }).p2pml.embed;
    const before = api.players()[0]?.player;
    document.querySelector('[data-p2p-player]')?.setAttribute('data-src', src);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const after = api.players()[0]?.player;
    return { oldDisposed: before?.isDisposed(), fresh: after !== undefined && after !== before };
  }, suite.stack.vodUrl('hls-fmp4'));
  expect(replaced).toEqual({ oldDisposed: true, fresh: true });
  await waitForPlayback(embed, 1, 20_000);
  expect(await pageCounts(embed)).toEqual({ players: 1, videos: 1, overlays: 1, styles: 1 });

  const disposed = await embed.page.evaluate(async () => {
    type Api = { players(): { player: { isDisposed(): boolean } }[] };
    const api = (window as unknown as { p2pml: { embed: Api } }).p2pml.embed;
    const { player } = api.players()[0] ?? {};
    document.querySelector('article')?.remove();
    // The observer runs as a microtask after the removal.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { players: api.players().length, disposed: player?.isDisposed() };
  });
  expect(disposed).toEqual({ players: 0, disposed: true });
  expect(await settleLeaks(embed.page)).toEqual(noLeaks);
  expect(await pageCounts(embed)).toEqual({ players: 0, videos: 0, overlays: 0, styles: 1 });
  expect(embed.viewer.pageErrors).toEqual([]);
  await embed.viewer.close();
});

test('invalid attributes are reported in the console and in the element; the other player plays', async () => {
  const trackerUrl = suite.stack.trackerUrl ?? '';
  const embed = await openEmbedPage(
    'invalid attributes viewer',
    page(
      [
        snippet({ stats: 'maybe' }),
        elementHtml({
          src: suite.stack.vodUrl('hls-ts'),
          ...localAttributes(),
          trackers: `http://127.0.0.1:1/announce, ${trackerUrl}`,
          type: 'video/avi',
        }),
      ].join('\n'),
    ),
  );
  const playing = await waitForPlayback(embed, 1, 20_000, 1);
  expect(playing).toMatchObject({ engineKind: 'hlsjs', error: null });

  const broken = await readPlayer(embed.page, 0);
  expect(broken?.error?.code).toBe(4);
  expect(broken?.error?.message).toContain('data-src is missing');
  const shown = await embed.page.evaluate(() =>
    [...document.querySelectorAll('[data-p2p-player]')].map((element) => ({
      errorDisplay: element.querySelector('.vjs-error-display')?.textContent ?? '',
      notice: element.querySelector('.p2pml-embed-notice')?.textContent ?? '',
    })),
  );
  expect(shown[0]?.errorDisplay).toContain('data-src is missing');
  expect(shown[0]?.errorDisplay).toContain('data-stats="maybe" ignored');
  expect(shown[1]?.notice).toContain('data-trackers="http://127.0.0.1:1/announce" ignored');
  expect(shown[1]?.notice).toContain('data-type="video/avi" ignored');

  const errors = embed.viewer.consoleMessages.filter((message) =>
    message.startsWith(`[error] ${LOG_PREFIX}`),
  );
  for (const expected of [
    'data-src is missing',
    'data-stats="maybe" ignored',
    'data-trackers="http://127.0.0.1:1/announce" ignored',
    'data-type="video/avi" ignored',
  ]) {
    expect(errors.filter((message) => message.includes(expected))).toHaveLength(1);
  }
  expect(embed.viewer.pageErrors).toEqual([]);
  await embed.viewer.close();
});

test('the snippet pasted twice, and loaded once more later, makes one player per element', async () => {
  // Trackers from the page config instead of attributes: the elements say nothing about them, and
  // the suite fails the test if a player announces to the default (public) trackers.
  const config = JSON.stringify(suite.stack.localP2PConfig());
  const vod = { src: suite.stack.vodUrl('hls-fmp4'), autoplay: '', muted: '' };
  const embed = await openEmbedPage(
    'pasted twice viewer',
    page(
      [
        `<script>window.p2pmlEmbedConfig = ${config};</script>`,
        `<p>${snippet(vod)}</p>`,
        `<p>${snippet({ ...vod, src: suite.stack.vodUrl('hls-ts') })}</p>`,
      ].join('\n'),
    ),
  );
  await waitForPlayback(embed, 1, 20_000, 0);
  await waitForPlayback(embed, 1, 20_000, 1);
  expect(await pageCounts(embed)).toEqual({ players: 2, videos: 2, overlays: 2, styles: 1 });

  const again = await embed.page.evaluate(async (bundlePath) => {
    const script = document.createElement('script');
    script.src = bundlePath;
    await new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = reject;
      document.body.append(script);
    });
    type Api = { init(): { player: unknown }[]; players(): { player: unknown }[] };
    const api = (window as unknown as { p2pml: { embed: Api } }).p2pml.embed;
    const found = api.init();
    return found.every((embedded, index) => embedded.player === api.players()[index]?.player);
  }, BUNDLE_PATH);
  expect(again).toBe(true);
  expect(await pageCounts(embed)).toEqual({ players: 2, videos: 2, overlays: 2, styles: 1 });
  expect(embed.viewer.pageErrors).toEqual([]);
  await embed.viewer.close();
});

test('the example page (examples/embed, as `npm start` serves it) plays through its page config', async () => {
  const trackerPort = String(suite.stack.tracker?.port ?? 0);
  const viewer = await viewers.open(
    suite.browser,
    `${suite.stack.originUrl}/examples/embed/index.html?trackerPort=${trackerPort}`,
    'example viewer',
  );
  const embed: EmbedViewer = { viewer, page: viewer.page, requests: [] };
  // The live player autoplays; the VOD ones wait for a click but load their sources.
  const live = await waitForPlayback(embed, 2, 20_000, 0);
  expect(live).toMatchObject({ engineKind: 'hlsjs', overlayVisible: true, error: null });
  const kinds = await waitUntil(
    async () => {
      const readings = await Promise.all([1, 2].map((index) => readPlayer(viewer.page, index)));
      const found = readings.map((reading) => reading?.engineKind);
      return found.every((kind) => kind !== 'native' && kind !== undefined) ? found : undefined;
    },
    { timeoutMs: 20_000, description: 'the VOD players chose their engines' },
  );
  expect(kinds).toEqual(['hlsjs', 'shaka']);
  expect(await pageCounts(embed)).toEqual({ players: 3, videos: 3, overlays: 3, styles: 1 });
  expect(viewer.pageErrors).toEqual([]);
  await viewer.close();
});
