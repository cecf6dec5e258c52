/**
 * The servers a browser test needs, on random local ports: the origin (test streams, our dist/
 * bundles, hls.js's UMD build, the test pages) and, unless turned off, an embedded WebTorrent tracker.
 * One stack per test file: its origin counters then only see that file's viewers.
 */
import path from 'node:path';
import { startOrigin, type OriginServer } from '../../examples/server/origin.js';
import { vendorStaticDirs } from '../../examples/server/vendor-dirs.js';
import type { TrackerServer } from '../../tracker/index.js';
import { MEDIA_DIR } from './origin-media.js';

const ROOT_DIR = path.resolve(__dirname, '../..');

/** URL prefixes the origin serves besides the streams, and their directories. */
const STATIC_DIRS: Record<string, string> = {
  '/dist': path.join(ROOT_DIR, 'dist'),
  ...vendorStaticDirs(ROOT_DIR),
  '/test-pages': path.join(ROOT_DIR, 'test/browser/pages'),
  '/examples': path.join(ROOT_DIR, 'examples'),
};

/** Running servers of one test file. */
export interface Stack {
  readonly origin: OriginServer;
  /** e.g. 'http://127.0.0.1:40123'. */
  readonly originUrl: string;
  /** The embedded tracker (undefined when started with `tracker: false`). */
  readonly tracker: TrackerServer | undefined;
  /** WebSocket URL of the tracker (undefined when started with `tracker: false`). */
  readonly trackerUrl: string | undefined;
  /**
   * Engine settings for P2P on this machine only: the embedded tracker and no STUN servers (host
   * candidates are enough between local peers, and STUN would be traffic the route guard cannot
   * see). Throws when the stack runs without a tracker.
   */
  localP2PConfig(): { trackers: string[]; rtcConfig: { iceServers: [] } };
  /** VOD master playlist URL of a generated stream kind. */
  vodUrl(stream: string): string;
  /** Live master playlist URL: `session` gets its own clock (its own live stream and swarm). */
  liveUrl(session: string, stream: string): string;
  /** VOD or live manifest URL of any generated stream kind (HLS master playlist or DASH MPD). */
  manifestUrl(stream: string, live?: { readonly session: string }): string;
  /** URL players send stats beacons to (`statsBeacon.url`); read them back at `/stats.json`. */
  readonly beaconUrl: string;
  /** Stops every server. */
  stop(): Promise<void>;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  /** Start the embedded tracker. Default true. */
  readonly tracker?: boolean;
  /** Live playlist window in segments (origin default when omitted). */
  readonly liveSegmentsInWindow?: number;
}

/** Starts the origin and (by default) the tracker on random 127.0.0.1 ports. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const origin = await startOrigin({
    port: 0,
    host: '127.0.0.1',
    mediaDir: MEDIA_DIR,
    staticDirs: STATIC_DIRS,
    ...(options.liveSegmentsInWindow === undefined
      ? {}
      : { liveSegmentsInWindow: options.liveSegmentsInWindow }),
  });
  let tracker: TrackerServer | undefined;
  try {
    if (options.tracker ?? true) {
      // Loaded only when wanted: HTTP-only test files need no tracker code.
      const { startTrackerServer } = await import('../../tracker/index.js');
      // Every test viewer connects from the same address: no per-address socket cap.
      tracker = await startTrackerServer({ port: 0, host: '127.0.0.1', maxSocketsPerIp: 0 });
    }
  } catch (error) {
    await origin.stop();
    throw error;
  }
  const originUrl = origin.url;
  return {
    origin,
    originUrl,
    tracker,
    trackerUrl: tracker?.url,
    localP2PConfig: () => {
      if (tracker === undefined) throw new Error('this stack was started without a tracker');
      return { trackers: [tracker.url], rtcConfig: { iceServers: [] } };
    },
    vodUrl: (stream) => `${originUrl}/vod/${stream}/master.m3u8`,
    liveUrl: (session, stream) => `${originUrl}/live/${session}/${stream}/master.m3u8`,
    manifestUrl: (stream, live) => {
      const file = stream.startsWith('dash-') ? 'manifest.mpd' : 'master.m3u8';
      return live === undefined
        ? `${originUrl}/vod/${stream}/${file}`
        : `${originUrl}/live/${live.session}/${stream}/${file}`;
    },
    beaconUrl: `${originUrl}/beacon`,
    stop: async () => {
      await Promise.all([origin.stop(), tracker?.stop()]);
    },
  };
}
