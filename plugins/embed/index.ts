/**
 * The CMS embed snippet (`dist/umd/p2p-media-loader-embed.min.js`, global `p2pml.embed`): one script
 * tag turns every `<div data-p2p-player data-src="…">` of the page into a Video.js player with P2P
 * delivery, now and whenever such an element is added later. Video.js, hls.js, the engine, the
 * Video.js plugin and the stats overlay are inside; Shaka is fetched on demand for DASH sources.
 * See docs/EMBED.md for the attributes.
 */
import Hls from 'hls.js';
import videojsModule from 'video.js';
import { registerP2PPlugin } from '../videojs/index.js';
import { injectEmbedStyles } from './embed-styles.js';
import { EmbeddedPlayers, type EmbeddedPlayer, type VideoJs } from './embedded-players.js';
import { loadShakaChunk } from './shaka-chunk.js';

export type { EmbedAttributes, EmbedSettings } from './embed-attributes.js';
export type { EmbeddedPlayer, VideoJs, VideoJsPlayer } from './embedded-players.js';
export type { EmbedPageConfig } from './page-config.js';

/** The operator API, `p2pml.embed` on the page. */
export interface EmbedApi {
  /**
   * Initialises the embed elements in `root` (default: the whole document) that have no player
   * yet; returns the players of every embed element there. Runs by itself when the bundle loads and
   * for every element added later, so pages only need it for elements in a shadow root.
   */
  init(root?: ParentNode): EmbeddedPlayer[];
  /** Every embed player of the page. */
  players(): EmbeddedPlayer[];
  /** The player made from a `data-p2p-player` element, if any. */
  get(element: Element): EmbeddedPlayer | undefined;
  /** Disposes the player of an element (as removing the element does); false when it had none. */
  dispose(element: Element): boolean;
  /** The bundled Video.js, for registering Video.js plugins, components or languages. */
  readonly videojs: VideoJs;
  /** The bundled hls.js class (`Hls.version`, `Hls.isSupported()`). */
  readonly Hls: typeof Hls;
}

/**
 * The `videojs` function: webpack hands Video.js's CommonJS export over as the default import, while
 * its type declarations put it under `default`; accept both.
 */
const videojs = ((videojsModule as unknown as { default?: VideoJs }).default ??
  videojsModule) as VideoJs;

/** What a copy of this bundle already loaded on the page left on `globalThis.p2pml.embed`. */
function loadedBefore(): EmbedApi | undefined {
  const embed = (globalThis as { p2pml?: { embed?: Partial<EmbedApi> } }).p2pml?.embed;
  return typeof embed?.init === 'function' ? (embed as EmbedApi) : undefined;
}

/** Starts the embed on this page: styles, plugin, DOM observer, players of the document. */
function start(): EmbedApi {
  registerP2PPlugin(videojs);
  const registry = new EmbeddedPlayers({
    videojs,
    Hls,
    loadShaka: loadShakaChunk,
  });
  injectEmbedStyles(document);
  // Watching from the start (not from DOMContentLoaded) also catches the elements the parser adds
  // after the script tag, so players appear while a long page is still loading.
  registry.watch(document);
  // The elements already there start after this script has run, i.e. once `p2pml.embed` exists
  // for page scripts that want to follow the players from their creation on.
  queueMicrotask(() => {
    registry.init(document);
  });
  return {
    init: (root = document) => {
      injectEmbedStyles(document);
      return registry.init(root);
    },
    players: () => registry.players(),
    get: (element) => registry.get(element),
    dispose: (element) => registry.dispose(element),
    videojs,
    Hls,
  };
}

// A snippet pasted twice (common in CMS templates) must not create two players per element: a
// second copy of the bundle hands every call to the first one's registry.
const api: EmbedApi = loadedBefore() ?? start();

/** See {@link EmbedApi.init}. */
export function init(root?: ParentNode): EmbeddedPlayer[] {
  return api.init(root);
}

/** See {@link EmbedApi.players}. */
export function players(): EmbeddedPlayer[] {
  return api.players();
}

/** See {@link EmbedApi.get}. */
export function get(element: Element): EmbeddedPlayer | undefined {
  return api.get(element);
}

/** See {@link EmbedApi.dispose}. */
export function dispose(element: Element): boolean {
  return api.dispose(element);
}

/** See {@link EmbedApi.videojs} (the first loaded copy's, when the bundle is on the page twice). */
const bundledVideojs: VideoJs = api.videojs;
/** See {@link EmbedApi.Hls}. */
const BundledHls: typeof Hls = api.Hls;
export { bundledVideojs as videojs, BundledHls as Hls };
