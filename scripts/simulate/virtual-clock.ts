/**
 * The swarm simulator's clock: virtual time in one Node process, so thousands of viewers (each a
 * real engine and an hls.js model with tens of timers) play minutes of video in seconds of wall
 * time, and the same seed replays the same run.
 *
 * {@link VirtualClock.install} replaces the globals the engine and the viewer models read time
 * from (setTimeout/setInterval and their clear functions, `Date.now` and `new Date()`,
 * `performance.now` and `performance.timeOrigin`); {@link VirtualClock.runUntil} then moves time
 * from one due timer to the next. Timers live in a binary heap ordered by (due time, insertion
 * order), so equal due times fire in the order they were set, as Node's timer lists do, and a
 * queue of 100,000 timers costs O(log n) per operation.
 *
 * Between two instants every promise chain must settle, or a response "delivered" at t would be
 * seen at some later t' and time would leak: after each batch of due timers the clock awaits a real
 * macrotask turn (the `setImmediate` captured before install), by which point Node has drained every
 * microtask (promise reactions, `queueMicrotask`, `process.nextTick`). Anything completing on real
 * I/O (sockets, files, the threadpool, e.g. WebCrypto's `subtle.digest`) would break this: it
 * finishes at a real moment, not a virtual one. The simulator keeps such work out (determinism.ts
 * makes `subtle.digest` synchronous; sim-origin.ts and the simulated peers move bytes on timers).
 *
 * Left untouched: `setImmediate` (the clock's own macrotask turn; neither core/ nor the viewer
 * models use it) and `node:timers/promises` (not used by them either).
 */

/** Node's largest timer delay (2^31 - 1 ms); longer delays become 1 ms, as in Node. */
const TIMEOUT_MAX_MS = 2 ** 31 - 1;

/** Epoch the virtual `Date.now()` starts at: 2024-01-01T00:00:00Z, any fixed moment would do. */
export const DEFAULT_START_EPOCH_MS = Date.UTC(2024, 0, 1);

/** Callback errors kept in {@link VirtualClock.callbackErrors} (the rest are only counted). */
const MAX_ERROR_SAMPLES = 1000;

/** Rebuild the heap once this many of its entries are cancelled timers (and more than the live ones). */
const COMPACT_MIN_DEAD = 1024;

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /** `Date.now()` at virtual time 0, ms since the epoch. Default {@link DEFAULT_START_EPOCH_MS}. */
  readonly startEpochMs?: number;
  /**
   * Real macrotask turns awaited after each batch of timers (default 1: enough for promise chains,
   * which drain before any macrotask; more only helps code that itself waits on `setImmediate`).
   */
  readonly settleTurns?: number;
}

/** Options of {@link VirtualClock.runUntil}. */
export interface RunUntilOptions {
  /** Called each time virtual time moves forward, with the new time (ms), before timers due then run. */
  readonly onAdvance?: (nowMs: number) => void;
}

/** One scheduled firing in the heap; stale once its timer is cleared or re-armed. */
interface HeapEntry {
  readonly dueMs: number;
  readonly seq: number;
  readonly timer: VirtualTimer;
}

/**
 * A timer handle shaped like Node's `Timeout`: `ref`/`unref`/`hasRef`/`refresh` and a numeric
 * primitive (so `clearTimeout(+handle)` and handles used as map keys work). `ref` state is kept
 * but changes nothing: the simulation runs until its end time whatever is referenced.
 */
export class VirtualTimer {
  /** The heap entry that fires it next; undefined once cleared or fired for good. */
  entry: HeapEntry | undefined;
  /** Set by clearTimeout/clearInterval: `refresh()` no longer re-arms it (as in Node). */
  cleared = false;
  private referenced = true;

  /** @internal created by {@link VirtualClock} only */
  constructor(
    private readonly clock: VirtualClock,
    /** Numeric id (the handle's primitive value). */
    readonly id: number,
    /** What runs, with `args`. */
    readonly callback: (...args: unknown[]) => void,
    readonly args: readonly unknown[],
    /** Delay, ms (already clamped). */
    readonly delayMs: number,
    /** True for setInterval timers: re-armed after each firing. */
    readonly repeat: boolean,
  ) {}

  /** Keeps the (virtual) event loop alive for it; no effect on the simulation. */
  ref(): this {
    this.referenced = true;
    return this;
  }

  /** Lets the (virtual) event loop end without it; no effect on the simulation. */
  unref(): this {
    this.referenced = false;
    return this;
  }

  /** Whether {@link ref} is in force. */
  hasRef(): boolean {
    return this.referenced;
  }

  /** Restarts the timer's delay from now (Node's `timeout.refresh()`); a fired timeout is re-armed. */
  refresh(): this {
    if (!this.cleared) this.clock.rearm(this);
    return this;
  }

  /** Node's `timeout.close()`: clears it. */
  close(): this {
    this.clock.cancel(this);
    return this;
  }

  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

/** What install() replaced, to put back. */
interface SavedGlobals {
  readonly setTimeout: typeof globalThis.setTimeout;
  readonly clearTimeout: typeof globalThis.clearTimeout;
  readonly setInterval: typeof globalThis.setInterval;
  readonly clearInterval: typeof globalThis.clearInterval;
  readonly Date: DateConstructor;
  readonly performanceNow: PropertyDescriptor | undefined;
  readonly performanceTimeOrigin: PropertyDescriptor | undefined;
}

/** Node's delay rule: a number in [1, 2^31 - 1], anything else (NaN, < 1, too large) is 1 ms. */
function clampDelayMs(delay: unknown): number {
  const ms = Number(delay);
  return ms >= 1 && ms <= TIMEOUT_MAX_MS ? ms : 1;
}

function isEarlier(a: HeapEntry, b: HeapEntry): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
}

/**
 * Virtual time for a whole simulation. Create one, {@link install} it before creating engines and
 * viewers, drive it with {@link runUntil}, {@link uninstall} it at the end (also after a failure).
 */
export class VirtualClock {
  private now = 0;
  private seq = 0;
  private nextId = 1;
  private heap: HeapEntry[] = [];
  /** Armed timers by id, for clear functions given a number. */
  private readonly armed = new Map<number, VirtualTimer>();
  private dead = 0;
  private fired = 0;
  private errors = 0;
  private readonly errorSamples: unknown[] = [];
  private saved: SavedGlobals | undefined;
  private running = false;
  private readonly realSetImmediate: typeof setImmediate = globalThis.setImmediate;
  private readonly settleTurns: number;
  /** `Date.now()` at virtual time 0. */
  readonly startEpochMs: number;

  /** @param options - start epoch and settle turns; see {@link VirtualClockOptions} */
  constructor(options: VirtualClockOptions = {}) {
    this.startEpochMs = options.startEpochMs ?? DEFAULT_START_EPOCH_MS;
    this.settleTurns = Math.max(1, Math.floor(options.settleTurns ?? 1));
  }

  /** Virtual time, ms since the clock started (what `performance.now()` returns once installed). */
  get nowMs(): number {
    return this.now;
  }

  /** Virtual wall clock, ms since the epoch (what `Date.now()` returns once installed). */
  get epochNowMs(): number {
    return this.startEpochMs + Math.floor(this.now);
  }

  /** Timers armed and not yet fired (intervals count once). */
  get pendingTimers(): number {
    return this.armed.size;
  }

  /** Timer callbacks run so far (each firing of an interval counts). */
  get firedTimers(): number {
    return this.fired;
  }

  /**
   * Errors thrown by timer callbacks (the simulation went on past each), in order; only the first
   * 1000 are kept, {@link callbackErrorCount} counts them all.
   */
  get callbackErrors(): readonly unknown[] {
    return this.errorSamples;
  }

  /** Timer callbacks that threw. */
  get callbackErrorCount(): number {
    return this.errors;
  }

  /** Whether {@link install} is in force. */
  get installed(): boolean {
    return this.saved !== undefined;
  }

  /**
   * Replaces the global timers, `Date` (`Date.now()` and `new Date()` without arguments follow the
   * virtual clock; `Date` stays the same prototype, so `instanceof Date` holds for old and new dates),
   * `performance.now()` and `performance.timeOrigin` (so `timeOrigin + now()` is the virtual
   * `Date.now()`). Throws when already installed.
   */
  install(): void {
    if (this.saved) throw new Error('VirtualClock is already installed');
    const performanceObject = globalThis.performance;
    this.saved = {
      setTimeout: globalThis.setTimeout,
      clearTimeout: globalThis.clearTimeout,
      setInterval: globalThis.setInterval,
      clearInterval: globalThis.clearInterval,
      Date: globalThis.Date,
      performanceNow: Object.getOwnPropertyDescriptor(performanceObject, 'now'),
      performanceTimeOrigin: Object.getOwnPropertyDescriptor(performanceObject, 'timeOrigin'),
    };
    const set = (repeat: boolean) =>
      ((callback: unknown, delay?: unknown, ...args: unknown[]) =>
        this.schedule(callback, delay, args, repeat)) as unknown;
    const clear = ((handle: unknown) => {
      this.clear(handle);
    }) as unknown;
    globalThis.setTimeout = set(false) as typeof globalThis.setTimeout;
    globalThis.setInterval = set(true) as typeof globalThis.setInterval;
    globalThis.clearTimeout = clear as typeof globalThis.clearTimeout;
    globalThis.clearInterval = clear as typeof globalThis.clearInterval;
    globalThis.Date = virtualDate(this.saved.Date, () => this.epochNowMs);
    Object.defineProperty(performanceObject, 'now', {
      configurable: true,
      writable: true,
      value: () => this.now,
    });
    Object.defineProperty(performanceObject, 'timeOrigin', {
      configurable: true,
      get: () => this.startEpochMs,
    });
  }

  /** Puts back everything {@link install} replaced. Timers still armed stay in the queue. No-op when not installed. */
  uninstall(): void {
    const saved = this.saved;
    if (!saved) return;
    globalThis.setTimeout = saved.setTimeout;
    globalThis.clearTimeout = saved.clearTimeout;
    globalThis.setInterval = saved.setInterval;
    globalThis.clearInterval = saved.clearInterval;
    globalThis.Date = saved.Date;
    const performanceObject = globalThis.performance;
    for (const [key, descriptor] of [
      ['now', saved.performanceNow],
      ['timeOrigin', saved.performanceTimeOrigin],
    ] as const) {
      if (descriptor) Object.defineProperty(performanceObject, key, descriptor);
      else Reflect.deleteProperty(performanceObject, key);
    }
    this.saved = undefined;
  }

  /**
   * `setTimeout`/`setInterval` on the virtual clock (what the installed globals call; usable without
   * install too). Node's rules: a delay that is NaN, below 1 or above 2^31 - 1 ms is 1 ms; extra
   * arguments are passed to the callback; an interval re-arms after each firing.
   */
  schedule(
    callback: unknown,
    delay: unknown,
    args: readonly unknown[],
    repeat: boolean,
  ): VirtualTimer {
    if (typeof callback !== 'function') {
      throw new TypeError('The "callback" argument must be of type function');
    }
    const timer = new VirtualTimer(
      this,
      this.nextId++,
      callback as (...args: unknown[]) => void,
      args,
      clampDelayMs(delay),
      repeat,
    );
    this.arm(timer);
    return timer;
  }

  /** `clearTimeout`/`clearInterval`: a handle or its number; anything else (undefined, null) is ignored. */
  clear(handle: unknown): void {
    if (handle instanceof VirtualTimer) {
      this.cancel(handle);
      return;
    }
    if (typeof handle === 'number' || typeof handle === 'string') {
      const timer = this.armed.get(Number(handle));
      if (timer) this.cancel(timer);
    }
  }

  /** @internal Stops `timer` for good (its heap entry goes stale). */
  cancel(timer: VirtualTimer): void {
    timer.cleared = true;
    this.drop(timer);
  }

  /** @internal Re-arms `timer` `delayMs` from now (`refresh()`). */
  rearm(timer: VirtualTimer): void {
    this.drop(timer);
    this.arm(timer);
  }

  /** Takes `timer` out of the queue (its heap entry goes stale). */
  private drop(timer: VirtualTimer): void {
    if (!timer.entry) return;
    timer.entry = undefined;
    this.armed.delete(timer.id);
    this.dead++;
  }

  /**
   * Runs the simulation to `endMs`: takes every timer due at the earliest time (not after `endMs`),
   * moves time there, runs them in order (a throwing callback is kept in {@link callbackErrors}
   * and the run goes on), then lets all promise chains settle (real macrotask turns) before moving
   * time again. Ends with virtual time at `endMs`. Throws when called while a run is under way.
   */
  async runUntil(endMs: number, options: RunUntilOptions = {}): Promise<void> {
    if (this.running) throw new Error('VirtualClock.runUntil is already running');
    this.running = true;
    try {
      // Work queued before the run (a viewer's start(), say) settles at the current time first.
      await this.settle();
      for (;;) {
        const next = this.peek();
        if (!next || next.dueMs > endMs) break;
        if (next.dueMs > this.now) {
          this.now = next.dueMs;
          options.onAdvance?.(this.now);
        }
        this.fireDue();
        await this.settle();
      }
      if (endMs > this.now) {
        this.now = endMs;
        options.onAdvance?.(this.now);
      }
    } finally {
      this.running = false;
    }
  }

  /** Runs every timer due at or before now, in (due time, insertion) order. */
  private fireDue(): void {
    for (;;) {
      const next = this.peek();
      if (!next || next.dueMs > this.now) return;
      this.pop();
      const timer = next.timer;
      if (timer.repeat) {
        // Re-armed before the callback runs, so a clearInterval inside it stops it (as in Node).
        timer.entry = undefined;
        this.arm(timer);
      } else {
        timer.entry = undefined;
        this.armed.delete(timer.id);
      }
      this.fired++;
      try {
        timer.callback(...timer.args);
      } catch (error) {
        this.errors++;
        if (this.errorSamples.length < MAX_ERROR_SAMPLES) this.errorSamples.push(error);
      }
    }
  }

  /** Awaits real macrotask turns so that every promise chain started so far has run. */
  private async settle(): Promise<void> {
    for (let turn = 0; turn < this.settleTurns; turn++) {
      await new Promise<void>((resolve) => {
        this.realSetImmediate(resolve);
      });
    }
  }

  private arm(timer: VirtualTimer): void {
    const entry: HeapEntry = { dueMs: this.now + timer.delayMs, seq: this.seq++, timer };
    timer.entry = entry;
    this.armed.set(timer.id, timer);
    this.push(entry);
  }

  /** The earliest live entry (stale ones on top are dropped). */
  private peek(): HeapEntry | undefined {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.timer.entry === top) return top;
      this.pop();
      this.dead--;
    }
  }

  private push(entry: HeapEntry): void {
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = heap[parent] as HeapEntry;
      if (!isEarlier(entry, above)) break;
      heap[index] = above;
      index = parent;
    }
    heap[index] = entry;
    if (this.dead > COMPACT_MIN_DEAD && this.dead > heap.length / 2) this.compact();
  }

  private pop(): HeapEntry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) this.siftDown(0, last);
    return top;
  }

  private siftDown(start: number, entry: HeapEntry): void {
    const heap = this.heap;
    const length = heap.length;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && isEarlier(heap[right] as HeapEntry, heap[left] as HeapEntry)) {
        child = right;
      }
      const smaller = heap[child] as HeapEntry;
      if (!isEarlier(smaller, entry)) break;
      heap[index] = smaller;
      index = child;
    }
    heap[index] = entry;
  }

  /** Drops stale entries and restores the heap (timers re-armed on every chunk leave many behind). */
  private compact(): void {
    const live = this.heap.filter((entry) => entry.timer.entry === entry);
    this.heap = live;
    this.dead = 0;
    for (let index = (live.length >> 1) - 1; index >= 0; index--) {
      this.siftDown(index, live[index] as HeapEntry);
    }
  }
}

/**
 * A `Date` whose `now()` and argument-less construction read `epochNowMs`; everything else (and
 * the prototype, so `instanceof` and methods) is the real `Date`'s. Called without `new` it returns
 * the virtual time as a string, as `Date()` does.
 */
function virtualDate(RealDate: DateConstructor, epochNowMs: () => number): DateConstructor {
  function VirtualDate(this: unknown, ...args: unknown[]): Date | string {
    // `Date()` called as a function (no `new`) returns a string; TypeScript assumes `new`.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (new.target === undefined) return new RealDate(epochNowMs()).toString();
    const constructorArgs = args.length === 0 ? [epochNowMs()] : args;
    return Reflect.construct(RealDate, constructorArgs, new.target) as Date;
  }
  VirtualDate.prototype = RealDate.prototype;
  VirtualDate.now = epochNowMs;
  VirtualDate.parse = RealDate.parse;
  VirtualDate.UTC = RealDate.UTC;
  return VirtualDate as unknown as DateConstructor;
}
