/**
 * The one error class of the virtual-viewer harness, with a stable `code` so the bench and the
 * network lab can tell a bad spec from a failed playlist load without parsing messages.
 */

/** What went wrong. */
export type VirtualViewerErrorCode =
  /** The viewer spec (argv/JSON) is malformed or out of range. */
  | 'viewer-config'
  /** A playlist could not be loaded (after hls.js's retries). */
  | 'playlist-load'
  /** A playlist could not be parsed. */
  | 'playlist-parse';

/** A failure of the virtual viewer harness. */
export class VirtualViewerError extends Error {
  /** Stable kind of failure. */
  readonly code: VirtualViewerErrorCode;

  /**
   * @param code - the kind of failure
   * @param message - what failed, for humans
   * @param options - the underlying cause
   */
  constructor(code: VirtualViewerErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VirtualViewerError';
    this.code = code;
  }
}
