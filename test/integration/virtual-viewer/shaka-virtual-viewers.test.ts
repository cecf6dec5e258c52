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
import { Engine } from '../../../core/engine/engine.js';
import {
  ShakaVirtualViewer,
  type ShakaViewerResult,
} from '../../support/virtual-viewer/shaka-viewer.js';
import { startViewerProcess } from '../../support/virtual-viewer/viewer-process-client.js';
import type { ViewerResult } from '../../support/virtual-viewer/viewer-result.js';
import { waitUntil } from '../../support/wait.js';
import { expectOffload, expectOriginBytes, liveSpec, useViewerLab } from './fixtures.js';

/** What the bench gives both arms of a live Shaka scenario (SHAKA_LIVE_STREAMING_DEFAULTS). */
const BENCH_LIVE_SHAKA_CONFIG = { streaming: { updateIntervalSeconds: 0.1 } };

const lab = useViewerLab<ShakaVirtualViewer>();
const { viewers, children } = lab;

describe('virtual Shaka viewers (real engine, WebRTC, origin and tracker)', () => {
  it('a live DASH swarm of four (one a viewer process): no stalls, audio and video, origin bytes, joiners offloaded', async () => {
    const session = `vv-shaka-${process.pid}-${Date.now()}`;
    const manifestUrl = `${lab.origin.url}/live/${session}/dash-number/manifest.mpd`;
    const swarmId = `vv-shaka-${Math.random()}`;
    for (let i = 0; i < 3; i++) {
      const viewer = new ShakaVirtualViewer({
        id: `shaka-${i}`,
        manifestUrl,
        engine: new Engine({ trackers: [lab.tracker.url], rtcConfig: { iceServers: [] }, swarmId }),
        shakaConfig: BENCH_LIVE_SHAKA_CONFIG,
        random: () => 0.5,
      });
      viewers.push(viewer);
      await viewer.start();
      if (i < 2) await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    // The fourth viewer: a process from a spec, in the same swarm (its engine config names it).
    const processViewer = startViewerProcess({
      ...liveSpec(lab, session, 'dash-number'),
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
      expectOriginBytes(result);
    }
    expectOffload(lab.origin, `/live/${session}/`, results);
  }, 80_000);
});
