/**
 * The simulator's pieces together, without peers: under the virtual clock and seeded randomness,
 * one hls.js viewer model playing through a real engine (HTTP only) from the simulated origin plays
 * a minute of the live stream in well under a wall-clock second or two: it starts, never stalls,
 * gets every segment from the origin, and plays the same run twice.
 */
import { Engine } from '../../../core/engine/engine.js';
import type { PeerNetwork } from '../../../core/engine/peer-network.js';
import type { ViewerResult } from '../../../test/support/virtual-viewer/viewer-result.js';
import { VirtualViewer } from '../../../test/support/virtual-viewer/virtual-viewer.js';
import { installDeterminism } from '../../../scripts/simulate/determinism.js';
import { SimOrigin } from '../../../scripts/simulate/sim-origin.js';
import { ViewerLink } from '../../../scripts/simulate/viewer-link.js';
import { VirtualClock } from '../../../scripts/simulate/virtual-clock.js';

/** A P2P network with no peers: the engine runs its P2P-on paths (warm-up, probe) yet uses HTTP. */
const noPeers = (): PeerNetwork => ({
  peersFor: () => undefined,
  setActiveStreams: () => undefined,
  rememberDigest: () => undefined,
  peerCount: 0,
  destroy: () => undefined,
});

/** Plays `seconds` of the live stream with one viewer; its result and the origin's segment count. */
async function playLive(
  seconds: number,
  engineMode: 'p2p-disabled' | 'no-peers',
): Promise<{ result: ViewerResult; originSegments: number }> {
  const restore = installDeterminism(7);
  const clock = new VirtualClock();
  clock.install();
  try {
    const origin = new SimOrigin({ mode: 'live', scale: 0.25 });
    const link = new ViewerLink(
      { downBitsPerSecond: 25e6, upBitsPerSecond: 5e6, latencyMs: 15, jitterMs: 2, loss: 0.002 },
      Math.random,
    );
    const fetchImpl = origin.fetchFor(link);
    const engine =
      engineMode === 'p2p-disabled'
        ? new Engine({ p2pDisabled: true }, { fetch: fetchImpl })
        : new Engine(
            { trackers: ['ws://tracker.sim/announce'] },
            { fetch: fetchImpl, createPeerNetwork: noPeers },
          );
    const viewer = new VirtualViewer({
      id: 'viewer-0',
      manifestUrl: origin.manifestUrl,
      engine,
      fetch: fetchImpl,
      hashSegments: false,
      random: Math.random,
    });
    // Joins a second in (a viewer started at virtual 0 would report runMs 0).
    setTimeout(() => {
      void viewer.start().catch(() => undefined);
    }, 1000);
    await clock.runUntil(1000 + seconds * 1000);
    viewer.destroy();
    const result = viewer.result();
    await clock.runUntil(clock.nowMs + 1000);
    expect(clock.callbackErrorCount).toBe(0);
    return { result, originSegments: origin.stats.segmentRequests };
  } finally {
    clock.uninstall();
    restore();
  }
}

describe('simulated playback (one viewer, no peers)', () => {
  jest.setTimeout(30_000);

  it.each(['p2p-disabled', 'no-peers'] as const)(
    'plays 60 virtual seconds of live from the origin with a real engine (%s)',
    async (engineMode) => {
      const wallStart = Date.now();
      const { result, originSegments } = await playLive(60, engineMode);
      const wallMs = Date.now() - wallStart;
      console.log(
        JSON.stringify({ ...result, requests: result.requests.length, segments: undefined }),
      );
      expect(result.fatalError).toBeUndefined();
      expect(result.startupMs).toBeGreaterThan(0);
      expect(result.startupMs).toBeLessThan(3000);
      expect(result.stalls).toBe(0);
      expect(result.playedSeconds).toBeGreaterThan(55);
      expect(result.segmentsPlayed).toBeGreaterThanOrEqual(29);
      expect(result.deliveredBytes.p2p).toBe(0);
      expect(result.deliveredBytes.http).toBeGreaterThan(0);
      expect(result.requestErrors).toBe(0);
      expect(originSegments).toBe(result.segmentsPlayed);
      expect(wallMs).toBeLessThan(10_000);
      // Same seed, same run.
      const again = await playLive(60, engineMode);
      expect(again.result).toEqual(result);
    },
  );
});
