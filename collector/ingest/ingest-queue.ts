/**
 * Between HTTP and storage: accepted beacons wait here and are written in one transaction every
 * `flushIntervalMs` (or as soon as `batchSize` wait), so 2,000 beacons a second cost two
 * transactions, not 2,000. Bounded: past `maxPending` waiting beacons new ones are refused (the
 * HTTP layer answers 503) instead of growing memory while the database is slow or down.
 */
import type { BeaconContribution } from './viewer-delta.js';
import type { CollectorStore, ReceivedBeacon } from '../store/store.js';

/** Options of {@link IngestQueue}. */
export interface IngestQueueOptions {
  /** Longest a beacon waits before its batch is written, ms. Default 1000. */
  readonly flushIntervalMs?: number;
  /** Beacons that trigger a write at once. Default 1000. */
  readonly batchSize?: number;
  /** Beacons waiting at most; more are refused. Default 50,000. */
  readonly maxPending?: number;
  /** Told what each written batch contributed (Prometheus counters). */
  readonly onWritten?: (contributions: readonly BeaconContribution[], durationMs: number) => void;
  /** Told when a batch could not be written (it is dropped: the next beacons carry its totals). */
  readonly onWriteError?: (error: unknown, beacons: number) => void;
}

/** Batches beacons into store transactions. Call {@link destroy} to write the rest and stop. */
export class IngestQueue {
  private pending: ReceivedBeacon[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private writing: Promise<void> = Promise.resolve();
  private readonly batchSize: number;
  private readonly maxPending: number;
  private destroyed = false;

  constructor(
    private readonly store: CollectorStore,
    private readonly options: IngestQueueOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.maxPending = options.maxPending ?? 50_000;
    this.timer = setInterval(() => {
      void this.flush();
    }, options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Beacons waiting to be written. */
  get size(): number {
    return this.pending.length;
  }

  /** Queues a beacon; `false` when the queue is full or destroyed (answer 503). */
  push(received: ReceivedBeacon): boolean {
    if (this.destroyed || this.pending.length >= this.maxPending) return false;
    this.pending.push(received);
    if (this.pending.length >= this.batchSize) void this.flush();
    return true;
  }

  /** Writes what waits now (after any write in progress); resolves when it is stored. */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.writeOnce());
    return this.writing;
  }

  /** Writes what is left, stops the timer. Idempotent; does not close the store. */
  async destroy(): Promise<void> {
    if (!this.destroyed) {
      this.destroyed = true;
      clearInterval(this.timer);
    }
    await this.flush();
  }

  private async writeOnce(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.batchSize);
      const startedAt = performance.now();
      try {
        const contributions = await this.store.apply(batch);
        this.options.onWritten?.(contributions, performance.now() - startedAt);
      } catch (error) {
        this.options.onWriteError?.(error, batch.length);
      }
    }
  }
}
