/**
 * Sub-swarms (core/p2p/swarm/sub-swarms.ts): where a peer sits in the binary tree of a stream's
 * sub-swarms, the bucket info hashes (a compatibility contract: the vectors below are those of
 * docs/SWARM-IDENTITY.md, "Sub-swarms"), and when a peer moves down a level.
 */
import { createHash } from 'node:crypto';

import { infoHashFor } from '../../../../core/p2p/swarm-identity.js';
import {
  MAX_SUB_SWARM_LEVEL,
  splitLevel,
  subSwarmBucket,
  subSwarmIdentityText,
  subSwarmInfoHash,
  subSwarmPlace,
} from '../../../../core/p2p/swarm/sub-swarms.js';

const BASE = infoHashFor('https://example.com/live/master.m3u8', 'main-0');
/** `-PM0001-` followed by the bytes 0x00..0x0b. */
const PEER = '2d504d303030312d000102030405060708090a0b';

/** Deterministic pseudo-random 20-byte ids (xorshift32), so failures are reproducible. */
function pseudoRandomIds(count: number, seed: number): string[] {
  let x = seed || 1;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    let hex = '';
    for (let b = 0; b < 20; b++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      hex += (x & 0xff).toString(16).padStart(2, '0');
    }
    ids.push(hex);
  }
  return ids;
}

describe('subSwarmBucket', () => {
  it('is the first L bits of SHA-1(peer id bytes ‖ base info hash bytes)', () => {
    const digest = createHash('sha1')
      .update(Buffer.from(PEER + BASE, 'hex'))
      .digest();
    const leading = digest.readUInt32BE(0);
    for (let level = 1; level <= MAX_SUB_SWARM_LEVEL; level++) {
      expect(subSwarmBucket(PEER, BASE, level)).toBe(leading >>> (32 - level));
    }
    expect(subSwarmBucket(PEER, BASE, 0)).toBe(0);
  });

  it('puts a peer at level L + 1 into a child of its bucket at level L, for every level and many ids', () => {
    for (const peerId of pseudoRandomIds(500, 7)) {
      for (let level = 0; level < MAX_SUB_SWARM_LEVEL; level++) {
        const parent = subSwarmBucket(peerId, BASE, level);
        const child = subSwarmBucket(peerId, BASE, level + 1);
        expect(child >>> 1).toBe(parent);
      }
    }
  });

  it('spreads 10 000 ids evenly over the 8 buckets of level 3 (each within ±10 % of 1250)', () => {
    const counts = new Array<number>(8).fill(0);
    for (const peerId of pseudoRandomIds(10_000, 42)) {
      const bucket = subSwarmBucket(peerId, BASE, 3);
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }
    for (const count of counts) {
      expect(count).toBeGreaterThanOrEqual(1125);
      expect(count).toBeLessThanOrEqual(1375);
    }
  });

  it('depends on the stream: the same peer lands in unrelated buckets of different streams', () => {
    const other = infoHashFor('https://example.com/live/master.m3u8', 'main-1');
    const ids = pseudoRandomIds(1000, 3);
    const same = ids.filter(
      (id) => subSwarmBucket(id, BASE, 4) === subSwarmBucket(id, other, 4),
    ).length;
    // Independent buckets agree 1 time in 16 (about 62 of 1000).
    expect(same).toBeLessThan(120);
  });

  it('accepts ids in either case and refuses malformed ids and levels', () => {
    expect(subSwarmBucket(PEER.toUpperCase(), BASE.toUpperCase(), 5)).toBe(
      subSwarmBucket(PEER, BASE, 5),
    );
    expect(() => subSwarmBucket('abc', BASE, 1)).toThrow(/peerId must be 40 hex/);
    expect(() => subSwarmBucket(PEER, BASE, MAX_SUB_SWARM_LEVEL + 1)).toThrow(/level must be/);
    expect(() => subSwarmBucket(PEER, BASE, 1.5)).toThrow(/level must be/);
  });
});

describe('subSwarmInfoHash', () => {
  it('is the ordinary info hash at level 0, so engines without the option meet there', () => {
    expect(subSwarmInfoHash(BASE, 0, 0)).toBe(BASE);
    expect(subSwarmPlace(PEER, BASE, 0)).toEqual({ level: 0, bucket: 0, infoHash: BASE });
  });

  it('matches the documented example vectors (docs/SWARM-IDENTITY.md)', () => {
    expect(BASE).toBe('403af28e76d50e7e0749c92165d4b97e9790e8a8');
    expect(subSwarmIdentityText(BASE, 3, 5)).toBe(`p2pml/v1/sub\n${BASE}\n101`);
    expect(subSwarmInfoHash(BASE, 3, 5)).toBe('3f4b74907be1b15798a66e892a13784358a41cd0');
    expect(subSwarmInfoHash(BASE, 1, 0)).toBe('3060de65b5d51b28fb24acca92f3fb227afa4e42');
    // The example peer: SHA-1(peer ‖ base) starts 0x25 = 0010 0101.
    expect([1, 2, 3, 4].map((level) => subSwarmPlace(PEER, BASE, level))).toEqual([
      { level: 1, bucket: 0, infoHash: '3060de65b5d51b28fb24acca92f3fb227afa4e42' },
      { level: 2, bucket: 0, infoHash: 'f85566adf0062f427cbf28f253b33e74b5677070' },
      { level: 3, bucket: 1, infoHash: '1611de1b9648d512efb25d90f1650c4f16222dfc' },
      { level: 4, bucket: 2, infoHash: '2ef42dbf0f1579a731ad061e9c39b18a3002bc1d' },
    ]);
  });

  it('is SHA-1 of the documented text, and distinct for every bucket of levels 0 to 8', () => {
    expect(subSwarmInfoHash(BASE, 2, 3)).toBe(
      createHash('sha1').update(`p2pml/v1/sub\n${BASE}\n11`).digest('hex'),
    );
    const seen = new Set<string>();
    for (let level = 0; level <= 8; level++) {
      for (let bucket = 0; bucket < 2 ** level; bucket++) {
        seen.add(subSwarmInfoHash(BASE, level, bucket));
      }
    }
    // 1 + 2 + ... + 256 buckets: a collision would put two sub-swarms (or levels) in one swarm.
    expect(seen.size).toBe(2 ** 9 - 1);
  });

  it('refuses a bucket that does not exist at the level', () => {
    expect(() => subSwarmInfoHash(BASE, 2, 4)).toThrow(/bucket must be/);
    expect(() => subSwarmInfoHash(BASE, 0, 1)).toThrow(/bucket must be/);
  });
});

describe('splitLevel', () => {
  it('moves one level down only when the reported members exceed the cap', () => {
    expect(splitLevel(0, 2, 2)).toBe(0);
    expect(splitLevel(0, 3, 2)).toBe(1);
    expect(splitLevel(4, 101, 100)).toBe(5);
    expect(splitLevel(4, 1, 100)).toBe(4);
  });

  it('never moves below the deepest level, nor back up', () => {
    expect(splitLevel(MAX_SUB_SWARM_LEVEL, 1_000_000, 2)).toBe(MAX_SUB_SWARM_LEVEL);
    expect(splitLevel(3, 0, 100)).toBe(3);
  });
});
