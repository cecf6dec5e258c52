/**
 * Every failure the library reports is a {@link P2PMediaLoaderError} with a stable `code`, so callers
 * can branch on the kind of failure without parsing messages.
 */

/** Stable machine-readable error kinds. */
export type ErrorCode =
  /** A configuration value is missing, of the wrong type or out of range. */
  | 'config-invalid'
  /** The origin answered with an HTTP error status (after retries, for retryable ones). */
  | 'http-status'
  /** The request failed at the network level (after retries). */
  | 'http-network'
  /** No bytes arrived for longer than the configured idle timeout (after retries). */
  | 'http-timeout'
  /** The origin's answer did not match the request (wrong length for a byte range, etc.). */
  | 'http-invalid-response'
  /** The caller aborted the operation. */
  | 'aborted'
  /** A peer sent a malformed, oversized or out-of-order message; the peer is disconnected. */
  | 'peer-protocol'
  /** Bytes from a peer did not match what the segment must contain; they are discarded. */
  | 'segment-integrity'
  /** A tracker could not be reached or rejected us. HTTP delivery is unaffected. */
  | 'tracker'
  /**
   * The origin's hash manifest (trusted SHA-256 of segments) could not be used: malformed, too
   * large, or its Ed25519 signature is missing or does not verify.
   */
  | 'integrity-manifest'
  /** The segment or stream is not known to the engine. */
  | 'segment-unknown'
  /** The object was used after `destroy()`. */
  | 'destroyed';

/** The one error class of the library. `code` says what kind of failure it is. */
export class P2PMediaLoaderError extends Error {
  /** Stable kind of failure; see {@link ErrorCode}. */
  readonly code: ErrorCode;
  /** HTTP status for `http-status` errors. */
  readonly status?: number;

  /**
   * @param code - the kind of failure
   * @param message - a sentence for humans that names what failed and, for config, the allowed range
   * @param options - the underlying cause and, for HTTP, the status
   */
  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'P2PMediaLoaderError';
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** True when `error` is an abort (ours or the platform's `AbortError`). */
export function isAbortError(error: unknown): boolean {
  if (error instanceof P2PMediaLoaderError) return error.code === 'aborted';
  // By name, not `instanceof Error`: an abort's DOMException may come from another realm (a frame,
  // or Node's own when tests run in a sandboxed global), and then fails that check.
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { readonly name?: unknown }).name === 'AbortError'
  );
}

/**
 * `error` as the error a segment request rejects with: our own errors as they are, aborts as
 * `aborted`, anything else (a failure below the HTTP loader) as `http-network`.
 */
export function asSegmentRequestError(error: unknown): P2PMediaLoaderError {
  if (error instanceof P2PMediaLoaderError) return error;
  if (isAbortError(error)) {
    return new P2PMediaLoaderError('aborted', 'Request aborted', { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new P2PMediaLoaderError('http-network', message, { cause: error });
}
