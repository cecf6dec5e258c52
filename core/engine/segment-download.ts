/**
 * One in-flight download of a segment, shared by everyone who wants that segment (the player's
 * request and the engine's own prefetch), so a segment is never fetched twice at once.
 */
import { P2PMediaLoaderError } from '../errors.js';
import type { Segment, TransferSource } from '../model/segment.js';
import type { DeliveryVerification } from '../scheduler/segment-delivery.js';

/** Progress listener: bytes received so far and the total when known. */
export type ProgressListener = (loadedBytes: number, totalBytes: number | undefined) => void;

/** The outcome of a download. */
export interface DownloadResult {
  readonly data: Uint8Array;
  readonly source: TransferSource;
  readonly peerId?: string;
  /** The peers whose bytes are part of `data` (empty: none). */
  readonly contributors: readonly string[];
  /** How the bytes were checked. */
  readonly verified: DeliveryVerification;
  /** SHA-256 of `data` when it vouches for the bytes (origin or trusted hash), stored with them. */
  readonly digest?: Uint8Array;
  /** False when the bytes must not be stored and served to peers. */
  readonly shareable: boolean;
  readonly firstByteMs: number;
  /** When the transfer that delivered the bytes started. */
  readonly transferStartMs: number;
}

/** Does the transfer: gets the segment's bytes, reporting progress; must honour `signal`. */
export type DownloadRunner = (
  download: SegmentDownload,
  signal: AbortSignal,
) => Promise<DownloadResult>;

/** A download and its interested parties. Aborted when the last interested party leaves. */
export class SegmentDownload {
  /** Resolves with the bytes or rejects with a P2PMediaLoaderError. */
  readonly result: Promise<DownloadResult>;
  /** Bytes received so far (by the current source). */
  loadedBytes = 0;
  /** Total size when known. */
  totalBytes: number | undefined;
  /** The source currently transferring. */
  source: TransferSource = 'http';
  private readonly controller = new AbortController();
  private readonly progressListeners = new Set<ProgressListener>();
  private interested = 0;
  private settled = false;

  constructor(
    readonly streamKey: string,
    readonly segment: Segment,
    run: DownloadRunner,
  ) {
    // Start on the next microtask: whoever created the download joins it synchronously first, so
    // the runner's first decision already knows whether a player is waiting.
    this.result = Promise.resolve()
      .then(() => run(this, this.controller.signal))
      .finally(() => {
        this.settled = true;
        this.progressListeners.clear();
      });
    // The promise is observed by `join`; keep an unobserved failure from surfacing as unhandled.
    this.result.catch(() => undefined);
  }

  /** True once the download has finished, failed or been aborted. */
  get isSettled(): boolean {
    return this.settled;
  }

  /** Reports progress to every listener. Called by the runner. */
  reportProgress(loadedBytes: number, totalBytes: number | undefined): void {
    this.loadedBytes = loadedBytes;
    this.totalBytes = totalBytes;
    for (const listener of this.progressListeners) listener(loadedBytes, totalBytes);
  }

  /**
   * Registers interest; the returned promise settles with the download, or rejects with `aborted`
   * as soon as `signal` aborts. When every interested party has left, the transfer is aborted.
   */
  join(signal: AbortSignal | undefined, onProgress?: ProgressListener): Promise<DownloadResult> {
    this.interested++;
    if (onProgress) this.progressListeners.add(onProgress);
    return new Promise<DownloadResult>((resolve, reject) => {
      const leave = (): void => {
        signal?.removeEventListener('abort', onAbort);
        if (onProgress) this.progressListeners.delete(onProgress);
        this.interested--;
      };
      const onAbort = (): void => {
        leave();
        reject(
          new P2PMediaLoaderError('aborted', `Request for segment ${this.segment.id} aborted`),
        );
        if (this.interested === 0 && !this.settled) this.abort();
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.result.then(
        (value) => {
          leave();
          resolve(value);
        },
        (error: unknown) => {
          leave();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** Number of parties waiting for this download. */
  get interestCount(): number {
    return this.interested;
  }

  /** Stops the transfer; waiters reject with `aborted`. */
  abort(): void {
    this.controller.abort();
  }
}
