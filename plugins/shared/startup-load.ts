/**
 * How much a player that nobody has started may download: the page's `preload` wish, read from the
 * media element as browsers read it for a plain `<video>`, turned into a plan for the hls.js and
 * Shaka players the plugins start (see hls-start.ts and shaka-start.ts).
 *
 * Why (issue 17, "data respect"): hls.js's buffer goal is size-based (`maxBufferSize` 60 MB over the
 * level's bitrate, up to `maxMaxBufferLength` 600 s), so one unstarted VOD embed player downloaded
 * a whole 240 s stream (26 MB) in its first minute. Video.js's own VHS, asked for `preload: 'auto'`,
 * loads the playlists and one segment of a VOD stream before the first play (210 kB of the test VOD
 * HLS stream, 3.8 kB of the live one: playlists only) and buffers only once playing. A page with
 * several players nobody presses play on must not cost its viewers more with the plugin than
 * without it, so the plugins' players do the same:
 * - `preload="none"`: nothing before play (hls.js not even the manifest; Shaka not even `load()`).
 * - `preload="metadata"`: the manifest, no media segments, before play.
 * - `preload="auto"`, `""` or no attribute (hls.js's own default: load at once): a VOD stream's
 *   first {@link UNSTARTED_BUFFER_SECONDS} (one segment: the first frame shows), a live stream's
 *   playlists only (a segment buffered now would be behind the live edge when the viewer plays).
 * - autoplay, or already playing: no restriction.
 * The first play lifts all of it; then the player's own buffer goal applies, also while paused
 * later. The engine adds no prefetch while paused (core/engine/prefetch-planner.ts).
 */

/** What the page asked the element to load before play (`preload`, normalised). */
export type PreloadWish = 'none' | 'metadata' | 'auto';

/**
 * Seconds of a VOD stream an unstarted player with `preload="auto"` buffers ahead: one segment
 * (players load whole segments; any goal above 0 loads the first), as VHS does before play.
 */
export const UNSTARTED_BUFFER_SECONDS = 1;

/** The media element state a plan is made from. */
export interface MediaStartState {
  /** The `preload` attribute as written (null when absent). */
  readonly preloadAttribute: string | null;
  /** The `autoplay` attribute is set. */
  readonly autoplay: boolean;
  /** `paused`: false once something called `play()`. */
  readonly paused: boolean;
}

/** What a player may load before its first play. */
export interface StartupLoadPlan {
  /** The page's wish (`auto` when playing or autoplaying). */
  readonly wish: PreloadWish;
  /** Request the manifest before play (false only for `none`). */
  readonly loadManifest: boolean;
  /** Load media segments before play (false for `none` and `metadata`). */
  readonly loadMedia: boolean;
  /**
   * Cap on the buffer ahead of a VOD stream until the first play, seconds (live streams: 0);
   * undefined: none.
   */
  readonly unstartedBufferSeconds: number | undefined;
}

/** The `preload` attribute as the HTML spec's enumerated attribute reads it. */
export function preloadWishOf(attribute: string | null): PreloadWish {
  const value = attribute?.trim().toLowerCase();
  if (value === 'none') return 'none';
  if (value === 'metadata') return 'metadata';
  // '' is the spec's `auto`; an absent or unknown value is left to the player, which (like
  // hls.js, Shaka and Video.js by default) loads at once: treated as `auto`, within the cap.
  return 'auto';
}

/** The plan for a player about to load into a media element in `state`. */
export function startupLoadPlan(state: MediaStartState): StartupLoadPlan {
  if (!state.paused || state.autoplay) {
    return { wish: 'auto', loadManifest: true, loadMedia: true, unstartedBufferSeconds: undefined };
  }
  const wish = preloadWishOf(state.preloadAttribute);
  return {
    wish,
    loadManifest: wish !== 'none',
    loadMedia: wish === 'auto',
    unstartedBufferSeconds: UNSTARTED_BUFFER_SECONDS,
  };
}

/** The start state of `media` now. */
export function mediaStartState(
  media: Pick<HTMLMediaElement, 'getAttribute' | 'hasAttribute' | 'paused'>,
): MediaStartState {
  return {
    preloadAttribute: media.getAttribute('preload'),
    autoplay: media.hasAttribute('autoplay'),
    paused: media.paused,
  };
}

/**
 * Calls `onPlay` once, on the element's first `play` event (or at once when it already plays);
 * returns the function that stops waiting.
 */
export function onFirstPlay(
  media: Pick<HTMLMediaElement, 'addEventListener' | 'removeEventListener' | 'paused'>,
  onPlay: () => void,
): () => void {
  if (!media.paused) {
    onPlay();
    return () => undefined;
  }
  const listener = (): void => {
    media.removeEventListener('play', listener);
    onPlay();
  };
  media.addEventListener('play', listener);
  return () => {
    media.removeEventListener('play', listener);
  };
}
