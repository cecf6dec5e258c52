/**
 * The network-lab matrix's rows (scripts/bench/lab-matrix-plan.ts): issue 16's matrix, the
 * runner's filters, the bench commands (as `npm run bench` starts the bench), rows the bench
 * refuses, resume and the wall-time estimate.
 */
import { BenchUsageError } from '../../../scripts/bench/bench-options.js';
import {
  benchArgsProblem,
  benchCommandOf,
  defaultOutFile,
  estimatedRowSeconds,
  formatDuration,
  NEEDS_VIRTUAL_SHAKA,
  parseLabMatrixArgs,
  planLabRows,
  rowsToRun,
  type LabMatrixOptions,
  type LabRow,
} from '../../../scripts/bench/lab-matrix-plan.js';

function options(args: readonly string[] = []): LabMatrixOptions {
  const parsed = parseLabMatrixArgs(args);
  if (parsed === undefined) throw new Error('--help');
  return parsed;
}

const shortId = (row: LabRow): string => `${row.scenario} ${row.mode} ${row.engine} ${row.seconds}`;

describe('planLabRows', () => {
  it("plans issue 16's matrix: 7 scenarios × live/VOD on hls.js at 180 s, Shaka and 90 s for clean and mixed", () => {
    const rows = planLabRows(options());
    expect(rows).toHaveLength(26);
    expect(new Set(rows.map((row) => row.id)).size).toBe(26);
    expect(rows.slice(0, 8).map(shortId)).toEqual([
      'clean live hlsjs 180',
      'clean vod hlsjs 180',
      'clean live hlsjs 90',
      'clean vod hlsjs 90',
      'clean live shaka 180',
      'clean vod shaka 180',
      'clean live shaka 90',
      'clean vod shaka 90',
    ]);
    expect(rows.filter((row) => row.engine === 'shaka').map((row) => row.scenario)).toEqual(
      Array.from({ length: 8 }, (_, index) => (index < 4 ? 'clean' : 'mixed')),
    );
    expect(rows.filter((row) => row.seconds === 90)).toHaveLength(8);
    expect(rows.every((row) => row.peers === 6 && row.virtualPeers === 24 && row.seed === 1)).toBe(
      true,
    );
  });

  it('filters by scenario, mode and engine, keeping matrix order', () => {
    const rows = planLabRows(
      options(['--only', 'mixed,nat', '--mode', 'vod', '--engine', 'shaka']),
    );
    expect(rows.map(shortId)).toEqual(['mixed vod shaka 180', 'mixed vod shaka 90']);
    expect(planLabRows(options(['--only', 'uplink', '--engine', 'shaka']))).toEqual([]);
  });

  it('runs every row once at --seconds, with --peers, --virtual-peers and --seed in its id', () => {
    const rows = planLabRows(
      options([
        '--only',
        'clean',
        '--mode',
        'live',
        '--peers',
        '2',
        '--virtual-peers',
        '2',
        '--seconds',
        '30',
        '--seed',
        '7',
      ]),
    );
    expect(rows.map((row) => row.id)).toEqual([
      'clean-live-hlsjs-30s-2c2v-seed7',
      'clean-live-shaka-30s-2c2v-seed7',
    ]);
  });
});

describe('parseLabMatrixArgs', () => {
  it('rejects unknown scenarios, modes, engines, options and non-integer numbers', () => {
    expect(() => parseLabMatrixArgs(['--only', 'clean,moon'])).toThrow(BenchUsageError);
    expect(() => parseLabMatrixArgs(['--mode', 'both'])).toThrow(BenchUsageError);
    expect(() => parseLabMatrixArgs(['--engine', 'dashjs'])).toThrow(BenchUsageError);
    expect(() => parseLabMatrixArgs(['--peers', '2.5'])).toThrow(BenchUsageError);
    expect(() => parseLabMatrixArgs(['--fast'])).toThrow(BenchUsageError);
    expect(parseLabMatrixArgs(['--help'])).toBeUndefined();
  });

  it('defaults the output to a dated JSONL file under artifacts/bench', () => {
    expect(options().outFile).toBeUndefined();
    expect(defaultOutFile(new Date('2026-12-07T23:59:00Z'))).toBe(
      'artifacts/bench/lab-matrix-2026-12-07.jsonl',
    );
    expect(options(['--out', 'x.jsonl', '--resume', '--dry-run'])).toMatchObject({
      outFile: 'x.jsonl',
      resume: true,
      dryRun: true,
    });
  });
});

describe('bench commands', () => {
  it('starts a row as npm run bench does (run.sh), with the row as options and its own output dir', () => {
    const [row] = planLabRows(options(['--only', 'nat', '--mode', 'vod']));
    if (row === undefined) throw new Error('no row');
    expect(benchCommandOf(row, 'out/nat')).toEqual([
      'bash',
      'scripts/bench/run.sh',
      '--json',
      '--network',
      'nat',
      '--mode',
      'vod',
      '--peers',
      '6',
      '--virtual-peers',
      '24',
      '--seconds',
      '180',
      '--seed',
      '1',
      '--out',
      'out/nat',
    ]);
  });

  it('asks for Shaka in Shaka rows, and marks them when the bench refuses Shaka with virtual viewers', () => {
    const rows = planLabRows(options(['--only', 'clean', '--mode', 'live', '--seconds', '90']));
    const shaka = rows.find((row) => row.engine === 'shaka');
    if (shaka === undefined) throw new Error('no Shaka row');
    expect(benchCommandOf(shaka, 'o')).toEqual(expect.arrayContaining(['--engine', 'shaka']));
    const refusal = benchArgsProblem(shaka, 'o');
    // Today's bench refuses it; once virtual Shaka viewers exist it accepts it (undefined).
    if (refusal !== undefined) {
      expect(refusal.kind).toBe('needs-virtual-shaka');
      expect(refusal.message).toMatch(new RegExp(`^${NEEDS_VIRTUAL_SHAKA}: `));
    }
    const hlsjs = rows.find((row) => row.engine === 'hlsjs');
    if (hlsjs === undefined) throw new Error('no hls.js row');
    expect(benchArgsProblem(hlsjs, 'o')).toBeUndefined();
    expect(benchArgsProblem({ ...shaka, virtualPeers: 0 }, 'o')).toBeUndefined();
  });

  it('reports any other refusal of the bench as a usage problem', () => {
    const [row] = planLabRows(options(['--only', 'clean', '--seconds', '3', '--engine', 'hlsjs']));
    if (row === undefined) throw new Error('no row');
    expect(benchArgsProblem(row, 'o')).toMatchObject({ kind: 'usage', message: /--seconds/ });
  });
});

describe('resume and the estimate', () => {
  it('skips the rows already done only with --resume', () => {
    const rows = planLabRows(options(['--only', 'lossy']));
    const done = new Set([rows[0]?.id ?? '']);
    expect(rowsToRun(rows, done, true).map((row) => row.id)).toEqual([rows[1]?.id]);
    expect(rowsToRun(rows, done, false)).toHaveLength(2);
  });

  it('estimates a row as two arms of its plan (last join + session) plus set-up', () => {
    const [row] = planLabRows(options(['--only', 'clean', '--engine', 'hlsjs', '--mode', 'live']));
    if (row === undefined) throw new Error('no row');
    // 30 viewers 3 s apart: the last joins at 87 s and leaves at 267 s.
    const seconds = estimatedRowSeconds(row);
    expect(seconds).toBeGreaterThan(2 * 267);
    expect(seconds).toBeLessThan(2 * 267 + 300);
    const short = estimatedRowSeconds({ ...row, seconds: 90 });
    expect(seconds - short).toBe(2 * 90);
  });

  it('formats durations for people', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(600)).toBe('10 min');
    expect(formatDuration(11_100)).toBe('3 h 05 min');
  });
});
