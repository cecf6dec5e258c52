/**
 * Which rows the network-lab matrix runs (issue 16, "Bench scenarios" and "Targets"), as which bench
 * commands, and for about how long. Pure: the runner (lab-matrix.ts) spawns the commands, this file
 * only decides them, so planning, filtering, resuming and the time estimate are unit-tested.
 *
 * The matrix: every scenario × live and VOD with hls.js, 180 s sessions; `clean` and `mixed` also
 * with Shaka (DASH), and all four of those also with 90 s sessions (short sessions are where a
 * joiner's start-up cost shows). 6 Chromium + 24 virtual viewers per arm by default. Each row is one
 * `npm run bench -- --json --network … --mode …` process: one JSON line with both arms.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchUsageError, DEFAULT_NETWORK_SEED, parseBenchArgs } from './bench-options.js';
import {
  NETWORK_SCENARIOS,
  planNetworkScenario,
  type NetworkScenario,
} from './network-scenarios.js';

/** A row's player engine: hls.js (HLS) or Shaka (DASH, the bench's default stream for Shaka). */
export type LabEngine = 'hlsjs' | 'shaka';
/** A row's playback mode. */
export type LabMode = 'live' | 'vod';

/** Scenarios also measured with Shaka (DASH) and with short (90 s) sessions. */
export const WIDE_SCENARIOS: readonly NetworkScenario[] = ['clean', 'mixed'];
/** Session length of every row, seconds. */
export const LONG_SESSION_SECONDS = 180;
/** The extra, short session length of {@link WIDE_SCENARIOS}, seconds. */
export const SHORT_SESSION_SECONDS = 90;
/** Chromium viewers per arm by default (issue 16: 6 Chromium + 24 virtual). */
export const DEFAULT_LAB_PEERS = 6;
/** Virtual viewers per arm by default. */
export const DEFAULT_LAB_VIRTUAL_PEERS = 24;
/** Seconds between two viewers' joins: the bench's default `--stagger`, which the matrix keeps. */
export const LAB_STAGGER_SECONDS = 3;

/**
 * Why a row may be refused today: the bench's virtual viewers model hls.js only, so a Shaka row
 * with virtual viewers waits for a Shaka model (being built beside this runner).
 */
export const NEEDS_VIRTUAL_SHAKA = 'needs virtual Shaka viewers';

/** One row of the matrix: one bench process, both arms. */
export interface LabRow {
  /** Unique over every parameter, safe as a file name: `clean-live-hlsjs-180s-6c24v-seed1`. */
  readonly id: string;
  readonly scenario: NetworkScenario;
  readonly mode: LabMode;
  readonly engine: LabEngine;
  readonly seconds: number;
  readonly peers: number;
  readonly virtualPeers: number;
  readonly seed: number;
}

/** What the matrix is told (`npm run bench:lab -- …`). */
export interface LabMatrixOptions {
  /** Scenarios to run, in matrix order. Default: all. */
  readonly scenarios: readonly NetworkScenario[];
  /** Modes to run. Default: live and VOD. */
  readonly modes: readonly LabMode[];
  /** Engines to run (Shaka only where the matrix has it). Default: both. */
  readonly engines: readonly LabEngine[];
  /**
   * Session length of every row instead of the matrix's 180 s (and 90 s) sessions; undefined = the
   * matrix's.
   */
  readonly seconds: number | undefined;
  readonly peers: number;
  readonly virtualPeers: number;
  readonly seed: number;
  /** Print the rows, their commands and the estimated wall time; run nothing. */
  readonly dryRun: boolean;
  /** Skip rows the output file already holds with a result. */
  readonly resume: boolean;
  /** The JSONL file rows are appended to; undefined = {@link defaultOutFile}. */
  readonly outFile: string | undefined;
  /** Only render this JSONL file as README's table (runs nothing). */
  readonly tableFile: string | undefined;
}

/** Usage text of the matrix runner. */
export const LAB_MATRIX_USAGE = `usage: npm run bench:lab -- [options]
Runs issue 16's network-lab matrix, one bench process per row (both arms), appending each row's
JSON line to a JSONL file as it finishes; renders README's table from such a file.
  --only S[,S...]      scenarios: ${NETWORK_SCENARIOS.join(', ')} (default: all)
  --mode live|vod      one mode only (default: both)
  --engine hlsjs|shaka one engine only (default: both; Shaka rows: clean and mixed)
  --seconds S          every row with S-second sessions (default: 180 s, and 90 s for clean and mixed)
  --peers N            Chromium viewers per arm (default ${DEFAULT_LAB_PEERS})
  --virtual-peers N    virtual viewers per arm (default ${DEFAULT_LAB_VIRTUAL_PEERS})
  --seed N             seed of every row's network plan (default ${DEFAULT_NETWORK_SEED})
  --dry-run            print the rows, their commands and the estimated wall time
  --resume             skip rows the output file already holds with a result
  --out FILE           JSONL file to append to (default artifacts/bench/lab-matrix-<date>.jsonl)
  --table FILE         only print the markdown table of FILE's rows`;

function listOption<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
): readonly T[] {
  if (raw === undefined) return allowed;
  const values = raw
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  const unknown = values.filter((value) => !(allowed as readonly string[]).includes(value));
  if (values.length === 0 || unknown.length > 0) {
    throw new BenchUsageError(`--${name} must list ${allowed.join(', ')}; got '${raw}'`);
  }
  // Matrix order, whatever order they were given in.
  return allowed.filter((value) => values.includes(value));
}

function integerOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new BenchUsageError(`--${name} must be an integer 0..${max}, got '${raw}'`);
  }
  return value;
}

/**
 * Parses the runner's arguments; `--help` yields undefined. Throws {@link BenchUsageError}. Ranges
 * the bench itself checks (peers, seconds) are checked again per row by {@link benchArgsProblem}.
 */
export function parseLabMatrixArgs(args: readonly string[]): LabMatrixOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        only: { type: 'string' },
        mode: { type: 'string' },
        engine: { type: 'string' },
        seconds: { type: 'string' },
        peers: { type: 'string' },
        'virtual-peers': { type: 'string' },
        seed: { type: 'string' },
        'dry-run': { type: 'boolean' },
        resume: { type: 'boolean' },
        out: { type: 'string' },
        table: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return undefined;
  return {
    scenarios: listOption('only', values.only, NETWORK_SCENARIOS),
    modes: listOption<LabMode>('mode', values.mode, ['live', 'vod']),
    engines: listOption<LabEngine>('engine', values.engine, ['hlsjs', 'shaka']),
    seconds:
      values.seconds === undefined ? undefined : integerOption('seconds', values.seconds, 0, 600),
    peers: integerOption('peers', values.peers, DEFAULT_LAB_PEERS, 32),
    virtualPeers: integerOption(
      'virtual-peers',
      values['virtual-peers'],
      DEFAULT_LAB_VIRTUAL_PEERS,
      64,
    ),
    seed: integerOption('seed', values.seed, DEFAULT_NETWORK_SEED, 0xffff_ffff),
    dryRun: values['dry-run'] === true,
    resume: values.resume === true,
    outFile: values.out,
    tableFile: values.table,
  };
}

/** `artifacts/bench/lab-matrix-<YYYY-MM-DD>.jsonl` for the UTC date of `now`. */
export function defaultOutFile(now: Date): string {
  return `artifacts/bench/lab-matrix-${now.toISOString().slice(0, 10)}.jsonl`;
}

/** A row's id: every parameter that changes its result. */
export function labRowId(row: Omit<LabRow, 'id'>): string {
  return (
    `${row.scenario}-${row.mode}-${row.engine}-${row.seconds}s-` +
    `${row.peers}c${row.virtualPeers}v-seed${row.seed}`
  );
}

/**
 * The matrix's rows for `options`, in the order they run and the table lists them: by scenario,
 * then engine (hls.js first), session length (long first), mode (live first).
 */
export function planLabRows(options: LabMatrixOptions): LabRow[] {
  const rows: LabRow[] = [];
  for (const scenario of options.scenarios) {
    const wide = WIDE_SCENARIOS.includes(scenario);
    const engines = options.engines.filter((engine) => engine === 'hlsjs' || wide);
    const sessions =
      options.seconds !== undefined
        ? [options.seconds]
        : wide
          ? [LONG_SESSION_SECONDS, SHORT_SESSION_SECONDS]
          : [LONG_SESSION_SECONDS];
    for (const engine of engines) {
      for (const seconds of sessions) {
        for (const mode of options.modes) {
          const row = {
            scenario,
            mode,
            engine,
            seconds,
            peers: options.peers,
            virtualPeers: options.virtualPeers,
            seed: options.seed,
          };
          rows.push({ id: labRowId(row), ...row });
        }
      }
    }
  }
  return rows;
}

/** The bench's arguments for a row (what follows `npm run bench --`), charts into `outDir`. */
export function benchArgsOf(row: LabRow, outDir: string): string[] {
  return [
    '--json',
    '--network',
    row.scenario,
    '--mode',
    row.mode,
    ...(row.engine === 'shaka' ? ['--engine', 'shaka'] : []),
    '--peers',
    String(row.peers),
    '--virtual-peers',
    String(row.virtualPeers),
    '--seconds',
    String(row.seconds),
    '--seed',
    String(row.seed),
    '--out',
    outDir,
  ];
}

/**
 * The bench process of a row, started as `npm run bench` starts it (scripts/bench/run.sh: builds
 * what is missing, then the bench in netns-run.sh's private namespace), from the repository root.
 */
export function benchCommandOf(row: LabRow, outDir: string): string[] {
  return ['bash', 'scripts/bench/run.sh', ...benchArgsOf(row, outDir)];
}

/** Why a row cannot run as planned: what the bench would say. */
export interface RowRefusal {
  /** `needs-virtual-shaka`: the bench refuses Shaka with virtual viewers; `usage`: anything else. */
  readonly kind: 'needs-virtual-shaka' | 'usage';
  readonly message: string;
}

/**
 * What the bench's own option parser says of a row's arguments, before any process starts; undefined
 * when it accepts them. A Shaka row with virtual viewers that the bench refuses is
 * {@link NEEDS_VIRTUAL_SHAKA}; the runner skips it and runs the rest.
 */
export function benchArgsProblem(row: LabRow, outDir: string): RowRefusal | undefined {
  try {
    parseBenchArgs(benchArgsOf(row, outDir));
    return undefined;
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    const needsShakaModel = row.engine === 'shaka' && row.virtualPeers > 0;
    return {
      kind: needsShakaModel ? 'needs-virtual-shaka' : 'usage',
      message: needsShakaModel ? `${NEEDS_VIRTUAL_SHAKA}: ${error.message}` : error.message,
    };
  }
}

/**
 * Rough cost of one bench process beside its arms, s: build check, origin and tracker, warm-up
 * browser, reports. A row of 2 Chromium + 2 virtual viewers × 30 s took 95 s in all on the loaded
 * 2-core machine (2026-12-07), so these err on the long side.
 */
export const BENCH_OVERHEAD_SECONDS = 20;
/**
 * Rough cost of one arm beside its plan, s: building and removing the lab (a namespace per slot),
 * starting browser processes, virtual viewers that share a process watching past their planned
 * leave.
 */
export const ARM_OVERHEAD_SECONDS = 30;

/** About how long a row takes, s: two arms of the plan's duration plus set-up. */
export function estimatedRowSeconds(row: LabRow): number {
  const plan = planNetworkScenario({
    scenario: row.scenario,
    seed: row.seed,
    chromiumViewers: row.peers,
    virtualViewers: row.virtualPeers,
    staggerMs: LAB_STAGGER_SECONDS * 1000,
    watchMs: row.seconds * 1000,
  });
  return BENCH_OVERHEAD_SECONDS + 2 * (plan.durationMs / 1000 + ARM_OVERHEAD_SECONDS);
}

/** `3 h 05 min`, `12 min`, `45 s`. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.round(total / 60);
  const hours = Math.floor(minutes / 60);
  return hours === 0 ? `${minutes} min` : `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The rows of `rows` still to run: all, or (resume) those without a result in `done`. */
export function rowsToRun(
  rows: readonly LabRow[],
  done: ReadonlySet<string>,
  resume: boolean,
): LabRow[] {
  return resume ? rows.filter((row) => !done.has(row.id)) : [...rows];
}

/** A row for people: `clean live hls.js 180 s`, `mixed vod Shaka (DASH) 90 s`. */
export function labRowTitle(row: LabRow): string {
  const engine = row.engine === 'shaka' ? 'Shaka (DASH)' : 'hls.js';
  return `${row.scenario} ${row.mode} ${engine} ${row.seconds} s`;
}

/**
 * Where a row's chart, diagnostics and `bench.log` go: a directory beside the JSONL file named
 * after it (`x.jsonl` -> `x/<row id>`), so rows of one matrix never overwrite each other's.
 */
export function rowOutDir(outFile: string, row: LabRow): string {
  const base = outFile.endsWith('.jsonl') ? outFile.slice(0, -'.jsonl'.length) : `${outFile}.d`;
  return path.join(base, row.id);
}
