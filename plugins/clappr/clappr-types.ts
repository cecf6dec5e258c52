/**
 * The parts of Clappr (`@clappr/core` 0.4+, tested with 0.17) and of its hls.js playback
 * (`@clappr/hlsjs-playback` 1.x) the plugin touches, declared structurally. The plugin never
 * imports Clappr at runtime: it builds its classes on the `Clappr` namespace the page already has,
 * so one bundle works with whichever Clappr copy the page loads. (Clappr's own declarations are
 * generated from JavaScript and type almost everything `any`.)
 */

/** A callback registered through Clappr's event system (payloads differ per event). */
export type ClapprCallback = (...args: never[]) => void;

/** Clappr's `Events` mixin, as every Clappr object has it. */
export interface ClapprEventSource {
  trigger(event: string, ...args: unknown[]): unknown;
  listenTo(target: ClapprEventSource, event: string, callback: ClapprCallback): unknown;
  listenToOnce(target: ClapprEventSource, event: string, callback: ClapprCallback): unknown;
  stopListening(target?: ClapprEventSource, event?: string, callback?: ClapprCallback): unknown;
}

/** `hlsPlayback.customListeners` entry of the hls.js playback: bound to every Hls it creates. */
export interface HlsCustomListener {
  readonly eventName: string;
  readonly once?: boolean;
  /** hls.js calls it with the Hls instance as `this` (hls.js's default listener context). */
  readonly callback: (this: unknown, event: string, data: unknown) => void;
}

/** Options as Clappr hands them to the core, its plugins and (shallow-copied) each playback. */
export interface ClapprOptions {
  [key: string | symbol]: unknown;
  /** The `p2p` key of `new Clappr.Player({ ... })`: our {@link P2PPluginOptions}. */
  p2p?: unknown;
  /** Playback options; `hlsjsConfig` is the hls.js playback's hls.js configuration. */
  playback?: { hlsjsConfig?: Record<string, unknown>; [key: string]: unknown };
  /** Options of the hls.js playback (`preload`, `customListeners`, ...). */
  hlsPlayback?: { customListeners?: readonly HlsCustomListener[]; [key: string]: unknown };
  /** A playback's source (set per playback by Clappr's container factory). */
  src?: string;
  mimeType?: string;
}

/** A playback instance (`Playback`). */
export interface ClapprPlaybackLike extends ClapprEventSource {
  readonly name: string;
  readonly options: ClapprOptions;
  readonly el: HTMLElement;
}

/** A container: one source and its playback. */
export interface ClapprContainerLike extends ClapprEventSource {
  readonly playback: ClapprPlaybackLike;
}

/** The player's core: the containers and the plugins. */
export interface ClapprCoreLike extends ClapprEventSource {
  readonly options: ClapprOptions;
  readonly el: HTMLElement;
  readonly containers: readonly ClapprContainerLike[];
  readonly activePlayback: ClapprPlaybackLike | undefined;
  /** A core plugin by name. */
  getPlugin(name: string): unknown;
}

/** What a core plugin instance inherits from `CorePlugin` / `UICorePlugin`. */
export interface CorePluginBase extends ClapprEventSource {
  readonly core: ClapprCoreLike;
  readonly options: ClapprOptions;
  /**
   * Clappr's `ErrorMixin`: completes `error` (origin, scope, prefixed code) and hands it to the
   * player's `PlayerError`, which triggers `Clappr.Events.ERROR` on the core.
   */
  createError(error: ClapprErrorInput): unknown;
  destroy(): void;
}

/** What a UI core plugin additionally inherits from `UIObject`. */
export interface UICorePluginBase extends CorePluginBase {
  readonly el: HTMLElement;
  render(): unknown;
  /** Removes `el` and stops listening. */
  remove(): unknown;
}

/** A Clappr error as `createError` takes it (and, completed, as error events carry it). */
export interface ClapprErrorInput {
  readonly code: string;
  readonly description: string;
  readonly level: string;
  readonly raw?: unknown;
}

/** What our playback inherits from `HTML5Video` (members it calls or overrides). */
export interface HTML5VideoBase extends ClapprEventSource {
  readonly options: ClapprOptions;
  readonly el: HTMLVideoElement;
  play(): unknown;
  pause(): unknown;
  stop(): void;
  destroy(): unknown;
  getPlaybackType(): string;
  createError(error: ClapprErrorInput): unknown;
  /** Sets `el.src`: our playback lets Shaka own the element's source instead. */
  _setupSrc(src: string | undefined): void;
  /** Marks the playback ready (first render). */
  _ready(): void;
}

/** The `Clappr` namespace members the plugin uses. */
export interface ClapprNamespace {
  readonly version: string;
  readonly Events: Readonly<Record<string, string>> & {
    readonly CORE_CONTAINERS_CREATED: string;
    readonly CONTAINER_DESTROYED: string;
    readonly CONTAINER_ERROR: string;
    readonly PLAYBACK_ERROR: string;
  };
  readonly CorePlugin: new (core: ClapprCoreLike) => CorePluginBase;
  readonly UICorePlugin: new (core: ClapprCoreLike) => UICorePluginBase;
  readonly HTML5Video: new (options: ClapprOptions, ...rest: unknown[]) => HTML5VideoBase;
  readonly Playback: { readonly VOD: string; readonly LIVE: string };
  readonly PlayerError: { readonly Levels: { readonly FATAL: string; readonly WARN: string } };
}

/** The parts of a `Clappr.Player` that `p2pOf` reads. */
export interface ClapprPlayerLike {
  /** A core or container plugin by name. */
  getPlugin(name: string): unknown;
}
