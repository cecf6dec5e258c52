/**
 * The engine and adapter types player plugins need, re-exported for them: a player plugin reaches
 * `core/` and `adapters/` only through `plugins/shared` (a lint rule in eslint.boundaries.js holds
 * this), so this module is the one door for types that the shared layer's contract does not already
 * carry. Types only: nothing here adds code to a bundle. It is not part of the public
 * `p2p-media-loader/plugins` entry point (index.ts), whose exports stay as they were.
 */

/**
 * The subset of an hls.js instance the plugins drive (attach, load, levels, audio tracks, events);
 * typed structurally so no plugin imports hls.js at run time.
 */
export type { HlsInstanceLike } from '../../adapters/hlsjs/hlsjs-types.js';

/** The hls.js class as a constructor of {@link HlsInstanceLike} (the page's or a bundled copy). */
export type { HlsClassLike } from '../../adapters/hlsjs/hlsjs-types.js';

/** The `shaka` namespace the plugins start Shaka Player from (the page's or a bundled copy). */
export type { ShakaNamespace } from '../../adapters/shaka/shaka-types.js';

/** The subset of a Shaka Player instance the plugins drive. */
export type { ShakaPlayerLike } from '../../adapters/shaka/shaka-types.js';

/** A listener of one event of a typed event map (the engine's and the session's emitters). */
export type { Listener } from '../../core/events/typed-emitter.js';
