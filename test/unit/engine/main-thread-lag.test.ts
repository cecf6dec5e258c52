/**
 * The main-thread probe: how samples become levels (smoothing, hysteresis, the recovery hold), and
 * the probe's lifecycle on a fake clock (one timer while running, none after stop or destroy).
 */
import {
  DEFAULT_LAG_PROBE_INTERVAL_MS,
  LAG_RECOVERY_HOLD_MS,
  LagLevelTracker,
  MainThreadLagMonitor,
  type LongTaskSource,
  type MainThreadLevel,
  type MainThreadLoad,
} from '../../../core/engine/main-thread-lag.js';

/** Feeds `count` samples of `lagMs`, one per probe interval from `fromMs`; returns the end time. */
function feed(tracker: LagLevelTracker, lagMs: number, count: number, fromMs: number): number {
  let nowMs = fromMs;
  for (let i = 0; i < count; i++) {
    nowMs += DEFAULT_LAG_PROBE_INTERVAL_MS;
    tracker.addSample(lagMs, nowMs);
  }
  return nowMs;
}

describe('LagLevelTracker', () => {
  it('stays normal on a thread with frame-sized delays', () => {
    const tracker = new LagLevelTracker();
    feed(tracker, 16, 100, 0);
    expect(tracker.level).toBe('normal');
    expect(tracker.lagMs).toBeLessThan(17);
  });

  it('becomes strained on sustained long tasks and starved on longer ones, within a second or two', () => {
    const strained = new LagLevelTracker();
    feed(strained, 80, 3, 0);
    expect(strained.level).toBe('normal'); // three samples: 80 * (1 - 0.75^3) = 46 ms
    feed(strained, 80, 1, 750);
    expect(strained.level).toBe('strained');

    const starved = new LagLevelTracker();
    feed(starved, 400, 2, 0); // 100 ms, then 175 ms
    expect(starved.level).toBe('starved');
  });

  it('escalates at once but recovers only after the lag stayed low for the hold time', () => {
    const tracker = new LagLevelTracker();
    let nowMs = feed(tracker, 400, 8, 0);
    expect(tracker.level).toBe('starved');
    // Lag gone: the EWMA falls below 25 ms within ~10 samples; the level waits for the hold.
    const levels: MainThreadLevel[] = [];
    for (let i = 0; i < 40; i++) {
      nowMs += DEFAULT_LAG_PROBE_INTERVAL_MS;
      levels.push(tracker.addSample(0, nowMs));
    }
    // The first sample below the starved exit (100 ms) starts the hold; nothing drops before it ends.
    const firstDrop = levels.findIndex((level) => level !== 'starved');
    expect(firstDrop).toBeGreaterThanOrEqual(LAG_RECOVERY_HOLD_MS / DEFAULT_LAG_PROBE_INTERVAL_MS);
    expect(levels.at(-1)).toBe('normal');
  });

  it('holds strained between the exit and enter thresholds (hysteresis)', () => {
    const tracker = new LagLevelTracker();
    const nowMs = feed(tracker, 60, 20, 0);
    expect(tracker.level).toBe('strained');
    feed(tracker, 35, 40, nowMs); // below 50 (enter), above 25 (exit)
    expect(tracker.level).toBe('strained');
    const fresh = new LagLevelTracker();
    feed(fresh, 35, 40, 0);
    expect(fresh.level).toBe('normal');
  });

  it('does not flap with periodic bursts: one long task every two seconds keeps the level', () => {
    const tracker = new LagLevelTracker();
    let nowMs = feed(tracker, 200, 4, 0);
    expect(tracker.level).toBe('strained');
    const seen = new Set<MainThreadLevel>();
    for (let i = 0; i < 80; i++) {
      nowMs += DEFAULT_LAG_PROBE_INTERVAL_MS;
      seen.add(tracker.addSample(i % 8 === 0 ? 300 : 5, nowMs));
    }
    // Each burst lifts the EWMA back over 25 ms before the 2 s hold ends: never back to normal.
    expect(seen.has('normal')).toBe(false);
  });

  it('caps a single huge sample (sleep, debugger) so that it cannot pin the level for long', () => {
    const tracker = new LagLevelTracker();
    let nowMs = feed(tracker, 600_000, 1, 0);
    expect(tracker.lagMs).toBe(250);
    nowMs = feed(tracker, 0, 20, nowMs);
    expect(tracker.level).toBe('normal');
    expect(nowMs).toBeLessThanOrEqual(5250);
  });

  it('ignores nonsense samples and resets', () => {
    const tracker = new LagLevelTracker();
    tracker.addSample(Number.NaN, 0);
    tracker.addSample(-50, 250);
    expect(tracker.lagMs).toBe(0);
    feed(tracker, 400, 4, 500);
    tracker.reset();
    expect(tracker.level).toBe('normal');
    expect(tracker.lagMs).toBe(0);
  });
});

/** A fake clock with timers the test fires by hand, late by a chosen amount. */
class FakeTimers {
  nowMs = 1000;
  readonly pending = new Map<number, { callback: () => void; dueAtMs: number }>();
  armed = 0;
  private nextId = 1;

  readonly setTimer = (callback: () => void, delayMs: number): unknown => {
    const id = this.nextId++;
    this.armed++;
    this.pending.set(id, { callback, dueAtMs: this.nowMs + delayMs });
    return id;
  };

  readonly clearTimer = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** Fires the one pending timer `lateMs` after it was due. */
  fire(lateMs: number): void {
    expect(this.pending.size).toBe(1);
    const [id, timer] = [...this.pending][0] as [number, { callback: () => void; dueAtMs: number }];
    this.pending.delete(id);
    this.nowMs = timer.dueAtMs + lateMs;
    timer.callback();
  }
}

function probe(
  timers: FakeTimers,
  extra: { hidden?: () => boolean; longTasks?: LongTaskSource | null } = {},
): MainThreadLagMonitor {
  return new MainThreadLagMonitor({
    now: () => timers.nowMs,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    isHidden: extra.hidden ?? (() => false),
    longTasks: extra.longTasks ?? null,
  });
}

describe('MainThreadLagMonitor', () => {
  it('arms no timer until started, exactly one while running, and none after stop', () => {
    const timers = new FakeTimers();
    const monitor = probe(timers);
    expect(timers.pending.size).toBe(0);
    monitor.start();
    monitor.start();
    expect(timers.pending.size).toBe(1);
    for (let i = 0; i < 5; i++) timers.fire(0);
    expect(timers.pending.size).toBe(1);
    monitor.stop();
    expect(timers.pending.size).toBe(0);
    expect(monitor.running).toBe(false);
    monitor.destroy();
  });

  it('measures lateness, reports level changes and ticks on every firing', () => {
    const timers = new FakeTimers();
    const monitor = probe(timers);
    const changes: MainThreadLoad[] = [];
    let ticks = 0;
    monitor.onChange((load) => changes.push(load));
    monitor.onTick(() => ticks++);
    monitor.start();
    timers.fire(400);
    timers.fire(400);
    expect(ticks).toBe(2);
    expect(monitor.level).toBe('starved');
    expect(changes.map((c) => c.level)).toEqual(['strained', 'starved']);
    expect(changes[1]?.lagMs).toBe(175);
    // Recovery: low lag for the hold time returns to normal, reported once.
    for (let i = 0; i < 30; i++) timers.fire(1);
    expect(monitor.level).toBe('normal');
    expect(changes.at(-1)?.level).toBe('normal');
    monitor.destroy();
  });

  it('takes the longest long task since the previous firing as a sample when it exceeds the lateness', () => {
    const timers = new FakeTimers();
    let report: ((durationMs: number) => void) | undefined;
    let observing = false;
    const longTasks: LongTaskSource = (onLongTask) => {
      report = onLongTask;
      observing = true;
      return () => {
        observing = false;
      };
    };
    const monitor = probe(timers, { longTasks });
    monitor.start();
    expect(observing).toBe(true);
    report?.(120);
    report?.(400);
    timers.fire(0); // on time, yet a 400 ms task ran in between
    expect(monitor.load.lagMs).toBe(100);
    timers.fire(0); // the long task counted once only
    expect(monitor.load.lagMs).toBe(75);
    monitor.stop();
    expect(observing).toBe(false);
    monitor.destroy();
  });

  it('drops samples while the page is hidden (throttled timers say nothing about load)', () => {
    const timers = new FakeTimers();
    let hidden = true;
    const monitor = probe(timers, { hidden: () => hidden });
    let ticks = 0;
    monitor.onTick(() => ticks++);
    monitor.start();
    for (let i = 0; i < 5; i++) timers.fire(750);
    expect(monitor.level).toBe('normal');
    expect(ticks).toBe(5); // periodic work still runs
    hidden = false;
    timers.fire(750);
    expect(monitor.level).not.toBe('normal');
    monitor.destroy();
  });

  it('stop returns to normal (reporting it); destroy leaves no timer and ignores start', () => {
    const timers = new FakeTimers();
    const monitor = probe(timers);
    const levels: string[] = [];
    monitor.onChange((load) => levels.push(load.level));
    monitor.start();
    timers.fire(400);
    timers.fire(400);
    monitor.stop();
    expect(levels).toEqual(['strained', 'starved', 'normal']);
    expect(monitor.load).toEqual({ level: 'normal', lagMs: 0 });
    monitor.start();
    monitor.destroy();
    monitor.destroy();
    expect(timers.pending.size).toBe(0);
    const armedBefore = timers.armed;
    monitor.start();
    expect(timers.armed).toBe(armedBefore);
    expect(timers.pending.size).toBe(0);
  });

  it('a tick listener that stops the probe ends that firing without re-arming', () => {
    const timers = new FakeTimers();
    const monitor = probe(timers);
    const seen: number[] = [];
    monitor.onTick(() => {
      seen.push(1);
      monitor.stop();
    });
    monitor.onTick(() => seen.push(2));
    monitor.start();
    timers.fire(0);
    expect(seen).toEqual([1]);
    expect(timers.pending.size).toBe(0);
    monitor.destroy();
  });

  it('spreads its intervals over ±25 % so that it cannot lock in phase with a periodic task', () => {
    const timers = new FakeTimers();
    const delays: number[] = [];
    const setTimer = (callback: () => void, delayMs: number): unknown => {
      delays.push(delayMs);
      return timers.setTimer(callback, delayMs);
    };
    let draw = 0;
    const monitor = new MainThreadLagMonitor({
      now: () => timers.nowMs,
      setTimer,
      clearTimer: timers.clearTimer,
      random: () => [0, 0.5, 0.999][draw++ % 3] as number,
      isHidden: () => false,
      longTasks: null,
    });
    monitor.start();
    timers.fire(0);
    timers.fire(0);
    expect(delays).toEqual([188, 250, 312]);
    expect(monitor.load.lagMs).toBe(0); // lateness is measured against each firing's own delay
    monitor.destroy();
  });

  it('rejects an interval too short to be a cheap probe', () => {
    expect(() => new MainThreadLagMonitor({ intervalMs: 1, longTasks: null })).toThrow(RangeError);
  });

  it('runs on real timers in Node and leaves none behind', async () => {
    const monitor = new MainThreadLagMonitor({ intervalMs: 20, longTasks: null });
    let ticks = 0;
    const ticked = new Promise<void>((resolve) => {
      monitor.onTick(() => {
        if (++ticks === 2) resolve();
      });
    });
    monitor.start();
    await ticked;
    monitor.destroy();
    expect(monitor.running).toBe(false);
    expect(monitor.level).toBe('normal');
  });
});
