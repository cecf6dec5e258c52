/**
 * Command-line arguments of `p2p-media-loader-tracker`, parsed by a pure function so they can be
 * tested without starting a process.
 */

import {
  DEFAULT_ANNOUNCE_BURST,
  DEFAULT_ANNOUNCES_PER_SECOND,
  DEFAULT_MAX_INFO_HASHES_PER_SOCKET,
  DEFAULT_MAX_SOCKETS_PER_IP,
} from './socket-policy.js';

/** The abuse limits an operator may tune; each is a `startTrackerServer` option of the same name. */
export interface TrackerCliLimits {
  maxSocketsPerIp?: number;
  maxInfoHashesPerSocket?: number;
  announcesPerSecond?: number;
  announceBurst?: number;
}

/** What the command line asks for. */
export type TrackerCliCommand =
  | {
      readonly kind: 'run';
      readonly port: number;
      readonly host: string;
      /** Only the limits given on the command line; the others keep their defaults. */
      readonly limits: Readonly<TrackerCliLimits>;
    }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** Port when `--port` is not given. */
export const DEFAULT_CLI_PORT = 8000;
/** Host when `--host` is not given: loopback, so nothing is exposed by accident. */
export const DEFAULT_CLI_HOST = '127.0.0.1';

/** Limit flags, the option each sets, and the smallest value each accepts. */
const LIMIT_FLAGS: Readonly<Record<string, readonly [keyof TrackerCliLimits, number]>> = {
  '--max-sockets-per-ip': ['maxSocketsPerIp', 0],
  '--max-info-hashes-per-socket': ['maxInfoHashesPerSocket', 1],
  '--announces-per-second': ['announcesPerSecond', 1],
  '--announce-burst': ['announceBurst', 1],
};

/** The text of `--help`. */
export const TRACKER_CLI_USAGE = `Usage: p2p-media-loader-tracker [--port PORT] [--host HOST] [limits]

Runs a WebTorrent (WebSocket) tracker for p2p-media-loader peers.

Options:
  -p, --port PORT   TCP port to listen on, 0 for any free port (default ${DEFAULT_CLI_PORT})
      --host HOST   interface to listen on (default ${DEFAULT_CLI_HOST}; 0.0.0.0 serves other machines)
  -h, --help        show this help

Limits (messages beyond them are refused with a failure reason and counted at /metrics):
  --max-sockets-per-ip N          open WebSockets per client address, 0 for no cap
                                  (default ${DEFAULT_MAX_SOCKETS_PER_IP}; raise it behind a proxy or a shared NAT)
  --max-info-hashes-per-socket N  swarms one WebSocket may join (default ${DEFAULT_MAX_INFO_HASHES_PER_SOCKET})
  --announces-per-second N        messages per second per WebSocket, sustained (default ${DEFAULT_ANNOUNCES_PER_SECOND})
  --announce-burst N              messages per WebSocket at once before the rate applies (default ${DEFAULT_ANNOUNCE_BURST})

Peers announce to ws://HOST:PORT; http://HOST:PORT/stats answers JSON statistics and
http://HOST:PORT/metrics Prometheus metrics.
Stop with Ctrl+C (SIGINT) or SIGTERM.`;

/**
 * Parses the arguments after the program name (`process.argv.slice(2)`). Accepts `--port 8000` and
 * `--port=8000` forms. Never throws: problems come back as `{ kind: 'error' }`.
 */
export function parseTrackerCliArgs(args: readonly string[]): TrackerCliCommand {
  let port = DEFAULT_CLI_PORT;
  let host = DEFAULT_CLI_HOST;
  const limits: TrackerCliLimits = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag, inlineValue] = splitInlineValue(arg);
    if (flag === '-h' || flag === '--help') return { kind: 'help' };
    const limit = Object.hasOwn(LIMIT_FLAGS, flag) ? LIMIT_FLAGS[flag] : undefined;
    if (flag !== '-p' && flag !== '--port' && flag !== '--host' && !limit) {
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
    if (limit) {
      const [option, min] = limit;
      const parsed = /^\d{1,9}$/.test(value) ? Number(value) : undefined;
      if (parsed === undefined || parsed < min) {
        return {
          kind: 'error',
          message: `${flag} must be an integer of at least ${min}, got: ${value}`,
        };
      }
      limits[option] = parsed;
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
  return { kind: 'run', port, host, limits };
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
