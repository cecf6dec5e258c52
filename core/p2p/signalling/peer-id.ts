/**
 * Peer ids: 20 bytes, written as 40 lowercase hex characters (the form the tracker client expects).
 */

// Azureus-style client prefix ("-PM0001-"), so tracker statistics can tell our peers apart.
const CLIENT_PREFIX = '-PM0001-';

/** A fresh random peer id: the client prefix followed by 12 random bytes, as 40 hex characters. */
export function createPeerId(): string {
  const random = new Uint8Array(20 - CLIENT_PREFIX.length);
  crypto.getRandomValues(random);
  let hex = '';
  for (const char of CLIENT_PREFIX) hex += char.charCodeAt(0).toString(16).padStart(2, '0');
  for (const byte of random) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** True when `value` is 40 hex characters (a 20-byte peer id or info hash). */
export function isTwentyByteHex(value: string): boolean {
  return /^[0-9a-f]{40}$/i.test(value);
}

/** The "binary string" (one char per byte) form used on the WebTorrent tracker protocol's wire. */
export function hexToBinaryString(hex: string): string {
  let binary = '';
  for (let i = 0; i < hex.length; i += 2)
    binary += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return binary;
}

/** The hex form (lowercase) of a WebTorrent "binary string" (one char per byte). */
export function binaryStringToHex(binary: string): string {
  let hex = '';
  for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, '0');
  return hex;
}
