import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { bytesToHex, hexToBytes, sha256 } from '../../../../core/p2p/integrity/sha256.js';

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

describe('sha256', () => {
  it('matches the FIPS 180-2 "abc" vector and the empty input', async () => {
    expect(bytesToHex(await sha256(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(bytesToHex(await sha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('falls back to JavaScript without WebCrypto and gives the same digest', async () => {
    const data = randomBytes(100_000);
    const expected = createHash('sha256').update(data).digest('hex');
    expect(bytesToHex(await sha256(data))).toBe(expected);
    const fallback = await withoutWebCrypto(() => sha256(data));
    expect(bytesToHex(fallback)).toBe(expected);
  });

  it('falls back when WebCrypto refuses to digest', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    const refusing = {
      subtle: { digest: () => Promise.reject(new Error('refused')) },
    };
    Object.defineProperty(globalThis, 'crypto', { value: refusing, configurable: true });
    try {
      expect(bytesToHex(await sha256(new TextEncoder().encode('abc')))).toMatch(/^ba7816bf/);
    } finally {
      if (descriptor) Object.defineProperty(globalThis, 'crypto', descriptor);
    }
  });

  it('WebCrypto and the JavaScript fallback agree on arbitrary inputs, views included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.nat({ max: 16 }),
        async (bytes, offset) => {
          // A view into a larger buffer, as segments sliced from a download are.
          const backing = new Uint8Array(bytes.byteLength + offset + 3);
          backing.set(bytes, offset);
          const view = backing.subarray(offset, offset + bytes.byteLength);
          const native = await sha256(view);
          const fallback = await withoutWebCrypto(() => sha256(view));
          expect(bytesToHex(native)).toBe(bytesToHex(fallback));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('converts hex both ways', () => {
    expect(bytesToHex(hexToBytes('00ff10'))).toBe('00ff10');
  });
});
