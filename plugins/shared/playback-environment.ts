/**
 * What the page offers for P2P playback: Media Source Extensions, WebRTC, hls.js and Shaka. Read
 * once per decision from the global scope so that tests (and odd embeds) can pass their own.
 */
import type { HlsClassLike } from '../../adapters/hlsjs/hlsjs-types.js';
import type { ShakaNamespace } from '../../adapters/shaka/shaka-types.js';
import type { P2PPluginOptions } from './contract.js';

/** The facts `chooseEngine` decides on. */
export interface PlaybackEnvironment {
  /** The plugin is on (`enabled` option not `false`). */
  readonly enabled: boolean;
  /** `MediaSource` or `ManagedMediaSource` (Safari 17.1+, iOS) exists. */
  readonly mse: boolean;
  /** `RTCPeerConnection` exists (WebRTC data channels). */
  readonly webrtc: boolean;
  /** hls.js is available and `Hls.isSupported()` says it can play here. */
  readonly hlsjs: boolean;
  /** Shaka is available now (option or global) or can be loaded (`loadShaka`). */
  readonly shaka: boolean;
}

/** The global members read here. */
interface PlaybackGlobals {
  readonly MediaSource?: unknown;
  readonly ManagedMediaSource?: unknown;
  readonly WebKitMediaSource?: unknown;
  readonly RTCPeerConnection?: unknown;
  readonly Hls?: HlsClassLike;
  readonly shaka?: ShakaNamespace;
}

/** hls.js's static support check, absent from the structural class type. */
function hlsSupported(Hls: HlsClassLike | undefined, mse: boolean): boolean {
  if (!Hls) return false;
  const check = (Hls as { isSupported?: () => boolean }).isSupported;
  return typeof check === 'function' ? check.call(Hls) : mse;
}

/**
 * Reads the environment for `options` from `scope` (default `globalThis`).
 *
 * @param options - validated plugin options: `enabled`, and the `Hls`/`shaka`/`loadShaka`
 *   libraries, which win over the scope's globals
 */
export function detectEnvironment(
  options: P2PPluginOptions,
  scope: object = globalThis,
): PlaybackEnvironment {
  const globals = scope as PlaybackGlobals;
  const mse =
    typeof globals.MediaSource === 'function' ||
    typeof globals.ManagedMediaSource === 'function' ||
    typeof globals.WebKitMediaSource === 'function';
  return {
    enabled: options.enabled !== false,
    mse,
    webrtc: typeof globals.RTCPeerConnection === 'function',
    hlsjs: hlsSupported(options.Hls ?? globals.Hls, mse),
    shaka:
      options.shaka !== undefined || globals.shaka !== undefined || options.loadShaka !== undefined,
  };
}
