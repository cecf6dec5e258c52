/**
 * How a tracker bench run's pieces become its result: shard reports merged, rates over the window,
 * CPU in cores, memory per 10k peers, and which side was the bottleneck.
 */
import { parseTrackerBenchArgs } from '../../../scripts/bench-tracker/options.js';
import { formatResultTable } from '../../../scripts/bench-tracker/report.js';
import { summarize } from '../../../scripts/bench-tracker/run-bench.js';
import { emptyCounters } from '../../../scripts/bench-tracker/shard-protocol.js';
import { LatencyHistogram } from '../../../scripts/bench-tracker/statistics.js';

const command = parseTrackerBenchArgs(['--peers', '2000']);
if (command.kind !== 'run') throw new Error('bad arguments');
const options = command.options;

function shard(index: number, responses: number, utilization: number) {
  const latency = new LatencyHistogram();
  for (let i = 1; i <= 100; i++) latency.record(i);
  return {
    type: 'loaded' as const,
    shardIndex: index,
    windowMs: 10_000,
    counters: { ...emptyCounters(), announcesSent: responses, announceResponses: responses },
    announceLatency: latency.snapshot(),
    offerOneWay: latency.snapshot(),
    offerRoundTrip: new LatencyHistogram().snapshot(),
    cpuMs: 2_000,
    eventLoopUtilization: utilization,
    failureSamples: [],
  };
}

function measured(trackerCpuMs: number, utilization: number) {
  const reading = (rssBytes: number, cpuMs: number, atMs: number) => ({ rssBytes, cpuMs, atMs });
  return summarize({
    options,
    target: {
      url: 'ws://127.0.0.1:1',
      statsUrl: undefined,
      pid: 7,
      flags: [],
      stop: () => Promise.resolve(undefined),
      destroy: () => Promise.resolve(),
      kill: () => undefined,
    },
    open: 2000,
    failed: 0,
    connectSeconds: 4,
    reports: [shard(0, 30_000, utilization), shard(1, 20_000, 0.2)],
    readings: {
      idle: reading(100e6, 0, 0),
      loaded: reading(150e6, 0, 0),
      loadStart: reading(150e6, 1_000, 1_000),
      loadEnd: reading(160e6, 1_000 + trackerCpuMs, 11_000),
      afterLoad: reading(160e6, 0, 0),
      afterClose: reading(161e6, 0, 0),
    },
    peakRssBytes: 170e6,
    peersAfterClose: 0,
    answersAnnounce: true,
    stopped: { exitCode: 0, exitedCleanly: true },
    wallSeconds: 30,
  });
}

describe('summarize', () => {
  it('merges the shards into rates, CPU per core and memory per 10k peers', () => {
    const result = measured(9_500, 0.5);
    expect(result.load.announcesPerSecond).toBe(5_000);
    expect(result.load.announceLatency.count).toBe(200);
    expect(result.tracker.cpuCores).toBeCloseTo(0.95);
    expect(result.tracker.announcesPerSecondPerCore).toBeCloseTo(5_000 / 0.95);
    expect(result.tracker.bytesPer10kPeers).toBe(250e6);
    expect(result.clients.cpuCores).toBeCloseTo(0.4);
    expect(result.peers.pending).toBe(0);
    expect(result.bottleneck).toBe('tracker');
    expect(formatResultTable(result)).toMatch(/announces\/s \(replies\)\s+5,000/);
  });

  it('blames the clients when their event loop is full and the tracker is not', () => {
    expect(measured(3_000, 0.97).bottleneck).toBe('clients');
    expect(measured(3_000, 0.5).bottleneck).toBe('neither');
  });
});
