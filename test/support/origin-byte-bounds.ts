/**
 * How many media bytes a client can have received, given what the origin says it sent. The origin
 * counts bytes its socket accepted; when a player abandons a download (hls.js ABR aborting a slow
 * fragment, Shaka dropping a live request it no longer needs), the tail of that body can sit in
 * socket buffers and never be read. So a client's byte count must lie between what the origin sent
 * for downloads that were answered and everything it sent: exact equality holds only when nothing
 * was abandoned.
 */
import type { RequestRecord } from '../../examples/server/counters.js';
import { urlPath } from './origin-media.js';
import { waitUntil } from './wait.js';

/** A request as the player pages record them: URL and an optional byte range [start, end). */
export interface PlayerRequest {
  readonly url: string;
  readonly rangeStart?: number;
  readonly rangeEnd?: number;
}

/** The range of client byte counts consistent with the origin's records. */
export interface OriginByteBounds {
  /** Every media byte the origin sent: the most a client can have received. */
  readonly maxBytes: number;
  /** What the origin sent for downloads that were answered: the least a client can have received. */
  readonly minBytes: number;
  /** True while a response is still going out (bounds not final yet). */
  readonly inFlight: boolean;
}

function requestKey(path: string, rangeHeader: string | undefined): string {
  return `${path} ${rangeHeader ?? ''}`;
}

/** The key of a player's request, in the form the origin records it (`Range: bytes=a-b`). */
function keyOfPlayerRequest(request: PlayerRequest): string {
  const range =
    request.rangeStart === undefined || request.rangeEnd === undefined
      ? undefined
      : `bytes=${request.rangeStart}-${request.rangeEnd - 1}`;
  return requestKey(urlPath(request.url), range);
}

/** Requests made more often than they were answered: at least one attempt was abandoned. */
function abandonedKeys(requested: readonly PlayerRequest[], answered: readonly PlayerRequest[]) {
  const open = new Map<string, number>();
  for (const request of requested) {
    const key = keyOfPlayerRequest(request);
    open.set(key, (open.get(key) ?? 0) + 1);
  }
  for (const response of answered) {
    const key = keyOfPlayerRequest(response);
    open.set(key, (open.get(key) ?? 0) - 1);
  }
  return new Set([...open].filter(([, count]) => count > 0).map(([key]) => key));
}

/**
 * Bounds for a client's media byte count from the origin's media `records` and the player's
 * `requested` segments and `answered` responses.
 */
export function originByteBounds(
  records: readonly RequestRecord[],
  requested: readonly PlayerRequest[],
  answered: readonly PlayerRequest[],
): OriginByteBounds {
  const abandoned = abandonedKeys(requested, answered);
  let maxBytes = 0;
  let abandonedBytes = 0;
  let inFlight = false;
  for (const record of records) {
    if (!record.isMedia) continue;
    if (record.endedAtMs === undefined) inFlight = true;
    maxBytes += record.bytesSent;
    if (record.aborted || abandoned.has(requestKey(record.path, record.rangeHeader))) {
      abandonedBytes += record.bytesSent;
    }
  }
  return { maxBytes, minBytes: maxBytes - abandonedBytes, inFlight };
}

/** One reading of a client's byte count next to the origin's bounds for it. */
export interface ByteCountReading {
  /** What the client says it received. */
  readonly clientBytes: number;
  readonly bounds: OriginByteBounds;
  /** Whatever else must hold first (e.g. the client counted any bytes at all). */
  readonly ready: boolean;
  /** The client's side for the failure message (`engine 123 + shaka 45`). */
  readonly detail: string;
}

/**
 * Waits until a reading has nothing in flight at the origin, is `ready`, and its client count lies
 * within the origin's bounds. A player keeps buffering while this runs, so the comparison needs a
 * moment when no download is in flight; abandoned downloads may explain a difference, nothing
 * else may. Fails after `timeoutMs` (default 15 s) with the last reading.
 */
export async function waitForOriginByteMatch(
  read: () => Promise<ByteCountReading>,
  description: string,
  timeoutMs = 15_000,
): Promise<void> {
  let last = '';
  await waitUntil(
    async () => {
      const { clientBytes, bounds, ready, detail } = await read();
      last = `${detail}, origin sent ${bounds.minBytes}..${bounds.maxBytes}`;
      return (
        ready &&
        !bounds.inFlight &&
        clientBytes >= bounds.minBytes &&
        clientBytes <= bounds.maxBytes
      );
    },
    { timeoutMs, intervalMs: 200, description, lastSeen: () => last },
  );
}
