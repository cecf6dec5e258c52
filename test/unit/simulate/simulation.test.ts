/**
 * A short run of the swarm simulator end to end (the long runs are `npm run simulate`): the real
 * engines of a small live audience share segments over the simulated links and tracker, every
 * segment a player received is byte-identical to the origin's, the same seed gives the same run,
 * and the P2P-off arm fetches everything from the origin.
 */
import { createHash } from 'node:crypto';
import { runSimulation, type SimulationOptions } from '../../../scripts/simulate/run-simulation.js';
import { armSummary, summarize } from '../../../scripts/simulate/simulation-report.js';
import { SimOrigin } from '../../../scripts/simulate/sim-origin.js';
import { ViewerLink } from '../../../scripts/simulate/viewer-link.js';

const SMOKE: SimulationOptions = {
  viewers: 12,
  mode: 'live',
  seconds: 90,
  seed: 3,
  p2p: true,
  profile: 'home',
  scale: 0.05,
  hashSegments: true,
};

/** SHA-256 of what the simulated origin serves for `url` (fetched outside any run, real timers). */
async function originDigest(url: string): Promise<string> {
  const origin = new SimOrigin({ mode: 'vod', scale: SMOKE.scale });
  const link = new ViewerLink(
    { downBitsPerSecond: 1e12, upBitsPerSecond: 1e12, latencyMs: 0, jitterMs: 0, loss: 0 },
    () => 0.5,
  );
  // Live segment URLs name the VOD files they loop (as on the lab's origin).
  const vodUrl = url.replace(/\/live\/[^/]+\//, '/vod/');
  const response = await origin.fetchFor(link)(vodUrl);
  expect(response.status).toBe(200);
  return createHash('sha256')
    .update(new Uint8Array(await response.arrayBuffer()))
    .digest('hex');
}

describe('swarm simulator (short run)', () => {
  jest.setTimeout(120_000);

  it('offloads the origin with real engines, delivers the origin bytes, and repeats per seed', async () => {
    const p2p = await runSimulation(SMOKE);
    const baseline = await runSimulation({ ...SMOKE, p2p: false });
    const summary = summarize(armSummary(p2p), armSummary(baseline));

    expect(summary.callbackErrors).toBe(0);
    expect(summary.fatalErrors).toBe(0);
    expect(p2p.viewers).toHaveLength(SMOKE.viewers);
    // Peers delivered a real share of the bytes and the origin served correspondingly less.
    expect(summary.originOffload).toBeGreaterThan(0.2);
    expect(p2p.origin.segmentBytes).toBeLessThan(baseline.origin.segmentBytes);
    expect(p2p.viewers.some((viewer) => viewer.result.deliveredBytes.p2p > 0)).toBe(true);
    // Without P2P every played byte came from the origin.
    expect(baseline.viewers.every((viewer) => viewer.result.deliveredBytes.p2p === 0)).toBe(true);
    expect(summary.startupMsP95).toBeGreaterThan(0);

    // Every segment every player got, whichever source, is the origin's bytes.
    const digests = new Map<string, string>();
    let checked = 0;
    for (const viewer of p2p.viewers) {
      for (const segment of viewer.result.segments) {
        let expected = digests.get(segment.url);
        if (expected === undefined) {
          expected = await originDigest(segment.url);
          digests.set(segment.url, expected);
        }
        expect(segment.sha256).toBe(expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(SMOKE.viewers * 10);

    const again = await runSimulation(SMOKE);
    expect(summarize(armSummary(again), armSummary(baseline))).toEqual({
      ...summary,
      wallSeconds: expect.any(Number) as number,
      p2pWallSeconds: expect.any(Number) as number,
      peakRssBytes: expect.any(Number) as number,
    });
  });
});
