/**
 * The demo launcher (`npm start` runs it after building and generating the streams): serves the
 * examples, the built bundles and hls.js from a local origin, runs a local WebTorrent tracker, and
 * prints the URL to open. Open it in two or more tabs or browsers to watch segments move between
 * them. Stop with Ctrl+C.
 *
 * It also runs the stats collector (`p2p-media-loader-collector`, collector/): the pages send their
 * stats beacons to the origin's `/beacon`, which forwards them to the collector; its dashboard shows
 * offload, viewers, bitrates, stalls and startup over time. Its SQLite file is
 * `.cache/collector/demo.sqlite`, so the charts survive restarts of the demo.
 *
 * Environment: PORT (origin, default 8080), TRACKER_PORT (default 8000), COLLECTOR_PORT (default
 * 8090), HOST (default 127.0.0.1).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../collector/index.js';
import { startTrackerServer } from '../tracker/index.js';
import { startOrigin } from './server/origin.js';
import { vendorStaticDirs } from './server/vendor-dirs.js';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number, got '${raw}'`);
  }
  return port;
}

async function main(): Promise<void> {
  const host = process.env.HOST ?? '127.0.0.1';
  const trackerPort = portFromEnv('TRACKER_PORT', 8000);
  const collectorDir = path.join(rootDir, '.cache/collector');
  mkdirSync(collectorDir, { recursive: true });
  const collector = await startCollector({
    port: portFromEnv('COLLECTOR_PORT', 8090),
    host,
    db: path.join(collectorDir, 'demo.sqlite'),
    // Beacons arrive through the origin, which names the viewer in X-Forwarded-For.
    trustProxy: true,
    onWarning: (message) => {
      console.warn(`collector: ${message}`);
    },
  });
  const origin = await startOrigin({
    beaconCollectorUrl: collector.url,
    port: portFromEnv('PORT', 8080),
    host,
    mediaDir: path.join(rootDir, 'examples/media/streams'),
    staticDirs: {
      '/examples': path.join(rootDir, 'examples'),
      '/dist': path.join(rootDir, 'dist'),
      ...vendorStaticDirs(rootDir),
    },
  });
  const tracker = await startTrackerServer({ port: trackerPort, host });

  // Pages default to ws://<page host>:8000; tell them when the tracker runs elsewhere.
  const query = trackerPort === 8000 ? '' : `?trackerPort=${trackerPort}`;
  console.log(`origin:  ${origin.url}`);
  console.log(`tracker: ${tracker.url}`);
  // Pages with `statsBeacon: { url: '/beacon' }` report to the origin, which forwards to the collector.
  console.log(`collector: ${collector.url}/ (dashboard; /metrics for Prometheus)`);
  console.log(`\nOpen ${origin.url}/examples/index.html${query} (in several tabs to see P2P)\n`);

  const stop = (): void => {
    void Promise.all([origin.stop(), tracker.stop(), collector.stop()]).finally(() =>
      process.exit(0),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
