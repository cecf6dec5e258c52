/**
 * SHA-256 digests of segments. The viewer that fetched a segment from the origin computes it and
 * every peer forwards it with the bytes, so corruption on the way (or a peer mixing segments up) is
 * caught before the player sees anything. Uses WebCrypto, which browsers offer only in secure
 * contexts (https, localhost): elsewhere segments travel without digests and only the container
 * check applies.
 */

/** Digest length in bytes (SHA-256). */
export const SEGMENT_DIGEST_BYTES = 32;

function subtleCrypto(): SubtleCrypto | undefined {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  return crypto?.subtle;
}

/** SHA-256 of `data`, or undefined where WebCrypto is unavailable. */
export async function segmentDigest(data: Uint8Array): Promise<Uint8Array | undefined> {
  const subtle = subtleCrypto();
  if (!subtle) return undefined;
  // WebCrypto wants a BufferSource backed by a plain ArrayBuffer.
  const view = data.buffer instanceof ArrayBuffer ? data : data.slice();
  return new Uint8Array(await subtle.digest('SHA-256', view as Uint8Array<ArrayBuffer>));
}

/** True when both digests are equal byte for byte. */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
