/**
 * The demo origin publishes trusted segment hashes over real HTTP: each VOD stream's signed
 * `segments-sha256.json`, and per live session a signed manifest that grows with the live window
 * (driven by an injected clock) and whose digests match the segment bytes the origin serves.
 */
import { createHash } from 'node:crypto';
import { loadHashManifest } from '../../core/p2p/integrity/hash-manifest-loader.js';
import type { HashManifest } from '../../core/p2p/integrity/hash-manifest.js';
import { bytesToHex } from '../../core/p2p/integrity/sha256.js';
import {
  DEFAULT_STREAMS_DIR,
  ensureGeneratedStreams,
  readHashesPublicKey,
} from '../../examples/media/streams-manifest.js';
import { parseMediaPlaylist } from '../../examples/server/hls-playlist.js';
import { startOrigin, type OriginServer } from '../../examples/server/origin.js';

const WINDOW = 3;
let origin: OriginServer;
let publicKey: string;
let nowMs = Date.UTC(2024, 0, 1);

beforeAll(async () => {
  await ensureGeneratedStreams({ requiredStreams: ['hls-ts', 'hls-byterange', 'dash-timeline'] });
  publicKey = await readHashesPublicKey();
  origin = await startOrigin({
    mediaDir: DEFAULT_STREAMS_DIR,
    liveSegmentsInWindow: WINDOW,
    clock: () => nowMs,
  });
}, 300_000);

afterAll(async () => {
  await origin.stop();
});

async function fetchBytes(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, signal === undefined ? {} : { signal });
  if (!response.ok) throw new Error(`${response.status} for ${url}`);
  return new Uint8Array(await response.arrayBuffer());
}

function load(url: string): Promise<HashManifest> {
  return loadHashManifest(url, fetchBytes, { publicKey, signal: new AbortController().signal });
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Listed keys of a manifest URL, with `@start-end` for ranges. */
async function listedKeys(url: string): Promise<string[]> {
  const document = JSON.parse(new TextDecoder().decode(await fetchBytes(url))) as {
    segments: Record<string, string | Record<string, string>>;
  };
  return Object.entries(document.segments)
    .flatMap(([key, value]) =>
      typeof value === 'string' ? [key] : Object.keys(value).map((range) => `${key}@${range}`),
    )
    .sort();
}

/** Every segment the live media playlists of an HLS stream list now, as absolute URLs. */
async function liveHlsSegments(
  base: string,
  renditions: string[],
): Promise<{ url: string; key: string; byteRange?: { start: number; end: number } }[]> {
  const segments = [];
  for (const rendition of renditions) {
    const playlistUrl = `${base}${rendition}/index.m3u8`;
    const playlist = parseMediaPlaylist(new TextDecoder().decode(await fetchBytes(playlistUrl)));
    for (const segment of playlist.segments) {
      const range = segment.byteRange;
      segments.push({
        url: new URL(segment.uri, playlistUrl).href,
        key: `${rendition}/${segment.uri}${range ? `@${range.start}-${range.end - 1}` : ''}`,
        ...(range === undefined ? {} : { byteRange: range }),
      });
    }
  }
  return segments;
}

describe('hash manifests published by the demo origin', () => {
  it('serves each VOD stream a signed manifest whose digests match the served segments', async () => {
    const manifest = await load(`${origin.url}/vod/hls-ts/segments-sha256.json`);
    expect(manifest.size).toBe(360);
    const url = `${origin.url}/vod/hls-ts/360p/seg_007.ts`;
    expect(bytesToHex(manifest.digestFor({ url }) ?? new Uint8Array())).toBe(
      sha256Hex(await fetchBytes(url)),
    );
    // Another rendition's segment of the same name has its own digest.
    expect(manifest.digestFor({ url: `${origin.url}/vod/hls-ts/144p/seg_007.ts` })).not.toEqual(
      manifest.digestFor({ url }),
    );
  });

  it('lists DASH SegmentBase streams as the sidx byte ranges, matching the served ranges', async () => {
    const url = `${origin.url}/vod/dash-base/segments-sha256.json`;
    const manifest = await load(url);
    const document = JSON.parse(new TextDecoder().decode(await fetchBytes(url))) as {
      segments: Record<string, Record<string, string>>;
    };
    const ranges = Object.keys(document.segments['media-1.mp4'] ?? {});
    expect(ranges).toHaveLength(120);
    for (const range of [ranges[0], ranges[60], ranges[119]]) {
      const [start = 0, endInclusive = 0] = (range ?? '').split('-').map(Number);
      const segmentUrl = `${origin.url}/vod/dash-base/media-1.mp4`;
      const response = await fetch(segmentUrl, { headers: { Range: `bytes=${range}` } });
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(bytes.byteLength).toBe(endInclusive + 1 - start);
      const digest = manifest.digestFor({
        url: segmentUrl,
        byteRange: { start, end: endInclusive + 1 },
      });
      expect(digest && bytesToHex(digest)).toBe(sha256Hex(bytes));
    }
  });

  it.each([
    ['hls-ts', ['144p', '240p', '360p']],
    ['hls-byterange', ['144p', '360p']],
  ])(
    'live %s: lists exactly the live window, grows with it, and matches the served bytes',
    async (stream, renditions) => {
      const base = `${origin.url}/live/hashes-${stream}/${stream}/`;
      const manifestUrl = `${base}segments-sha256.json`;
      for (let step = 0; step < 3; step++) {
        const segments = await liveHlsSegments(base, renditions);
        expect(await listedKeys(manifestUrl)).toEqual(segments.map((s) => s.key).sort());
        const manifest = await load(manifestUrl);
        expect(manifest.live).toBe(true);
        for (const segment of segments.slice(-2)) {
          const response = await fetch(segment.url, {
            headers: segment.byteRange
              ? { Range: `bytes=${segment.byteRange.start}-${segment.byteRange.end - 1}` }
              : {},
          });
          const bytes = new Uint8Array(await response.arrayBuffer());
          const digest = manifest.digestFor(segment);
          expect(digest && bytesToHex(digest)).toBe(sha256Hex(bytes));
        }
        nowMs += 2000; // one segment later: the window slides by one.
      }
    },
  );

  it('live DASH (SegmentTimeline): lists the segments the live MPD names, no future one', async () => {
    const base = `${origin.url}/live/hashes-dash/dash-timeline/`;
    const mpd = new TextDecoder().decode(await fetchBytes(`${base}manifest.mpd`));
    const listed = await listedKeys(`${base}segments-sha256.json`);
    // Video and audio timescales differ: compare per Representation from the MPD itself.
    const perRepresentation = [
      ...mpd.matchAll(
        /<Representation id="(\d+)"[\s\S]*?<SegmentTimeline>([\s\S]*?)<\/SegmentTimeline>/g,
      ),
    ].flatMap((match) =>
      [...(match[2] ?? '').matchAll(/<S t="(\d+)"/g)].map((s) => `seg-${match[1]}-${s[1]}.m4s`),
    );
    // Full windows of both video Representations; audio (shifted by its priming frame) may lag one.
    expect(perRepresentation.length).toBeGreaterThanOrEqual(2 * WINDOW);
    expect(listed).toEqual([...perRepresentation].sort());
    const manifest = await load(`${base}segments-sha256.json`);
    const last = perRepresentation[perRepresentation.length - 1] ?? '';
    const bytes = await fetchBytes(`${base}${last}`);
    expect(bytesToHex(manifest.digestFor({ url: `${base}${last}` }) ?? new Uint8Array())).toBe(
      sha256Hex(bytes),
    );
  });

  it('answers 404 for the hashes of an unknown stream', async () => {
    const response = await fetch(`${origin.url}/live/x/no-such-stream/segments-sha256.json`);
    expect(response.status).toBe(404);
    await response.arrayBuffer();
  });
});
