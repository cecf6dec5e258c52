import {
  HlsPlaylistIndex,
  isHlsMediaPlaylist,
  parseHlsMediaPlaylist,
} from '../../../core/shaka/hls-playlist-index.js';

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
  test('locates a segment by URL and byte range, and a refresh replaces its playlist', () => {
    const index = new HlsPlaylistIndex();
    const url = 'http://h/v/index.m3u8';
    index.record(url, parseHlsMediaPlaylist(PLAYLIST, url));
    expect(index.locate('http://h/v/seg_040.ts')).toEqual({ playlistUrl: url, mediaSequence: 40 });
    expect(index.locate('http://h/v/media.ts', { start: 600, end: 650 })).toEqual({
      playlistUrl: url,
      mediaSequence: 42,
    });
    expect(index.locate('http://h/v/media.ts')).toBeUndefined();

    index.record(url, parseHlsMediaPlaylist('#EXT-X-MEDIA-SEQUENCE:41\n#EXTINF:2,\nb.ts\n', url));
    expect(index.locate('http://h/v/seg_040.ts')).toBeUndefined();
    expect(index.locate('http://h/v/b.ts')).toEqual({ playlistUrl: url, mediaSequence: 41 });
    index.clear();
    expect(index.locate('http://h/v/b.ts')).toBeUndefined();
  });
});
