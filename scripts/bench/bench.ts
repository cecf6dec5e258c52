/**
 * `npm run bench`: how much origin traffic P2P saves, and at what cost in stalls and startup. For
 * each scenario (live, VOD) N headless Chromium viewers join a few seconds apart and watch one
 * stream through our engine with P2P on; then the same viewers with the same timing watch it with
 * the player alone (the baseline). Prints a table or one JSON line per scenario, and writes a chart
 * of origin vs P2P bytes over time plus per-viewer diagnostics into the output directory.
 *
 * Run it through scripts/bench/run.sh (what `npm run bench` does): it needs the network namespace
 * of scripts/netns-run.sh, in which Chromium's WebRTC peers can reach each other.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../test/support/browser.js';
import { runArm, type ArmResult, type TimelinePoint } from './arm-runner.js';
import {
  BENCH_USAGE,
  BenchUsageError,
  parseBenchArgs,
  shakaConfigFor,
  type BenchMode,
  type BenchOptions,
} from './bench-options.js';
import { ROOT_DIR, startBenchStack, type BenchStack } from './bench-stack.js';
import { armDiagnostics, formatDiagnostics, startupBreakdown } from './diagnostics.js';
import { playerPageFor, type PlayerPage } from './player-pages.js';
import { formatScenario } from './report-table.js';
import { scenarioReport, type ScenarioReport, type ScenarioSpec } from './scenario-report.js';
import { renderLineChart } from './svg-chart.js';
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
  readonly browser: Browser;
  readonly page: PlayerPage;
}

/** Manifest URL of the scenario's stream: VOD, or a live session of its own. */
function sourceUrl(stack: BenchStack, stream: string, mode: BenchMode, session: string): string {
  const manifest = stream.startsWith('dash-') ? 'manifest.mpd' : 'master.m3u8';
  return mode === 'live'
    ? `${stack.origin.url}/live/${session}/${stream}/${manifest}`
    : `${stack.origin.url}/vod/${stream}/${manifest}`;
}

function runScenarioArm(
  context: ScenarioContext,
  mode: BenchMode,
  p2p: boolean,
): Promise<ArmResult> {
  const { options, stack } = context;
  const runId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const session = `bench-${p2p ? 'p2p' : 'base'}-${runId}`;
  const src = sourceUrl(stack, options.stream, mode, session);
  const label = `${mode} ${p2p ? 'p2p' : 'baseline'}`;
  return runArm({
    label,
    browser: context.browser,
    origin: stack.origin,
    page: context.page,
    pageSetup: {
      src,
      engine: options.engine,
      p2p: p2p
        ? { ...options.engineConfig, ...stack.p2pConfig, swarmId: `bench-${mode}-${runId}` }
        : undefined,
      capLevel: options.capLevel,
      shakaConfig: shakaConfigFor(options, mode),
    },
    pathPrefix: mode === 'live' ? `/live/${session}/` : `/vod/${options.stream}/`,
    viewers: options.peers,
    staggerMs: options.staggerSeconds * 1000,
    watchMs: options.seconds * 1000,
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

async function runScenario(context: ScenarioContext, mode: BenchMode): Promise<ScenarioReport> {
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
  };
  progress(`${mode}: P2P arm (${options.peers} viewers)`);
  const p2p = await runScenarioArm(context, mode, true);
  progress(`${mode}: baseline arm (${options.player} without the engine)`);
  const baseline = await runScenarioArm(context, mode, false);

  const diagnostics = armDiagnostics(p2p);
  const report = scenarioReport(spec, p2p, baseline, diagnostics.originFetches);
  const startup = { p2p: startupBreakdown(p2p), baseline: startupBreakdown(baseline) };
  const name = `${mode}-${options.stream}-${options.peers}p`;
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
        timeline: p2p.timeline,
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
  for (const problem of mediaTooShort(options)) progress(`bench: WARNING: ${problem}`);
  mkdirSync(options.outDir, { recursive: true });

  const [stack, browser] = await Promise.all([startBenchStack(), launchBrowser()]);
  try {
    const warmUpProblem = await warmUpBrowser({
      browser,
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
    if (warmUpProblem !== undefined) progress(`bench: WARNING: ${warmUpProblem}`);
    for (const mode of options.modes) {
      const report = await runScenario({ options, stack, browser, page }, mode);
      process.stdout.write(
        options.json ? `${JSON.stringify(report)}\n` : `\n${formatScenario(report)}\n\n`,
      );
    }
  } finally {
    await browser.close();
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
