import {
  isWellFormedSegment,
  sniffContainer,
} from '../../../../core/p2p/integrity/container-check.js';

function tsPackets(count: number): Uint8Array {
  const data = new Uint8Array(188 * count).fill(0xff);
  for (let i = 0; i < count; i++) data[i * 188] = 0x47;
  return data;
}

function box(type: string, payloadBytes: number): Uint8Array {
  const data = new Uint8Array(8 + payloadBytes);
  new DataView(data.buffer).setUint32(0, data.byteLength);
  for (let i = 0; i < 4; i++) data[4 + i] = type.charCodeAt(i);
  return data;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

describe('container check', () => {
  it('recognises whole MPEG-TS packets and rejects truncation or lost sync', () => {
    const ts = tsPackets(10);
    expect(sniffContainer(ts)).toBe('mpeg-ts');
    expect(isWellFormedSegment(ts, 'mpeg-ts')).toBe(true);
    expect(isWellFormedSegment(ts.subarray(0, 188 * 9 + 100), 'mpeg-ts')).toBe(false);
    const broken = ts.slice();
    broken[188 * 4] = 0x00;
    expect(isWellFormedSegment(broken, 'mpeg-ts')).toBe(false);
  });

  it('accepts a chain of ISO-BMFF boxes that ends exactly at the end', () => {
    const fmp4 = concat(box('styp', 16), box('moof', 100), box('mdat', 1000));
    expect(sniffContainer(fmp4)).toBe('iso-bmff');
    expect(isWellFormedSegment(fmp4, 'iso-bmff')).toBe(true);
    expect(isWellFormedSegment(fmp4.subarray(0, fmp4.byteLength - 1), 'iso-bmff')).toBe(false);
    expect(isWellFormedSegment(concat(fmp4, new Uint8Array(3)), 'iso-bmff')).toBe(false);
  });

  it('rejects data of the wrong container for the stream', () => {
    const fmp4 = concat(box('moof', 100), box('mdat', 1000));
    expect(isWellFormedSegment(fmp4, 'mpeg-ts')).toBe(false);
    expect(isWellFormedSegment(tsPackets(3), 'iso-bmff')).toBe(false);
  });

  it('lets unknown formats through when non-empty', () => {
    expect(isWellFormedSegment(new Uint8Array([1, 2, 3]), 'unknown')).toBe(true);
    expect(isWellFormedSegment(new Uint8Array(0), 'unknown')).toBe(false);
  });
});
