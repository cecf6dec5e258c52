/**
 * Reads an ISO BMFF `sidx` (segment index) box: the byte ranges of the media segments of a DASH
 * SegmentBase Representation (one file, segments addressed as ranges), with their times.
 */

/** One subsegment the index lists. */
export interface IndexedSubsegment {
  /** Byte range in the file, `end` exclusive. */
  readonly start: number;
  readonly end: number;
  /** Media time, seconds from the index's earliest presentation time... plus that time. */
  readonly startSec: number;
  readonly endSec: number;
}

/**
 * Subsegments of the `sidx` box at the start of `bytes`, which were read from file offset
 * `boxOffset`. Hierarchical indexes (references to other sidx boxes) are not supported.
 * @throws Error when `bytes` does not start with a complete sidx box
 */
export function parseSidx(bytes: Uint8Array, boxOffset: number): IndexedSubsegment[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 32) throw new Error('sidx box truncated');
  const size = view.getUint32(0);
  const type = String.fromCharCode(...bytes.subarray(4, 8));
  if (type !== 'sidx') throw new Error(`expected a sidx box, found "${type}"`);
  if (size > bytes.byteLength || size < 32) throw new Error('sidx box truncated');
  const version = view.getUint8(8);
  const timescale = view.getUint32(16);
  let position = 20;
  let earliest: number;
  let firstOffset: number;
  if (version === 0) {
    earliest = view.getUint32(position);
    firstOffset = view.getUint32(position + 4);
    position += 8;
  } else {
    earliest = Number(view.getBigUint64(position));
    firstOffset = Number(view.getBigUint64(position + 8));
    position += 16;
  }
  position += 2; // reserved
  const count = view.getUint16(position);
  position += 2;
  if (position + count * 12 > size) throw new Error('sidx references truncated');
  if (timescale === 0) throw new Error('sidx timescale is 0');
  // Offsets count from the first byte after the sidx box.
  let offset = boxOffset + size + firstOffset;
  let time = earliest;
  const subsegments: IndexedSubsegment[] = [];
  for (let i = 0; i < count; i++, position += 12) {
    const reference = view.getUint32(position);
    if (reference >>> 31 === 1)
      throw new Error('hierarchical sidx (references to sidx) unsupported');
    const referencedSize = reference & 0x7fffffff;
    const duration = view.getUint32(position + 4);
    subsegments.push({
      start: offset,
      end: offset + referencedSize,
      startSec: time / timescale,
      endSec: (time + duration) / timescale,
    });
    offset += referencedSize;
    time += duration;
  }
  return subsegments;
}
