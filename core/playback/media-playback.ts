/**
 * Feeds the engine the playback state of the media element: position, rate and how far the buffer
 * reaches, so the scheduler knows which segments are due when.
 */
import type { PlaybackState } from '../model/segment.js';

/** The members of `HTMLMediaElement` the reporter reads. */
export type MediaElementLike = Pick<
  HTMLMediaElement,
  | 'currentTime'
  | 'paused'
  | 'playbackRate'
  | 'buffered'
  | 'addEventListener'
  | 'removeEventListener'
>;

/** Events after which the playback state may have changed in a way the scheduler cares about. */
const PLAYBACK_EVENTS = [
  'timeupdate',
  'seeking',
  'seeked',
  'ratechange',
  'pause',
  'play',
  'playing',
] as const;

/**
 * Buffered ranges are reported with small holes between appended segments; a range starting
 * within this many seconds after the position still counts as the one playback is in.
 */
const BUFFER_HOLE_TOLERANCE_SECONDS = 0.1;

/** The playback state of a media element now. */
export function readPlaybackState(media: MediaElementLike): PlaybackState {
  const position = media.currentTime;
  const rate = media.paused ? 0 : media.playbackRate;
  const { buffered } = media;
  let bufferedEnd = position;
  for (let i = 0; i < buffered.length; i++) {
    const start = buffered.start(i);
    const end = buffered.end(i);
    if (start <= position + BUFFER_HOLE_TOLERANCE_SECONDS && end >= position) {
      bufferedEnd = Math.max(bufferedEnd, end);
    }
  }
  return { position, rate, bufferedEnd };
}

/** Reports a media element's playback state on every relevant event until destroyed. */
export class MediaPlaybackReporter {
  private readonly listener = (): void => {
    this.report();
  };
  private destroyed = false;

  /**
   * @param media - the element to watch
   * @param onState - receives the state; called once at once, then on each event
   */
  constructor(
    private readonly media: MediaElementLike,
    private readonly onState: (state: PlaybackState) => void,
  ) {
    for (const event of PLAYBACK_EVENTS) media.addEventListener(event, this.listener);
    this.report();
  }

  /** Reports the current state now (e.g. after hls.js appended to the buffer). */
  report(): void {
    if (this.destroyed) return;
    this.onState(readPlaybackState(this.media));
  }

  /** Removes the listeners. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const event of PLAYBACK_EVENTS) this.media.removeEventListener(event, this.listener);
  }
}
