/**
 * Saturating sums. Every stored counter is a sum of many beacon deltas; each delta is bounded by the
 * schema (2^40 bytes at most), and sums stop at `Number.MAX_SAFE_INTEGER` instead of losing
 * precision, so no total can ever pass 2^53 - 1 or turn into a float that is not an integer.
 */

/** Largest total a counter holds (2^53 - 1). */
export const MAX_TOTAL = Number.MAX_SAFE_INTEGER;

/** `a + b`, at most {@link MAX_TOTAL}; both arguments non-negative. */
export function addSaturating(a: number, b: number): number {
  const sum = a + b;
  return sum > MAX_TOTAL ? MAX_TOTAL : sum;
}

/**
 * A number read back from a database sum (SQLite `TOTAL()` is a float, PostgreSQL `SUM(bigint)` a
 * numeric string) as an integer in 0..{@link MAX_TOTAL}.
 */
export function toSafeTotal(value: unknown): number {
  const number = typeof value === 'number' ? value : Number(value ?? 0);
  if (!Number.isFinite(number) || number <= 0) return 0;
  return number >= MAX_TOTAL ? MAX_TOTAL : Math.round(number);
}
