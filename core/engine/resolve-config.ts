/**
 * Turns the user's partial configuration into a complete, validated {@link EngineConfig}: defaults
 * are merged once, every key is checked, and a mistake fails loudly at construction time with a
 * message naming the key, what is allowed and what was received, instead of misbehaving later.
 */
import { P2PMediaLoaderError } from '../errors.js';
import { publicKeyProblem } from '../p2p/integrity/hash-manifest-loader.js';
import {
  isTrackerFleet,
  normalizeTrackerUrl,
  type TrackerList,
} from '../p2p/signalling/tracker-fleet.js';
import { MIN_SWARM_PEER_CAP } from '../p2p/swarm/sub-swarms.js';
import { DEFAULT_ENGINE_CONFIG, type EngineConfig, type IntegrityConfig } from './config.js';

/** Checks one value; returns a description of what is allowed when the value is wrong. */
type Check = (value: unknown, config: EngineConfig) => string | undefined;

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/**
 * One check per key. Typed as a complete record so that a key added to {@link EngineConfig} does not
 * type-check here until it is validated too.
 */
const CHECKS: { readonly [K in keyof EngineConfig]-?: Check } = {
  httpRetries: integerIn(0, 10),
  httpRetryDelayMs: numberIn(0, 60_000),
  httpIdleTimeoutMs: numberIn(500, 120_000),
  httpRequestHook: optional(isFunction, 'a function or undefined'),
  storeBudgetBytes: integerIn(MIB, 4 * GIB, '1 MiB (1048576) to 4 GiB (4294967296)'),
  liveEvictionMarginSeconds: numberIn(0, 3600),
  p2pDisabled: (value) => (typeof value === 'boolean' ? undefined : 'a boolean'),
  uploadDisabled: optional((value) => typeof value === 'boolean', 'a boolean or undefined'),
  trackers: checkTrackers,
  rtcConfig: (value) => (isPlainObject(value) ? undefined : 'an RTCConfiguration object'),
  swarmId: optional(
    (value) => typeof value === 'string' && value.length > 0,
    'a non-empty string or undefined',
  ),
  maxPeers: integerIn(1, 50),
  swarmPeerCap: optional(
    (value) => Number.isInteger(value) && (value as number) >= MIN_SWARM_PEER_CAP,
    `an integer >= ${MIN_SWARM_PEER_CAP}, or undefined (one swarm per stream)`,
  ),
  p2pPrefetchSeconds: numberIn(0, 600),
  httpSafetyMarginSeconds: numberIn(0.5, 60),
  peerIdleTimeoutMs: numberIn(200, 60_000),
  maxConcurrentUploads: integerIn(0, 50),
  uploadRateLimitBytesPerSecond: (value) =>
    isFiniteNumber(value) && value >= 0 ? undefined : 'a number >= 0 (0 = unlimited)',
  mainThreadBackoff: (value) => (typeof value === 'boolean' ? undefined : 'a boolean'),
  integrity: checkIntegrity,
};

const INTEGRITY_KEYS: readonly (keyof IntegrityConfig)[] = [
  'hashManifestUrl',
  'publicKey',
  'policy',
];

const KNOWN_KEYS = Object.keys(CHECKS) as (keyof EngineConfig)[];

/**
 * Merges `user` over {@link DEFAULT_ENGINE_CONFIG} and validates every key.
 *
 * A key set to `undefined` takes its default. `uploadDisabled` left undefined is decided here, once,
 * by {@link defaultUploadDisabled} from the browser's connection hint, so the result always holds a
 * boolean. `trackers` is copied (groups too), so later changes to the user's arrays have no effect.
 *
 * @throws P2PMediaLoaderError `config-invalid` naming the key, the allowed type or range and the
 *   value received; also for unknown keys (with a "did you mean" suggestion for near misses).
 */
export function resolveEngineConfig(user: Partial<EngineConfig> = {}): EngineConfig {
  if (!isPlainObject(user)) {
    throw invalid(`Invalid engine config: expected an object, got ${describeValue(user)}.`);
  }
  for (const key of Object.keys(user)) {
    if (!(KNOWN_KEYS as string[]).includes(key)) throw unknownKey(key);
  }
  const merged: Record<string, unknown> = { ...DEFAULT_ENGINE_CONFIG };
  for (const [key, value] of Object.entries(user as Record<string, unknown>)) {
    if (value !== undefined) merged[key] = value;
  }
  const config = merged as unknown as EngineConfig;
  for (const key of KNOWN_KEYS) {
    const allowed = CHECKS[key](merged[key], config);
    if (allowed !== undefined) {
      throw invalid(
        `Invalid engine config "${key}": expected ${allowed}, got ${describeValue(merged[key])}.`,
      );
    }
  }
  return {
    ...config,
    trackers: copyTrackers(config.trackers),
    uploadDisabled: config.uploadDisabled ?? defaultUploadDisabled(),
    integrity: config.integrity && resolveIntegrity(config.integrity),
  };
}

/** A frozen copy of a validated `integrity` object with its policy default filled in. */
function resolveIntegrity(integrity: IntegrityConfig): IntegrityConfig {
  return Object.freeze({
    hashManifestUrl: integrity.hashManifestUrl,
    ...(integrity.publicKey === undefined ? {} : { publicKey: integrity.publicKey }),
    policy: integrity.policy ?? 'strict',
  });
}

/**
 * Checks `integrity`. Its sub-keys get their own messages (thrown here, naming `integrity.<key>`),
 * since the generic message would show the whole object.
 */
function checkIntegrity(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value))
    return 'an object { hashManifestUrl, publicKey?, policy? } or undefined';
  for (const key of Object.keys(value)) {
    if (!(INTEGRITY_KEYS as string[]).includes(key)) {
      throw invalid(
        `Unknown engine config key "integrity.${key}". Known keys: ${INTEGRITY_KEYS.join(', ')}.`,
      );
    }
  }
  const subKey = (key: keyof IntegrityConfig, expected: string): P2PMediaLoaderError =>
    invalid(
      `Invalid engine config "integrity.${key}": expected ${expected}, got ${describeValue(value[key])}.`,
    );
  const { hashManifestUrl, publicKey, policy } = value;
  if (typeof hashManifestUrl === 'string') {
    if (!isUrlReference(hashManifestUrl)) {
      throw subKey('hashManifestUrl', 'a URL (absolute, or relative to the stream manifest)');
    }
  } else if (typeof hashManifestUrl !== 'function') {
    throw subKey('hashManifestUrl', 'a non-empty URL string or a function (manifestUrl) => string');
  }
  if (publicKey !== undefined) {
    const problem = typeof publicKey === 'string' ? publicKeyProblem(publicKey) : 'not a string';
    if (problem !== undefined) {
      throw subKey('publicKey', `a raw Ed25519 public key in base64 or hex (${problem})`);
    }
  }
  if (policy !== undefined && policy !== 'strict' && policy !== 'fallback') {
    throw subKey('policy', '"strict" or "fallback"');
  }
  return undefined;
}

/** True for a non-empty string that parses as a URL relative to any http(s) base. */
function isUrlReference(value: string): boolean {
  if (value.trim().length === 0) return false;
  try {
    const { protocol } = new URL(value, 'https://manifest.invalid/stream/master.m3u8');
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** The parts of the Network Information API we read (not in TypeScript's DOM types). */
interface NetworkInformationHint {
  readonly saveData?: boolean;
  readonly type?: string;
}

/**
 * Whether to stay download-only when the user did not say: true when the browser reports a metered
 * situation (Network Information API `saveData`, or connection `type` `'cellular'`), false when it
 * reports otherwise or reports nothing (most browsers besides Chromium). Uploading over a mobile
 * plan costs the viewer money, which a site must not impose silently.
 *
 * @param nav - the navigator to read; defaults to `globalThis.navigator` (absent in Node)
 */
export function defaultUploadDisabled(nav?: Navigator): boolean {
  const source = nav ?? (globalThis as { navigator?: Navigator }).navigator;
  const connection = (source as { connection?: NetworkInformationHint } | undefined)?.connection;
  if (!connection) return false;
  return connection.saveData === true || connection.type === 'cellular';
}

/** A copy of a validated `trackers` setting: a URL list, or a fleet with each group copied. */
function copyTrackers(trackers: TrackerList): TrackerList {
  return isTrackerFleet(trackers) ? trackers.map((group) => [...group]) : [...trackers];
}

/**
 * Checks `trackers`: a list of URLs, or a fleet (an array of groups, each a non-empty array of
 * URLs; see {@link EngineConfig.trackers}). Mistakes inside a fleet are thrown here naming the
 * element (`trackers[1]`, `trackers[1][0]`), since the generic message would only show the outer
 * array's length.
 */
function checkTrackers(value: unknown, config: EngineConfig): string | undefined {
  const expected = config.p2pDisabled
    ? 'an array of ws:// or wss:// URLs, or of tracker groups (non-empty arrays of such URLs)'
    : 'a non-empty array of ws:// or wss:// URLs, or of tracker groups (non-empty arrays of such URLs) (or p2pDisabled: true)';
  if (!Array.isArray(value)) return expected;
  if (value.length === 0 && !config.p2pDisabled) return expected;
  const elements = value as unknown[];
  if (!elements.some((element) => Array.isArray(element))) {
    const badIndex = elements.findIndex((url) => !isWebSocketUrl(url));
    return badIndex === -1
      ? undefined
      : `${expected}; ${describeValue(elements[badIndex])} is not one`;
  }
  const mixedIndex = elements.findIndex((element) => !Array.isArray(element));
  if (mixedIndex !== -1) {
    throw invalid(
      `Invalid engine config "trackers[${mixedIndex}]": expected a tracker group (a non-empty array of ws:// or wss:// URLs), since "trackers" holds groups; got ${describeValue(elements[mixedIndex])}. Use either URLs or groups, not both.`,
    );
  }
  const groupOf = new Map<string, number>();
  (elements as unknown[][]).forEach((group, groupIndex) => {
    if (group.length === 0) {
      throw invalid(
        `Invalid engine config "trackers[${groupIndex}]": expected a non-empty array of ws:// or wss:// URLs (a tracker group), got an array of 0.`,
      );
    }
    group.forEach((url, urlIndex) => {
      if (!isWebSocketUrl(url)) {
        throw invalid(
          `Invalid engine config "trackers[${groupIndex}][${urlIndex}]": expected a ws:// or wss:// URL, got ${describeValue(url)}.`,
        );
      }
      const normalized = normalizeTrackerUrl(url as string);
      const other = groupOf.get(normalized);
      if (other !== undefined && other !== groupIndex) {
        throw invalid(
          `Invalid engine config "trackers[${groupIndex}][${urlIndex}]": expected a URL in one tracker group only, got ${describeValue(url)}, also in trackers[${other}].`,
        );
      }
      groupOf.set(normalized, groupIndex);
    });
  });
  return undefined;
}

function isWebSocketUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'ws:' || protocol === 'wss:';
  } catch {
    return false;
  }
}

function integerIn(min: number, max: number, range = `${min} to ${max}`): Check {
  return (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `an integer from ${range}`;
}

function numberIn(min: number, max: number): Check {
  return (value) =>
    isFiniteNumber(value) && value >= min && value <= max
      ? undefined
      : `a number from ${min} to ${max}`;
}

function optional(test: (value: unknown) => boolean, expected: string): Check {
  return (value) => (value === undefined || test(value) ? undefined : expected);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isFunction(value: unknown): boolean {
  return typeof value === 'function';
}

/** True for objects that are not arrays (or null): what a configuration object may be. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, unambiguous rendering of a received value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value.toString()}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? 'an object' : json;
  } catch {
    return 'an object';
  }
}

function invalid(message: string): P2PMediaLoaderError {
  return new P2PMediaLoaderError('config-invalid', message);
}

function unknownKey(key: string): P2PMediaLoaderError {
  const suggestion = closestKey(key);
  const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
  return invalid(`Unknown engine config key "${key}".${hint}`);
}

/** The known key nearest to `key` in edit distance, when near enough to be a likely typo. */
function closestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const known of KNOWN_KEYS) {
    const distance = editDistance(key.toLowerCase(), known.toLowerCase());
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  // A third of the length tolerates a typo or two in long keys without suggesting unrelated ones.
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
