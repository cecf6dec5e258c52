/** The stats overlay: see {@link createStatsOverlay}. */
export { createStatsOverlay, overlayOptionsFrom } from './stats-overlay.js';
export { OVERLAY_STAT_NAMES, type OverlayStatName } from './overlay-view.js';
export { OVERLAY_CLASS, OVERLAY_EXTERNAL_TOGGLE_CLASS } from './styles.js';
export { DEFAULT_TOGGLE_KEY } from './toggle-key.js';
