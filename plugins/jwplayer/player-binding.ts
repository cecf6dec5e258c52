/**
 * The P2P side of one JW Player: its session (one engine per source, used by the provider instances
 * JW creates for this player), the stats overlay in the player's container with a control-bar button
 * that toggles it, and the release of all of it when the player is removed (`player.remove()`).
 */
import {
  createPlayerSession,
  createStatsOverlay,
  OVERLAY_EXTERNAL_TOGGLE_CLASS,
  type P2PPlayerHandle,
  type P2PPlayerSession,
  overlayOptionsFrom,
  playerHandleOf,
} from '../shared/index.js';
import type { JWPlayerLike } from './jwplayer-extensions.js';

/** Class of the layer that holds the overlay inside the player's container. */
export const OVERLAY_LAYER_CLASS = 'p2pml-jw-overlay-layer';

/** Id prefix of the control-bar button that toggles the overlay (JW's `addButton` id). */
export const OVERLAY_BUTTON_ID = 'p2pml-stats';

/**
 * The button's icon: an inline SVG data URL (JW's `addButton` takes an image URL), so the button
 * loads nothing from the network.
 */
const OVERLAY_BUTTON_ICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="white">' +
      '<circle cx="6" cy="12" r="3"/><circle cx="18" cy="6" r="3"/><circle cx="18" cy="18" r="3"/>' +
      '<path d="M6 12L18 6M6 12l12 6" stroke="white" stroke-width="1.5"/></svg>',
  );

/** P2P for one player, from `attach` (or the first provider JW creates for it) to its removal. */
export class PlayerBinding {
  readonly session: P2PPlayerSession;
  readonly handle: P2PPlayerHandle;
  private layer: HTMLElement | undefined;
  private buttonAdded = false;
  private destroyed = false;
  private readonly onReady = (): void => {
    this.mountOverlay();
    this.addButton();
  };
  private readonly onRemove = (): void => {
    this.destroy();
    this.player.off('remove', this.onRemove);
    this.released();
  };

  /**
   * @param player - the player API object, after `setup()` (JW's `setup()` drops listeners added
   *   before it)
   * @param options - P2P options (validated by the session)
   * @param released - called once when the player is removed (the binding is done with); not
   *   called by `handle.destroy()`, after which the player keeps this (destroyed) session so that
   *   its next sources play without P2P too
   */
  constructor(
    private readonly player: JWPlayerLike,
    options: unknown,
    private readonly released: () => void,
  ) {
    this.session = createPlayerSession(options, { player: 'jwplayer' });
    this.handle = playerHandleOf(this.session, () => {
      this.destroy();
    });
    player.on('ready', this.onReady);
    player.on('remove', this.onRemove);
    // The container may already be JW's (attach after `ready`); `ready` moves the layer otherwise.
    this.mountOverlay();
  }

  /** Releases engine, peers, timers, beacon, overlay and button; playback goes on over HTTP. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.player.off('ready', this.onReady);
    if (this.buttonAdded) this.player.removeButton(OVERLAY_BUTTON_ID);
    this.session.destroy();
    this.layer?.remove();
    this.layer = undefined;
  }

  /**
   * Puts the overlay's layer in the player's current top-level element (`getContainer()`), creating
   * the overlay the first time. JW replaces the page's element with its own during setup, so the
   * layer moves there on `ready`.
   */
  private mountOverlay(): void {
    if (this.destroyed || this.session.options.enabled === false) return;
    const container = this.player.getContainer();
    if (this.layer?.parentElement === container) return;
    if (!this.layer) {
      const layer = document.createElement('div');
      layer.className = OVERLAY_LAYER_CLASS;
      // Covers the player without taking its clicks; above JW's media and controls layers.
      Object.assign(layer.style, {
        position: 'absolute',
        inset: '0',
        pointerEvents: 'none',
        zIndex: '10',
      });
      this.layer = layer;
      // The session adopts the overlay: `handle.overlay` returns it, `destroy()` removes it.
      const overlay = createStatsOverlay(
        layer,
        this.session,
        overlayOptionsFrom(this.session.options.overlay),
      );
      overlay.element.style.pointerEvents = 'auto';
    }
    container.appendChild(this.layer);
  }

  /** JW's public `addButton` puts a toggle in the control bar (after `ready`, when it exists). */
  private addButton(): void {
    if (this.destroyed || this.buttonAdded || this.session.options.enabled === false) return;
    this.buttonAdded = true;
    this.player.addButton(
      OVERLAY_BUTTON_ICON,
      'P2P stats',
      () => {
        this.session.overlay?.toggle();
      },
      OVERLAY_BUTTON_ID,
    );
    // One toggle is enough: the control-bar button replaces the overlay's own.
    this.session.overlay?.element.classList.add(OVERLAY_EXTERNAL_TOGGLE_CLASS);
  }
}
