/**
 * What the source handler gives the code that plays one source in one tech (hls.js or Shaka), and
 * what it gets back: a playback it disposes when the source changes or the tech goes away.
 */
import type { P2PPlayerSession, PlayerSource } from '../shared/contract.js';
import type { PlayerLike, TechLike, VideojsLike } from './videojs-types.js';

/** Everything a playback needs. */
export interface PlaybackContext {
  readonly source: PlayerSource;
  /** The Html5 tech: `tech.el()` is the video element the library attaches to. */
  readonly tech: TechLike;
  readonly player: PlayerLike;
  readonly session: P2PPlayerSession;
  /** `videojs.AudioTrack`. */
  readonly AudioTrack: VideojsLike['AudioTrack'];
  /** Ends playback with an error shown by the player (`player.error`), reported as fatal. */
  fail(code: MediaErrorCode, message: string): void;
}

/** One source playing. */
export interface Playback {
  /** Destroys the library instance and removes quality levels, audio tracks and listeners. */
  dispose(): void;
}

/** `MediaError` codes Video.js shows messages for. */
export const MediaErrorCode = {
  NETWORK: 2,
  DECODE: 3,
  SRC_NOT_SUPPORTED: 4,
} as const;

/** One of {@link MediaErrorCode}'s values. */
export type MediaErrorCode = (typeof MediaErrorCode)[keyof typeof MediaErrorCode];
