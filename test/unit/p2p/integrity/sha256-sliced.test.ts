/**
 * The JavaScript SHA-256 (plain-http pages) hashes large segments in slices and lets other tasks
 * run between them, so one segment's check is never one long task on the page's thread.
 */
import { createHash, randomBytes } from 'node:crypto';
import { bytesToHex, sha256, SHA256_SLICE_BYTES } from '../../../../core/p2p/integrity/sha256.js';

/** Runs `body` with `globalThis.crypto` hidden, as on a plain-http page. */
async function withoutWebCrypto<T>(body: () => Promise<T>): Promise<T> {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
  try {
    return await body();
  } finally {
    if (descriptor) Object.defineProperty(globalThis, 'crypto', descriptor);
  }
}

describe('sliced JavaScript SHA-256', () => {
  it.each([
    SHA256_SLICE_BYTES - 1,
    SHA256_SLICE_BYTES,
    SHA256_SLICE_BYTES + 1,
    3 * SHA256_SLICE_BYTES + 17,
  ])('gives the standard digest of %i bytes', async (size) => {
    const backing = randomBytes(size + 5);
    const data = new Uint8Array(backing.buffer, backing.byteOffset + 5, size);
    const expected = createHash('sha256').update(data).digest('hex');
    expect(bytesToHex(await withoutWebCrypto(() => sha256(data)))).toBe(expected);
  });

  it('lets other tasks run while it hashes a 2 MiB segment', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    let otherTaskRan = false;
    const digest = await withoutWebCrypto(() => {
      const hashing = sha256(data);
      setImmediate(() => {
        otherTaskRan = true;
      });
      return hashing.then((result) => {
        // Observed at the moment the digest is ready, before this test's own continuation.
        expect(otherTaskRan).toBe(true);
        return result;
      });
    });
    expect(bytesToHex(digest)).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('hashes a small segment without yielding at all', async () => {
    const data = randomBytes(1000);
    let otherTaskRan = false;
    setImmediate(() => {
      otherTaskRan = true;
    });
    await withoutWebCrypto(() => sha256(data));
    expect(otherTaskRan).toBe(false);
  });
});
