import type { ArmResult, ViewerOutcome } from '../../../scripts/bench/arm-runner.js';
import { classifyOriginFetches } from '../../../scripts/bench/diagnostics.js';

/** A `segment-loaded` trace entry: loaded at `atMs` after `durationMs`. */
function loaded(segmentId: number, source: string, atMs: number, bytes = 1000, durationMs = 50) {
  return { atMs, event: 'segment-loaded', streamKey: 'v', segmentId, source, bytes, durationMs };
}

/** The classification reads only a viewer's trace and player loads. */
function viewer(trace: readonly Record<string, unknown>[]): ViewerOutcome {
  return { name: 'viewer', trace, loads: [] } as unknown as ViewerOutcome;
}

function arm(...viewers: ViewerOutcome[]): ArmResult {
  return { viewers, originBytes: 0, timeline: [], startedAtEpochMs: 0 };
}

describe('classifyOriginFetches', () => {
  it('tells apart first fetches, duplicates, and duplicates made before the viewer had a peer', () => {
    const first = viewer([
      loaded(1, 'http', 1000),
      loaded(2, 'http', 5500),
      loaded(3, 'http', 8000),
    ]);
    const joiner = viewer([
      loaded(1, 'http', 3000, 2000), // others had it; no peer yet: unavoidable
      { atMs: 5000, event: 'peer-connected', streamKey: 'v', peerId: 'p' },
      loaded(2, 'http', 6000, 3000), // others had it and a peer was connected: avoidable
      loaded(3, 'http', 8010, 4000), // fetched while the first viewer fetched it too
      loaded(4, 'p2p', 9000),
    ]);
    const fetches = classifyOriginFetches(arm(first, joiner));
    expect(fetches.first).toEqual({ count: 2, bytes: 2000 }); // the first viewer's 1 and 2
    // Both fetches of segment 3 overlap, so each counts as the other's duplicate.
    expect(fetches.concurrentDuplicate).toEqual({ count: 2, bytes: 5000 });
    expect(fetches.peerHadIt.count).toBe(2);
    expect(fetches.peerHadIt.bytes).toBe(5000);
    expect(fetches.beforeFirstPeer).toEqual({ count: 1, bytes: 2000 });
    expect(fetches.distinct).toEqual({ count: 3, bytes: 3000 }); // segments 1-3, once each
  });

  it('counts every duplicate as before the first peer when the viewer never connected one', () => {
    const first = viewer([loaded(1, 'http', 1000)]);
    const loner = viewer([loaded(1, 'http', 2000, 700)]);
    expect(classifyOriginFetches(arm(first, loner)).beforeFirstPeer).toEqual({
      count: 1,
      bytes: 700,
    });
  });

  it("does not guess a virtual viewer's first peer (its trace has no peer events)", () => {
    const first = viewer([loaded(1, 'http', 1000)]);
    const virtual = { ...viewer([loaded(1, 'http', 2000, 700)]), virtual: true } as ViewerOutcome;
    const fetches = classifyOriginFetches(arm(first, virtual));
    expect(fetches.peerHadIt).toMatchObject({ count: 1, bytes: 700 });
    expect(fetches.beforeFirstPeer).toEqual({ count: 0, bytes: 0 });
  });

  it('reads the first peer of a virtual viewer whose trace has its connection events', () => {
    const first = viewer([loaded(1, 'http', 1000), loaded(2, 'http', 1000)]);
    const traced = (trace: readonly Record<string, unknown>[]) =>
      ({ ...viewer(trace), virtual: true, tracesConnections: true }) as ViewerOutcome;
    const loner = traced([loaded(1, 'http', 2000, 700)]); // never had a peer
    const connected = traced([
      { atMs: 1500, event: 'peer-connected', streamKey: 'v', peerId: 'p' },
      loaded(2, 'http', 3000, 900), // had a peer: avoidable
    ]);
    const fetches = classifyOriginFetches(arm(first, loner, connected));
    expect(fetches.peerHadIt).toMatchObject({ count: 2, bytes: 1600 });
    expect(fetches.beforeFirstPeer).toEqual({ count: 1, bytes: 700 });
  });
});
