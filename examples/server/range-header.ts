/**
 * Interpretation of an HTTP `Range` request header (RFC 9110, section 14) against a resource of
 * known size. Pure; the origin uses it for every file it serves.
 */
import type { ByteRange } from '../../core/model/segment.js';

/** What a `Range` header asks for. */
export type RangeRequest =
  /** Serve the whole resource (no header, another unit, or several ranges: we ignore those). */
  | { readonly kind: 'whole' }
  /** Serve this part of the resource with 206. */
  | { readonly kind: 'partial'; readonly range: ByteRange }
  /** Answer 416: the range is malformed, reversed, or starts past the end. */
  | { readonly kind: 'unsatisfiable' };

const WHOLE: RangeRequest = { kind: 'whole' };
const UNSATISFIABLE: RangeRequest = { kind: 'unsatisfiable' };

/**
 * Decides how to answer `header` for a resource of `sizeBytes`.
 *
 * Single `bytes=` ranges are honoured (`a-b`, `a-`, `-suffix`), with the end clamped to the size.
 * Other units and multi-range requests get the whole resource, which RFC 9110 allows (a server may
 * ignore Range); multipart/byteranges replies would only add a code path no player here uses. A
 * malformed or reversed single range is answered 416 rather than ignored, so a client bug in range
 * arithmetic shows up in tests instead of silently fetching the whole file.
 */
export function parseRangeHeader(header: string | undefined, sizeBytes: number): RangeRequest {
  if (header === undefined || header.trim() === '') return WHOLE;
  const equals = header.indexOf('=');
  if (equals === -1 || header.slice(0, equals).trim().toLowerCase() !== 'bytes') return WHOLE;
  const spec = header.slice(equals + 1);
  if (spec.includes(',')) return WHOLE;
  const match = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(spec);
  if (match === null) return UNSATISFIABLE;
  const [, firstText = '', lastText = ''] = match;
  if (sizeBytes === 0) return UNSATISFIABLE;
  if (firstText === '') {
    if (lastText === '') return UNSATISFIABLE;
    const suffixLength = Number(lastText);
    if (suffixLength === 0) return UNSATISFIABLE;
    return {
      kind: 'partial',
      range: { start: Math.max(0, sizeBytes - suffixLength), end: sizeBytes },
    };
  }
  const start = Number(firstText);
  if (start >= sizeBytes) return UNSATISFIABLE;
  if (lastText === '') return { kind: 'partial', range: { start, end: sizeBytes } };
  const last = Number(lastText);
  if (last < start) return UNSATISFIABLE;
  return { kind: 'partial', range: { start, end: Math.min(last + 1, sizeBytes) } };
}

/** `Content-Range` value for a 206 reply: `bytes start-last/size`. */
export function contentRange(range: ByteRange, sizeBytes: number): string {
  return `bytes ${range.start}-${range.end - 1}/${sizeBytes}`;
}
