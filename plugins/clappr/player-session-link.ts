/**
 * How the plugins of one Clappr player find that player's P2P session. Clappr gives core plugins
 * the core's options object and gives each playback a shallow copy of it, so the session travels as
 * one symbol-keyed entry of those options: core plugins, in whatever order Clappr builds them, and
 * our DASH playback all reach the same session, and two players on a page never share one.
 */
import { createPlayerSession } from '../shared/player-session.js';
import type { EngineLibraries, P2PPlayerSession } from '../shared/contract.js';
import type { ClapprCoreLike, ClapprOptions } from './clappr-types.js';

/** Options key holding the session (a registry symbol: two bundle copies agree on it). */
const SESSION_KEY = Symbol.for('p2p-media-loader.clappr.session');

/**
 * The session of `core`'s player, created from the player's `p2p` options on first use, with
 * `libraries` (given to `clapprPlugins`) as defaults under them. Bad options never throw: the
 * session reports them as non-fatal `error` events.
 */
export function sessionOfCore(
  core: ClapprCoreLike,
  libraries: EngineLibraries = {},
): P2PPlayerSession {
  const existing = sessionInOptions(core.options);
  if (existing) return existing;
  const { p2p } = core.options;
  // Only a plain object is merged: anything else goes to validation as given (and is reported).
  const isObject = typeof p2p === 'object' && p2p !== null && !Array.isArray(p2p);
  const options = p2p === undefined ? { ...libraries } : isObject ? { ...libraries, ...p2p } : p2p;
  const session = createPlayerSession(options, { player: 'clappr' });
  core.options[SESSION_KEY] = session;
  return session;
}

/** The session a playback's options carry (undefined when our core plugin is not registered). */
export function sessionInOptions(options: ClapprOptions): P2PPlayerSession | undefined {
  return options[SESSION_KEY] as P2PPlayerSession | undefined;
}

/** Forgets the session of `core` (the player is being destroyed). */
export function unlinkSession(core: ClapprCoreLike): void {
  // Clappr's options are a plain object: `delete` is how an entry leaves it.
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
  delete core.options[SESSION_KEY];
}
