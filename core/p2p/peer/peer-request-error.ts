/** The error a peer request rejects with; `reason` says why, for the scheduler to branch on. */
import { P2PMediaLoaderError, type ErrorCode } from '../../errors.js';

/** Why a request to a peer failed. */
export type PeerRequestFailure =
  /** The peer answered ABSENT: it does not have the segment (or not from that offset). */
  | 'absent'
  /** The peer answered ABSENT busy: it has it but serves no more requests right now. */
  | 'busy'
  /** No data arrived for the request within the idle timeout; the request was cancelled. */
  | 'idle-timeout'
  /**
   * The transfer ran below the minimum rate over a window, or past the longest duration a request
   * may take (a drip that the idle timeout alone would let run); the request was cancelled.
   */
  | 'too-slow'
  /** DATA_START announced more bytes than the request accepts (`maxTotalBytes`); it was cancelled. */
  | 'oversized'
  /**
   * The requester's playback deadline for the peer passed before the transfer finished: the
   * origin took over (reported by the delivery, not by the connection).
   */
  | 'deadline-missed'
  /** Already `maxInFlightRequests` requests are in flight to this peer. */
  | 'too-many-requests'
  /** The connection closed (either side, or a protocol violation) before the request finished. */
  | 'closed'
  /** The caller's signal aborted the request. */
  | 'aborted';

/**
 * Error codes for each failure. The library's {@link ErrorCode} has no code for "this peer did not
 * deliver"; `segment-unknown` is the nearest, and callers tell the cases apart by `reason`.
 */
const CODE_BY_FAILURE: Record<PeerRequestFailure, ErrorCode> = {
  absent: 'segment-unknown',
  busy: 'segment-unknown',
  'idle-timeout': 'segment-unknown',
  'too-slow': 'segment-unknown',
  oversized: 'segment-unknown',
  'deadline-missed': 'segment-unknown',
  'too-many-requests': 'segment-unknown',
  closed: 'destroyed',
  aborted: 'aborted',
};

/** A request to a peer failed for {@link PeerRequestError.reason}. */
export class PeerRequestError extends P2PMediaLoaderError {
  /** Why the request failed. */
  readonly reason: PeerRequestFailure;

  /**
   * @param reason - why the request failed
   * @param message - a sentence naming the peer, segment and failure
   * @param cause - the underlying error, e.g. the protocol error that closed the connection
   */
  constructor(reason: PeerRequestFailure, message: string, cause?: unknown) {
    super(CODE_BY_FAILURE[reason], message, { cause });
    this.name = 'PeerRequestError';
    this.reason = reason;
  }
}
