import { createHash } from 'node:crypto';

import {
  infoHashFor,
  sha1Hex,
  swarmIdentityBytes,
  SWARM_IDENTITY_VERSION,
} from '../../../core/p2p/swarm-identity.js';

function nodeSha1(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** Deterministic pseudo-random bytes (xorshift32), so failures are reproducible. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

describe('sha1Hex', () => {
  it('matches the FIPS 180 test vectors', () => {
    const ascii = (text: string) => new TextEncoder().encode(text);
    expect(sha1Hex(ascii(''))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(sha1Hex(ascii('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1Hex(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
  });

  it('matches node:crypto for every length around the 64-byte block boundaries', () => {
    // 55/56 bytes is where the length field stops fitting in the last block; 64 is a full block.
    for (let length = 0; length <= 200; length++) {
      const bytes = pseudoRandomBytes(length, length + 7);
      expect(sha1Hex(bytes)).toBe(nodeSha1(bytes));
    }
  });

  it('matches node:crypto for large inputs', () => {
    for (const length of [1000, 4095, 4096, 65_537, 1_000_003]) {
      const bytes = pseudoRandomBytes(length, length);
      expect(sha1Hex(bytes)).toBe(nodeSha1(bytes));
    }
  });
});

describe('infoHashFor', () => {
  const cases: [string, string][] = [
    ['https://cdn.example/live/master.m3u8', 'main-0'],
    ['https://cdn.example/vod/master.m3u8', 'audio-en'],
    ['', ''],
    ['Ünïcödé 視頻 🎬', 'ключ'],
    ['a'.repeat(55), 'b'],
    ['x'.repeat(1000), 'y'.repeat(63)],
    ['line\nbreak', 'colon:key'],
  ];

  it('is SHA-1 of the documented encoding, as node:crypto computes it (multi-byte UTF-8 included)', () => {
    for (const [swarmId, streamKey] of cases) {
      const encoded = Buffer.from(
        `${SWARM_IDENTITY_VERSION}\n${Buffer.byteLength(swarmId)}:${swarmId}${Buffer.byteLength(streamKey)}:${streamKey}`,
        'utf8',
      );
      expect(Buffer.from(swarmIdentityBytes(swarmId, streamKey)).equals(encoded)).toBe(true);
      expect(infoHashFor(swarmId, streamKey)).toBe(nodeSha1(encoded));
    }
  });

  it('returns 40 lowercase hex characters', () => {
    for (const [swarmId, streamKey] of cases) {
      expect(infoHashFor(swarmId, streamKey)).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('gives different hashes for different swarm ids or stream keys', () => {
    const hashes = new Set([
      infoHashFor('https://a.example/m.m3u8', 'main-0'),
      infoHashFor('https://b.example/m.m3u8', 'main-0'),
      infoHashFor('https://a.example/m.m3u8', 'main-1'),
      infoHashFor('https://a.example/m.m3u8', 'audio-0'),
    ]);
    expect(hashes.size).toBe(4);
  });

  it('cannot be confused by moving characters between swarm id and stream key', () => {
    expect(infoHashFor('a\nb', 'c')).not.toBe(infoHashFor('a', 'b\nc'));
    expect(infoHashFor('ab', 'c')).not.toBe(infoHashFor('a', 'bc'));
    expect(infoHashFor('1:a', '')).not.toBe(infoHashFor('', '1:a'));
  });

  it('is stable: the example vectors of docs/SWARM-IDENTITY.md never change', () => {
    // Changing any of these breaks swarms between library versions.
    expect(infoHashFor('https://example.com/live/master.m3u8', 'main-0')).toBe(
      '403af28e76d50e7e0749c92165d4b97e9790e8a8',
    );
    expect(infoHashFor('https://example.com/live/master.m3u8', 'audio-0')).toBe(
      'f4cc1f69a1da14084c8977db7bbd538a2899a00a',
    );
    expect(infoHashFor('', '')).toBe('23aab5404681c48ce656a337a9b4c7fb46247c2e');
  });
});
