/**
 * The beacon's schema-2 playback times: startup from the play request (or the load) to the first
 * frame of each source, and stall time from a `waiting` after playback started to the next
 * `playing`, never while seeking.
 */
import { PlaybackTimings } from '../../../plugins/shared/stats-beacon-playback.js';

class FakeMedia extends EventTarget {
  seeking = false;
  fire(type: string): void {
    this.dispatchEvent(new Event(type));
  }
}

describe('PlaybackTimings', () => {
  it('measures startup from the play request and stall time between waiting and playing', () => {
    let now = 0;
    let firstFrames = 0;
    const timings = new PlaybackTimings(
      () => now,
      () => firstFrames++,
    );
    const media = new FakeMedia();
    timings.watch(media);
    media.fire('loadstart');
    now = 2000;
    media.fire('play');
    expect(timings.startupMs).toBeNull();
    now = 2600;
    media.fire('playing');
    expect(timings.startupMs).toBe(600);
    expect(firstFrames).toBe(1);
    now = 5000;
    media.fire('waiting');
    now = 5400;
    expect(timings.stallMs).toBe(400);
    now = 5750;
    media.fire('playing');
    // Seeking: waiting for the new position is not a stall.
    media.seeking = true;
    media.fire('seeking');
    media.fire('waiting');
    now = 9000;
    media.seeking = false;
    media.fire('playing');
    expect(timings.stallMs).toBe(750);
    // A new source: startup is measured again; stall time keeps adding up.
    media.fire('emptied');
    media.fire('loadstart');
    expect(timings.startupMs).toBeNull();
    now = 9300;
    media.fire('playing');
    expect(timings.startupMs).toBe(300);
    expect(firstFrames).toBe(2);
    timings.unwatch();
    media.fire('waiting');
    now = 20_000;
    expect(timings.stallMs).toBe(750);
  });
});
