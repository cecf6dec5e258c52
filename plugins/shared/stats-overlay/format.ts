/**
 * How the overlay writes numbers: short, fixed precision and stable width, so a value that changes
 * every second stays readable (no jumping decimals) and a screen reader reads a unit, not a raw
 * byte count.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
const BIT_RATE_UNITS = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s'] as const;

/** A count scaled to its unit: one decimal from the second unit on, none for the first. */
function scaled(value: number, base: number, units: readonly string[]): string {
  if (!Number.isFinite(value) || value <= 0) return `0 ${units[0]}`;
  let unit = 0;
  let scaledValue = value;
  while (scaledValue >= base && unit < units.length - 1) {
    scaledValue /= base;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${scaledValue.toFixed(digits)} ${units[unit]}`;
}

/** Bytes in binary units (`0 B`, `512 B`, `1.5 KiB`, `12.3 MiB`). */
export function formatBytes(bytes: number): string {
  return scaled(bytes, 1024, BYTE_UNITS);
}

/**
 * A byte rate as a bit rate in decimal units (`2.4 Mbit/s`), the unit video bit rates are quoted in.
 *
 * @param bytesPerSecond - rate in bytes per second
 */
export function formatBitRate(bytesPerSecond: number): string {
  return scaled(bytesPerSecond * 8, 1000, BIT_RATE_UNITS);
}

/** A 0..1 share as a percentage with one decimal (`42.5 %`); out-of-range input is clamped. */
export function formatRatio(ratio: number): string {
  const clamped = Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 0;
  return `${(clamped * 100).toFixed(1)} %`;
}

/** A whole count (peers), never negative. */
export function formatCount(count: number): string {
  return Number.isFinite(count) && count > 0 ? String(Math.round(count)) : '0';
}
