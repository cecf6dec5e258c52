/**
 * Unsigned LEB128 varints for values up to 2^53 - 1. Every step uses division and remainder rather
 * than 32-bit bitwise operators, which would silently truncate ids above 2^32 (DASH segment ids are
 * presentation times in timescale units and routinely exceed it).
 */

/** 8 groups of 7 bits hold 56 bits, enough for every safe integer; longer varints are rejected. */
export const MAX_VARINT_BYTES = 8;

/** Number of bytes the varint of `value` takes. */
export function varintByteLength(value: number): number {
  let length = 1;
  let rest = value;
  while (rest >= 0x80) {
    rest = Math.floor(rest / 0x80);
    length++;
  }
  return length;
}

/**
 * Writes the varint of the non-negative safe integer `value` at `offset`.
 * @returns the offset just past the varint
 */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  let position = offset;
  let rest = value;
  while (rest >= 0x80) {
    target[position++] = (rest % 0x80) + 0x80;
    rest = Math.floor(rest / 0x80);
  }
  target[position++] = rest;
  return position;
}
