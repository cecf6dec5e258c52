/**
 * A set of segment ids stored as sorted, canonical ranges. A remote peer's map is kept this way so a
 * peer announcing a huge range costs a few bytes of memory, not one entry per id, and so updates can
 * report exactly which ids changed.
 */
import type { SegmentId } from '../../model/segment.js';
import {
  countIds,
  intersectRanges,
  rangesContain,
  unionRanges,
  type SegmentIdRange,
} from '../protocol/segment-id-ranges.js';

/**
 * Mutable set of segment ids kept as canonical ranges. Every update is a linear merge of two sorted
 * lists, so one message of k ranges applied to a set of n ranges costs O(n + k), never O(n * k).
 */
export class SegmentIdSet {
  private ranges: SegmentIdRange[] = [];
  private ids = 0;

  /** Number of ranges held (the memory cost), not of ids. */
  get rangeCount(): number {
    return this.ranges.length;
  }

  /** Number of ids held (what the set claims). */
  get idCount(): number {
    return this.ids;
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
    return this.addAll([range]);
  }

  /** Removes the ids of `range`; returns the sub-ranges that were in the set. */
  remove(range: SegmentIdRange): SegmentIdRange[] {
    return this.removeAll([range]);
  }

  /** Adds the ids of canonical `ranges`; returns those that were not in the set before. */
  addAll(ranges: readonly SegmentIdRange[]): SegmentIdRange[] {
    if (ranges.length === 0) return [];
    const added = subtract(ranges, this.ranges);
    this.ranges = unionRanges(this.ranges, ranges);
    this.ids += countIds(added);
    return added;
  }

  /** Removes the ids of canonical `ranges`; returns those that were in the set. */
  removeAll(ranges: readonly SegmentIdRange[]): SegmentIdRange[] {
    if (ranges.length === 0) return [];
    const removed = intersectRanges(this.ranges, ranges);
    if (removed.length === 0) return [];
    this.ranges = subtract(this.ranges, ranges);
    this.ids -= countIds(removed);
    return removed;
  }

  /** Replaces the whole set with canonical `ranges`; returns what was added and what removed. */
  replace(ranges: readonly SegmentIdRange[]): {
    added: SegmentIdRange[];
    removed: SegmentIdRange[];
  } {
    const previous = this.ranges;
    this.ranges = [...ranges];
    this.ids = countIds(ranges);
    return { added: subtract(ranges, previous), removed: subtract(previous, ranges) };
  }

  /** Empties the set. */
  clear(): void {
    this.ranges = [];
    this.ids = 0;
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
