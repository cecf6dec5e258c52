/**
 * The virtual-viewer process's inputs: the JSON spec from argv (defaults, errors naming the key,
 * the manifest URL it names) and the playlists it parses (variants in hls.js's level order, live
 * playlists placed on one timeline across reloads).
 */
import {
  parseMediaPlaylistSnapshot,
  parseVariants,
  SegmentTimeline,
} from '../../support/virtual-viewer/hls-manifest.js';
import { VirtualViewerError } from '../../support/virtual-viewer/viewer-error.js';
import {
  manifestUrlOf,
  parseViewerSpec,
  readSpecArgument,
  seededRandom,
} from '../../support/virtual-viewer/viewer-spec.js';

const readers = {
  readFile: () => Promise.resolve('{"stream":"hls-ts","p2p":false,"originUrl":"http://o"}'),
  readStdin: () => Promise.resolve('{"stream":"hls-ts","p2p":false,"originUrl":"http://o"}'),
};

describe('viewer spec', () => {
  it('fills in defaults and builds the VOD or live manifest URL', () => {
    const spec = parseViewerSpec({
      stream: 'hls-ts',
      mode: 'live',
      session: 's1',
      originUrl: 'http://10.0.0.1:8080',
      trackers: ['ws://10.0.0.1:8000'],
    });
    expect(spec).toMatchObject({ viewers: 1, seed: 1, seconds: 0, p2p: true, hashSegments: true });
    expect(manifestUrlOf(spec)).toBe('http://10.0.0.1:8080/live/s1/hls-ts/master.m3u8');
    expect(manifestUrlOf({ ...spec, mode: 'vod' })).toBe(
      'http://10.0.0.1:8080/vod/hls-ts/master.m3u8',
    );
    expect(manifestUrlOf({ ...spec, streamUrl: '/x/master.m3u8' })).toBe(
      'http://10.0.0.1:8080/x/master.m3u8',
    );
  });

  it.each([
    [{ stream: 'hls-ts', p2p: true }, /trackers/],
    [{ stream: 'hls-ts', p2p: false, viewers: 0 }, /viewers/],
    [{ stream: 'hls-ts', p2p: false, mode: 'dvr' }, /mode/],
    [{ p2p: false }, /streamUrl/],
    [{ stream: 'hls-ts', p2p: false, colour: 1 }, /colour/],
    [{ stream: 'hls-ts', p2p: false, session: 'a/b' }, /session/],
  ])('rejects %j with a viewer-config error naming the key', (spec, key) => {
    expect(() => parseViewerSpec(spec)).toThrow(key);
    expect(() => parseViewerSpec(spec)).toThrow(VirtualViewerError);
  });

  it('reads the spec from --spec, --spec-file or stdin, and rejects anything else', async () => {
    await expect(
      readSpecArgument(['--spec', '{"stream":"a","p2p":false}'], readers),
    ).resolves.toMatchObject({ stream: 'a' });
    await expect(readSpecArgument(['--spec-file', 'x.json'], readers)).resolves.toMatchObject({
      stream: 'hls-ts',
    });
    await expect(readSpecArgument(['--spec', '-'], readers)).resolves.toMatchObject({ p2p: false });
    await expect(readSpecArgument(['--spec', '{'], readers)).rejects.toMatchObject({
      code: 'viewer-config',
    });
    await expect(readSpecArgument(['--json', '{}'], readers)).rejects.toMatchObject({
      code: 'viewer-config',
    });
  });

  it('gives the same random sequence for the same seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const values = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(seededRandom(8)()).not.toBe(values[0]);
  });
});

describe('playlists', () => {
  it('orders variants by bitrate and remembers which one the playlist listed first', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-STREAM-INF:BANDWIDTH=970832,AVERAGE-BANDWIDTH=916963,CODECS="avc1.4d401e,mp4a.40.2"',
      '360p/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=320352',
      '144p/index.m3u8',
    ].join('\n');
    const { variants, firstLevel } = parseVariants(master, 'http://o/vod/s/master.m3u8');
    expect(variants.map((v) => v.playlistUrl)).toEqual([
      'http://o/vod/s/144p/index.m3u8',
      'http://o/vod/s/360p/index.m3u8',
    ]);
    expect(variants[0]?.averageBitrateBps).toBe(320352);
    expect(firstLevel).toBe(1);
  });

  it('reads byte ranges and init segments, and places live reloads on one timeline', () => {
    const first = parseMediaPlaylistSnapshot(
      [
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MEDIA-SEQUENCE:40',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXTINF:2.0,',
        '#EXT-X-BYTERANGE:100@0',
        'media.mp4',
        '#EXTINF:2.0,',
        '#EXT-X-BYTERANGE:50@100',
        'media.mp4',
      ].join('\n'),
      'http://o/live/a/index.m3u8',
    );
    expect(first.isLive).toBe(true);
    expect(first.segments[1]).toMatchObject({
      sequence: 41,
      url: 'http://o/live/a/media.mp4',
      byteRange: { start: 100, end: 150 },
      init: { url: 'http://o/live/a/init.mp4' },
    });
    const timeline = new SegmentTimeline();
    const placed = timeline.place(first);
    expect(placed.map((s) => [s.segment.id, s.segment.startTime])).toEqual([
      [40, 0],
      [41, 2],
    ]);
    const reload = parseMediaPlaylistSnapshot(
      [
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MEDIA-SEQUENCE:41',
        '#EXTINF:2.0,',
        'b.ts',
        '#EXTINF:2.0,',
        'c.ts',
      ].join('\n'),
      'http://o/live/a/index.m3u8',
    );
    expect(timeline.place(reload).map((s) => [s.segment.id, s.segment.startTime])).toEqual([
      [41, 2],
      [42, 4],
    ]);
  });
});
