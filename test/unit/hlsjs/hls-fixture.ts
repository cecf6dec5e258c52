/**
 * The VOD source the adapter tests play, served by a {@link TestOrigin}, and helpers that run the
 * real hls.js (in Node: playlist loading only) to obtain hls.js's own fragment objects.
 */
import Hls, { type HlsConfig, type LevelDetails } from 'hls.js';
import { installHlsGlobals } from './node-hls-env.js';
import { testBytes, type TestOrigin } from './test-origin.js';

/** Size of each ordinary test segment, in bytes. */
export const SEGMENT_BYTES = 40_000;
/** Size of the throttled segment and the rate it is served at. */
export const SLOW_SEGMENT_BYTES = 200_000;
export const SLOW_BYTES_PER_SECOND = 1_000_000;
/** Layout of the byte-range file `/vod/br/all.mp4`: init section, then two segments. */
export const BYTERANGE_LAYOUT = { init: 720, first: 20_000, second: 30_000 } as const;

export const MASTER_PATH = '/vod/master.m3u8';

const MASTER = `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="audio/en/index.m3u8?token=abc"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="en",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="subs/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO="aud",SUBTITLES="subs",RESOLUTION=640x360
v1/index.m3u8?token=abc
#EXT-X-STREAM-INF:BANDWIDTH=1600000,AUDIO="aud",SUBTITLES="subs",RESOLUTION=1280x720
v2/index.m3u8?token=abc
`;

/**
 * A media playlist from sequence 10: an init segment, then ordinary segments `seg<n>.m4s`; the
 * main playlist v1 also lists the special segments the loader tests need.
 */
function mediaPlaylist(segments: readonly string[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:4'];
  lines.push('#EXT-X-MEDIA-SEQUENCE:10', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MAP:URI="init.mp4"');
  for (const segment of segments) lines.push('#EXTINF:4.0,', segment);
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

/** Segment names of v1, by role. Sequence numbers follow the order, from 10. */
export const V1_SEGMENTS = ['seg10.m4s', 'slow11.m4s', 'stall12.m4s', 'missing13.m4s'] as const;

const BYTERANGE_PLAYLIST = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="all.mp4",BYTERANGE="${BYTERANGE_LAYOUT.init}@0"
#EXTINF:4.0,
#EXT-X-BYTERANGE:${BYTERANGE_LAYOUT.first}@${BYTERANGE_LAYOUT.init}
all.mp4
#EXTINF:4.0,
#EXT-X-BYTERANGE:${BYTERANGE_LAYOUT.second}
all.mp4
#EXT-X-ENDLIST
`;

const SUBTITLE_PLAYLIST = `#EXTM3U
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:10
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:4.0,
en10.vtt
#EXT-X-ENDLIST
`;

/** Serves the test source on `origin`. */
export function installVod(origin: TestOrigin): void {
  origin.set(MASTER_PATH, { kind: 'text', body: MASTER });
  origin.set('/vod/v1/index.m3u8', { kind: 'text', body: mediaPlaylist(V1_SEGMENTS) });
  origin.set('/vod/v1/init.mp4', { kind: 'bytes', body: testBytes('/vod/v1/init.mp4', 700) });
  origin.set('/vod/v1/seg10.m4s', { kind: 'bytes', body: testBytes('v1/10', SEGMENT_BYTES) });
  origin.set('/vod/v1/slow11.m4s', {
    kind: 'bytes',
    body: testBytes('v1/11', SLOW_SEGMENT_BYTES),
    throttleBytesPerSecond: SLOW_BYTES_PER_SECOND,
  });
  origin.set('/vod/v1/stall12.m4s', { kind: 'stall' });
  for (const rendition of ['v2', 'audio/en']) {
    const segments = ['seg10.m4s', 'seg11.m4s'];
    origin.set(`/vod/${rendition}/index.m3u8`, { kind: 'text', body: mediaPlaylist(segments) });
    for (const [index, name] of segments.entries()) {
      const path = `/vod/${rendition}/${name}`;
      origin.set(path, {
        kind: 'bytes',
        body: testBytes(`${rendition}/${10 + index}`, SEGMENT_BYTES),
      });
    }
  }
  origin.set('/vod/subs/en.m3u8', { kind: 'text', body: SUBTITLE_PLAYLIST });
  origin.set('/vod/subs/en10.vtt', { kind: 'bytes', body: Buffer.from('WEBVTT\n\n') });
  origin.set('/vod/br/index.m3u8', { kind: 'text', body: BYTERANGE_PLAYLIST });
  const total = BYTERANGE_LAYOUT.init + BYTERANGE_LAYOUT.first + BYTERANGE_LAYOUT.second;
  origin.set('/vod/br/all.mp4', { kind: 'bytes', body: testBytes('br', total) });
}

/** Bytes the origin serves at `path` (as installed by {@link installVod}). */
export function originBytes(path: string): Buffer {
  if (path === '/vod/v1/seg10.m4s') return testBytes('v1/10', SEGMENT_BYTES);
  if (path === '/vod/v1/slow11.m4s') return testBytes('v1/11', SLOW_SEGMENT_BYTES);
  if (path === '/vod/v1/init.mp4') return testBytes('/vod/v1/init.mp4', 700);
  if (path === '/vod/br/all.mp4') {
    const total = BYTERANGE_LAYOUT.init + BYTERANGE_LAYOUT.first + BYTERANGE_LAYOUT.second;
    return testBytes('br', total);
  }
  throw new Error(`no known bytes for ${path}`);
}

/** hls.js config for Node: FetchLoader as the default loader (Node has fetch, not XHR). */
export function nodeHlsConfig(): Partial<HlsConfig> {
  // `progressive: true` is how hls.js selects its FetchLoader; the CommonJS build used by Jest
  // does not export the class itself.
  return { progressive: true, debug: false };
}

/** Playlists hls.js parsed for a source, by type. */
export interface LoadedPlaylists {
  readonly main: LevelDetails;
  readonly audio?: LevelDetails;
  readonly subtitle?: LevelDetails;
  /** The hls.js config (with its FetchLoader) to construct loaders with. */
  readonly config: HlsConfig;
}

/**
 * Loads `path` with a real hls.js and returns the parsed playlists (main always; audio and
 * subtitles when the source has them). hls.js is destroyed afterwards; its fragments stay usable.
 */
export async function loadPlaylists(
  origin: TestOrigin,
  path: string,
  expect: { audio?: boolean; subtitle?: boolean } = {},
): Promise<LoadedPlaylists> {
  installHlsGlobals(origin.baseUrl);
  const hls = new Hls(nodeHlsConfig());
  try {
    const result: { main?: LevelDetails; audio?: LevelDetails; subtitle?: LevelDetails } = {};
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (result.main && (!expect.audio || result.audio) && (!expect.subtitle || result.subtitle))
          resolve();
      };
      hls.on(Hls.Events.LEVEL_LOADED, (_event, data) => {
        result.main ??= data.details;
        check();
      });
      hls.on(Hls.Events.AUDIO_TRACK_LOADED, (_event, data) => {
        result.audio ??= data.details;
        check();
      });
      hls.on(Hls.Events.SUBTITLE_TRACK_LOADED, (_event, data) => {
        result.subtitle ??= data.details;
        check();
      });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) reject(new Error(`hls.js error ${data.details}`));
      });
      hls.loadSource(origin.url(path));
    });
    const { main } = result;
    if (!main) throw new Error('no main playlist');
    return { ...result, main, config: hls.config };
  } finally {
    hls.destroy();
  }
}
