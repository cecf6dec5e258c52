/**
 * The parts of MediaElement.js 7 the plugin touches, declared here because the package ships no
 * TypeScript types. Only members read or written by this folder are listed, as 7.1.0's browser
 * build defines them (core/mediaelement.js, core/renderer.js, renderers/hls.js, player.js).
 */
import type { HlsInstanceLike } from '../shared/library-types.js';
import type { P2PPlayerHandle } from '../shared/contract.js';

/** One source as MediaElement lists it (`mediaFiles`). */
export interface MediaFile {
  readonly src: string;
  /** MIME type, guessed from the URL when the page gave none (`.m3u8`, `.mpd`). */
  readonly type: string;
}

/**
 * The element a renderer plays into: in practice a clone of the page's `<video>`, extended with the
 * methods MediaElement calls on renderers (`setSize`, `hide`, `show`, `destroy`, and a
 * `get<Prop>`/`set<Prop>` pair per media property, assigned at runtime).
 */
export interface RendererNode extends HTMLMediaElement {
  setSize(width: number | string, height: number | string): RendererNode;
  hide(): RendererNode;
  show(): RendererNode;
  destroy(): void;
  setSrc(value: unknown): void;
  getSrc(): string | null;
}

/**
 * MediaElement's stand-in media node (`new MediaElement(...)` returns it; the player keeps it as
 * `player.media` once ready). Its event methods are MediaElement's own (not the DOM's).
 */
export interface MediaElementLike {
  readonly id: string;
  /** The page's `<video>`/`<audio>` the player was created on. */
  readonly originalNode: HTMLMediaElement;
  /** The options the player passed (player options merged with MediaElement's defaults). */
  readonly options: Record<string, unknown>;
  /** The renderer in use and its name (`native_hls`, `p2p_shaka`, `html5`, ...). */
  readonly renderer: RendererNode | null;
  readonly rendererName: string | null;
  /** Set by the `native_hls` renderer to the hls.js instance it created. */
  readonly hlsPlayer?: (HlsInstanceLike & { stopLoad(): void }) | null;
  /**
   * Set by the `p2p_shaka` renderer to its `shaka.Player` while it has one (like `hlsPlayer` and
   * MediaElement's `dashPlayer`: for track selection and other Shaka calls by the page).
   */
  shakaPlayer?: unknown;
  /** Dispatches MediaElement's `error` event: the player shows its error layer. */
  generateError(message: string, urls?: readonly MediaFile[]): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  dispatchEvent(event: Event): void;
}

/** A renderer definition as `mejs.Renderers.add()` takes it. */
export interface RendererDefinition {
  readonly name: string;
  readonly options: { readonly prefix: string; readonly [key: string]: unknown };
  /** Truthy when the renderer can play a source of this MIME type (called with no player context). */
  canPlayType(type: string): boolean | string;
  /** Builds the renderer's node for `mediaElement`; MediaElement then calls `setSrc`, `show`... */
  create(
    mediaElement: MediaElementLike,
    options: Record<string, unknown>,
    mediaFiles: readonly MediaFile[],
  ): RendererNode;
}

/** `mejs.Renderers`: the registry of renderers. */
export interface RendererRegistry {
  add(renderer: RendererDefinition): void;
  readonly renderers: Readonly<Record<string, RendererDefinition | undefined>>;
  /** Registration order (MediaElement sorts it in place by its own ranking when it selects). */
  readonly order: readonly string[];
}

/** Options of `new MediaElementPlayer(node, options)` that the plugin reads or sets. */
export interface MediaElementPlayerOptions {
  [key: string]: unknown;
  /** The plugin's options (see `P2PPluginOptions`); `true` means defaults. */
  p2p?: unknown;
  /** Renderer names in the order MediaElement tries them; empty: its default ranking. */
  renderers?: string[];
  /** Feature names; `'p2pstats'` adds the stats overlay. */
  features: string[];
  /** hls.js configuration MediaElement's `native_hls` renderer passes to `new Hls()`. */
  hls?: Record<string, unknown>;
  /** dash.js settings of the `native_dash` renderer (only `path` is read here). */
  dash?: Record<string, unknown>;
}

/** A `MediaElementPlayer` instance (`new MediaElementPlayer(node, options)`). */
export interface MediaElementPlayerLike {
  readonly id: string;
  options: MediaElementPlayerOptions;
  /** Before the player is ready, the page's media node; afterwards MediaElement's stand-in. */
  readonly media: MediaElementLike | HTMLMediaElement;
  /** The page's media node the player was created on (the renderer's node once one is ready). */
  readonly node: HTMLElement;
  /** `.mejs__container` (undefined for players without controls). */
  readonly container?: HTMLElement;
  /** `.mejs__layers`: overlays above the video. */
  readonly layers?: HTMLElement;
  /** The P2P handle, set by this plugin when the player has `p2p` options. */
  p2p?: P2PPlayerHandle;
  /** Builds the player (run by the constructor). A property: the plugin wraps it. */
  init: () => void;
  /** Removes the player and restores the page's media node. A property: the plugin wraps it. */
  remove: () => void;
}

/** `MediaElementPlayer` (the class). Features are methods named `build<feature>` on its prototype. */
export interface MediaElementPlayerClass {
  readonly prototype: MediaElementPlayerLike & Record<string, unknown>;
}

/** The `mejs` namespace of the browser build. */
export interface MejsNamespace {
  readonly Renderers: RendererRegistry;
  readonly MediaElementPlayer?: MediaElementPlayerClass;
  readonly html5media: {
    /** Media properties a renderer exposes as `get<Prop>`/`set<Prop>`. */
    readonly properties: readonly string[];
    readonly readOnlyProperties: readonly string[];
    /** Media events a renderer forwards to the stand-in node. */
    readonly events: readonly string[];
  };
  readonly Utils: {
    /** A `CustomEvent` with `detail.target` set, as MediaElement dispatches them. */
    createEvent(name: string, target: unknown, isIframe?: boolean): Event;
  };
}
