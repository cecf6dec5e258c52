/**
 * The network-lab matrix's JSONL file (scripts/bench/lab-matrix-record.ts): reading it back after a
 * crash, which rows `--resume` skips, which record stands for a row run twice, and finding the
 * bench's JSON line in its stdout.
 */
import {
  benchLineOf,
  completedRowIds,
  formatRecord,
  latestRecordPerRow,
  parseRecords,
  type LabMatrixRecord,
  type LabRowStatus,
} from '../../../scripts/bench/lab-matrix-record.js';
import { planLabRows, parseLabMatrixArgs } from '../../../scripts/bench/lab-matrix-plan.js';

const options = parseLabMatrixArgs([
  '--only',
  'clean,lossy',
  '--engine',
  'hlsjs',
  '--seconds',
  '60',
]);
if (options === undefined) throw new Error('--help');
const [cleanLive, cleanVod, lossyLive] = planLabRows(options);

function record(
  row: typeof cleanLive,
  status: LabRowStatus,
  report: Record<string, unknown> | null = null,
): LabMatrixRecord {
  if (row === undefined) throw new Error('no row');
  return {
    kind: 'lab-matrix-row',
    row,
    status,
    error: status === 'ok' ? null : 'exit code 1: boom',
    command: ['bash', 'scripts/bench/run.sh'],
    outDir: 'out',
    startedAt: '2026-12-07T08:00:00.000Z',
    wallSeconds: 600,
    exitCode: status === 'ok' ? 0 : 1,
    gitCommit: 'a564678',
    gitDirty: false,
    machine: {
      cores: 2,
      cpuModel: 'Test CPU',
      loadAverageBefore: [1, 1, 1],
      loadAverageAfter: [2, 2, 2],
    },
    report,
  };
}

describe('parseRecords', () => {
  it('reads back what was appended and skips a line torn by a crash and foreign lines', () => {
    const text =
      formatRecord(record(cleanLive, 'ok', { originOffload: 0.9 })) +
      formatRecord(record(cleanVod, 'failed')) +
      '{"mode":"live"}\n' +
      '\n' +
      formatRecord(record(lossyLive, 'ok')).slice(0, 40);
    const { records, unreadableLines } = parseRecords(text);
    expect(records.map((entry) => [entry.row.id, entry.status])).toEqual([
      [cleanLive?.id, 'ok'],
      [cleanVod?.id, 'failed'],
    ]);
    expect(records[0]?.report).toEqual({ originOffload: 0.9 });
    expect(unreadableLines).toBe(2);
  });
});

describe('resume', () => {
  it('treats only rows with a result as done: failed and skipped rows run again', () => {
    const done = completedRowIds([
      record(cleanLive, 'ok'),
      record(cleanVod, 'failed'),
      record(lossyLive, 'skipped'),
    ]);
    expect([...done]).toEqual([cleanLive?.id]);
  });
});

describe('latestRecordPerRow', () => {
  it('lets a later result replace a failure, never a failure replace a result', () => {
    const first = record(cleanLive, 'failed');
    const rerun = record(cleanLive, 'ok', { originOffload: 0.8 });
    const newer = record(cleanLive, 'ok', { originOffload: 0.85 });
    const laterFailure = record(cleanLive, 'failed');
    const other = record(cleanVod, 'skipped');
    expect(latestRecordPerRow([first, other, rerun, newer, laterFailure])).toEqual([newer, other]);
  });
});

describe('benchLineOf', () => {
  it('takes the last JSON object of the stdout, past anything a build step printed', () => {
    expect(benchLineOf('building…\n{"mode":"live","stalls":0}\n')).toEqual({
      mode: 'live',
      stalls: 0,
    });
    expect(benchLineOf('{"a":1}\n{"a":2}\n\n')).toEqual({ a: 2 });
    expect(benchLineOf('{"torn":\n[1,2]\n')).toBeUndefined();
    expect(benchLineOf('')).toBeUndefined();
  });
});
