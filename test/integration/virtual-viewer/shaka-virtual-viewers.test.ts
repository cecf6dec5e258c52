/**
 * Virtual Shaka viewers (the real engine in Node over real WebRTC, driven by the Shaka Player
 * model playing DASH) against the real origin and the real embedded tracker, inside the test
 * network namespace (scripts/netns-run.sh): a live `dash-number` swarm of three in this process
 * and a fourth in a viewer process started from a `player: "shaka"` spec (as the bench and the
 * network lab start them), with the bench's Shaka live configuration. Everyone plays without
 * stalls, audio and video alike, every delivered segment is byte-identical to the origin's file,
 * the joiners got bytes from peers, and the origin served fewer media bytes than the viewers were
 * handed.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../../../core/engine/engine.js';
import { startTrackerServer, type TrackerServer } from '../../../core/tracker/index.js';
import { startOrigin, type OriginServer } from '../../../examples/server/origin.js';
import {
  ShakaVirtualViewer,
  type ShakaViewerResult,
} from '../../support/virtual-viewer/shaka-viewer.js';
import { startViewerProcess } from '../../support/virtual-viewer/viewer-process-client.js';
import type { ViewerResult } from '../../support/virtual-viewer/viewer-result.js';
import { waitUntil } from '../../support/wait.js';

const ROOT_DIR = path.resolve(__dirname, '../../..');
const MEDIA_DIR = path.join(ROOT_DIR, 'examples/media/streams');
/** What the bench gives both arms of a live Shaka scenario (SHAKA_LIVE_STREAMING_DEFAULTS). */
const BENCH_LIVE_SHAKA_CONFIG = { streaming: { updateIntervalSeconds: 0.1 } };

let origin: OriginServer;
let tracker: TrackerServer;
const viewers: ShakaVirtualViewer[] = [];
const children: ChildProcess[] = [];

/** The origin's file behind a live segment URL (`/live/<session>/<stream>/<file>`). */
function originBytes(url: string): Buffer {
  const relative = new URL(url).pathname.split('/').slice(3).join('/');
  return readFileSync(path.join(MEDIA_DIR, relative));
}

beforeAll(async () => {
  origin = await startOrigin({
    mediaDir: MEDIA_DIR,
    port: 0,
    host: process.env.P2PML_TEST_HOST ?? '127.0.0.1',
  });
  tracker = await startTrackerServer({ port: 0, host: '127.0.0.1', maxSocketsPerIp: 0 });
});

afterEach(() => {
  for (const viewer of viewers.splice(0)) viewer.destroy();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  await Promise.all([origin.stop(), tracker.stop()]);
});

describe('virtual Shaka viewers (real engine, WebRTC, origin and tracker)', () => {
  it('a live DASH swarm of four (one a viewer process): no stalls, audio and video, origin bytes, joiners offloaded', async () => {
    const session = `vv-shaka-${process.pid}-${Date.now()}`;
    const manifestUrl = `${origin.url}/live/${session}/dash-number/manifest.mpd`;
    const swarmId = `vv-shaka-${Math.random()}`;
    for (let i = 0; i < 3; i++) {
      const viewer = new ShakaVirtualViewer({
        id: `shaka-${i}`,
        manifestUrl,
        engine: new Engine({ trackers: [tracker.url], rtcConfig: { iceServers: [] }, swarmId }),
        shakaConfig: BENCH_LIVE_SHAKA_CONFIG,
        random: () => 0.5,
      });
      viewers.push(viewer);
      await viewer.start();
      if (i < 2) await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    // The fourth viewer: a process from a spec, in the same swarm (its engine config names it).
    const processViewer = startViewerProcess({
      mode: 'live',
      stream: 'dash-number',
      session,
      originUrl: origin.url,
      trackers: [tracker.url],
      engineConfig: { swarmId },
      player: 'shaka',
      shakaConfig: BENCH_LIVE_SHAKA_CONFIG,
      seed: 4,
      id: 'shaka-process',
      progressIntervalMs: 500,
    });
    children.push(processViewer.child);
    const latest = () => processViewer.lines.filter((line) => line.type === 'progress').at(-1);
    const summary = (): string =>
      JSON.stringify([
        ...viewers.map((viewer) => {
          const result = viewer.result();
          return [result.viewer, result.segmentsPlayed, result.deliveredBytes, result.peers];
        }),
        latest() ?? processViewer.lines.at(-1) ?? 'no line yet',
      ]);
    // Until everyone has played six segments (three of each type) and the joiners got bytes
    // from peers (bounded, not a fixed sleep: a loaded 2-core machine is slow).
    await waitUntil(
      () => {
        const line = latest();
        return (
          line?.type === 'progress' &&
          line.segmentsPlayed >= 6 &&
          line.deliveredBytes.p2p > 0 &&
          viewers.every((viewer, index) => {
            const result = viewer.result();
            return result.segmentsPlayed >= 6 && (index === 0 || result.deliveredBytes.p2p > 0);
          })
        );
      },
      { timeoutMs: 50_000, description: 'viewers playing, joiners offloaded', lastSeen: summary },
    );
    processViewer.child.kill('SIGTERM');
    expect(await processViewer.exited).toBe(0);
    const processResult = processViewer.lines.find((line) => line.type === 'result');
    if (processResult?.type !== 'result') {
      throw new Error(`no result line: ${JSON.stringify(processViewer.lines)}`);
    }
    const results: ViewerResult[] = [
      ...viewers.map((viewer) => {
        viewer.destroy();
        return viewer.result();
      }),
      processResult,
    ];
    for (const result of results) {
      expect({ viewer: result.viewer, fatal: result.fatalError, stalls: result.stalls }).toEqual({
        viewer: result.viewer,
        fatal: undefined,
        stalls: 0,
      });
      expect(result.startupMs).toBeDefined();
      expect((result as ShakaViewerResult).ignoredShakaConfigKeys).toEqual([]);
      const kinds = new Set(result.segments.map((segment) => (segment as { kind?: string }).kind));
      expect(kinds).toEqual(new Set(['main', 'audio']));
      // The Shaka adapter's stream keys (core/dash): the same swarms as Chromium Shaka viewers.
      for (const request of result.requests) {
        expect(request.streamKey).toMatch(/^dash:(main:[01]|audio:2)$/);
      }
      for (const segment of result.segments) {
        const expected = createHash('sha256').update(originBytes(segment.url)).digest('hex');
        expect({ url: segment.url, sha256: segment.sha256 }).toEqual({
          url: segment.url,
          sha256: expected,
        });
      }
    }
    for (const joiner of results.slice(1)) {
      expect({ viewer: joiner.viewer, p2p: joiner.deliveredBytes.p2p > 0 }).toEqual({
        viewer: joiner.viewer,
        p2p: true,
      });
    }
    const delivered = results.reduce(
      (sum, r) => sum + r.deliveredBytes.http + r.deliveredBytes.p2p + r.deliveredBytes.cache,
      0,
    );
    expect(origin.counters.mediaBytes(`/live/${session}/`)).toBeLessThan(delivered);
  }, 80_000);
});
