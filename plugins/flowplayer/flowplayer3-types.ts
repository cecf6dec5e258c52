/**
 * The parts of the current Flowplayer (`@flowplayer/player` 3.x, commercial line) the plugin
 * touches, declared structurally. The package has its own declarations, but they describe a
 * player with every plugin's overloads merged in and pull the hls.js 1.6 types it bundles; the
 * plugin needs a handful of members that have been stable across 3.x, so it declares just those
 * (from index.d.ts and plugins/hls.d.ts of 3.37) and works with any copy a page loads.
 */
import type { HlsInstanceLike } from '../shared/library-types.js';

/** The player configuration a plugin's `init` receives (`flowplayer(root, config)`). */
export interface FlowplayerConfigLike {
  /** This plugin's options. */
  readonly p2p?: unknown;
  /** Flowplayer's own hls.js configuration (`hls` key of the HLS plugin). */
  readonly hls?: Record<string, unknown>;
}

/**
 * The player: Flowplayer 3 extends the `<video>` element itself, and its events are DOM
 * `CustomEvent`s dispatched on it (`detail` carries the payload).
 */
export interface FlowplayerPlayerLike extends HTMLVideoElement {
  /** Set by this plugin: the P2P handle of this player. */
  p2p?: unknown;
}

/** A source as Flowplayer 3 normalises it (`src` event detail). */
export interface FlowplayerSourceLike {
  readonly src?: unknown;
  readonly type?: unknown;
}

/** `hls:attached` (the HLS plugin's `ATTACHED`) detail: the hls.js instance it created. */
export interface FlowplayerHlsAttachedDetail {
  readonly hls: FlowplayerHlsLike;
}

/** The hls.js instance of the HLS plugin, with the loader slots of its (live) config. */
export interface FlowplayerHlsLike extends HlsInstanceLike {
  readonly config: { fLoader?: unknown; pLoader?: unknown };
}

/** A Flowplayer 3 plugin class, as `flowplayer(Plugin)` registers it. */
export interface FlowplayerPluginClass {
  new (
    umd: unknown,
    player: unknown,
  ): {
    init(config: FlowplayerConfigLike, root: HTMLElement, player: FlowplayerPlayerLike): void;
  };
  readonly pluginName: string;
}

/** The `flowplayer` global of Flowplayer 3 (`flowplayer(...plugins)` registers plugins). */
export interface FlowplayerStatic {
  (...plugins: FlowplayerPluginClass[]): unknown;
  /** `'3.37.0'`. */
  readonly version?: string;
  /** Registered plugin classes. */
  readonly extensions?: readonly unknown[];
}

/** Names of the player events the plugin listens to. */
export const FlowplayerEvent = {
  /** A new source is being set (detail: the source; an empty source list on destroy). */
  SRC: 'src',
  /** The HLS plugin created its hls.js instance (emitted on the next task). */
  HLS_ATTACHED: 'hls:attached',
  /** The player is being destroyed. */
  REAP: 'reap',
} as const;
