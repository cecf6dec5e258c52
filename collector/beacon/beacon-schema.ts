/**
 * The stats-beacon schema as the collector accepts it (docs/STATS-BEACON.md): versions 1 and 2,
 * strictly (every field present but v2's optional `player`, no other field, each value in range).
 * Pure and total: any input gives either an accepted beacon or a refusal naming the field, never an
 * exception, so a viewer's page can never crash the collector and the validator can be fuzzed.
 *
 * Every number has a ceiling far above what a real player reaches, chosen so that sums of many
 * beacons stay exact: a delta of one beacon is at most {@link BEACON_LIMITS}`.bytes` (2^40), and
 * stores add with saturation at `Number.MAX_SAFE_INTEGER` (see collector/ingest/safe-sum.ts).
 */

/** Playback engines a beacon may name. */
export const BEACON_ENGINES = ['hlsjs', 'shaka', 'native'] as const;
/** How a source plays: `native` is without P2P. */
export type BeaconEngine = (typeof BEACON_ENGINES)[number];

/**
 * Players a beacon may name in its optional `player` (schema 2). Strict like `engine`: any other
 * value is refused; integrations outside this package send `other`.
 */
export const BEACON_PLAYERS = [
  'videojs',
  'clappr',
  'mediaelement',
  'flowplayer',
  'jwplayer',
  'embed',
  'other',
] as const;
/** A player named by a beacon, or `unknown` for a beacon without `player` (v1, or unnamed). */
export type BeaconPlayer = (typeof BEACON_PLAYERS)[number] | 'unknown';
/** Every value {@link BeaconPlayer} takes, the keys of stored buckets (`unknown` last). */
export const BUCKET_PLAYERS: readonly BeaconPlayer[] = [...BEACON_PLAYERS, 'unknown'];

/** Upper bounds of beacon fields; a value above one is refused, never clipped. */
export const BEACON_LIMITS = {
  /** Characters of the player id, `[A-Za-z0-9_-]`. */
  idLength: 128,
  /** Characters of the swarm id (a manifest URL at most). */
  swarmLength: 2048,
  /** Byte counters (1 TiB: a week of 4K video is well under it). */
  bytes: 2 ** 40,
  /** Segment counters. */
  segments: 2 ** 30,
  /** Peers connected at once. */
  peers: 10_000,
  /** Stalls since the plugin started. */
  stalls: 1_000_000,
  /** Milliseconds fields `t` and `stallMs` (about 34 years). */
  durationMs: 2 ** 40,
  /** Startup time of a source, ms (one hour: longer is a page left paused, not a startup). */
  startupMs: 3_600_000,
} as const;

/** Largest body the collector reads, bytes (a beacon is ~300 bytes; the swarm id dominates). */
export const BEACON_MAX_BYTES = 4096;

/** A beacon that passed validation, normalised to one shape for both schema versions. */
export interface CollectorBeacon {
  /** Schema version the player sent. */
  readonly v: 1 | 2;
  /** Random id of the player instance. */
  readonly id: string;
  /** Swarm id of the current source; `''` before any source. */
  readonly swarm: string;
  /** Engine of the current source. */
  readonly engine: BeaconEngine;
  /** Player the beacon comes from; `unknown` when it did not say (v1, or no `player` field). */
  readonly player: BeaconPlayer;
  /** Milliseconds since the plugin started on the player (integer). */
  readonly tMs: number;
  /** Bytes downloaded over HTTP since the plugin started. */
  readonly httpBytes: number;
  /** Bytes downloaded from peers. */
  readonly p2pBytes: number;
  /** Bytes uploaded to peers. */
  readonly uploadBytes: number;
  /** Peers connected now. */
  readonly peers: number;
  /** Segments handed to the player by source. */
  readonly segments: { readonly http: number; readonly p2p: number; readonly cache: number };
  /** Stalls since the plugin started. */
  readonly stalls: number;
  /** Time spent stalled since the plugin started, ms; `undefined` in v1 beacons. */
  readonly stallMs: number | undefined;
  /** Startup time of the current source, ms; `undefined` before its first frame and in v1. */
  readonly startupMs: number | undefined;
}

/** Why a body was refused: the HTTP status to answer and a message naming the field. */
export interface BeaconRefusal {
  readonly ok: false;
  /** 400 (invalid), 413 (too large) or 415 (content type). */
  readonly status: 400 | 413 | 415;
  /** What is wrong, e.g. `http: an integer 0..1099511627776`. */
  readonly message: string;
}

/** Result of {@link parseBeacon}. */
export type BeaconParseResult =
  { readonly ok: true; readonly beacon: CollectorBeacon } | BeaconRefusal;

const V1_KEYS = ['v', 'id', 'swarm', 'engine', 't', 'http', 'p2p', 'up', 'peers', 'seg', 'stalls'];
const V2_KEYS = [...V1_KEYS, 'stallMs', 'startMs'];
const V2_NAMED_KEYS = [...V2_KEYS, 'player'];
const SEGMENT_KEYS = ['http', 'p2p', 'cache'] as const;
const ID_PATTERN = /^[\w-]+$/;

/** Thrown inside the validator only; {@link parseBeacon} turns it into a refusal. */
class Refused extends Error {}

const refuse = (message: string): never => {
  throw new Refused(message);
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
): void {
  const keys = Object.keys(value);
  const unknown = keys.filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    refuse(`${where}: unknown field(s) ${unknown.slice(0, 5).map(printable).join(', ')}`);
  }
  const missing = allowed.filter((key) => !Object.prototype.hasOwnProperty.call(value, key));
  if (missing.length > 0) refuse(`${where}: missing field(s) ${missing.join(', ')}`);
}

/** A field name from the body, shortened and reduced to printable ASCII for the message. */
function printable(key: string): string {
  const safe = key.slice(0, 32).replace(/[^\x20-\x7e]/g, '?');
  return key.length > 32 ? `${safe}…` : safe;
}

function integer(value: unknown, max: number, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    refuse(`${field}: an integer 0..${max}`);
  }
  return value as number;
}

/** `t` may carry fractions (performance clocks); stored rounded. */
function duration(value: unknown, max: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    refuse(`${field}: milliseconds 0..${max}`);
  }
  return Math.round(value as number);
}

function validate(value: unknown): CollectorBeacon {
  if (!isRecord(value)) refuse('payload must be a JSON object');
  const record = value as Record<string, unknown>;
  const version = record['v'];
  if (version !== 1 && version !== 2) refuse('v: unsupported schema version (expected 1 or 2)');
  // `player` is schema 2's one optional field: when present it is checked, when absent `unknown`.
  const named = version === 2 && Object.prototype.hasOwnProperty.call(record, 'player');
  checkKeys(record, version === 1 ? V1_KEYS : named ? V2_NAMED_KEYS : V2_KEYS, 'payload');
  const player = named ? record['player'] : 'unknown';
  if (named && !BEACON_PLAYERS.includes(player as (typeof BEACON_PLAYERS)[number])) {
    refuse(`player: one of ${BEACON_PLAYERS.join(', ')}`);
  }
  const { id, swarm, engine, seg } = record;
  if (typeof id !== 'string' || id.length > BEACON_LIMITS.idLength || !ID_PATTERN.test(id)) {
    refuse(`id: 1..${BEACON_LIMITS.idLength} characters of [A-Za-z0-9_-]`);
  }
  if (typeof swarm !== 'string' || swarm.length > BEACON_LIMITS.swarmLength) {
    refuse(`swarm: a string of at most ${BEACON_LIMITS.swarmLength} characters`);
  }
  if (!BEACON_ENGINES.includes(engine as BeaconEngine)) {
    refuse(`engine: one of ${BEACON_ENGINES.join(', ')}`);
  }
  const tMs = duration(record['t'], BEACON_LIMITS.durationMs, 't');
  const httpBytes = integer(record['http'], BEACON_LIMITS.bytes, 'http');
  const p2pBytes = integer(record['p2p'], BEACON_LIMITS.bytes, 'p2p');
  const uploadBytes = integer(record['up'], BEACON_LIMITS.bytes, 'up');
  const peers = integer(record['peers'], BEACON_LIMITS.peers, 'peers');
  const stalls = integer(record['stalls'], BEACON_LIMITS.stalls, 'stalls');
  if (!isRecord(seg)) refuse('seg: an object { http, p2p, cache }');
  const segRecord = seg as Record<string, unknown>;
  checkKeys(segRecord, SEGMENT_KEYS, 'seg');
  const segments = {
    http: integer(segRecord['http'], BEACON_LIMITS.segments, 'seg.http'),
    p2p: integer(segRecord['p2p'], BEACON_LIMITS.segments, 'seg.p2p'),
    cache: integer(segRecord['cache'], BEACON_LIMITS.segments, 'seg.cache'),
  };
  let stallMs: number | undefined;
  let startupMs: number | undefined;
  if (version === 2) {
    stallMs = integer(record['stallMs'], BEACON_LIMITS.durationMs, 'stallMs');
    const start = record['startMs'];
    startupMs = start === null ? undefined : integer(start, BEACON_LIMITS.startupMs, 'startMs');
  }
  return {
    v: version as 1 | 2,
    id: id as string,
    swarm: swarm as string,
    engine: engine as BeaconEngine,
    player: player as BeaconPlayer,
    tMs,
    httpBytes,
    p2pBytes,
    uploadBytes,
    peers,
    segments,
    stalls,
    stallMs,
    startupMs,
  };
}

/**
 * Parses and checks one beacon body (already read, at most {@link BEACON_MAX_BYTES}). Never throws.
 * @returns the normalised beacon, or a 400 refusal whose message names the first bad field
 */
export function parseBeacon(text: string): BeaconParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, message: 'body is not JSON' };
  }
  try {
    return { ok: true, beacon: validate(value) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, status: 400, message: error.message };
    // validate() only throws Refused; anything else is a bug worth a clear refusal, not a crash.
    return { ok: false, status: 400, message: 'payload could not be validated' };
  }
}

/**
 * Whether a `Content-Type` header is one a beacon may carry: `text/plain` (what `sendBeacon` sends
 * for a string), `application/json` (fetch-based senders) or none.
 */
export function isBeaconContentType(header: string | undefined): boolean {
  if (header === undefined) return true;
  const type = header.split(';')[0]?.trim().toLowerCase();
  return type === 'text/plain' || type === 'application/json' || type === '';
}
