/**
 * Runs the network-lab matrix's rows one after another, each as a bench process of its own, and
 * appends each row's record to the JSONL file as soon as it ends (lab-matrix-record.ts): a failed
 * row is recorded with its error and the next one starts; an interrupted row is not recorded (the
 * file then holds only finished rows, and `--resume` runs it again).
 *
 * Each bench runs in a process group of its own, so a terminal's Ctrl-C reaches only the runner,
 * which relays it once to the bench's group (what Ctrl-C does to a plain `npm run bench`): the bench
 * removes its lab itself. A bench that has not ended {@link TEARDOWN_GRACE_MS} later, or at a
 * second interrupt, is killed with its group. (A runner killed with SIGKILL cannot relay anything:
 * its bench then finishes its row unrecorded and removes its lab as usual.) The command is
 * injectable (tests run small Node programs instead of the bench).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, createWriteStream, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  benchCommandOf,
  estimatedRowSeconds,
  formatDuration,
  labRowTitle,
  rowOutDir,
  type LabRow,
  type RowRefusal,
} from './lab-matrix-plan.js';
import {
  benchLineOf,
  formatRecord,
  type LabMachine,
  type LabMatrixRecord,
} from './lab-matrix-record.js';
import { targetsCell } from './lab-matrix-table.js';
import { evaluateLabTargets, readReportLine } from './lab-targets.js';

/** How long an interrupted bench may take to remove its lab before it is killed, ms. */
export const TEARDOWN_GRACE_MS = 60_000;
/** Lines of a bench's stderr kept for a failed row's `error`. */
const STDERR_TAIL_LINES = 12;

function git(cwd: string, args: readonly string[]): string | null {
  try {
    return execFileSync('git', [...args], {
      cwd,
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim();
  } catch {
    return null;
  }
}

/** True when tracked files differ from HEAD (`git diff --quiet` reads, it writes nothing). */
function gitDirty(cwd: string): boolean | null {
  try {
    execFileSync('git', ['diff', '--quiet', 'HEAD', '--'], { cwd, stdio: 'ignore' });
    return false;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    return status === 1 ? true : null;
  }
}

function loadAverage(): number[] {
  return os.loadavg().map((value) => Math.round(value * 100) / 100);
}

/** How a bench process ended. */
interface BenchExit {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderrTail: readonly string[];
  /** Set when it could not be started at all. */
  readonly spawnError: Error | undefined;
}

/**
 * One row's bench process: stderr relayed to ours and to `bench.log` in the row's directory, stdout
 * kept for the JSON line. `destroy()` kills its whole process group.
 */
class BenchProcess {
  private readonly child: ChildProcess;
  private killTimer: NodeJS.Timeout | undefined;
  /** Resolves when the process has ended. */
  readonly exited: Promise<BenchExit>;

  constructor(
    command: readonly string[],
    cwd: string,
    logFile: string,
    echo: (text: string) => void,
  ) {
    const [program, ...args] = command;
    if (program === undefined) throw new Error('empty bench command');
    // A group of its own: a terminal's Ctrl-C reaches only the runner, which relays it once.
    this.child = spawn(program, args, {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(logFile);
    const tail: string[] = [];
    let stdout = '';
    let partial = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      echo(chunk);
      log.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      tail.push(...lines.filter((line) => line.trim() !== ''));
      tail.splice(0, Math.max(0, tail.length - STDERR_TAIL_LINES));
    });
    this.exited = new Promise((resolve) => {
      let spawnError: Error | undefined;
      let done = false;
      const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
        if (done) return;
        done = true;
        clearTimeout(this.killTimer);
        if (partial.trim() !== '') tail.push(partial);
        // Resolves once bench.log is closed (flushed, or failed): a reader sees all of it.
        const settle = (): void => {
          resolve({
            exitCode,
            signal,
            stdout,
            stderrTail: tail.slice(-STDERR_TAIL_LINES),
            spawnError,
          });
        };
        if (log.closed) settle();
        else {
          log.once('close', settle);
          log.once('error', settle);
          log.end();
        }
      };
      this.child.once('error', (error) => {
        spawnError = error;
        // 'close' may not follow a failed spawn.
        if (this.child.pid === undefined) finish(null, null);
      });
      this.child.once('close', finish);
    });
  }

  /** Sends `signal` to the bench's process group (what Ctrl-C does to a plain `npm run bench`). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  }

  /** Relays an interrupt, and kills the group if it has not ended after `graceMs`. */
  interrupt(signal: NodeJS.Signals, graceMs: number): void {
    this.signal(signal);
    this.killTimer ??= setTimeout(() => {
      this.destroy();
    }, graceMs);
  }

  /** Kills the bench's process group now (idempotent). */
  destroy(): void {
    this.signal('SIGKILL');
  }
}

function machineBefore(): Omit<LabMachine, 'loadAverageAfter'> {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown CPU',
    loadAverageBefore: loadAverage(),
  };
}

function errorOf(exit: BenchExit, hasLine: boolean): string | null {
  if (exit.spawnError !== undefined) return `could not start the bench: ${exit.spawnError.message}`;
  if (exit.exitCode === 0 && hasLine) return null;
  const how =
    exit.signal !== null
      ? `killed by ${exit.signal}`
      : exit.exitCode === 0
        ? 'exited 0 without a JSON line'
        : `exit code ${String(exit.exitCode)}`;
  return `${how}: ${exit.stderrTail.join(' | ')}`;
}

/** Settings of a {@link LabMatrixRunner}. */
export interface LabMatrixRunnerOptions {
  /** The JSONL file records are appended to (its directory must exist). */
  readonly outFile: string;
  /** Working directory of the bench processes: the repository root. */
  readonly cwd: string;
  /** The command of a row; default {@link benchCommandOf} (scripts/bench/run.sh). */
  readonly commandOf?: (row: LabRow, outDir: string) => string[];
  /** Progress lines (default: stderr). */
  readonly log?: (message: string) => void;
  /** Where a bench's own stderr goes besides its log file (default: stderr). */
  readonly echo?: (text: string) => void;
  /** How long an interrupted bench may take to end before it is killed, ms. */
  readonly teardownGraceMs?: number;
}

/** What {@link LabMatrixRunner.run} did. */
export interface LabMatrixOutcome {
  /** Records appended, in order. */
  readonly records: readonly LabMatrixRecord[];
  readonly failed: number;
  /** True when an interrupt stopped it (the running row is not recorded). */
  readonly interrupted: boolean;
}

/** Runs rows as bench processes and appends their records; see the file's comment. */
export class LabMatrixRunner {
  private readonly options: LabMatrixRunnerOptions;
  private readonly log: (message: string) => void;
  private running: BenchProcess | undefined;
  private interrupted = false;

  constructor(options: LabMatrixRunnerOptions) {
    this.options = options;
    this.log =
      options.log ??
      ((message) => {
        process.stderr.write(`${message}\n`);
      });
  }

  /**
   * Runs `rows` in order (a row in `refusals` is recorded as skipped, not run); resolves when all
   * ended or an interrupt stopped them.
   */
  async run(
    rows: readonly LabRow[],
    refusals: ReadonlyMap<string, RowRefusal> = new Map(),
  ): Promise<LabMatrixOutcome> {
    const records: LabMatrixRecord[] = [];
    let failed = 0;
    for (const [index, row] of rows.entries()) {
      if (this.interrupted) break;
      const title = `[${index + 1}/${rows.length}] ${labRowTitle(row)}`;
      const refusal = refusals.get(row.id);
      if (refusal !== undefined) {
        this.log(`${title}: skipped: ${refusal.message}`);
        records.push(this.append(this.skippedRecord(row, refusal)));
        continue;
      }
      this.log(`${title}: starting (about ${formatDuration(estimatedRowSeconds(row))})`);
      const record = await this.runRow(row);
      if (record === undefined) {
        this.log(`${title}: interrupted, not recorded (--resume runs it again)`);
        break;
      }
      records.push(this.append(record));
      if (record.status === 'ok' && record.report !== null) {
        const line = readReportLine(record.report);
        this.log(
          `${title}: done in ${formatDuration(record.wallSeconds)}: ` +
            targetsCell(line, evaluateLabTargets(line)),
        );
      } else {
        failed += 1;
        this.log(
          `${title}: FAILED after ${formatDuration(record.wallSeconds)}: ${record.error ?? ''}`,
        );
      }
    }
    return { records, failed, interrupted: this.interrupted };
  }

  /**
   * Stops the matrix: no further row starts, and the running bench gets `signal` (its lab is
   * removed by it); a second call kills the bench. Returns false when no bench is running.
   */
  interrupt(signal: NodeJS.Signals): boolean {
    const running = this.running;
    const already = this.interrupted;
    this.interrupted = true;
    if (running === undefined) return false;
    if (already) {
      this.log('lab-matrix: second interrupt: killing the running bench');
      running.destroy();
    } else {
      this.log(
        `lab-matrix: ${signal}: waiting for the running bench to remove its lab (again kills it)`,
      );
      running.interrupt(signal, this.options.teardownGraceMs ?? TEARDOWN_GRACE_MS);
    }
    return true;
  }

  /** Kills the running bench, if any, with its process group. */
  destroy(): void {
    this.interrupted = true;
    this.running?.destroy();
  }

  private append(record: LabMatrixRecord): LabMatrixRecord {
    appendFileSync(this.options.outFile, formatRecord(record));
    return record;
  }

  private commandOf(row: LabRow, outDir: string): string[] {
    return (this.options.commandOf ?? benchCommandOf)(row, outDir);
  }

  private async runRow(row: LabRow): Promise<LabMatrixRecord | undefined> {
    const { cwd, outFile } = this.options;
    const outDir = rowOutDir(outFile, row);
    mkdirSync(outDir, { recursive: true });
    const command = this.commandOf(row, outDir);
    const machine = machineBefore();
    const startedAt = new Date();
    const gitCommit = git(cwd, ['rev-parse', 'HEAD']);
    const dirty = gitDirty(cwd);
    const bench = new BenchProcess(
      command,
      cwd,
      path.join(outDir, 'bench.log'),
      this.options.echo ??
        ((text) => {
          process.stderr.write(text);
        }),
    );
    this.running = bench;
    const exit = await bench.exited;
    this.running = undefined;
    if (this.interrupted) return undefined;
    const report = benchLineOf(exit.stdout) ?? null;
    const error = errorOf(exit, report !== null);
    return {
      kind: 'lab-matrix-row',
      row,
      status: error === null ? 'ok' : 'failed',
      error,
      command,
      outDir,
      startedAt: startedAt.toISOString(),
      wallSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
      exitCode: exit.exitCode,
      gitCommit,
      gitDirty: dirty,
      machine: { ...machine, loadAverageAfter: loadAverage() },
      report,
    };
  }

  private skippedRecord(row: LabRow, refusal: RowRefusal): LabMatrixRecord {
    const { cwd, outFile } = this.options;
    const outDir = rowOutDir(outFile, row);
    return {
      kind: 'lab-matrix-row',
      row,
      status: 'skipped',
      error: refusal.message,
      command: this.commandOf(row, outDir),
      outDir,
      startedAt: new Date().toISOString(),
      wallSeconds: 0,
      exitCode: null,
      gitCommit: git(cwd, ['rev-parse', 'HEAD']),
      gitDirty: gitDirty(cwd),
      machine: { ...machineBefore(), loadAverageAfter: loadAverage() },
      report: null,
    };
  }
}
