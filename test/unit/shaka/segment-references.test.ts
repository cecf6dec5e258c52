import { segmentReferences } from '../../../adapters/shaka/segment-references.js';
import type {
  ShakaSegmentIndex,
  ShakaSegmentReference,
} from '../../../adapters/shaka/shaka-types.js';

function reference(startTime: number): ShakaSegmentReference {
  return {
    getUris: () => [`https://origin.test/${startTime}.m4s`],
    getStartTime: () => startTime,
    getEndTime: () => startTime + 2,
    getStartByte: () => 0,
    getEndByte: () => null,
  };
}

/** An index shaped like Shaka's: its iterator may yield null entries, or be null itself. */
function indexOf(entries: (ShakaSegmentReference | null)[] | null): ShakaSegmentIndex {
  return { [Symbol.iterator]: () => (entries === null ? null : entries[Symbol.iterator]()) };
}

describe('segmentReferences', () => {
  test('lists the references in order, skipping null entries', () => {
    const listed = segmentReferences(indexOf([reference(10), null, reference(12)]));
    expect(listed.map((entry) => entry.getStartTime())).toEqual([10, 12]);
  });

  test('is empty when Shaka has no iterator for the index (every reference evicted)', () => {
    expect(segmentReferences(indexOf(null))).toEqual([]);
  });

  test('is empty for an empty index', () => {
    expect(segmentReferences(indexOf([]))).toEqual([]);
  });
});
