/**
 * A Node child process inside a lab namespace, spoken to in JSON lines: commands on its stdin,
 * replies and events on its stdout. Tests drive the lab's helper programs (net-probe.ts,
 * wrtc-peer.ts) with it: a Node process cannot move its own sockets into another network
 * namespace, so everything that must live inside the lab is a child process started there.
 *
 * The child runs TypeScript through tsx (`node --import tsx`), from the repository root so the
 * `tsx` specifier resolves.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetLab } from './lab.js';

/** The repository root (the child's working directory). */
export const REPOSITORY_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);

/** The probe program (UDP reflector, counters, TCP bulk transfers): see net-probe.ts. */
export const NET_PROBE_SCRIPT = path.join(REPOSITORY_ROOT, 'test/support/netlab/net-probe.ts');

/** The WebRTC peer program (@roamhq/wrtc): see wrtc-peer.ts. */
export const WRTC_PEER_SCRIPT = path.join(REPOSITORY_ROOT, 'test/support/netlab/wrtc-peer.ts');

/** One parsed line a child wrote to stdout. */
export type ChildMessage = Record<string, unknown>;

/** A child script inside a lab namespace with a JSON-lines channel. */
export class JsonLinesChild {
  /** Every message received so far, oldest first. */
  readonly messages: ChildMessage[] = [];
  private readonly process: ChildProcess;
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(message: ChildMessage) => void>();
  private stderrTail = '';
  private exitDescription: string | null = null;
  private nextId = 1;

  /**
   * Starts `node --import tsx <scriptPath> ...args` inside `namespace` of `lab`.
   * @param scriptPath - absolute path of the TypeScript script
   */
  constructor(lab: NetLab, namespace: string, scriptPath: string, args: readonly string[] = []) {
    this.process = lab.runIn(
      namespace,
      process.execPath,
      ['--import', 'tsx', scriptPath, ...args],
      {
        cwd: REPOSITORY_ROOT,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let buffered = '';
    this.process.stdout?.setEncoding('utf8');
    this.process.stdout?.on('data', (text: string) => {
      buffered += text;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('{')) {
          const message = JSON.parse(line) as ChildMessage;
          this.messages.push(message);
          for (const listener of this.listeners) listener(message);
        }
        newline = buffered.indexOf('\n');
      }
      this.wake();
    });
    this.process.stderr?.setEncoding('utf8');
    this.process.stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-4000);
    });
    this.process.once('exit', (code, signal) => {
      this.exitDescription = `exited (code ${String(code)}, signal ${String(signal)})`;
      this.wake();
    });
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Calls `listener` with every message from now on; returns the function that stops it. */
  subscribe(listener: (message: ChildMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes one command line; returns the `id` it was given. */
  send(command: Record<string, unknown>): number {
    const id = this.nextId++;
    this.process.stdin?.write(JSON.stringify({ id, ...command }) + '\n');
    return id;
  }

  /**
   * Resolves with the first message (already received or future) that `matches`; rejects after
   * `timeoutMs`, or when the child exits first, with its stderr tail.
   */
  waitFor(
    matches: (message: ChildMessage) => boolean,
    timeoutMs: number,
    description: string,
  ): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.messages.find(matches);
        if (found !== undefined) {
          finish();
          resolve(found);
        } else if (this.exitDescription !== null) {
          finish();
          reject(
            new Error(`child ${this.exitDescription} before ${description}: ${this.stderrTail}`),
          );
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${description}: ${this.stderrTail}`,
          ),
        );
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends `command` and resolves with the reply carrying its id (which must say `ok: true`). */
  async request(command: Record<string, unknown>, timeoutMs = 10_000): Promise<ChildMessage> {
    const id = this.send(command);
    const reply = await this.waitFor(
      (message) => message.id === id,
      timeoutMs,
      `the reply to ${JSON.stringify(command)}`,
    );
    if (reply.ok !== true)
      throw new Error(`${JSON.stringify(command)} failed: ${JSON.stringify(reply)}`);
    return reply;
  }

  /** Kills the child (the lab's destroy() would too) and waits for it to exit. */
  async destroy(): Promise<void> {
    if (this.exitDescription !== null) return;
    const exited = new Promise<void>((resolve) =>
      this.process.once('exit', () => {
        resolve();
      }),
    );
    this.process.kill('SIGKILL');
    await exited;
  }
}
