/**
 * hls.js `LoaderStats` for segments the engine delivers, and the load timings reported to hls.js's
 * bandwidth estimation (ABR).
 */
import type { LoaderStats } from 'hls.js';
import type { SegmentSource } from '../../core/model/segment.js';

/** A fresh, zeroed `LoaderStats` (the shape of hls.js's `LoadStats`). */
export function createLoaderStats(): LoaderStats {
  return {
    aborted: false,
    loaded: 0,
    retry: 0,
    total: 0,
    chunkCount: 0,
    bwEstimate: 0,
    loading: { start: 0, first: 0, end: 0 },
    parsing: { start: 0, end: 0 },
    buffering: { start: 0, first: 0, end: 0 },
  };
}

/** Timestamps of a load as reported to hls.js, in `performance.now()` ms; start <= first <= end. */
export interface ReportedLoadTimings {
  readonly start: number;
  readonly first: number;
  readonly end: number;
}

/** What {@link reportedLoadTimings} decides from. */
export interface DeliveryFacts {
  /** Where the bytes came from. */
  readonly source: SegmentSource;
  /** Size of the segment, in bytes. */
  readonly bytes: number;
  /** When the loader started the request (`performance.now()` ms). */
  readonly requestStartMs: number;
  /** When the first byte arrived, if known. */
  readonly firstByteMs?: number | undefined;
  /** When the segment was complete (normally "now"). */
  readonly endMs: number;
  /** The engine's HTTP throughput estimate in bits per second, undefined before any HTTP load. */
  readonly httpBandwidthBps: number | undefined;
}

/**
 * The timings reported to hls.js for a delivered segment.
 *
 * hls.js's ABR (`AbrController.onFragBuffered`) takes one bandwidth sample per main fragment:
 * `loaded * 8 / (parsing.end - loading.start - min(loading.first - loading.start, ttfbEstimate))`,
 * where `parsing.end` is stamped by hls.js itself after our `onSuccess`. A segment served from the
 * store or by peers often "loads" in a few milliseconds, or slowly on purpose while the engine
 * prefetches from peers with time to spare; neither says anything about what the network can
 * sustain, and the first would make hls.js believe in near-infinite bandwidth and switch to a
 * rendition HTTP cannot deliver when peers are gone. So:
 *
 * - `http`: the real timings.
 * - `p2p`/`cache` with an HTTP estimate: the duration the same bytes take at that estimate,
 *   ending now. The start is moved (usually backwards, before the real request) rather than the
 *   end forwards, because `parsing.end` is real time: only an earlier `loading.start` makes the
 *   sample above equal the HTTP rate. `first = start` (no latency), so the whole duration counts
 *   as transfer time, matching the engine's estimate, which measures first-to-last byte.
 * - `p2p`/`cache` before any HTTP download: the real elapsed time (nothing better is known).
 */
export function reportedLoadTimings(facts: DeliveryFacts): ReportedLoadTimings {
  const { source, bytes, requestStartMs, firstByteMs, endMs, httpBandwidthBps } = facts;
  const end = Math.max(endMs, requestStartMs);
  if (source !== 'http' && httpBandwidthBps !== undefined && httpBandwidthBps > 0) {
    const durationMs = (bytes * 8 * 1000) / httpBandwidthBps;
    if (Number.isFinite(durationMs)) {
      const start = end - durationMs;
      return { start, first: start, end };
    }
  }
  const first = Math.min(Math.max(firstByteMs ?? end, requestStartMs), end);
  return { start: requestStartMs, first, end };
}
