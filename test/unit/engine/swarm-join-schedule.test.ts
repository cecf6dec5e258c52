import { SwarmJoinSchedule } from '../../../core/engine/swarm-join-schedule.js';

describe('SwarmJoinSchedule', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  function schedule(): { joins: number[]; schedule: SwarmJoinSchedule } {
    const joins: number[] = [];
    return {
      joins,
      schedule: new SwarmJoinSchedule(() => {
        joins.push(performance.now());
      }),
    };
  }

  it('joins 3 s after the source was set when nothing else happens', () => {
    const { joins, schedule: join } = schedule();
    join.start(performance.now());
    jest.advanceTimersByTime(2999);
    expect(joins).toHaveLength(0);
    expect(join.joined).toBe(false);
    jest.advanceTimersByTime(1);
    expect(joins).toHaveLength(1);
    expect(join.joined).toBe(true);
  });

  it('joins 1 s after the first delivered segment when playback does not run, and only earlier on later ones', () => {
    const { joins, schedule: join } = schedule();
    const startMs = performance.now();
    join.start(startMs);
    jest.advanceTimersByTime(500);
    join.segmentDelivered(performance.now());
    jest.advanceTimersByTime(500);
    join.segmentDelivered(performance.now()); // would be later: ignored
    jest.advanceTimersByTime(499);
    expect(joins).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(joins).toEqual([startMs + 1500]);
  });

  it('joins once playback runs with a second buffered ahead', () => {
    const { joins, schedule: join } = schedule();
    const startMs = performance.now();
    join.start(startMs);
    join.segmentDelivered(performance.now());
    jest.advanceTimersByTime(200);
    join.playbackRunning(performance.now(), 1);
    jest.advanceTimersByTime(99);
    expect(joins).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(joins).toEqual([startMs + 300]);
    join.playbackRunning(performance.now(), 5); // joined already: nothing more
    jest.advanceTimersByTime(5000);
    expect(joins).toHaveLength(1);
  });

  it('waits while playback runs on a thin buffer, past the first segment deadline', () => {
    const { joins, schedule: join } = schedule();
    const startMs = performance.now();
    join.start(startMs);
    join.segmentDelivered(performance.now()); // deadline: 1 s from now
    jest.advanceTimersByTime(300);
    join.playbackRunning(performance.now(), 0.4); // replaces it: 1.5 s from now at the latest
    jest.advanceTimersByTime(800);
    join.playbackRunning(performance.now(), 0.8);
    expect(joins).toHaveLength(0); // the first segment's deadline has passed
    jest.advanceTimersByTime(300);
    join.playbackRunning(performance.now(), 2.5); // the next segment arrived
    jest.advanceTimersByTime(100);
    expect(joins).toEqual([startMs + 1500]);
  });

  it('joins 1.5 s after playback started when the buffer never reaches a second', () => {
    const { joins, schedule: join } = schedule();
    const startMs = performance.now();
    join.start(startMs);
    join.playbackRunning(performance.now(), 0.5);
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(250);
      join.playbackRunning(performance.now(), 0.9);
    }
    jest.advanceTimersByTime(249);
    expect(joins).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(joins).toEqual([startMs + 1500]);
  });

  it('lets background prefetch begin only once playback has run', () => {
    const { schedule: join } = schedule();
    join.start(performance.now());
    join.segmentDelivered(performance.now());
    jest.advanceTimersByTime(1000);
    expect(join.joined).toBe(true);
    expect(join.playbackStarted).toBe(false);
    join.playbackRunning(performance.now(), 2);
    expect(join.playbackStarted).toBe(true);
    join.start(performance.now()); // a new source starts over
    expect(join.playbackStarted).toBe(false);
  });

  it('counts the warm-up from the pending join, then from the join, and never joins after stop()', () => {
    const { joins, schedule: join } = schedule();
    const startMs = performance.now();
    join.start(startMs);
    expect(join.warmupSeconds(startMs)).toBeCloseTo(5); // join deadline + 2 s to connect
    join.segmentDelivered(startMs);
    expect(join.warmupSeconds(startMs)).toBeCloseTo(3);
    join.playbackRunning(startMs, 3);
    jest.advanceTimersByTime(100);
    expect(join.warmupSeconds(performance.now())).toBeCloseTo(2);
    join.stop();
    expect(join.joined).toBe(false);
    join.segmentDelivered(performance.now()); // no source: ignored
    join.playbackRunning(performance.now(), 3);
    jest.advanceTimersByTime(10_000);
    expect(joins).toHaveLength(1);
  });

  it('does not join for a player nobody started, however long it waits, then joins once it plays', () => {
    const { joins, schedule: join } = schedule();
    const startMs = performance.now();
    join.start(startMs);
    join.playbackPaused(); // the player reports it is paused before it ever ran
    expect(join.waitingForPlay).toBe(true);
    join.segmentDelivered(performance.now()); // preload: its first segment
    // Segments it buffers may wait for peers as long as with the source's default deadline.
    expect(join.warmupSeconds(startMs)).toBeCloseTo(5);
    jest.advanceTimersByTime(600_000);
    expect(joins).toHaveLength(0);
    const playMs = performance.now();
    join.playbackRunning(playMs, 0.5); // started, thin buffer: the latest-join rule applies
    expect(join.waitingForPlay).toBe(false);
    jest.advanceTimersByTime(1499);
    expect(joins).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(joins).toEqual([playMs + 1500]);
  });

  it('keeps a joined or once-played source in the swarm when the player pauses', () => {
    const { joins, schedule: join } = schedule();
    join.start(performance.now());
    join.playbackRunning(performance.now(), 0.5);
    join.playbackPaused(); // the viewer paused after playback ran: the pending join stays
    expect(join.waitingForPlay).toBe(false);
    jest.advanceTimersByTime(1500);
    expect(joins).toHaveLength(1);
    join.playbackPaused(); // and a pause after the join changes nothing
    expect(join.joined).toBe(true);
    expect(join.waitingForPlay).toBe(false);
  });

  it('ignores a pause reported before any source and forgets the wait on a new source', () => {
    const { joins, schedule: join } = schedule();
    join.playbackPaused(); // no source yet
    join.start(performance.now());
    expect(join.waitingForPlay).toBe(false);
    join.playbackPaused();
    expect(join.waitingForPlay).toBe(true);
    join.start(performance.now()); // a new source: its own deadlines until told otherwise
    expect(join.waitingForPlay).toBe(false);
    jest.advanceTimersByTime(3000);
    expect(joins).toHaveLength(1);
  });
});
