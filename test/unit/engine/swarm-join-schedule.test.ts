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

  it('joins 1 s after the first delivered segment of a live source, and only earlier on later ones', () => {
    const { joins, schedule: join } = schedule();
    const startMs = performance.now();
    join.start(startMs);
    jest.advanceTimersByTime(500);
    join.segmentDelivered(performance.now(), true);
    jest.advanceTimersByTime(500);
    join.segmentDelivered(performance.now(), true); // would be later: ignored
    jest.advanceTimersByTime(499);
    expect(joins).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(joins).toEqual([startMs + 1500]);
  });

  it('joins as soon as the first segment of a VOD source was delivered', () => {
    const { joins, schedule: join } = schedule();
    const startMs = performance.now();
    join.start(startMs);
    jest.advanceTimersByTime(300);
    join.segmentDelivered(performance.now(), false);
    jest.advanceTimersByTime(0);
    expect(joins).toEqual([startMs + 300]);
    expect(join.joined).toBe(true);
  });

  it('lets background prefetch begin only once playback has run', () => {
    const { schedule: join } = schedule();
    join.start(performance.now());
    join.segmentDelivered(performance.now(), false);
    jest.advanceTimersByTime(0);
    expect(join.joined).toBe(true);
    expect(join.playbackStarted).toBe(false);
    join.playbackRunning(performance.now());
    expect(join.playbackStarted).toBe(true);
    join.start(performance.now()); // a new source starts over
    expect(join.playbackStarted).toBe(false);
  });

  it('joins right after playback starts running', () => {
    const { joins, schedule: join } = schedule();
    join.start(performance.now());
    join.segmentDelivered(performance.now(), true);
    jest.advanceTimersByTime(200);
    join.playbackRunning(performance.now());
    jest.advanceTimersByTime(100);
    expect(joins).toHaveLength(1);
    join.playbackRunning(performance.now()); // joined already: nothing more
    jest.advanceTimersByTime(5000);
    expect(joins).toHaveLength(1);
  });

  it('counts the warm-up from the join, and never joins after stop()', () => {
    const { joins, schedule: join } = schedule();
    const startMs = performance.now();
    join.start(startMs);
    expect(join.warmupSeconds(startMs)).toBeCloseTo(5); // latest join + 2 s to connect
    join.playbackRunning(startMs);
    jest.advanceTimersByTime(100);
    expect(join.warmupSeconds(performance.now())).toBeCloseTo(2);
    join.stop();
    expect(join.joined).toBe(false);
    join.segmentDelivered(performance.now(), false); // no source: ignored
    join.playbackRunning(performance.now());
    jest.advanceTimersByTime(10_000);
    expect(joins).toHaveLength(1);
  });
});
