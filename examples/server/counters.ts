/**
 * Per-request accounting of what the origin served, so tests can prove how many bytes came over
 * HTTP (versus P2P). Bytes are counted when the socket accepts them, so an aborted transfer shows
 * what was really sent.
 */
import type { Clock } from './clock.js';

/** One request the origin answered (or is answering). */
export interface RequestRecord {
  /** HTTP method. */
  readonly method: string;
  /** URL path as requested, without query string. */
  readonly path: string;
  /** The request's `Range` header, when it had one. */
  readonly rangeHeader?: string;
  /** HTTP status sent; 0 while no status was sent (e.g. the client left during a delay fault). */
  readonly status: number;
  /** Body bytes accepted by the socket so far (headers excluded). */
  readonly bytesSent: number;
  /** True for a 2xx reply carrying media segment bytes (not a playlist, manifest or init segment). */
  readonly isMedia: boolean;
  /** True when the connection closed before the whole body was sent (client abort, stall, stop). */
  readonly aborted: boolean;
  /** Clock time the request arrived, in ms. */
  readonly startedAtMs: number;
  /** Clock time the response closed, in ms; absent while the response is still in flight. */
  readonly endedAtMs?: number;
  /** Id of the fault injected into this request, if one was. */
  readonly faultId?: string;
}

/** Which records to look at. */
export interface RequestFilter {
  /** Only requests whose path starts with this prefix. */
  readonly pathPrefix?: string;
}

/** Mutable view of one record, held by the code serving the request. */
export interface RequestTracker {
  /** Records the status and whether the body is media, as the headers go out. */
  respond(status: number, isMedia: boolean): void;
  /** Records the fault injected into this request. */
  markFault(faultId: string): void;
  /** Adds body bytes the socket accepted. */
  addBytes(byteCount: number): void;
  /** Marks the response closed; `aborted` when the body was not sent completely. */
  end(aborted: boolean): void;
}

type MutableRecord = { -readonly [K in keyof RequestRecord]: RequestRecord[K] };

interface SettleWaiter {
  readonly pathPrefix: string;
  readonly resolve: (settled: boolean) => void;
  readonly timer?: NodeJS.Timeout;
}

function matches(record: RequestRecord, pathPrefix: string | undefined): boolean {
  return pathPrefix === undefined || record.path.startsWith(pathPrefix);
}

/** Records of every request the origin served, since start or the last {@link reset}. */
export class OriginCounters {
  readonly #clock: Clock;
  #records: MutableRecord[] = [];
  readonly #inFlight = new Set<MutableRecord>();
  #waiters: SettleWaiter[] = [];

  /** @param clock - time source for `startedAtMs`/`endedAtMs` */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Starts recording a request; the returned tracker updates its record. */
  begin(request: { method: string; path: string; rangeHeader?: string }): RequestTracker {
    const record: MutableRecord = {
      method: request.method,
      path: request.path,
      ...(request.rangeHeader === undefined ? {} : { rangeHeader: request.rangeHeader }),
      status: 0,
      bytesSent: 0,
      isMedia: false,
      aborted: false,
      startedAtMs: this.#clock(),
    };
    this.#records.push(record);
    this.#inFlight.add(record);
    let ended = false;
    return {
      respond: (status, isMedia) => {
        record.status = status;
        record.isMedia = isMedia && status >= 200 && status < 300;
      },
      markFault: (faultId) => {
        record.faultId = faultId;
      },
      addBytes: (byteCount) => {
        record.bytesSent += byteCount;
      },
      end: (aborted) => {
        if (ended) return;
        ended = true;
        record.aborted = aborted;
        record.endedAtMs = this.#clock();
        this.#inFlight.delete(record);
        this.#notifyWaiters();
      },
    };
  }

  /** Snapshots of the records, oldest first, optionally only those under a path prefix. */
  requests(filter: RequestFilter = {}): RequestRecord[] {
    return this.#records
      .filter((record) => matches(record, filter.pathPrefix))
      .map((record) => ({ ...record }));
  }

  /** Media body bytes sent (sum of `bytesSent` of media records), optionally under a path prefix. */
  mediaBytes(pathPrefix?: string): number {
    return this.#records
      .filter((record) => record.isMedia && matches(record, pathPrefix))
      .reduce((sum, record) => sum + record.bytesSent, 0);
  }

  /** Forgets every record, including those of requests still in flight. */
  reset(): void {
    this.#records = [];
    this.#inFlight.clear();
    this.#notifyWaiters();
  }

  /**
   * Resolves `true` once no recorded request under `pathPrefix` is in flight, so a test that just
   * received a body can read counters its response has finished updating. Resolves `false` after
   * `timeoutMs` (default: wait indefinitely) or when the counters are destroyed.
   */
  settled(filter: RequestFilter = {}, timeoutMs?: number): Promise<boolean> {
    const pathPrefix = filter.pathPrefix ?? '';
    if (!this.#hasInFlight(pathPrefix)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: SettleWaiter = {
        pathPrefix,
        resolve,
        ...(timeoutMs === undefined
          ? {}
          : {
              timer: setTimeout(() => {
                this.#release(waiter, false);
              }, timeoutMs),
            }),
      };
      this.#waiters.push(waiter);
    });
  }

  /** Releases every pending {@link settled} call (with `false`) and its timer. */
  destroy(): void {
    for (const waiter of [...this.#waiters]) this.#release(waiter, false);
  }

  #hasInFlight(pathPrefix: string): boolean {
    for (const record of this.#inFlight) if (record.path.startsWith(pathPrefix)) return true;
    return false;
  }

  #notifyWaiters(): void {
    for (const waiter of [...this.#waiters]) {
      if (!this.#hasInFlight(waiter.pathPrefix)) this.#release(waiter, true);
    }
  }

  #release(waiter: SettleWaiter, settled: boolean): void {
    clearTimeout(waiter.timer);
    this.#waiters = this.#waiters.filter((other) => other !== waiter);
    waiter.resolve(settled);
  }
}
