import { generateKeyPairSync, sign } from 'node:crypto';
import { P2PMediaLoaderError } from '../../../../core/errors.js';
import {
  type Ed25519Implementation,
  parsePublicKey,
  parseSignatureFile,
  publicKeyProblem,
  verifyEd25519,
} from '../../../../core/p2p/integrity/manifest-signature.js';
import { hexToBytes } from '../../../../core/p2p/integrity/sha256.js';

/** Standard base64 of `bytes`, as the generator writes keys and signatures. */
function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

// RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte).
const RFC8032 = [
  {
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

const IMPLEMENTATIONS: Ed25519Implementation[] = ['auto', 'webcrypto', 'javascript'];

function freshKey(): { publicKey: Uint8Array; signMessage: (m: Uint8Array) => Uint8Array } {
  const pair = generateKeyPairSync('ed25519');
  const jwk = pair.publicKey.export({ format: 'jwk' });
  return {
    publicKey: new Uint8Array(Buffer.from(jwk.x as string, 'base64url')),
    signMessage: (message) => new Uint8Array(sign(null, message, pair.privateKey)),
  };
}

function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  const at = index % copy.length;
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

describe('Ed25519 manifest signatures', () => {
  it.each(IMPLEMENTATIONS)('%s: verifies the RFC 8032 known-answer vectors', async (impl) => {
    for (const vector of RFC8032) {
      const signature = hexToBytes(vector.signature);
      const message = hexToBytes(vector.message);
      const key = hexToBytes(vector.publicKey);
      await expect(verifyEd25519(signature, message, key, impl)).resolves.toBe(true);
      await expect(verifyEd25519(flipped(signature, 5), message, key, impl)).resolves.toBe(false);
    }
  });

  it.each(IMPLEMENTATIONS)(
    '%s: rejects a tampered manifest, a tampered signature and another key',
    async (impl) => {
      const signer = freshKey();
      const other = freshKey();
      const manifest = new TextEncoder().encode('{"a.ts":"' + 'a'.repeat(64) + '"}');
      const signature = signer.signMessage(manifest);
      await expect(verifyEd25519(signature, manifest, signer.publicKey, impl)).resolves.toBe(true);
      await expect(
        verifyEd25519(signature, flipped(manifest, 9), signer.publicKey, impl),
      ).resolves.toBe(false);
      await expect(
        verifyEd25519(flipped(signature, 40), manifest, signer.publicKey, impl),
      ).resolves.toBe(false);
      await expect(verifyEd25519(signature, manifest, other.publicKey, impl)).resolves.toBe(false);
      // Wrong lengths and a key that is not a curve point verify as false, never throw.
      await expect(
        verifyEd25519(signature.subarray(1), manifest, signer.publicKey, impl),
      ).resolves.toBe(false);
      await expect(
        verifyEd25519(signature, manifest, new Uint8Array(32).fill(0xff), impl),
      ).resolves.toBe(false);
    },
  );

  it('auto falls back to JavaScript where WebCrypto has no Ed25519 (and without WebCrypto)', async () => {
    const signer = freshKey();
    const message = new TextEncoder().encode('manifest bytes');
    const signature = signer.signMessage(message);
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    const noEd25519 = {
      subtle: {
        importKey: () =>
          Promise.reject(new DOMException('Unrecognized algorithm name', 'NotSupportedError')),
      },
    };
    try {
      for (const crypto of [noEd25519, undefined]) {
        Object.defineProperty(globalThis, 'crypto', { value: crypto, configurable: true });
        await expect(verifyEd25519(signature, message, signer.publicKey)).resolves.toBe(true);
        await expect(verifyEd25519(signature, flipped(message, 0), signer.publicKey)).resolves.toBe(
          false,
        );
        // Forced WebCrypto where there is none answers false rather than trusting anything.
        await expect(
          verifyEd25519(signature, message, signer.publicKey, 'webcrypto'),
        ).resolves.toBe(false);
      }
    } finally {
      if (descriptor) Object.defineProperty(globalThis, 'crypto', descriptor);
    }
  });

  it('reads public keys as base64, base64url or hex of 32 bytes', () => {
    const key = freshKey().publicKey;
    const hex = Buffer.from(key).toString('hex');
    expect(parsePublicKey(base64(key))).toEqual(key);
    expect(parsePublicKey(` ${Buffer.from(key).toString('base64url')}\n`)).toEqual(key);
    expect(parsePublicKey(hex)).toEqual(key);
    expect(publicKeyProblem(base64(key))).toBeUndefined();
    expect(publicKeyProblem('')).toMatch(/base64 or hex/);
    expect(publicKeyProblem('not a key!')).toMatch(/base64 or hex/);
    expect(publicKeyProblem(base64(new Uint8Array(31)))).toMatch(/31 bytes/);
    expect(() => parsePublicKey('x')).toThrow(P2PMediaLoaderError);
  });

  it('reads .sig files as base64 of 64 bytes and rejects anything else', () => {
    const signature = new Uint8Array(64).map((_, i) => i);
    const file = new TextEncoder().encode(`${base64(signature)}\n`);
    expect(parseSignatureFile(file)).toEqual(signature);
    for (const bad of ['', 'abc', base64(new Uint8Array(63)), 'x'.repeat(2000)]) {
      let thrown: unknown;
      try {
        parseSignatureFile(new TextEncoder().encode(bad));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'integrity-manifest' });
    }
  });
});
