/**
 * Validation of the options players pass to the plugin. Unlike the engine (which throws on a bad
 * key), a plugin must never break the player: each invalid key is dropped (its default applies) and
 * reported as one `config-invalid` error. Engine keys are checked by the engine's own validation so
 * the rules and messages stay in one place.
 */
import { DEFAULT_ENGINE_CONFIG, type EngineConfig } from '../../core/engine/config.js';
import {
  describeValue,
  isPlainObject,
  resolveEngineConfig,
} from '../../core/engine/resolve-config.js';
import { P2PMediaLoaderError } from '../../core/errors.js';
import type { P2PPluginOptions, ValidatedPluginOptions } from './contract.js';

/** Checks one plugin key's value; returns what is allowed when the value is wrong. */
type Check = (value: unknown) => string | undefined;

const OVERLAY_POSITIONS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];
const BEACON_INTERVAL_MS = { min: 1000, max: 3_600_000 } as const;

const PLUGIN_CHECKS: Readonly<Record<string, Check>> = {
  enabled: (value) => (typeof value === 'boolean' ? undefined : 'a boolean'),
  overlay: checkOverlay,
  statsBeacon: checkStatsBeacon,
  hlsConfig: (value) => (isPlainObject(value) ? undefined : 'an object (hls.js config)'),
  shakaConfig: (value) => (isPlainObject(value) ? undefined : 'an object (Shaka config)'),
  Hls: (value) => (typeof value === 'function' ? undefined : "hls.js's Hls class"),
  shaka: (value) =>
    isPlainObject(value) || typeof value === 'function' ? undefined : 'the shaka namespace',
  loadShaka: (value) =>
    typeof value === 'function' ? undefined : 'a function returning a promise of shaka',
};

const ENGINE_KEYS = new Set(Object.keys(DEFAULT_ENGINE_CONFIG));

/**
 * Validates `input` key by key. Never throws: `undefined`/`null` mean "no options"; anything that
 * is not an object gives no options and one problem; every invalid key (unknown, wrong type, out
 * of range) is left out of `options` and gives one `config-invalid` error naming it. Valid values
 * are kept as given (engine defaults are applied later by the engine).
 */
export function validatePluginOptions(input: unknown): ValidatedPluginOptions {
  if (input === undefined || input === null) return { options: {}, problems: [] };
  if (!isPlainObject(input)) {
    return {
      options: {},
      problems: [invalid(`Invalid P2P options: expected an object, got ${describeValue(input)}.`)],
    };
  }
  const kept: Record<string, unknown> = {};
  const problems: P2PMediaLoaderError[] = [];
  // `trackers: []` is valid only with P2P off, so engine keys are checked in that context.
  const p2pDisabled = typeof input.p2pDisabled === 'boolean' ? input.p2pDisabled : undefined;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const problem = ENGINE_KEYS.has(key)
      ? engineKeyProblem(key, value, p2pDisabled)
      : pluginKeyProblem(key, value);
    if (problem) problems.push(problem);
    else kept[key] = value;
  }
  return { options: kept, problems };
}

/** The engine keys of validated options (what the engine is constructed with). */
export function engineConfigOf(options: P2PPluginOptions): Partial<EngineConfig> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (ENGINE_KEYS.has(key)) config[key] = value;
  }
  return config;
}

function engineKeyProblem(
  key: string,
  value: unknown,
  p2pDisabled: boolean | undefined,
): P2PMediaLoaderError | undefined {
  const context = key === 'p2pDisabled' || p2pDisabled === undefined ? {} : { p2pDisabled };
  try {
    resolveEngineConfig({ ...context, [key]: value });
    return undefined;
  } catch (error) {
    if (error instanceof P2PMediaLoaderError) return error;
    return invalid(`Invalid P2P option "${key}": ${String(error)}`);
  }
}

function pluginKeyProblem(key: string, value: unknown): P2PMediaLoaderError | undefined {
  const check = Object.hasOwn(PLUGIN_CHECKS, key) ? PLUGIN_CHECKS[key] : undefined;
  if (!check) return unknownKey(key, value);
  const allowed = check(value);
  return allowed === undefined
    ? undefined
    : invalid(`Invalid P2P option "${key}": expected ${allowed}, got ${describeValue(value)}.`);
}

/** An unknown key, with a suggestion when it is near a plugin or engine key. */
function unknownKey(key: string, value: unknown): P2PMediaLoaderError {
  const pluginKey = Object.keys(PLUGIN_CHECKS).find((k) => k.toLowerCase() === key.toLowerCase());
  if (pluginKey !== undefined) {
    return invalid(`Unknown P2P option "${key}". Did you mean "${pluginKey}"?`);
  }
  // The engine's validation knows its keys and suggests the nearest one for a typo.
  const engineProblem = engineKeyProblem(key, value, undefined);
  if (engineProblem?.message.includes('Did you mean')) {
    return invalid(engineProblem.message.replace('engine config key', 'P2P option'));
  }
  return invalid(`Unknown P2P option "${key}".`);
}

function checkOverlay(value: unknown): string | undefined {
  const expected = `a boolean or { visible?: boolean, toggleKey?: string | false, position?: ${OVERLAY_POSITIONS.join(' | ')} }`;
  if (typeof value === 'boolean') return undefined;
  if (!isPlainObject(value)) return expected;
  const { visible, toggleKey, position } = value;
  const ok =
    (visible === undefined || typeof visible === 'boolean') &&
    (toggleKey === undefined ||
      toggleKey === false ||
      (typeof toggleKey === 'string' && toggleKey.length > 0)) &&
    (position === undefined ||
      (typeof position === 'string' && OVERLAY_POSITIONS.includes(position)));
  const unknown = Object.keys(value).filter(
    (k) => !['visible', 'toggleKey', 'position'].includes(k),
  );
  return ok && unknown.length === 0 ? undefined : expected;
}

function checkStatsBeacon(value: unknown): string | undefined {
  const expected = `{ url: an http(s) URL, intervalMs?: ${BEACON_INTERVAL_MS.min} to ${BEACON_INTERVAL_MS.max} }`;
  if (!isPlainObject(value)) return expected;
  const { url, intervalMs } = value;
  const intervalOk =
    intervalMs === undefined ||
    (typeof intervalMs === 'number' &&
      intervalMs >= BEACON_INTERVAL_MS.min &&
      intervalMs <= BEACON_INTERVAL_MS.max);
  return typeof url === 'string' && isHttpUrl(url) && intervalOk ? undefined : expected;
}

/** Absolute http(s) URLs, or relative ones resolved against the page. */
function isHttpUrl(url: string): boolean {
  if (url.length === 0) return false;
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    const { protocol } = new URL(url, base ?? 'http://localhost/');
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function invalid(message: string): P2PMediaLoaderError {
  return new P2PMediaLoaderError('config-invalid', message);
}
