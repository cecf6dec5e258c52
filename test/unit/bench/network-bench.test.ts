/**
 * The bench's `--network` wiring (issue 16): its options, the default schedule an arm follows
 * without a plan, the loopback forward each lab viewer gets, and the network fields of the JSON
 * line (bytes by path, offload excluding TURN, churn counts). Pure parts only; the lab itself runs
 * in `npm run bench -- --network …`.
 */
import type { ArmLeaveKind, ArmResult, ViewerOutcome } from '../../../scripts/bench/arm-runner.js';
import { staggeredSchedule } from '../../../scripts/bench/arm-runner.js';
import {
  BenchUsageError,
  DEFAULT_NETWORK_SEED,
  parseBenchArgs,
} from '../../../scripts/bench/bench-options.js';
import { BENCH_LAB_ADDRESS, loopbackForwardRuleset } from '../../../scripts/bench/network-lab.js';
import { formatScenario } from '../../../scripts/bench/report-table.js';
import type { ScenarioReport } from '../../../scripts/bench/scenario-report.js';
import {
  armBytesByPath,
  comparableGroupFigures,
  firstSegmentMs,
  loadTimings,
  networkFigures,
  requestTimingFigures,
  viewerBytesByPath,
} from '../../../scripts/bench/network-report.js';
import { planNetworkScenario, type NetworkPlan } from '../../../scripts/bench/network-scenarios.js';

describe('parseBenchArgs --network and --seed', () => {
  it('runs no lab by default, as before', () => {
    expect(parseBenchArgs([])).toMatchObject({
      network: undefined,
      seed: DEFAULT_NETWORK_SEED,
      browserPerViewer: false,
    });
  });

  it.each(['clean', 'lossy', 'nat', 'uplink', 'churn', 'slow-cpu', 'mixed'])(
    'accepts --network %s, with a browser per viewer',
    (scenario) => {
      expect(parseBenchArgs(['--network', scenario])).toMatchObject({
        network: scenario,
        browserPerViewer: true,
      });
    },
  );

  it('rejects an unknown scenario, naming the valid ones', () => {
    expect(() => parseBenchArgs(['--network', 'wifi'])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--network', 'wifi'])).toThrow(/clean, lossy, nat/);
  });

  it('takes a seed 0..2^32-1 with --network only', () => {
    expect(parseBenchArgs(['--network', 'nat', '--seed', '42'])).toMatchObject({ seed: 42 });
    expect(parseBenchArgs(['--network', 'nat', '--seed', '4294967295'])).toMatchObject({
      seed: 4294967295,
    });
    for (const bad of ['-1', '1.5', '4294967296', 'x', '']) {
      expect(() => parseBenchArgs(['--network', 'nat', '--seed', bad])).toThrow(/--seed/);
    }
    expect(() => parseBenchArgs(['--seed', '3'])).toThrow(/needs --network/);
  });
});

describe('staggeredSchedule', () => {
  it('is the bench without a plan: viewers stagger apart, each watching as long, no churn', () => {
    expect(staggeredSchedule(3, 2000, 10_000)).toEqual([
      { index: 0, id: '0', joinAtMs: 0, leaveAtMs: 10_000, leaveKind: 'session-end' },
      { index: 1, id: '1', joinAtMs: 2000, leaveAtMs: 12_000, leaveKind: 'session-end' },
      { index: 2, id: '2', joinAtMs: 4000, leaveAtMs: 14_000, leaveKind: 'session-end' },
    ]);
  });
});

describe('loopbackForwardRuleset', () => {
  it("sends the viewer's loopback ports to the bench, masquerading the loopback source", () => {
    const ruleset = loopbackForwardRuleset(BENCH_LAB_ADDRESS, [8080, 9000]);
    expect(ruleset).toContain(
      `ip daddr 127.0.0.1 tcp dport { 8080, 9000 } dnat to ${BENCH_LAB_ADDRESS}`,
    );
    expect(ruleset).toContain('oifname "eth0" ip saddr 127.0.0.0/8 masquerade');
  });

  it('refuses ports or addresses that are not plain numbers', () => {
    expect(() => loopbackForwardRuleset(BENCH_LAB_ADDRESS, [])).toThrow(/bad ports/);
    expect(() => loopbackForwardRuleset(BENCH_LAB_ADDRESS, [0.5])).toThrow(/bad ports/);
    expect(() => loopbackForwardRuleset('1.2.3.4; flush ruleset', [80])).toThrow(/bad address/);
  });
});

interface ViewerShape {
  readonly mediaBytes: number;
  readonly p2pBytes?: number;
  readonly stats?: Record<string, unknown>;
  readonly leaveKind?: ArmLeaveKind;
  readonly virtual?: true;
  readonly httpBytes?: number;
  readonly startupMs?: number;
  readonly stalls?: number;
}

function viewer(shape: ViewerShape): ViewerOutcome {
  const engineStats =
    shape.p2pBytes === undefined
      ? undefined
      : { p2pBytes: shape.p2pBytes, httpBytes: shape.httpBytes ?? 0, ...shape.stats };
  const playback = {
    playedSeconds: 0,
    stalls: { count: shape.stalls ?? 0, totalMs: (shape.stalls ?? 0) * 100 },
    startup: { startedAtMs: 0, playingAtMs: shape.startupMs },
  };
  return {
    final: { mediaBytes: shape.mediaBytes, engineStats },
    playback,
    trace: [],
    loads: [],
    segments: [],
    leaveKind: shape.leaveKind ?? 'session-end',
    ...(shape.virtual === undefined ? {} : { virtual: true }),
  } as unknown as ViewerOutcome;
}

function arm(originBytes: number, ...viewers: ViewerOutcome[]): ArmResult {
  return { viewers, originBytes, timeline: [], startedAtEpochMs: 0 };
}

const churnPlan: NetworkPlan = planNetworkScenario({
  scenario: 'churn',
  seed: 1,
  chromiumViewers: 4,
  virtualViewers: 0,
  staggerMs: 3000,
  watchMs: 60_000,
});

describe('viewerBytesByPath', () => {
  it("reads the engine's p2pBytesByPath, or flat relayed counters, or nothing", () => {
    expect(
      viewerBytesByPath({
        p2pBytes: 10,
        p2pBytesByPath: { direct: 6, relayed: 3, unknown: 1 },
      } as never),
    ).toEqual({ direct: 6, relayed: 3, unknown: 1 });
    expect(viewerBytesByPath({ p2pBytes: 10, p2pRelayedBytes: 4 } as never)).toEqual({
      direct: 6,
      relayed: 4,
      unknown: 0,
    });
    expect(viewerBytesByPath({ p2pBytes: 10 } as never)).toBeUndefined();
    expect(viewerBytesByPath(undefined)).toBeUndefined();
  });
});

describe('networkFigures', () => {
  it('counts relayed P2P bytes as origin bytes in offloadExcludingTurn', () => {
    const p2p = arm(
      400,
      viewer({
        mediaBytes: 500,
        p2pBytes: 300,
        stats: { p2pBytesByPath: { direct: 200, relayed: 100, unknown: 0 } },
      }),
      viewer({
        mediaBytes: 500,
        p2pBytes: 300,
        stats: { p2pBytesByPath: { direct: 300, relayed: 0, unknown: 0 } },
      }),
    );
    const figures = networkFigures(churnPlan, p2p, arm(1000));
    expect(figures).toMatchObject({
      network: 'churn',
      seed: 1,
      virtualPeers: 0,
      turnRelayedBytes: 100,
      p2pBytesByPath: { direct: 500, relayed: 100, unknown: 0 },
      // (1000 played - 400 origin - 100 relayed) / 1000
      offloadExcludingTurn: 0.5,
    });
  });

  it('says null, not 0, when an engine with P2P bytes reports no path', () => {
    const p2p = arm(400, viewer({ mediaBytes: 1000, p2pBytes: 600 }));
    expect(networkFigures(churnPlan, p2p, arm(1000))).toMatchObject({
      turnRelayedBytes: null,
      p2pBytesByPath: null,
      offloadExcludingTurn: null,
    });
  });

  it("counts the churn each arm carried out against the plan's", () => {
    expect(churnPlan.viewers.filter((planned) => planned.leaveKind !== 'session-end')).toHaveLength(
      1,
    );
    const p2p = arm(
      0,
      viewer({ mediaBytes: 1, leaveKind: 'process-killed' }),
      viewer({ mediaBytes: 1 }),
      viewer({ mediaBytes: 1 }),
      viewer({ mediaBytes: 1 }),
      viewer({ mediaBytes: 1 }),
    );
    const baseline = arm(0, viewer({ mediaBytes: 1, leaveKind: 'page-crashed' }));
    expect(networkFigures(churnPlan, p2p, baseline)).toMatchObject({
      plannedAbruptLeaves: 1,
      abruptLeaves: 1,
      baselineAbruptLeaves: 1,
      processesKilled: 1,
      pagesCrashed: 0,
      replacementsJoined: 1,
    });
  });

  it('sums bytes by path over viewers, engines without P2P bytes aside', () => {
    const p2p = arm(
      0,
      viewer({ mediaBytes: 1 }),
      viewer({ mediaBytes: 1, p2pBytes: 0 }),
      viewer({ mediaBytes: 1, p2pBytes: 5, stats: { p2pRelayedBytes: 5 } }),
    );
    expect(armBytesByPath(p2p)).toEqual({ direct: 0, relayed: 5, unknown: 0 });
  });
});

describe('formatScenario with --network', () => {
  const report = {
    mode: 'live',
    peers: 4,
    stream: 'hls-ts',
    seconds: 60,
    staggerSeconds: 3,
    player: 'hlsjs',
    engine: 'hlsjs',
    capLevel: null,
    originBytes: 0,
    playedBytes: 0,
    originOffload: 0.5,
    idealOffload: 0.75,
    reachableOffload: 0.5,
    connectedOffload: 0.5,
    stalls: 0,
    stallMs: 0,
    startupMsMedian: 1,
    baselineStartupMsMedian: 1,
    baselineStalls: 0,
    baselineStallMs: 0,
    baselineOriginBytes: 0,
    baselinePlayedBytes: 0,
    p2pBytes: 0,
    httpBytes: 0,
    uploadBytes: 0,
    cpuBusyMedian: null,
    baselineCpuBusyMedian: null,
    notStarted: 0,
    baselineNotStarted: 0,
    problems: [],
    targetsMet: { offload: true, stalls: true, startup: true },
  } as unknown as ScenarioReport;

  it('adds no network line without a lab', () => {
    expect(formatScenario(report)).not.toContain('network:');
  });

  it('shows the scenario, seed, TURN bytes and the churn carried out', () => {
    const text = formatScenario({
      ...report,
      ...networkFigures(
        churnPlan,
        arm(
          250,
          viewer({
            mediaBytes: 1000,
            p2pBytes: 750,
            stats: { p2pBytesByPath: { direct: 500, relayed: 250, unknown: 0 } },
            leaveKind: 'page-crashed',
          }),
        ),
        arm(0),
      ),
    });
    expect(text).toContain('network: churn, seed 1, 0 virtual viewers');
    expect(text).toContain('TURN-relayed 0.00 MB, offload excluding TURN 50.0 %');
    expect(text).toContain('abrupt leaves 1 (baseline 0) of 1 planned: 0 killed, 1 crashed');
  });
});

describe('request timing and first-segment startup (the model validation, issue 16 item 3)', () => {
  /** A viewer whose player loaded `loads` and whose engine reported `delivered`. */
  function loading(
    loads: readonly Record<string, unknown>[],
    delivered: readonly Record<string, unknown>[],
    extra: { virtual?: true; startup?: Record<string, number>; playedSeconds?: number } = {},
  ): ViewerOutcome {
    return {
      loads,
      trace: delivered.map((entry) => ({ event: 'segment-loaded', ...entry })),
      final: { mediaBytes: 0 },
      playback: {
        playedSeconds: extra.playedSeconds ?? 60,
        startup: extra.startup ?? { startedAtMs: 0 },
      },
      ...(extra.virtual === undefined ? {} : { virtual: true }),
    } as unknown as ViewerOutcome;
  }

  const load = (
    sn: number | 'initSegment',
    startedAtMs: number,
    endedAtMs: number | undefined,
    buffer: { playhead?: number; bufferedEnd?: number } = {},
    outcome = 'success',
  ): Record<string, unknown> => ({
    sn,
    type: 'main',
    startedAtMs,
    outcome,
    ...(endedAtMs === undefined ? {} : { endedAtMs }),
    ...buffer,
  });

  it('takes slack from the buffer at the start, 0 when no range holds the playhead', () => {
    const viewer = loading(
      [
        load(5, 1000, 1200),
        load(6, 2000, 2100, { playhead: 10, bufferedEnd: 14.5 }),
        load('initSegment', 2100, 2150),
        load(7, 3000, 3400, { playhead: 12, bufferedEnd: 11.9 }),
        load(8, 4000, undefined, { playhead: 13, bufferedEnd: 16 }, 'pending'),
        load(9, 5000, 5100, { playhead: 13, bufferedEnd: 16 }, 'aborted'),
      ],
      [
        { segmentId: 5, atMs: 1200, durationMs: 200, source: 'http' },
        { segmentId: 6, atMs: 2100, durationMs: 100, source: 'p2p' },
        // Another request for 7 long before: not this load's.
        { segmentId: 7, atMs: 100, durationMs: 50, source: 'p2p' },
        { segmentId: 7, atMs: 3400, durationMs: 400, source: 'http' },
      ],
    );
    expect(loadTimings(viewer)).toEqual([
      { slackMs: 0, durationMs: 200, source: 'http' },
      { slackMs: 4500, durationMs: 100, source: 'p2p' },
      { slackMs: 0, durationMs: 400, source: 'http' },
    ]);
  });

  it('sums a group: slack and duration percentiles, P2P share, loads per played minute', () => {
    const chromium = loading(
      [load(1, 0, 100), load(2, 1000, 1300, { playhead: 0, bufferedEnd: 2 })],
      [
        { segmentId: 1, atMs: 100, durationMs: 100, source: 'http' },
        { segmentId: 2, atMs: 1300, durationMs: 300, source: 'p2p' },
      ],
      { playedSeconds: 30 },
    );
    const figures = requestTimingFigures([chromium, chromium]);
    expect(figures).toMatchObject({
      requests: 4,
      requestsPerPlayedMinute: 4,
      slackMsMedian: 1000,
      slackMsP95: 2000,
      durationMsMedian: 200,
      durationMsP95: 300,
      p2pShare: 0.5,
      httpDurationMsMedian: 100,
      p2pDurationMsMedian: 300,
    });
    expect(requestTimingFigures([loading([], [])])).toBeNull();
  });

  it('gives each group its bytes, played time, playback rate and levels per viewer', () => {
    const chromium = {
      name: 'c0',
      joinedAtSeconds: 0,
      leftAtSeconds: 61,
      loads: [],
      trace: [],
      segments: [
        { sn: 'initSegment', level: 0 },
        { sn: 1, level: 0 },
        { sn: 2, level: 2 },
      ],
      final: { mediaBytes: 6_000_000, engineStats: { httpBytes: 3_000_000, p2pBytes: 3_000_000 } },
      // 1 s to start, then 60 s present: it played 54 s (a slow media clock, no stall).
      playback: {
        playedSeconds: 54,
        stalls: { count: 0, totalMs: 0 },
        startup: { startedAtMs: 0, scriptsLoadedAtMs: 0, firstSegmentAtMs: 300, playingAtMs: 1000 },
      },
      leaveKind: 'session-end',
    } as unknown as ViewerOutcome;
    const figures = comparableGroupFigures(arm(0, chromium), arm(0), () => true);
    expect(figures).toMatchObject({
      viewers: 1,
      playedBytesPerViewer: 6_000_000,
      playedSecondsPerViewer: 54,
      playbackRate: 0.9,
      segmentsByLevel: { '0': 1, '2': 1 },
      viewerOffloads: [0.5],
      firstSegmentMsMedian: 300,
      startupMsMedian: 1000,
      offload: 0.5,
    });
  });

  it('counts startup to the first segment from the player: scripts loaded, or start()', () => {
    const chromium = loading([], [], {
      startup: {
        startedAtMs: 100,
        scriptsLoadedAtMs: 300,
        firstSegmentAtMs: 650,
        playingAtMs: 900,
      },
    });
    const virtual = loading([], [], {
      virtual: true,
      startup: { startedAtMs: 0, playingAtMs: 80 },
    });
    expect(firstSegmentMs(chromium)).toBe(350);
    expect(firstSegmentMs(virtual)).toBe(80);
    expect(firstSegmentMs(loading([], [], { startup: { startedAtMs: 0 } }))).toBeUndefined();
  });
});
