/**
 * Command line of `npm run simulate`: how many viewers, live or VOD, how long, which seed, which
 * links. Pure parsing with every bound checked, so a typo fails before a run starts. Never throws:
 * problems come back as `{ kind: 'error' }`.
 */
import { parseArgs } from 'node:util';
import type { EngineConfig } from '../../core/engine/config.js';
import type { ProfileMixName } from './link-profiles.js';

/** Most viewers one run may simulate (memory: ~0.5 MB each at the default scale). */
export const MAX_VIEWERS = 20_000;
/** Longest simulated run, seconds. */
export const MAX_SECONDS = 3600;

/** Everything one `npm run simulate` is told. */
export interface SimulateOptions {
  readonly viewers: number;
  readonly mode: 'live' | 'vod';
  readonly seconds: number;
  readonly seed: number;
  readonly profile: ProfileMixName | 'lab';
  /** Segment sizes and link rates are multiplied by this. */
  readonly scale: number;
  /** Engine settings of the P2P arm on top of the defaults. */
  readonly engineConfig: Partial<EngineConfig>;
  /** Print one JSON line instead of the readable summary. */
  readonly json: boolean;
  /** Directory for the SVG charts and the full JSON; none when absent. */
  readonly outDir: string | undefined;
  /** Skip the P2P-off arm (its figures are then absent from the summary). */
  readonly p2pOnly: boolean;
  /** The player model's stream tick and `timeupdate` periods, ms; undefined: hls.js's own. */
  readonly tickIntervalMs: number | undefined;
  readonly timeupdateIntervalMs: number | undefined;
}

/** What the command line asks for. */
export type SimulateCommand =
  | { readonly kind: 'run'; readonly options: SimulateOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** Usage text. */
export const SIMULATE_USAGE = `Usage: npm run simulate -- [options]
  --viewers N        viewers over the run (default 100, at most ${MAX_VIEWERS})
  --mode live|vod    a live event or a VOD catalogue title (default live)
  --seconds S        simulated seconds (default 600, at most ${MAX_SECONDS})
  --seed N           seed of the run: same seed, same run (default 1)
  --profile P        home | mobile | mix (default home), or lab: the network lab's clean
                     scenario (fast open links, one join every 3 s, each watching --seconds)
  --scale F          segment sizes and link rates × F, 0 < F <= 1 (default 0.05)
  --engine-config J  engine settings of the P2P arm, JSON (e.g. '{"maxPeers":8}')
  --json             print one JSON line
  --out DIR          also write charts (SVG) and the full summary (JSON) to DIR
  --p2p-only         skip the P2P-off arm
  --tick-ms N        the player model's tick period (default hls.js's 100 ms)
  --timeupdate-ms N  its timeupdate period (default 250 ms)`;

function integer(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number | string {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    return `--${name} must be an integer from ${min} to ${max}, got ${value}`;
  }
  return parsed;
}

/** Parses `argv` (without node and script). */
export function parseSimulateArgs(argv: readonly string[]): SimulateCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        viewers: { type: 'string' },
        mode: { type: 'string' },
        seconds: { type: 'string' },
        seed: { type: 'string' },
        profile: { type: 'string' },
        scale: { type: 'string' },
        'engine-config': { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        'p2p-only': { type: 'boolean' },
        'tick-ms': { type: 'string' },
        'timeupdate-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return { kind: 'help' };
  const viewers = integer(values.viewers, 'viewers', 1, MAX_VIEWERS, 100);
  const seconds = integer(values.seconds, 'seconds', 10, MAX_SECONDS, 600);
  const seed = integer(values.seed, 'seed', 0, 2 ** 31 - 1, 1);
  const tickMs = integer(values['tick-ms'], 'tick-ms', 10, 2000, 0);
  const timeupdateMs = integer(values['timeupdate-ms'], 'timeupdate-ms', 10, 2000, 0);
  for (const value of [viewers, seconds, seed, tickMs, timeupdateMs]) {
    if (typeof value === 'string') return { kind: 'error', message: value };
  }
  const mode = values.mode ?? 'live';
  if (mode !== 'live' && mode !== 'vod') {
    return { kind: 'error', message: `--mode must be live or vod, got ${mode}` };
  }
  const profile = values.profile ?? 'home';
  if (profile !== 'home' && profile !== 'mobile' && profile !== 'mix' && profile !== 'lab') {
    return { kind: 'error', message: `--profile must be home, mobile, mix or lab, got ${profile}` };
  }
  const scale = values.scale === undefined ? 0.05 : Number(values.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1) {
    return { kind: 'error', message: `--scale must be a number in (0, 1], got ${values.scale}` };
  }
  let engineConfig: Partial<EngineConfig> = {};
  if (values['engine-config'] !== undefined) {
    try {
      const parsed: unknown = JSON.parse(values['engine-config']);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { kind: 'error', message: '--engine-config must be a JSON object' };
      }
      engineConfig = parsed;
    } catch (error) {
      return {
        kind: 'error',
        message: `--engine-config is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  return {
    kind: 'run',
    options: {
      viewers: viewers as number,
      mode,
      seconds: seconds as number,
      seed: seed as number,
      profile,
      scale,
      engineConfig,
      json: values.json === true,
      outDir: values.out,
      p2pOnly: values['p2p-only'] === true,
      tickIntervalMs: tickMs === 0 ? undefined : (tickMs as number),
      timeupdateIntervalMs: timeupdateMs === 0 ? undefined : (timeupdateMs as number),
    },
  };
}
