import {
  SegmentStore,
  type SegmentStoreChange,
  type StoredSegmentMeta,
} from '../../../core/storage/segment-store.js';

const KIB = 1024;

/** A 10-second segment `id` of stream `streamKey`, starting at id * 10 s. */
function meta(
  id: number,
  options: { streamKey?: string; isLive?: boolean } = {},
): StoredSegmentMeta {
  return {
    streamKey: options.streamKey ?? 'v1',
    segmentId: id,
    startTime: id * 10,
    endTime: id * 10 + 10,
    isLive: options.isLive ?? false,
  };
}

function bytes(length: number, fill = 1): Uint8Array {
  return new Uint8Array(length).fill(fill);
}

function createStore(overrides: Partial<ConstructorParameters<typeof SegmentStore>[0]> = {}) {
  const store = new SegmentStore({
    budgetBytes: 3 * KIB,
    liveEvictionMarginSeconds: 30,
    protectAheadSeconds: 0,
    ...overrides,
  });
  const changes: SegmentStoreChange[] = [];
  store.onChange((change) => changes.push(change));
  return { store, changes };
}

describe('SegmentStore', () => {
  it('returns stored bytes and lists ids in ascending order per stream', () => {
    const { store } = createStore({ budgetBytes: 100 * KIB });
    const data = bytes(10, 7);
    store.put(meta(5), data);
    store.put(meta(2), bytes(10));
    store.put(meta(9, { streamKey: 'audio' }), bytes(10));

    expect(store.get('v1', 5)).toBe(data);
    expect(store.has('v1', 2)).toBe(true);
    expect(store.has('v1', 9)).toBe(false);
    expect(store.get('audio', 5)).toBeUndefined();
    expect(store.segmentIds('v1')).toEqual([2, 5]);
    expect(store.segmentIds('audio')).toEqual([9]);
    expect(store.segmentIds('unknown')).toEqual([]);
    expect(store.usedBytes).toBe(30);
  });

  it('keeps the digest stored with a segment, replaces it with the entry and drops it on eviction', () => {
    const { store } = createStore({ budgetBytes: 2 * KIB });
    const digest = bytes(32, 9);
    store.put(meta(1), bytes(KIB), digest);
    store.put(meta(2), bytes(KIB));
    expect(store.digest('v1', 1)).toBe(digest);
    expect(store.digest('v1', 2)).toBeUndefined();
    store.put(meta(1), bytes(KIB));
    expect(store.digest('v1', 1)).toBeUndefined();
    store.put(meta(2), bytes(KIB), digest);
    store.put(meta(3), bytes(KIB)); // evicts segment 1 (least recently used)
    expect(store.has('v1', 1)).toBe(false);
    expect(store.digest('v1', 1)).toBeUndefined();
    expect(store.digest('v1', 2)).toBe(digest);
  });

  it('replaces an entry with the same id, adjusting used bytes and emitting no change', () => {
    const { store, changes } = createStore({ budgetBytes: 100 * KIB });
    store.put(meta(1), bytes(100));
    const replacement = bytes(40, 2);
    store.put(meta(1), replacement);

    expect(store.get('v1', 1)).toBe(replacement);
    expect(store.usedBytes).toBe(40);
    expect(changes).toEqual([{ type: 'added', streamKey: 'v1', segmentId: 1 }]);
  });

  it('evicts the least recently used segments to stay within the budget', () => {
    const { store, changes } = createStore({ budgetBytes: 3 * KIB });
    store.put(meta(1), bytes(KIB));
    store.put(meta(2), bytes(KIB));
    store.put(meta(3), bytes(KIB));
    expect(store.get('v1', 1)).toBeDefined(); // 1 becomes the most recently used; 2 is now oldest
    changes.length = 0;

    store.put(meta(4), bytes(KIB));

    expect(store.segmentIds('v1')).toEqual([1, 3, 4]);
    expect(store.usedBytes).toBe(3 * KIB);
    expect(changes).toEqual([
      { type: 'removed', streamKey: 'v1', segmentId: 2 },
      { type: 'added', streamKey: 'v1', segmentId: 4 },
    ]);
  });

  it('has() does not refresh recency', () => {
    const { store } = createStore({ budgetBytes: 2 * KIB });
    store.put(meta(1), bytes(KIB));
    store.put(meta(2), bytes(KIB));
    expect(store.has('v1', 1)).toBe(true);
    store.put(meta(3), bytes(KIB));
    expect(store.segmentIds('v1')).toEqual([2, 3]);
  });

  it('evicts as many old segments as a large new one needs', () => {
    const { store } = createStore({ budgetBytes: 4 * KIB });
    for (let id = 1; id <= 4; id++) store.put(meta(id), bytes(KIB));
    store.put(meta(5), bytes(3 * KIB));
    expect(store.segmentIds('v1')).toEqual([4, 5]);
    expect(store.usedBytes).toBe(4 * KIB);
  });

  it('never evicts segments overlapping [position, position + protectAheadSeconds), going over budget', () => {
    const { store, changes } = createStore({ budgetBytes: 2 * KIB, protectAheadSeconds: 20 });
    store.setPlaybackPosition(15); // protects segments 1 (10-20), 2 (20-30) and 3 (30-40)
    store.put(meta(3), bytes(KIB));
    store.put(meta(2), bytes(KIB));
    store.put(meta(1), bytes(KIB));
    store.put(meta(0), bytes(KIB)); // 0-10 is behind the playhead: not protected

    expect(store.segmentIds('v1')).toEqual([1, 2, 3]);
    expect(store.usedBytes).toBe(3 * KIB);
    // The unprotected newcomer never became visible, so it emits nothing.
    expect(changes.map((c) => c.segmentId)).toEqual([3, 2, 1]);

    // Once the playhead moves on, the store goes back within budget, oldest unprotected first.
    store.setPlaybackPosition(35); // protects 3 (30-40) only
    expect(store.segmentIds('v1')).toEqual([1, 3]);
    expect(store.usedBytes).toBe(2 * KIB);
    expect(changes.at(-1)).toEqual({ type: 'removed', streamKey: 'v1', segmentId: 2 });
  });

  it('protects the segment under the playhead even with protectAheadSeconds = 0', () => {
    const { store } = createStore({ budgetBytes: KIB, protectAheadSeconds: 0 });
    store.setPlaybackPosition(10); // exactly the start of segment 1
    store.put(meta(1), bytes(KIB));
    store.put(meta(2), bytes(KIB));
    expect(store.segmentIds('v1')).toEqual([1]);
  });

  it('drops live segments ending more than the margin behind the playhead, whatever the budget', () => {
    const { store, changes } = createStore({
      budgetBytes: 100 * KIB,
      liveEvictionMarginSeconds: 30,
    });
    for (let id = 0; id < 6; id++) store.put(meta(id, { isLive: true }), bytes(10));
    store.put(meta(0, { streamKey: 'vod' }), bytes(10)); // VOD segments are not live-evicted
    changes.length = 0;

    store.setPlaybackPosition(55); // horizon 25 s: segments ending at 10 and 20 go; 2 (20-30) stays

    expect(store.segmentIds('v1')).toEqual([2, 3, 4, 5]);
    expect(store.segmentIds('vod')).toEqual([0]);
    expect(changes).toEqual([
      { type: 'removed', streamKey: 'v1', segmentId: 0 },
      { type: 'removed', streamKey: 'v1', segmentId: 1 },
    ]);

    // A live segment that is already too old is not stored at all.
    changes.length = 0;
    store.put(meta(1, { isLive: true }), bytes(10));
    expect(store.has('v1', 1)).toBe(false);
    expect(changes).toEqual([]);
  });

  it('removeStream and clear remove segments and emit a removal for each', () => {
    const { store, changes } = createStore({ budgetBytes: 100 * KIB });
    store.put(meta(1), bytes(10));
    store.put(meta(2), bytes(10));
    store.put(meta(1, { streamKey: 'audio' }), bytes(10));
    changes.length = 0;

    store.removeStream('v1');
    expect(store.segmentIds('v1')).toEqual([]);
    expect(store.usedBytes).toBe(10);
    expect(changes.map((c) => [c.type, c.streamKey, c.segmentId])).toEqual([
      ['removed', 'v1', 1],
      ['removed', 'v1', 2],
    ]);

    store.clear();
    expect(store.usedBytes).toBe(0);
    expect(changes.at(-1)).toEqual({ type: 'removed', streamKey: 'audio', segmentId: 1 });
  });

  it('stops notifying an unsubscribed listener', () => {
    const store = new SegmentStore({
      budgetBytes: KIB,
      liveEvictionMarginSeconds: 0,
      protectAheadSeconds: 0,
    });
    const seen: SegmentStoreChange[] = [];
    const unsubscribe = store.onChange((change) => seen.push(change));
    store.put(meta(1), bytes(1));
    unsubscribe();
    store.put(meta(2), bytes(1));
    expect(seen.map((c) => c.segmentId)).toEqual([1]);
  });

  it('destroy() empties the store silently and ignores later puts', () => {
    const { store, changes } = createStore({ budgetBytes: 100 * KIB });
    store.put(meta(1), bytes(10));
    changes.length = 0;
    store.destroy();
    store.put(meta(2), bytes(10));
    expect(store.usedBytes).toBe(0);
    expect(store.has('v1', 2)).toBe(false);
    expect(changes).toEqual([]);
  });

  it('rejects a negative budget', () => {
    expect(
      () =>
        new SegmentStore({ budgetBytes: -1, liveEvictionMarginSeconds: 0, protectAheadSeconds: 0 }),
    ).toThrow(/budgetBytes/);
  });
});
