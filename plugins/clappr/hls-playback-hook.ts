/**
 * Plugs a source's engine into one instance of Clappr's hls.js playback (`@clappr/hlsjs-playback`)
 * through the two options that playback reads for every hls.js instance it creates:
 * `playback.hlsjsConfig` (our loaders go in) and `hlsPlayback.customListeners` (bound to each new
 * instance before it attaches the video, which is where we learn the instance).
 *
 * The playback creates a new hls.js instance on first render, on `play()` after `stop()` (its live
 * "stop" button) and on `load()`; all of them get the same loaders, so they all serve the one
 * source's engine, and each is bound in turn.
 */
import type { HlsInstanceLike } from '../shared/library-types.js';
import type { P2PPlayerSession, PlayerSource } from '../shared/contract.js';
import type { ClapprPlaybackLike, HlsCustomListener } from './clappr-types.js';

/** `name` of `@clappr/hlsjs-playback`'s playback. */
export const HLSJS_PLAYBACK_NAME = 'hls';

/**
 * `Hls.Events.MEDIA_ATTACHING`: emitted by `attachMedia()`, right after the playback created the
 * instance and before it loads the manifest. A string, not `Hls.Events`, because the hls.js that
 * Clappr runs may not be the page's global; the name is the same across hls.js 1.x.
 */
const MEDIA_ATTACHING = 'hlsMediaAttaching';

function looksLikeHls(value: unknown): value is HlsInstanceLike {
  const candidate = value as Partial<HlsInstanceLike> | null | undefined;
  return typeof candidate?.on === 'function' && typeof candidate.off === 'function';
}

/**
 * Gives `playback` (not created any hls.js instance yet) the engine of `source`: merges the
 * session's loaders into this playback's own copy of the options, over `playback.hlsjsConfig` and
 * the plugin's `hlsConfig` (our loaders always win), and binds every hls.js instance it creates.
 */
export function plugIntoHlsPlayback(
  playback: ClapprPlaybackLike,
  session: P2PPlayerSession,
  source: PlayerSource,
): void {
  const { options } = playback;
  const { loaders, bind } = session.prepareHls(source);
  // New objects, never the shared ones: Clappr's container factory copies the options shallowly,
  // so `options.playback` is the player's object, also read by the next source's playback.
  options.playback = {
    ...options.playback,
    hlsjsConfig: { ...options.playback?.hlsjsConfig, ...session.options.hlsConfig, ...loaders },
  };
  const bindEachInstance: HlsCustomListener = {
    eventName: MEDIA_ATTACHING,
    callback(this: unknown) {
      if (!looksLikeHls(this)) {
        session.reportError(
          new Error('p2p-media-loader: the hls.js playback did not expose its Hls instance'),
          false,
        );
        return;
      }
      // False when the source already ended (the playback outlived its container): its engine
      // is gone and this instance goes on over HTTP.
      bind(this);
    },
  };
  options.hlsPlayback = {
    ...options.hlsPlayback,
    customListeners: [...(options.hlsPlayback?.customListeners ?? []), bindEachInstance],
  };
}
