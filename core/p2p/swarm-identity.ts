/**
 * Swarm identity: the 20-byte BitTorrent info hash under which viewers of one stream of one source
 * meet on a WebTorrent tracker. Peers of different library versions can only meet when they derive
 * the same hash, so the derivation below is a compatibility contract (docs/SWARM-IDENTITY.md).
 *
 * The hash is computed synchronously with a small SHA-1 written from FIPS 180-4: `crypto.subtle` is
 * asynchronous and missing on plain-http pages (insecure contexts), and Node's `crypto` must not be
 * pulled into browser bundles. SHA-1 is used for its 20-byte output (the tracker protocol's info hash
 * size), not for security: anyone who knows the swarm id can join the swarm.
 */

/** Version tag of the derivation; a new encoding gets a new tag, so old and new never collide. */
export const SWARM_IDENTITY_VERSION = 'p2pml/v1';

const utf8 = new TextEncoder();

/**
 * The info hash (40 lowercase hex characters) of the swarm that shares stream `streamKey` of the source
 * `swarmId`.
 *
 * It is SHA-1 over the UTF-8 bytes of
 * `"p2pml/v1\n" + len(swarmId) + ":" + swarmId + len(streamKey) + ":" + streamKey`, where `len` is the
 * decimal UTF-8 byte length. The length prefixes make the encoding unambiguous for any strings,
 * including ones containing newlines or colons. Strings are encoded as WHATWG UTF-8 (a lone surrogate
 * becomes U+FFFD).
 *
 * @param swarmId - the source's identity (by default the manifest URL without query; see the engine)
 * @param streamKey - the stream within that source (a rendition or audio track key)
 */
export function infoHashFor(swarmId: string, streamKey: string): string {
  return sha1Hex(swarmIdentityBytes(swarmId, streamKey));
}

/** The exact bytes that {@link infoHashFor} hashes; exported for tests and other implementations. */
export function swarmIdentityBytes(swarmId: string, streamKey: string): Uint8Array {
  const text = `${SWARM_IDENTITY_VERSION}\n${lengthPrefixed(swarmId)}${lengthPrefixed(streamKey)}`;
  return utf8.encode(text);
}

function lengthPrefixed(value: string): string {
  return `${utf8.encode(value).length}:${value}`;
}

/** SHA-1 (FIPS 180-4) of `bytes` as 40 lowercase hex characters. Synchronous, no platform crypto. */
export function sha1Hex(bytes: Uint8Array): string {
  const words = paddedMessageWords(bytes);
  const state = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  const schedule = new Uint32Array(80);
  for (let block = 0; block < words.length; block += 16) {
    compressBlock(state, words, block, schedule);
  }
  let hex = '';
  for (const word of state) hex += word.toString(16).padStart(8, '0');
  return hex;
}

/**
 * The message padded to a multiple of 512 bits (a 1 bit, zeros, the 64-bit big-endian bit length),
 * as big-endian 32-bit words.
 */
function paddedMessageWords(bytes: Uint8Array): Uint32Array {
  const blockCount = Math.ceil((bytes.length + 9) / 64);
  const padded = new Uint8Array(blockCount * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  // The bit length as a 64-bit integer: high and low 32-bit halves (lengths beyond 2^53 bits cannot
  // occur for a JavaScript array).
  const bitLength = bytes.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x1_0000_0000));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const words = new Uint32Array(padded.length / 4);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(i * 4);
  return words;
}

function compressBlock(
  state: Uint32Array,
  words: Uint32Array,
  offset: number,
  schedule: Uint32Array,
): void {
  for (let t = 0; t < 16; t++) schedule[t] = words[offset + t] ?? 0;
  for (let t = 16; t < 80; t++) {
    const mixed =
      (schedule[t - 3] ?? 0) ^
      (schedule[t - 8] ?? 0) ^
      (schedule[t - 14] ?? 0) ^
      (schedule[t - 16] ?? 0);
    schedule[t] = rotateLeft(mixed, 1);
  }
  let a = state[0] ?? 0;
  let b = state[1] ?? 0;
  let c = state[2] ?? 0;
  let d = state[3] ?? 0;
  let e = state[4] ?? 0;
  for (let t = 0; t < 80; t++) {
    let f: number;
    let k: number;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    const temp = (rotateLeft(a, 5) + f + e + k + (schedule[t] ?? 0)) >>> 0;
    e = d;
    d = c;
    c = rotateLeft(b, 30);
    b = a;
    a = temp;
  }
  state[0] = (state[0] ?? 0) + a;
  state[1] = (state[1] ?? 0) + b;
  state[2] = (state[2] ?? 0) + c;
  state[3] = (state[3] ?? 0) + d;
  state[4] = (state[4] ?? 0) + e;
}

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}
