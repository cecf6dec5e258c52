/**
 * SHA-256 digests of segments: what the engine compares with the origin's trusted hashes, stores
 * with a segment it may share, and sends to peers with the bytes. Always computed (WebCrypto where
 * the page offers it, else the JavaScript SHA-256 of `sha256.ts`), so plain-http pages check
 * segments as thoroughly as https ones.
 */
import { sha256 } from './sha256.js';

/** SHA-256 of `data`. Does not modify `data`. */
export function segmentDigest(data: Uint8Array): Promise<Uint8Array> {
  return sha256(data);
}

/** True when both digests are equal byte for byte. */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
