/**
 * Optional bearer token of the dashboard API and `/metrics`. Compared in constant time (as SHA-256
 * digests, so lengths leak nothing either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Checks `Authorization: Bearer <token>` headers; every request passes when no token is set. */
export class BearerToken {
  private readonly expected: Buffer | undefined;

  /** @param token - the token; `undefined` or `''` turns the check off */
  constructor(token: string | undefined) {
    this.expected = token === undefined || token === '' ? undefined : digest(token);
  }

  /** Whether requests need a token. */
  get required(): boolean {
    return this.expected !== undefined;
  }

  /** Whether an `Authorization` header value carries the token (always true when none is set). */
  allows(header: string | undefined): boolean {
    if (this.expected === undefined) return true;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match?.[1]) return false;
    return timingSafeEqual(digest(match[1]), this.expected);
  }
}
