/**
 * Byte bookkeeping of one HTTP download across attempts: which bytes are already held, which range
 * the next attempt asks for (only the missing bytes when the server supports ranges), whether a
 * response answers what was asked, and the final bytes of exactly the wanted range. Pure logic, no
 * I/O, so the rules can be tested without a network.
 */
import type { ByteRange } from '../model/segment.js';

/** A range to request: `start` inclusive, `end` exclusive, or `undefined` for "to the end". */
export interface RequestedRange {
  /** First byte asked for. */
  readonly start: number;
  /** One past the last byte asked for; `undefined` asks for everything from `start`. */
  readonly end: number | undefined;
}

/** The response headers that decide how a body is interpreted. */
export interface ResponseHead {
  readonly status: number;
  readonly contentRange: string | null;
  readonly contentLength: string | null;
  readonly acceptRanges: string | null;
  readonly contentEncoding: string | null;
}

/** A parsed `Content-Range: bytes a-b/total` header, with `end` made exclusive. */
export interface ContentRange {
  readonly start: number;
  readonly end: number;
  /** Length of the whole resource; `undefined` for `*`. */
  readonly total: number | undefined;
}

/** The `Range` header value for `range` (whose `end` is exclusive; HTTP's last byte is inclusive). */
export function rangeHeaderValue(range: RequestedRange): string {
  return range.end === undefined
    ? `bytes=${range.start}-`
    : `bytes=${range.start}-${range.end - 1}`;
}

/** Parses `Content-Range: bytes a-b/total`; `undefined` when missing or malformed. */
export function parseContentRange(value: string | null): ContentRange | undefined {
  const match = value ? /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value) : null;
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]) + 1;
  const total = match[3] === '*' ? undefined : Number(match[3]);
  if (end <= start || (total !== undefined && end > total)) return undefined;
  return { start, end, total };
}

/** Accumulates the bytes of one resource range across attempts. */
export class PartialDownload {
  private parts: Uint8Array[] = [];
  /** Offset in the resource of the first held byte. */
  private partsOffset = 0;
  private held = 0;
  /** Whether the last response showed the server honours `Range` (so a retry may resume). */
  private resumable = false;
  private resourceLength: number | undefined;
  /** Resource offset the current body must end at exactly (206), if known. */
  private exactEnd: number | undefined;
  /** Resource offset after which reading may stop (a 200 answer to a range request). */
  private stopAt: number | undefined;

  /**
   * @param target - the wanted range of the resource (`end` undefined: from `start` to the end of
   *   the resource, whatever its length turns out to be); `undefined` for the whole resource
   */
  constructor(private readonly target: ByteRange | RequestedRange | undefined) {}

  /** Bytes held so far (including bytes outside the wanted range). */
  get bytesHeld(): number {
    return this.held;
  }

  /**
   * Length of the whole resource as the origin last reported it (the total of a 206's
   * `Content-Range`, or the `Content-Length` of an unencoded 200), or `undefined` if it did not say.
   */
  get resourceBytes(): number | undefined {
    return this.resourceLength;
  }

  /**
   * The range the next attempt should ask for: the missing tail when held bytes can be resumed,
   * else the whole target (held bytes are dropped). `undefined` means "no Range header".
   */
  nextRequest(): RequestedRange | undefined {
    if (this.held > 0 && this.resumable) {
      return { start: this.partsOffset + this.held, end: this.target?.end ?? this.resourceLength };
    }
    this.discard();
    return this.target ? { start: this.target.start, end: this.target.end } : undefined;
  }

  /**
   * Checks that a response answers `requested` and prepares to receive its body.
   * @returns a description of the mismatch, or `undefined` when the response is usable
   */
  accept(head: ResponseHead, requested: RequestedRange | undefined): string | undefined {
    const encoded = head.contentEncoding !== null && head.contentEncoding !== 'identity';
    this.exactEnd = undefined;
    this.stopAt = undefined;
    if (head.status === 206) return this.acceptPartial(head, requested, encoded);
    if (head.status !== 200) return `unexpected status ${head.status}`;

    // 200: the whole resource from byte 0, whatever was asked; held bytes cannot be appended to it.
    this.discard();
    const length = encoded ? undefined : parseLength(head.contentLength);
    this.resourceLength = length;
    this.resumable = !encoded && /\bbytes\b/i.test(head.acceptRanges ?? '');
    if (this.target) {
      // An open-ended target needs at least one byte at or after its start.
      const needed = this.target.end ?? this.target.start + 1;
      if (length !== undefined && length < needed) {
        return `the resource is ${length} bytes, shorter than the range ending at ${needed}`;
      }
      this.stopAt = this.target.end;
    }
    return undefined;
  }

  /**
   * Adds a body chunk. Returns true once every wanted byte is held and the rest of the body can be
   * dropped (only when the server ignored `Range` and sends the whole resource).
   */
  append(chunk: Uint8Array): boolean {
    if (chunk.byteLength > 0) {
      this.parts.push(chunk);
      this.held += chunk.byteLength;
    }
    return this.stopAt !== undefined && this.partsOffset + this.held >= this.stopAt;
  }

  /**
   * Called when a body ended normally: the wanted bytes as one new array, or a description of why
   * the body does not match what was announced or asked.
   */
  finish(): Uint8Array | string {
    const heldEnd = this.partsOffset + this.held;
    if (this.exactEnd !== undefined && heldEnd !== this.exactEnd) {
      return `the body ends at byte ${heldEnd}, Content-Range announced ${this.exactEnd}`;
    }
    const start = this.target?.start ?? 0;
    const end = this.target?.end ?? this.resourceLength ?? heldEnd;
    if (heldEnd < end || this.partsOffset > start) {
      return `received ${Math.max(0, heldEnd - start)} of the ${end - start} bytes wanted`;
    }
    if (this.target?.end === undefined && heldEnd !== end) {
      return `received ${heldEnd} bytes, Content-Length announced ${end}`;
    }
    if (this.target && end <= start)
      return `the resource ends at byte ${end}, before the wanted start ${start}`;
    return this.copyRange(start, end);
  }

  private acceptPartial(
    head: ResponseHead,
    requested: RequestedRange | undefined,
    encoded: boolean,
  ): string | undefined {
    if (!requested) return 'a 206 answer to a request without Range';
    const range = parseContentRange(head.contentRange);
    if (!range) return `a 206 answer with Content-Range ${JSON.stringify(head.contentRange)}`;
    const wantedEnd = requested.end ?? range.total ?? range.end;
    if (range.start !== requested.start || range.end !== wantedEnd) {
      return `Content-Range ${head.contentRange ?? ''} does not match the requested ${rangeHeaderValue(requested)}`;
    }
    if (range.total !== undefined) this.resourceLength = range.total;
    if (this.partsOffset + this.held !== range.start) {
      this.discard();
      this.partsOffset = range.start;
    }
    this.exactEnd = range.end;
    this.resumable = !encoded;
    return undefined;
  }

  private discard(): void {
    this.parts = [];
    this.partsOffset = 0;
    this.held = 0;
  }

  /** Copies resource bytes [start, end) out of the held parts into one exact-size array. */
  private copyRange(start: number, end: number): Uint8Array {
    const result = new Uint8Array(end - start);
    let offset = this.partsOffset;
    for (const part of this.parts) {
      const from = Math.max(start, offset);
      const to = Math.min(end, offset + part.byteLength);
      if (to > from) result.set(part.subarray(from - offset, to - offset), from - start);
      offset += part.byteLength;
      if (offset >= end) break;
    }
    return result;
  }
}

function parseLength(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}
