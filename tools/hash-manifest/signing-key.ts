/**
 * The publisher's Ed25519 key for signing hash manifests: generated as PKCS#8 PEM (what `openssl
 * genpkey -algorithm ed25519` writes, so either tool's keys work), read from PEM or from base64/hex
 * of the raw 32-byte seed. The public key is shared as base64 of its raw 32 bytes, the form the
 * player's `publicKey` option takes. Node's own Ed25519 signs; the generator runs on the origin.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';

// DER prefix of a PKCS#8 Ed25519 private key (RFC 8410), followed by the 32-byte seed.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A new key pair: the private key as PKCS#8 PEM text, the public key as base64 of 32 bytes. */
export function generateSigningKey(): {
  readonly privateKeyPem: string;
  readonly publicKey: string;
} {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: publicKeyOf(privateKey),
  };
}

/**
 * The private key in `text`: PKCS#8 PEM, or base64 / hex of the raw 32-byte seed.
 * @throws Error when it is none of these or not an Ed25519 key
 */
export function parseSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.includes('-----BEGIN')) {
    key = createPrivateKey(trimmed);
  } else {
    const seed = /^[0-9a-fA-F]{64}$/.test(trimmed)
      ? Buffer.from(trimmed, 'hex')
      : Buffer.from(trimmed, 'base64');
    if (seed.length !== 32) {
      throw new Error('signing key: expected PKCS#8 PEM or base64/hex of a 32-byte Ed25519 seed');
    }
    key = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`signing key: expected an Ed25519 key, got ${String(key.asymmetricKeyType)}`);
  }
  return key;
}

/** Reads and parses the private key file at `filePath` (see {@link parseSigningKey}). */
export async function loadSigningKey(filePath: string): Promise<KeyObject> {
  return parseSigningKey(await readFile(filePath, 'utf8'));
}

/** Base64 of the raw 32-byte public key of `privateKey`. */
export function publicKeyOf(privateKey: KeyObject): string {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url').toString('base64');
}

/** The `.sig` file for `bytes`: base64 of the 64-byte Ed25519 signature and a newline. */
export function signatureFileFor(bytes: Uint8Array, privateKey: KeyObject): string {
  return `${sign(null, bytes, privateKey).toString('base64')}\n`;
}
