/**
 * The simulator's virtual clock: timers fire in (due time, insertion) order, clear and re-arm like
 * Node's, promise chains settle before time moves, throwing callbacks are kept and counted, and
 * uninstall() gives back the real globals.
 */
import { DEFAULT_START_EPOCH_MS, VirtualClock } from '../../../scripts/simulate/virtual-clock.js';

describe('VirtualClock', () => {
  let clock: VirtualClock;

  beforeEach(() => {
    clock = new VirtualClock();
    clock.install();
  });

  afterEach(() => {
    clock.uninstall();
  });

  it('fires timers in due-time order, equal times in the order they were set', async () => {
    const fired: string[] = [];
    setTimeout(() => fired.push('c@30'), 30);
    setTimeout(() => fired.push('a@10'), 10);
    setTimeout(() => fired.push('b1@20'), 20);
    setTimeout(() => fired.push('b2@20'), 20);
    setTimeout(() => fired.push('b3@20'), 20);
    await clock.runUntil(100);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20', 'b3@20', 'c@30']);
    expect(clock.nowMs).toBe(100);
    expect(clock.firedTimers).toBe(5);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps many timers in order (the heap, not a scan)', async () => {
    const fired: number[] = [];
    const delays = Array.from({ length: 5000 }, (_, index) => ((index * 7919) % 1000) + 1);
    delays.forEach((delay, index) => setTimeout(() => fired.push(delay * 10_000 + index), delay));
    await clock.runUntil(2000);
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
    expect(fired).toHaveLength(5000);
  });

  it('reads time from the clock: performance.now, Date.now, new Date(), timeOrigin', async () => {
    expect(performance.now()).toBe(0);
    expect(Date.now()).toBe(DEFAULT_START_EPOCH_MS);
    let seen: { perf: number; date: number; fresh: number } | undefined;
    setTimeout(() => {
      seen = { perf: performance.now(), date: Date.now(), fresh: new Date().getTime() };
    }, 1500);
    await clock.runUntil(2000);
    expect(seen).toEqual({
      perf: 1500,
      date: DEFAULT_START_EPOCH_MS + 1500,
      fresh: DEFAULT_START_EPOCH_MS + 1500,
    });
    expect(performance.timeOrigin + performance.now()).toBe(Date.now());
    // Dates with arguments, and instanceof, are the real Date's.
    expect(new Date(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(new Date() instanceof Date).toBe(true);
  });

  it('clears timeouts and intervals by handle or number; clearTimeout(undefined) is a no-op', async () => {
    const fired: string[] = [];
    const byHandle = setTimeout(() => fired.push('handle'), 10);
    const byNumber = setTimeout(() => fired.push('number'), 10);
    setTimeout(() => fired.push('kept'), 10);
    clearTimeout(byHandle);
    clearTimeout(Number(byNumber));
    clearTimeout(undefined);
    await clock.runUntil(50);
    expect(fired).toEqual(['kept']);
  });

  it('re-arms intervals until cleared, even from their own callback', async () => {
    const times: number[] = [];
    const interval = setInterval(() => {
      times.push(performance.now());
      if (times.length === 3) clearInterval(interval);
    }, 100);
    await clock.runUntil(1000);
    expect(times).toEqual([100, 200, 300]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('treats NaN, negative and 0 delays as 1 ms and passes extra arguments', async () => {
    const seen: [string, number][] = [];
    const record = (label: string): void => {
      seen.push([label, performance.now()]);
    };
    setTimeout(record, Number.NaN, 'nan');
    setTimeout(record, -5, 'negative');
    setTimeout(record, 0, 'zero');
    await clock.runUntil(10);
    expect(seen).toEqual([
      ['nan', 1],
      ['negative', 1],
      ['zero', 1],
    ]);
  });

  it('gives Node-style handles: ref/unref/hasRef, refresh, a numeric primitive', async () => {
    const fired: number[] = [];
    const timer = setTimeout(() => fired.push(performance.now()), 100);
    expect(timer.hasRef()).toBe(true);
    expect(timer.unref().hasRef()).toBe(false);
    expect(typeof Number(timer)).toBe('number');
    setTimeout(() => timer.refresh(), 60);
    await clock.runUntil(500);
    expect(fired).toEqual([160]);
  });

  it('lets promise chains started by a timer settle before time moves on', async () => {
    const log: string[] = [];
    setTimeout(() => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(async () => {
          await Promise.resolve();
          log.push(`chain done at ${performance.now()}`);
          setTimeout(() => log.push(`follow-up at ${performance.now()}`), 5);
        });
    }, 10);
    setTimeout(() => log.push(`next timer at ${performance.now()}`), 11);
    await clock.runUntil(100);
    expect(log).toEqual(['chain done at 10', 'next timer at 11', 'follow-up at 15']);
  });

  it('counts a throwing callback and goes on', async () => {
    const fired: number[] = [];
    setTimeout(() => {
      throw new Error('boom');
    }, 10);
    setTimeout(() => fired.push(performance.now()), 20);
    await clock.runUntil(30);
    expect(fired).toEqual([20]);
    expect(clock.callbackErrorCount).toBe(1);
    expect((clock.callbackErrors[0] as Error).message).toBe('boom');
  });

  it('calls onAdvance as time moves and stops at the end time', async () => {
    const advances: number[] = [];
    setTimeout(() => undefined, 10);
    setTimeout(() => undefined, 10);
    setTimeout(() => undefined, 500);
    await clock.runUntil(200, { onAdvance: (nowMs) => advances.push(nowMs) });
    expect(advances).toEqual([10, 200]);
    expect(clock.pendingTimers).toBe(1);
    await clock.runUntil(600);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('VirtualClock install/uninstall', () => {
  it('restores the real timers, Date and performance', async () => {
    const real = {
      setTimeout: globalThis.setTimeout,
      clearTimeout: globalThis.clearTimeout,
      setInterval: globalThis.setInterval,
      clearInterval: globalThis.clearInterval,
      Date: globalThis.Date,
    };
    const clock = new VirtualClock();
    clock.install();
    expect(globalThis.setTimeout).not.toBe(real.setTimeout);
    expect(() => {
      clock.install();
    }).toThrow(/already installed/);
    clock.uninstall();
    expect(globalThis.setTimeout).toBe(real.setTimeout);
    expect(globalThis.clearTimeout).toBe(real.clearTimeout);
    expect(globalThis.setInterval).toBe(real.setInterval);
    expect(globalThis.clearInterval).toBe(real.clearInterval);
    expect(globalThis.Date).toBe(real.Date);
    expect(Date.now()).toBeGreaterThan(DEFAULT_START_EPOCH_MS + 1000);
    expect(Math.abs(performance.timeOrigin + performance.now() - Date.now())).toBeLessThan(1000);
    // Real timers work again.
    await new Promise((resolve) => setTimeout(resolve, 1));
  });
});
