/**
 * Picks the next segment to fetch from peers in the background: the earliest segment ahead of the
 * playhead, within the prefetch horizon, that peers have and we neither hold nor are fetching.
 * One prefetch per stream at a time: peers' upload slots serve players' urgent requests first.
 */
import type { Segment } from '../model/segment.js';

/** Prefetches in flight per stream. */
const MAX_PREFETCHES_PER_STREAM = 1;

/** Inputs of one prefetch decision. */
export interface PrefetchInput {
  readonly streamKey: string;
  readonly segments: Iterable<Segment>;
  readonly position: number;
  readonly horizonSeconds: number;
  readonly isWanted: (segment: Segment) => boolean;
  readonly peersHave: (segment: Segment) => boolean;
  readonly inFlight: (streamKey: string) => number;
}

/** The segment to prefetch now, if any. */
export function nextPrefetch(input: PrefetchInput): Segment | undefined {
  if (input.horizonSeconds <= 0 || input.inFlight(input.streamKey) >= MAX_PREFETCHES_PER_STREAM) {
    return undefined;
  }
  let best: Segment | undefined;
  const horizon = input.position + input.horizonSeconds;
  for (const segment of input.segments) {
    if (segment.endTime <= input.position || segment.startTime >= horizon) continue;
    if (best && segment.startTime >= best.startTime) continue;
    if (input.isWanted(segment) && input.peersHave(segment)) best = segment;
  }
  return best;
}
