/**
 * The cost fields of the bench's JSON line and table (issue 16): CPU per played minute, JS heap,
 * stall time per viewer-hour and startup p95, both arms; pure math over the arms' viewers.
 */
import type { ArmResult, ViewerOutcome } from '../../../scripts/bench/arm-runner.js';
import { parseBenchArgs } from '../../../scripts/bench/bench-options.js';
import type { PageCost } from '../../../scripts/bench/page-metrics.js';
import { formatScenario } from '../../../scripts/bench/report-table.js';
import {
  percentile,
  scenarioReport,
  viewerCostRows,
  type ScenarioSpec,
} from '../../../scripts/bench/scenario-report.js';

interface ViewerShape {
  readonly joinedAtSeconds?: number;
  readonly leftAtSeconds?: number;
  readonly playedSeconds?: number;
  /** ms from scripts loaded to playing; undefined: never played. */
  readonly startupMs?: number;
  readonly stallMs?: number;
  readonly stalls?: number;
  readonly cost?: PageCost;
}

function viewer(name: string, shape: ViewerShape): ViewerOutcome {
  const playback = {
    playedSeconds: shape.playedSeconds ?? 60,
    stalls: { count: shape.stalls ?? 0, totalMs: shape.stallMs ?? 0 },
    startup: {
      startedAtMs: 0,
      scriptsLoadedAtMs: 100,
      ...(shape.startupMs === undefined ? {} : { playingAtMs: 100 + shape.startupMs }),
    },
    mediaBytes: 1000,
  };
  return {
    name,
    joinedAtSeconds: shape.joinedAtSeconds ?? 0,
    leftAtSeconds: shape.leftAtSeconds ?? 60,
    cost: shape.cost,
    playback,
    final: { ...playback, engineStats: undefined },
    trace: [],
    segments: [],
    loads: [],
    problems: [],
  } as unknown as ViewerOutcome;
}

function arm(...viewers: ViewerOutcome[]): ArmResult {
  return { viewers, originBytes: 500, timeline: [], startedAtEpochMs: 0 };
}

const spec: ScenarioSpec = {
  mode: 'live',
  peers: 2,
  stream: 'hls-ts',
  seconds: 60,
  staggerSeconds: 0,
  player: 'hlsjs',
  engine: 'hlsjs',
  capLevel: undefined,
  engineConfig: {},
  shakaConfig: null,
  build: 'test',
};

const noFetches = {
  distinct: { count: 0, bytes: 0 },
  beforeFirstPeer: { count: 0, bytes: 0 },
} as unknown as Parameters<typeof scenarioReport>[3];

describe('percentile', () => {
  test('is the nearest-rank value, null for no values', () => {
    expect(percentile([], 0.95)).toBeNull();
    expect(percentile([5], 0.95)).toBe(5);
    expect(percentile([4, 1, 3, 2, 6, 5], 0.95)).toBe(6);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, index) => index + 1),
        0.95,
      ),
    ).toBe(95);
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(20);
  });
});

describe('scenario cost fields', () => {
  test('CPU per played minute is the ratio of sums; heap is the largest viewer maximum', () => {
    const p2p = arm(
      viewer('a', { playedSeconds: 60, cost: { cpuMs: 3000, heapBytesMax: 10_000_000 } }),
      viewer('b', { playedSeconds: 30, cost: { cpuMs: 3000, heapBytesMax: 12_000_000 } }),
    );
    const baseline = arm(
      viewer('c', { playedSeconds: 120, cost: { cpuMs: 4000, heapBytesMax: 8_000_000 } }),
    );

    const report = scenarioReport(spec, p2p, baseline, noFetches);

    // 6000 ms over 1.5 played minutes.
    expect(report.cpuMsPerPlayedMinute).toBe(4000);
    expect(report.baselineCpuMsPerPlayedMinute).toBe(2000);
    expect(report.heapBytesMax).toBe(12_000_000);
    expect(report.baselineHeapBytesMax).toBe(8_000_000);
  });

  test('without DevTools metrics (Firefox) the CPU and heap fields are null, not a failure', () => {
    const report = scenarioReport(spec, arm(viewer('a', {})), arm(viewer('b', {})), noFetches);

    expect(report.cpuMsPerPlayedMinute).toBeNull();
    expect(report.baselineCpuMsPerPlayedMinute).toBeNull();
    expect(report.heapBytesMax).toBeNull();
    expect(report.baselineHeapBytesMax).toBeNull();
    expect(formatScenario(report)).toMatch(/page CPU per played minute\s+n\/a\s+n\/a/);
  });

  test('stall time is per hour of viewers present, join to leave', () => {
    const p2p = arm(
      viewer('a', { joinedAtSeconds: 0, leftAtSeconds: 1800, stalls: 1, stallMs: 600 }),
      viewer('b', { joinedAtSeconds: 600, leftAtSeconds: 2400, stalls: 2, stallMs: 1200 }),
    );
    const baseline = arm(viewer('c', { joinedAtSeconds: 0, leftAtSeconds: 3600, stallMs: 0 }));

    const report = scenarioReport(spec, p2p, baseline, noFetches);

    // 1800 ms over one viewer-hour (two half hours).
    expect(report.stallMsPerViewerHour).toBe(1800);
    expect(report.baselineStallMsPerViewerHour).toBe(0);
    expect(report.stalls).toBe(3);
  });

  test('startup p95 covers the viewers that started, beside the unchanged median', () => {
    const startups = [400, 500, 600, 700, 2400];
    const p2p = arm(
      ...startups.map((startupMs, index) => viewer(`p${index}`, { startupMs })),
      viewer('never', {}),
    );
    const baseline = arm(viewer('b0', { startupMs: 450 }), viewer('b1', { startupMs: 550 }));

    const report = scenarioReport(spec, p2p, baseline, noFetches);

    expect(report.startupMsMedian).toBe(600);
    expect(report.startupMsP95).toBe(2400);
    expect(report.baselineStartupMsP95).toBe(550);
    expect(report.notStarted).toBe(1);
    const text = formatScenario(report);
    expect(text).toMatch(/startup p95\s+2400 ms\s+550 ms/);
    expect(text).toMatch(/stall time per viewer-hour\s+0 ms\s+0 ms/);
  });

  test('per-viewer rows carry each viewer own CPU, heap, playing time and startup', () => {
    const rows = viewerCostRows(
      arm(
        viewer('a', {
          joinedAtSeconds: 3,
          leftAtSeconds: 63,
          playedSeconds: 58,
          startupMs: 640.4,
          cost: { cpuMs: 2900.2, heapBytesMax: 5_000_000 },
        }),
        viewer('b', { playedSeconds: 0 }),
      ),
    );

    expect(rows).toEqual([
      {
        name: 'a',
        joinedAtSeconds: 3,
        presentSeconds: 60,
        playedSeconds: 58,
        startupMs: 640,
        stalls: 0,
        stallMs: 0,
        cpuMs: 2900,
        cpuMsPerPlayedMinute: 3000,
        heapBytesMax: 5_000_000,
      },
      {
        name: 'b',
        joinedAtSeconds: 0,
        presentSeconds: 60,
        playedSeconds: 0,
        startupMs: null,
        stalls: 0,
        stallMs: 0,
        cpuMs: null,
        cpuMsPerPlayedMinute: null,
        heapBytesMax: null,
      },
    ]);
  });
});

describe('--browser-per-viewer', () => {
  test('is off by default and on when given', () => {
    expect(parseBenchArgs([])?.browserPerViewer).toBe(false);
    expect(parseBenchArgs(['--browser-per-viewer'])?.browserPerViewer).toBe(true);
  });
});
