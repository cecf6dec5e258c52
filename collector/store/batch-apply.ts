/**
 * Applies a batch of beacons to viewer states and bucket sums in memory, the part both stores
 * share: read the states the batch needs, run `applyBeacon` in arrival order, and hand back the
 * states and bucket deltas to write in one transaction.
 */
import { addCounts, bucketKeyString, type BucketCounts, type BucketKey } from '../ingest/bucket.js';
import { applyBeacon, type BeaconContribution, type ViewerState } from '../ingest/viewer-delta.js';
import type { ReceivedBeacon } from './store.js';

/** What a batch writes. */
export interface BatchWrites {
  /** Final state of each viewer of the batch. */
  readonly viewers: readonly ViewerState[];
  /** Summed deltas per bucket. */
  readonly buckets: readonly { readonly key: BucketKey; readonly counts: BucketCounts }[];
  /** Each beacon's contribution, in arrival order. */
  readonly contributions: readonly BeaconContribution[];
}

/**
 * @param batch - beacons in arrival order
 * @param previous - stored state of the batch's viewers (absent: never seen)
 */
export function applyBatch(
  batch: readonly ReceivedBeacon[],
  previous: ReadonlyMap<string, ViewerState>,
): BatchWrites {
  const states = new Map(previous);
  const buckets = new Map<string, { key: BucketKey; counts: BucketCounts }>();
  const contributions: BeaconContribution[] = [];
  for (const { beacon, atMs } of batch) {
    const contribution = applyBeacon(states.get(beacon.id), beacon, atMs);
    states.set(beacon.id, contribution.next);
    contributions.push(contribution);
    const keyString = bucketKeyString(contribution.key);
    const bucket = buckets.get(keyString);
    if (bucket) addCounts(bucket.counts, contribution.delta);
    else buckets.set(keyString, { key: contribution.key, counts: { ...contribution.delta } });
  }
  const touched = new Set(batch.map(({ beacon }) => beacon.id));
  return {
    viewers: [...states.values()].filter((state) => touched.has(state.id)),
    buckets: [...buckets.values()],
    contributions,
  };
}

/** Distinct viewer ids of a batch, sorted (PostgreSQL locks rows in this order: no deadlocks). */
export function viewerIdsOf(batch: readonly ReceivedBeacon[]): string[] {
  return [...new Set(batch.map(({ beacon }) => beacon.id))].sort();
}
