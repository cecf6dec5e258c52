/**
 * Command line of `npm run bench`: which scenarios to run and how. Pure parsing, so a typo fails
 * before any browser starts.
 */
import { parseArgs } from 'node:util';

/** How viewers watch: one live stream of their own session, or a VOD stream from its start. */
export type BenchMode = 'live' | 'vod';

/** Everything a bench run is told. */
export interface BenchOptions {
  /** Scenarios to run, in order. Default: live then vod. */
  readonly modes: readonly BenchMode[];
  /** Viewers per scenario (each in its own browser context). Default 6. */
  readonly peers: number;
  /** Seconds each viewer watches after it joins. Default 60. */
  readonly seconds: number;
  /** Seconds between two viewers joining. Default 3. */
  readonly staggerSeconds: number;
  /** Generated stream kind (directory under examples/media/streams). Default 'hls-ts'. */
  readonly stream: string;
  /** Player page (see player-pages.ts). Default 'hlsjs'. */
  readonly player: string;
  /** Streaming engine under the player. Default 'hlsjs'. */
  readonly engine: string;
  /** Highest rendition index ABR may choose, in both arms; undefined = no cap. */
  readonly capLevel: number | undefined;
  /** Engine options of the P2P arm on top of the bench's own (tracker, no STUN). Default none. */
  readonly engineConfig: Readonly<Record<string, unknown>>;
  /** Shaka Player configuration for both arms (`player.configure`), Shaka pages only. Default none. */
  readonly shakaConfig: Readonly<Record<string, unknown>> | undefined;
  /** One JSON line per scenario instead of a table. */
  readonly json: boolean;
  /** Where charts and diagnostics go. Default 'artifacts/bench'. */
  readonly outDir: string;
}

/** Usage text printed by `--help` and after a bad argument. */
export const BENCH_USAGE = `usage: npm run bench -- [options]
  --mode live|vod      scenario to run (default: both)
  --peers N            viewers per scenario (default 6)
  --seconds S          seconds each viewer watches after joining (default 60)
  --stagger S          seconds between viewers joining (default 3)
  --protocol hls|dash  manifest kind (default hls); dash needs --engine shaka (the default for dash)
  --stream KIND        hls-ts | hls-fmp4 | hls-byterange | hls-audio | dash-number | dash-timeline
                       | dash-list | dash-base (default hls-ts, or dash-number with --protocol dash)
  --player NAME        player page (default: the engine's own page, hlsjs or shaka)
  --engine NAME        streaming engine under the player: hlsjs | shaka (default hlsjs, shaka for dash)
  --cap-level N        highest rendition index ABR may pick, same in both arms (default: none)
  --engine-config JSON engine options for the P2P arm, e.g. '{"p2pPrefetchSeconds":20}'
  --shaka-config JSON  Shaka configuration for both arms (--player shaka), e.g.
                       '{"streaming":{"rebufferingGoal":2}}'
  --out DIR            charts and diagnostics directory (default artifacts/bench)
  --json               one JSON line per scenario instead of a table`;

/** A bad command line; the message says which argument and why. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

function numberOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  check: (value: number) => boolean,
  rule: string,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || !check(value)) {
    throw new BenchUsageError(`--${name} must be ${rule}, got '${raw}'`);
  }
  return value;
}

/**
 * A JSON object option (`--engine-config`, `--shaka-config`). Its keys are checked by the engine or
 * Shaka on the page: an invalid one shows up as a setup error or a problem of the scenario.
 */
function jsonObjectOption(
  name: string,
  raw: string | undefined,
): Readonly<Record<string, unknown>> | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined; // reported below, like any other non-object
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BenchUsageError(`--${name} must be a JSON object, got '${raw}'`);
  }
  return value as Record<string, unknown>;
}

/** Parses the bench's arguments (without `node` and the script). `--help` yields `undefined`. */
export function parseBenchArgs(args: readonly string[]): BenchOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        mode: { type: 'string' },
        peers: { type: 'string' },
        seconds: { type: 'string' },
        stagger: { type: 'string' },
        stream: { type: 'string' },
        protocol: { type: 'string' },
        player: { type: 'string' },
        engine: { type: 'string' },
        'cap-level': { type: 'string' },
        'engine-config': { type: 'string' },
        'shaka-config': { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return undefined;

  const mode = values.mode;
  if (mode !== undefined && mode !== 'live' && mode !== 'vod') {
    throw new BenchUsageError(`--mode must be live or vod, got '${mode}'`);
  }
  const protocol = values.protocol ?? 'hls';
  if (protocol !== 'hls' && protocol !== 'dash') {
    throw new BenchUsageError(`--protocol must be hls or dash, got '${protocol}'`);
  }
  const engine = values.engine ?? (protocol === 'dash' ? 'shaka' : 'hlsjs');
  if (protocol === 'dash' && engine !== 'shaka') {
    throw new BenchUsageError(`--protocol dash needs --engine shaka (hls.js plays HLS only)`);
  }
  if (values['shaka-config'] !== undefined && (values.player ?? engine) !== 'shaka') {
    throw new BenchUsageError(
      '--shaka-config needs the Shaka page (--engine shaka, --player shaka)',
    );
  }
  const isInteger = Number.isInteger;
  return {
    modes: mode === undefined ? ['live', 'vod'] : [mode],
    peers: numberOption(
      'peers',
      values.peers,
      6,
      (n) => isInteger(n) && n >= 1 && n <= 32,
      '1..32',
    ),
    seconds: numberOption('seconds', values.seconds, 60, (n) => n >= 5 && n <= 600, '5..600'),
    staggerSeconds: numberOption('stagger', values.stagger, 3, (n) => n >= 0 && n <= 60, '0..60'),
    stream: values.stream ?? (protocol === 'dash' ? 'dash-number' : 'hls-ts'),
    player: values.player ?? engine,
    engine,
    capLevel:
      values['cap-level'] === undefined
        ? undefined
        : numberOption('cap-level', values['cap-level'], 0, (n) => isInteger(n) && n >= 0, '>= 0'),
    engineConfig: jsonObjectOption('engine-config', values['engine-config']) ?? {},
    shakaConfig: jsonObjectOption('shaka-config', values['shaka-config']),
    json: values.json === true,
    outDir: values.out ?? 'artifacts/bench',
  };
}
