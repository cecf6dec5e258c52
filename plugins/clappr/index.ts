/**
 * `p2p-media-loader/clappr` (UMD global `p2pml.clappr`): P2P for Clappr players.
 *
 * Clappr is extended by registering plugin classes, so this module hands out three, built on the
 * page's `Clappr` namespace (no Clappr code is bundled):
 * - `P2PPlugin` (core plugin): runs the player's P2P session from the `p2p` player option, plugs
 *   the engine into `@clappr/hlsjs-playback`, adds `player.p2p()`;
 * - `StatsOverlayPlugin` (UI core plugin): the stats overlay with a "P2P" toggle button and a
 *   keyboard shortcut (Shift+P);
 * - `ShakaPlayback` (playback): plays DASH (and HLS without hls.js) with Shaka Player and P2P.
 *
 * @example
 * ```js
 * const player = new Clappr.Player({
 *   parentId: '#player',
 *   source: 'https://example.com/live/master.m3u8',
 *   plugins: [HlsjsPlayback, ...p2pml.clappr.clapprPlugins().all],
 *   p2p: { trackers: ['wss://tracker.example.com'], overlay: true },
 * });
 * p2pml.clappr.p2pOf(player).on('peer-connected', ({ peerId }) => console.log('peer', peerId));
 * ```
 */
import type { EngineLibraries, P2PPlayerHandle } from '../shared/contract.js';
import type { ClapprNamespace, ClapprPlayerLike } from './clappr-types.js';
import {
  createP2PCorePluginClass,
  P2P_PLUGIN_NAME,
  type P2PCorePlugin,
  type P2PCorePluginClass,
} from './p2p-core-plugin.js';
import { createShakaPlaybackClass, type ShakaPlaybackClass } from './shaka-playback.js';
import {
  createStatsOverlayPluginClass,
  type StatsOverlayPluginClass,
} from './stats-overlay-plugin.js';

/** The plugin classes for one `Clappr` namespace. */
export interface ClapprP2PPlugins {
  /** Core plugin: P2P for the player's sources, `player.p2p()`. */
  readonly P2PPlugin: P2PCorePluginClass;
  /** UI core plugin: the stats overlay and its toggle. */
  readonly StatsOverlayPlugin: StatsOverlayPluginClass;
  /** Playback: DASH (and HLS where hls.js is missing) through Shaka Player with P2P. */
  readonly ShakaPlayback: ShakaPlaybackClass;
  /** The three, for Clappr's `plugins` option (list `HlsjsPlayback` there as well for HLS). */
  readonly all: readonly [P2PCorePluginClass, StatsOverlayPluginClass, ShakaPlaybackClass];
}

/** One set of classes per namespace: Clappr's loader de-duplicates plugins by class and name. */
const pluginsByNamespace = new WeakMap<ClapprNamespace, ClapprP2PPlugins>();

/**
 * The P2P plugin classes built on `clappr` (default: the page's global `Clappr`). Without
 * `libraries`, calling it again with the same namespace returns the same classes.
 *
 * @param clappr - the `Clappr` namespace (`import * as Clappr from '@clappr/core'` with npm)
 * @param libraries - hls.js and Shaka when they are not page globals (npm builds): defaults under
 *   every player's `p2p` options, and what the Shaka playback's `canPlay` decides on. Each call
 *   with libraries builds new classes: call it once per page.
 * @throws Error when no Clappr namespace is given and the page has none
 */
export function clapprPlugins(
  clappr?: ClapprNamespace,
  libraries?: EngineLibraries,
): ClapprP2PPlugins {
  const namespace = clappr ?? (globalThis as { Clappr?: ClapprNamespace }).Clappr;
  if (namespace === undefined) {
    throw new Error('p2p-media-loader: Clappr is not on the page (load clappr-core first)');
  }
  const existing = libraries === undefined ? pluginsByNamespace.get(namespace) : undefined;
  if (existing) return existing;
  const P2PPlugin = createP2PCorePluginClass(namespace, libraries);
  const StatsOverlayPlugin = createStatsOverlayPluginClass(namespace, libraries);
  const ShakaPlayback = createShakaPlaybackClass(namespace, libraries);
  const plugins: ClapprP2PPlugins = {
    P2PPlugin,
    StatsOverlayPlugin,
    ShakaPlayback,
    all: [P2PPlugin, StatsOverlayPlugin, ShakaPlayback],
  };
  if (libraries === undefined) pluginsByNamespace.set(namespace, plugins);
  return plugins;
}

/**
 * The P2P handle of `player` (`getStats()`, typed events, `overlay`), or undefined when the player
 * was built without our core plugin or is not attached to the page yet (no `parentId`). The same
 * object as `player.p2p()` and `player.getPlugin('p2p').handle`, for the player's whole life
 * (every source it plays); `player.destroy()` destroys it.
 */
export function p2pOf(player: ClapprPlayerLike): P2PPlayerHandle | undefined {
  let plugin: Partial<P2PCorePlugin> | undefined;
  try {
    plugin = player.getPlugin(P2P_PLUGIN_NAME) as Partial<P2PCorePlugin> | undefined;
  } catch {
    // Clappr's getPlugin throws before the player is attached (no core yet): no handle then.
    return undefined;
  }
  return plugin?.handle;
}

export { P2P_PLUGIN_NAME, type P2PCorePlugin, type P2PCorePluginClass } from './p2p-core-plugin.js';
export {
  OVERLAY_PLUGIN_NAME,
  type StatsOverlayPlugin,
  type StatsOverlayPluginClass,
} from './stats-overlay-plugin.js';
export {
  SHAKA_PLAYBACK_NAME,
  type ShakaPlayback,
  type ShakaPlaybackClass,
} from './shaka-playback.js';
export type { ClapprNamespace, ClapprPlayerLike } from './clappr-types.js';
export type * from '../shared/contract.js';
export { P2PMediaLoaderError, type ErrorCode } from '../shared/index.js';
