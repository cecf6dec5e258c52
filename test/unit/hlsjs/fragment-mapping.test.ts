import type { LevelDetails } from 'hls.js';
import {
  fragmentByteRange,
  fragmentSegment,
  fragmentStreamKind,
  levelPlaylistUrl,
  playlistSegments,
} from '../../../adapters/hlsjs/fragment-mapping.js';
import type {
  FragmentLike,
  LevelDetailsLike,
  LevelLike,
} from '../../../adapters/hlsjs/hlsjs-types.js';
import { BYTERANGE_LAYOUT, installVod, loadPlaylists, MASTER_PATH } from './hls-fixture.js';
import { TestOrigin } from './test-origin.js';

let origin: TestOrigin;
let byteRanges: LevelDetails;
let master: Awaited<ReturnType<typeof loadPlaylists>>;

beforeAll(async () => {
  origin = await TestOrigin.start();
  installVod(origin);
  byteRanges = (await loadPlaylists(origin, '/vod/br/index.m3u8')).main;
  master = await loadPlaylists(origin, MASTER_PATH, { audio: true, subtitle: true });
});

afterAll(async () => {
  await origin.close();
});

describe('fragment mapping (fragments parsed by hls.js -> engine segments)', () => {
  it('maps media sequence numbers, absolute URLs, times and half-open byte ranges', () => {
    const { init, first, second } = BYTERANGE_LAYOUT;
    expect(playlistSegments(byteRanges)).toEqual([
      {
        id: 0,
        url: origin.url('/vod/br/all.mp4'),
        byteRange: { start: init, end: init + first },
        startTime: 0,
        endTime: 4,
      },
      {
        // EXT-X-BYTERANGE without an offset continues where the previous range ended
        id: 1,
        url: origin.url('/vod/br/all.mp4'),
        byteRange: { start: init + first, end: init + first + second },
        startTime: 4,
        endTime: 8,
      },
    ]);
  });

  it('uses the byte range hls.js requests: rangeEnd is exclusive (Range: start-(end-1))', () => {
    const frag = byteRanges.fragments[0];
    expect(frag && fragmentByteRange(frag)).toEqual({
      start: frag?.byteRangeStartOffset,
      end: frag?.byteRangeEndOffset,
    });
    expect(frag?.byteLength).toBe(BYTERANGE_LAYOUT.first);
  });

  it('numbers segments from EXT-X-MEDIA-SEQUENCE', () => {
    const segments = playlistSegments(master.main);
    expect(segments?.map((segment) => segment.id)).toEqual([10, 11, 12, 13]);
    expect(segments?.[0]?.url).toBe(origin.url('/vod/v1/seg10.m4s'));
  });

  it('leaves init segments out', () => {
    const init = byteRanges.fragments[0]?.initSegment;
    expect(init?.sn).toBe('initSegment');
    expect(init && fragmentSegment(init)).toBeUndefined();
  });

  it('knows main and audio fragments and nothing else', () => {
    const kinds = [master.main, master.audio, master.subtitle].map((details) => {
      const frag = details?.fragments[0];
      return frag && fragmentStreamKind(frag);
    });
    expect(kinds).toEqual(['main', 'audio', undefined]);
  });

  it('leaves out EXT-X-GAP segments', () => {
    const frag: FragmentLike = {
      sn: 11,
      url: origin.url('/vod/v1/slow11.m4s'),
      byteRange: [],
      start: 4,
      duration: 4,
      type: 'main',
      baseurl: master.main.url,
      level: 0,
    };
    expect(fragmentSegment(frag)?.id).toBe(11);
    expect(fragmentSegment({ ...frag, gap: true })).toBeUndefined();
  });

  it('reports no list while an EXT-X-SKIP delta update is not merged (hls.js holds nulls)', () => {
    const delta: LevelDetailsLike = {
      url: master.main.url,
      live: true,
      fragments: [null, null, ...master.main.fragments.slice(2)],
    };
    expect(playlistSegments(delta)).toBeUndefined();
  });
});

describe('levelPlaylistUrl', () => {
  it('prefers the loaded playlist URL, then the declared one', () => {
    const declared: LevelLike = { bitrate: 1, url: ['https://a/1.m3u8', 'https://b/1.m3u8'] };
    expect(levelPlaylistUrl(declared)).toBe('https://a/1.m3u8');
    expect(levelPlaylistUrl({ ...declared, urlId: 1 })).toBe('https://b/1.m3u8');
    expect(levelPlaylistUrl({ ...declared, details: master.main })).toBe(
      origin.url('/vod/v1/index.m3u8?token=abc'),
    );
  });
});
