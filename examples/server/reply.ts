/**
 * What a route answers, as data: status, headers and a body that is either bytes in memory or a
 * slice of a file. Routes build replies; one writer (response-writer.ts) sends them, so counting,
 * fault injection and HEAD handling live in one place instead of in every route.
 */
import type { ByteRange } from '../../core/model/segment.js';

/** Body of a reply. */
export type ReplyBody =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  /** `range` of the file at `filePath` (the whole file for a 200). */
  | { readonly kind: 'file'; readonly filePath: string; readonly range: ByteRange };

/** An HTTP answer, before it is written. */
export interface Reply {
  /** HTTP status code. */
  readonly status: number;
  /** Headers besides Content-Length (derived from the body) and the origin-wide ones (CORS, caching). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body; also sized for HEAD requests, which send none of it. */
  readonly body: ReplyBody;
  /** True when the body is media segment bytes (counted by `OriginCounters.mediaBytes`). */
  readonly isMedia?: boolean;
}

/** Length of a reply body in bytes. */
export function bodyLength(body: ReplyBody): number {
  return body.kind === 'bytes' ? body.bytes.length : body.range.end - body.range.start;
}

/** A reply with a small text body. */
export function textReply(
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): Reply {
  return {
    status,
    headers: { 'Content-Type': contentType },
    body: { kind: 'bytes', bytes: Buffer.from(text, 'utf8') },
  };
}

/** A reply with a JSON body. */
export function jsonReply(status: number, value: unknown): Reply {
  return textReply(status, `${JSON.stringify(value)}\n`, 'application/json; charset=utf-8');
}

/** A reply without body (e.g. 204). */
export function emptyReply(status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers, body: { kind: 'bytes', bytes: Buffer.alloc(0) } };
}
