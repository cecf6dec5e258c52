/**
 * The P2P side of one MediaElementPlayer: its session (one engine per source), how its renderers
 * get the engine (hls.js loaders for MediaElement's `native_hls` renderer, the Shaka renderer's
 * host), the stats overlay, and the release of all of it when the player is removed.
 */
import type { HlsInstanceLike } from '../shared/library-types.js';
import type { P2PPlayerHandle, P2PPlayerSession, PlayerSource } from '../shared/contract.js';
import {
  createPlayerSession,
  createStatsOverlay,
  overlayOptionsFrom,
  playerHandleOf,
} from '../shared/index.js';
import type {
  MediaElementLike,
  MediaElementPlayerLike,
  MejsNamespace,
  RendererNode,
} from './mediaelement-types.js';
import { attachEngineToShaka } from '../shared/shaka-start.js';
import { NATIVE_HLS_RENDERER, rendererOrder } from './renderer-order.js';
import { noteShakaOnDemand, type ShakaRendererHost } from './shaka-renderer.js';

/** The MIME type MediaElement gives `.m3u8` sources. */
const HLS_TYPE = 'application/x-mpegURL';

/** Class of the layer holding the overlay (MediaElement sizes every layer to the video). */
export const OVERLAY_LAYER_CLASS = 'p2pml-mejs-overlay-layer';

/** hls.js members used here beyond the adapter's structural type. */
interface HlsWithConfig extends HlsInstanceLike {
  readonly config: { fLoader?: unknown; pLoader?: unknown };
}

/** `rendererready`'s payload: the renderer node MediaElement created. */
type RendererReadyEvent = CustomEvent<{ readonly target?: unknown }>;

/** P2P for one player. Created by the plugin's `init` hook, before MediaElement picks a renderer. */
export class PlayerBinding {
  readonly handle: P2PPlayerHandle;
  private readonly session: P2PPlayerSession;
  /** The page's media node (MediaElement's `originalNode`). */
  private readonly originalNode: HTMLElement;
  private mediaElement: MediaElementLike | undefined;
  private overlayLayer: HTMLElement | undefined;
  /** Restores MediaElement's hls.js ready callbacks that were wrapped. */
  private readonly restoreHooks: (() => void)[] = [];
  private destroyed = false;
  private readonly onRendererReady = (event: Event): void => {
    const node = (event as RendererReadyEvent).detail.target;
    if (node instanceof HTMLMediaElement) this.rendererCreated(node as RendererNode);
  };

  /**
   * @param mejs - MediaElement's namespace
   * @param player - the player, inside its `init()` before MediaElement exists
   * @param options - the player's `p2p` option (`true` means defaults)
   */
  constructor(
    private readonly mejs: MejsNamespace,
    private readonly player: MediaElementPlayerLike,
    options: unknown,
  ) {
    this.session = createPlayerSession(options === true ? {} : options, {
      player: 'mediaelement',
    });
    this.handle = playerHandleOf(this.session, () => {
      this.destroy();
    });
    this.originalNode = player.node;
    this.session.on('error', ({ error, fatal }) => {
      if (fatal) this.showError(error);
    });
    const { enabled, shaka, loadShaka } = this.session.options;
    if (shaka !== undefined || loadShaka !== undefined) noteShakaOnDemand();
    if (enabled !== false) this.prepareOptions();
    this.originalNode.addEventListener('rendererready', this.onRendererReady);
  }

  /** The Shaka renderer's host for this player. */
  shakaHost(mediaElement: MediaElementLike): ShakaRendererHost {
    this.mediaElement = mediaElement;
    return {
      resolveShaka: () =>
        this.destroyed
          ? Promise.resolve((globalThis as { shaka?: never }).shaka)
          : this.session.resolveShaka(),
      beforeLoad: (shakaPlayer, source) => {
        // MediaElement keeps a hidden hls.js renderer alive: it must stop fetching.
        mediaElement.hlsPlayer?.stopLoad();
        if (this.destroyed) return;
        if (this.session.chooseFor(source).kind === 'shaka') {
          attachEngineToShaka(this.session, shakaPlayer, source);
        }
      },
      sourceEnded: () => {
        if (!this.destroyed) this.session.endSource();
      },
      fatalError: (error, mediaFiles) => {
        if (this.destroyed) mediaElement.generateError(error.message, mediaFiles);
        else this.session.reportError(error, true);
      },
    };
  }

  /** Mounts the stats overlay in the player's layers (the `p2pstats` feature). */
  mountOverlay(layers: HTMLElement): void {
    if (this.destroyed || this.overlayLayer) return;
    const layer = document.createElement('div');
    layer.className = `mejs__layer ${OVERLAY_LAYER_CLASS}`;
    // The layer covers the video: clicks must still reach MediaElement's play/pause layer.
    layer.style.pointerEvents = 'none';
    layer.style.position = 'absolute';
    layer.style.inset = '0';
    layers.appendChild(layer);
    this.overlayLayer = layer;
    // The session adopts the overlay: `handle.overlay` returns it, `destroy()` removes it.
    const overlay = createStatsOverlay(
      layer,
      this.session,
      overlayOptionsFrom(this.session.options.overlay),
    );
    overlay.element.style.pointerEvents = 'auto';
  }

  /** Removes the overlay (the feature's cleanup); P2P goes on. */
  unmountOverlay(): void {
    this.session.overlay?.destroy();
    this.overlayLayer?.remove();
    this.overlayLayer = undefined;
  }

  /** Releases engine, peers, timers, beacon and overlay. Playback (if any) goes on over HTTP. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.originalNode.removeEventListener('rendererready', this.onRendererReady);
    for (const restore of this.restoreHooks.splice(0)) restore();
    this.unmountOverlay();
    this.session.destroy();
  }

  /**
   * Sets the player options MediaElement reads when it picks and creates a renderer: the renderer
   * order, hls.js reachable as `window.Hls` (MediaElement's hls.js renderer uses that global, and
   * would fetch hls.js from a CDN without it), and a per-player hls.js config.
   */
  private prepareOptions(): void {
    const options = this.player.options;
    const scope = globalThis as { Hls?: unknown; dashjs?: unknown };
    const Hls = this.session.resolveHls();
    if (scope.Hls === undefined && Hls !== undefined) scope.Hls = Hls;
    options.renderers = rendererOrder({
      requested: options.renderers ?? [],
      registered: this.mejs.Renderers.order,
      hlsjsLoaded: scope.Hls !== undefined,
      hlsPathGiven: typeof options.hls?.path === 'string',
      dashjsLoaded: scope.dashjs !== undefined,
      dashPathGiven: typeof options.dash?.path === 'string',
    });
    // A copy per player: MediaElement writes into this object (autoStartLoad).
    options.hls = { ...options.hls, ...this.session.options.hlsConfig };
  }

  /** A renderer of this player was created (any renderer: MediaElement's or ours). */
  private rendererCreated(node: RendererNode): void {
    if (this.destroyed) return;
    const parent = node.parentNode as Partial<MediaElementLike> | null;
    if (parent && typeof parent.generateError === 'function') {
      this.mediaElement = parent as MediaElementLike;
    }
    this.session.watchMedia(node);
    if (node.id.endsWith(`_${NATIVE_HLS_RENDERER}`)) this.hookHlsRenderer(node);
  }

  /**
   * MediaElement's hls.js renderer creates each hls.js instance and hands it to the global callback
   * `window.__ready__<node id>` before it calls `loadSource()` (renderers/hls.js). Wrapping that
   * callback is the one point where the instance exists but has loaded nothing yet: the engine's
   * loaders go into its config there (hls.js reads `config.fLoader`/`pLoader` at each load).
   */
  private hookHlsRenderer(node: RendererNode): void {
    const scope = globalThis as unknown as Record<string, unknown>;
    const key = `__ready__${node.id}`;
    const ready = scope[key];
    if (typeof ready !== 'function') {
      this.session.reportError(
        new Error('MediaElement hls.js renderer not recognised: this player plays without P2P'),
        false,
      );
      return;
    }
    const wrapped = (hls: HlsWithConfig): void => {
      this.hlsCreated(hls);
      (ready as (hls: HlsWithConfig) => void)(hls);
    };
    scope[key] = wrapped;
    this.restoreHooks.push(() => {
      if (scope[key] === wrapped) scope[key] = ready;
    });
  }

  private hlsCreated(hls: HlsWithConfig): void {
    if (this.destroyed) return;
    const original = this.originalNode as HTMLMediaElement;
    // The renderer loads `originalNode.src` (MediaElement sets it to the chosen source).
    const source: PlayerSource = { src: original.src, type: HLS_TYPE };
    if (this.session.chooseFor(source).kind !== 'hlsjs') return;
    const { loaders, bind } = this.session.prepareHls(source);
    hls.config.fLoader = loaders.fLoader;
    hls.config.pLoader = loaders.pLoader;
    bind(hls);
  }

  private showError(error: Error): void {
    const mediaElement =
      this.mediaElement ??
      (typeof (this.player.media as Partial<MediaElementLike>).generateError === 'function'
        ? (this.player.media as MediaElementLike)
        : undefined);
    mediaElement?.generateError(error.message);
  }
}
