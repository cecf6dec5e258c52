/**
 * Turns a finished download (or a store hit) into what the engine hands the adapter: a private copy
 * of the bytes and timings the player's bandwidth estimator can use.
 */
import type { SegmentSource } from '../model/segment.js';
import type { LoadedSegment } from './engine-api.js';
import type { DownloadResult } from './segment-download.js';

/** A download result, or a store hit (source `cache`, no `verified`: it was checked when stored). */
export type DeliveredResult = Omit<DownloadResult, 'source' | 'verified' | 'shareable'> & {
  readonly source: SegmentSource;
  readonly verified?: DownloadResult['verified'];
};

/**
 * The adapter's view of `result`, delivered at `endMs` for a request made at `requestStartMs`.
 * Transfer and first-byte times are clamped into the request's span: a download the player joined
 * (a prefetch, another request's) started before this request, and players expect timings within it.
 */
export function toLoadedSegment(
  result: DeliveredResult,
  requestStartMs: number,
  endMs: number,
): LoadedSegment {
  const clamp = (ms: number): number => Math.min(endMs, Math.max(requestStartMs, ms));
  return {
    data: privateCopy(result.data),
    source: result.source,
    ...(result.peerId === undefined ? {} : { peerId: result.peerId }),
    timings: {
      requestStartMs,
      transferStartMs: clamp(result.transferStartMs),
      firstByteMs: clamp(result.firstByteMs),
      endMs,
    },
  };
}

function privateCopy(bytes: Uint8Array): ArrayBuffer {
  // Players take ArrayBuffers and may transfer or detach them: always hand out a private copy.
  return bytes.slice().buffer;
}
