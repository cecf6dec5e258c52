/**
 * A TypeScript child process of the bench (`node --import tsx <script>`) that reports in lines on
 * stdout: the tracker targets and the client shards. Keeps every line, lets the parent wait for
 * one, and kills the child by its own pid (never by name) on `destroy()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: children run from there so the `tsx` specifier resolves. */
export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Why a bench run failed; `code` is stable for scripts that branch on it. */
export class TrackerBenchError extends Error {
  /**
   * @param code - `target-start`: the tracker did not come up; `child-failed`: a child exited or
   * stayed silent; `timeout`: the run's hard cap passed
   */
  constructor(
    readonly code: 'target-start' | 'child-failed' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'TrackerBenchError';
  }
}

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process speaking in lines. */
export class LineChild {
  /** Every stdout line so far. */
  readonly lines: string[] = [];
  /** Resolves when the process has exited. */
  readonly exited: Promise<ChildExit>;
  private readonly process: ChildProcess;
  private readonly waiters = new Set<() => void>();
  private stderrTail = '';
  private exit: ChildExit | undefined;

  /**
   * Starts `node --import tsx <script> ...args` from the repository root.
   * @param name - for error messages
   * @param script - path relative to the repository root
   */
  constructor(
    readonly name: string,
    script: string,
    args: readonly string[],
  ) {
    this.process = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: REPOSITORY_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.process.stdout?.setEncoding('utf8');
    this.process.stdout?.on('data', (text: string) => {
      buffered += text;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        this.lines.push(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
      this.wake();
    });
    this.process.stderr?.setEncoding('utf8');
    this.process.stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-2000);
    });
    // A child that exits leaves a broken pipe behind; writes to it must not crash the parent.
    this.process.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.wake();
        resolve(this.exit);
      });
    });
  }

  /** The child's process id. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** The last 2000 characters the child wrote to stderr. */
  get stderr(): string {
    return this.stderrTail;
  }

  /** Writes one line to the child's stdin. */
  send(line: string): void {
    this.process.stdin?.write(line + '\n');
  }

  /**
   * Resolves with the first line (already received or future) for which `pick` returns a value;
   * rejects when the child exits first or after `timeoutMs`.
   */
  waitFor<T>(pick: (line: string) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      let seen = 0;
      const check = (): void => {
        for (; seen < this.lines.length; seen++) {
          const value = pick(this.lines[seen] ?? '');
          if (value !== undefined) {
            done();
            resolve(value);
            return;
          }
        }
        if (this.exit) {
          done();
          reject(
            new TrackerBenchError(
              'child-failed',
              `${this.name} exited (code ${String(this.exit.code)}, signal ${String(this.exit.signal)}) before ${what}: ${this.stderrTail.trim()}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new TrackerBenchError('child-failed', `${this.name}: no ${what} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends `signal` to the child (by its pid) unless it has exited. */
  signal(signal: NodeJS.Signals): void {
    if (!this.exit) this.process.kill(signal);
  }

  /** Closes stdin, kills the child if it still runs, and waits for it (bounded). */
  async destroy(): Promise<void> {
    this.process.stdin?.end();
    if (this.exit) return;
    this.process.kill('SIGKILL');
    await this.exited;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
