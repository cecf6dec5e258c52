/**
 * A segment map can be larger than one message (a VOD viewer with thousands of scattered segments,
 * or DASH ids that are timestamps and never consecutive). These functions cut a snapshot or a delta
 * into messages that each fit the receiver's size limit and {@link MAX_RANGES_PER_LIST}: a
 * SEGMENT_MAP with the first part, then MAP_DELTA messages that add the rest. Applied in order, they
 * leave the receiver with exactly the state one big message would have.
 */
import { MAX_RANGES_PER_LIST, type MapDeltaMessage, type SegmentMapMessage } from './messages.js';
import type { SegmentIdRange } from './segment-id-ranges.js';
import { varintByteLength } from './varint.js';

/** A MAP_DELTA's four lists, in wire order. */
const DELTA_LISTS = ['added', 'removed', 'fetchStarted', 'fetchEnded'] as const;
type DeltaList = (typeof DELTA_LISTS)[number];
type DeltaLists = Record<DeltaList, SegmentIdRange[]>;

/** Version and type bytes, plus two bytes for each list count (counts never exceed 1024 < 2^14). */
const FIXED_BYTES = 2 + 2 * DELTA_LISTS.length;

/**
 * Cuts the snapshot (`have`, `fetching`) into a SEGMENT_MAP followed by as many MAP_DELTA messages
 * as needed, each at most `maxMessageBytes` long once encoded.
 */
export function splitSegmentMap(
  snapshot: Omit<SegmentMapMessage, 'type'>,
  maxMessageBytes: number,
): [SegmentMapMessage, ...MapDeltaMessage[]] {
  const parts = packLists(
    [
      ['added', snapshot.have],
      ['fetchStarted', snapshot.fetching],
    ],
    maxMessageBytes,
  );
  const [first, ...rest] = parts;
  const head: SegmentMapMessage = {
    type: 'segment-map',
    have: first?.added ?? [],
    fetching: first?.fetchStarted ?? [],
  };
  return [head, ...rest.map(toDelta)];
}

/** Cuts `delta` into MAP_DELTA messages of at most `maxMessageBytes` each (one when it fits). */
export function splitMapDelta(
  delta: Omit<MapDeltaMessage, 'type'>,
  maxMessageBytes: number,
): MapDeltaMessage[] {
  const parts = packLists(
    DELTA_LISTS.map((list) => [list, delta[list]] as const),
    maxMessageBytes,
  );
  return parts.length === 0 ? [toDelta(emptyLists())] : parts.map(toDelta);
}

function packLists(
  inputs: readonly (readonly [DeltaList, readonly SegmentIdRange[]])[],
  maxMessageBytes: number,
): DeltaLists[] {
  const parts: DeltaLists[] = [];
  let current = emptyLists();
  let currentBytes = FIXED_BYTES;
  for (const [list, ranges] of inputs) {
    for (const range of ranges) {
      if (
        current[list].length >= MAX_RANGES_PER_LIST ||
        currentBytes + rangeBytes(current[list], range) > maxMessageBytes
      ) {
        parts.push(current);
        current = emptyLists();
        currentBytes = FIXED_BYTES;
      }
      currentBytes += rangeBytes(current[list], range);
      current[list].push(range);
    }
  }
  if (DELTA_LISTS.some((list) => current[list].length > 0)) parts.push(current);
  return parts;
}

/** Encoded size of `range` appended to `list`: its gap from the list's last range, and its length. */
function rangeBytes(list: readonly SegmentIdRange[], range: SegmentIdRange): number {
  const previousEnd = list[list.length - 1]?.end ?? 0;
  return varintByteLength(range.start - previousEnd) + varintByteLength(range.end - range.start);
}

function emptyLists(): DeltaLists {
  return { added: [], removed: [], fetchStarted: [], fetchEnded: [] };
}

function toDelta(lists: DeltaLists): MapDeltaMessage {
  return { type: 'map-delta', ...lists };
}
