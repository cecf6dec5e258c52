/**
 * Drives an hls.js loader exactly as hls.js's FragmentLoader does (context, loader configuration,
 * callbacks) and records every callback, for the adapter's loader tests.
 */
import type {
  Fragment,
  FragmentLoaderContext,
  HlsConfig,
  Loader,
  LoaderConfiguration,
  LoaderResponse,
  LoaderStats,
  PlaylistLoaderContext,
} from 'hls.js';

/** One callback hls.js would have received. */
export type LoaderEvent =
  | { readonly kind: 'success'; readonly response: LoaderResponse; readonly stats: LoaderStats }
  | { readonly kind: 'progress'; readonly data: string | ArrayBuffer; readonly stats: LoaderStats }
  | { readonly kind: 'error'; readonly code: number; readonly text: string }
  | { readonly kind: 'timeout'; readonly stats: LoaderStats }
  | { readonly kind: 'abort'; readonly stats: LoaderStats };

/** A load in progress and what it reported so far. */
export interface LoadRun {
  readonly loader: Loader<FragmentLoaderContext>;
  readonly events: LoaderEvent[];
  /** Resolves with the first terminal callback (success, error, timeout, abort). */
  readonly settled: Promise<LoaderEvent>;
  /** `performance.now()` just before `load` was called. */
  readonly startedAtMs: number;
}

/** The context hls.js's `createLoaderContext` builds for a fragment (without AES adjustments). */
export function fragmentContext(frag: Fragment): FragmentLoaderContext {
  const context: FragmentLoaderContext = {
    // LoaderContextType.MEDIA_FRAGMENT: hls.js's CommonJS build does not export its enums.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
    type: 'media-fragment' as FragmentLoaderContext['type'],
    frag,
    part: null,
    responseType: 'arraybuffer',
    url: frag.url,
    headers: {},
    rangeStart: 0,
    rangeEnd: 0,
  };
  const start = frag.byteRangeStartOffset;
  const end = frag.byteRangeEndOffset;
  if (start !== undefined && end !== undefined) {
    context.rangeStart = start;
    context.rangeEnd = end;
  }
  return context;
}

/** The loader configuration hls.js 1.7's FragmentLoader passes (retries are hls.js's own). */
export function fragmentLoaderConfig(
  hlsConfig: HlsConfig,
  maxLoadTimeMs = hlsConfig.fragLoadPolicy.default.maxLoadTimeMs,
): LoaderConfiguration {
  const loadPolicy = {
    ...hlsConfig.fragLoadPolicy.default,
    maxLoadTimeMs,
    errorRetry: null,
    timeoutRetry: null,
  };
  // hls.js 1.7 still fills the deprecated fields; so does this, to match what loaders receive.
  /* eslint-disable @typescript-eslint/no-deprecated */
  return {
    loadPolicy,
    timeout: maxLoadTimeMs,
    maxRetry: 0,
    retryDelay: 0,
    maxRetryDelay: 0,
    highWaterMark: 2 ** 17,
  };
  /* eslint-enable @typescript-eslint/no-deprecated */
}

/** Options of {@link startLoad}. */
export interface StartLoadOptions {
  readonly context?: FragmentLoaderContext;
  readonly config?: LoaderConfiguration;
  /** Passes an onProgress callback, as hls.js does in progressive mode. */
  readonly progressive?: boolean;
}

/** Creates a loader from `LoaderClass` and starts loading `frag`. */
export function startLoad(
  LoaderClass: new (config: HlsConfig) => Loader<FragmentLoaderContext>,
  hlsConfig: HlsConfig,
  frag: Fragment,
  options: StartLoadOptions = {},
): LoadRun {
  const loader = new LoaderClass(hlsConfig);
  const events: LoaderEvent[] = [];
  let settle: (event: LoaderEvent) => void = () => undefined;
  const settled = new Promise<LoaderEvent>((resolve) => {
    settle = resolve;
  });
  const record = (event: LoaderEvent, terminal: boolean) => {
    events.push(event);
    if (terminal) settle(event);
  };
  // As hls.js's FragmentLoader: the fragment keeps the loader's stats object from before `load`.
  loader.stats.retry = frag.stats.retry;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  frag.stats = loader.stats;
  const startedAtMs = performance.now();
  loader.load(
    options.context ?? fragmentContext(frag),
    options.config ?? fragmentLoaderConfig(hlsConfig),
    {
      onSuccess: (response, stats) => {
        record({ kind: 'success', response, stats }, true);
      },
      onError: (error) => {
        record({ kind: 'error', code: error.code, text: error.text }, true);
      },
      onTimeout: (stats) => {
        record({ kind: 'timeout', stats }, true);
      },
      onAbort: (stats) => {
        record({ kind: 'abort', stats }, true);
      },
      ...(options.progressive
        ? {
            onProgress: (stats: LoaderStats, _context: unknown, data: string | ArrayBuffer) => {
              record({ kind: 'progress', data, stats }, false);
            },
          }
        : {}),
    },
  );
  return { loader, events, settled, startedAtMs };
}

/** Waits until `condition` holds, checking every 10 ms, failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Loads `url` as a playlist of `type` with `LoaderClass`, as hls.js's PlaylistLoader does. */
export function loadPlaylist(
  LoaderClass: new (config: HlsConfig) => Loader<PlaylistLoaderContext>,
  hlsConfig: HlsConfig,
  url: string,
  type: 'manifest' | 'level',
): Promise<{ response: LoaderResponse; loader: Loader<PlaylistLoaderContext> }> {
  const loader = new LoaderClass(hlsConfig);
  const context: PlaylistLoaderContext = {
    // LoaderContextType.MANIFEST / LEVEL: hls.js's CommonJS build does not export its enums.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
    type: type as PlaylistLoaderContext['type'],
    url,
    responseType: 'text',
    level: type === 'manifest' ? null : 0,
    id: type === 'manifest' ? null : 0,
    deliveryDirectives: null,
    levelOrTrack: null,
  };
  const config = fragmentLoaderConfig(
    hlsConfig,
    hlsConfig.manifestLoadPolicy.default.maxLoadTimeMs,
  );
  return new Promise((resolve, reject) => {
    loader.load(context, config, {
      onSuccess: (response) => {
        resolve({ response, loader });
      },
      onError: (error) => {
        reject(new Error(`playlist error ${error.code}`));
      },
      onTimeout: () => {
        reject(new Error('playlist timeout'));
      },
    });
  });
}
