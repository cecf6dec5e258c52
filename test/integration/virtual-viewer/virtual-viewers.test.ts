/**
 * Virtual viewers (the real engine in Node over real WebRTC, driven by the hls.js playback model)
 * against the real origin and the real embedded tracker, inside the test network namespace
 * (scripts/netns-run.sh). A VOD swarm of four viewers in this process, and a live swarm of viewer
 * processes started as the network lab starts them (one of which is killed with SIGKILL halfway):
 * everyone plays without stalls, every delivered segment is byte-identical to the origin's file,
 * and viewers who joined after the first got bytes from peers.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../../../core/engine/engine.js';
import { startTrackerServer, type TrackerServer } from '../../../core/tracker/index.js';
import { startOrigin, type OriginServer } from '../../../examples/server/origin.js';
import type { ViewerResult } from '../../support/virtual-viewer/viewer-result.js';
import {
  startViewerProcess,
  type ViewerProcessHandle,
} from '../../support/virtual-viewer/viewer-process-client.js';
import { VirtualViewer } from '../../support/virtual-viewer/virtual-viewer.js';
import { waitUntil } from '../../support/wait.js';

const ROOT_DIR = path.resolve(__dirname, '../../..');
const MEDIA_DIR = path.join(ROOT_DIR, 'examples/media/streams');

let origin: OriginServer;
let tracker: TrackerServer;
const viewers: VirtualViewer[] = [];
const children: ChildProcess[] = [];

/** The origin's file bytes behind a segment URL (`/vod/<path>` or `/live/<session>/<path>`). */
function originBytes(url: string, byteRange?: { start: number; end: number }): Buffer {
  const { pathname } = new URL(url);
  const relative = pathname.startsWith('/vod/')
    ? pathname.slice('/vod/'.length)
    : pathname.split('/').slice(3).join('/');
  const file = readFileSync(path.join(MEDIA_DIR, relative));
  return byteRange ? file.subarray(byteRange.start, byteRange.end) : file;
}

/** Asserts what every viewer of the test must show. */
function expectHealthyPlayback(result: ViewerResult): void {
  expect(result.fatalError).toBeUndefined();
  expect(result.startupMs).toBeDefined();
  expect({ viewer: result.viewer, stalls: result.stalls }).toEqual({
    viewer: result.viewer,
    stalls: 0,
  });
  expect(result.segmentsPlayed).toBeGreaterThanOrEqual(3);
  for (const segment of result.segments) {
    const expected = createHash('sha256')
      .update(originBytes(segment.url, segment.byteRange))
      .digest('hex');
    expect({ url: segment.url, sha256: segment.sha256 }).toEqual({
      url: segment.url,
      sha256: expected,
    });
  }
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

describe('virtual viewers (real engine, WebRTC, origin and tracker)', () => {
  it('a VOD swarm of four (fMP4 with init segments): no stalls, origin bytes, joiners offloaded', async () => {
    const manifestUrl = `${origin.url}/vod/hls-fmp4/master.m3u8`;
    const swarmId = `vv-vod-${Math.random()}`;
    const joinGapMs = 700;
    for (let i = 0; i < 4; i++) {
      const viewer = new VirtualViewer({
        id: `vod-${i}`,
        manifestUrl,
        engine: new Engine({ trackers: [tracker.url], rtcConfig: { iceServers: [] }, swarmId }),
      });
      viewers.push(viewer);
      await viewer.start();
      if (i < 3) await new Promise((resolve) => setTimeout(resolve, joinGapMs));
    }
    // Until every viewer has played three segments and every joiner got bytes from peers (bounded,
    // not a fixed sleep: a loaded 2-core CI machine is slow).
    await waitUntil(
      () =>
        viewers.every((viewer, index) => {
          const result = viewer.result();
          return result.segmentsPlayed >= 3 && (index === 0 || result.deliveredBytes.p2p > 0);
        }),
      {
        timeoutMs: 60_000,
        description: 'viewers playing, joiners offloaded',
        lastSeen: () =>
          JSON.stringify(
            viewers.map((viewer) => {
              const result = viewer.result();
              return [result.viewer, result.segmentsPlayed, result.deliveredBytes];
            }),
          ),
      },
    );
    const results = viewers.map((viewer) => {
      viewer.destroy();
      return viewer.result();
    });
    for (const result of results) expectHealthyPlayback(result);
    for (const joiner of results.slice(1)) {
      expect({ viewer: joiner.viewer, p2p: joiner.deliveredBytes.p2p > 0 }).toEqual({
        viewer: joiner.viewer,
        p2p: true,
      });
    }
    // Offload: the origin served less media than the viewers were handed.
    const delivered = results.reduce(
      (sum, r) => sum + r.deliveredBytes.http + r.deliveredBytes.p2p + r.deliveredBytes.cache,
      0,
    );
    expect(origin.counters.mediaBytes('/vod/hls-fmp4/')).toBeLessThan(delivered);
  }, 90_000);

  it('a live swarm of viewer processes survives one of them being killed (SIGKILL), and SIGTERM reports', async () => {
    const session = `vv-live-${process.pid}-${Date.now()}`;
    const processes = new Map<string, ViewerProcessHandle>();
    const exitOf = (id: string): Promise<number | null> =>
      processes.get(id)?.exited ?? Promise.resolve(null);
    const startProcess = (id: string): ChildProcess => {
      const viewerProcess = startViewerProcess({
        mode: 'live',
        stream: 'hls-ts',
        session,
        originUrl: origin.url,
        trackers: [tracker.url],
        seed: id.length,
        id,
        progressIntervalMs: 500,
      });
      processes.set(id, viewerProcess);
      children.push(viewerProcess.child);
      return viewerProcess.child;
    };
    // The newest progress line of a viewer (the spec asks for one every 500 ms).
    const latest = (id: string) =>
      processes
        .get(id)
        ?.lines.filter((line) => line.type === 'progress')
        .at(-1);
    const progressOf = (ids: readonly string[]) => () =>
      JSON.stringify(
        ids.map((id) => {
          const line = latest(id);
          return line?.type === 'progress'
            ? [id, line.segmentsPlayed, line.deliveredBytes, line.peers]
            : [id, 'no progress'];
        }),
      );

    const first = startProcess('live-0');
    const victim = startProcess('live-victim');
    // Waits on what the viewers report, not on fixed sleeps: a loaded 2-core CI machine is slow.
    await waitUntil(
      () =>
        ['live-0', 'live-victim'].every((id) => {
          const line = latest(id);
          return line?.type === 'progress' && line.segmentsPlayed >= 1;
        }),
      {
        // A viewer process takes up to ~30 s to load at a load average of 15 on 2 cores.
        timeoutMs: 60_000,
        description: 'first viewers playing',
        lastSeen: progressOf(['live-0', 'live-victim']),
      },
    );
    const joiners = [startProcess('live-1'), startProcess('live-2')];
    // The victim is a peer of everyone once the joiners have got bytes from peers; it then leaves
    // as a closed tab would not (no goodbye).
    await waitUntil(
      () =>
        ['live-1', 'live-2'].every((id) => {
          const line = latest(id);
          return line?.type === 'progress' && line.deliveredBytes.p2p > 0;
        }),
      {
        timeoutMs: 60_000,
        description: 'joiners got bytes from peers',
        lastSeen: progressOf(['live-1', 'live-2']),
      },
    );
    const survivors = ['live-0', 'live-1', 'live-2'];
    const playedAtKill = survivors.map((id) => {
      const line = latest(id);
      return line?.type === 'progress' ? line.segmentsPlayed : 0;
    });
    victim.kill('SIGKILL');
    // Everyone keeps playing past the kill: two more segments each (4 s of media).
    await waitUntil(
      () =>
        survivors.every((id, index) => {
          const line = latest(id);
          return line?.type === 'progress' && line.segmentsPlayed >= (playedAtKill[index] ?? 0) + 2;
        }),
      {
        timeoutMs: 45_000,
        description: 'survivors playing on after the kill',
        lastSeen: progressOf(survivors),
      },
    );
    for (const child of [first, ...joiners]) child.kill('SIGTERM');
    const codes = await Promise.all(survivors.map(exitOf));
    expect(codes).toEqual([0, 0, 0]);

    const results = survivors.map((id) => {
      const result = processes.get(id)?.lines.find((line) => line.type === 'result');
      if (result?.type !== 'result')
        throw new Error(`no result from ${id}: ${JSON.stringify(processes.get(id)?.lines)}`);
      expect(processes.get(id)?.lines.some((line) => line.type === 'process')).toBe(true);
      return result;
    });
    for (const result of results) expectHealthyPlayback(result);
    for (const joiner of results.slice(1)) {
      expect({ viewer: joiner.viewer, p2p: joiner.deliveredBytes.p2p > 0 }).toEqual({
        viewer: joiner.viewer,
        p2p: true,
      });
    }
  }, 200_000);
});
