/**
 * The JW Player 8 API this plugin uses, declared here rather than imported from `@types/jwplayer`:
 *
 * - The player API (`jwplayer(id)`: `getContainer`, `on`/`off`, `addButton`, `remove`...) is a
 *   structural subset of `jwplayer.JWPlayer` from `@types/jwplayer`. It is declared as a subset so the
 *   published `.d.ts` files do not require users to install `@types/jwplayer` (a global-script
 *   declaration package); test/support/jwplayer-standin/types-conformance.ts checks at compile time
 *   that `@types/jwplayer`'s `JWPlayer` and `JWPlayerStatic` still satisfy these declarations.
 * - The media-provider API (`jwplayer.api.registerProvider`, the provider's static
 *   `getName()`/`supports()` and its instance methods and events) is absent from `@types/jwplayer`.
 *   It is declared here from JW Player's own public sources: the provider-writing guide of
 *   jwplayer/jwplayer-sdks (`providers/javascript-providers.md`) and the default provider, media
 *   controller and event names of the open-source JW Player 8 repository (jwplayer/jwplayer,
 *   `src/js/providers/default.ts`, `src/js/program/media-controller.js`, `src/js/events/events.ts`).
 *   These were read, not run: no real JW Player was available while writing this plugin (see
 *   docs/players/jwplayer.md for what was and was not verified).
 */

/** A source of a playlist item as JW Player hands it to providers (`item.sources[n]`). */
export interface JWProviderSource {
  /** Media URL. */
  readonly file: string;
  /**
   * JW's short type, derived by JW from `type`/`mimeType`/the extension: `'hls'`, `'dash'`,
   * `'mp4'`... (JW normalises `application/vnd.apple.mpegurl` to `'hls'`).
   */
  readonly type?: string;
  /** The MIME type when the page gave one. */
  readonly mimeType?: string;
}

/** A playlist item as JW Player passes it to `provider.init/preload/load` (the fields read here). */
export interface JWProviderItem {
  /** The item's sources; JW gives the provider the one it chose first. */
  readonly sources: readonly JWProviderSource[];
  /** Start position in seconds (JW's `starttime` item option). */
  readonly starttime?: number;
}

/** JW Player's playback states, as a provider reports them with `setState` (`'state'` event). */
export type JWProviderState =
  'idle' | 'loading' | 'playing' | 'paused' | 'stalled' | 'buffering' | 'complete';

/**
 * Listener of a provider event in JW's Backbone-style event system. `'all'` listeners receive the
 * event name first, then the payload.
 */
export type JWEventCallback = (...args: never[]) => void;

/** The Backbone-style event methods JW calls on a provider (`provider.on('all', ...)`, `off()`). */
export interface JWEventTarget {
  on(name: string, callback: JWEventCallback, context?: unknown): unknown;
  once?(name: string, callback: JWEventCallback, context?: unknown): unknown;
  off(name?: string | null, callback?: JWEventCallback | null, context?: unknown): unknown;
  trigger(name: string, ...args: unknown[]): unknown;
}

/**
 * A provider instance: what JW Player 8's media controller calls (see the file comment for the
 * sources). Optional members are filled in by JW from its default provider when missing.
 */
export interface JWProviderInstance extends JWEventTarget {
  /** The media element JW shows (JW reads it to tell foreground from background providers). */
  readonly video: HTMLVideoElement;
  /** The last state passed to `setState`. */
  state: JWProviderState;
  /** Whether `setPlaybackRate` works. */
  readonly supportsPlaybackRate: boolean;
  getName(): { name: string };
  /** A new playlist item became active. */
  init(item: JWProviderItem): void;
  /** Start loading before play (JW's `preload` option). */
  preload(item: JWProviderItem): void;
  /** Load the item; may return a promise that JW waits for before `play()`. */
  load(item: JWProviderItem): Promise<void> | void;
  play(): Promise<void> | void;
  pause(): void;
  stop(): void;
  /** Seconds. */
  seek(position: number): void;
  /** 0..100. */
  volume(volume: number): void;
  mute(muted: boolean | string): void;
  resize(width: number, height: number, stretching: string): void;
  setVisibility(visible: boolean): void;
  supportsFullscreen(): boolean;
  /** JW gives the provider its media container; the provider puts its media element in it. */
  setContainer(element: HTMLElement): void;
  getContainer(): HTMLElement | null;
  removeFromContainer(): void;
  /** Removes from the page (JW calls it when replacing or destroying the provider). */
  remove(): void;
  /** Frees memory. */
  destroy(): void;
  /** Re-attaches to the media element after an ad break (starts following its events). */
  attachMedia(): void;
  /** Stops following the media element while JW lends it to an ad. */
  detachMedia(): void;
  getDuration(): number;
  isLive(): boolean;
  getSeekRange(): { start: number; end: number };
  getPlaybackRate(): number;
  setPlaybackRate(rate: number): void;
  setState(state: JWProviderState): void;
  getQualityLevels(): readonly { label: string }[];
  getCurrentQuality(): number;
  setCurrentQuality(index: number): void;
  /** Audio renditions for JW's audio-track menu (JW labels each with its `name`). */
  getAudioTracks(): readonly { name: string; language?: string }[];
  /** Index into `getAudioTracks()`, -1 when there is none. */
  getCurrentAudioTrack(): number;
  setCurrentAudioTrack(index: number): void;
}

/**
 * A provider class as `jwplayer.api.registerProvider` takes it: `new Provider(playerId, config,
 * mediaElement)` plus the statics JW uses to choose providers (most recently registered first).
 */
export interface JWProviderClass {
  new (
    playerId: string,
    config: Readonly<Record<string, unknown>>,
    mediaElement?: HTMLVideoElement,
  ): JWProviderInstance;
  getName(): { name: string };
  supports(source: JWProviderSource): boolean;
}

/**
 * The player API (`jwplayer(id)`) members this plugin calls: a subset of `jwplayer.JWPlayer` in
 * `@types/jwplayer` (checked by types-conformance.ts).
 */
export interface JWPlayerLike {
  /** The id of the element the player was set up on (JW's `Api#id`; not in `@types/jwplayer`). */
  readonly id?: string;
  getContainer(): HTMLElement;
  on(event: 'ready' | 'remove', callback: () => void): unknown;
  off(event: 'ready' | 'remove', callback: () => void): unknown;
  addButton(
    icon: string,
    label: string,
    handler: () => void,
    id: string,
    className?: string,
  ): unknown;
  removeButton(id: string): unknown;
  getState(): string;
}

/**
 * The `jwplayer` global: player lookup plus `jwplayer.api.registerProvider` (the provider API, not in
 * `@types/jwplayer`).
 */
export interface JWPlayerStaticLike {
  (query?: string | number | Element): JWPlayerLike;
  /** Library version, e.g. `'8.33.2+commercial...'`. */
  readonly version: string;
  readonly api: {
    registerProvider(provider: JWProviderClass): void;
  };
}
