/**
 * Ed25519 signatures of hash manifests. The origin may sign the exact bytes of its manifest and
 * serve the signature next to it (`<manifest URL>.sig`, base64 of the 64-byte signature); a viewer
 * configured with the publisher's public key then believes a manifest only when it verifies, which
 * protects it where the manifest travels through a CDN or cache the publisher does not control.
 *
 * Verification uses WebCrypto's Ed25519 where the platform has it (Node 20, Chromium 137+,
 * Firefox 129+, Safari 17+, secure contexts only) and @noble/ed25519 (audited, pure JavaScript,
 * with @noble/hashes' SHA-512) elsewhere: plain-http pages and older browsers.
 */
import { hashes as ed25519Hashes, verify as nobleVerify } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { P2PMediaLoaderError } from '../../errors.js';
import { bufferSource, hexToBytes } from './sha256.js';

/** Raw Ed25519 public key length in bytes. */
export const ED25519_PUBLIC_KEY_BYTES = 32;
/** Ed25519 signature length in bytes. */
export const ED25519_SIGNATURE_BYTES = 64;
/** Suffix appended to the manifest URL to find its detached signature. */
export const MANIFEST_SIGNATURE_SUFFIX = '.sig';
/** Largest signature file accepted, bytes (base64 of 64 bytes is 88 characters, plus whitespace). */
export const MAX_SIGNATURE_FILE_BYTES = 1024;

/** Which implementation verifies: `auto` (WebCrypto, else JavaScript), or one of them only. */
export type Ed25519Implementation = 'auto' | 'webcrypto' | 'javascript';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const HEX = /^[0-9a-fA-F]+$/;

/** Decodes standard base64 (or base64url, padding optional); undefined when it is not. */
function decodeBase64(text: string): Uint8Array | undefined {
  let normalized = text;
  if (BASE64URL.test(text)) normalized = text.replace(/-/g, '+').replace(/_/g, '/');
  else if (!BASE64.test(text)) return undefined;
  normalized = normalized.replace(/=+$/, '');
  if (normalized.length % 4 === 1) return undefined;
  let binary: string;
  try {
    binary = atob(normalized + '='.repeat((4 - (normalized.length % 4)) % 4));
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The raw bytes of a public key string: hex when it is 64 hex digits (32 bytes), else base64 or
 * base64url; surrounding whitespace ignored. Undefined when it is neither (whatever its length).
 */
function decodePublicKey(publicKey: string): Uint8Array | undefined {
  const text = publicKey.trim();
  if (text.length === 2 * ED25519_PUBLIC_KEY_BYTES && HEX.test(text)) return hexToBytes(text);
  return decodeBase64(text);
}

/**
 * Validates a public key string: base64 (or base64url) or hex of the raw 32-byte Ed25519 key,
 * surrounding whitespace ignored. Returns a sentence saying what is wrong, or undefined when valid.
 */
export function publicKeyProblem(publicKey: string): string | undefined {
  if (typeof publicKey !== 'string') return 'the public key must be a string';
  const bytes = decodePublicKey(publicKey);
  if (bytes === undefined) {
    return 'the public key must be base64 or hex of the raw 32-byte Ed25519 key';
  }
  if (bytes.length !== ED25519_PUBLIC_KEY_BYTES) {
    return `the public key is ${bytes.length} bytes; an Ed25519 public key has ${ED25519_PUBLIC_KEY_BYTES}`;
  }
  return undefined;
}

/**
 * The raw 32-byte key of a public key string (see {@link publicKeyProblem}).
 * @throws P2PMediaLoaderError `integrity-manifest` when the string is not a valid key
 */
export function parsePublicKey(publicKey: string): Uint8Array {
  const problem = publicKeyProblem(publicKey);
  if (problem !== undefined) {
    throw new P2PMediaLoaderError('integrity-manifest', `Hash manifest signature: ${problem}`);
  }
  return decodePublicKey(publicKey) as Uint8Array;
}

/**
 * The 64-byte signature in a `.sig` file: base64 (or base64url) text, whitespace ignored.
 * @throws P2PMediaLoaderError `integrity-manifest` when the file is too large or not a signature
 */
export function parseSignatureFile(bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength > MAX_SIGNATURE_FILE_BYTES) {
    throw new P2PMediaLoaderError(
      'integrity-manifest',
      `Hash manifest signature: the .sig file is larger than ${MAX_SIGNATURE_FILE_BYTES} bytes`,
    );
  }
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  const signature = decodeBase64(text.replace(/\s+/g, ''));
  if (signature === undefined || signature.length !== ED25519_SIGNATURE_BYTES) {
    throw new P2PMediaLoaderError(
      'integrity-manifest',
      `Hash manifest signature: the .sig file must hold base64 of a ${ED25519_SIGNATURE_BYTES}-byte Ed25519 signature`,
    );
  }
  return signature;
}

/** WebCrypto's answer, or undefined when it has no Ed25519 (or no WebCrypto at all). */
async function verifyWithWebCrypto(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): Promise<boolean | undefined> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (subtle === undefined) return undefined;
  let key: CryptoKey;
  try {
    key = await subtle.importKey('raw', bufferSource(publicKey), { name: 'Ed25519' }, false, [
      'verify',
    ]);
  } catch (error) {
    // NotSupportedError: a browser without Ed25519. Anything else (a key that is not a curve
    // point) is a failed verification, which the JavaScript path would report the same way.
    if ((error as { name?: unknown }).name === 'NotSupportedError') return undefined;
    return false;
  }
  try {
    return await subtle.verify(
      { name: 'Ed25519' },
      key,
      bufferSource(signature),
      bufferSource(message),
    );
  } catch {
    return false;
  }
}

function verifyWithJavaScript(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  // @noble/ed25519 v3 hashes with WebCrypto unless given a synchronous SHA-512: give it noble's,
  // which works on plain-http pages too.
  ed25519Hashes.sha512 ??= sha512;
  try {
    // zip215: false = RFC 8032's strict rules, as WebCrypto applies them.
    return nobleVerify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/**
 * True when `signature` is a valid Ed25519 signature of `message` under the raw 32-byte
 * `publicKey`. Never throws: malformed keys or signatures verify as false.
 * @param implementation - `auto` (default): WebCrypto where it has Ed25519, else @noble/ed25519;
 *   `webcrypto` or `javascript` force one (tests; `webcrypto` answers false where unsupported)
 */
export async function verifyEd25519(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  implementation: Ed25519Implementation = 'auto',
): Promise<boolean> {
  if (
    signature.byteLength !== ED25519_SIGNATURE_BYTES ||
    publicKey.byteLength !== ED25519_PUBLIC_KEY_BYTES
  ) {
    return false;
  }
  if (implementation !== 'javascript') {
    const answer = await verifyWithWebCrypto(signature, message, publicKey);
    if (answer !== undefined || implementation === 'webcrypto') return answer ?? false;
  }
  return verifyWithJavaScript(signature, message, publicKey);
}
