/**
 * The network-lab matrix's runner (scripts/bench/lab-matrix-runner.ts) with small Node programs in
 * place of the bench: every finished row is appended at once with its command, timing and machine;
 * a failing row is recorded with its error and the next one runs; a refused row is recorded as
 * skipped; an interrupt reaches the running bench once, and that row is not recorded.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  parseLabMatrixArgs,
  planLabRows,
  type LabRow,
} from '../../../scripts/bench/lab-matrix-plan.js';
import { parseRecords } from '../../../scripts/bench/lab-matrix-record.js';
import { LabMatrixRunner } from '../../../scripts/bench/lab-matrix-runner.js';

const options = parseLabMatrixArgs([
  '--only',
  'clean,lossy,nat',
  '--mode',
  'live',
  '--engine',
  'hlsjs',
  '--seconds',
  '60',
]);
if (options === undefined) throw new Error('--help');
const [clean, lossy, nat] = planLabRows(options) as [LabRow, LabRow, LabRow];

/** What each fake bench does, by scenario. */
const PROGRAMS: Record<string, string> = {
  clean: `process.stderr.write('clean: progress\\n'); console.log(JSON.stringify({ network: 'clean', originOffload: 0.9, idealOffload: 0.9667, problems: [] }));`,
  lossy: `process.stderr.write('lossy: lab exploded\\n'); process.exit(3);`,
  nat: `process.on('SIGINT', () => { process.stderr.write('nat: removing lab\\n'); setTimeout(() => process.exit(130), 50); }); process.stderr.write('nat: ready\\n'); setInterval(() => undefined, 1000);`,
};

function fakeBench(row: LabRow): string[] {
  return [process.execPath, '-e', PROGRAMS[row.scenario] ?? 'process.exit(9)'];
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lab-matrix-runner-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('LabMatrixRunner', () => {
  it('records a finished row with its JSON line, a failed one with its error, and goes on', async () => {
    const outFile = path.join(dir, 'matrix.jsonl');
    const echoed: string[] = [];
    const runner = new LabMatrixRunner({
      outFile,
      cwd: dir,
      commandOf: fakeBench,
      log: () => undefined,
      echo: (text) => echoed.push(text),
    });
    const refusal = {
      kind: 'needs-virtual-shaka' as const,
      message: 'needs virtual Shaka viewers: no',
    };
    const outcome = await runner.run([lossy, clean, nat], new Map([[nat.id, refusal]]));
    expect(outcome).toMatchObject({ failed: 1, interrupted: false });

    const { records } = parseRecords(readFileSync(outFile, 'utf8'));
    expect(records.map((record) => [record.row.id, record.status])).toEqual([
      [lossy.id, 'failed'],
      [clean.id, 'ok'],
      [nat.id, 'skipped'],
    ]);
    const [failed, ok, skipped] = records;
    expect(failed).toMatchObject({ exitCode: 3, report: null });
    expect(failed?.error).toMatch(/^exit code 3: lossy: lab exploded$/);
    expect(ok).toMatchObject({
      error: null,
      exitCode: 0,
      report: { network: 'clean', originOffload: 0.9 },
      command: fakeBench(clean),
      outDir: path.join(dir, 'matrix', clean.id),
    });
    expect(ok?.machine.cores).toBeGreaterThan(0);
    expect(ok?.machine.loadAverageBefore).toHaveLength(3);
    expect(ok?.machine.loadAverageAfter).toHaveLength(3);
    expect(Number.isNaN(Date.parse(ok?.startedAt ?? ''))).toBe(false);
    expect(skipped).toMatchObject({ error: refusal.message, exitCode: null, report: null });
    // The bench's stderr went to the terminal and to the row's log.
    expect(echoed.join('')).toContain('clean: progress');
    expect(readFileSync(path.join(dir, 'matrix', clean.id, 'bench.log'), 'utf8')).toBe(
      'clean: progress\n',
    );
  });

  it('relays an interrupt once to the running bench, records nothing for it and starts no row', async () => {
    const outFile = path.join(dir, 'matrix.jsonl');
    const echoed: string[] = [];
    const runner: LabMatrixRunner = new LabMatrixRunner({
      outFile,
      cwd: dir,
      commandOf: fakeBench,
      log: () => undefined,
      echo: (text) => {
        echoed.push(text);
        if (text.includes('nat: ready')) runner.interrupt('SIGINT');
      },
      teardownGraceMs: 10_000,
    });
    const outcome = await runner.run([clean, nat, lossy]);
    expect(outcome.interrupted).toBe(true);
    expect(outcome.records.map((record) => record.row.id)).toEqual([clean.id]);
    expect(echoed.join('')).toContain('nat: removing lab');
    const { records } = parseRecords(readFileSync(outFile, 'utf8'));
    expect(records.map((record) => record.row.id)).toEqual([clean.id]);
  });

  it('kills a bench that does not end within the grace period after an interrupt', async () => {
    const stubborn = `process.on('SIGINT', () => undefined); process.stderr.write('ready\\n'); setInterval(() => undefined, 1000);`;
    const runner: LabMatrixRunner = new LabMatrixRunner({
      outFile: path.join(dir, 'matrix.jsonl'),
      cwd: dir,
      commandOf: () => [process.execPath, '-e', stubborn],
      log: () => undefined,
      echo: (text) => {
        if (text.includes('ready')) runner.interrupt('SIGINT');
      },
      teardownGraceMs: 200,
    });
    const outcome = await runner.run([clean]);
    expect(outcome).toMatchObject({ interrupted: true, records: [] });
  });
});
