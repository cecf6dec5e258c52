/**
 * The bench's virtual viewers (`--virtual-peers`, issue 16): how a plan's virtual viewers are
 * packed into viewer processes (same link profile, arithmetic joins, churned slots alone), how a
 * process's lines become each viewer's figures, and how their results join an arm's and split into
 * Chromium and virtual sub-figures. Pure parts only; the processes run in `npm run bench`.
 */
import type { ArmResult, ViewerOutcome } from '../../../scripts/bench/arm-runner.js';
import { viewersThatBanned } from '../../../scripts/bench/attack-report.js';
import { BenchUsageError, parseBenchArgs } from '../../../scripts/bench/bench-options.js';
import { networkFigures } from '../../../scripts/bench/network-report.js';
import {
  planNetworkScenario,
  type NetworkPlan,
  type NetworkScenario,
} from '../../../scripts/bench/network-scenarios.js';
import { scenarioReport, type ScenarioSpec } from '../../../scripts/bench/scenario-report.js';
import { lastFigures } from '../../../scripts/bench/virtual-viewer-fleet.js';
import {
  MAX_VIEWERS_PER_PROCESS,
  linkProfileKey,
  planVirtualProcesses,
  processViewerIds,
  viewerGroupFigures,
  virtualViewerOutcome,
  type VirtualViewerRun,
} from '../../../scripts/bench/virtual-viewer-plan.js';
import type { ViewerProcessLine } from '../../support/virtual-viewer/viewer-group.js';

function plan(scenario: NetworkScenario, chromium = 6, virtual = 24): NetworkPlan {
  return planNetworkScenario({
    scenario,
    seed: 1,
    chromiumViewers: chromium,
    virtualViewers: virtual,
    staggerMs: 3000,
    watchMs: 180_000,
  });
}

describe('planVirtualProcesses', () => {
  it.each(['clean', 'nat', 'uplink', 'churn', 'mixed'] as const)(
    '%s: every virtual viewer runs in exactly one process of one link profile',
    (scenario) => {
      const swarm = plan(scenario);
      const processes = planVirtualProcesses(swarm);
      const placed = processes.flatMap((process) => process.viewers.map((viewer) => viewer.id));
      const virtual = swarm.viewers.filter((viewer) => viewer.kind === 'virtual');
      expect([...placed].sort()).toEqual(virtual.map((viewer) => viewer.id).sort());
      for (const process of processes) {
        expect(process.viewers.length).toBeLessThanOrEqual(MAX_VIEWERS_PER_PROCESS);
        expect(new Set(process.viewers.map(linkProfileKey))).toEqual(
          new Set([linkProfileKey(process.slot)]),
        );
        // The process's fixed stagger reproduces every planned join.
        process.viewers.forEach((viewer, index) => {
          expect(viewer.joinAtMs).toBe(process.startAtMs + index * process.staggerMs);
        });
        expect(process.slot.slotId).toBe(process.viewers[0]?.slotId);
      }
    },
  );

  it('packs the clean swarm of 24 into few processes (every 5th slot shares one)', () => {
    const processes = planVirtualProcesses(plan('clean'));
    // Chromium sits at every 5th slot: virtual slots 1, 6, 11… join 15 s apart.
    expect(processes).toHaveLength(4);
    expect(processes.map((process) => process.viewers.length)).toEqual([6, 6, 6, 6]);
    expect(processes.every((process) => process.staggerMs === 15_000)).toBe(true);
    expect(processes.every((process) => process.killAtMs === undefined)).toBe(true);
  });

  it('gives every occupant of a churned slot a process of its own, killed at its planned leave', () => {
    const swarm = plan('churn');
    const processes = planVirtualProcesses(swarm);
    const killed = swarm.viewers.filter(
      (viewer) => viewer.kind === 'virtual' && viewer.leaveKind === 'process-killed',
    );
    expect(killed.length).toBeGreaterThan(0);
    for (const viewer of killed) {
      const own = processes.find((process) => process.viewers.includes(viewer));
      expect(own?.viewers).toEqual([viewer]);
      expect(own?.killAtMs).toBe(viewer.leaveAtMs);
      expect(own?.watchMs).toBe(viewer.leaveAtMs - viewer.joinAtMs);
    }
    const churnedSlots = new Set(killed.map((viewer) => viewer.slot));
    for (const process of processes) {
      if (process.viewers.some((viewer) => churnedSlots.has(viewer.slot))) {
        expect(process.viewers).toHaveLength(1);
      }
    }
  });

  it('respects a smaller process size and refuses a bad one', () => {
    const processes = planVirtualProcesses(plan('clean'), 4);
    expect(Math.max(...processes.map((process) => process.viewers.length))).toBe(4);
    expect(() => planVirtualProcesses(plan('clean'), 0)).toThrow(RangeError);
  });

  it('names the viewers of a process as viewer-group.ts does', () => {
    const [first] = planVirtualProcesses(plan('clean', 2, 6));
    expect(first).toBeDefined();
    if (first === undefined) return;
    expect(processViewerIds(first)).toEqual(
      first.viewers.map((_, index) => (index === 0 ? first.id : `${first.id}-${index}`)),
    );
  });
});

const figures = {
  viewer: 'v0',
  partial: false,
  startupMs: 400,
  stalls: 1,
  stallMs: 250,
  gapsSkipped: 0,
  playedSeconds: 30,
  runMs: 31_000,
  segmentsPlayed: 15,
  levelSwitches: 0,
  levels: [[0, 15]] as const,
  deliveredBytes: { http: 1000, p2p: 3000, cache: 0 },
  engineBytes: { http: 1100, p2p: 3000, upload: 500 },
  otherHttpBytes: 10,
  peers: 3,
  requestErrors: 0,
};

describe('lastFigures', () => {
  it("takes a viewer's result line, else its last progress line (a killed process)", () => {
    const progress = (stalls: number): ViewerProcessLine => ({
      type: 'progress',
      ...figures,
      stalls,
    });
    const lines: ViewerProcessLine[] = [
      { type: 'ready', pid: 1, viewers: ['v0', 'v0-1'] },
      progress(0),
      progress(2),
      { type: 'progress', ...figures, viewer: 'v0-1', stalls: 7 },
    ];
    expect(lastFigures(lines, 'v0')?.stalls).toBe(2);
    expect(lastFigures(lines, 'v0-1')?.stalls).toBe(7);
    expect(lastFigures(lines, 'v1')).toBeUndefined();
    lines.push({ type: 'result', ...figures, stalls: 5, requests: [], segments: [] });
    expect(lastFigures(lines, 'v0')?.stalls).toBe(5);
  });
});

function run(overrides: Partial<VirtualViewerRun> = {}): VirtualViewerRun {
  const swarm = plan('clean', 2, 6);
  const planned = swarm.viewers.find((viewer) => viewer.kind === 'virtual');
  if (planned === undefined) throw new Error('no virtual viewer');
  return {
    planned,
    label: 'live p2p',
    result: {
      ...figures,
      segments: [
        {
          sequence: 3,
          level: 0,
          url: 'http://127.0.0.1:1/live/s/hls-ts/0/3.ts',
          sha256: 'ab',
          bytes: 4000,
          source: 'p2p',
        },
      ],
    },
    joinedAtSeconds: 3,
    leftAtSeconds: 43,
    leaveKind: 'session-end',
    problems: [],
    ...overrides,
  };
}

describe('virtualViewerOutcome', () => {
  it("puts a virtual viewer's figures where the report reads a Chromium viewer's", () => {
    const outcome = virtualViewerOutcome(run());
    expect(outcome.virtual).toBe(true);
    expect(outcome.name).toBe('live p2p viewer v0');
    expect(outcome.final.mediaBytes).toBe(4000);
    expect(outcome.final.engineStats).toMatchObject({
      httpBytes: 1100,
      p2pBytes: 3000,
      uploadBytes: 500,
      p2pBytesByPath: { direct: 0, relayed: 0, unknown: 3000 },
    });
    expect(outcome.playback.stalls).toEqual({ count: 1, totalMs: 250 });
    expect(outcome.playback.startup).toEqual({ startedAtMs: 0, playingAtMs: 400 });
    expect(outcome.segments).toHaveLength(1);
    expect(outcome.segments[0]).toMatchObject({ sn: 3, byteLength: 4000, level: 0 });
    expect(outcome.segments[0]?.url).toContain('3.ts');
  });

  it("puts its engine's bans into the trace, where the attack report finds them", () => {
    const outcome = virtualViewerOutcome(
      run({
        result: {
          ...figures,
          peersBanned: [{ atEpochMs: 1_000_500, peerId: 'attacker-1', code: 'integrity-mismatch' }],
        },
      }),
    );
    expect(outcome.trace).toContainEqual({
      atMs: 1_000_500,
      event: 'peer-banned',
      peerId: 'attacker-1',
      error: 'integrity-mismatch',
    });
    const arm = { viewers: [outcome] } as unknown as ArmResult;
    expect(viewersThatBanned(arm, new Set(['attacker-1']))).toBe(1);
    expect(viewersThatBanned(arm, new Set(['someone-else']))).toBe(0);
  });

  it("puts its engine's peer and tracker events into the trace, in time order", () => {
    const outcome = virtualViewerOutcome(
      run({
        result: {
          ...figures,
          connectionEvents: [
            { atEpochMs: 1_000_100, event: 'tracker-connected', trackerUrl: 'ws://t' },
            { atEpochMs: 1_000_200, event: 'peer-connected', peerId: 'p1', streamKey: 'main:0' },
            {
              atEpochMs: 1_000_900,
              event: 'peer-disconnected',
              peerId: 'p1',
              streamKey: 'main:0',
              code: 'peer-timeout',
            },
          ],
        },
      }),
    );
    expect(outcome.tracesConnections).toBe(true);
    const events = outcome.trace.filter((entry) => entry.event !== 'segment-loaded');
    expect(events).toEqual([
      { atMs: 1_000_100, event: 'tracker-connected', trackerUrl: 'ws://t' },
      { atMs: 1_000_200, event: 'peer-connected', peerId: 'p1', streamKey: 'main:0' },
      {
        atMs: 1_000_900,
        event: 'peer-disconnected',
        peerId: 'p1',
        streamKey: 'main:0',
        error: 'peer-timeout',
      },
    ]);
    const times = outcome.trace.map((entry) => entry.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // A viewer from a process that recorded nothing says so.
    expect(virtualViewerOutcome(run()).tracesConnections).toBeUndefined();
  });

  it("gives its requests as a Chromium page's loads and the engine's segment-loaded events", () => {
    const request = {
      sequence: 4,
      level: 2,
      startMs: 900,
      startedAtEpochMs: 1_000_000,
      streamKey: 'main:/live/s/hls-ts/360p/index.m3u8',
      url: 'http://127.0.0.1:1/live/s/hls-ts/360p/seg_004.ts',
      fragmentStartSeconds: 8,
      positionSeconds: 6.5,
      slackMs: 1500,
      durationMs: 120,
    };
    const outcome = virtualViewerOutcome(
      run({
        result: {
          ...figures,
          requests: [
            {
              ...request,
              sequence: 3,
              startedAtEpochMs: 999_000,
              slackMs: 0,
              bytes: 0,
              error: 'timeout',
            },
            { ...request, bufferedEndSeconds: 8, source: 'p2p', bytes: 4000 },
          ],
        },
      }),
    );
    expect(outcome.loads).toEqual([
      expect.objectContaining({ sn: 3, outcome: 'error timeout', startedAtMs: 999_000 }),
      {
        url: request.url,
        sn: 4,
        type: 'main',
        level: 2,
        startedAtMs: 1_000_000,
        outcome: 'success',
        endedAtMs: 1_000_120,
        fragStart: 8,
        playhead: 6.5,
        bufferedEnd: 8,
      },
    ]);
    expect(outcome.loads[0]).not.toHaveProperty('bufferedEnd');
    expect(outcome.trace).toEqual([
      {
        atMs: 1_000_120,
        event: 'segment-loaded',
        segmentId: 4,
        streamKey: request.streamKey,
        source: 'p2p',
        bytes: 4000,
        durationMs: 120,
      },
    ]);
  });

  it('keeps a viewer that never started as not started, with its problems', () => {
    const outcome = virtualViewerOutcome(
      run({
        result: { ...figures, startupMs: undefined, fatalError: 'manifest-load' },
        problems: ['no result or progress line'],
        leaveKind: 'process-killed',
      }),
    );
    expect(outcome.playback.startup.playingAtMs).toBeUndefined();
    expect(outcome.problems).toEqual(['no result or progress line', 'fatal manifest-load']);
    expect(outcome.leaveKind).toBe('process-killed');
  });
});

/** A Chromium-shaped viewer outcome with the fields the report reads. */
function chromiumViewer(played: number, http: number, startupMs: number): ViewerOutcome {
  const sample = {
    playedSeconds: 30,
    currentTime: 30,
    stalls: { count: 0, totalMs: 0 },
    startup: { startedAtMs: 100, scriptsLoadedAtMs: 200, playingAtMs: 200 + startupMs },
    mediaBytes: played,
    mediaSegments: 10,
    fatalErrors: 0,
    engineStats: {
      httpBytes: http,
      p2pBytes: played - http,
      uploadBytes: 0,
      p2pBytesByPath: { direct: played - http, relayed: 0, unknown: 0 },
    },
  };
  return {
    name: 'live p2p viewer c0',
    joinedAtSeconds: 0,
    leftAtSeconds: 40,
    cost: undefined,
    playback: sample,
    final: sample,
    trace: [],
    segments: [],
    loads: [],
    problems: [],
    leaveKind: 'session-end',
  } as unknown as ViewerOutcome;
}

function arm(originBytes: number, viewers: ViewerOutcome[]): ArmResult {
  return { viewers, originBytes, timeline: [], startedAtEpochMs: 0 };
}

describe('merged arm figures', () => {
  const p2p = arm(3100, [
    chromiumViewer(4000, 2000, 600),
    chromiumViewer(4000, 1000, 800),
    virtualViewerOutcome(run()),
    virtualViewerOutcome(run({ result: { ...figures, startupMs: 200, stalls: 0, stallMs: 0 } })),
  ]);
  const baseline = arm(16_000, [
    chromiumViewer(4000, 0, 500),
    chromiumViewer(4000, 0, 500),
    virtualViewerOutcome(run({ result: { ...figures, startupMs: 300, stalls: 0 } })),
    virtualViewerOutcome(run({ result: { ...figures, startupMs: 300, stalls: 0 } })),
  ]);

  it('gives Chromium and virtual viewers their own offload, startup and stalls', () => {
    const chromium = viewerGroupFigures(p2p, baseline, (viewer) => viewer.virtual !== true);
    const virtual = viewerGroupFigures(p2p, baseline, (viewer) => viewer.virtual === true);
    expect(chromium).toMatchObject({
      viewers: 2,
      playedBytes: 8000,
      httpBytes: 3000,
      offload: 0.625,
      startupMsMedian: 700,
      stalls: 0,
      baselineStartupMsMedian: 500,
    });
    expect(virtual).toMatchObject({
      viewers: 2,
      playedBytes: 8000,
      httpBytes: 2200,
      offload: 0.725,
      startupMsMedian: 300,
      startupMsP95: 400,
      stalls: 1,
      stallMs: 250,
      baselineStartupMsMedian: 300,
      baselineStalls: 0,
    });
  });

  it('counts every viewer in the totals and the ideal offload', () => {
    const spec: ScenarioSpec = {
      mode: 'live',
      peers: 2,
      stream: 'hls-ts',
      seconds: 40,
      staggerSeconds: 3,
      player: 'hlsjs',
      engine: 'hlsjs',
      capLevel: undefined,
      engineConfig: {},
      shakaConfig: null,
      build: 'x',
      virtualPeers: 2,
    };
    const noFetches = {
      distinct: { count: 0, bytes: 0 },
      beforeFirstPeer: { count: 0, bytes: 0 },
    } as never;
    const report = scenarioReport(spec, p2p, baseline, noFetches);
    expect(report.playedBytes).toBe(16_000);
    expect(report.originOffload).toBe(round4(1 - 3100 / 16_000));
    expect(report.idealOffload).toBe(0.75);
    expect(report.stalls).toBe(1);
    expect(report.httpBytes).toBe(5200);
    // Startups 200, 400 (virtual), 600, 800 (Chromium): median of the middle two.
    expect(report.startupMsMedian).toBe(500);

    const swarm = plan('clean', 2, 2);
    const network = networkFigures(swarm, p2p, baseline);
    expect(network.virtualPeers).toBe(2);
    expect(network.virtual?.viewers).toBe(2);
    expect(network.chromium.viewers).toBe(2);
    expect(network.replacementsJoined).toBe(0);
    // Virtual P2P bytes have no path: they count as unknown, never as relayed.
    expect(network.p2pBytesByPath).toEqual({ direct: 5000, relayed: 0, unknown: 6000 });
  });
});

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

describe('parseBenchArgs --virtual-peers', () => {
  it('defaults to 0 and takes 0..64 with --network and hls.js', () => {
    expect(parseBenchArgs([])).toMatchObject({ virtualPeers: 0 });
    expect(parseBenchArgs(['--network', 'clean', '--virtual-peers', '24'])).toMatchObject({
      virtualPeers: 24,
    });
    for (const bad of ['-1', '1.5', '65', 'x']) {
      expect(() => parseBenchArgs(['--network', 'clean', '--virtual-peers', bad])).toThrow(
        /--virtual-peers/,
      );
    }
  });

  it('refuses virtual viewers without a lab or for a player and stream no model covers', () => {
    expect(() => parseBenchArgs(['--virtual-peers', '2'])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--virtual-peers', '2'])).toThrow(/needs --network/);
    // Shaka playing HLS, and hls.js playing an HLS stream through Shaka's page: no model.
    expect(() =>
      parseBenchArgs([
        '--network',
        'clean',
        '--virtual-peers',
        '2',
        '--engine',
        'shaka',
        '--protocol',
        'hls',
      ]),
    ).toThrow(/hls\.js playing HLS or Shaka playing DASH/);
  });

  it('takes Shaka playing the DASH streams the Shaka model reads', () => {
    for (const stream of ['dash-number', 'dash-timeline']) {
      const options = parseBenchArgs([
        '--network',
        'clean',
        '--virtual-peers',
        '2',
        '--stream',
        stream,
      ]);
      expect(options).toMatchObject({ engine: 'shaka', virtualPeers: 2 });
    }
    expect(
      parseBenchArgs(['--network', 'clean', '--virtual-peers', '2', '--protocol', 'dash']),
    ).toMatchObject({ engine: 'shaka', stream: 'dash-number' });
  });
});
