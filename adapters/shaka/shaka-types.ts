/**
 * The parts of Shaka Player's public API the adapter uses, typed structurally so the adapter works
 * with the `shaka` namespace a page already has (npm 4.x/5.x, the UMD build, a player's copy)
 * without importing Shaka at runtime.
 */

/** `shaka.extern.Request`, the members read or written here. */
export interface ShakaRequest {
  uris: string[];
  method: string;
  headers: Record<string, string>;
}

/** `shaka.extern.Response`. */
export interface ShakaResponse {
  uri: string;
  originalUri?: string;
  data: ArrayBuffer | ArrayBufferView;
  status?: number;
  headers: Record<string, string>;
  /** Time the request took, ms: Shaka's bandwidth estimator samples segment responses with it. */
  timeMs?: number;
  /** True keeps the response out of Shaka's bandwidth estimate. */
  fromCache?: boolean;
  originalRequest?: ShakaRequest;
}

/** `shaka.media.SegmentReference` (exported getters only: fields are renamed in compiled builds). */
export interface ShakaSegmentReference {
  getUris(): string[];
  getStartTime(): number;
  getEndTime(): number;
  getStartByte(): number;
  getEndByte(): number | null;
}

/**
 * `shaka.media.SegmentIndex`. Its iterator starts at the segment holding time 0 or the first one
 * after it, and is null when Shaka finds none (an index whose references are all evicted or released,
 * which a live stream's index can be for a moment): `for...of` over it then throws.
 */
export interface ShakaSegmentIndex {
  [Symbol.iterator](): Iterator<ShakaSegmentReference | null> | null;
}

/** `shaka.extern.Stream`. */
export interface ShakaStream {
  id: number;
  /** DASH `Representation@id` (HLS: a name or null). */
  originalId: string | null;
  type: string;
  bandwidth?: number;
  segmentIndex: ShakaSegmentIndex | null;
}

/** `shaka.extern.RequestContext` (Shaka 4+). */
export interface ShakaRequestContext {
  type?: number;
  stream?: ShakaStream;
  segment?: ShakaSegmentReference;
  isPreload?: boolean;
}

/** `shaka.extern.ProgressUpdated`. */
export type ShakaProgressUpdated = (timeMs: number, bytes: number, bytesRemaining: number) => void;

/** `shaka.util.AbortableOperation` instance. */
export interface ShakaAbortableOperation<T> {
  readonly promise: Promise<T>;
  abort(): Promise<unknown>;
}

/** `shaka.extern.SchemePlugin`. */
export type ShakaSchemePlugin = (
  uri: string,
  request: ShakaRequest,
  requestType: number,
  progressUpdated: ShakaProgressUpdated,
  headersReceived: (headers: Record<string, string>) => void,
  config: unknown,
) => ShakaAbortableOperation<ShakaResponse>;

/** `shaka.extern.RequestFilter`. */
export type ShakaRequestFilter = (
  type: number,
  request: ShakaRequest,
  context?: ShakaRequestContext,
) => void | Promise<void>;

/** `shaka.extern.ResponseFilter`. */
export type ShakaResponseFilter = (
  type: number,
  response: ShakaResponse,
  context?: ShakaRequestContext,
) => void | Promise<void>;

/** `shaka.net.NetworkingEngine` instance. */
export interface ShakaNetworkingEngine {
  registerRequestFilter(filter: ShakaRequestFilter): void;
  unregisterRequestFilter(filter: ShakaRequestFilter): void;
  registerResponseFilter(filter: ShakaResponseFilter): void;
  unregisterResponseFilter(filter: ShakaResponseFilter): void;
}

/** `shaka.Player` instance. */
export interface ShakaPlayerLike {
  getNetworkingEngine(): ShakaNetworkingEngine | null;
  getMediaElement(): HTMLMediaElement | null;
  getAssetUri(): string | null;
  isLive(): boolean;
  /**
   * The seekable range, seconds. For live, its end is where Shaka starts playing by default (the
   * live edge minus the presentation delay). Optional: only Shaka's startup position is read from it.
   */
  seekRange?(): { start: number; end: number };
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/** The `shaka` namespace members the adapter uses. */
export interface ShakaNamespace {
  readonly net: {
    readonly NetworkingEngine: {
      registerScheme(
        scheme: string,
        plugin: ShakaSchemePlugin,
        priority?: number,
        progressSupport?: boolean,
      ): void;
      unregisterScheme(scheme: string): void;
      readonly RequestType: { readonly MANIFEST: number; readonly SEGMENT: number };
      readonly PluginPriority: { readonly APPLICATION: number };
    };
    readonly HttpFetchPlugin?: { parse: ShakaSchemePlugin; isSupported(): boolean };
    readonly HttpXHRPlugin?: { parse: ShakaSchemePlugin };
  };
  readonly util: {
    readonly AbortableOperation: new <T>(
      promise: Promise<T>,
      onAbort: () => Promise<unknown>,
    ) => ShakaAbortableOperation<T>;
    readonly Error: new (
      severity: number,
      category: number,
      code: number,
      ...data: unknown[]
    ) => Error;
  };
}

/** `shaka.util.Error` constants used here (stable numbers across Shaka 3-5). */
export const ShakaErrorCode = {
  SEVERITY_RECOVERABLE: 1,
  CATEGORY_NETWORK: 1,
  BAD_HTTP_STATUS: 1001,
  HTTP_ERROR: 1002,
  TIMEOUT: 1003,
  OPERATION_ABORTED: 7001,
} as const;

/** `shaka.net.NetworkingEngine.AdvancedRequestType` values used here. */
export const ShakaAdvancedRequestType = {
  INIT_SEGMENT: 0,
  MEDIA_SEGMENT: 1,
  MEDIA_PLAYLIST: 2,
  MASTER_PLAYLIST: 3,
  MPD: 4,
} as const;
