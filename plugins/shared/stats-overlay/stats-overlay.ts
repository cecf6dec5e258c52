/**
 * `createStatsOverlay`: the stats panel every player plugin mounts (and custom players use
 * directly). Off by default; a toggle button, a keyboard shortcut and `show()`/`hide()` open it.
 * It follows the handle's once-a-second `stats` event and needs nothing else from the player.
 */
import type {
  OverlayOptions,
  P2PPlayerHandle,
  P2PPlayerStats,
  StatsOverlayHandle,
} from '../contract.js';
import { offerOverlay } from '../overlay-adoption.js';
import { OverlayView } from './overlay-view.js';
import { acquireOverlayStyles, overlayCount, OVERLAY_EXTERNAL_TOGGLE_CLASS } from './styles.js';
import {
  DEFAULT_TOGGLE_KEY,
  isTypingTarget,
  matchesToggleKey,
  parseToggleKey,
  type ToggleKey,
} from './toggle-key.js';

class StatsOverlay implements StatsOverlayHandle {
  private readonly view: OverlayView;
  private readonly doc: Document;
  private readonly shortcut: ToggleKey | undefined;
  private readonly releaseStyles: () => void;
  private readonly unsubscribeStats: () => void;
  private readonly restoreContainer: () => void;
  private destroyed = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly handle: P2PPlayerHandle,
    options: OverlayOptions,
  ) {
    this.doc = container.ownerDocument;
    const keyText =
      options.toggleKey === false ? undefined : (options.toggleKey ?? DEFAULT_TOGGLE_KEY);
    this.shortcut = keyText === undefined ? undefined : parseToggleKey(keyText);
    this.view = new OverlayView(
      this.doc,
      options.position ?? 'top-right',
      this.shortcut ? keyText : undefined,
    );
    this.releaseStyles = acquireOverlayStyles(this.doc);
    this.restoreContainer = positionContainer(container);
    this.view.button.addEventListener('click', this.onButtonClick);
    this.view.root.addEventListener('keydown', this.onOverlayKeyDown);
    // Capture phase: players' controls stop keydown propagation (Video.js components do).
    if (this.shortcut) this.doc.addEventListener('keydown', this.onDocumentKeyDown, true);
    this.unsubscribeStats = handle.on('stats', this.onStats);
    this.renderNow();
    if (options.visible === true) this.view.setExpanded(true);
    container.appendChild(this.view.root);
  }

  get element(): HTMLElement {
    return this.view.root;
  }

  get visible(): boolean {
    return this.view.expanded;
  }

  show(): void {
    if (this.destroyed || this.visible) return;
    this.view.setExpanded(true);
  }

  hide(): void {
    if (this.destroyed || !this.visible) return;
    const hadFocus = this.view.panel.contains(this.doc.activeElement);
    this.view.setExpanded(false);
    // Focus inside a panel that disappears would fall back to <body>; keep it at the control.
    if (hadFocus && !this.view.root.classList.contains(OVERLAY_EXTERNAL_TOGGLE_CLASS)) {
      this.view.button.focus();
    }
  }

  toggle(): void {
    if (this.visible) this.hide();
    else this.show();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.unsubscribeStats();
    this.doc.removeEventListener('keydown', this.onDocumentKeyDown, true);
    this.view.button.removeEventListener('click', this.onButtonClick);
    this.view.root.removeEventListener('keydown', this.onOverlayKeyDown);
    this.view.root.remove();
    this.restoreContainer();
    this.releaseStyles();
  }

  private readonly onStats = (stats: P2PPlayerStats): void => {
    const nowMs = Date.now();
    this.view.chart.add({ atMs: nowMs, ...stats.downloadRate });
    // Rendered while hidden too (a few text nodes a second): the element always states the last
    // snapshot, whoever reads it and whenever it is shown.
    this.render(stats, nowMs);
  };

  private readonly onButtonClick = (): void => {
    this.toggle();
  };

  /** Escape closes the open panel from the button or from inside it. */
  private readonly onOverlayKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !this.visible) return;
    event.stopPropagation();
    this.hide();
    if (!this.view.root.classList.contains(OVERLAY_EXTERNAL_TOGGLE_CLASS)) this.view.button.focus();
  };

  private readonly onDocumentKeyDown = (event: KeyboardEvent): void => {
    if (!this.shortcut || event.defaultPrevented || !matchesToggleKey(event, this.shortcut)) return;
    if (isTypingTarget(event.target) || !this.isForThisPlayer(event.target)) return;
    this.toggle();
  };

  /**
   * "While the player has focus": the key event comes from inside the player (the smallest
   * ancestor of the container that holds its media element), or from the page itself when this is
   * the only overlay on it (nothing focused yet: a viewer who just pressed the keys means it).
   */
  private isForThisPlayer(target: EventTarget | null): boolean {
    const node = target as Node | null;
    const page =
      node === null ||
      node === this.doc ||
      node === this.doc.body ||
      node === this.doc.documentElement;
    if (page) return overlayCount(this.doc) === 1;
    return playerScope(this.container).contains(node);
  }

  private renderNow(): void {
    const stats = safeStats(this.handle);
    if (stats) this.render(stats, Date.now());
  }

  private render(stats: P2PPlayerStats, nowMs: number): void {
    this.view.renderNumbers(stats);
    this.view.chart.draw(nowMs);
  }
}

/** The handle's stats, or undefined when it cannot give any yet (custom handles may throw early). */
function safeStats(handle: P2PPlayerHandle): P2PPlayerStats | undefined {
  try {
    return handle.getStats();
  } catch {
    return undefined;
  }
}

/** The smallest ancestor of `container` (itself included, body excluded) holding a media element. */
function playerScope(container: HTMLElement): Element {
  const body = container.ownerDocument.body;
  for (
    let element: Element | null = container;
    element && element !== body;
    element = element.parentElement
  ) {
    if (element.querySelector('video, audio')) return element;
  }
  const parent = container.parentElement;
  return parent && parent !== body ? parent : container;
}

/**
 * The overlay is absolutely positioned in its container; a statically positioned container gets
 * `position: relative` (no visual change: no offsets) so the corner is the container's own, and
 * gets its inline value back on destroy.
 */
function positionContainer(container: HTMLElement): () => void {
  const view = container.ownerDocument.defaultView;
  if (!view || view.getComputedStyle(container).position !== 'static') return () => undefined;
  const previous = container.style.position;
  container.style.position = 'relative';
  return () => {
    container.style.position = previous;
  };
}

/**
 * Mounts the stats overlay in `container` (a player's UI layer, or any element around a `<video>`)
 * for `handle`. The overlay is hidden until shown with its button, the toggle key (default
 * Shift+P while the player has focus), `show()`, or `options.visible`. Numbers and a 60 s chart of
 * download rate by source update on the handle's `stats` event (once per second). When `handle` is
 * a session from `createPlayerSession`, the session adopts the overlay: `handle.overlay` returns
 * it and `handle.destroy()` destroys it. `destroy()` removes the element, the listeners and, with
 * the last overlay of the document, the stylesheet.
 *
 * @param container - element the overlay is appended to (it covers a corner of it)
 * @param handle - the player's P2P handle (works before any source is loaded)
 * @param options - visibility, toggle key and corner; see {@link OverlayOptions}
 */
export function createStatsOverlay(
  container: HTMLElement,
  handle: P2PPlayerHandle,
  options: OverlayOptions = {},
): StatsOverlayHandle {
  const overlay = new StatsOverlay(container, handle, options);
  offerOverlay(handle, overlay);
  return overlay;
}

/**
 * The overlay options meant by a plugin's `overlay` option: `true` shows it at start, an object is
 * used as given, anything else (`false`, absent) leaves it hidden until toggled.
 */
export function overlayOptionsFrom(option: boolean | OverlayOptions | undefined): OverlayOptions {
  if (option === true) return { visible: true };
  return typeof option === 'object' ? option : {};
}
