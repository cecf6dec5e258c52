/**
 * The simulator's seeded randomness and synchronous hashing: one seed, one sequence of
 * `Math.random` numbers and `getRandomValues` bytes (and peer ids); `subtle.digest('SHA-256')`
 * gives WebCrypto's bytes; restore puts the real functions back.
 */
import { createHash } from 'node:crypto';
import { sha256 } from '../../../core/p2p/integrity/sha256.js';
import { createPeerId } from '../../../core/p2p/signalling/peer-id.js';
import { createSeededRandom, installDeterminism } from '../../../scripts/simulate/determinism.js';

/** What one seed produces through the patched globals. */
function drawAll(seed: number): {
  numbers: number[];
  bytes: number[];
  peerId: string;
  uuid: string;
} {
  const restore = installDeterminism(seed);
  try {
    const numbers = Array.from({ length: 20 }, () => Math.random());
    const bytes = [...crypto.getRandomValues(new Uint8Array(37))];
    return { numbers, bytes, peerId: createPeerId(), uuid: crypto.randomUUID() };
  } finally {
    restore();
  }
}

describe('installDeterminism', () => {
  it('gives the same Math.random numbers and random bytes for the same seed', () => {
    const first = drawAll(42);
    const second = drawAll(42);
    expect(second).toEqual(first);
    expect(first.numbers.every((n) => n >= 0 && n < 1)).toBe(true);
    expect(new Set(first.numbers).size).toBe(20);
    expect(first.uuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('gives other numbers for another seed', () => {
    const a = drawAll(1);
    const b = drawAll(2);
    expect(b.numbers).not.toEqual(a.numbers);
    expect(b.bytes).not.toEqual(a.bytes);
    expect(b.peerId).not.toBe(a.peerId);
  });

  it('fills every integer typed array and refuses float arrays', () => {
    const restore = installDeterminism(7);
    try {
      const words = crypto.getRandomValues(new Uint32Array(8));
      expect(words.some((word) => word !== 0)).toBe(true);
      expect(() => crypto.getRandomValues(new Float64Array(2) as unknown as Uint8Array)).toThrow(
        TypeError,
      );
    } finally {
      restore();
    }
  });

  it('hashes SHA-256 synchronously with the real digest, through the engine sha256()', async () => {
    const data = new Uint8Array(300_000).map((_, index) => (index * 31) & 0xff);
    const expected = createHash('sha256').update(data).digest('hex');
    const restore = installDeterminism(1);
    try {
      let settled = false;
      const pending = crypto.subtle.digest('SHA-256', data).then((digest) => {
        settled = true;
        return Buffer.from(digest).toString('hex');
      });
      // Settled within microtasks, before any macrotask (the threadpool would need one).
      await Promise.resolve();
      await Promise.resolve();
      expect(settled).toBe(true);
      expect(await pending).toBe(expected);
      expect(Buffer.from(await sha256(data.subarray(10, 5000))).toString('hex')).toBe(
        createHash('sha256').update(data.subarray(10, 5000)).digest('hex'),
      );
      // Other algorithms still go to WebCrypto.
      const sha1 = await crypto.subtle.digest('SHA-1', data);
      expect(Buffer.from(sha1).toString('hex')).toBe(createHash('sha1').update(data).digest('hex'));
    } finally {
      restore();
    }
  });

  it('restores the real functions', () => {
    const realRandom = Math.random;
    const realGetRandomValues: unknown = Reflect.get(crypto, 'getRandomValues');
    const realDigest: unknown = Reflect.get(crypto.subtle, 'digest');
    const restore = installDeterminism(3);
    expect(Math.random).not.toBe(realRandom);
    restore();
    restore();
    expect(Math.random).toBe(realRandom);
    expect(Reflect.get(crypto, 'getRandomValues')).toBe(realGetRandomValues);
    expect(Reflect.get(crypto.subtle, 'digest')).toBe(realDigest);
  });
});

describe('createSeededRandom', () => {
  it('is uniform enough: mean ~0.5, every decile ~10 %', () => {
    const random = createSeededRandom(99).next;
    const deciles = new Array<number>(10).fill(0);
    let sum = 0;
    const draws = 100_000;
    for (let index = 0; index < draws; index++) {
      const value = random();
      sum += value;
      deciles[Math.floor(value * 10)] = (deciles[Math.floor(value * 10)] ?? 0) + 1;
    }
    expect(sum / draws).toBeCloseTo(0.5, 2);
    for (const count of deciles) expect(Math.abs(count / draws - 0.1)).toBeLessThan(0.005);
  });
});
