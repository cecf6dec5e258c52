/**
 * Segment id lists travel as sorted runs of consecutive ids, because what a viewer holds is mostly a
 * contiguous window of the stream: a live viewer's whole map is usually one or two ranges.
 */
import type { SegmentId } from '../../model/segment.js';

/** Consecutive segment ids: `start` inclusive, `end` exclusive (like {@link ByteRange}). */
export interface SegmentIdRange {
  /** First id of the run. */
  readonly start: SegmentId;
  /** One past the last id of the run; greater than `start`, at most 2^53. */
  readonly end: number;
}

/** Largest exclusive range end: one past `Number.MAX_SAFE_INTEGER`, itself exactly representable. */
export const MAX_RANGE_END = Number.MAX_SAFE_INTEGER + 1;

/** True when `id` is a valid {@link SegmentId}: a non-negative safe integer. */
export function isSegmentId(id: unknown): id is SegmentId {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
}

/**
 * Builds the canonical range list of a set of ids: sorted, duplicates merged, adjacent runs joined.
 * @throws RangeError when an id is not a non-negative safe integer
 */
export function rangesFromIds(ids: Iterable<SegmentId>): SegmentIdRange[] {
  const sorted = [...ids];
  for (const id of sorted) {
    if (!isSegmentId(id))
      throw new RangeError(`segment id ${String(id)} is not a non-negative safe integer`);
  }
  sorted.sort((a, b) => a - b);
  const ranges: SegmentIdRange[] = [];
  let start = -1;
  let end = -1;
  for (const id of sorted) {
    if (id < end) continue;
    if (id === end) {
      end = id + 1;
      continue;
    }
    if (end >= 0) ranges.push({ start, end });
    start = id;
    end = id + 1;
  }
  if (end >= 0) ranges.push({ start, end });
  return ranges;
}

/**
 * Lists the ids of `ranges` in order.
 * @param maxIds - stops with a RangeError past this many ids, as ranges can describe billions
 */
export function idsFromRanges(ranges: readonly SegmentIdRange[], maxIds = 1_000_000): SegmentId[] {
  const ids: SegmentId[] = [];
  for (const range of ranges) {
    if (range.end - range.start > maxIds - ids.length) {
      throw new RangeError(`ranges hold more than ${maxIds} ids`);
    }
    for (let id = range.start; id < range.end; id++) ids.push(id);
  }
  return ids;
}

/** Number of ids `ranges` cover. */
export function countIds(ranges: readonly SegmentIdRange[]): number {
  let count = 0;
  for (const range of ranges) count += range.end - range.start;
  return count;
}

/** True when sorted, canonical `ranges` contain `id` (binary search). */
export function rangesContain(ranges: readonly SegmentIdRange[], id: SegmentId): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const range = ranges[middle];
    if (range === undefined) return false;
    if (id < range.start) high = middle - 1;
    else if (id >= range.end) low = middle + 1;
    else return true;
  }
  return false;
}

/**
 * Why `ranges` is not canonical (sorted, non-empty runs, neither overlapping nor adjacent, ids safe),
 * or undefined when it is.
 */
export function findRangeListProblem(ranges: readonly SegmentIdRange[]): string | undefined {
  let previousEnd = -1;
  for (const [index, range] of ranges.entries()) {
    if (!isSegmentId(range.start)) return `range ${index} start is not a non-negative safe integer`;
    if (!Number.isInteger(range.end) || range.end > MAX_RANGE_END) {
      return `range ${index} end is not an integer up to 2^53`;
    }
    if (range.end <= range.start) return `range ${index} is empty`;
    if (range.start <= previousEnd) {
      return `range ${index} is not ascending and separated from the previous one`;
    }
    previousEnd = range.end;
  }
  return undefined;
}

/** True when two sorted, canonical range lists share at least one id (linear merge). */
export function rangeListsOverlap(
  a: readonly SegmentIdRange[],
  b: readonly SegmentIdRange[],
): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const left = a[i];
    const right = b[j];
    if (left === undefined || right === undefined) break;
    if (left.end <= right.start) i++;
    else if (right.end <= left.start) j++;
    else return true;
  }
  return false;
}

/** Ids in canonical `a` or canonical `b`, as canonical ranges (linear merge: O(a + b)). */
export function unionRanges(
  a: readonly SegmentIdRange[],
  b: readonly SegmentIdRange[],
): SegmentIdRange[] {
  const result: SegmentIdRange[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const left = a[i];
    const right = b[j];
    let next: SegmentIdRange;
    if (left === undefined && right === undefined) break;
    if (right === undefined || (left !== undefined && left.start <= right.start)) {
      next = left as SegmentIdRange;
      i++;
    } else {
      next = right;
      j++;
    }
    const last = result[result.length - 1];
    if (last !== undefined && next.start <= last.end) {
      if (next.end > last.end) result[result.length - 1] = { start: last.start, end: next.end };
    } else {
      result.push(next);
    }
  }
  return result;
}

/** Ids in both canonical `a` and canonical `b`, as canonical ranges (linear merge: O(a + b)). */
export function intersectRanges(
  a: readonly SegmentIdRange[],
  b: readonly SegmentIdRange[],
): SegmentIdRange[] {
  const result: SegmentIdRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const left = a[i];
    const right = b[j];
    if (left === undefined || right === undefined) break;
    const start = Math.max(left.start, right.start);
    const end = Math.min(left.end, right.end);
    if (start < end) result.push({ start, end });
    if (left.end <= right.end) i++;
    else j++;
  }
  return result;
}
