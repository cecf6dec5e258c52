/**
 * The peer's requests to us: each REQUEST becomes an {@link UploadRequest} the swarm answers (with
 * the bytes or ABSENT), unless policy answers it first (uploads disabled, too many at once). Answers
 * stream through the {@link ChunkSender}; CANCEL stops them.
 */
import type { SegmentId } from '../../model/segment.js';
import { protocolError } from '../protocol/byte-reader.js';
import {
  MAX_DIGEST_BYTES,
  type AbsentReason,
  type CancelMessage,
  type PeerMessage,
  type RequestMessage,
} from '../protocol/messages.js';
import type { ChunkSender } from './chunk-sender.js';
import { REQUEST_BURST, REQUEST_FLOOD_FACTOR, REQUESTS_PER_SECOND } from './peer-limits.js';
import { TokenBucket } from './token-bucket.js';

/** A peer asks us for a segment; answer with exactly one of `respond` or `absent`. */
export interface UploadRequest {
  /** The peer's id for the request. */
  readonly requestId: number;
  /** The segment wanted. */
  readonly segmentId: SegmentId;
  /** First byte wanted; 0 for the whole segment. */
  readonly byteOffset: number;
  /** Aborted when the peer cancels or the connection closes; answers after that are ignored. */
  readonly signal: AbortSignal;
  /**
   * Sends the segment: `data` is the WHOLE segment (the connection sends from `byteOffset` on),
   * `digest` (at most 32 bytes) what we know of its hash. Answers ABSENT instead when `byteOffset`
   * is beyond `data`. Later calls are ignored.
   * @throws RangeError when `digest` is longer than 32 bytes
   */
  respond(data: Uint8Array, digest?: Uint8Array): void;
  /** Answers that we will not serve it (default reason `not-found`). Later calls are ignored. */
  absent(reason?: AbsentReason): void;
}

/** What {@link ServedRequests} needs from its connection. */
export interface ServedRequestsHost {
  /** Sends a message to the peer; never throws. */
  send(message: PeerMessage): void;
  /** Offers the request to the swarm; returns false when nobody listens. */
  offer(request: UploadRequest): boolean;
  /** An upload ended: all bytes handed to the channel (`completed`), or it was refused/cancelled. */
  onEnded(requestId: number, segmentId: SegmentId, completed: boolean): void;
}

/** Policy of {@link ServedRequests}. */
export interface ServedRequestsOptions {
  /** Answer every request ABSENT `not-found`. */
  readonly uploadDisabled: boolean;
  /** Requests served at once (waiting for an answer or sending); more get ABSENT `busy`. */
  readonly maxConcurrent: number;
  /** Monotonic clock in ms, for the request rate limits. */
  readonly now: () => number;
}

interface ServedRequest {
  readonly segmentId: SegmentId;
  readonly abort: AbortController;
  /** False until `respond` handed the bytes to the sender. */
  sending: boolean;
}

/** The peer's requests to us that are being answered. */
export class ServedRequests {
  private readonly active = new Map<number, ServedRequest>();
  /** Requests beyond this rate are answered `busy` without reaching the swarm. */
  private readonly rate: TokenBucket;
  /** Requests beyond this rate (several times the first) are a flood: a protocol violation. */
  private readonly floodRate: TokenBucket;

  constructor(
    private readonly host: ServedRequestsHost,
    private readonly sender: ChunkSender,
    private readonly options: ServedRequestsOptions,
  ) {
    this.rate = new TokenBucket(REQUESTS_PER_SECOND, REQUEST_BURST, options.now);
    this.floodRate = new TokenBucket(
      REQUESTS_PER_SECOND * REQUEST_FLOOD_FACTOR,
      REQUEST_BURST * REQUEST_FLOOD_FACTOR,
      options.now,
    );
  }

  /** Number of requests being answered. */
  get count(): number {
    return this.active.size;
  }

  /**
   * Handles REQUEST.
   * @throws P2PMediaLoaderError `peer-protocol` when the id is already in use, or when the peer
   * floods (requests at {@link REQUEST_FLOOD_FACTOR} times the allowed rate)
   */
  handleRequest(message: RequestMessage): void {
    const { requestId, segmentId, byteOffset } = message;
    if (this.active.has(requestId)) {
      throw protocolError(`REQUEST reuses request id ${requestId}, which is still being served`);
    }
    if (!this.floodRate.take()) {
      throw protocolError(
        `REQUEST flood: more than ${REQUESTS_PER_SECOND * REQUEST_FLOOD_FACTOR} requests per second`,
      );
    }
    if (this.options.uploadDisabled) {
      this.refuse(requestId, 'not-found');
      return;
    }
    if (!this.rate.take() || this.active.size >= this.options.maxConcurrent) {
      this.refuse(requestId, 'busy');
      return;
    }
    const served: ServedRequest = { segmentId, abort: new AbortController(), sending: false };
    this.active.set(requestId, served);
    let answered = false;
    const isOpen = (): boolean => {
      if (answered || served.abort.signal.aborted) return false;
      answered = true;
      return true;
    };
    const request: UploadRequest = {
      requestId,
      segmentId,
      byteOffset,
      signal: served.abort.signal,
      respond: (data, digest) => {
        if (digest !== undefined && digest.length > MAX_DIGEST_BYTES) {
          throw new RangeError(`digest is longer than ${MAX_DIGEST_BYTES} bytes`);
        }
        if (isOpen()) this.respond(requestId, served, byteOffset, data, digest);
      },
      absent: (reason = 'not-found') => {
        if (!isOpen()) return;
        this.active.delete(requestId);
        this.refuse(requestId, reason, segmentId);
      },
    };
    if (!this.host.offer(request)) request.absent('not-found');
  }

  /** Handles CANCEL; a CANCEL for a request already finished is normal (it crossed our last chunk). */
  handleCancel(message: CancelMessage): void {
    const served = this.active.get(message.requestId);
    if (!served) return;
    this.active.delete(message.requestId);
    if (served.sending) this.sender.cancel(message.requestId);
    served.abort.abort();
    this.host.onEnded(message.requestId, served.segmentId, false);
  }

  /** The sender handed every byte of `requestId` to the channel. */
  handleSent(requestId: number): void {
    const served = this.active.get(requestId);
    if (!served) return;
    this.active.delete(requestId);
    this.host.onEnded(requestId, served.segmentId, true);
  }

  /** Aborts every request (the connection closed). Sends nothing. */
  closeAll(): void {
    for (const served of this.active.values()) served.abort.abort();
    this.active.clear();
  }

  private respond(
    requestId: number,
    served: ServedRequest,
    byteOffset: number,
    data: Uint8Array,
    digest: Uint8Array | undefined,
  ): void {
    if (byteOffset > data.length) {
      this.active.delete(requestId);
      this.refuse(requestId, 'not-found', served.segmentId);
      return;
    }
    this.host.send({
      type: 'data-start',
      requestId,
      totalBytes: data.length,
      byteOffset,
      ...(digest !== undefined && digest.length > 0 ? { digest } : {}),
    });
    if (byteOffset === data.length) {
      this.handleSent(requestId);
      return;
    }
    served.sending = true;
    this.sender.start(requestId, data.subarray(byteOffset));
  }

  private refuse(requestId: number, reason: AbsentReason, segmentId?: SegmentId): void {
    this.host.send({ type: 'absent', requestId, reason });
    if (segmentId !== undefined) this.host.onEnded(requestId, segmentId, false);
  }
}
