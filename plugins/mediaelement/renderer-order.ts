/**
 * Which renderers a P2P player tries, in which order. Pure: the inputs say what the page has, so
 * the rules read (and can be checked) in one place.
 */

/** Name of the plugin's Shaka renderer (`mejs.Renderers`). */
export const P2P_SHAKA_RENDERER = 'p2p_shaka';
/** MediaElement's hls.js renderer. */
export const NATIVE_HLS_RENDERER = 'native_hls';
/** MediaElement's dash.js renderer. */
export const NATIVE_DASH_RENDERER = 'native_dash';

/** What the page offers, as seen when a player is created. */
export interface RendererOrderInput {
  /** `renderers` the page passed to the player (empty: MediaElement's default ranking). */
  readonly requested: readonly string[];
  /** Every registered renderer, in registration order (`mejs.Renderers.order`). */
  readonly registered: readonly string[];
  /** hls.js is loaded (`window.Hls`). */
  readonly hlsjsLoaded: boolean;
  /** The page set `hls.path` itself (where MediaElement loads hls.js from). */
  readonly hlsPathGiven: boolean;
  /** dash.js is loaded (`window.dashjs`). */
  readonly dashjsLoaded: boolean;
  /** The page set `dash.path` itself. */
  readonly dashPathGiven: boolean;
}

/**
 * MediaElement's own ranking when no list is given (renderer.js `select`): `html5`/`native*` first,
 * then `*iframe`, then the rest, keeping registration order within a rank.
 */
function mediaElementRank(name: string): number {
  if (/^(html5|native)/i.test(name)) return 0;
  if (/iframe$/i.test(name)) return 1;
  return 2;
}

/** Renderers that play through Media Source Extensions (the only ones the engine can feed). */
const MSE_RENDERERS: ReadonlySet<string> = new Set([
  P2P_SHAKA_RENDERER,
  NATIVE_HLS_RENDERER,
  NATIVE_DASH_RENDERER,
]);

/**
 * The renderer list for a player with P2P on:
 * - a list the page gave is kept as it is (the page decides; put `p2p_shaka` first for DASH);
 * - otherwise `p2p_shaka`, then MediaElement's MSE renderers, then the rest in MediaElement's
 *   default ranking: DASH goes to Shaka with the engine rather than to dash.js, and HLS to hls.js
 *   rather than to `html5` (MediaElement ranks `html5` first, and browsers with native HLS, such
 *   as Safari and Chromium 14x+, would then play without hls.js and so without P2P). Without
 *   `native_hls` when hls.js is not loaded and without
 *   `native_dash` when dash.js is not loaded, unless the page said where to load them from: those
 *   renderers would fetch the library from a public CDN, which a P2P page must not do behind the
 *   operator's back (without them, HLS falls to Shaka or to the browser's native HLS).
 */
export function rendererOrder(input: RendererOrderInput): string[] {
  if (input.requested.length > 0) return [...input.requested];
  const ranked = input.registered
    .filter((name) => name !== P2P_SHAKA_RENDERER)
    .map((name, index) => ({ name, index, rank: mediaElementRank(name) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ name }) => name);
  const mse = ranked.filter((name) => MSE_RENDERERS.has(name));
  const others = ranked.filter((name) => !MSE_RENDERERS.has(name));
  return [P2P_SHAKA_RENDERER, ...mse, ...others].filter((name) => {
    if (name === NATIVE_HLS_RENDERER) return input.hlsjsLoaded || input.hlsPathGiven;
    if (name === NATIVE_DASH_RENDERER) return input.dashjsLoaded || input.dashPathGiven;
    return true;
  });
}
