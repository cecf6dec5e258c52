import { hlsIndexStreamKey, hlsStreamKey } from '../../../core/hls/stream-key.js';

const MANIFEST = 'https://cdn-a.example/live/event/master.m3u8';

describe('hlsStreamKey', () => {
  it('makes a playlist under the manifest directory relative to it, prefixed by kind', () => {
    expect(hlsStreamKey('main', 'https://cdn-a.example/live/event/v1/index.m3u8', MANIFEST)).toBe(
      'main:v1/index.m3u8',
    );
    expect(
      hlsStreamKey('audio', 'https://cdn-a.example/live/event/audio/en/index.m3u8', MANIFEST),
    ).toBe('audio:audio/en/index.m3u8');
  });

  it('ignores the query string and fragment of playlist and manifest', () => {
    expect(
      hlsStreamKey(
        'main',
        'https://cdn-a.example/live/event/v1/index.m3u8?token=abc&_HLS_msn=12#frag',
        `${MANIFEST}?token=abc`,
      ),
    ).toBe('main:v1/index.m3u8');
  });

  it('gives viewers with differently signed URLs the same key', () => {
    const viewerA = hlsStreamKey(
      'main',
      'https://cdn-a.example/live/event/v1/index.m3u8?sig=AAAA&exp=1',
      `${MANIFEST}?sig=AAAA&exp=1`,
    );
    const viewerB = hlsStreamKey(
      'main',
      'https://cdn-a.example/live/event/v1/index.m3u8?sig=BBBB&exp=2',
      `${MANIFEST}?sig=BBBB&exp=2`,
    );
    expect(viewerA).toBe(viewerB);
  });

  it('gives copies of a stream on CDNs with the same layout under other prefixes the same key', () => {
    const onA = hlsStreamKey('main', 'https://cdn-a.example/live/event/v1/index.m3u8', MANIFEST);
    const onB = hlsStreamKey(
      'main',
      'https://cdn-b.example/mirror/7/v1/index.m3u8',
      'https://cdn-b.example/mirror/7/master.m3u8',
    );
    expect(onA).toBe(onB);
  });

  it('compares paths only, so a steering pathway on another host keeps the key', () => {
    expect(hlsStreamKey('main', 'https://cdn-b.example/live/event/v1/index.m3u8', MANIFEST)).toBe(
      hlsStreamKey('main', 'https://cdn-a.example/live/event/v1/index.m3u8', MANIFEST),
    );
  });

  it('tells renditions and kinds apart', () => {
    const v1 = hlsStreamKey('main', 'https://cdn-a.example/live/event/v1/index.m3u8', MANIFEST);
    const v2 = hlsStreamKey('main', 'https://cdn-a.example/live/event/v2/index.m3u8', MANIFEST);
    const audioSameUrl = hlsStreamKey(
      'audio',
      'https://cdn-a.example/live/event/v1/index.m3u8',
      MANIFEST,
    );
    expect(new Set([v1, v2, audioSameUrl]).size).toBe(3);
  });

  it('keeps the absolute path of a playlist outside the manifest directory', () => {
    expect(hlsStreamKey('main', 'https://cdn-a.example/other/v1/index.m3u8', MANIFEST)).toBe(
      'main:/other/v1/index.m3u8',
    );
    expect(hlsStreamKey('main', 'https://cdn-a.example/live/event/v1.m3u8', undefined)).toBe(
      'main:/live/event/v1.m3u8',
    );
  });

  it('names a source that is a media playlist itself by its file name', () => {
    const url = 'https://cdn-a.example/vod/movie/index.m3u8?token=x';
    expect(hlsStreamKey('main', url, url)).toBe('main:index.m3u8');
  });

  it('does not treat a sibling directory with the same prefix as being under the manifest', () => {
    expect(hlsStreamKey('main', 'https://cdn-a.example/live/event2/v1.m3u8', MANIFEST)).toBe(
      'main:/live/event2/v1.m3u8',
    );
  });
});

describe('hlsIndexStreamKey', () => {
  it('never equals a URL-derived key', () => {
    const byIndex = hlsIndexStreamKey('main', 0);
    expect(byIndex).toBe('main:#0');
    const byUrl = hlsStreamKey('main', 'https://cdn-a.example/live/event/%230', MANIFEST);
    expect(byUrl).not.toBe(byIndex);
  });
});
