/**
 * Command line of `npm run bench:tracker`: which tracker to load, with how many peers, how hard and
 * for how long. Pure parsing with every bound checked, so a typo or an unbounded run fails before a
 * single socket opens. Never throws: problems come back as `{ kind: 'error' }`.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';

/** Which tracker the bench loads. */
export type BenchTarget =
  | { readonly kind: 'embedded' }
  | { readonly kind: 'bittorrent-tracker' }
  | { readonly kind: 'url'; readonly url: string };

/**
 * How the load is generated: `max` keeps a fixed number of announces in flight per client process
 * (closed loop: finds the tracker's ceiling); `rate` sends announces at a fixed total rate (open
 * loop: latency at a given load).
 */
export type LoadMode =
  | { readonly kind: 'max'; readonly inFlightPerProcess: number }
  | { readonly kind: 'rate'; readonly announcesPerSecond: number };

/** Everything one bench run is told. */
export interface TrackerBenchOptions {
  readonly target: BenchTarget;
  /** Peers (one WebSocket each). Default 1000, at most {@link MAX_PEERS}. */
  readonly peers: number;
  /**
   * Peers per swarm (info hash); the last swarm may be smaller. Default 100. bittorrent-tracker
   * keeps at most 1000 peers per swarm (an LRU that silently drops the least recently announced),
   * so larger swarms measure that eviction, not a bigger swarm.
   */
  readonly peersPerSwarm: number;
  /** Offers per announce (= numwant on the WebSocket protocol). Default 5, as our client sends. */
  readonly offersPerAnnounce: number;
  /** Characters of each offer's and answer's SDP. Default 1500 (a data-channel SDP with candidates). */
  readonly sdpBytes: number;
  /** Load phase length, in seconds. Default 10. */
  readonly loadSeconds: number;
  readonly load: LoadMode;
  /** Client processes the peers are spread over. Default 2. */
  readonly clientProcesses: number;
  /** New WebSocket connections per second, all client processes together. Default 2000. */
  readonly connectsPerSecond: number;
  /** Hard cap on the whole run, in seconds: past it every child is killed. Default 300. */
  readonly maxSeconds: number;
  /** Process id whose RSS and CPU to sample for a `url` target. */
  readonly pid: number | undefined;
  /** Print one JSON object instead of the table. */
  readonly json: boolean;
}

/** What the command line asks for. */
export type TrackerBenchCommand =
  | { readonly kind: 'run'; readonly options: TrackerBenchOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** Most peers one run may open (the brief's bound; each is a socket on both sides). */
export const MAX_PEERS = 10_000;
/** Most peers one client process may hold (file descriptors and one event loop per process). */
export const MAX_PEERS_PER_PROCESS = 5_000;
/** Most client processes. */
export const MAX_CLIENT_PROCESSES = 8;
/** Longest load phase, in seconds. */
export const MAX_LOAD_SECONDS = 600;
/** Longest run, in seconds (the hard cap may be lowered, never raised past this). */
export const MAX_RUN_SECONDS = 1_200;
/** Highest open-loop rate, announces per second. */
export const MAX_ANNOUNCES_PER_SECOND = 200_000;
/** Most announces in flight per client process in `max` mode. */
export const MAX_IN_FLIGHT_PER_PROCESS = 2_000;
/** Largest SDP the bench sends; the embedded tracker refuses above 32 KiB. */
export const MAX_SDP_BYTES = 16_384;
/** Default announces in flight per client process in `max` mode. */
export const DEFAULT_IN_FLIGHT_PER_PROCESS = 200;

/** The text of `--help`. */
export const TRACKER_BENCH_USAGE = `Usage: npm run bench:tracker -- [options]

Loads a WebTorrent (WebSocket) tracker with many real WebSocket peers on this machine and measures
announces per second, offer relay latency, and the tracker process's memory and CPU.

Target:
  --target embedded              our tracker (tracker/cli.ts) in a child process (default)
  --target bittorrent-tracker    bittorrent-tracker's Server, unwrapped, in a child process
  --target url=ws://HOST:PORT    a tracker already running on this machine (loopback or a local
                                 interface only); memory and CPU only with --pid
  --pid PID                      process to sample for a url target

Load:
  --peers N                 peers, one WebSocket each (default 1000, at most ${MAX_PEERS})
  --peers-per-swarm N       peers per info hash (default 100)
  --offers N                offers per announce (default 5, at most 10)
  --sdp-bytes N             SDP size of offers and answers (default 1500, at most ${MAX_SDP_BYTES})
  --rate N | --rate max     announces per second in total, or as many as the tracker answers
                            (default max: ${DEFAULT_IN_FLIGHT_PER_PROCESS} announces in flight per client process)
  --in-flight N             announces in flight per client process with --rate max
  --seconds N               load phase length (default 10, at most ${MAX_LOAD_SECONDS})
  --client-processes N      processes the peers are spread over (default 2, at most ${MAX_CLIENT_PROCESSES};
                            at most ${MAX_PEERS_PER_PROCESS} peers each)
  --connects-per-second N   connection ramp (default 500; a starved tracker's accept queue
                            overflows at higher ramps and connections are reset)
  --max-seconds N           hard cap on the whole run (default 300, at most ${MAX_RUN_SECONDS})

Output:
  --json                    one JSON object on stdout instead of the table
  -h, --help                this help`;

const DEFAULTS = {
  peers: 1000,
  peersPerSwarm: 100,
  offersPerAnnounce: 5,
  sdpBytes: 1500,
  loadSeconds: 10,
  clientProcesses: 2,
  connectsPerSecond: 500,
  maxSeconds: 300,
} as const;

/** Parses the arguments after the program name. Never throws. */
export function parseTrackerBenchArgs(
  args: readonly string[],
  localAddresses: ReadonlySet<string> = machineAddresses(),
): TrackerBenchCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string' },
        pid: { type: 'string' },
        peers: { type: 'string' },
        'peers-per-swarm': { type: 'string' },
        offers: { type: 'string' },
        'sdp-bytes': { type: 'string' },
        rate: { type: 'string' },
        'in-flight': { type: 'string' },
        seconds: { type: 'string' },
        'client-processes': { type: 'string' },
        'connects-per-second': { type: 'string' },
        'max-seconds': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return { kind: 'help' };

  try {
    const target = parseTarget(stringOf(values.target) ?? 'embedded', localAddresses);
    const int = (name: string, fallback: number, min: number, max: number): number => {
      const text = stringOf(values[name]);
      return text === undefined ? fallback : integerIn(`--${name}`, text, min, max);
    };
    const peers = int('peers', DEFAULTS.peers, 2, MAX_PEERS);
    const clientProcesses = int(
      'client-processes',
      Math.min(DEFAULTS.clientProcesses, peers),
      1,
      MAX_CLIENT_PROCESSES,
    );
    if (peers > clientProcesses * MAX_PEERS_PER_PROCESS) {
      throw new UsageProblem(
        `${peers} peers need at least ${Math.ceil(peers / MAX_PEERS_PER_PROCESS)} client processes (${MAX_PEERS_PER_PROCESS} each)`,
      );
    }
    if (clientProcesses > peers) throw new UsageProblem('more client processes than peers');
    const rateText = stringOf(values.rate) ?? 'max';
    const inFlight = int('in-flight', DEFAULT_IN_FLIGHT_PER_PROCESS, 1, MAX_IN_FLIGHT_PER_PROCESS);
    if (rateText !== 'max' && stringOf(values['in-flight']) !== undefined) {
      throw new UsageProblem('--in-flight applies to --rate max only');
    }
    const load: LoadMode =
      rateText === 'max'
        ? { kind: 'max', inFlightPerProcess: inFlight }
        : {
            kind: 'rate',
            announcesPerSecond: integerIn('--rate', rateText, 1, MAX_ANNOUNCES_PER_SECOND),
          };
    const pidText = stringOf(values.pid);
    const pid = pidText === undefined ? undefined : integerIn('--pid', pidText, 1, 4_194_304);
    if (pid !== undefined && target.kind !== 'url') {
      throw new UsageProblem(
        '--pid applies to --target url=... only (the bench knows its own children)',
      );
    }
    const loadSeconds = int('seconds', DEFAULTS.loadSeconds, 1, MAX_LOAD_SECONDS);
    const maxSeconds = int('max-seconds', DEFAULTS.maxSeconds, 10, MAX_RUN_SECONDS);
    if (loadSeconds + 5 > maxSeconds) {
      throw new UsageProblem(
        '--max-seconds must leave room for connecting: raise it or lower --seconds',
      );
    }
    return {
      kind: 'run',
      options: {
        target,
        peers,
        peersPerSwarm: int('peers-per-swarm', DEFAULTS.peersPerSwarm, 2, MAX_PEERS),
        offersPerAnnounce: int('offers', DEFAULTS.offersPerAnnounce, 0, 10),
        sdpBytes: int('sdp-bytes', DEFAULTS.sdpBytes, 64, MAX_SDP_BYTES),
        loadSeconds,
        load,
        clientProcesses,
        connectsPerSecond: int('connects-per-second', DEFAULTS.connectsPerSecond, 1, 100_000),
        maxSeconds,
        pid,
        json: values.json === true,
      },
    };
  } catch (error) {
    if (error instanceof UsageProblem) return { kind: 'error', message: error.message };
    throw error;
  }
}

/**
 * True when `host` (a URL's hostname) is this machine: a loopback name or address, or an address
 * of one of its interfaces (a network namespace's included, when run inside it).
 */
export function isLocalHost(host: string, localAddresses: ReadonlySet<string>): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4 && bare.startsWith('127.')) return true;
  if (bare === '::1') return true;
  return localAddresses.has(bare);
}

/** The addresses of this machine's (or this namespace's) interfaces. */
export function machineAddresses(): ReadonlySet<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) addresses.add(entry.address);
  }
  return addresses;
}

function parseTarget(text: string, localAddresses: ReadonlySet<string>): BenchTarget {
  if (text === 'embedded' || text === 'bittorrent-tracker') return { kind: text };
  if (!text.startsWith('url=')) {
    throw new UsageProblem(
      `--target must be embedded, bittorrent-tracker or url=ws://HOST:PORT, got: ${text}`,
    );
  }
  const url = text.slice('url='.length);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageProblem(`--target url is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'ws:') {
    throw new UsageProblem('--target url must be ws:// (local trackers only; no TLS needed)');
  }
  if (!isLocalHost(parsed.hostname, localAddresses)) {
    throw new UsageProblem(
      `--target url must point at this machine (loopback or a local interface), got host ${parsed.hostname}`,
    );
  }
  return { kind: 'url', url };
}

function integerIn(flag: string, text: string, min: number, max: number): number {
  if (!/^\d{1,9}$/.test(text)) throw new UsageProblem(`${flag} must be an integer, got: ${text}`);
  const value = Number(text);
  if (value < min || value > max) {
    throw new UsageProblem(`${flag} must be from ${min} to ${max}, got: ${text}`);
  }
  return value;
}

function stringOf(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A command-line problem, turned into `{ kind: 'error' }` by the parser. */
class UsageProblem extends Error {}
