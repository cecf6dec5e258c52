/**
 * A set of segment ids stored as sorted, canonical ranges. A remote peer's map is kept this way so a
 * peer announcing a huge range costs a few bytes of memory, not one entry per id, and so updates can
 * report exactly which ids changed.
 */
import type { SegmentId } from '../../model/segment.js';
import { rangesContain, type SegmentIdRange } from '../protocol/segment-id-ranges.js';

/** Mutable set of segment ids kept as canonical ranges. */
export class SegmentIdSet {
  private ranges: SegmentIdRange[] = [];

  /** Number of ranges held (the memory cost), not of ids. */
  get rangeCount(): number {
    return this.ranges.length;
  }

  /** True when `id` is in the set. */
  has(id: SegmentId): boolean {
    return rangesContain(this.ranges, id);
  }

  /** The set as canonical ranges (a copy). */
  toRanges(): SegmentIdRange[] {
    return [...this.ranges];
  }

  /** Adds the ids of `range`; returns the sub-ranges that were not in the set before. */
  add(range: SegmentIdRange): SegmentIdRange[] {
    // Every existing range that overlaps or touches `range` merges with it.
    const first = this.firstIndexEndingAtOrAfter(range.start);
    let last = first;
    const added: SegmentIdRange[] = [];
    let cursor = range.start;
    let start = range.start;
    let end = range.end;
    for (; last < this.ranges.length; last++) {
      const existing = this.ranges[last];
      if (existing === undefined || existing.start > range.end) break;
      if (existing.start > cursor) added.push({ start: cursor, end: existing.start });
      cursor = Math.max(cursor, existing.end);
      start = Math.min(start, existing.start);
      end = Math.max(end, existing.end);
    }
    if (cursor < range.end) added.push({ start: cursor, end: range.end });
    this.ranges.splice(first, last - first, { start, end });
    return added;
  }

  /** Removes the ids of `range`; returns the sub-ranges that were in the set. */
  remove(range: SegmentIdRange): SegmentIdRange[] {
    const first = this.firstIndexEndingAtOrAfter(range.start + 1);
    let last = first;
    const removed: SegmentIdRange[] = [];
    const remainders: SegmentIdRange[] = [];
    for (; last < this.ranges.length; last++) {
      const existing = this.ranges[last];
      if (existing === undefined || existing.start >= range.end) break;
      removed.push({
        start: Math.max(existing.start, range.start),
        end: Math.min(existing.end, range.end),
      });
      if (existing.start < range.start)
        remainders.push({ start: existing.start, end: range.start });
      if (existing.end > range.end) remainders.push({ start: range.end, end: existing.end });
    }
    this.ranges.splice(first, last - first, ...remainders);
    return removed;
  }

  /** Replaces the whole set with canonical `ranges`; returns what was added and what removed. */
  replace(ranges: readonly SegmentIdRange[]): {
    added: SegmentIdRange[];
    removed: SegmentIdRange[];
  } {
    const previous = this.ranges;
    this.ranges = [...ranges];
    return { added: subtract(ranges, previous), removed: subtract(previous, ranges) };
  }

  /** Empties the set. */
  clear(): void {
    this.ranges = [];
  }

  /** Index of the first range whose (exclusive) end is >= `value`. */
  private firstIndexEndingAtOrAfter(value: number): number {
    let low = 0;
    let high = this.ranges.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.ranges[middle]?.end ?? Infinity) < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Ids of canonical `a` that are not in canonical `b`, as canonical ranges (linear merge). */
export function subtract(
  a: readonly SegmentIdRange[],
  b: readonly SegmentIdRange[],
): SegmentIdRange[] {
  const result: SegmentIdRange[] = [];
  let j = 0;
  for (const range of a) {
    let cursor = range.start;
    while (j < b.length && (b[j]?.end ?? Infinity) <= cursor) j++;
    let k = j;
    while (cursor < range.end) {
      const cut = b[k];
      if (cut === undefined || cut.start >= range.end) {
        result.push({ start: cursor, end: range.end });
        break;
      }
      if (cut.start > cursor) result.push({ start: cursor, end: cut.start });
      cursor = Math.max(cursor, cut.end);
      k++;
    }
  }
  return result;
}
