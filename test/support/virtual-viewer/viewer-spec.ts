/**
 * What a virtual-viewer process is told to do, read from argv as JSON (`--spec '<json>'`,
 * `--spec-file <path>`, or `--spec -` for stdin), so the network lab can start viewers inside a
 * namespace with `ip netns exec … tsx viewer-process.ts --spec …` and nothing else. Validation is
 * pure and throws {@link VirtualViewerError} `viewer-config` naming the key.
 */
import type { EngineConfig } from '../../../core/engine/config.js';
import { resolveShakaConfig } from './shaka-defaults.js';
import { VirtualViewerError } from './viewer-error.js';

/** A viewer process's instructions (JSON). */
export interface ViewerSpec {
  /**
   * The source: an absolute URL, or a path resolved against `originUrl`. Default: built from
   * `stream` and `mode` (`/vod/<stream>/master.m3u8` or `/live/<session>/<stream>/master.m3u8`).
   */
  readonly streamUrl?: string;
  /** Base URL of the origin, e.g. `http://10.77.0.1:8080`. Needed unless `streamUrl` is absolute. */
  readonly originUrl?: string;
  /** Stream name under the origin's media directory (e.g. `hls-ts`), with `mode`. */
  readonly stream?: string;
  /** `vod` or `live` (for `stream`); informational with `streamUrl` (the playlist decides). */
  readonly mode: 'vod' | 'live';
  /** Live session id on the origin (every viewer of one swarm must use the same). Default `lab`. */
  readonly session?: string;
  /** WebTorrent tracker URLs. Required unless `p2p` is false. */
  readonly trackers: readonly string[];
  /** ICE servers (STUN/TURN with credentials). Default none (host candidates only). */
  readonly iceServers: readonly RTCIceServer[];
  /** Seconds each viewer plays before the process reports and exits; 0 = until SIGTERM. */
  readonly seconds: number;
  /** Seed of the viewers' random choices (timeupdate phase). */
  readonly seed: number;
  /** Viewers this process runs. Default 1. */
  readonly viewers: number;
  /** Id of the first viewer; later ones get `-1`, `-2`… appended. Default `viewer-<pid>`. */
  readonly id?: string;
  /** ms between the starts of this process's viewers. Default 0. */
  readonly staggerMs: number;
  /** False: plain HTTP, no engine (the baseline arm). Default true. */
  readonly p2p: boolean;
  /** Further engine configuration (JSON-able keys of EngineConfig). */
  readonly engineConfig: Partial<EngineConfig>;
  /** Hash delivered segments. Default true. */
  readonly hashSegments: boolean;
  /** Include per-request and per-segment records in results. Default true. */
  readonly details: boolean;
  /** Print a progress line per viewer this often, ms; 0 = never. Default 0. */
  readonly progressIntervalMs: number;
  /**
   * The player modelled: `hlsjs` (hls.js playing HLS, virtual-viewer.ts) or `shaka` (Shaka Player
   * playing DASH, shaka-viewer.ts). Default `hlsjs`.
   */
  readonly player: 'hlsjs' | 'shaka';
  /**
   * The Shaka configuration of `player: "shaka"` (as `player.configure()` takes it, e.g. the
   * bench's `{"streaming":{"updateIntervalSeconds":0.1}}`). Default: Shaka's defaults.
   */
  readonly shakaConfig?: Readonly<Record<string, unknown>>;
}

function fail(message: string): never {
  throw new VirtualViewerError('viewer-config', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberIn(value: unknown, key: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(`"${key}" must be a number in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') fail(`"${key}" must be a non-empty string`);
  return value;
}

function booleanOr(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`"${key}" must be true or false`);
  return value;
}

/**
 * Validates a parsed JSON spec and fills in defaults.
 * @throws VirtualViewerError `viewer-config` naming the offending key
 */
export function parseViewerSpec(value: unknown): ViewerSpec {
  if (!isRecord(value)) fail('the spec must be a JSON object');
  const known = new Set([
    'streamUrl',
    'originUrl',
    'stream',
    'mode',
    'session',
    'trackers',
    'iceServers',
    'seconds',
    'seed',
    'viewers',
    'id',
    'staggerMs',
    'p2p',
    'engineConfig',
    'hashSegments',
    'details',
    'progressIntervalMs',
    'player',
    'shakaConfig',
  ]);
  for (const key of Object.keys(value)) if (!known.has(key)) fail(`unknown key "${key}"`);
  const mode = value.mode ?? 'vod';
  if (mode !== 'vod' && mode !== 'live') fail(`"mode" must be "vod" or "live"`);
  const p2p = booleanOr(value.p2p, 'p2p', true);
  const trackers = value.trackers ?? [];
  if (!Array.isArray(trackers) || !trackers.every((t) => typeof t === 'string' && t !== '')) {
    fail('"trackers" must be an array of URLs');
  }
  if (p2p && trackers.length === 0) fail('"trackers" is required when "p2p" is true');
  const iceServers = value.iceServers ?? [];
  if (!Array.isArray(iceServers) || !iceServers.every(isRecord)) {
    fail('"iceServers" must be an array of RTCIceServer objects');
  }
  const engineConfig = value.engineConfig ?? {};
  if (!isRecord(engineConfig)) fail('"engineConfig" must be an object');
  const streamUrl = optionalString(value.streamUrl, 'streamUrl');
  const originUrl = optionalString(value.originUrl, 'originUrl');
  const stream = optionalString(value.stream, 'stream');
  if (streamUrl === undefined && stream === undefined) fail('"streamUrl" or "stream" is required');
  const session = optionalString(value.session, 'session');
  if (session !== undefined && !/^[A-Za-z0-9._~-]{1,128}$/.test(session)) {
    fail('"session" may hold only letters, digits and . _ ~ -');
  }
  const id = optionalString(value.id, 'id');
  const player = value.player ?? 'hlsjs';
  if (player !== 'hlsjs' && player !== 'shaka') fail('"player" must be "hlsjs" or "shaka"');
  const shakaConfig = value.shakaConfig;
  if (shakaConfig !== undefined && !isRecord(shakaConfig)) fail('"shakaConfig" must be an object');
  if (shakaConfig !== undefined && player !== 'shaka')
    fail('"shakaConfig" needs "player": "shaka"');
  // Throws `viewer-config` naming a modelled key of the wrong type.
  if (shakaConfig !== undefined) resolveShakaConfig(shakaConfig);
  return {
    ...(streamUrl === undefined ? {} : { streamUrl }),
    ...(originUrl === undefined ? {} : { originUrl }),
    ...(stream === undefined ? {} : { stream }),
    mode,
    ...(session === undefined ? {} : { session }),
    trackers,
    iceServers: iceServers as unknown as RTCIceServer[],
    seconds: numberIn(value.seconds, 'seconds', 0, 86_400, 0),
    seed: numberIn(value.seed, 'seed', 0, 2 ** 32 - 1, 1),
    viewers: Math.floor(numberIn(value.viewers, 'viewers', 1, 200, 1)),
    ...(id === undefined ? {} : { id }),
    staggerMs: numberIn(value.staggerMs, 'staggerMs', 0, 3_600_000, 0),
    p2p,
    engineConfig,
    hashSegments: booleanOr(value.hashSegments, 'hashSegments', true),
    details: booleanOr(value.details, 'details', true),
    progressIntervalMs: numberIn(value.progressIntervalMs, 'progressIntervalMs', 0, 3_600_000, 0),
    player,
    ...(shakaConfig === undefined ? {} : { shakaConfig }),
  };
}

/**
 * The manifest URL a spec names.
 * @throws VirtualViewerError `viewer-config` when it cannot be made absolute
 */
export function manifestUrlOf(spec: ViewerSpec): string {
  let path = spec.streamUrl;
  if (path === undefined) {
    const stream = spec.stream ?? '';
    const manifest = stream.startsWith('dash-') ? 'manifest.mpd' : 'master.m3u8';
    path =
      spec.mode === 'live'
        ? `/live/${spec.session ?? 'lab'}/${stream}/${manifest}`
        : `/vod/${stream}/${manifest}`;
  }
  try {
    return new URL(path, spec.originUrl).href;
  } catch {
    return fail(`"${path}" is not an absolute URL and no valid "originUrl" was given`);
  }
}

/**
 * The JSON text of the spec from argv: `--spec <json>`, `--spec-file <path>` or `--spec -`
 * (stdin), read through the given readers.
 * @throws VirtualViewerError `viewer-config` for missing or unknown arguments and bad JSON
 */
export async function readSpecArgument(
  argv: readonly string[],
  readers: { readFile(path: string): Promise<string>; readStdin(): Promise<string> },
): Promise<ViewerSpec> {
  const [flag, argument, ...rest] = argv;
  if (argument === undefined || rest.length > 0) {
    fail('usage: viewer-process.ts --spec <json> | --spec-file <path> | --spec -');
  }
  let text: string;
  if (flag === '--spec') text = argument === '-' ? await readers.readStdin() : argument;
  else if (flag === '--spec-file') text = await readers.readFile(argument);
  else return fail(`unknown argument "${flag ?? ''}"`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new VirtualViewerError('viewer-config', 'the spec is not valid JSON', { cause: error });
  }
  return parseViewerSpec(parsed);
}

/** A seeded pseudo-random source in [0, 1) (mulberry32): the same seed, the same choices. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
