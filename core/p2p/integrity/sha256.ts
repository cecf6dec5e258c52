/**
 * SHA-256 for segment integrity, everywhere the library runs. WebCrypto is fast (native) but
 * browsers offer it only in secure contexts (https, localhost); on plain-http pages the pure
 * JavaScript SHA-256 of @noble/hashes (audited, a few kB) takes over, so a segment can always be
 * checked against the origin's trusted hash.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

/** Length of a SHA-256 digest in bytes. */
export const SHA256_BYTES = 32;

/**
 * `bytes` as WebCrypto accepts them: the same view when it is backed by a plain `ArrayBuffer`, else
 * a copy (WebCrypto rejects views of a `SharedArrayBuffer`). Never modifies `bytes`.
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return (bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()) as Uint8Array<ArrayBuffer>;
}

function subtleCrypto(): SubtleCrypto | undefined {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  return crypto?.subtle;
}

/**
 * SHA-256 of `data`: WebCrypto where available (secure contexts, Node), else @noble/hashes
 * (plain-http pages, or a WebCrypto that refuses the call). Never undefined; does not modify `data`.
 */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  const subtle = subtleCrypto();
  if (subtle) {
    try {
      return new Uint8Array(await subtle.digest('SHA-256', bufferSource(data)));
    } catch {
      // A crippled or polyfilled WebCrypto: the JavaScript digest gives the same answer.
    }
  }
  return nobleSha256(data);
}
