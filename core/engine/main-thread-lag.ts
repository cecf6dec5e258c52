/**
 * Notices when the thread the engine runs on is late: a phone with a busy CPU, a page doing heavy
 * work, a Node process with many viewers. P2P work (prefetch, uploads, new connections) then backs
 * off before the player's own work is delayed into a stall.
 *
 * How it measures: one timer, re-armed every {@link DEFAULT_LAG_PROBE_INTERVAL_MS} (±25 % at random,
 * so that it cannot lock in phase with a periodic task of the same period, such as a player's
 * 250 ms tick, and never see it); how late each firing comes is the time the thread was busy with
 * something else when it was due: a sample of the wait any event arriving then would have had. Where the
 * browser reports long tasks (`PerformanceObserver` type `longtask`, Chromium), the longest one
 * since the previous firing counts as well: a long task that starts and ends between two firings
 * delays nothing the probe sees, yet delayed everything else that was due meanwhile. The probe does
 * no work of its own, and it does not run at all while stopped (the engine stops it when no stream
 * plays).
 *
 * How it decides (see {@link LagLevelTracker}): samples are smoothed (EWMA) and mapped to three
 * levels with hysteresis; a worse level applies at once, a better one only after the lag stayed
 * below its threshold for {@link LAG_RECOVERY_HOLD_MS}, so periodic bursts do not make P2P work
 * switch on and off with every burst.
 *
 * Thresholds: a 60 fps frame is 16.7 ms, and the Long Tasks API (and RAIL's 100 ms input-response
 * budget) calls a task over 50 ms long. A smoothed lateness of {@link STRAINED_ENTER_MS} means the
 * thread keeps running long tasks; {@link STARVED_ENTER_MS} (three long tasks' worth, nine frames)
 * means the player's own callbacks (appending to source buffers, requesting the next segment,
 * reacting to a stall) are routinely delayed by more than the time a network request takes.
 */

/**
 * The main thread's state: `normal`; `strained` (long tasks keep happening: P2P work is reduced);
 * `starved` (the thread is late most of the time: P2P work beyond the player's own requests stops).
 */
export type MainThreadLevel = 'normal' | 'strained' | 'starved';

/** What the engine reports of its thread (the `main-thread-load` event, `getMainThreadLoad()`). */
export interface MainThreadLoad {
  /** The level P2P work adapts to. */
  readonly level: MainThreadLevel;
  /** Smoothed lateness of the thread, in ms (0 when the probe is not running). */
  readonly lagMs: number;
}

/** Probe interval, ms: four samples a second react within a second at negligible cost. */
export const DEFAULT_LAG_PROBE_INTERVAL_MS = 250;
/** Smoothed lag at or above which the thread is `strained`, ms (a long task, per the Long Tasks API). */
export const STRAINED_ENTER_MS = 50;
/** Smoothed lag below which a `strained` thread may return to `normal`, ms. */
export const STRAINED_EXIT_MS = 25;
/** Smoothed lag at or above which the thread is `starved`, ms. */
export const STARVED_ENTER_MS = 150;
/** Smoothed lag below which a `starved` thread may return to `strained`, ms. */
export const STARVED_EXIT_MS = 100;
/**
 * Weight of a new sample in the EWMA: at four samples a second, a step change in lag is 68 % felt
 * after one second (1 - 0.75^4) and 94 % after two.
 */
export const LAG_SMOOTHING_WEIGHT = 0.25;
/** How long the lag must stay below a level's exit threshold before the level drops, ms. */
export const LAG_RECOVERY_HOLD_MS = 2000;
/**
 * Largest sample taken into account, ms: a laptop waking from sleep or a debugger pause makes one
 * firing minutes late, which says nothing about the thread's load from now on.
 */
export const MAX_LAG_SAMPLE_MS = 1000;

const RANK: Readonly<Record<MainThreadLevel, number>> = { normal: 0, strained: 1, starved: 2 };

/**
 * Turns lag samples into a {@link MainThreadLevel}: EWMA smoothing, hysteresis between entering
 * and leaving each level, and a hold before recovery. Pure: time comes in with each sample.
 */
export class LagLevelTracker {
  private smoothedMs = 0;
  private current: MainThreadLevel = 'normal';
  /** Since when the smoothed lag has been below the current level's exit threshold. */
  private belowSinceMs: number | undefined;

  /** The current level. */
  get level(): MainThreadLevel {
    return this.current;
  }

  /** The smoothed lag, in ms. */
  get lagMs(): number {
    return this.smoothedMs;
  }

  /**
   * Adds one sample: the thread was `lagMs` late at `nowMs` (any monotonic clock). Returns the
   * level after it.
   */
  addSample(lagMs: number, nowMs: number): MainThreadLevel {
    const sample = Number.isFinite(lagMs) ? Math.min(MAX_LAG_SAMPLE_MS, Math.max(0, lagMs)) : 0;
    this.smoothedMs += LAG_SMOOTHING_WEIGHT * (sample - this.smoothedMs);
    const target = this.targetLevel();
    if (RANK[target] > RANK[this.current]) {
      this.current = target;
      this.belowSinceMs = undefined;
    } else if (RANK[target] < RANK[this.current]) {
      this.belowSinceMs ??= nowMs;
      if (nowMs - this.belowSinceMs >= LAG_RECOVERY_HOLD_MS) {
        this.current = target;
        this.belowSinceMs = undefined;
      }
    } else {
      this.belowSinceMs = undefined;
    }
    return this.current;
  }

  /** Back to `normal` with no history (the probe stopped; old samples say nothing of later load). */
  reset(): void {
    this.smoothedMs = 0;
    this.current = 'normal';
    this.belowSinceMs = undefined;
  }

  /** The level the smoothed lag asks for, given the current one (hysteresis). */
  private targetLevel(): MainThreadLevel {
    const lag = this.smoothedMs;
    if (lag >= STARVED_ENTER_MS) return 'starved';
    if (this.current === 'starved' && lag >= STARVED_EXIT_MS) return 'starved';
    if (lag >= STRAINED_ENTER_MS) return 'strained';
    if (this.current !== 'normal' && lag >= STRAINED_EXIT_MS) return 'strained';
    return 'normal';
  }
}

/** A source of long-task durations (ms); returns the function that stops observing. */
export type LongTaskSource = (onLongTask: (durationMs: number) => void) => () => void;

/**
 * Long tasks as the browser reports them (`PerformanceObserver`, type `longtask`), or undefined
 * where that type is not supported (Node, Firefox, Safari): the timer's lateness is then the only
 * signal.
 */
export function browserLongTasks(): LongTaskSource | undefined {
  const Observer = (globalThis as { PerformanceObserver?: typeof PerformanceObserver })
    .PerformanceObserver;
  const supported: readonly string[] | undefined = Observer?.supportedEntryTypes;
  // Older engines lack `supportedEntryTypes` although the types say it is always there.
  if (!Observer || !(supported ?? []).includes('longtask')) return undefined;
  return (onLongTask) => {
    const observer = new Observer((list) => {
      for (const entry of list.getEntries()) onLongTask(entry.duration);
    });
    try {
      observer.observe({ type: 'longtask' });
    } catch {
      // Listed but refused (a restricted frame): the timer alone measures.
    }
    return () => {
      observer.disconnect();
    };
  };
}

/** True while the page is hidden: browsers throttle hidden pages' timers to 1 s or more. */
function documentHidden(): boolean {
  const doc = (globalThis as { document?: { visibilityState?: string } }).document;
  return doc?.visibilityState === 'hidden';
}

/** Timers and clock of a {@link MainThreadLagMonitor}, replaceable for tests. */
export interface MainThreadLagOptions {
  /** Probe interval, ms. Default {@link DEFAULT_LAG_PROBE_INTERVAL_MS}. */
  readonly intervalMs?: number;
  /** Monotonic clock, ms. Default `performance.now()`. */
  readonly now?: () => number;
  /**
   * Random numbers in [0, 1) spreading each interval over ±25 % (0.5: exactly `intervalMs`).
   * Default `Math.random`.
   */
  readonly random?: () => number;
  /** Default `setTimeout`. */
  readonly setTimer?: (callback: () => void, delayMs: number) => unknown;
  /** Default `clearTimeout`. */
  readonly clearTimer?: (handle: unknown) => void;
  /**
   * True while samples say nothing about load: a hidden page's timers are throttled to fire once a
   * second or less. Samples taken while hidden are dropped (the level holds). Default: the
   * document's `visibilityState` (never hidden outside browsers).
   */
  readonly isHidden?: () => boolean;
  /** Long tasks, where observable. Default {@link browserLongTasks}; `null` turns it off. */
  readonly longTasks?: LongTaskSource | null;
}

/**
 * The probe: one timer while running, none while stopped. `onTick` listeners run on every firing
 * (after the sample is taken), so periodic engine work shares the probe's timer instead of keeping
 * its own.
 */
export class MainThreadLagMonitor {
  private readonly tracker = new LagLevelTracker();
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly setTimer: (callback: () => void, delayMs: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly isHidden: () => boolean;
  private readonly longTasks: LongTaskSource | undefined;
  private readonly changeListeners = new Set<(load: MainThreadLoad) => void>();
  private readonly tickListeners = new Set<() => void>();
  private timer: unknown;
  private dueAtMs = 0;
  private longestTaskMs = 0;
  private stopLongTasks: (() => void) | undefined;
  private destroyed = false;

  /** @param options - clock, timers and signals; see {@link MainThreadLagOptions} */
  constructor(options: MainThreadLagOptions = {}) {
    const intervalMs = options.intervalMs ?? DEFAULT_LAG_PROBE_INTERVAL_MS;
    if (!Number.isFinite(intervalMs) || intervalMs < 10) {
      throw new RangeError(`MainThreadLagMonitor: intervalMs must be >= 10, got ${intervalMs}`);
    }
    this.intervalMs = intervalMs;
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs));
    this.clearTimer =
      options.clearTimer ??
      ((handle) => {
        clearTimeout(handle as ReturnType<typeof setTimeout>);
      });
    this.isHidden = options.isHidden ?? documentHidden;
    this.longTasks =
      options.longTasks === null ? undefined : (options.longTasks ?? browserLongTasks());
  }

  /** The current level (`normal` while stopped). */
  get level(): MainThreadLevel {
    return this.tracker.level;
  }

  /** The level and smoothed lag now. */
  get load(): MainThreadLoad {
    return { level: this.tracker.level, lagMs: Math.round(this.tracker.lagMs * 10) / 10 };
  }

  /** True while the probe's timer is armed. */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Starts probing (no-op while running or after {@link destroy}). */
  start(): void {
    if (this.destroyed || this.timer !== undefined) return;
    this.longestTaskMs = 0;
    this.stopLongTasks = this.longTasks?.((durationMs) => {
      this.longestTaskMs = Math.max(this.longestTaskMs, durationMs);
    });
    this.arm();
  }

  /**
   * Stops probing and returns to `normal` (emitting the change if the level was another): what was
   * measured says nothing about the load when probing resumes.
   */
  stop(): void {
    if (this.timer === undefined) return;
    this.clearTimer(this.timer);
    this.timer = undefined;
    this.stopLongTasks?.();
    this.stopLongTasks = undefined;
    const before = this.tracker.level;
    this.tracker.reset();
    if (before !== 'normal') this.emitChange();
  }

  /** Calls `listener` when the level changes. Returns the unsubscribe function. */
  onChange(listener: (load: MainThreadLoad) => void): () => void {
    this.changeListeners.add(listener);
    return () => {
      this.changeListeners.delete(listener);
    };
  }

  /** Calls `listener` on every firing of the probe. Returns the unsubscribe function. */
  onTick(listener: () => void): () => void {
    this.tickListeners.add(listener);
    return () => {
      this.tickListeners.delete(listener);
    };
  }

  /** Stops for good and drops every listener. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.stop();
    this.destroyed = true;
    this.changeListeners.clear();
    this.tickListeners.clear();
  }

  private arm(): void {
    const delayMs = Math.round(this.intervalMs * (0.75 + 0.5 * this.random()));
    this.dueAtMs = this.now() + delayMs;
    this.timer = this.setTimer(() => {
      this.fire();
    }, delayMs);
  }

  private fire(): void {
    const nowMs = this.now();
    const lateMs = Math.max(nowMs - this.dueAtMs, this.longestTaskMs);
    this.longestTaskMs = 0;
    this.arm();
    if (!this.isHidden()) {
      const before = this.tracker.level;
      if (this.tracker.addSample(lateMs, nowMs) !== before) this.emitChange();
    }
    for (const listener of [...this.tickListeners]) {
      if (this.timer === undefined) break; // a listener stopped the probe
      listener();
    }
  }

  private emitChange(): void {
    const load = this.load;
    for (const listener of [...this.changeListeners]) listener(load);
  }
}
