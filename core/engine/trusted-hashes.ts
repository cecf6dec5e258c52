/**
 * The origin's trusted segment hashes for one presentation (see `EngineConfig.integrity`): loads
 * the hash manifest at the first need, refreshes it lazily for live streams, and answers, per
 * segment, what the manifest says. One per source; `destroy()` aborts a load in flight.
 *
 * Refreshes are lazy and rare: only a delivery that has peer bytes to check and finds no hash asks
 * for one, at most once per refresh interval (the segment's duration, which for a live stream is
 * about how often the manifest can have grown), and HTTP deliveries never wait for one.
 *
 * A live segment the manifest does not list yet is pending, not unlisted, while the manifest loads
 * well: at the live edge a segment usually reaches the playlist a moment before the next manifest
 * that lists it, and calling it unlisted then sent every other new segment to the origin in strict
 * mode (the refresh had just run for the one before). A lookup for it waits for the next refresh
 * (at most one interval; at most {@link MIN_REFRESH_INTERVAL_MS} after the last load for a segment
 * first asked about after that load began, which that load cannot have listed); a delivery waits
 * for that within its peer budget only.
 */
import { P2PMediaLoaderError, isAbortError } from '../errors.js';
import type { HashManifest } from '../p2p/integrity/hash-manifest.js';
import type { SegmentTrust, TrustedDigest } from '../scheduler/segment-trust.js';

/** Refresh interval floor, ms: segments shorter than this (or without times) do not speed it up. */
const MIN_REFRESH_INTERVAL_MS = 1000;
/**
 * A load counts as due this close before its time, ms: timers round a fractional delay down and may
 * fire a millisecond early, and a lookup woken by one must then find the load due, not wait again.
 */
const TIMER_TOLERANCE_MS = 2;
/** Live segments whose first lookup time is remembered (the oldest are forgotten first). */
const MAX_REMEMBERED_SEGMENTS = 256;
/** Longest wait between attempts after consecutive failures, ms. */
const MAX_FAILURE_BACKOFF_MS = 60_000;

const UNLISTED: TrustedDigest = { kind: 'unlisted' };
const UNAVAILABLE: TrustedDigest = { kind: 'unavailable' };

/** The part of a segment the manifest is keyed by, and how often its manifest may be refreshed. */
export interface TrustedSegment {
  readonly url: string;
  readonly byteRange?: { readonly start: number; readonly end: number };
  /** True for a segment of a live stream (a manifest missing it now may list it later). */
  readonly isLive: boolean;
  /** Least time between two loads of the manifest on this segment's behalf, ms. */
  readonly refreshIntervalMs: number;
}

/** Options of {@link TrustedHashes}. */
export interface TrustedHashesOptions {
  /** `strict`: peers only with a trusted hash; `fallback`: untrusted checks without one. */
  readonly strict: boolean;
  /** Loads and verifies the manifest (the engine binds URL, public key and its HTTP loader). */
  readonly load: (signal: AbortSignal) => Promise<HashManifest>;
  /** Told of every failed load (`integrity-manifest`, or the HTTP error). Must not throw. */
  readonly onError: (error: P2PMediaLoaderError) => void;
  /** Clock in ms; default `performance.now`. */
  readonly now?: () => number;
  /**
   * Resolves after `ms` on the clock of {@link now}, or rejects once `signal` aborts; default a
   * timer. Used to wait for the next refresh of a live manifest.
   */
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The hash manifest of one presentation. */
export class TrustedHashes {
  private manifest: HashManifest | undefined;
  private inFlight: Promise<void> | undefined;
  private controller: AbortController | undefined;
  /** When the last load started, ms. */
  private lastAttemptMs: number | undefined;
  private consecutiveFailures = 0;
  private loadCount = 0;
  private destroyed = false;
  /** When each live segment not listed yet was first asked about, ms (see msUntilLoadDue). */
  private readonly firstAskedMs = new Map<string, number>();
  private readonly now: () => number;
  private readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly options: TrustedHashesOptions) {
    this.now = options.now ?? (() => performance.now());
    this.wait = options.wait ?? abortableDelay;
  }

  /** Loads started so far (the first and every refresh or retry). */
  get loads(): number {
    return this.loadCount;
  }

  /** The view of one segment a delivery uses. */
  forSegment(segment: TrustedSegment): SegmentTrust {
    return {
      strict: this.options.strict,
      current: () => this.current(segment),
      lookup: (signal) => this.lookup(segment, signal),
    };
  }

  /** What is known about `segment` now; undefined while a load that may tell is due or in flight. */
  current(segment: TrustedSegment): TrustedDigest | undefined {
    this.firstAsked(segment);
    const digest = this.manifest?.digestFor(segment);
    if (digest) return { kind: 'listed', digest };
    if (this.destroyed) return UNAVAILABLE;
    if (this.inFlight || this.loadDue(segment) || this.awaitsRefresh(segment)) return undefined;
    return this.manifest ? UNLISTED : UNAVAILABLE;
  }

  /**
   * Starts the load that is due, if any, and resolves with what is known once it settled. For a
   * live segment not listed yet, first waits until the next refresh is due (rejects with `aborted`
   * when `signal` aborts meanwhile).
   */
  async lookup(segment: TrustedSegment, signal: AbortSignal): Promise<TrustedDigest> {
    this.firstAsked(segment);
    if (!this.inFlight && !this.loadDue(segment) && this.awaitsRefresh(segment)) {
      await this.wait(this.msUntilLoadDue(segment), signal);
    }
    if (!this.inFlight && !this.destroyed && this.loadDue(segment)) this.startLoad();
    const pending = this.inFlight;
    if (pending) await untilSettledOrAborted(pending, signal);
    const digest = this.manifest?.digestFor(segment);
    if (digest) return { kind: 'listed', digest };
    return this.manifest ? UNLISTED : UNAVAILABLE;
  }

  /** Aborts a load in flight; afterwards nothing loads and unknown hashes stay unknown. */
  destroy(): void {
    this.destroyed = true;
    this.controller?.abort();
  }

  /**
   * True for a segment of a live presentation that the manifest, which loads well, does not list
   * yet: a refresh may list it. (After failures the backoff rules and the hash counts as unknown.)
   */
  private awaitsRefresh(segment: TrustedSegment): boolean {
    return (
      !this.destroyed &&
      this.manifest !== undefined &&
      (segment.isLive || this.manifest.live) &&
      this.consecutiveFailures === 0 &&
      this.manifest.digestFor(segment) === undefined
    );
  }

  private loadDue(segment: TrustedSegment): boolean {
    return this.msUntilLoadDue(segment) <= TIMER_TOLERANCE_MS;
  }

  /** Ms until a load may start on `segment`'s behalf: 0 or less when due now, Infinity never. */
  private msUntilLoadDue(segment: TrustedSegment): number {
    if (this.lastAttemptMs === undefined) return 0;
    // A VOD manifest that loaded is complete: a segment it lacks will not appear.
    if (this.manifest && !segment.isLive && !this.manifest.live) return Infinity;
    // A live segment first asked about after the last load began cannot be in that manifest: the
    // next one may list it, so it need not wait a whole segment duration (only the floor).
    const newerThanManifest =
      this.consecutiveFailures === 0 && this.firstAsked(segment) > this.lastAttemptMs;
    const interval = newerThanManifest
      ? MIN_REFRESH_INTERVAL_MS
      : Math.max(MIN_REFRESH_INTERVAL_MS, segment.refreshIntervalMs);
    const wait =
      this.consecutiveFailures === 0
        ? interval
        : Math.min(MAX_FAILURE_BACKOFF_MS, interval * 2 ** (this.consecutiveFailures - 1));
    return this.lastAttemptMs + wait - this.now();
  }

  /** When `segment` (live, not listed yet) was first asked about, ms; remembered from now on. */
  private firstAsked(segment: TrustedSegment): number {
    if (!segment.isLive && !this.manifest?.live) return -Infinity;
    if (this.manifest?.digestFor(segment) !== undefined) return -Infinity;
    const key = `${segment.url} ${segment.byteRange?.start ?? ''}-${segment.byteRange?.end ?? ''}`;
    const known = this.firstAskedMs.get(key);
    if (known !== undefined) return known;
    const nowMs = this.now();
    this.firstAskedMs.set(key, nowMs);
    if (this.firstAskedMs.size > MAX_REMEMBERED_SEGMENTS) {
      const oldest = this.firstAskedMs.keys().next().value;
      if (oldest !== undefined) this.firstAskedMs.delete(oldest);
    }
    return nowMs;
  }

  private startLoad(): void {
    const controller = new AbortController();
    this.controller = controller;
    this.lastAttemptMs = this.now();
    this.loadCount++;
    this.inFlight = this.options
      .load(controller.signal)
      .then(
        (manifest) => {
          if (this.destroyed) return;
          this.manifest = manifest;
          this.consecutiveFailures = 0;
        },
        (error: unknown) => {
          if (this.destroyed || isAbortError(error)) return;
          // A failed refresh keeps the manifest we have: it was trusted and still is.
          this.consecutiveFailures++;
          this.options.onError(asManifestError(error));
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        this.controller = undefined;
      });
  }
}

function asManifestError(error: unknown): P2PMediaLoaderError {
  if (error instanceof P2PMediaLoaderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new P2PMediaLoaderError('integrity-manifest', `Hash manifest: ${message}`, {
    cause: error,
  });
}

/** Resolves after `ms` (a timer), or rejects with `aborted` once `signal` aborts. */
function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): P2PMediaLoaderError =>
      new P2PMediaLoaderError('aborted', 'Wait for the hash manifest aborted');
    if (signal.aborted) {
      reject(aborted());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves when `promise` settles or `signal` aborts (then rejects with `aborted`). */
function untilSettledOrAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) {
    return Promise.reject(new P2PMediaLoaderError('aborted', 'Wait for the hash manifest aborted'));
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      reject(new P2PMediaLoaderError('aborted', 'Wait for the hash manifest aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.finally(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
