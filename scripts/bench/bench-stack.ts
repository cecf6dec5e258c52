/**
 * The servers the bench measures against, started by the bench itself on random 127.0.0.1 ports:
 * the origin (streams, our dist/ bundles, hls.js, the test pages) and the embedded tracker. The
 * origin's own counters are the ground truth for "bytes the CDN served".
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTrackerServer, type TrackerServer } from '../../tracker/index.js';
import { startOrigin, type OriginServer } from '../../examples/server/origin.js';
import { vendorStaticDirs } from '../../examples/server/vendor-dirs.js';

/** The repository root (this file is scripts/bench/bench-stack.ts). */
export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Running origin and tracker. */
export interface BenchStack {
  readonly origin: OriginServer;
  readonly tracker: TrackerServer;
  /** First 12 hex digits of a SHA-256 over every UMD bundle served: which build was measured. */
  readonly bundleDigest: string;
  /** Engine settings for P2P on this machine only: the local tracker and no STUN servers. */
  readonly p2pConfig: { readonly trackers: string[]; readonly rtcConfig: { iceServers: [] } };
  /** Stops both servers. */
  stop(): Promise<void>;
}

/**
 * Copies dist/umd to a private directory: a rebuild while the bench runs (a few minutes) must not
 * hand later viewers a different bundle than earlier ones.
 */
function snapshotBundles(): { dir: string; digest: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'p2pml-bench-dist-'));
  cpSync(path.join(ROOT_DIR, 'dist/umd'), path.join(dir, 'umd'), { recursive: true });
  // Every script bundle counts: the Shaka and player pages load others than the hls.js one.
  const hash = createHash('sha256');
  for (const name of readdirSync(path.join(dir, 'umd')).sort()) {
    if (name.endsWith('.js')) hash.update(name).update(readFileSync(path.join(dir, 'umd', name)));
  }
  return { dir, digest: hash.digest('hex').slice(0, 12) };
}

/**
 * Starts the origin and the tracker, listening on `host`: 127.0.0.1 (default), or 0.0.0.0 with
 * `--network` (inside netns-run.sh's private namespace, whose only other addresses are the lab
 * one and the test host), so lab viewers reach them too. Their URLs say 127.0.0.1 either way: a
 * page must come from a secure context (loopback) for `crypto.subtle`.
 */
export async function startBenchStack(host = '127.0.0.1'): Promise<BenchStack> {
  const bundles = snapshotBundles();
  const removeBundles = (): void => {
    rmSync(bundles.dir, { recursive: true, force: true });
  };
  let origin: OriginServer;
  try {
    const listening = await startOrigin({
      port: 0,
      host,
      mediaDir: path.join(ROOT_DIR, 'examples/media/streams'),
      staticDirs: {
        '/dist': bundles.dir,
        ...vendorStaticDirs(ROOT_DIR),
        '/test-pages': path.join(ROOT_DIR, 'test/browser/pages'),
      },
    });
    origin =
      host === '0.0.0.0'
        ? { ...listening, url: listening.url.replace('//0.0.0.0:', '//127.0.0.1:') }
        : listening;
  } catch (error) {
    removeBundles();
    throw error;
  }
  let tracker: TrackerServer;
  try {
    // Every bench viewer connects from the same address (in the lab, several share a NAT's): no
    // per-address socket cap.
    tracker = await startTrackerServer({ port: 0, host, maxSocketsPerIp: 0 });
  } catch (error) {
    await origin.stop();
    removeBundles();
    throw error;
  }
  return {
    origin,
    tracker,
    bundleDigest: bundles.digest,
    p2pConfig: { trackers: [tracker.url], rtcConfig: { iceServers: [] } },
    stop: async () => {
      await Promise.all([origin.stop(), tracker.stop()]);
      removeBundles();
    },
  };
}
