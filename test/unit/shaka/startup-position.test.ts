import { StartupPosition } from '../../../adapters/shaka/startup-position.js';

const HAVE_NOTHING = 0;
const HAVE_METADATA = 1;
const HAVE_ENOUGH_DATA = 4;

/** The element before Shaka set its start position: at 0, nothing buffered, paused. */
const UNSTARTED = { position: 0, rate: 0, bufferedEnd: 0 };

describe('StartupPosition', () => {
  it("stands in for a live element's position with Shaka's start (its seek range end)", () => {
    const startup = new StartupPosition();
    expect(startup.adjust(UNSTARTED, HAVE_NOTHING, 1044.4)).toEqual(UNSTARTED); // nothing asked yet
    expect(startup.segmentRequested(1042)).toBe(true);
    // Shaka also fetched the segment before its start: the start, not that segment, is the position.
    expect(startup.adjust(UNSTARTED, HAVE_METADATA, 1044.4)).toEqual({
      position: 1044.4,
      rate: 0,
      bufferedEnd: 1044.4,
    });
    expect(startup.segmentRequested(1044)).toBe(false);
  });

  it('never puts the position before the earliest segment requested (a start set by the app)', () => {
    const startup = new StartupPosition();
    startup.segmentRequested(1100);
    expect(startup.adjust(UNSTARTED, HAVE_NOTHING, 1044.4).position).toBe(1100);
    expect(startup.segmentRequested(1098)).toBe(true);
    expect(startup.adjust(UNSTARTED, HAVE_NOTHING, 1044.4).position).toBe(1098);
  });

  it("reports a VOD element's own state: its position is right from the start", () => {
    const startup = new StartupPosition();
    startup.segmentRequested(0);
    expect(startup.adjust(UNSTARTED, HAVE_NOTHING, undefined)).toEqual(UNSTARTED);
  });

  it("reports the element's own state for good once it has data at its position", () => {
    const startup = new StartupPosition();
    startup.segmentRequested(1042);
    const playing = { position: 1043, rate: 1, bufferedEnd: 1048 };
    expect(startup.adjust(playing, HAVE_ENOUGH_DATA, 1044.4)).toEqual(playing);
    // A later seek or stall drops readyState: that state is real, not startup.
    const seeking = { position: 900, rate: 1, bufferedEnd: 900 };
    expect(startup.adjust(seeking, HAVE_METADATA, 1050)).toEqual(seeking);
    expect(startup.segmentRequested(900)).toBe(false);
  });

  it('starts over for a new source', () => {
    const startup = new StartupPosition();
    startup.adjust({ position: 5, rate: 1, bufferedEnd: 9 }, HAVE_ENOUGH_DATA, 5);
    startup.reset();
    expect(startup.segmentRequested(60)).toBe(true);
    expect(startup.adjust(UNSTARTED, HAVE_NOTHING, 61).position).toBe(61);
  });
});
