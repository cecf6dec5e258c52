/**
 * The tracker under load: started by the bench in a child process of its own (so the RSS and CPU
 * the bench reads are the tracker's alone), or one already running that the bench only connects to.
 *
 * The embedded target is our CLI (tracker/cli.ts), started with the bench's limits
 * ({@link BENCH_EMBEDDED_LIMITS}): every bench peer connects from 127.0.0.1 and sends far more per
 * socket than a viewer does, so the production defaults (20 sockets per address, 10 messages per
 * second per socket) would refuse the load itself. The checks still run on every message, so
 * their cost is measured; only the thresholds are out of the way. The defaults are unchanged.
 */
import { LineChild, TrackerBenchError } from './child-process.js';
import type { BenchTarget } from './options.js';

/** CLI flags the bench gives the embedded tracker (see the file comment for why). */
export const BENCH_EMBEDDED_LIMITS: readonly string[] = [
  '--max-sockets-per-ip',
  '0',
  '--announces-per-second',
  '1000000',
  '--announce-burst',
  '1000000',
];

/** How long a target may take to print its URL (tsx compiles it first). */
const TARGET_START_TIMEOUT_MS = 30_000;
/** How long a target may take to exit after SIGTERM (the CLI's own cap is 5 s). */
const TARGET_STOP_TIMEOUT_MS = 10_000;

/** A tracker the bench loads. */
export interface RunningTarget {
  /** Announce URL. */
  readonly url: string;
  /** The embedded tracker's JSON stats URL, when known. */
  readonly statsUrl: string | undefined;
  /** The tracker process, when the bench may sample it. */
  readonly pid: number | undefined;
  /** The flags the bench started the tracker with ([] for a url target). */
  readonly flags: readonly string[];
  /**
   * Stops a tracker the bench started (SIGTERM, then waits): whether it exited by itself with
   * code 0 in time. Undefined for a url target, which the bench leaves running.
   */
  stop(): Promise<{ exitCode: number | null; exitedCleanly: boolean } | undefined>;
  /** Kills a started tracker at once and waits for it (errors, end of run). Idempotent. */
  destroy(): Promise<void>;
  /** Sends SIGKILL to a started tracker without waiting (the hard cap, process exit). */
  kill(): void;
}

/** Starts (or, for a url target, adopts) the tracker. */
export async function startTarget(
  target: BenchTarget,
  pid: number | undefined,
): Promise<RunningTarget> {
  if (target.kind === 'url') {
    return {
      url: target.url,
      statsUrl: undefined,
      pid,
      flags: [],
      stop: () => Promise.resolve(undefined),
      destroy: () => Promise.resolve(),
      kill: () => undefined,
    };
  }
  const [script, flags] =
    target.kind === 'embedded'
      ? ['tracker/cli.ts', ['--port', '0', '--host', '127.0.0.1', ...BENCH_EMBEDDED_LIMITS]]
      : ['scripts/bench-tracker/target-bittorrent-tracker.ts', []];
  const child = new LineChild(target.kind, script, flags);
  try {
    const url = await child.waitFor(
      (line) => /^tracker: (ws:\/\/\S+)$/.exec(line)?.[1],
      TARGET_START_TIMEOUT_MS,
      'its URL',
    );
    // The CLI prints its stats URL right after the announce URL; the baseline has none.
    const statsUrl =
      target.kind === 'embedded'
        ? await child.waitFor(
            (line) => /^stats: +(http:\/\/\S+)$/.exec(line)?.[1],
            TARGET_START_TIMEOUT_MS,
            'its stats URL',
          )
        : undefined;
    return {
      url,
      statsUrl,
      pid: child.pid,
      flags,
      async stop() {
        child.signal('SIGTERM');
        const timer = setTimeout(() => {
          child.signal('SIGKILL');
        }, TARGET_STOP_TIMEOUT_MS);
        const exit = await child.exited;
        clearTimeout(timer);
        return { exitCode: exit.code, exitedCleanly: exit.code === 0 && exit.signal === null };
      },
      destroy: () => child.destroy(),
      kill: () => {
        child.signal('SIGKILL');
      },
    };
  } catch (error) {
    await child.destroy();
    throw new TrackerBenchError(
      'target-start',
      `the ${target.kind} tracker did not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
