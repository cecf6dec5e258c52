/**
 * `npm run bench`: how much origin traffic P2P saves, and at what cost in stalls and startup. For
 * each scenario (live, VOD) N headless Chromium viewers join a few seconds apart and watch one
 * stream through our engine with P2P on; then the same viewers with the same timing watch it with
 * the player alone (the baseline). Prints a table or one JSON line per scenario, and writes a chart
 * of origin vs P2P bytes over time plus per-viewer diagnostics into the output directory.
 *
 * With `--attackers N`, N hostile peers (test/support/hostile-peer) join the P2P arm's swarm and
 * serve wrong bytes; every segment each player received is then compared with the origin's file,
 * and the P2P arm runs a second time without them for `offloadWithoutAttackers`. With `--network`
 * too, each runs as a process in a public namespace of the arm's lab (lab-hostile-peer.ts).
 *
 * With `--network SCENARIO`, each arm runs in a fresh network lab built from the scenario's seeded
 * plan (network-scenarios.ts, network-lab.ts): every viewer in its own Chromium process in its
 * slot's namespace, churn carried out as planned, and the line gains the network fields
 * (network-report.ts). With `--virtual-peers N` the plan's virtual viewers run beside them as
 * viewer processes in their slots' namespaces (virtual-viewer-plan.ts, virtual-viewer-fleet.ts).
 *
 * With `--browser firefox|mixed`, the viewers of both arms run in Firefox, or alternate Chromium and
 * Firefox by join order (browser-mix.ts, viewer-openers.ts), and the line's `byBrowser` gives each
 * browser's offload, stalls and startup (browser-figures.ts).
 *
 * Run it through scripts/bench/run.sh (what `npm run bench` does): it needs the network namespace
 * of scripts/netns-run.sh, in which Chromium's WebRTC peers can reach each other.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { demoHashSigningKeyPath } from '../../examples/media/streams-manifest.js';
import {
  startHostilePeer,
  trustedHashesConfig,
  type HostilePeer,
  type HostilePeerReport,
} from '../../test/support/hostile-peer/index.js';
import { attackFigures, type AttackFigures } from './attack-report.js';
import {
  runArm,
  type ArmResult,
  type ArmSetup,
  type ScheduledViewer,
  type TimelinePoint,
  type ViewerOpener,
} from './arm-runner.js';
import {
  BENCH_USAGE,
  BenchUsageError,
  parseBenchArgs,
  shakaConfigFor,
  type BenchMode,
  type BenchOptions,
  type JWBaseline,
} from './bench-options.js';
import { ROOT_DIR, startBenchStack, type BenchStack } from './bench-stack.js';
import { browserBreakdown, type BrowserBreakdown } from './browser-figures.js';
import { browsersNeeded } from './browser-mix.js';
import { armDiagnostics, formatDiagnostics, startupBreakdown } from './diagnostics.js';
import {
  assertNetworkLabSupport,
  claimBenchLabAddress,
  startArmLab,
  startLabHostilePeer,
  type ArmLab,
} from './network-lab.js';
import { networkFigures, type NetworkFigures } from './network-report.js';
import { formatRepeatSummary, summarizeRepeats } from './repeat-summary.js';
import { planNetworkScenario, type NetworkPlan } from './network-scenarios.js';
import { VirtualViewerFleet } from './virtual-viewer-fleet.js';
import {
  planVirtualProcesses,
  virtualPlayerSpec,
  virtualViewerOutcome,
} from './virtual-viewer-plan.js';
import { PLAYER_PAGES, playerPageFor, type PlayerPage } from './player-pages.js';
import { originDigests, readOriginFile } from './origin-files.js';
import { formatScenario } from './report-table.js';
import {
  scenarioReport,
  viewerCostRows,
  type ScenarioReport,
  type ScenarioSpec,
} from './scenario-report.js';
import { renderLineChart } from './svg-chart.js';
import {
  benchViewerOpener,
  browserPerViewerOpener,
  launchSharedBrowsers,
  requireFirefox,
  type SharedBrowsers,
} from './viewer-openers.js';
import { warmUpBrowser } from './warm-up.js';

const MEDIA_DIR = path.join(ROOT_DIR, 'examples/media/streams');

/** Progress and diagnostics go to stderr: stdout carries only the report (table or JSON lines). */
function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(2);
}

/** Seconds of media in a generated stream, from its stream.json. */
function streamDurationSeconds(stream: string): number {
  const file = path.join(MEDIA_DIR, stream, 'stream.json');
  if (!existsSync(file)) {
    throw new BenchUsageError(
      `no stream '${stream}' in ${MEDIA_DIR} (run examples/media/generate.sh)`,
    );
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { durationSec?: unknown };
  return typeof parsed.durationSec === 'number' ? parsed.durationSec : Infinity;
}

/**
 * Seconds of live DASH time a session starts with: the origin's simulation begins a full window
 * (6 segments of 2 s) into the VOD, which it then plays once.
 */
const LIVE_DASH_HEAD_START_SECONDS = 12;

/** Why the chosen stream ends before a scenario does, if it does (one line per mode). */
function mediaTooShort(options: BenchOptions): string[] {
  const duration = streamDurationSeconds(options.stream);
  const problems: string[] = [];
  if (options.modes.includes('vod') && options.seconds > duration - 4) {
    problems.push(
      `each VOD viewer watches ${options.seconds} s from the start, but '${options.stream}' ` +
        `lasts ${duration} s: they reach its end before they leave`,
    );
  }
  const liveNeeded = (options.peers - 1) * options.staggerSeconds + options.seconds;
  const liveLasts = duration - LIVE_DASH_HEAD_START_SECONDS - 4;
  if (
    options.modes.includes('live') &&
    options.stream.startsWith('dash') &&
    liveNeeded > liveLasts
  ) {
    problems.push(
      `the live scenario needs ${liveNeeded} s of live time, but live '${options.stream}' plays ` +
        `its ${duration} s once and ends after about ${liveLasts} s`,
    );
  }
  return problems;
}

interface ScenarioContext {
  readonly options: BenchOptions;
  readonly stack: BenchStack;
  /** How viewers open outside a network lab (a lab's arm opens them in its namespaces). */
  readonly openViewer: ViewerOpener;
  readonly page: PlayerPage;
  /** The `--network` scenario's plan, when there is one. */
  readonly plan: NetworkPlan | undefined;
}

/** Manifest URL of the scenario's stream: VOD, or a live session of its own. */
function sourceUrl(stack: BenchStack, stream: string, mode: BenchMode, session: string): string {
  const manifest = stream.startsWith('dash-') ? 'manifest.mpd' : 'master.m3u8';
  return mode === 'live'
    ? `${stack.origin.url}/live/${session}/${stream}/${manifest}`
    : `${stack.origin.url}/vod/${stream}/${manifest}`;
}

/** The engine's `integrity` option when `--trusted-hashes on` and the stream has a hash manifest. */
function integrityConfig(options: BenchOptions): Record<string, unknown> {
  if (!options.trustedHashes) return {};
  const integrity = trustedHashesConfig(MEDIA_DIR, options.stream);
  return integrity === undefined ? {} : { integrity };
}

/** A hostile peer of an arm, in the bench's process or (`--network`) in the arm's lab. */
interface ArmHostilePeer {
  report(): Promise<HostilePeerReport>;
  destroy(): Promise<void>;
}

/**
 * Starts hostile peer `index` of an arm: in this process without a lab, or as a process in its own
 * public namespace of the arm's lab (network-lab.ts), where the lab's viewers can reach it.
 */
async function startArmHostilePeer(
  context: ScenarioContext,
  armLab: ArmLab | undefined,
  index: number,
  arm: { readonly src: string; readonly swarmId: string },
): Promise<ArmHostilePeer> {
  const { options, stack } = context;
  if (armLab === undefined) {
    const peer: HostilePeer = await startHostilePeer({
      manifestUrl: arm.src,
      swarmId: arm.swarmId,
      trackers: stack.p2pConfig.trackers,
      behaviour: options.attack,
      readSegment: (url, byteRange) => readOriginFile(MEDIA_DIR, url, byteRange),
    });
    return { report: () => Promise.resolve(peer.report()), destroy: () => peer.destroy() };
  }
  const namespace = armLab.attackerNamespaces[index];
  if (namespace === undefined) throw new Error(`network lab: no namespace for attacker ${index}`);
  return startLabHostilePeer(armLab.lab, namespace, {
    manifestUrl: arm.src,
    swarmId: arm.swarmId,
    trackers: stack.p2pConfig.trackers,
    behaviour: options.attack,
    mediaDir: MEDIA_DIR,
  });
}

/** One arm's result, with the hostile peers' reports when it had any. */
interface ArmRun {
  readonly arm: ArmResult;
  readonly attackers: readonly HostilePeerReport[];
}

/** Which arm to run: P2P (with `attackers` hostile peers in its swarm) or the baseline. */
type ArmKind = { readonly p2p: false } | { readonly p2p: true; readonly attackers: number };

async function runScenarioArm(
  context: ScenarioContext,
  mode: BenchMode,
  kind: ArmKind,
): Promise<ArmRun> {
  const { options, stack } = context;
  const { p2p } = kind;
  const attackerCount = kind.p2p ? kind.attackers : 0;
  const runId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const session = `bench-${p2p ? 'p2p' : 'base'}-${runId}`;
  const src = sourceUrl(stack, options.stream, mode, session);
  const label = `${mode} ${p2p ? (attackerCount > 0 ? 'p2p+attack' : 'p2p') : 'baseline'}`;
  const swarmId = `bench-${mode}-${runId}`;
  const hostile: ArmHostilePeer[] = [];
  let fleet: VirtualViewerFleet | undefined;
  const armLab =
    context.plan === undefined
      ? undefined
      : await startArmLab(context.plan, [originPort(stack), trackerPort(stack)], attackerCount);
  try {
    for (let index = 0; index < attackerCount; index++) {
      hostile.push(await startArmHostilePeer(context, armLab, index, { src, swarmId }));
    }
    if (armLab !== undefined) {
      progress(
        `  ${label}: lab ${armLab.lab.id} (${armLab.lab.viewers.length} viewer namespaces` +
          (attackerCount > 0 ? `, ${attackerCount} of them hostile peers` : '') +
          `${armLab.lab.turn === undefined ? '' : ', coturn'})`,
      );
    }
    const lab =
      armLab === undefined
        ? undefined
        : {
            openViewer: browserPerViewerOpener((index) => armLab.placement(index)),
            rtcConfig: { iceServers: armLab.iceServers.map((server) => ({ ...server })) },
          };
    fleet =
      armLab === undefined || context.plan === undefined || context.plan.virtualViewers === 0
        ? undefined
        : virtualFleet(context, armLab, { mode, p2p, src, label, swarmId });
    const alongside =
      fleet === undefined
        ? undefined
        : async (startedAtEpochMs: number) => {
            fleet?.start(startedAtEpochMs);
            const runs = (await fleet?.finish(startedAtEpochMs)) ?? [];
            return runs.map(virtualViewerOutcome);
          };
    const arm = await runArmOf(context, mode, {
      p2p,
      src,
      session,
      label,
      swarmId,
      lab,
      alongside,
    });
    return { arm, attackers: await Promise.all(hostile.map((peer) => peer.report())) };
  } finally {
    // No viewer process outlives its arm (the lab's destroy would kill them too).
    fleet?.destroy();
    await Promise.all(hostile.map((peer) => peer.destroy()));
    await armLab?.destroy();
  }
}

function runArmOf(
  context: ScenarioContext,
  mode: BenchMode,
  arm: {
    readonly p2p: boolean;
    readonly src: string;
    readonly session: string;
    readonly label: string;
    readonly swarmId: string;
    /** The arm's network lab: its viewer opener and the engine's ICE servers. */
    readonly lab:
      | { readonly openViewer: ViewerOpener; readonly rtcConfig: Record<string, unknown> }
      | undefined;
    /** The arm's virtual viewers (see `ArmSetup.alongside`), when it has any. */
    readonly alongside: ArmSetup['alongside'];
  },
): Promise<ArmResult> {
  const { options, stack } = context;
  const { p2p, src, session, label, swarmId, lab, alongside } = arm;
  return runArm({
    ...(alongside === undefined ? {} : { alongside }),
    label,
    openViewer: lab?.openViewer ?? context.openViewer,
    origin: stack.origin,
    page: context.page,
    pageSetup: {
      src,
      engine: options.engine,
      p2p: p2p
        ? {
            ...integrityConfig(options),
            ...options.engineConfig,
            ...stack.p2pConfig,
            ...(lab === undefined ? {} : { rtcConfig: lab.rtcConfig }),
            swarmId,
          }
        : undefined,
      capLevel: options.capLevel,
      shakaConfig: shakaConfigFor(options, mode),
      jwBaseline: options.jwBaseline,
    },
    pathPrefix: mode === 'live' ? `/live/${session}/` : `/vod/${options.stream}/`,
    viewers: options.peers,
    staggerMs: options.staggerSeconds * 1000,
    watchMs: options.seconds * 1000,
    ...(context.plan === undefined ? {} : { schedule: chromiumSchedule(context.plan) }),
    onSample: (point: TimelinePoint) => {
      if (Math.round(point.atSeconds) % 10 !== 0) return;
      progress(
        `  ${label} t=${Math.round(point.atSeconds)} s: origin ${megabytes(point.originBytes)} MB, ` +
          `p2p ${megabytes(point.p2pBytes)} MB, played ${megabytes(point.playedBytes)} MB, ` +
          `peers [${point.peers.join(' ')}], stalls [${point.stalls.join(' ')}], ` +
          `cpu ${point.cpuBusy === undefined ? 'n/a' : `${Math.round(point.cpuBusy * 100)} %`}`,
      );
    },
  });
}

/**
 * The virtual viewers of an arm: the plan's viewer processes in their slots' namespaces, with the
 * Chromium viewers' stream URL, trackers, ICE servers and (P2P arm) engine configuration and swarm.
 *
 * They open the same `http://127.0.0.1:<port>` URLs as the Chromium viewers, through the same
 * loopback forward of their namespace (network-lab.ts), although Node needs no secure context and
 * could use the lab address directly: the same URLs give the same swarm and segment identities
 * (the engine keys segments by URL) and the same tracker URL, and the traffic takes exactly the
 * Chromium viewers' path through NAT, shaping and loss, so the two groups differ in the player only.
 */
function virtualFleet(
  context: ScenarioContext,
  armLab: ArmLab,
  arm: {
    readonly mode: BenchMode;
    readonly p2p: boolean;
    readonly src: string;
    readonly label: string;
    readonly swarmId: string;
  },
): VirtualViewerFleet {
  const { options, stack, plan } = context;
  if (plan === undefined) throw new Error('virtual viewers need a network plan');
  return new VirtualViewerFleet({
    label: arm.label,
    processes: planVirtualProcesses(plan),
    spec: {
      streamUrl: arm.src,
      mode: arm.mode,
      trackers: stack.p2pConfig.trackers,
      iceServers: armLab.iceServers.map((server) => ({ ...server, urls: [...server.urls] })),
      p2p: arm.p2p,
      engineConfig: arm.p2p
        ? { ...integrityConfig(options), ...options.engineConfig, swarmId: arm.swarmId }
        : {},
      seed: plan.seed,
      ...virtualPlayerSpec(options.engine, shakaConfigFor(options, arm.mode)),
    },
    spawnIn: (slot) => {
      const namespace = armLab.lab.viewer(slot.slotId).namespace;
      return (command, args, spawnOptions) =>
        armLab.lab.runIn(namespace, command, args, spawnOptions);
    },
    log: progress,
  });
}

/** The origin's TCP port (the lab's viewers reach it through their loopback forward). */
function originPort(stack: BenchStack): number {
  return Number(new URL(stack.origin.url).port);
}

/** The tracker's TCP port. */
function trackerPort(stack: BenchStack): number {
  return stack.tracker.port;
}

/** The Chromium viewers of a network plan as an arm's schedule (slots, joins, planned leaves). */
function chromiumSchedule(plan: NetworkPlan): ScheduledViewer[] {
  return plan.viewers
    .filter((viewer) => viewer.kind === 'chromium')
    .map((viewer) => ({
      index: viewer.slot,
      id: viewer.id,
      joinAtMs: viewer.joinAtMs,
      leaveAtMs: viewer.leaveAtMs,
      leaveKind: viewer.leaveKind,
    }));
}

function writeChart(file: string, spec: ScenarioSpec, p2p: ArmResult, baseline: ArmResult): void {
  const points = (arm: ArmResult, pick: (point: TimelinePoint) => number) =>
    arm.timeline.map((point) => [point.atSeconds, pick(point)] as const);
  const svg = renderLineChart({
    title: `${spec.mode} ${spec.stream}: ${spec.peers} viewers, origin vs P2P bytes`,
    series: [
      {
        label: 'origin bytes, with P2P',
        color: '#d62728',
        points: points(p2p, (p) => p.originBytes),
      },
      { label: 'bytes from peers', color: '#2ca02c', points: points(p2p, (p) => p.p2pBytes) },
      {
        label: 'origin bytes, baseline (no engine)',
        color: '#9a9a9a',
        points: points(baseline, (p) => p.originBytes),
      },
      {
        label: 'bytes played, with P2P',
        color: '#1f77b4',
        dashed: true,
        points: points(p2p, (p) => p.playedBytes),
      },
    ],
  });
  writeFileSync(file, svg);
}

/**
 * A scenario's JSON line: the scenario report, its attack fields, its browsers' figures and
 * (`--network`) its network ones.
 */
type ScenarioLine = ScenarioReport &
  AttackFigures &
  BrowserBreakdown &
  Partial<NetworkFigures> & {
    /** JW Player's plain arm (`--jw-baseline`); only on `--player jwplayer` lines. */
    readonly jwBaseline?: JWBaseline;
  };

async function runScenario(
  context: ScenarioContext,
  mode: BenchMode,
  run = 1,
): Promise<ScenarioLine> {
  const { options } = context;
  const spec: ScenarioSpec = {
    mode,
    peers: options.peers,
    stream: options.stream,
    seconds: options.seconds,
    staggerSeconds: options.staggerSeconds,
    player: options.player,
    engine: options.engine,
    capLevel: options.capLevel,
    engineConfig: options.engineConfig,
    shakaConfig: shakaConfigFor(options, mode) ?? null,
    build: context.stack.bundleDigest,
    virtualPeers: context.plan?.virtualViewers ?? 0,
  };
  const attacked =
    options.attackers > 0 ? ` and ${options.attackers} ${options.attack} attacker(s)` : '';
  const inLab =
    context.plan === undefined
      ? ''
      : `, network '${context.plan.scenario}' seed ${context.plan.seed}`;
  const virtual =
    context.plan === undefined || context.plan.virtualViewers === 0
      ? ''
      : ` and ${context.plan.virtualViewers} virtual`;
  const browsers = options.browser === 'chromium' ? '' : ` in ${options.browser}`;
  progress(`${mode}: P2P arm (${options.peers} viewers${browsers}${virtual}${attacked}${inLab})`);
  const p2pRun = await runScenarioArm(context, mode, { p2p: true, attackers: options.attackers });
  const p2p = p2pRun.arm;
  progress(`${mode}: baseline arm (${options.player} without the engine)`);
  const baseline = (await runScenarioArm(context, mode, { p2p: false })).arm;
  let clean: ArmResult | undefined;
  if (options.attackers > 0) {
    progress(`${mode}: P2P arm again, without attackers`);
    clean = (await runScenarioArm(context, mode, { p2p: true, attackers: 0 })).arm;
  }
  const attack = attackFigures({
    attack: options.attack,
    trustedHashes: options.trustedHashes && Object.keys(integrityConfig(options)).length > 0,
    attacked: p2p,
    attackers: p2pRun.attackers,
    clean,
    originDigest: originDigests(MEDIA_DIR),
    digestsRecorded: context.page.recordsDigests === true,
  });

  const diagnostics = armDiagnostics(p2p);
  const report: ScenarioLine = {
    ...scenarioReport(spec, p2p, baseline, diagnostics.originFetches),
    ...attack,
    ...browserBreakdown(options.browser, p2p, baseline),
    ...(context.plan === undefined ? {} : networkFigures(context.plan, p2p, baseline)),
    ...(options.player === 'jwplayer' ? { jwBaseline: options.jwBaseline } : {}),
  };
  const startup = { p2p: startupBreakdown(p2p), baseline: startupBreakdown(baseline) };
  const network = context.plan === undefined ? '' : `-${context.plan.scenario}`;
  // With --repeat, each run keeps its own chart and diagnostics.
  const repeated = options.repeat > 1 ? `-run${run}` : '';
  const name = `${mode}-${options.stream}-${options.peers}p${network}${repeated}`;
  const chartFile = path.join(options.outDir, `${name}.svg`);
  writeChart(chartFile, spec, p2p, baseline);
  writeFileSync(
    path.join(options.outDir, `${name}-diagnostics.json`),
    JSON.stringify(
      {
        report,
        startup,
        diagnostics,
        baseline: armDiagnostics(baseline).viewers,
        viewerCosts: { p2p: viewerCostRows(p2p), baseline: viewerCostRows(baseline) },
        timeline: p2p.timeline,
        attackers: p2pRun.attackers,
        ...(context.plan === undefined ? {} : { plan: context.plan }),
      },
      null,
      1,
    ),
  );
  progress(formatDiagnostics(diagnostics));
  progress(`startup milestones (median ms): P2P ${JSON.stringify(startup.p2p)}`);
  progress(`startup milestones (median ms): baseline ${JSON.stringify(startup.baseline)}`);
  progress(`chart: ${chartFile}`);
  return report;
}

/** The pages that record segment digests, by name (what `--attackers` can run on). */
function digestPageNames(): string {
  return [...PLAYER_PAGES.values()]
    .filter((candidate) => candidate.recordsDigests === true)
    .map((candidate) => candidate.name)
    .join(', ');
}

async function main(): Promise<number> {
  let options: BenchOptions | undefined;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    progress(`${error.message}\n${BENCH_USAGE}`);
    return 2;
  }
  if (options === undefined) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  if (process.env.P2PML_NETNS !== '1') {
    progress('bench: WARNING: not inside scripts/netns-run.sh; run it as `npm run bench`');
  }
  const page = playerPageFor(options.player, options.engine);
  const pageProblem = page.unavailable?.();
  const needed = browsersNeeded(options.browser, options.peers);
  try {
    if (pageProblem !== undefined) throw new BenchUsageError(pageProblem);
    if (options.attackers > 0 && page.recordsDigests !== true) {
      throw new BenchUsageError(
        `--attackers needs a page that records segment digests (${digestPageNames()}); ` +
          `--player ${options.player} records none`,
      );
    }
    if (needed.includes('firefox')) progress(`bench: Firefox viewers run ${requireFirefox()}`);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    progress(`bench: ${error.message}`);
    return 2;
  }
  if (options.trustedHashes && trustedHashesConfig(MEDIA_DIR, options.stream) === undefined) {
    progress(
      `bench: WARNING: '${options.stream}' has no hash manifest (run examples/media/generate.sh ` +
        '--force): the P2P arm runs without trusted hashes',
    );
  }
  if (
    options.trustedHashes &&
    options.modes.includes('live') &&
    !existsSync(demoHashSigningKeyPath(MEDIA_DIR))
  ) {
    // Without the key the origin serves live hash manifests unsigned, and with trusted hashes on
    // no viewer takes a live segment from a peer: the P2P arm would measure HTTP alone.
    progress(
      `bench: live hash manifests cannot be signed: ${demoHashSigningKeyPath(MEDIA_DIR)} is ` +
        'missing (examples/media/generate.sh --force creates it for this checkout), or run with ' +
        '--trusted-hashes off',
    );
    return 2;
  }
  for (const problem of mediaTooShort(options)) progress(`bench: WARNING: ${problem}`);
  let plan: NetworkPlan | undefined;
  if (options.network !== undefined) {
    try {
      plan = planNetworkScenario({
        scenario: options.network,
        seed: options.seed,
        chromiumViewers: options.peers,
        virtualViewers: options.virtualPeers,
        staggerMs: options.staggerSeconds * 1000,
        watchMs: options.seconds * 1000,
      });
      assertNetworkLabSupport(plan);
    } catch (error) {
      if (!(error instanceof BenchUsageError)) throw error;
      progress(`bench: ${error.message}`);
      return 2;
    }
    // The origin and tracker listen on the lab address, put on this private namespace's loopback.
    await claimBenchLabAddress();
  }
  mkdirSync(options.outDir, { recursive: true });

  // With a browser per viewer, the shared ones serve the warm-up only (binary and page cache).
  const stack = await startBenchStack(plan === undefined ? undefined : '0.0.0.0');
  let browsers: SharedBrowsers;
  try {
    browsers = await launchSharedBrowsers(needed);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  // A lab's arms open their viewers in their namespaces; this opener serves runs without one.
  const openViewer = benchViewerOpener({
    browser: options.browser,
    shared: options.browserPerViewer ? undefined : browsers,
  });
  try {
    for (const name of needed) {
      const warmUpProblem = await warmUpBrowser({
        browser: browsers.get(name),
        origin: stack.origin,
        page,
        pageSetup: {
          src: sourceUrl(stack, options.stream, 'vod', 'warm-up'),
          engine: options.engine,
          p2p: undefined,
          capLevel: options.capLevel,
          shakaConfig: shakaConfigFor(options, 'vod'),
        },
        pathPrefix: `/vod/${options.stream}/`,
      });
      if (warmUpProblem !== undefined) progress(`bench: WARNING: ${name} ${warmUpProblem}`);
    }
    if (options.browserPerViewer) await browsers.close(); // idle from here on
    for (const mode of options.modes) {
      const reports: ScenarioLine[] = [];
      for (let run = 1; run <= options.repeat; run++) {
        if (options.repeat > 1) progress(`${mode}: run ${run} of ${options.repeat}`);
        const report = await runScenario({ options, stack, openViewer, page, plan }, mode, run);
        reports.push(report);
        const line = options.repeat > 1 ? { ...report, run, runs: options.repeat } : report;
        process.stdout.write(
          options.json ? `${JSON.stringify(line)}\n` : `\n${formatScenario(report)}\n\n`,
        );
      }
      if (options.repeat > 1) {
        const summary = summarizeRepeats(reports);
        process.stdout.write(
          options.json ? `${JSON.stringify(summary)}\n` : `${formatRepeatSummary(summary)}\n\n`,
        );
      }
    }
  } finally {
    await browsers.close();
    await stack.stop();
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    progress(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  },
);
