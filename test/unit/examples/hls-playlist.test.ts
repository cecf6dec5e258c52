import {
  isMasterPlaylist,
  parseAttributeList,
  parseMediaPlaylist,
  PlaylistParseError,
} from '../../../examples/server/hls-playlist.js';

const TS_PLAYLIST = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:7
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:2.000000,
seg_000.ts
#EXTINF:1.5,first title
seg_001.ts
#EXT-X-ENDLIST
`;

describe('parseMediaPlaylist', () => {
  it('reads playlist tags and segments with durations and titles', () => {
    const playlist = parseMediaPlaylist(TS_PLAYLIST);
    expect(playlist).toMatchObject({
      version: 3,
      targetDurationSec: 2,
      mediaSequence: 7,
      discontinuitySequence: 0,
      playlistType: 'VOD',
      endList: true,
      independentSegments: false,
    });
    expect(playlist.segments).toEqual([
      { uri: 'seg_000.ts', durationSec: 2, title: '', discontinuity: false },
      { uri: 'seg_001.ts', durationSec: 1.5, title: 'first title', discontinuity: false },
    ]);
  });

  it('resolves implicit byte-range offsets from the previous range of the same resource', () => {
    const playlist = parseMediaPlaylist(
      [
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:2',
        '#EXTINF:2,',
        '#EXT-X-BYTERANGE:100@50',
        'media.ts',
        '#EXTINF:2,',
        '#EXT-X-BYTERANGE:30',
        'media.ts',
        '#EXTINF:2,',
        '#EXT-X-BYTERANGE:5@0',
        'other.ts',
      ].join('\r\n'),
    );
    expect(playlist.segments.map((segment) => segment.byteRange)).toEqual([
      { start: 50, end: 150 },
      { start: 150, end: 180 },
      { start: 0, end: 5 },
    ]);
  });

  it('rejects an implicit offset that does not follow a range of the same resource', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-TARGETDURATION:2',
      '#EXTINF:2,',
      '#EXT-X-BYTERANGE:100@0',
      'a.ts',
      '#EXTINF:2,',
      '#EXT-X-BYTERANGE:10',
      'b.ts',
    ].join('\n');
    expect(() => parseMediaPlaylist(text)).toThrow(PlaylistParseError);
    expect(() => parseMediaPlaylist(text)).toThrow(/line 7/);
  });

  it('attaches the EXT-X-MAP in force (with its byte range) to each following segment', () => {
    const playlist = parseMediaPlaylist(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXTINF:2,',
        'seg_000.m4s',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-MAP:URI="other init.mp4",BYTERANGE="700@20"',
        '#EXTINF:2,',
        'seg_001.m4s',
      ].join('\n'),
    );
    expect(playlist.segments[0]?.init).toEqual({ uri: 'init.mp4' });
    expect(playlist.segments[1]?.init).toEqual({
      uri: 'other init.mp4',
      byteRange: { start: 20, end: 720 },
    });
    expect(playlist.segments.map((segment) => segment.discontinuity)).toEqual([false, true]);
  });

  it('refuses text that is not a media playlist', () => {
    expect(() => parseMediaPlaylist('seg.ts\n')).toThrow(/EXTM3U/);
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXTINF:2,\nseg.ts\n')).toThrow(/TARGETDURATION/);
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\nseg.ts\n')).toThrow(
      /without #EXTINF/,
    );
    expect(() =>
      parseMediaPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow/index.m3u8\n'),
    ).toThrow(/master/);
    expect(() =>
      parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:abc,\ns.ts'),
    ).toThrow(/EXTINF/);
  });
});

describe('parseAttributeList', () => {
  it('keeps commas inside quoted values and unquotes them', () => {
    expect(
      Object.fromEntries(parseAttributeList('BANDWIDTH=800000,CODECS="avc1.4d401e,mp4a.40.2",X=1')),
    ).toEqual({ BANDWIDTH: '800000', CODECS: 'avc1.4d401e,mp4a.40.2', X: '1' });
  });

  it('rejects garbage after a quoted value', () => {
    expect(() => parseAttributeList('URI="a"b')).toThrow(PlaylistParseError);
  });
});

describe('isMasterPlaylist', () => {
  it('tells master playlists from media playlists', () => {
    expect(isMasterPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n')).toBe(true);
    expect(isMasterPlaylist('#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en"\n')).toBe(
      true,
    );
    expect(isMasterPlaylist(TS_PLAYLIST)).toBe(false);
  });
});
