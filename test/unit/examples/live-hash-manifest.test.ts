/**
 * The demo origin's live hash manifests on small synthetic streams: at every moment they list the
 * hashes of exactly the segments the live playlist or MPD of that moment lists (never a future
 * one), with the VOD manifest's digests and byte ranges.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { renderDashLiveManifest } from '../../../examples/server/dash-live-manifest.js';
import { renderLiveHashManifest } from '../../../examples/server/live-hash-manifest.js';
import { renderHlsLiveManifest } from '../../../examples/server/live-route.js';
import { parseMediaPlaylist } from '../../../examples/server/hls-playlist.js';
import { hashInput } from '../../../tools/hash-manifest/generate.js';
import { renderHashManifest } from '../../../tools/hash-manifest/manifest-document.js';

const WINDOW = 2;
const SEGMENTS = 6;

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'live-hashes-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(relative: string, content: string | Buffer): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), content);
}

/** Writes the VOD hash manifest of stream folder `name` from its master/MPD, as generate.sh does. */
async function publishVodHashes(name: string, master: string): Promise<void> {
  const dir = path.join(root, name);
  const { entries } = await hashInput(path.join(dir, master), dir);
  await writeFile(path.join(dir, 'segments-sha256.json'), renderHashManifest(entries));
}

function liveKeys(text: string | undefined): string[] {
  if (text === undefined) throw new Error('no live hash manifest');
  const document = JSON.parse(text) as { live?: boolean; segments: Record<string, unknown> };
  expect(document.live).toBe(true);
  return Object.entries(document.segments)
    .flatMap(([key, value]) =>
      typeof value === 'string' ? [key] : Object.keys(value as object).map((r) => `${key}@${r}`),
    )
    .sort();
}

describe('live hash manifest, HLS', () => {
  beforeAll(async () => {
    const files: string[] = ['#EXTM3U', '#EXT-X-VERSION:4', '#EXT-X-TARGETDURATION:2'];
    const ranges: string[] = [...files];
    for (let i = 0; i < SEGMENTS; i++) {
      await write(`hls/a/s${i}.ts`, randomBytes(1000 + i));
      files.push('#EXTINF:2.000000,', `s${i}.ts`);
      ranges.push('#EXTINF:2.000000,', `#EXT-X-BYTERANGE:500@${i * 500}`, 'media.ts');
    }
    await write('hls/b/media.ts', randomBytes(SEGMENTS * 500));
    await write('hls/a/index.m3u8', [...files, '#EXT-X-ENDLIST', ''].join('\n'));
    await write('hls/b/index.m3u8', [...ranges, '#EXT-X-ENDLIST', ''].join('\n'));
    await write(
      'hls/master.m3u8',
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\na/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2000\nb/index.m3u8\n',
    );
    await publishVodHashes('hls', 'master.m3u8');
  });

  /** Keys (with ranges) the live media playlists list at `elapsedMs`. */
  function playlistKeys(elapsedMs: number): string[] {
    const keys: string[] = [];
    for (const rendition of ['a', 'b']) {
      const vodText = readFileSync(path.join(root, 'hls', rendition, 'index.m3u8'), 'utf8');
      const live = parseMediaPlaylist(
        renderHlsLiveManifest({
          vodText,
          elapsedMs,
          sessionStartMs: 0,
          segmentsInWindow: WINDOW,
        }),
      );
      for (const segment of live.segments) {
        const key = `${rendition}/${segment.uri}`;
        keys.push(
          segment.byteRange === undefined
            ? key
            : `${key}@${segment.byteRange.start}-${segment.byteRange.end - 1}`,
        );
      }
    }
    return [...new Set(keys)].sort();
  }

  it.each([0, 1999, 2000, 7000, 11_999, 12_000, 30_500])(
    'lists exactly what the live playlists list at %i ms (wraps included)',
    async (elapsedMs) => {
      const text = await renderLiveHashManifest({
        streamDir: path.join(root, 'hls'),
        elapsedMs,
        segmentsInWindow: WINDOW,
      });
      expect(liveKeys(text)).toEqual(playlistKeys(elapsedMs));
    },
  );

  it('is undefined for a stream without a VOD hash manifest', async () => {
    await write('bare/master.m3u8', '#EXTM3U\n');
    await expect(
      renderLiveHashManifest({
        streamDir: path.join(root, 'bare'),
        elapsedMs: 0,
        segmentsInWindow: 2,
      }),
    ).resolves.toBeUndefined();
  });
});

describe('live hash manifest, DASH', () => {
  beforeAll(async () => {
    for (let i = 1; i <= SEGMENTS; i++) await write(`dash/seg-0-${i}.m4s`, randomBytes(300));
    for (let i = 0; i < SEGMENTS; i++) await write(`dash/seg-1-${i * 2000}.m4s`, randomBytes(300));
    await write(
      'dash/manifest.mpd',
      `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT12S" maxSegmentDuration="PT2S">
  <Period id="0" start="PT0S">
    <AdaptationSet id="0" contentType="video">
      <Representation id="0" bandwidth="1000">
        <SegmentTemplate timescale="1000" duration="2000" initialization="init-$RepresentationID$.m4s" media="seg-$RepresentationID$-$Number$.m4s" startNumber="1" />
      </Representation>
      <Representation id="1" bandwidth="2000">
        <SegmentTemplate timescale="1000" initialization="init-$RepresentationID$.m4s" media="seg-$RepresentationID$-$Time$.m4s">
          <SegmentTimeline><S t="0" d="2000" r="${SEGMENTS - 1}" /></SegmentTimeline>
        </SegmentTemplate>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
`,
    );
    await publishVodHashes('dash', 'manifest.mpd');
  });

  it.each([0, 1999, 2000, 5000, 8000, 100_000])(
    'lists the published window of every Representation at %i ms, as the live MPD does',
    async (elapsedMs) => {
      const text = await renderLiveHashManifest({
        streamDir: path.join(root, 'dash'),
        elapsedMs,
        segmentsInWindow: WINDOW,
      });
      // The live MPD's timeline (Representation 1) names exactly the $Time$ segments listed.
      const mpd = renderDashLiveManifest({
        vodText: readFileSync(path.join(root, 'dash/manifest.mpd'), 'utf8'),
        elapsedMs,
        sessionStartMs: 0,
        segmentsInWindow: WINDOW,
      });
      const times = [...mpd.matchAll(/<S t="(\d+)"/g)].map((match) => `seg-1-${match[1]}.m4s`);
      // $Number$: segment n (from 1) is published once its end, n x 2 s, is within elapsed + window.
      const published = Math.min(SEGMENTS, Math.floor((elapsedMs + WINDOW * 2000) / 2000));
      const numbers = [];
      for (let n = Math.max(1, published - WINDOW + 1); n <= published; n++) {
        numbers.push(`seg-0-${n}.m4s`);
      }
      expect(liveKeys(text)).toEqual([...numbers, ...times].sort());
    },
  );
});
