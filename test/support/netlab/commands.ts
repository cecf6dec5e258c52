/**
 * How the network lab runs the system tools it is made of (`ip`, `nft`, `tc`, `sysctl`, `ss`,
 * `turnserver`): always `execFile` with an argument array, never a shell command line, so no name or
 * number from a lab description can be read as shell syntax. Also the lab's one error class and the
 * check that says whether this machine can host a lab at all (root, Linux, the tools present).
 */
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Stable kinds of lab failure; see {@link NetLabError}. */
export type NetLabErrorCode =
  /** The lab description is invalid (names, rates, loss, too many viewers). */
  | 'spec-invalid'
  /** The machine cannot host a lab: not Linux, not root, or a tool is missing. */
  | 'unsupported'
  /** A system tool exited with an error while building or tearing down the lab. */
  | 'command-failed'
  /** coturn did not start or did not listen in time. */
  | 'turn-start-failed'
  /** The lab was used after `destroy()`. */
  | 'destroyed';

/** The one error class of the lab: `code` says what kind of failure it is. */
export class NetLabError extends Error {
  /** Stable kind of failure; see {@link NetLabErrorCode}. */
  readonly code: NetLabErrorCode;

  /**
   * @param code - the kind of failure
   * @param message - a sentence naming what failed
   * @param options - the underlying cause
   */
  constructor(code: NetLabErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NetLabError';
    this.code = code;
  }
}

/** The executables the lab runs; `turnserver` only when a lab asks for TURN. */
export type NetLabTool = 'ip' | 'nft' | 'tc' | 'sysctl' | 'ss' | 'turnserver';

// The sbin directories are often missing from a normal PATH; the tools live there on Debian.
const SEARCH_DIRECTORIES = [
  ...(process.env.PATH ?? '').split(path.delimiter).filter((entry) => entry !== ''),
  '/usr/sbin',
  '/sbin',
  '/usr/bin',
  '/bin',
];

const resolvedTools = new Map<NetLabTool, string | null>();

/** Absolute path of `tool`, or `null` when it is not installed. Looked up once per process. */
export function findTool(tool: NetLabTool): string | null {
  const cached = resolvedTools.get(tool);
  if (cached !== undefined) return cached;
  let found: string | null = null;
  for (const directory of SEARCH_DIRECTORIES) {
    const candidate = path.join(directory, tool);
    try {
      accessSync(candidate, constants.X_OK);
      found = candidate;
      break;
    } catch {
      // not here; try the next directory
    }
  }
  resolvedTools.set(tool, found);
  return found;
}

/** Whether this machine can host a lab, and if not, a sentence saying why (for test skips). */
export type NetLabSupport = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Checks what a lab needs: Linux, root (namespaces, nftables and tc need CAP_NET_ADMIN in the
 * initial user namespace to create named namespaces), and the tools. `withTurn` also requires
 * coturn's `turnserver`.
 */
export function netLabSupport(options: { withTurn?: boolean } = {}): NetLabSupport {
  if (process.platform !== 'linux') return { ok: false, reason: 'network lab needs Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network lab needs root' };
  const tools: NetLabTool[] = ['ip', 'nft', 'tc', 'sysctl', 'ss'];
  if (options.withTurn === true) tools.push('turnserver');
  const missing = tools.filter((tool) => findTool(tool) === null);
  if (missing.length > 0)
    return {
      ok: false,
      reason: `network lab needs ${missing.join(', ')} (Debian: apt-get install iproute2 nftables procps coturn)`,
    };
  return { ok: true };
}

function requireTool(tool: NetLabTool): string {
  const found = findTool(tool);
  if (found === null) throw new NetLabError('unsupported', `${tool} is not installed`);
  return found;
}

/** Output of a finished command. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** Bytes written to the tool's stdin (e.g. an `nft -f -` ruleset, an `ip -batch -` script). */
  readonly input?: string;
  /** Kill the tool after this long, ms. Default 10 000. */
  readonly timeoutMs?: number;
}

/**
 * Runs `tool` with `args` and resolves with its output; rejects with a `command-failed`
 * {@link NetLabError} carrying the command line and stderr when it exits non-zero.
 */
export function runTool(
  tool: NetLabTool,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<CommandOutput> {
  const file = requireTool(tool);
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { timeout: options.timeoutMs ?? 10_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(
            new NetLabError(
              'command-failed',
              `${tool} ${args.join(' ')} failed: ${stderr.trim() || error.message}`,
              { cause: error },
            ),
          );
          return;
        }
        resolve({ stdout, stderr });
      },
    );
    // A tool that exits without reading its input (or before reading all of it) must not turn into
    // an EPIPE error: its exit status is what counts.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/**
 * Synchronous {@link runTool} for exit and signal handlers, where nothing asynchronous runs any
 * more. Returns `null` instead of throwing: teardown goes on past one failed step.
 */
export function runToolSync(tool: NetLabTool, args: readonly string[]): string | null {
  const file = findTool(tool);
  if (file === null) return null;
  try {
    return execFileSync(file, args, {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return null;
  }
}
