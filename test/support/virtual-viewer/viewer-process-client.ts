/**
 * The parent's side of a virtual-viewer process (viewer-process.ts): starts `node --import tsx
 * viewer-process.ts --spec <json>` and collects the JSON lines it prints. Written once for every
 * caller (tests, measure-packing.ts, the bench), which may pass their own `spawn` to place the
 * process elsewhere, e.g. in a network-lab namespace with `lab.runIn`.
 */
import { spawn as spawnChild, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ViewerProcessLine } from './viewer-group.js';
import type { ViewerSpec } from './viewer-spec.js';

/** The repository root: the process's working directory, where the `tsx` specifier resolves. */
const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Absolute path of the virtual-viewer process's entry. */
export const VIEWER_PROCESS_ENTRY = path.join(
  ROOT_DIR,
  'test/support/virtual-viewer/viewer-process.ts',
);

/** Starts a command as `child_process.spawn` does (the lab's `runIn` has this shape). */
export type SpawnFunction = (
  command: string,
  args: readonly string[],
  options: SpawnOptions,
) => ChildProcess;

/** A running (or finished) virtual-viewer process. */
export interface ViewerProcessHandle {
  /** The child process: kill it with SIGTERM to have it print its results and exit 0. */
  readonly child: ChildProcess;
  /**
   * Every line it printed so far, oldest first. A stdout line that is not JSON becomes an `error`
   * line with code `output-not-json`.
   */
  readonly lines: readonly ViewerProcessLine[];
  /**
   * Resolves with the exit code (`null` when a signal ended it) once it exited and its stdout is
   * read to the end (every line is in `lines` by then).
   */
  readonly exited: Promise<number | null>;
}

/**
 * Starts a virtual-viewer process for `spec` (see docs/VIRTUAL-VIEWERS.md) with stderr inherited.
 * Nothing here kills it: the caller owns the child and must kill it when done or on failure.
 *
 * @param spec - the spec, passed as `--spec <json>`
 * @param spawn - how to start it; default `child_process.spawn` in this network namespace
 */
export function startViewerProcess(
  spec: Partial<ViewerSpec>,
  spawn: SpawnFunction = spawnChild,
): ViewerProcessHandle {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', VIEWER_PROCESS_ENTRY, '--spec', JSON.stringify(spec)],
    { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines: ViewerProcessLine[] = [];
  const exited = new Promise<number | null>((resolve) => {
    // `close`, not `exit`: stdout may still hold lines when the process has exited.
    child.once('close', (code) => {
      resolve(code);
    });
    // A process that could not start at all (no `exit` follows).
    child.once('error', (error) => {
      lines.push({ type: 'error', code: 'spawn-failed', message: error.message });
      resolve(null);
    });
  });
  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => {
    pending += text;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      if (line === '') continue;
      try {
        lines.push(JSON.parse(line) as ViewerProcessLine);
      } catch {
        lines.push({ type: 'error', code: 'output-not-json', message: line });
      }
    }
  });
  return { child, lines, exited };
}
