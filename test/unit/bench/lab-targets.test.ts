/**
 * Issue 16's targets for a network-lab matrix row (scripts/bench/lab-targets.ts), read from the
 * bench's JSON line as it is printed: offload against the ideal per scenario (excluding TURN under
 * nat and mixed), stalls, startup median and p95, CPU and heap for clean and slow-cpu.
 */
import {
  evaluateLabTargets,
  LAB_HEAP_HEADROOM_BYTES,
  readReportLine,
} from '../../../scripts/bench/lab-targets.js';

/** A bench JSON line (fields as scenario-report.ts and network-report.ts print them) that passes. */
function benchLine(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mode: 'live',
    peers: 6,
    stream: 'hls-ts',
    seconds: 180,
    engine: 'hlsjs',
    originOffload: 0.9,
    idealOffload: 0.9667,
    stalls: 0,
    stallMs: 0,
    baselineStalls: 0,
    baselineStallMs: 0,
    stallMsPerViewerHour: 0,
    baselineStallMsPerViewerHour: 0,
    notStarted: 0,
    baselineNotStarted: 0,
    startupMsMedian: 500,
    baselineStartupMsMedian: 480,
    startupMsP95: 900,
    baselineStartupMsP95: 800,
    cpuMsPerPlayedMinute: 1100,
    baselineCpuMsPerPlayedMinute: 1000,
    heapBytesMax: 40_000_000,
    baselineHeapBytesMax: 30_000_000,
    problems: [],
    targetsMet: { offload: false, stalls: true, startup: true },
    network: 'clean',
    seed: 1,
    virtualPeers: 24,
    turnRelayedBytes: 0,
    p2pBytesByPath: { direct: 1, relayed: 0, unknown: 0 },
    offloadExcludingTurn: 0.9,
    ...overrides,
  };
}

const evaluate = (overrides: Record<string, unknown> = {}) =>
  evaluateLabTargets(readReportLine(benchLine(overrides)));

describe('evaluateLabTargets: offload', () => {
  it('holds clean to 0.90 × the ideal offload', () => {
    expect(evaluate({ originOffload: 0.871 }).offload).toMatchObject({ met: true, factor: 0.9 });
    expect(evaluate({ originOffload: 0.869 }).offload.met).toBe(false);
    expect(evaluate({ originOffload: 0.869 }).allMet).toBe(false);
  });

  it('holds uplink and churn to 0.85 × and mixed to 0.80 ×', () => {
    expect(evaluate({ network: 'uplink', originOffload: 0.83 }).offload.met).toBe(true);
    expect(evaluate({ network: 'churn', originOffload: 0.8 }).offload.met).toBe(false);
    expect(
      evaluate({ network: 'mixed', originOffload: 0.9, offloadExcludingTurn: 0.78 }).offload,
    ).toMatchObject({ met: true, factor: 0.8 });
  });

  it('reads the offload excluding TURN under nat and mixed, which a relayed swarm can miss', () => {
    const nat = evaluate({ network: 'nat', originOffload: 0.9, offloadExcludingTurn: 0.7 });
    expect(nat.offload).toMatchObject({ basis: 'offloadExcludingTurn', offload: 0.7, met: false });
    expect(evaluate({ network: 'lossy', offloadExcludingTurn: 0.1 }).offload.basis).toBe(
      'originOffload',
    );
  });

  it('gives the ratio to the ideal, and no verdict without a measured offload', () => {
    expect(evaluate({ originOffload: 0.87 }).offload.ratioToIdeal).toBeCloseTo(0.87 / 0.9667, 6);
    const unmeasured = evaluate({ network: 'nat', offloadExcludingTurn: null });
    expect(unmeasured.offload.met).toBeNull();
    expect(unmeasured.allMet).toBeNull();
  });

  it('sets no offload target for slow-cpu, which then passes on its other targets', () => {
    const slow = evaluate({ network: 'slow-cpu', originOffload: 0.1 });
    expect(slow.offload).toMatchObject({ factor: null, met: null });
    expect(slow.allMet).toBe(true);
  });
});

describe('evaluateLabTargets: playback', () => {
  it('fails stalls when P2P stalls more often, longer per viewer-hour, or leaves a viewer unstarted', () => {
    expect(evaluate().stalls.met).toBe(true);
    expect(evaluate({ stalls: 2, baselineStalls: 1 }).stalls.met).toBe(false);
    expect(
      evaluate({
        stalls: 1,
        baselineStalls: 1,
        stallMsPerViewerHour: 90,
        baselineStallMsPerViewerHour: 80,
      }).stalls.met,
    ).toBe(false);
    expect(evaluate({ notStarted: 1 }).stalls.met).toBe(false);
    expect(
      evaluate({
        stalls: 3,
        baselineStalls: 3,
        stallMsPerViewerHour: 10,
        baselineStallMsPerViewerHour: 10,
      }).stalls.met,
    ).toBe(true);
  });

  it('holds the startup median to 1.1 × and the p95 to 1.25 × the plain arm', () => {
    expect(
      evaluate({ startupMsMedian: 528, baselineStartupMsMedian: 480 }).startupMedian,
    ).toMatchObject({
      met: true,
      limit: 1.1,
    });
    expect(evaluate({ startupMsMedian: 529, baselineStartupMsMedian: 480 }).startupMedian.met).toBe(
      false,
    );
    expect(evaluate({ startupMsP95: 1000, baselineStartupMsP95: 800 }).startupP95.met).toBe(true);
    expect(evaluate({ startupMsP95: 1001, baselineStartupMsP95: 800 }).startupP95.met).toBe(false);
  });

  it('fails startup when no P2P viewer started but plain ones did; no verdict without a plain arm', () => {
    expect(evaluate({ startupMsMedian: null }).startupMedian.met).toBe(false);
    expect(evaluate({ baselineStartupMsMedian: null }).startupMedian).toMatchObject({
      met: null,
      ratio: null,
    });
  });
});

describe('evaluateLabTargets: CPU and heap', () => {
  it('holds clean and slow-cpu to 1.25 × plain CPU per played minute', () => {
    expect(evaluate({ cpuMsPerPlayedMinute: 1250 }).cpu.met).toBe(true);
    expect(evaluate({ cpuMsPerPlayedMinute: 1251 }).cpu.met).toBe(false);
    expect(evaluate({ network: 'slow-cpu', cpuMsPerPlayedMinute: 1300 }).allMet).toBe(false);
  });

  it('holds the heap to plain + 32 MiB', () => {
    const base = 30_000_000;
    expect(
      evaluate({ heapBytesMax: base + LAB_HEAP_HEADROOM_BYTES, baselineHeapBytesMax: base }).heap,
    ).toMatchObject({ met: true, extraBytes: LAB_HEAP_HEADROOM_BYTES });
    expect(
      evaluate({ heapBytesMax: base + LAB_HEAP_HEADROOM_BYTES + 1, baselineHeapBytesMax: base })
        .heap.met,
    ).toBe(false);
  });

  it('reports CPU and heap elsewhere without judging them', () => {
    const lossy = evaluate({ network: 'lossy', cpuMsPerPlayedMinute: 5000, heapBytesMax: 1e9 });
    expect(lossy.cpu).toMatchObject({ met: null, ratio: 5 });
    expect(lossy.heap.met).toBeNull();
    expect(lossy.allMet).toBe(true);
  });

  it('has no verdict on clean without DevTools metrics (null CPU and heap)', () => {
    const noMetrics = evaluate({
      cpuMsPerPlayedMinute: null,
      baselineCpuMsPerPlayedMinute: null,
      heapBytesMax: null,
      baselineHeapBytesMax: null,
    });
    expect(noMetrics.cpu.met).toBeNull();
    expect(noMetrics.heap.met).toBeNull();
    expect(noMetrics.allMet).toBeNull();
  });
});

describe('readReportLine', () => {
  it('counts problems and treats missing, non-numeric and unknown fields as not measured', () => {
    const line = readReportLine({
      network: 'moon',
      originOffload: '0.9',
      stalls: Number.NaN,
      problems: ['a', 'b'],
    });
    expect(line).toMatchObject({ network: null, originOffload: null, stalls: null, problems: 2 });
    expect(readReportLine(null).problems).toBe(0);
    expect(evaluateLabTargets(readReportLine({})).allMet).toBeNull();
  });
});
