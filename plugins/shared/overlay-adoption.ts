/**
 * How an overlay becomes its session's `overlay` (and is destroyed with it) without the overlay
 * module depending on the session's implementation. A registry symbol (`Symbol.for`) so that a
 * session and an overlay from two copies of this code (two plugin bundles) still recognise each
 * other.
 */
import type { StatsOverlayHandle } from './contract.js';

/** Method key under which a session accepts the overlay drawn for it. */
export const ADOPT_OVERLAY: unique symbol = Symbol.for('p2p-media-loader.adoptOverlay') as never;

/** Hands `overlay` to `handle` when the handle is a session that adopts overlays. */
export function offerOverlay(handle: object, overlay: StatsOverlayHandle): void {
  const adopt = (handle as { [ADOPT_OVERLAY]?: unknown })[ADOPT_OVERLAY];
  if (typeof adopt === 'function') adopt.call(handle, overlay);
}
