/**
 * The hls.js fragment loader (`fLoader`): media segments of main and audio playlists come from the
 * engine (store, peers or HTTP); everything else goes to hls.js's default loader.
 */
import type {
  FragmentLoaderConstructor,
  FragmentLoaderContext,
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
} from 'hls.js';
import type { LoadedSegment, SegmentEngine } from '../../core/engine/engine-api.js';
import { P2PMediaLoaderError } from '../../core/errors.js';
import type { Segment, StreamDescriptor } from '../../core/model/segment.js';
import { startDefaultLoad } from './delegated-load.js';
import { fragmentSegment } from './fragment-mapping.js';
import { createLoaderStats, reportedLoadTimings } from './loader-stats.js';
import type { StreamCatalog } from './stream-catalog.js';

/** What the fragment loader needs from the adapter that created it. */
export interface FragmentLoaderHost {
  /** The engine, or undefined once the adapter is destroyed (loads then go to the default loader). */
  activeEngine(): SegmentEngine | undefined;
  /** Names the stream of a fragment. */
  readonly catalog: StreamCatalog;
}

/** A fragment load the engine can serve. */
interface EngineTarget {
  readonly stream: StreamDescriptor;
  readonly segment: Segment;
}

/**
 * What the engine serves: a whole media segment of a main or audio playlist, requested exactly as
 * listed. Init segments (`sn === 'initSegment'`), LL-HLS parts (the engine shares whole segments),
 * subtitles, and requests whose URL or byte range differ from the playlist's (hls.js widens the
 * range of AES-CBC I-frame loads to 16-byte blocks) go to the default loader.
 */
function engineTarget(
  catalog: StreamCatalog,
  context: FragmentLoaderContext,
): EngineTarget | undefined {
  const { frag } = context;
  if (context.part) return undefined;
  const stream = catalog.streamOfFragment(frag);
  const segment = stream && fragmentSegment(frag);
  if (!stream || !segment || context.url !== segment.url) return undefined;
  const requestedEnd = context.rangeEnd ?? 0;
  const range = segment.byteRange;
  if (range) {
    if (context.rangeStart !== range.start || requestedEnd !== range.end) return undefined;
  } else if (requestedEnd !== 0) {
    return undefined;
  }
  return { stream, segment };
}

/**
 * hls.js's overall load time limit: `loadPolicy.maxLoadTimeMs` (1.2+), else the legacy `timeout`.
 * The time-to-first-byte limit is not applied: the engine has its own idle timeouts, and a segment
 * coming from peers or joined to a prefetch has no meaningful "first byte" moment.
 */
function loadTimeLimitMs(config: LoaderConfiguration): number | undefined {
  // Typed loosely: `loadPolicy` is missing before 1.2, `timeout` is deprecated since.
  const legacy = config as { loadPolicy?: LoaderConfiguration['loadPolicy']; timeout?: number };
  const limit = legacy.loadPolicy?.maxLoadTimeMs ?? legacy.timeout ?? 0;
  return Number.isFinite(limit) && limit > 0 ? limit : undefined;
}

/** Maps an engine failure to what hls.js's default loaders report: the HTTP status, else 0. */
function errorResponse(error: unknown): { code: number; text: string } {
  if (error instanceof P2PMediaLoaderError) {
    return { code: error.status ?? 0, text: `${error.code}: ${error.message}` };
  }
  return { code: 0, text: error instanceof Error ? error.message : String(error) };
}

/** Creates the `fLoader` class bound to an adapter. */
export function createFragmentLoaderClass(host: FragmentLoaderHost): FragmentLoaderConstructor {
  return class P2PFragmentLoader implements Loader<FragmentLoaderContext> {
    /** Filled in place: hls.js holds on to this object (`frag.stats`) from before `load`. */
    stats = createLoaderStats();
    private readonly hlsConfig: HlsConfig;
    private ownContext: FragmentLoaderContext | null = null;
    private delegate: Loader<FragmentLoaderContext> | undefined;
    /** Set while an engine load is in flight; taken by whichever outcome comes first. */
    private callbacks: LoaderCallbacks<FragmentLoaderContext> | undefined;
    private controller: AbortController | undefined;
    private timeoutId: ReturnType<typeof setTimeout> | undefined;

    constructor(hlsConfig: HlsConfig) {
      this.hlsConfig = hlsConfig;
    }

    get context(): FragmentLoaderContext | null {
      return this.delegate ? this.delegate.context : this.ownContext;
    }

    load(
      context: FragmentLoaderContext,
      config: LoaderConfiguration,
      callbacks: LoaderCallbacks<FragmentLoaderContext>,
    ): void {
      const engine = host.activeEngine();
      const target = engine ? engineTarget(host.catalog, context) : undefined;
      if (!engine || !target) {
        this.delegate = startDefaultLoad(this.hlsConfig, this.stats, context, config, callbacks);
        return;
      }
      const { stats } = this;
      stats.loading.start = performance.now();
      stats.loading.first = 0;
      stats.loaded = 0;
      stats.aborted = false;
      this.ownContext = context;
      this.callbacks = callbacks;
      const controller = (this.controller = new AbortController());
      const limitMs = loadTimeLimitMs(config);
      if (limitMs !== undefined) {
        this.timeoutId = setTimeout(() => {
          this.onTimeout();
        }, limitMs);
      }
      // Through an async call so that an engine throwing synchronously still reports via onError.
      const loading = (async () =>
        engine.loadSegment(target.stream, target.segment, {
          signal: controller.signal,
          onProgress: (loadedBytes, totalBytes) => {
            this.onProgress(loadedBytes, totalBytes);
          },
        }))();
      loading.then(
        (loaded) => {
          this.onLoaded(engine, loaded);
        },
        (error: unknown) => {
          this.onFailed(error);
        },
      );
    }

    abort(): void {
      if (this.delegate) {
        this.delegate.abort();
        return;
      }
      const callbacks = this.settle();
      const context = this.ownContext;
      if (!callbacks || !context) return;
      this.stats.aborted = true;
      this.controller?.abort();
      callbacks.onAbort?.(this.stats, context, null);
    }

    destroy(): void {
      if (this.delegate) {
        this.delegate.destroy();
        return;
      }
      // Like hls.js's loaders: cancel silently, no callback after destroy.
      if (this.settle()) this.controller?.abort();
    }

    /** Ends the in-flight engine load: returns its callbacks the first time, then undefined. */
    private settle(): LoaderCallbacks<FragmentLoaderContext> | undefined {
      const callbacks = this.callbacks;
      this.callbacks = undefined;
      if (this.timeoutId !== undefined) clearTimeout(this.timeoutId);
      this.timeoutId = undefined;
      return callbacks;
    }

    private onProgress(loadedBytes: number, totalBytes: number | undefined): void {
      if (!this.callbacks) return;
      const { stats } = this;
      // Real progress, so hls.js's abandon rule (AbrController._abandonRulesCheck) sees a slow
      // delivery as it happens and can switch down before the buffer runs dry.
      if (stats.loading.first === 0 && loadedBytes > 0) stats.loading.first = performance.now();
      stats.loaded = loadedBytes;
      if (totalBytes !== undefined) stats.total = totalBytes;
      stats.chunkCount += 1;
    }

    private onLoaded(engine: SegmentEngine, loaded: LoadedSegment): void {
      const callbacks = this.settle();
      const context = this.ownContext;
      if (!callbacks || !context) return;
      const { stats } = this;
      const bytes = loaded.data.byteLength;
      const timings = reportedLoadTimings({
        source: loaded.source,
        bytes,
        // Time spent waiting for a peer or for a download already under way is not network time:
        // measure from when the delivering transfer started.
        requestStartMs: Math.max(stats.loading.start, loaded.timings.transferStartMs),
        firstByteMs: loaded.timings.firstByteMs,
        endMs: performance.now(),
        httpBandwidthBps: engine.getHttpBandwidthEstimate(),
      });
      stats.loading.start = timings.start;
      stats.loading.first = timings.first;
      stats.loading.end = timings.end;
      stats.loaded = bytes;
      stats.total = bytes;
      stats.chunkCount = Math.max(stats.chunkCount, 1);
      const transferMs = timings.end - timings.first;
      stats.bwEstimate = transferMs > 0 ? (bytes * 8000) / transferMs : 0;
      // In progressive mode hls.js feeds the transmuxer from onProgress only (the success payload
      // is ignored), so hand it the whole segment as one chunk first, as its FetchLoader does.
      callbacks.onProgress?.(stats, context, loaded.data, null);
      callbacks.onSuccess({ url: context.url, data: loaded.data, code: 200 }, stats, context, null);
    }

    private onFailed(error: unknown): void {
      const callbacks = this.settle();
      const context = this.ownContext;
      if (!callbacks || !context) return;
      // The engine's HTTP idle timeout (after its retries) is a timeout for hls.js too: its retry
      // policy (`fragLoadPolicy.timeoutRetry`) and ABR treat timeouts apart from HTTP errors.
      if (error instanceof P2PMediaLoaderError && error.code === 'http-timeout') {
        callbacks.onTimeout(this.stats, context, null);
        return;
      }
      callbacks.onError(errorResponse(error), context, null, this.stats);
    }

    private onTimeout(): void {
      const callbacks = this.settle();
      const context = this.ownContext;
      if (!callbacks || !context) return;
      this.controller?.abort();
      callbacks.onTimeout(this.stats, context, null);
    }
  };
}
