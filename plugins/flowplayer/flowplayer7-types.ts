/**
 * The parts of Flowplayer 7 (the `flowplayer` npm package, 7.x) the plugin touches. Flowplayer 7
 * ships no type declarations, so these are declared here, structurally, from its source
 * (dist/flowplayer.js 7.2.7): only members that the plugin reads or calls.
 */
import type { HlsInstanceLike } from '../shared/library-types.js';

/** A clip as Flowplayer 7 hands it to its engine (`api.load(video)` resolves it to one source). */
export interface Flowplayer7Video {
  /** URL of the source the engine picked. */
  src?: string;
  /** Its MIME type (`application/x-mpegurl` for HLS). */
  type?: string;
  /**
   * Per-clip hls.js configuration: the hlsjs-lite engine merges it last, over `conf.hlsjs`, into the
   * config of the `Hls` it creates for this clip.
   */
  hlsjs?: Record<string, unknown>;
}

/** A Flowplayer 7 engine instance (`api.engine`). */
export interface Flowplayer7Engine {
  /** `'hlsjs-lite'`, `'html5'`, `'flash'`, ... */
  readonly engineName: string;
  /** The hls.js instance of the hlsjs-lite engine (set while a clip is loaded). */
  readonly hls?: HlsInstanceLike;
}

/**
 * A Flowplayer 7 event listener: `(event, api, ...args)` (`load`: `(event, api, video, engine)`).
 * Parameters are `never` so that listeners with any argument types can be registered.
 */
export type Flowplayer7Listener = (event: never, ...args: never[]) => void;

/** The player API (`flowplayer(root)`, and the first argument of extensions). */
export interface Flowplayer7Api {
  /** The player configuration (global defaults, element attributes and the constructor's config). */
  readonly conf: Record<string, unknown> & { p2p?: unknown };
  /** The engine of the current clip (replaced when a clip needs another engine). */
  readonly engine?: Flowplayer7Engine | 0;
  /** Subscribes; `name` may carry a namespace (`'load.p2p'`), several names space-separated. */
  on(name: string, listener: Flowplayer7Listener): Flowplayer7Api;
  /** Unsubscribes; `'.p2p'` removes every listener of that namespace. */
  off(name: string): Flowplayer7Api;
  /** Fires an event (`'error'` with `[api, { code, message }]` shows Flowplayer's error screen). */
  trigger(name: string, args: unknown[]): unknown;
  /** Set by this plugin: the P2P handle of this player (see the plugin's documentation). */
  p2p?: unknown;
}

/** What the hlsjs-lite engine passes to its engine extensions, right after `new Hls(config)`. */
export interface Flowplayer7HlsEngineParams {
  readonly hls: HlsInstanceLike;
  readonly player: Flowplayer7Api;
  readonly root: HTMLElement;
  /** The `<video>` element hls.js attaches to. */
  readonly videoTag: HTMLVideoElement;
}

/** An engine factory (`flowplayer.engine(name)`). */
export interface Flowplayer7EngineFactory {
  readonly engineName: string;
  /**
   * Registers an engine extension (hlsjs-lite only): called for every hls.js instance the engine
   * creates, before `hls.loadSource()`.
   */
  plugin?: (extension: (params: Flowplayer7HlsEngineParams) => void) => void;
}

/** The `flowplayer` global of Flowplayer 7. */
export interface Flowplayer7Static {
  /** Registers an extension run for every player created afterwards: `flowplayer(fn)`. */
  (extension: (api: Flowplayer7Api, root: HTMLElement) => void): unknown;
  /** `'7.2.7'`. */
  readonly version: string;
  /** Engine factory by name. */
  engine?: (name: string) => Flowplayer7EngineFactory | undefined;
}
