/**
 * The players of one page made from `data-p2p-player` elements: creates a Video.js player with the
 * P2P plugin inside each element, follows the DOM (elements added later are initialised, removed
 * ones disposed, changed attributes re-create the player) and answers the operator API.
 */
import type videojsModule from 'video.js';
import type { HlsClassLike, ShakaNamespace } from '../shared/library-types.js';
import type { P2PPlayerHandle, P2PPluginOptions, PlayerSource } from '../shared/contract.js';
import { sourceKindOf } from '../shared/source-kind.js';
import {
  EMBED_ATTRIBUTE_NAMES,
  readEmbedAttributes,
  type EmbedSettings,
} from './embed-attributes.js';
import { EMBED_NOTICE_CLASS } from './embed-styles.js';
import { mergeOptions, readPageConfig } from './page-config.js';

/**
 * The `videojs` function. (Video.js's declarations are CommonJS-flavoured: under NodeNext its default
 * import types as the module object, whose `default` is the function.)
 */
export type VideoJs = typeof videojsModule.default;

/** A Video.js player. */
export type VideoJsPlayer = ReturnType<VideoJs>;

/** The marker attribute, and the selector finding embed elements. */
export const EMBED_SELECTOR = '[data-p2p-player]';

/** Prefix of every console message of the embed. */
const LOG_PREFIX = '[p2p-media-loader embed]';

/** One embed element and what the embed made of it. */
export interface EmbeddedPlayer {
  /** The `data-p2p-player` element. */
  readonly element: HTMLElement;
  /** The Video.js player created inside it. */
  readonly player: VideoJsPlayer;
  /** The P2P plugin's handle (stats, events); undefined when there is nothing to play. */
  readonly p2p: P2PPlayerHandle | undefined;
  /** What the element's attributes asked for, and which of them were ignored and why. */
  readonly settings: EmbedSettings;
}

/** What the registry needs from the bundle: the libraries it ships. */
export interface EmbedRuntime {
  /** Video.js with the `p2p` plugin registered. */
  readonly videojs: VideoJs;
  /** hls.js's class, bundled. */
  readonly Hls: HlsClassLike;
  /** Loads Shaka for DASH sources (the on-demand chunk). */
  readonly loadShaka: () => Promise<ShakaNamespace>;
}

/** The `p2p` plugin method Video.js adds to players (typed here: Video.js's types do not know it). */
type WithP2PPlugin = VideoJsPlayer & { p2p(options: P2PPluginOptions): P2PPlayerHandle };

/**
 * Embed players by element. Every method is idempotent: an element is initialised once however
 * often `init` runs or the bundle is loaded, and disposing twice is harmless. One element failing
 * (bad attributes, a throwing player) never stops the others.
 */
export class EmbeddedPlayers {
  private readonly byElement = new Map<HTMLElement, EmbeddedPlayer>();
  private observer: MutationObserver | undefined;
  /** Ids given to the players' `<video-js>` elements (see `create`). */
  private nextId = 1;

  constructor(private readonly runtime: EmbedRuntime) {}

  /**
   * Initialises every embed element in `root` (`root` itself included when it is one) that has no
   * player yet. Returns the players of all embed elements found there, new and existing.
   */
  init(root: ParentNode): EmbeddedPlayer[] {
    const found: EmbeddedPlayer[] = [];
    for (const element of embedElementsIn(root)) {
      let embedded = this.byElement.get(element);
      if (embedded === undefined) {
        try {
          embedded = this.create(element);
        } catch (error) {
          // Not expected (create catches what Video.js throws), but one element must not stop
          // the page's other players.
          reportFailure(element, 'the player could not start:', error);
        }
      }
      if (embedded !== undefined) found.push(embedded);
    }
    return found;
  }

  /** The player made from `element`, if any. */
  get(element: Element): EmbeddedPlayer | undefined {
    return element instanceof HTMLElement ? this.byElement.get(element) : undefined;
  }

  /** Every live embed player of the page, in initialisation order. */
  players(): EmbeddedPlayer[] {
    return [...this.byElement.values()];
  }

  /**
   * Disposes the player made from `element`: Video.js disposes its plugins with the player (so the
   * P2P session releases engine, peers and timers) and removes its own elements; the embed's
   * notices go too. Returns false when the element had none.
   */
  dispose(element: Element): boolean {
    const embedded = this.get(element);
    if (embedded === undefined) return false;
    this.byElement.delete(embedded.element);
    removeNotices(embedded.element);
    embedded.player.dispose();
    return true;
  }

  /**
   * Follows `document` from now on: embed elements added later are initialised, removed ones
   * disposed, and a change of an embed attribute re-creates that element's player.
   */
  watch(document: Document): void {
    if (this.observer !== undefined) return;
    this.observer = new MutationObserver((records) => {
      this.onMutations(records);
    });
    this.observer.observe(document.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: [...EMBED_ATTRIBUTE_NAMES],
    });
  }

  /** Stops following the DOM and disposes every player. */
  destroy(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    for (const element of [...this.byElement.keys()]) this.dispose(element);
  }

  private onMutations(records: readonly MutationRecord[]): void {
    let removed = false;
    const changed = new Set<HTMLElement>();
    const added: Element[] = [];
    for (const record of records) {
      if (record.type === 'attributes') {
        if (record.target instanceof HTMLElement) changed.add(record.target);
        continue;
      }
      if (record.removedNodes.length > 0) removed = true;
      for (const node of record.addedNodes) if (node instanceof Element) added.push(node);
    }
    // A moved element is removed and added in the same batch: only those no longer in the
    // document are disposed.
    if (removed) {
      for (const element of [...this.byElement.keys()]) {
        if (!element.isConnected) this.dispose(element);
      }
    }
    for (const element of changed) {
      // Attribute filters match any element (`data-src` is common on lazy images): only embed
      // elements, and ones that just lost the marker, matter.
      if (
        !element.isConnected ||
        (!this.byElement.has(element) && !element.matches(EMBED_SELECTOR))
      ) {
        continue;
      }
      this.dispose(element);
      if (element.matches(EMBED_SELECTOR)) this.init(element);
    }
    for (const node of added) if (node.isConnected) this.init(node);
  }

  private create(element: HTMLElement): EmbeddedPlayer | undefined {
    const document = element.ownerDocument;
    // Left by an attempt that failed before (a player that never started has nothing to dispose).
    removeNotices(element);
    const attributes = readEmbedAttributes(element.dataset, document.baseURI);
    const page = readPageConfig(document.defaultView ?? globalThis);
    const settings: EmbedSettings = {
      ...attributes,
      p2p: mergeOptions(page.options, attributes.p2p),
      problems: [...page.problems, ...attributes.problems],
    };
    for (const problem of settings.problems) console.error(LOG_PREFIX, problem, element);

    const videoElement = document.createElement('video-js');
    // The id is known before Video.js starts so the player's own `html5` options can carry it:
    // Video.js asks the Html5 tech's source handlers once with those options before creating the
    // tech, and the P2P plugin only claims sources of players it can identify. The full Video.js
    // build has VHS to say yes at that point; this bundle's core build has none.
    // (Skipping ids the page already uses, e.g. markup a CMS saved from a rendered page.)
    let id = `p2pml-embed-${String(this.nextId++)}`;
    while (document.getElementById(id) !== null) id = `p2pml-embed-${String(this.nextId++)}`;
    videoElement.id = id;
    videoElement.setAttribute('playsinline', '');
    element.appendChild(videoElement);
    let player: VideoJsPlayer;
    try {
      player = this.runtime.videojs(videoElement, {
        controls: true,
        fluid: true,
        // Overridden by `data-preload`. Until the viewer plays, `auto` loads one segment of a VOD
        // stream and none of a live one (plugins/shared/startup-load.ts), as Video.js's VHS does.
        preload: 'auto',
        html5: { playerId: id },
        ...settings.player,
      });
    } catch (error) {
      videoElement.remove();
      reportFailure(element, 'Video.js could not start here:', error);
      return undefined;
    }

    if (settings.source !== undefined && settings.problems.length > 0) {
      showNotice(element, settings.problems);
    }
    const p2p =
      settings.source === undefined ? undefined : this.startP2P(player, element, settings);
    if (settings.source === undefined) {
      // Video.js shows it in the player, so the page tells its viewers (and editors) what is wrong.
      // (Video.js accepts `{ code, message }` and wraps it in its MediaError; its types say otherwise.)
      const mediaError = { code: 4, message: `${LOG_PREFIX} ${settings.problems.join(' ')}` };
      player.error(mediaError as unknown as Parameters<VideoJsPlayer['error']>[0]);
    } else {
      player.src({
        src: settings.source.src,
        type: settings.source.type ?? mimeTypeOf(settings.source),
      });
    }
    const embedded: EmbeddedPlayer = { element, player, p2p, settings };
    this.byElement.set(element, embedded);
    return embedded;
  }

  /** Starts the plugin; when it cannot start the player shows why. */
  private startP2P(
    player: VideoJsPlayer,
    element: HTMLElement,
    settings: EmbedSettings,
  ): P2PPlayerHandle | undefined {
    try {
      const handle = (player as WithP2PPlugin).p2p({
        ...settings.p2p,
        Hls: this.runtime.Hls,
        loadShaka: this.runtime.loadShaka,
      });
      handle.on('error', ({ error, fatal }) => {
        (fatal ? console.error : console.warn)(LOG_PREFIX, error.message, element);
      });
      return handle;
    } catch (error) {
      reportFailure(element, 'P2P could not start:', error);
      return undefined;
    }
  }
}

/** A failure that leaves an element without a (working) player: console and the element itself. */
function reportFailure(element: HTMLElement, what: string, error: unknown): void {
  console.error(LOG_PREFIX, what, error, element);
  const message = error instanceof Error ? error.message : String(error);
  showNotice(element, [`${what} ${message}`]);
}

/**
 * Lists `problems` in a message box inside the element, under the player: editors previewing a
 * page see what they typed wrong without opening the console.
 */
function showNotice(element: HTMLElement, problems: readonly string[]): void {
  const notice = element.ownerDocument.createElement('div');
  notice.className = EMBED_NOTICE_CLASS;
  notice.setAttribute('role', 'alert');
  notice.textContent = `${LOG_PREFIX} ${problems.join(' ')}`;
  element.appendChild(notice);
}

/** Removes the notices {@link showNotice} put in `element`. */
function removeNotices(element: HTMLElement): void {
  for (const notice of element.querySelectorAll(`:scope > .${EMBED_NOTICE_CLASS}`)) notice.remove();
}

/** MIME type for Video.js when `data-type` is absent: from the URL's extension. */
function mimeTypeOf(source: PlayerSource): string | undefined {
  const kind = sourceKindOf(source);
  if (kind === 'hls') return 'application/x-mpegURL';
  if (kind === 'dash') return 'application/dash+xml';
  return undefined;
}

/** Embed elements in `root`: itself when it is one, then its descendants in document order. */
function embedElementsIn(root: ParentNode): HTMLElement[] {
  const elements: HTMLElement[] = [];
  if (root instanceof HTMLElement && root.matches(EMBED_SELECTOR)) elements.push(root);
  for (const element of root.querySelectorAll(EMBED_SELECTOR)) {
    if (element instanceof HTMLElement) elements.push(element);
  }
  return elements;
}
