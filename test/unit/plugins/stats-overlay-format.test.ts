import {
  formatBitRate,
  formatBytes,
  formatCount,
  formatRatio,
} from '../../../plugins/shared/stats-overlay/format.js';

describe('stats overlay number formatting', () => {
  it('writes bytes in binary units with one decimal past bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(12.34 * 1024 * 1024)).toBe('12.3 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });

  it('never shows nonsense for negative or non-finite input', () => {
    expect(formatBytes(-5)).toBe('0 B');
    expect(formatBytes(Number.NaN)).toBe('0 B');
    expect(formatRatio(Number.NaN)).toBe('0.0 %');
    expect(formatCount(-1)).toBe('0');
    expect(formatBitRate(Number.POSITIVE_INFINITY)).toBe('0 bit/s');
  });

  it('writes a 0..1 share as a percentage, clamped', () => {
    expect(formatRatio(0)).toBe('0.0 %');
    expect(formatRatio(0.4256)).toBe('42.6 %');
    expect(formatRatio(1)).toBe('100.0 %');
    expect(formatRatio(1.2)).toBe('100.0 %');
  });

  it('writes byte rates as decimal bit rates', () => {
    expect(formatBitRate(100)).toBe('800 bit/s');
    expect(formatBitRate(300_000)).toBe('2.4 Mbit/s');
    expect(formatBitRate(125)).toBe('1.0 kbit/s');
  });

  it('writes peer counts as whole numbers', () => {
    expect(formatCount(3)).toBe('3');
    expect(formatCount(0)).toBe('0');
  });
});
