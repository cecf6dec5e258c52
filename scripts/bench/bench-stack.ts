/**
 * The servers the bench measures against, started by the bench itself on random 127.0.0.1 ports:
 * the origin (streams, our dist/ bundles, hls.js, the test pages) and the embedded tracker. The
 * origin's own counters are the ground truth for "bytes the CDN served".
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTrackerServer, type TrackerServer } from '../../core/tracker/index.js';
import { startOrigin, type OriginServer } from '../../examples/server/origin.js';

/** The repository root (this file is scripts/bench/bench-stack.ts). */
export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Running origin and tracker. */
export interface BenchStack {
  readonly origin: OriginServer;
  readonly tracker: TrackerServer;
  /** Engine settings for P2P on this machine only: the local tracker and no STUN servers. */
  readonly p2pConfig: { readonly trackers: string[]; readonly rtcConfig: { iceServers: [] } };
  /** Stops both servers. */
  stop(): Promise<void>;
}

/** Starts the origin and the tracker. */
export async function startBenchStack(): Promise<BenchStack> {
  const origin = await startOrigin({
    port: 0,
    host: '127.0.0.1',
    mediaDir: path.join(ROOT_DIR, 'examples/media/streams'),
    staticDirs: {
      '/dist': path.join(ROOT_DIR, 'dist'),
      '/node_modules/hls.js/dist': path.join(ROOT_DIR, 'node_modules/hls.js/dist'),
      '/test-pages': path.join(ROOT_DIR, 'test/browser/pages'),
    },
  });
  let tracker: TrackerServer;
  try {
    tracker = await startTrackerServer({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await origin.stop();
    throw error;
  }
  return {
    origin,
    tracker,
    p2pConfig: { trackers: [tracker.url], rtcConfig: { iceServers: [] } },
    stop: async () => {
      await Promise.all([origin.stop(), tracker.stop()]);
    },
  };
}
