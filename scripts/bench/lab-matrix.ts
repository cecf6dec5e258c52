/**
 * `npm run bench:lab`: issue 16's network-lab matrix, every row its own bench process
 * (scripts/bench/run.sh, as `npm run bench` starts it: root, netns-run.sh's namespace, the lab),
 * its JSON line appended to a JSONL file as each row finishes; `--table FILE` renders README's
 * table from such a file. Which rows and commands: lab-matrix-plan.ts; the file: lab-matrix-record.ts;
 * the table and its targets: lab-matrix-table.ts, lab-targets.ts.
 *
 * Why a process per row: a row takes about ten minutes at 30 viewers and the matrix hours; a row
 * that crashes (or a lab that will not build) costs that row only, the next starts from a clean
 * process, and a Ctrl-C loses at most the running row (`--resume` runs the rest).
 *
 * Ctrl-C: the bench gets it once, from the runner (lab-matrix-runner.ts), and removes its lab; the
 * interrupted row is not recorded, and the runner stops.
 *
 * Start it with `node --import tsx` (not the tsx CLI, which SIGKILLs its child 30 ms after relaying
 * a Ctrl-C: see run.sh).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { netLabSupport } from '../../test/support/netlab/commands.js';
import { BenchUsageError } from './bench-options.js';
import {
  benchArgsProblem,
  benchCommandOf,
  defaultOutFile,
  estimatedRowSeconds,
  formatDuration,
  LAB_MATRIX_USAGE,
  labRowTitle,
  parseLabMatrixArgs,
  planLabRows,
  rowOutDir,
  rowsToRun,
  type LabMatrixOptions,
  type LabRow,
  type RowRefusal,
} from './lab-matrix-plan.js';
import { completedRowIds, parseRecords, type LabMatrixRecord } from './lab-matrix-record.js';
import { LabMatrixRunner } from './lab-matrix-runner.js';
import { renderLabTable } from './lab-matrix-table.js';
import { TURN_SCENARIOS } from './lab-targets.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function say(message: string): void {
  process.stderr.write(`${message}\n`);
}

function readExisting(outFile: string): LabMatrixRecord[] {
  if (!existsSync(outFile)) return [];
  const { records, unreadableLines } = parseRecords(readFileSync(outFile, 'utf8'));
  if (unreadableLines > 0) {
    say(`lab-matrix: ${outFile}: ${unreadableLines} unreadable line(s) skipped`);
  }
  return records;
}

function printDryRun(
  rows: readonly LabRow[],
  refusals: ReadonlyMap<string, RowRefusal>,
  outFile: string,
): void {
  let totalSeconds = 0;
  rows.forEach((row, index) => {
    const title = `[${index + 1}/${rows.length}] ${labRowTitle(row)}`;
    const refusal = refusals.get(row.id);
    if (refusal !== undefined) {
      say(`${title}: skipped (${refusal.message})`);
      return;
    }
    const seconds = estimatedRowSeconds(row);
    totalSeconds += seconds;
    say(`${title}: about ${formatDuration(seconds)}`);
    say(`    ${benchCommandOf(row, rowOutDir(outFile, row)).join(' ')}`);
  });
  say(
    `${rows.length - refusals.size} row(s) to run, about ${formatDuration(totalSeconds)}; ` +
      `output ${outFile}`,
  );
}

async function runMatrix(options: LabMatrixOptions): Promise<number> {
  const outFile = options.outFile ?? defaultOutFile(new Date());
  const planned = planLabRows(options);
  const existing = options.resume ? readExisting(outFile) : [];
  const rows = rowsToRun(planned, completedRowIds(existing), options.resume);
  if (options.resume) {
    say(`lab-matrix: --resume: ${planned.length - rows.length} row(s) already in ${outFile}`);
  }
  // The bench's own parser judges every row before any runs: a typo costs nothing.
  const refusals = new Map<string, RowRefusal>();
  for (const row of rows) {
    const refusal = benchArgsProblem(row, rowOutDir(outFile, row));
    if (refusal === undefined) continue;
    if (refusal.kind === 'usage') {
      say(`lab-matrix: the bench refuses ${labRowTitle(row)}: ${refusal.message}`);
      return 2;
    }
    refusals.set(row.id, refusal);
  }
  if (options.dryRun) {
    printDryRun(rows, refusals, outFile);
    return 0;
  }
  const support = netLabSupport({
    withTurn: rows.some((row) => TURN_SCENARIOS.includes(row.scenario)),
  });
  if (!support.ok) {
    say(`lab-matrix: cannot run the network lab here: ${support.reason}`);
    return 2;
  }
  mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });

  const runner = new LabMatrixRunner({ outFile, cwd: ROOT_DIR });
  const onSignal = (signal: NodeJS.Signals): void => {
    // Between rows nothing needs removing: stop at once.
    if (!runner.interrupt(signal)) process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcome = await runner.run(rows, refusals);
    if (outcome.interrupted) return 130;
    say(`lab-matrix: rows appended to ${outFile}; table: npm run bench:lab -- --table ${outFile}`);
    return outcome.failed > 0 ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    runner.destroy();
  }
}

async function main(): Promise<number> {
  let options: LabMatrixOptions | undefined;
  try {
    options = parseLabMatrixArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    say(`${error.message}\n${LAB_MATRIX_USAGE}`);
    return 2;
  }
  if (options === undefined) {
    process.stdout.write(`${LAB_MATRIX_USAGE}\n`);
    return 0;
  }
  if (options.tableFile !== undefined) {
    if (!existsSync(options.tableFile)) {
      say(`lab-matrix: no file ${options.tableFile}`);
      return 2;
    }
    process.stdout.write(renderLabTable(readExisting(options.tableFile)));
    return 0;
  }
  return runMatrix(options);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    say(
      `lab-matrix failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  },
);
