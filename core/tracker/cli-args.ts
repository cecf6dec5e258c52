/**
 * Command-line arguments of `p2p-media-loader-tracker`, parsed by a pure function so they can be
 * tested without starting a process.
 */

/** What the command line asks for. */
export type TrackerCliCommand =
  | { readonly kind: 'run'; readonly port: number; readonly host: string }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** Port when `--port` is not given. */
export const DEFAULT_CLI_PORT = 8000;
/** Host when `--host` is not given: loopback, so nothing is exposed by accident. */
export const DEFAULT_CLI_HOST = '127.0.0.1';

/** The text of `--help`. */
export const TRACKER_CLI_USAGE = `Usage: p2p-media-loader-tracker [--port PORT] [--host HOST]

Runs a WebTorrent (WebSocket) tracker for p2p-media-loader peers.

Options:
  -p, --port PORT   TCP port to listen on, 0 for any free port (default ${DEFAULT_CLI_PORT})
      --host HOST   interface to listen on (default ${DEFAULT_CLI_HOST}; 0.0.0.0 serves other machines)
  -h, --help        show this help

Peers announce to ws://HOST:PORT; http://HOST:PORT/stats answers JSON statistics.
Stop with Ctrl+C (SIGINT) or SIGTERM.`;

/**
 * Parses the arguments after the program name (`process.argv.slice(2)`). Accepts `--port 8000` and
 * `--port=8000` forms. Never throws: problems come back as `{ kind: 'error' }`.
 */
export function parseTrackerCliArgs(args: readonly string[]): TrackerCliCommand {
  let port = DEFAULT_CLI_PORT;
  let host = DEFAULT_CLI_HOST;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag, inlineValue] = splitInlineValue(arg);
    if (flag === '-h' || flag === '--help') return { kind: 'help' };
    if (flag !== '-p' && flag !== '--port' && flag !== '--host') {
      return { kind: 'error', message: `unknown argument: ${arg}` };
    }
    const value = inlineValue ?? args[++i];
    if (value === undefined || value === '') {
      return { kind: 'error', message: `${flag} needs a value` };
    }
    if (flag === '--host') {
      host = value;
      continue;
    }
    const parsed = parsePort(value);
    if (parsed === undefined) {
      return {
        kind: 'error',
        message: `${flag} must be an integer from 0 to 65535, got: ${value}`,
      };
    }
    port = parsed;
  }
  return { kind: 'run', port, host };
}

function splitInlineValue(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  if (!arg.startsWith('--') || equals === -1) return [arg, undefined];
  return [arg.slice(0, equals), arg.slice(equals + 1)];
}

function parsePort(value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port <= 65_535 ? port : undefined;
}
