import {
  HlsPlaylistIndex,
  isHlsMediaPlaylist,
  parseHlsMediaPlaylist,
} from '../../../adapters/shaka/hls-playlist-index.js';

const PLAYLIST = [
  '#EXTM3U',
  '#EXT-X-VERSION:4',
  '#EXT-X-TARGETDURATION:2',
  '#EXT-X-MEDIA-SEQUENCE:40',
  '#EXTINF:2.0,',
  'seg_040.ts',
  '#EXTINF:2.0,',
  '#EXT-X-BYTERANGE:100@500',
  'media.ts',
  '#EXTINF:2.0,',
  '#EXT-X-BYTERANGE:50',
  'media.ts',
  '#EXTINF:2.0,',
  'https://other.example/abs.ts?sig=1',
  '',
].join('\n');

describe('parseHlsMediaPlaylist', () => {
  test('numbers segments from EXT-X-MEDIA-SEQUENCE and resolves their URLs', () => {
    const entries = parseHlsMediaPlaylist(PLAYLIST, 'http://h/live/360p/index.m3u8?x=1');
    expect(entries).toEqual([
      { url: 'http://h/live/360p/seg_040.ts', mediaSequence: 40 },
      {
        url: 'http://h/live/360p/media.ts',
        byteRange: { start: 500, end: 600 },
        mediaSequence: 41,
      },
      // A range without @offset continues where the previous range of the same file ended.
      {
        url: 'http://h/live/360p/media.ts',
        byteRange: { start: 600, end: 650 },
        mediaSequence: 42,
      },
      { url: 'https://other.example/abs.ts?sig=1', mediaSequence: 43 },
    ]);
  });

  test('starts at 0 without EXT-X-MEDIA-SEQUENCE', () => {
    const entries = parseHlsMediaPlaylist('#EXTM3U\n#EXTINF:2,\na.ts\n', 'http://h/p.m3u8');
    expect(entries.map((entry) => entry.mediaSequence)).toEqual([0]);
  });
});

test('isHlsMediaPlaylist tells media playlists from multivariant ones', () => {
  expect(isHlsMediaPlaylist(PLAYLIST)).toBe(true);
  expect(isHlsMediaPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv/index.m3u8\n')).toBe(false);
  expect(isHlsMediaPlaylist('<MPD/>')).toBe(false);
});

describe('HlsPlaylistIndex', () => {
  test('locates a segment by URL and byte range', () => {
    const index = new HlsPlaylistIndex();
    const url = 'http://h/v/index.m3u8';
    index.record(url, parseHlsMediaPlaylist(PLAYLIST, url));
    expect(index.locate('http://h/v/seg_040.ts')).toEqual({ playlistUrl: url, mediaSequence: 40 });
    expect(index.locate('http://h/v/media.ts', { start: 600, end: 650 })).toEqual({
      playlistUrl: url,
      mediaSequence: 42,
    });
    expect(index.locate('http://h/v/media.ts')).toBeUndefined();
    index.clear();
    expect(index.locate('http://h/v/seg_040.ts')).toBeUndefined();
  });

  test('a live refresh keeps the segments of the last window that left the playlist, no older', () => {
    const index = new HlsPlaylistIndex();
    const url = 'http://h/live/index.m3u8';
    /** A live playlist of three segments from sequence `first` on. */
    const window = (first: number): string =>
      `#EXT-X-MEDIA-SEQUENCE:${first}\n` +
      [0, 1, 2].map((offset) => `#EXTINF:2,\nseg_${first + offset}.ts`).join('\n');
    const located = (sequence: number): number | undefined =>
      index.locate(`http://h/live/seg_${sequence}.ts`)?.mediaSequence;

    index.record(url, parseHlsMediaPlaylist(window(40), url));
    index.record(url, parseHlsMediaPlaylist(window(43), url));
    // A player behind the edge may still ask for 40-42: Shaka lists them until its window moves.
    expect([39, 40, 42, 43, 45, 46].map(located)).toEqual([undefined, 40, 42, 43, 45, undefined]);
    index.record(url, parseHlsMediaPlaylist(window(46), url));
    expect([42, 43, 45, 46, 48].map(located)).toEqual([undefined, 43, 45, 46, 48]);
  });

  test('a refresh of one playlist leaves the segments of another alone', () => {
    const index = new HlsPlaylistIndex();
    const video = 'http://h/live/video.m3u8';
    const audio = 'http://h/live/audio.m3u8';
    index.record(
      video,
      parseHlsMediaPlaylist('#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:2,\nv7.ts\n', video),
    );
    index.record(
      audio,
      parseHlsMediaPlaylist('#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:2,\na7.ts\n', audio),
    );
    index.record(
      video,
      parseHlsMediaPlaylist('#EXT-X-MEDIA-SEQUENCE:20\n#EXTINF:2,\nv20.ts\n', video),
    );
    expect(index.locate('http://h/live/v7.ts')).toBeUndefined();
    expect(index.locate('http://h/live/a7.ts')).toEqual({ playlistUrl: audio, mediaSequence: 7 });
  });
});
