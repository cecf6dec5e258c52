/**
 * Downloads segments (or byte ranges of them) from the origin/CDN with `fetch`: retries transient
 * failures with exponential backoff, resumes a body that died midway by asking only for the missing
 * bytes, fails an attempt that goes quiet, and lets a request hook sign or rewrite requests.
 */
import type {
  EngineConfig,
  HttpRequestContext,
  HttpRequestInit,
  HttpRequestPurpose,
} from '../engine/config.js';
import { P2PMediaLoaderError, type ErrorCode } from '../errors.js';
import type { ByteRange, Segment } from '../model/segment.js';
import { AttemptFailure, runAttempt, type PreparedRequest } from './http-attempt.js';
import { PartialDownload, type RequestedRange } from './partial-download.js';

/** One segment download. */
export interface HttpSegmentRequest {
  /** The segment; its `url` is fetched. */
  readonly segment: Segment;
  /** Key of the segment's stream (passed to the request hook). */
  readonly streamKey: string;
  /**
   * Range to fetch; defaults to `segment.byteRange` (whole resource if none). The engine passes a
   * sub-range to complete a partial P2P download.
   */
  readonly byteRange?: ByteRange;
  /**
   * Fetch from this byte of the resource to its end, whatever the resource's length (the origin's
   * `Content-Range` total decides it, see {@link HttpSegmentResponse.resourceBytes}). Overrides
   * `byteRange`. The engine uses it to complete a partial P2P download of a segment without a byte
   * range: the size a peer claimed is never trusted for the request.
   */
  readonly fromByte?: number;
  /** Aborting it rejects the load at once with an `aborted` error and cancels the transfer. */
  readonly signal?: AbortSignal;
  /**
   * Called for every chunk as it arrives, on every attempt (stats count all bytes received, also
   * bytes of attempts that later fail and bytes outside the range when a server ignores `Range`).
   * If it throws, the load fails with that error.
   */
  readonly onChunk?: (chunk: Uint8Array) => void;
}

/** A completed download. Timestamps are `performance.now()` milliseconds. */
export interface HttpSegmentResponse {
  /** Exactly the requested range's bytes (the whole resource without a range), in a new buffer. */
  readonly data: Uint8Array;
  /** When `load` was called. */
  readonly startMs: number;
  /** When the first byte held in `data` arrived (an attempt that starts over resets it). */
  readonly firstByteMs: number;
  /** When the last byte arrived. */
  readonly endMs: number;
  /** Attempts made, 1 when the first succeeded. */
  readonly attempts: number;
  /**
   * Length of the whole resource as the origin reported it: the total of a 206's `Content-Range`,
   * or the `Content-Length` of an unencoded 200; `undefined` when the origin did not say.
   */
  readonly resourceBytes?: number;
}

/** What a non-segment request is for, as the request hook sees it. */
export type HttpResourcePurpose = Exclude<HttpRequestPurpose, 'segment'>;

/** The configuration keys the loader reads. */
export type HttpLoaderConfig = Pick<
  EngineConfig,
  'httpRetries' | 'httpRetryDelayMs' | 'httpIdleTimeoutMs' | 'httpRequestHook'
>;

/**
 * A server's `Retry-After` is honoured up to this wait, in ms. Longer waits would miss any playback
 * deadline; the normal backoff applies instead (the engine may fetch the segment elsewhere).
 */
const MAX_RETRY_AFTER_MS = 10_000;

/** ±20 % jitter keeps viewers that failed together from retrying in lockstep. */
const BACKOFF_JITTER = 0.2;

/**
 * Fetches segments over HTTP. Stateless between loads and owns no timers outside a running load,
 * so it needs no `destroy()`: abort a load's signal to stop it.
 *
 * Errors are {@link P2PMediaLoaderError}s naming the segment URL: `http-status` (with `status`;
 * 4xx other than 408/429 are not retried), `http-network`, `http-timeout`,
 * `http-invalid-response` (a 206 whose `Content-Range` differs from the request, a body of the wrong
 * length, a resource shorter than the range) and `aborted`.
 */
export class HttpLoader {
  private readonly fetchImpl: typeof fetch;

  /**
   * @param config - retries, backoff, idle timeout and request hook (see {@link EngineConfig})
   * @param fetchImpl - the `fetch` to use; defaults to the global one, looked up at each request
   */
  constructor(
    private readonly config: HttpLoaderConfig,
    fetchImpl?: typeof fetch,
  ) {
    this.fetchImpl = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  }

  /**
   * Downloads the request's range. `Range: bytes=start-(end-1)` is sent for byte ranges and the
   * answer verified (206 with a matching `Content-Range`, or 200 with the whole resource, which is
   * sliced). Retries up to `httpRetries` times after network errors, idle timeouts, 5xx, 408 and
   * 429, waiting `httpRetryDelayMs` doubled at each retry (±20 %), or a short `Retry-After`.
   */
  async load(
    request: HttpSegmentRequest,
    purpose: HttpRequestPurpose = 'segment',
  ): Promise<HttpSegmentResponse> {
    const { segment, signal } = request;
    const url = segment.url;
    const target = targetOf(request);
    if (target) assertValidRange(target, url);
    const startMs = performance.now();
    if (signal?.aborted) throw abortedError(url, signal.reason);

    const download = new PartialDownload(target);
    const maxAttempts = this.config.httpRetries + 1;
    let firstByteMs: number | undefined;
    for (let attempt = 1; ; attempt++) {
      const requested = download.nextRequest();
      try {
        await runAttempt({
          fetchImpl: this.fetchImpl,
          idleTimeoutMs: this.config.httpIdleTimeoutMs,
          signal,
          prepare: () => this.prepare(request, target, purpose),
          requested,
          download,
          onChunk: (chunk) => {
            // Held bytes are about to start over (or this is the very first chunk): data begins now.
            if (firstByteMs === undefined || download.bytesHeld === 0) {
              firstByteMs = performance.now();
            }
            request.onChunk?.(chunk);
          },
        });
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        if (error.kind === 'callback') throw error.cause;
        if (!error.retryable || attempt >= maxAttempts) throw toLoaderError(error, url, attempt);
        await waitMs(this.backoffMs(attempt, error.retryAfterMs), signal, url);
        continue;
      }
      const result = download.finish();
      if (typeof result === 'string') {
        throw new P2PMediaLoaderError(
          'http-invalid-response',
          `Invalid response for ${url}: ${result}`,
        );
      }
      const endMs = performance.now();
      const resourceBytes = download.resourceBytes;
      return {
        data: result,
        startMs,
        firstByteMs: firstByteMs ?? endMs,
        endMs,
        attempts: attempt,
        ...(resourceBytes === undefined ? {} : { resourceBytes }),
      };
    }
  }

  /**
   * Downloads a whole resource that is not a segment (the origin's hash manifest and its
   * signature), with the same retries, idle timeout and request hook as segments. The hook's
   * context names the `purpose`; its `segment` is a stand-in whose `url` is the resource's URL
   * (id and times 0) and its `streamKey` is empty.
   *
   * @param maxBytes - the load fails with `http-invalid-response` once more bytes than this arrive
   */
  async loadResource(
    url: string,
    purpose: HttpResourcePurpose,
    signal: AbortSignal,
    maxBytes: number,
  ): Promise<Uint8Array> {
    let received = 0;
    const response = await this.load(
      {
        segment: { id: 0, url, startTime: 0, endTime: 0 },
        streamKey: '',
        signal,
        onChunk: (chunk) => {
          received += chunk.byteLength;
          if (received > maxBytes) {
            throw new P2PMediaLoaderError(
              'http-invalid-response',
              `Invalid response for ${url}: more than ${maxBytes} bytes`,
            );
          }
        },
      },
      purpose,
    );
    return response.data;
  }

  /** Runs the request hook, if any, on a fresh request. */
  private async prepare(
    request: HttpSegmentRequest,
    target: RequestedRange | undefined,
    purpose: HttpRequestPurpose,
  ): Promise<PreparedRequest> {
    const init: HttpRequestInit = {
      url: request.segment.url,
      headers: {},
      credentials: 'same-origin',
    };
    const hook = this.config.httpRequestHook;
    if (!hook) return init;
    const result = await hook(init, hookContext(request, target, purpose));
    if (typeof result !== 'object' || typeof result.url !== 'string') {
      throw new TypeError('the request hook must return { url, headers, credentials }');
    }
    return {
      url: result.url,
      headers: { ...result.headers },
      credentials: result.credentials,
    };
  }

  /** Wait before retry number `attempt` (1-based). */
  private backoffMs(attempt: number, retryAfterMs: number | undefined): number {
    const jitter = 1 - BACKOFF_JITTER + Math.random() * 2 * BACKOFF_JITTER;
    const backoff = this.config.httpRetryDelayMs * 2 ** (attempt - 1) * jitter;
    if (retryAfterMs !== undefined && retryAfterMs <= MAX_RETRY_AFTER_MS) {
      return Math.max(backoff, retryAfterMs);
    }
    return backoff;
  }
}

const ERROR_CODES: Record<AttemptFailure['kind'], ErrorCode> = {
  aborted: 'aborted',
  timeout: 'http-timeout',
  network: 'http-network',
  status: 'http-status',
  invalid: 'http-invalid-response',
  hook: 'http-network',
  callback: 'http-network',
};

function toLoaderError(
  failure: AttemptFailure,
  url: string,
  attempts: number,
): P2PMediaLoaderError {
  if (failure.kind === 'aborted') return abortedError(url, failure.cause);
  const after = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  const what = failure.kind === 'invalid' ? 'Invalid response' : 'HTTP request failed';
  const options =
    failure.status === undefined ? { cause: failure } : { cause: failure, status: failure.status };
  return new P2PMediaLoaderError(
    ERROR_CODES[failure.kind],
    `${what} for ${url}: ${failure.message}${after}`,
    options,
  );
}

function abortedError(url: string, cause: unknown): P2PMediaLoaderError {
  return new P2PMediaLoaderError('aborted', `Request for ${url} was aborted`, { cause });
}

/** Resolves after `ms`, or rejects with `aborted` as soon as `signal` aborts (clearing the timer). */
function waitMs(ms: number, signal: AbortSignal | undefined, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(url, signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The range a request wants: `fromByte` (open-ended), else its byte range or the segment's. */
function targetOf(request: HttpSegmentRequest): RequestedRange | undefined {
  if (request.fromByte !== undefined) return { start: request.fromByte, end: undefined };
  return request.byteRange ?? request.segment.byteRange;
}

function hookContext(
  request: HttpSegmentRequest,
  target: RequestedRange | undefined,
  purpose: HttpRequestPurpose,
): HttpRequestContext {
  const context = { segment: request.segment, streamKey: request.streamKey, purpose };
  if (!target) return context;
  return target.end === undefined
    ? { ...context, fromByte: target.start }
    : { ...context, byteRange: { start: target.start, end: target.end } };
}

function assertValidRange(range: RequestedRange, url: string): void {
  const valid =
    Number.isSafeInteger(range.start) &&
    (range.end === undefined || Number.isSafeInteger(range.end)) &&
    range.start >= 0 &&
    (range.end === undefined || range.end > range.start);
  if (!valid) {
    throw new RangeError(
      `Invalid byte range ${JSON.stringify(range)} for ${url}: need integers 0 <= start < end`,
    );
  }
}
