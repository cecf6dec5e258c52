/**
 * Smoke test of `npm run bench:tracker` (scripts/bench-tracker): 200 real WebSocket peers in two
 * client processes load the embedded tracker (our CLI, in a child process) for two seconds. Proves
 * the whole chain works: replies are counted, offer relay latency is measured across processes,
 * the tracker's memory and CPU are read, it still answers a fresh announce afterwards, lists no
 * peer once they all closed, and exits cleanly on SIGTERM. The bench itself measures at scale.
 */
import { parseTrackerBenchArgs } from '../../../scripts/bench-tracker/options.js';
import { runTrackerBench } from '../../../scripts/bench-tracker/run-bench.js';

// Generous: three tsx child processes start on a possibly loaded CI machine.
jest.setTimeout(90_000);

describe('tracker bench smoke', () => {
  it('loads the embedded tracker with 200 peers and measures it', async () => {
    const command = parseTrackerBenchArgs([
      '--target',
      'embedded',
      '--peers',
      '200',
      '--peers-per-swarm',
      '50',
      '--seconds',
      '2',
      '--in-flight',
      '20',
      '--max-seconds',
      '80',
    ]);
    if (command.kind !== 'run') throw new Error(`bad arguments: ${JSON.stringify(command)}`);

    const result = await runTrackerBench(command.options, () => undefined, { settleMs: 300 });

    expect(result.peers).toEqual({ requested: 200, connected: 200, failed: 0, pending: 0 });
    expect(result.load.announcesPerSecond).toBeGreaterThan(0);
    expect(result.load.announceLatency.count).toBeGreaterThan(0);
    expect(result.load.offerRelayLatency.count).toBeGreaterThan(0);
    expect(result.load.offerRelayLatency.p50Ms).toBeGreaterThanOrEqual(0);
    expect(result.load.offerAnswerRoundTrip.count).toBeGreaterThan(0);
    expect(result.errors.refusals).toBe(0);
    expect(result.errors.socketErrors).toBe(0);
    if (process.platform === 'linux') {
      expect(result.tracker.rssConnectedBytes).toBeGreaterThan(0);
      expect(result.tracker.cpuCores).toBeGreaterThan(0);
    }
    expect(result.tracker.peersAfterClose).toBe(0);
    expect(result.afterwards).toEqual({ answersAnnounce: true, exitCode: 0, exitedCleanly: true });
  });
});
