/**
 * One HTTP attempt: prepare the request (request hook), fetch, check the answer and stream the body
 * into a {@link PartialDownload}, under an idle timer and the caller's abort signal. Every await is
 * raced against the attempt's failure, so an abort or a timeout settles the attempt at once even if
 * the platform's fetch is slow to react, and nothing (timer, listener, body) outlives the attempt.
 */
import { rangeHeaderValue, type PartialDownload, type RequestedRange } from './partial-download.js';

/** Why an attempt failed; decides whether the loader retries. */
export type AttemptFailureKind =
  /** The caller's signal aborted. */
  | 'aborted'
  /** No bytes (or headers) for `idleTimeoutMs`. Retryable. */
  | 'timeout'
  /** fetch or the body stream failed. Retryable. */
  | 'network'
  /** A non-success HTTP status; see {@link AttemptFailure.retryable}. */
  | 'status'
  /** The answer does not match the request. */
  | 'invalid'
  /** The request hook threw. */
  | 'hook'
  /** The caller's chunk callback threw; its error is the `cause`. */
  | 'callback';

/** An attempt's failure, classified. */
export class AttemptFailure extends Error {
  /** What went wrong. */
  readonly kind: AttemptFailureKind;
  /** HTTP status, for `status`. */
  readonly status?: number;
  /** Wait the server asked for with `Retry-After` (seconds form), in ms. */
  readonly retryAfterMs?: number;

  /** @param kind - see {@link AttemptFailureKind}; @param message - what happened */
  constructor(
    kind: AttemptFailureKind,
    message: string,
    options: { cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AttemptFailure';
    this.kind = kind;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** True for failures a later attempt may not meet: network, idle timeout, 5xx, 408, 429. */
  get retryable(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout') return true;
    if (this.kind !== 'status' || this.status === undefined) return false;
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

/** The request an attempt sends, as the request hook left it. */
export interface PreparedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly credentials: RequestCredentials;
}

/** Inputs of {@link runAttempt}. */
export interface AttemptOptions {
  readonly fetchImpl: typeof fetch;
  readonly idleTimeoutMs: number;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** Builds the request (runs the hook). Counted against the idle timer like the wait for headers. */
  readonly prepare: () => Promise<PreparedRequest>;
  /** The range to ask for; `undefined` sends no `Range` header. */
  readonly requested: RequestedRange | undefined;
  readonly download: PartialDownload;
  /** Called with every body chunk before it is stored. */
  readonly onChunk: (chunk: Uint8Array) => void;
}

/**
 * Runs one attempt to completion of the body. Resolves when the body ended (or every wanted byte
 * arrived); the caller then asks the download for its result. Rejects with {@link AttemptFailure}.
 */
export async function runAttempt(options: AttemptOptions): Promise<void> {
  const { signal, download } = options;
  const controller = new AbortController();
  let failure: AttemptFailure | undefined;
  let rejectFailed: (failure: AttemptFailure) => void = noop;
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  failed.catch(noop); // Raced below; must not count as unhandled when nobody is racing it.
  const fail = (reason: AttemptFailure): void => {
    if (failure) return;
    failure = reason;
    rejectFailed(reason);
    controller.abort(reason);
  };
  const race = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, failed]);

  const onAbort = (): void => {
    fail(new AttemptFailure('aborted', 'aborted by the caller', { cause: signal?.reason }));
  };
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const armIdleTimer = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      fail(new AttemptFailure('timeout', `no data for ${options.idleTimeoutMs} ms`));
    }, options.idleTimeoutMs);
  };

  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let bodyDone = false;
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) onAbort();
    armIdleTimer();
    const request = await race(
      options.prepare().catch((error: unknown) => {
        throw new AttemptFailure('hook', `the request hook threw: ${errorText(error)}`, {
          cause: error,
        });
      }),
    );
    const headers = withoutRangeHeader(request.headers);
    if (options.requested) headers.Range = rangeHeaderValue(options.requested);
    const response = await race(
      options.fetchImpl(request.url, {
        headers,
        credentials: request.credentials,
        signal: controller.signal,
      }),
    );
    armIdleTimer();
    const problem = checkResponse(response, options.requested, download);
    if (problem) {
      void response.body?.cancel().catch(noop);
      throw problem;
    }
    if (!response.body) {
      bodyDone = true;
      return;
    }
    reader = response.body.getReader();
    for (;;) {
      const { done, value } = await race(reader.read());
      if (done) {
        bodyDone = true;
        return;
      }
      armIdleTimer();
      try {
        options.onChunk(value);
      } catch (error) {
        throw new AttemptFailure('callback', 'the chunk callback threw', { cause: error });
      }
      if (download.append(value)) return; // Every wanted byte is here; drop the rest below.
    }
  } catch (error) {
    if (failure) throw failure;
    if (error instanceof AttemptFailure) throw error;
    throw new AttemptFailure('network', errorText(error), { cause: error });
  } finally {
    clearTimeout(idleTimer);
    signal?.removeEventListener('abort', onAbort);
    if (!bodyDone) {
      if (reader) void reader.cancel().catch(noop);
      controller.abort();
    }
  }
}

function checkResponse(
  response: Response,
  requested: RequestedRange | undefined,
  download: PartialDownload,
): AttemptFailure | undefined {
  const { status } = response;
  if (status >= 300 || status < 200) {
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    return new AttemptFailure('status', `HTTP ${status}${statusText}`, {
      status,
      retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after')),
    });
  }
  const problem = download.accept(
    {
      status,
      contentRange: response.headers.get('content-range'),
      contentLength: response.headers.get('content-length'),
      acceptRanges: response.headers.get('accept-ranges'),
      contentEncoding: response.headers.get('content-encoding'),
    },
    requested,
  );
  return problem === undefined ? undefined : new AttemptFailure('invalid', problem);
}

/** `Retry-After` in its delay-seconds form, in ms; the HTTP-date form is ignored. */
function parseRetryAfterMs(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value) * 1000;
}

/** The hook's headers minus any `Range`: the engine decides which bytes it needs. */
function withoutRangeHeader(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'range') result[name] = value;
  }
  return result;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function noop(): void {
  // Intentionally empty.
}
