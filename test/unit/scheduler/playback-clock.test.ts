import { PlaybackClock } from '../../../core/scheduler/playback-clock.js';

describe('PlaybackClock', () => {
  it('extrapolates the position at the playback rate', () => {
    const clock = new PlaybackClock();
    clock.update({ position: 10, rate: 1 }, 1000);
    expect(clock.positionAt(3000)).toBeCloseTo(12);
    clock.update({ position: 10, rate: 2 }, 1000);
    expect(clock.positionAt(2000)).toBeCloseTo(12);
  });

  it('does not extrapolate past the buffered end (playback stalls there)', () => {
    const clock = new PlaybackClock();
    clock.update({ position: 10, rate: 1, bufferedEnd: 11 }, 0);
    expect(clock.positionAt(5000)).toBeCloseTo(11);
  });

  it('counts slack to the end of the buffer when the segment starts after a gap', () => {
    const clock = new PlaybackClock();
    // Live startup: the media element sits at 0 with nothing buffered; the first segment is at 120 s.
    clock.update({ position: 0, rate: 0, bufferedEnd: 0 }, 0);
    expect(clock.slackSeconds(120, 0)).toBe(0);
    clock.update({ position: 100, rate: 1, bufferedEnd: 106 }, 0);
    expect(clock.slackSeconds(106, 0)).toBeCloseTo(6);
    expect(clock.slackSeconds(108, 0)).toBeCloseTo(6);
  });

  it('treats paused playback as normal speed for deadlines', () => {
    const clock = new PlaybackClock();
    clock.update({ position: 10, rate: 0, bufferedEnd: 14 }, 0);
    expect(clock.slackSeconds(14, 10_000)).toBeCloseTo(4);
  });

  it('extends the buffered end by what the stream is known to hold, never shortens it', () => {
    const clock = new PlaybackClock();
    clock.update({ position: 10, rate: 1, bufferedEnd: 12 }, 0);
    // The element's end is the lagging stream's; this stream holds up to 16.
    expect(clock.slackSeconds(16, 0, () => 16)).toBeCloseTo(6);
    expect(clock.slackSeconds(16, 0, () => 11)).toBeCloseTo(2);
    expect(clock.slackSeconds(14, 0, () => 20)).toBeCloseTo(4); // the segment's start comes first
    // Unknown buffered end: the segment's start alone counts, as before.
    clock.update({ position: 10, rate: 1 }, 0);
    expect(clock.slackSeconds(14, 0, () => 11)).toBeCloseTo(4);
  });
});
