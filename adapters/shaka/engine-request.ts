/**
 * One Shaka segment request served by the engine: the Shaka response it resolves to (with the
 * timing Shaka's bandwidth estimator samples) and the Shaka error it fails with.
 */
import type { LoadedSegment, SegmentEngine } from '../../core/engine/engine-api.js';
import { P2PMediaLoaderError } from '../../core/errors.js';
import type { MappedSegment } from './segment-mapper.js';
import {
  ShakaErrorCode,
  type ShakaAbortableOperation,
  type ShakaNamespace,
  type ShakaRequest,
  type ShakaResponse,
} from './shaka-types.js';

/** Response header naming where an engine-served segment came from: `http`, `p2p` or `cache`. */
export const SOURCE_HEADER = 'x-p2p-media-loader-source';

/**
 * What Shaka's bandwidth estimator is told about a delivery. Shaka samples `bytes / timeMs` of
 * every segment response; a segment from the store or from peers "downloads" in a few ms (or slowly
 * on purpose while the engine prefetches with time to spare), and either would mislead ABR about
 * what HTTP can sustain once peers are gone. So:
 * - `http`: the real time;
 * - `p2p`/`cache` with an HTTP estimate: the time the bytes take at that estimate;
 * - `p2p`/`cache` before any HTTP download: no sample at all (`fromCache`).
 */
export function bandwidthReport(
  loaded: Pick<LoadedSegment, 'source' | 'data'>,
  elapsedMs: number,
  httpBandwidthBps: number | undefined,
): { timeMs: number; fromCache: boolean } {
  if (loaded.source === 'http') return { timeMs: Math.max(elapsedMs, 1), fromCache: false };
  if (httpBandwidthBps !== undefined && httpBandwidthBps > 0) {
    const timeMs = (loaded.data.byteLength * 8 * 1000) / httpBandwidthBps;
    if (Number.isFinite(timeMs)) return { timeMs: Math.max(timeMs, 1), fromCache: false };
  }
  return { timeMs: Math.max(elapsedMs, 1), fromCache: true };
}

/** The `shaka.util.Error` Shaka's HTTP plugins would raise for the same failure. */
function shakaError(
  shaka: ShakaNamespace,
  error: unknown,
  uri: string,
  requestType: number,
): Error {
  const { SEVERITY_RECOVERABLE: severity, CATEGORY_NETWORK: category } = ShakaErrorCode;
  if (error instanceof P2PMediaLoaderError) {
    if (error.code === 'aborted' || error.code === 'destroyed') {
      return new shaka.util.Error(
        severity,
        category,
        ShakaErrorCode.OPERATION_ABORTED,
        uri,
        requestType,
      );
    }
    if (error.code === 'http-timeout') {
      return new shaka.util.Error(severity, category, ShakaErrorCode.TIMEOUT, uri, requestType);
    }
    if (error.status !== undefined) {
      return new shaka.util.Error(
        severity,
        category,
        ShakaErrorCode.BAD_HTTP_STATUS,
        uri,
        error.status,
        error.message,
        {},
        requestType,
        uri,
      );
    }
  }
  return new shaka.util.Error(
    severity,
    category,
    ShakaErrorCode.HTTP_ERROR,
    uri,
    error,
    requestType,
  );
}

/** Starts the engine load of `target` for Shaka's `request`; aborting the operation aborts it. */
export function serveFromEngine(
  shaka: ShakaNamespace,
  engine: SegmentEngine,
  target: MappedSegment,
  uri: string,
  request: ShakaRequest,
  requestType: number,
): ShakaAbortableOperation<ShakaResponse> {
  const controller = new AbortController();
  const startedAtMs = performance.now();
  const promise = (async (): Promise<ShakaResponse> => {
    let loaded: LoadedSegment;
    try {
      loaded = await engine.loadSegment(target.stream, target.segment, {
        signal: controller.signal,
      });
    } catch (error) {
      throw shakaError(shaka, error, uri, requestType);
    }
    const report = bandwidthReport(
      loaded,
      // Measured from the delivering transfer's start: waiting for peers is not network time.
      performance.now() - Math.max(startedAtMs, loaded.timings.transferStartMs),
      engine.getHttpBandwidthEstimate(),
    );
    return {
      uri,
      originalUri: uri,
      data: loaded.data,
      status: target.segment.byteRange ? 206 : 200,
      // Like Shaka's `x-shaka-from-cache`: lets response filters tell engine deliveries apart.
      headers: { [SOURCE_HEADER]: loaded.source },
      timeMs: report.timeMs,
      fromCache: report.fromCache,
      originalRequest: request,
    };
  })();
  return new shaka.util.AbortableOperation(promise, () => {
    controller.abort();
    return promise.catch(() => undefined);
  });
}
