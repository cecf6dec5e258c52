/**
 * The example origin against real HTTP requests (Node fetch) on the generated streams: exact bytes
 * for ranges, byte counters that match what the client received, fault injection, live windows
 * driven by an injected clock, static files, and a clean stop.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_STREAMS_DIR,
  ensureGeneratedStreams,
  type StreamsManifest,
} from '../../examples/media/streams-manifest.js';
import { parseMediaPlaylist } from '../../examples/server/hls-playlist.js';
import { startOrigin, type OriginServer } from '../../examples/server/origin.js';

const WINDOW = 4;
const SEGMENT_MS = 2000;

let manifest: StreamsManifest;
let origin: OriginServer;
let staticDir: string;
let nowMs = Date.UTC(2024, 0, 1);

beforeAll(async () => {
  manifest = await ensureGeneratedStreams();
  staticDir = await mkdtemp(path.join(os.tmpdir(), 'origin-static-'));
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>demo</title>');
  for (const name of ['app.js', 'app.js.map', 'style.css', 'data.json', 'icon.svg', 'logo.png']) {
    await writeFile(path.join(staticDir, name), `content of ${name}`);
  }
  origin = await startOrigin({
    mediaDir: DEFAULT_STREAMS_DIR,
    staticDirs: { '/site': staticDir },
    liveSegmentsInWindow: WINDOW,
    clock: () => nowMs,
  });
}, 300_000);

afterAll(async () => {
  await origin.stop();
  await rm(staticDir, { recursive: true, force: true });
});

afterEach(() => {
  origin.faults.clear();
});

function mediaFile(relativePath: string): Promise<Buffer> {
  return readFile(path.join(DEFAULT_STREAMS_DIR, relativePath));
}

async function fetchBytes(
  url: string,
  init: RequestInit = {},
): Promise<{ response: Response; body: Buffer }> {
  const response = await fetch(url, init);
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
}

function stream(name: string): StreamsManifest['streams'][number] {
  const found = manifest.streams.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`stream ${name} not generated`);
  return found;
}

describe('generated streams', () => {
  it('lists every HLS kind with renditions of equal segment counts of ~2 s', async () => {
    expect(manifest.streams.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['hls-ts', 'hls-fmp4', 'hls-byterange', 'hls-audio']),
    );
    for (const entry of manifest.streams.filter((candidate) => candidate.protocol === 'hls')) {
      const counts = new Set<number>();
      for (const rendition of entry.renditions) {
        const playlist = parseMediaPlaylist(
          await fetchText(`${origin.url}/vod/${rendition.playlist}`),
        );
        counts.add(playlist.segments.length);
        expect(playlist.segments.length).toBe(rendition.segmentCount);
        for (const segment of playlist.segments) {
          expect(Math.abs(segment.durationSec - entry.segmentDurationSec)).toBeLessThan(0.1);
        }
      }
      expect(counts.size).toBe(1);
    }
  });
});

describe('VOD files', () => {
  it('serves playlists with their content type, CORS and no caching', async () => {
    const response = await fetch(`${origin.url}/vod/${stream('hls-ts').master}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe((await mediaFile(stream('hls-ts').master)).toString());
  });

  it('serves whole segments byte for byte', async () => {
    const { response, body } = await fetchBytes(`${origin.url}/vod/hls-fmp4/144p/seg_007.m4s`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/iso.segment');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(body.equals(await mediaFile('hls-fmp4/144p/seg_007.m4s'))).toBe(true);
  });

  it('answers byte ranges with exactly the bytes of the playlist ranges', async () => {
    const rendition = stream('hls-byterange').renditions[0];
    if (rendition === undefined) throw new Error('no rendition');
    const playlist = parseMediaPlaylist(await fetchText(`${origin.url}/vod/${rendition.playlist}`));
    const file = await mediaFile(path.join(path.dirname(rendition.playlist), 'media.ts'));
    const url = `${origin.url}/vod/${path.dirname(rendition.playlist)}/media.ts`;
    const segments = playlist.segments;
    for (const segment of [segments[0], segments[17], segments.at(-1)]) {
      const range = segment?.byteRange;
      if (range === undefined) throw new Error('segment without byte range');
      const { response, body } = await fetchBytes(url, {
        headers: { Range: `bytes=${range.start}-${range.end - 1}` },
      });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe(
        `bytes ${range.start}-${range.end - 1}/${file.length}`,
      );
      expect(body.equals(file.subarray(range.start, range.end))).toBe(true);
    }
    const suffix = await fetchBytes(url, { headers: { Range: 'bytes=-100' } });
    expect(suffix.body.equals(file.subarray(file.length - 100))).toBe(true);
  });

  it('answers 416 with the size for a range past the end, and 404 for missing files', async () => {
    const file = await mediaFile('hls-ts/144p/seg_000.ts');
    const { response, body } = await fetchBytes(`${origin.url}/vod/hls-ts/144p/seg_000.ts`, {
      headers: { Range: `bytes=${file.length}-` },
    });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${file.length}`);
    expect(body.length).toBe(0);
    expect((await fetchBytes(`${origin.url}/vod/hls-ts/144p/seg_999.ts`)).response.status).toBe(
      404,
    );
    expect((await fetchBytes(`${origin.url}/vod/..%2f..%2fpackage.json`)).response.status).toBe(
      400,
    );
  });

  it('answers HEAD with the length and no body', async () => {
    const file = await mediaFile('hls-ts/240p/seg_003.ts');
    const { response, body } = await fetchBytes(`${origin.url}/vod/hls-ts/240p/seg_003.ts`, {
      method: 'HEAD',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(file.length));
    expect(body.length).toBe(0);
  });
});

describe('counters', () => {
  it('record per request the body bytes the client received', async () => {
    origin.counters.reset();
    const received = new Map<string, number>();
    for (const [urlPath, range] of [
      ['/vod/hls-ts/360p/seg_010.ts', undefined],
      ['/vod/hls-byterange/360p/media.ts', 'bytes=1000-250999'],
      ['/vod/hls-ts/360p/index.m3u8', undefined],
      ['/vod/hls-fmp4/360p/init.mp4', undefined],
    ] as const) {
      const { body } = await fetchBytes(`${origin.url}${urlPath}`, {
        headers: range === undefined ? {} : { Range: range },
      });
      received.set(urlPath, body.length);
    }
    await origin.counters.settled();
    const records = origin.counters.requests({ pathPrefix: '/vod/' });
    expect(records.map((record) => [record.path, record.bytesSent, record.isMedia])).toEqual([
      ['/vod/hls-ts/360p/seg_010.ts', received.get('/vod/hls-ts/360p/seg_010.ts'), true],
      ['/vod/hls-byterange/360p/media.ts', 250_000, true],
      ['/vod/hls-ts/360p/index.m3u8', received.get('/vod/hls-ts/360p/index.m3u8'), false],
      ['/vod/hls-fmp4/360p/init.mp4', received.get('/vod/hls-fmp4/360p/init.mp4'), false],
    ]);
    expect(records[1]).toMatchObject({
      status: 206,
      rangeHeader: 'bytes=1000-250999',
      aborted: false,
    });
    expect(origin.counters.mediaBytes('/vod/')).toBe(
      (received.get('/vod/hls-ts/360p/seg_010.ts') ?? 0) + 250_000,
    );
  });

  it('are served over HTTP by the control API, which is itself not counted', async () => {
    origin.counters.reset();
    const { body } = await fetchBytes(`${origin.url}/vod/hls-ts/144p/seg_001.ts`);
    const response = await fetch(
      `${origin.url}/__control/counters?prefix=/vod/hls-ts/&settleMs=2000`,
    );
    const json = (await response.json()) as { mediaBytes: number; requests: { path: string }[] };
    expect(json.mediaBytes).toBe(body.length);
    expect(json.requests.map((record) => record.path)).toEqual(['/vod/hls-ts/144p/seg_001.ts']);
    expect(origin.counters.requests().some((record) => record.path.startsWith('/__control'))).toBe(
      false,
    );
    expect((await fetch(`${origin.url}/__control/counters`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect(origin.counters.requests()).toEqual([]);
  });
});

describe('faults', () => {
  it('serve a status `times` times, then clear', async () => {
    origin.faults.add({ pathPattern: '/hls-ts/144p/seg_002\\.ts$', status: 503, times: 2 });
    const url = `${origin.url}/vod/hls-ts/144p/seg_002.ts`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++)
      statuses.push((await fetchBytes(url)).response.status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(origin.faults.list()).toEqual([]);
    // Other paths were never affected.
    expect((await fetchBytes(`${origin.url}/vod/hls-ts/144p/seg_003.ts`)).response.status).toBe(
      200,
    );
  });

  it('can be added and cleared over HTTP, with validation', async () => {
    const added = await fetch(`${origin.url}/__control/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pathPattern: 'seg_004\\.ts$', status: 500, times: 5 }),
    });
    expect(added.status).toBe(201);
    expect(((await added.json()) as { id: string }).id).toMatch(/^fault-/);
    expect((await fetchBytes(`${origin.url}/vod/hls-ts/144p/seg_004.ts`)).response.status).toBe(
      500,
    );
    expect((await fetch(`${origin.url}/__control/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetchBytes(`${origin.url}/vod/hls-ts/144p/seg_004.ts`)).response.status).toBe(
      200,
    );
    const invalid = await fetch(`${origin.url}/__control/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pathPattern: '(' }),
    });
    expect(invalid.status).toBe(400);
  });

  it('delay the headers', async () => {
    origin.faults.add({ pathPattern: 'seg_005\\.ts$', delayMs: 150 });
    const startedAt = performance.now();
    const { response } = await fetchBytes(`${origin.url}/vod/hls-ts/144p/seg_005.ts`);
    expect(response.status).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  it('stall after N bytes until the client gives up, recording an aborted transfer', async () => {
    origin.counters.reset();
    origin.faults.add({ pathPattern: 'seg_006\\.ts$', stallAfterBytes: 1000 });
    const controller = new AbortController();
    const response = await fetch(`${origin.url}/vod/hls-ts/360p/seg_006.ts`, {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('no body');
    let receivedBytes = 0;
    while (receivedBytes < 1000) {
      const { value, done } = await reader.read();
      if (done) break;
      receivedBytes += value.length;
    }
    expect(receivedBytes).toBe(1000);
    // Nothing more comes: the client gives up.
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    await origin.counters.settled();
    const [record] = origin.counters.requests({ pathPrefix: '/vod/' });
    expect(record).toMatchObject({ status: 200, bytesSent: 1000, aborted: true, isMedia: true });
    expect(record?.faultId).toMatch(/^fault-/);
  });
});

describe('live', () => {
  const mediaSequence = (text: string): number =>
    Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? Number.NaN);

  it('serves the VOD master playlist unchanged', async () => {
    const master = stream('hls-audio').master;
    expect(await fetchText(`${origin.url}/live/master-check/${master}`)).toBe(
      (await mediaFile(master)).toString(),
    );
  });

  it('slides the window with the injected clock, per session', async () => {
    const url = `${origin.url}/live/slide/hls-ts/144p/index.m3u8`;
    const first = await fetchText(url);
    expect(first).not.toContain('#EXT-X-ENDLIST');
    expect(first).not.toContain('#EXT-X-PLAYLIST-TYPE');
    expect(mediaSequence(first)).toBe(0);
    expect(parseMediaPlaylist(first).segments.map((segment) => segment.uri)).toEqual([
      'seg_000.ts',
      'seg_001.ts',
      'seg_002.ts',
      'seg_003.ts',
    ]);

    nowMs += 2 * SEGMENT_MS;
    const later = await fetchText(url);
    expect(mediaSequence(later)).toBe(2);
    expect(parseMediaPlaylist(later).segments.at(-1)?.uri).toBe('seg_005.ts');
    // Another rendition of the same session is on the same timeline.
    expect(mediaSequence(await fetchText(`${origin.url}/live/slide/hls-ts/360p/index.m3u8`))).toBe(
      2,
    );
    // A new session starts its own stream with a full window.
    expect(mediaSequence(await fetchText(`${origin.url}/live/other/hls-ts/144p/index.m3u8`))).toBe(
      0,
    );
  });

  it('wraps the VOD with a discontinuity and keeps counting sequence numbers', async () => {
    const url = `${origin.url}/live/wrap/hls-fmp4/144p/index.m3u8`;
    await fetchText(url);
    const segmentCount = stream('hls-fmp4').renditions[0]?.segmentCount ?? 0;
    nowMs += (segmentCount - WINDOW + 1) * SEGMENT_MS;
    const text = await fetchText(url);
    expect(mediaSequence(text)).toBe(segmentCount - WINDOW + 1);
    const lastOfLoop = `seg_${String(segmentCount - 1).padStart(3, '0')}.m4s`;
    expect(text).toContain(`${lastOfLoop}\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init.mp4"\n`);
    expect(parseMediaPlaylist(text).segments.at(-1)?.uri).toBe('seg_000.m4s');
  });

  it('serves live segments as the VOD files, byte ranges preserved, counted per session', async () => {
    const sessionPrefix = '/live/bytes/';
    const base = `${origin.url}${sessionPrefix}hls-byterange/144p/`;
    const live = parseMediaPlaylist(await fetchText(`${base}index.m3u8`));
    const file = await mediaFile('hls-byterange/144p/media.ts');
    let expectedBytes = 0;
    for (const segment of live.segments.slice(0, 2)) {
      const range = segment.byteRange;
      if (range === undefined) throw new Error('live segment lost its byte range');
      const { response, body } = await fetchBytes(new URL(segment.uri, base).href, {
        headers: { Range: `bytes=${range.start}-${range.end - 1}` },
      });
      expect(response.status).toBe(206);
      expect(body.equals(file.subarray(range.start, range.end))).toBe(true);
      expectedBytes += body.length;
    }
    await origin.counters.settled({ pathPrefix: sessionPrefix });
    expect(origin.counters.mediaBytes(sessionPrefix)).toBe(expectedBytes);
  });
});

describe('static files', () => {
  it('serves directories with index.html and files with their content types', async () => {
    const index = await fetch(`${origin.url}/site/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>demo</title>');
    const expected: Record<string, string> = {
      'app.js': 'text/javascript; charset=utf-8',
      'app.js.map': 'application/json; charset=utf-8',
      'style.css': 'text/css; charset=utf-8',
      'data.json': 'application/json; charset=utf-8',
      'icon.svg': 'image/svg+xml',
      'logo.png': 'image/png',
    };
    for (const [name, contentType] of Object.entries(expected)) {
      const response = await fetch(`${origin.url}/site/${name}`);
      expect([name, response.headers.get('content-type')]).toEqual([name, contentType]);
      expect(await response.text()).toBe(`content of ${name}`);
    }
    expect((await fetch(`${origin.url}/sitex/app.js`)).status).toBe(404);
  });
});

describe('stop', () => {
  it('closes idle and stalled connections and stops listening', async () => {
    const serversBefore = process
      .getActiveResourcesInfo()
      .filter((name) => name === 'TCPServerWrap').length;
    const other = await startOrigin({ mediaDir: DEFAULT_STREAMS_DIR });
    await fetchBytes(`${other.url}/vod/${stream('hls-ts').master}`); // leaves a keep-alive socket
    other.faults.add({ pathPattern: 'seg_000', stallAfterBytes: 10, delayMs: 0 });
    const stalled = await fetch(`${other.url}/vod/hls-ts/144p/seg_000.ts`);
    const pendingBody = stalled.arrayBuffer();
    await other.stop();
    await expect(pendingBody).rejects.toThrow();
    await expect(fetch(`${other.url}/vod/${stream('hls-ts').master}`)).rejects.toThrow();
    expect(process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap').length).toBe(
      serversBefore,
    );
  });
});
