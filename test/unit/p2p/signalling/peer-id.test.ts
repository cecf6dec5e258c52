import {
  createPeerId,
  hexToBinaryString,
  isTwentyByteHex,
} from '../../../../core/p2p/signalling/peer-id.js';

describe('peer ids', () => {
  it('creates distinct 20-byte hex ids that start with the client prefix "-PM0001-"', () => {
    const ids = new Set(Array.from({ length: 100 }, () => createPeerId()));
    expect(ids.size).toBe(100);
    for (const id of ids) {
      expect(isTwentyByteHex(id)).toBe(true);
      expect(hexToBinaryString(id).slice(0, 8)).toBe('-PM0001-');
    }
  });

  it('converts hex to the one-char-per-byte form of the tracker protocol', () => {
    expect(hexToBinaryString('00ff41')).toBe('\u0000\u00ffA');
    expect(hexToBinaryString('ab'.repeat(20))).toHaveLength(20);
  });

  it('recognizes only 40-character hex strings', () => {
    expect(isTwentyByteHex('A'.repeat(40))).toBe(true);
    expect(isTwentyByteHex('a'.repeat(39))).toBe(false);
    expect(isTwentyByteHex('g'.repeat(40))).toBe(false);
  });
});
