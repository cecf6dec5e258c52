/**
 * Our requests to one peer: id allocation, the idle timer of each, assembly of DATA_START and
 * DATA_CHUNK messages into segment bytes, and the wire rules for answers (docs/PROTOCOL.md,
 * "Requests"). Violations throw `peer-protocol` errors; the connection closes on them.
 */
import type { SegmentId } from '../../model/segment.js';
import { protocolError } from '../protocol/byte-reader.js';
import {
  MAX_REQUEST_ID,
  type AbsentMessage,
  type DataChunkMessage,
  type DataStartMessage,
  type PeerMessage,
} from '../protocol/messages.js';
import { isSegmentId } from '../protocol/segment-id-ranges.js';
import { MAX_BYTES_AFTER_CANCEL } from './peer-limits.js';
import { PeerRequestError } from './peer-request-error.js';

/** Options of {@link PeerConnection.request}. */
export interface PeerRequestOptions {
  /** First byte wanted (to resume a partial download). Default 0: the whole segment. */
  readonly byteOffset?: number;
  /** Aborting it sends CANCEL and rejects with reason `aborted`. */
  readonly signal?: AbortSignal;
  /**
   * Called for every chunk as it arrives, with bytes received so far (from `byteOffset`) and the
   * segment's total size. `chunk` is only valid during the call. A throw cancels the request and
   * rejects it with the thrown error.
   */
  readonly onChunk?: (chunk: Uint8Array, loadedBytes: number, totalBytes: number) => void;
  /**
   * Largest segment size this request accepts, in bytes (e.g. derived from the stream's segments).
   * A DATA_START announcing more cancels the request, which rejects with reason `oversized`. The
   * connection's `maxSegmentBytes` (a protocol violation beyond it) applies in any case.
   */
  readonly maxTotalBytes?: number;
  /**
   * False: chunks reach `onChunk` only and the answer's `data` is empty. A caller that assembles
   * the bytes itself (the swarm: PartialSegment) saves keeping every chunk and joining them into
   * a copy of the whole segment that nobody reads. Default true.
   */
  readonly collect?: boolean;
}

/** A segment (or its tail) received from a peer. */
export interface PeerDownload {
  /** The bytes from `byteOffset` to the end of the segment. */
  readonly data: Uint8Array;
  /** Offset of `data[0]` within the segment, as requested. */
  readonly byteOffset: number;
  /** Size of the whole segment, in bytes. */
  readonly totalBytes: number;
  /** Digest of the whole segment as the peer announced it, when it sent one. Unverified. */
  readonly digest?: Uint8Array;
}

/** What {@link OutgoingRequests} needs from its connection. */
export interface OutgoingRequestsHost {
  /** Sends a message to the peer. */
  send(message: PeerMessage): void;
  /** Payload bytes of one of our requests arrived. */
  onBytes(bytes: number): void;
  /**
   * Payload bytes arrived for a request we gave up (its answer was already on the wire): they
   * were downloaded all the same, and are dropped.
   */
  onAbandonedBytes(bytes: number): void;
  /** The number of requests in flight changed between zero and non-zero. */
  onBusyChange(busy: boolean): void;
  /** A request timed out (it was cancelled and rejected). */
  onTimeout(requestId: number, segmentId: SegmentId): void;
}

/** Limits of {@link OutgoingRequests}. */
export interface OutgoingRequestsOptions {
  /** Reject a request when no answer or chunk arrives for this long, in ms. */
  readonly idleTimeoutMs: number;
  /** Most requests in flight at once. */
  readonly maxInFlight: number;
  /** Largest segment accepted; a DATA_START announcing more is a violation. */
  readonly maxSegmentBytes: number;
  /** Names the peer in error messages. */
  readonly peerLabel: string;
  /** Slowest accepted rate after DATA_START, in bytes/s, over each `rateWindowMs`; 0 disables. */
  readonly minBytesPerSecond: number;
  /** Window of the rate check, in ms. */
  readonly rateWindowMs: number;
  /** Longest a request may take from REQUEST to last byte, in ms. */
  readonly maxDurationMs: number;
  /** Monotonic clock in ms. */
  readonly now: () => number;
}

interface InFlightRequest {
  readonly id: number;
  readonly segmentId: SegmentId;
  readonly byteOffset: number;
  readonly options: PeerRequestOptions;
  readonly resolve: (download: PeerDownload) => void;
  readonly reject: (error: unknown) => void;
  readonly chunks: Uint8Array[];
  receivedBytes: number;
  start: DataStartMessage | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Fires the rate check at the end of each window, and the overall duration limit. */
  rateTimer: ReturnType<typeof setTimeout> | undefined;
  /** `receivedBytes` when the current rate window began. */
  windowStartBytes: number;
  readonly sentAtMs: number;
  removeAbortListener: (() => void) | undefined;
}

/**
 * Ids of requests we gave up (cancelled, timed out) whose answers may still be on the wire. Their
 * messages are ignored up to a byte allowance each; any other message for an id not in flight is a
 * violation. 4096 ids cover far more than a channel's send buffer can hold.
 */
const MAX_ABANDONED_IDS = 4096;

/** Late bytes still accepted for one abandoned request. */
interface AbandonedRequest {
  /** Bytes it may still send before it violates the protocol. */
  allowanceBytes: number;
  /** True once a DATA_START for it arrived (late or not). */
  started: boolean;
}

/** Our requests in flight to one peer. */
export class OutgoingRequests {
  private readonly inFlight = new Map<number, InFlightRequest>();
  private readonly abandonedIds = new Map<number, AbandonedRequest>();
  private nextId = 0;

  constructor(
    private readonly host: OutgoingRequestsHost,
    private readonly options: OutgoingRequestsOptions,
  ) {}

  /** Number of requests in flight. */
  get count(): number {
    return this.inFlight.size;
  }

  /** True when a request for `segmentId` is in flight. */
  isRequesting(segmentId: SegmentId): boolean {
    for (const request of this.inFlight.values()) if (request.segmentId === segmentId) return true;
    return false;
  }

  /** Sends a REQUEST; see {@link PeerConnection.request}. */
  request(segmentId: SegmentId, options: PeerRequestOptions = {}): Promise<PeerDownload> {
    const byteOffset = options.byteOffset ?? 0;
    if (!isSegmentId(segmentId) || !isSegmentId(byteOffset)) {
      return Promise.reject(
        new RangeError('segmentId and byteOffset must be non-negative safe integers'),
      );
    }
    if (options.signal?.aborted === true) {
      return Promise.reject(this.failure('aborted', segmentId, 'was aborted'));
    }
    if (this.inFlight.size >= this.options.maxInFlight) {
      return Promise.reject(
        this.failure(
          'too-many-requests',
          segmentId,
          `has ${this.inFlight.size} requests in flight`,
        ),
      );
    }
    return new Promise<PeerDownload>((resolve, reject) => {
      const request: InFlightRequest = {
        id: this.allocateId(),
        segmentId,
        byteOffset,
        options,
        resolve,
        reject,
        chunks: [],
        receivedBytes: 0,
        start: undefined,
        timer: undefined,
        rateTimer: undefined,
        windowStartBytes: 0,
        sentAtMs: this.options.now(),
        removeAbortListener: undefined,
      };
      this.inFlight.set(request.id, request);
      if (this.inFlight.size === 1) this.host.onBusyChange(true);
      const signal = options.signal;
      if (signal) {
        const onAbort = (): void => {
          this.abandon(request, this.failure('aborted', segmentId, 'was aborted'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        request.removeAbortListener = () => {
          signal.removeEventListener('abort', onAbort);
        };
      }
      this.armTimer(request);
      this.armRateTimer(request);
      this.host.send({ type: 'request', requestId: request.id, segmentId, byteOffset });
    });
  }

  /** Handles DATA_START. @throws P2PMediaLoaderError `peer-protocol` on a violation */
  handleDataStart(message: DataStartMessage): void {
    const request = this.lookup(message.requestId, 'DATA_START');
    if (!request) {
      this.lateDataStart(message);
      return;
    }
    if (request.start) throw protocolError(`second DATA_START for request ${request.id}`);
    if (message.byteOffset !== request.byteOffset) {
      throw protocolError(
        `DATA_START byteOffset ${message.byteOffset} differs from the requested ${request.byteOffset}`,
      );
    }
    if (message.totalBytes > this.options.maxSegmentBytes) {
      throw protocolError(
        `DATA_START totalBytes ${message.totalBytes} exceeds the limit of ${this.options.maxSegmentBytes}`,
      );
    }
    const maxTotalBytes = request.options.maxTotalBytes;
    if (maxTotalBytes !== undefined && message.totalBytes > maxTotalBytes) {
      this.abandon(
        request,
        this.failure(
          'oversized',
          request.segmentId,
          `announced ${message.totalBytes} bytes, above the ${maxTotalBytes} expected at most`,
        ),
        message.totalBytes - message.byteOffset,
      );
      return;
    }
    request.start = message;
    request.windowStartBytes = 0;
    this.armTimer(request);
    this.armRateTimer(request);
    if (message.byteOffset === message.totalBytes) this.complete(request, message);
  }

  /** Handles DATA_CHUNK. @throws P2PMediaLoaderError `peer-protocol` on a violation */
  handleDataChunk(message: DataChunkMessage): void {
    const request = this.lookup(message.requestId, 'DATA_CHUNK');
    if (!request) {
      this.lateChunk(message);
      return;
    }
    const start = request.start;
    if (!start) throw protocolError(`DATA_CHUNK before DATA_START for request ${request.id}`);
    const expectedBytes = start.totalBytes - start.byteOffset;
    if (request.receivedBytes + message.payload.length > expectedBytes) {
      throw protocolError(
        `DATA_CHUNK goes beyond the total size ${start.totalBytes} of request ${request.id}`,
      );
    }
    if (request.options.collect !== false) request.chunks.push(message.payload);
    request.receivedBytes += message.payload.length;
    this.host.onBytes(message.payload.length);
    try {
      request.options.onChunk?.(message.payload, request.receivedBytes, start.totalBytes);
    } catch (error) {
      this.abandon(request, error);
      return;
    }
    // onChunk may have aborted the request through its signal.
    if (!this.inFlight.has(request.id)) return;
    if (request.receivedBytes === expectedBytes) this.complete(request, start);
    else this.armTimer(request);
  }

  /** Handles ABSENT. @throws P2PMediaLoaderError `peer-protocol` on a violation */
  handleAbsent(message: AbsentMessage): void {
    const request = this.lookup(message.requestId, 'ABSENT');
    if (!request) return;
    const reason = message.reason === 'busy' ? 'busy' : 'absent';
    this.finish(request);
    request.reject(this.failure(reason, request.segmentId, `answered ${message.reason}`));
  }

  /** Rejects every request with reason `closed` and clears every timer. Sends nothing. */
  closeAll(cause: unknown): void {
    for (const request of [...this.inFlight.values()]) {
      this.finish(request);
      request.reject(this.failure('closed', request.segmentId, 'closed', cause));
    }
  }

  /** The in-flight request `id`; undefined for an abandoned one (ignored); throws for others. */
  private lookup(id: number, messageName: string): InFlightRequest | undefined {
    const request = this.inFlight.get(id);
    if (request) return request;
    if (this.abandonedIds.has(id)) return undefined;
    throw protocolError(`${messageName} for request ${id}, which is not in flight`);
  }

  /** A DATA_START for a request we gave up: it bounds what may still come for it. */
  private lateDataStart(message: DataStartMessage): void {
    const abandoned = this.abandonedIds.get(message.requestId);
    if (!abandoned) return;
    if (abandoned.started) {
      throw protocolError(`second DATA_START for cancelled request ${message.requestId}`);
    }
    abandoned.started = true;
    abandoned.allowanceBytes = Math.min(
      abandoned.allowanceBytes,
      message.totalBytes - message.byteOffset,
    );
  }

  /** A chunk for a request we gave up: dropped, within its allowance. */
  private lateChunk(message: DataChunkMessage): void {
    const abandoned = this.abandonedIds.get(message.requestId);
    if (!abandoned) return;
    abandoned.allowanceBytes -= message.payload.length;
    if (abandoned.allowanceBytes < 0) {
      throw protocolError(
        `DATA_CHUNK for cancelled request ${message.requestId} goes beyond what was on the wire ` +
          `when it was cancelled (at most ${MAX_BYTES_AFTER_CANCEL} bytes, and never beyond DATA_START's size)`,
      );
    }
    this.host.onAbandonedBytes(message.payload.length);
  }

  private complete(request: InFlightRequest, start: DataStartMessage): void {
    this.finish(request);
    request.resolve({
      data:
        request.options.collect === false
          ? new Uint8Array(0)
          : concat(request.chunks, request.receivedBytes),
      byteOffset: start.byteOffset,
      totalBytes: start.totalBytes,
      ...(start.digest ? { digest: start.digest } : {}),
    });
  }

  /**
   * Gives up `request`: tells the peer (CANCEL), drops its late answers (bounded), rejects with
   * `error`. `remainingBytes` is what the peer may still have been sending, when known.
   */
  private abandon(request: InFlightRequest, error: unknown, remainingBytes?: number): void {
    if (!this.inFlight.has(request.id)) return;
    this.finish(request);
    const left =
      remainingBytes ??
      (request.start
        ? request.start.totalBytes - request.start.byteOffset - request.receivedBytes
        : MAX_BYTES_AFTER_CANCEL);
    this.abandonedIds.set(request.id, {
      allowanceBytes: Math.min(MAX_BYTES_AFTER_CANCEL, left),
      started: request.start !== undefined || remainingBytes !== undefined,
    });
    if (this.abandonedIds.size > MAX_ABANDONED_IDS) {
      const oldest = this.abandonedIds.keys().next().value;
      if (oldest !== undefined) this.abandonedIds.delete(oldest);
    }
    request.reject(error);
    this.host.send({ type: 'cancel', requestId: request.id });
  }

  private finish(request: InFlightRequest): void {
    clearTimeout(request.timer);
    request.timer = undefined;
    clearTimeout(request.rateTimer);
    request.rateTimer = undefined;
    request.removeAbortListener?.();
    this.inFlight.delete(request.id);
    if (this.inFlight.size === 0) this.host.onBusyChange(false);
  }

  private armTimer(request: InFlightRequest): void {
    clearTimeout(request.timer);
    request.timer = setTimeout(() => {
      request.timer = undefined;
      this.abandon(
        request,
        this.failure(
          'idle-timeout',
          request.segmentId,
          `sent nothing for ${this.options.idleTimeoutMs} ms`,
        ),
      );
      this.host.onTimeout(request.id, request.segmentId);
    }, this.options.idleTimeoutMs);
  }

  /**
   * Checks the transfer at the end of each rate window (bytes since DATA_START over the window must
   * reach the minimum rate, unless less than that was left) and the overall duration limit.
   */
  private armRateTimer(request: InFlightRequest): void {
    clearTimeout(request.rateTimer);
    const { minBytesPerSecond, rateWindowMs, maxDurationMs } = this.options;
    const untilLimitMs = Math.max(0, request.sentAtMs + maxDurationMs - this.options.now());
    const checkRate = request.start !== undefined && minBytesPerSecond > 0;
    const delayMs = checkRate ? Math.min(rateWindowMs, untilLimitMs) : untilLimitMs;
    request.rateTimer = setTimeout(() => {
      request.rateTimer = undefined;
      if (!this.inFlight.has(request.id)) return;
      const elapsedMs = this.options.now() - request.sentAtMs;
      if (elapsedMs >= maxDurationMs) {
        this.abandon(
          request,
          this.failure('too-slow', request.segmentId, `did not finish within ${maxDurationMs} ms`),
        );
        return;
      }
      const start = request.start;
      if (start && checkRate) {
        const windowBytes = request.receivedBytes - request.windowStartBytes;
        const leftBytes = start.totalBytes - start.byteOffset - request.windowStartBytes;
        const neededBytes = Math.min(leftBytes, (minBytesPerSecond * rateWindowMs) / 1000);
        if (windowBytes < neededBytes) {
          this.abandon(
            request,
            this.failure(
              'too-slow',
              request.segmentId,
              `sent ${windowBytes} bytes in ${rateWindowMs} ms, below ${minBytesPerSecond} bytes/s`,
            ),
          );
          return;
        }
        request.windowStartBytes = request.receivedBytes;
      }
      this.armRateTimer(request);
    }, delayMs);
  }

  private allocateId(): number {
    // Ids count up and wrap at 2^32, skipping any still in use or abandoned.
    let id = this.nextId;
    while (this.inFlight.has(id) || this.abandonedIds.has(id)) id = next(id);
    this.nextId = next(id);
    return id;
  }

  private failure(
    reason: PeerRequestError['reason'],
    segmentId: SegmentId,
    what: string,
    cause?: unknown,
  ): PeerRequestError {
    return new PeerRequestError(
      reason,
      `request of segment ${segmentId} to peer ${this.options.peerLabel} ${what}`,
      cause,
    );
  }
}

function next(id: number): number {
  return id === MAX_REQUEST_ID ? 0 : id + 1;
}

function concat(chunks: readonly Uint8Array[], totalBytes: number): Uint8Array {
  const data = new Uint8Array(totalBytes);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.length;
  }
  return data;
}
