/**
 * Virtual viewers (the real engine in Node over real WebRTC, driven by the hls.js playback model)
 * against the real origin and the real embedded tracker, inside the test network namespace
 * (scripts/netns-run.sh). A VOD swarm of four viewers in this process, and a live swarm of viewer
 * processes started as the network lab starts them (one of which is killed with SIGKILL halfway):
 * everyone plays without stalls, every delivered segment is byte-identical to the origin's file,
 * and viewers who joined after the first got bytes from peers.
 */
import type { ChildProcess } from 'node:child_process';
import { Engine } from '../../../core/engine/engine.js';
import type { ViewerResult } from '../../support/virtual-viewer/viewer-result.js';
import {
  startViewerProcess,
  type ViewerProcessHandle,
} from '../../support/virtual-viewer/viewer-process-client.js';
import { VirtualViewer } from '../../support/virtual-viewer/virtual-viewer.js';
import { waitUntil } from '../../support/wait.js';
import {
  expectJoinersOffloaded,
  expectOffload,
  expectOriginBytes,
  liveSpec,
  useViewerLab,
} from './fixtures.js';

const lab = useViewerLab<VirtualViewer>();
const { viewers, children } = lab;

/** Asserts what every viewer of the test must show. */
function expectHealthyPlayback(result: ViewerResult): void {
  expect(result.fatalError).toBeUndefined();
  expect(result.startupMs).toBeDefined();
  expect({ viewer: result.viewer, stalls: result.stalls }).toEqual({
    viewer: result.viewer,
    stalls: 0,
  });
  expect(result.segmentsPlayed).toBeGreaterThanOrEqual(3);
  expectOriginBytes(result);
}

describe('virtual viewers (real engine, WebRTC, origin and tracker)', () => {
  it('a VOD swarm of four (fMP4 with init segments): no stalls, origin bytes, joiners offloaded', async () => {
    const manifestUrl = `${lab.origin.url}/vod/hls-fmp4/master.m3u8`;
    const swarmId = `vv-vod-${Math.random()}`;
    const joinGapMs = 700;
    for (let i = 0; i < 4; i++) {
      const viewer = new VirtualViewer({
        id: `vod-${i}`,
        manifestUrl,
        engine: new Engine({ trackers: [lab.tracker.url], rtcConfig: { iceServers: [] }, swarmId }),
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
    // Offload: joiners got bytes from peers, the origin served less media than viewers were handed.
    expectOffload(lab.origin, '/vod/hls-fmp4/', results);
  }, 90_000);

  it('a live swarm of viewer processes survives one of them being killed (SIGKILL), and SIGTERM reports', async () => {
    const session = `vv-live-${process.pid}-${Date.now()}`;
    const processes = new Map<string, ViewerProcessHandle>();
    const exitOf = (id: string): Promise<number | null> =>
      processes.get(id)?.exited ?? Promise.resolve(null);
    const startProcess = (id: string): ChildProcess => {
      const viewerProcess = startViewerProcess({
        ...liveSpec(lab, session, 'hls-ts'),
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
    expectJoinersOffloaded(results);
  }, 200_000);
});
