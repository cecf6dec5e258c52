/**
 * The origin's trusted segment hashes for one presentation (see `EngineConfig.integrity`): loads
 * the hash manifest at the first need, refreshes it lazily for live streams, and answers, per
 * segment, what the manifest says. One per source; `destroy()` aborts a load in flight.
 *
 * Refreshes are lazy and rare: only a delivery that has peer bytes to check and finds no hash asks
 * for one, at most once per refresh interval (the segment's duration, which for a live stream is
 * about how often the manifest can have grown), and HTTP deliveries never wait for one.
 */
import { P2PMediaLoaderError, isAbortError } from '../errors.js';
import type { HashManifest } from '../p2p/integrity/hash-manifest.js';
import type { SegmentTrust, TrustedDigest } from '../scheduler/segment-trust.js';

/** Refresh interval floor, ms: segments shorter than this (or without times) do not speed it up. */
const MIN_REFRESH_INTERVAL_MS = 1000;
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
  private readonly now: () => number;

  constructor(private readonly options: TrustedHashesOptions) {
    this.now = options.now ?? (() => performance.now());
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
    const digest = this.manifest?.digestFor(segment);
    if (digest) return { kind: 'listed', digest };
    if (this.destroyed) return UNAVAILABLE;
    if (this.inFlight || this.loadDue(segment)) return undefined;
    return this.manifest ? UNLISTED : UNAVAILABLE;
  }

  /** Starts the load that is due, if any, and resolves with what is known once it settled. */
  async lookup(segment: TrustedSegment, signal: AbortSignal): Promise<TrustedDigest> {
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

  private loadDue(segment: TrustedSegment): boolean {
    if (this.lastAttemptMs === undefined) return true;
    // A VOD manifest that loaded is complete: a segment it lacks will not appear.
    if (this.manifest && !segment.isLive && !this.manifest.live) return false;
    const interval = Math.max(MIN_REFRESH_INTERVAL_MS, segment.refreshIntervalMs);
    const wait =
      this.consecutiveFailures === 0
        ? interval
        : Math.min(MAX_FAILURE_BACKOFF_MS, interval * 2 ** (this.consecutiveFailures - 1));
    return this.now() - this.lastAttemptMs >= wait;
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
