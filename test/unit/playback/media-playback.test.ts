import type { PlaybackState } from '../../../core/model/segment.js';
import {
  MediaPlaybackReporter,
  readPlaybackState,
  type MediaElementLike,
} from '../../../core/playback/media-playback.js';

/**
 * A stand-in for a media element: Node has no HTMLMediaElement. Only the members the reporter reads
 * and real event dispatch (EventTarget); real elements are exercised in the Chromium tests.
 */
class MediaStandIn extends EventTarget implements MediaElementLike {
  currentTime = 0;
  paused = true;
  playbackRate = 1;
  ranges: [number, number][] = [];
  listenerCount = 0;

  get buffered(): TimeRanges {
    const ranges = this.ranges;
    return {
      length: ranges.length,
      start: (index: number) => ranges[index]?.[0] ?? Number.NaN,
      end: (index: number) => ranges[index]?.[1] ?? Number.NaN,
    };
  }

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null) {
    this.listenerCount += 1;
    super.addEventListener(type, listener);
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null) {
    this.listenerCount -= 1;
    super.removeEventListener(type, listener);
  }
}

describe('readPlaybackState', () => {
  it('reports rate 0 while paused and the playback rate while playing', () => {
    const media = new MediaStandIn();
    media.playbackRate = 1.5;
    expect(readPlaybackState(media).rate).toBe(0);
    media.paused = false;
    expect(readPlaybackState(media).rate).toBe(1.5);
  });

  it('reports the end of the buffered range playback is in, bridging tiny holes', () => {
    const media = new MediaStandIn();
    media.currentTime = 10;
    media.ranges = [
      [0, 4],
      [9.95, 20],
      [30, 40],
    ];
    expect(readPlaybackState(media)).toEqual({ position: 10, rate: 0, bufferedEnd: 20 });
    media.currentTime = 25;
    expect(readPlaybackState(media).bufferedEnd).toBe(25);
  });
});

describe('MediaPlaybackReporter', () => {
  it('reports at once and after each playback event, and stops listening on destroy', () => {
    const media = new MediaStandIn();
    const states: PlaybackState[] = [];
    const reporter = new MediaPlaybackReporter(media, (state) => states.push(state));
    expect(states).toHaveLength(1);

    media.paused = false;
    media.dispatchEvent(new Event('play'));
    media.currentTime = 3;
    media.dispatchEvent(new Event('timeupdate'));
    media.currentTime = 60;
    media.dispatchEvent(new Event('seeking'));
    media.playbackRate = 2;
    media.dispatchEvent(new Event('ratechange'));
    expect(states.slice(1)).toEqual([
      { position: 0, rate: 1, bufferedEnd: 0 },
      { position: 3, rate: 1, bufferedEnd: 3 },
      { position: 60, rate: 1, bufferedEnd: 60 },
      { position: 60, rate: 2, bufferedEnd: 60 },
    ]);

    reporter.destroy();
    expect(media.listenerCount).toBe(0);
    media.dispatchEvent(new Event('timeupdate'));
    reporter.report();
    expect(states).toHaveLength(5);
  });
});
