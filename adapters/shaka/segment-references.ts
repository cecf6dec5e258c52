/** Reading the segment list of a Shaka stream. */
import type { ShakaSegmentIndex, ShakaSegmentReference } from './shaka-types.js';

/**
 * The references `index` lists now, in order, without holes. Empty when Shaka's iterator is null:
 * a live index can be empty for a moment (its window moved past every listed segment before the
 * next manifest update), and iterating it with `for...of` would throw from inside Shaka's request
 * filter or our sync timer, failing the segment request that triggered it.
 */
export function segmentReferences(index: ShakaSegmentIndex): ShakaSegmentReference[] {
  const iterator = index[Symbol.iterator]();
  if (iterator === null || typeof iterator !== 'object') return [];
  const references: ShakaSegmentReference[] = [];
  for (let step = iterator.next(); step.done !== true; step = iterator.next()) {
    if (step.value) references.push(step.value);
  }
  return references;
}
