/**
 * In-memory store of downloaded segments, shared by playback (cache hits) and the swarm (uploads to
 * peers). It keeps memory within a byte budget by evicting the least recently used segments, never
 * the ones playback is about to need, and drops live segments that fell far behind the playhead.
 */
import { TypedEmitter } from '../events/typed-emitter.js';
import type { SegmentId } from '../model/segment.js';

/** What the store knows about a stored segment besides its bytes. */
export interface StoredSegmentMeta {
  /** Key of the segment's stream ({@link StreamDescriptor.key}). */
  readonly streamKey: string;
  /** The segment's stable id within its stream. */
  readonly segmentId: SegmentId;
  /** Start on the player's timeline, in seconds. */
  readonly startTime: number;
  /** End on the player's timeline, in seconds. */
  readonly endTime: number;
  /** True for segments of a live stream (subject to live eviction). */
  readonly isLive: boolean;
}

/** A segment entered or left the store; the swarm turns these into have-map deltas for peers. */
export interface SegmentStoreChange {
  /** `added`: newly available; `removed`: no longer available. Replacing an entry emits nothing. */
  readonly type: 'added' | 'removed';
  /** Key of the segment's stream. */
  readonly streamKey: string;
  /** The segment's id. */
  readonly segmentId: SegmentId;
}

/** Options of a {@link SegmentStore}. */
export interface SegmentStoreOptions {
  /** Memory the store aims to stay within, in bytes (see {@link SegmentStore} for when it may not). */
  readonly budgetBytes: number;
  /** Live segments ending more than this many seconds behind the playhead are dropped. */
  readonly liveEvictionMarginSeconds: number;
  /** Segments overlapping `[position, position + protectAheadSeconds)` are never evicted for budget. */
  readonly protectAheadSeconds: number;
}

interface Entry {
  readonly key: string;
  readonly meta: StoredSegmentMeta;
  readonly data: Uint8Array;
  readonly digest: Uint8Array | undefined;
}

type StoreEvents = { change: SegmentStoreChange };

/**
 * Segments by stream and id, evicted least-recently-used first within `budgetBytes`.
 *
 * Budget: segments overlapping `[position, position + protectAheadSeconds)` (and the one under the
 * playhead) are protected and never evicted to make room, so when protected segments alone exceed
 * the budget the store stays over it until the playhead moves on (the player needs those bytes
 * anyway; evicting them would only force a second download). Live segments whose `endTime` is more
 * than `liveEvictionMarginSeconds` behind the playhead are dropped whatever the budget, since no
 * viewer will ask for them again.
 *
 * Before the first {@link setPlaybackPosition} nothing is protected and nothing is live-evicted.
 * The store keeps the `Uint8Array` it is given and returns that same array: callers must not
 * modify either.
 */
export class SegmentStore {
  private readonly budgetBytes: number;
  private readonly liveEvictionMarginSeconds: number;
  private readonly protectAheadSeconds: number;
  /** Every entry, least recently used first (a `Map` keeps insertion order; re-inserting moves to the end). */
  private readonly lru = new Map<string, Entry>();
  /** Entries of each stream, for per-stream listing and removal. */
  private readonly byStream = new Map<string, Map<SegmentId, Entry>>();
  private readonly emitter = new TypedEmitter<StoreEvents>();
  private position: number | undefined;
  /**
   * No live segment ends before this (Infinity when there is none): the playhead moves four times
   * a second, and the scan for live segments left behind is only needed once it passes this.
   * Exact after a scan; removals may leave it lower than the true minimum, which only costs a scan.
   */
  private liveEndFloor = Infinity;
  private bytes = 0;
  private destroyed = false;

  /** @param options - budget and eviction margins; see {@link SegmentStoreOptions} */
  constructor(options: SegmentStoreOptions) {
    assertNonNegative('budgetBytes', options.budgetBytes);
    assertNonNegative('liveEvictionMarginSeconds', options.liveEvictionMarginSeconds);
    assertNonNegative('protectAheadSeconds', options.protectAheadSeconds);
    this.budgetBytes = options.budgetBytes;
    this.liveEvictionMarginSeconds = options.liveEvictionMarginSeconds;
    this.protectAheadSeconds = options.protectAheadSeconds;
  }

  /** Bytes currently held (may exceed the budget while protected segments need it). */
  get usedBytes(): number {
    return this.bytes;
  }

  /**
   * Stores a segment as the most recently used, replacing an entry with the same stream and id, then
   * evicts as needed. A segment that cannot be kept (a live one already behind the margin, or one
   * that does not fit the budget and is not protected) is not stored and emits nothing.
   * Ignored after {@link destroy}.
   *
   * @param digest - the segment's SHA-256, when one vouches for the bytes (they came from the
   *   origin, or matched the origin's trusted hash); sent to peers with the bytes. Leaves with them.
   */
  put(meta: StoredSegmentMeta, data: Uint8Array, digest?: Uint8Array): void {
    if (this.destroyed) return;
    const key = entryKey(meta.streamKey, meta.segmentId);
    const previous = this.lru.get(key);
    if (previous) this.detach(previous);
    const entry: Entry = { key, meta: { ...meta }, data, digest };
    this.attach(entry);

    const evicted = this.evict();
    const kept = this.lru.has(key);
    for (const removed of evicted) {
      // A brand-new entry evicted straight away was never visible to anyone: no events for it.
      if (removed === entry && !previous) continue;
      this.emitChange('removed', removed.meta);
    }
    if (kept && !previous) this.emitChange('added', entry.meta);
  }

  /** The segment's bytes, or `undefined`; a hit marks the segment as most recently used. */
  get(streamKey: string, segmentId: SegmentId): Uint8Array | undefined {
    const entry = this.lru.get(entryKey(streamKey, segmentId));
    if (!entry) return undefined;
    this.lru.delete(entry.key);
    this.lru.set(entry.key, entry);
    return entry.data;
  }

  /** The SHA-256 stored with the segment, if any. Does not change its recency. */
  digest(streamKey: string, segmentId: SegmentId): Uint8Array | undefined {
    return this.lru.get(entryKey(streamKey, segmentId))?.digest;
  }

  /** True when the segment is stored. Does not change its recency. */
  has(streamKey: string, segmentId: SegmentId): boolean {
    return this.lru.has(entryKey(streamKey, segmentId));
  }

  /** Ids of the stream's stored segments, ascending. */
  segmentIds(streamKey: string): SegmentId[] {
    const stream = this.byStream.get(streamKey);
    if (!stream) return [];
    return [...stream.keys()].sort((a, b) => a - b);
  }

  /**
   * Records the playhead (seconds on the segments' timeline) and evicts what it makes evictable:
   * live segments left behind, then LRU segments no longer protected while over budget.
   */
  setPlaybackPosition(seconds: number): void {
    if (this.destroyed || !Number.isFinite(seconds)) return;
    this.position = seconds;
    for (const removed of this.evict()) this.emitChange('removed', removed.meta);
  }

  /** Removes every segment of a stream, emitting a `removed` change for each. */
  removeStream(streamKey: string): void {
    const stream = this.byStream.get(streamKey);
    if (!stream) return;
    for (const entry of [...stream.values()]) {
      this.detach(entry);
      this.emitChange('removed', entry.meta);
    }
  }

  /** Removes every segment, emitting a `removed` change for each. */
  clear(): void {
    for (const entry of [...this.lru.values()]) {
      this.detach(entry);
      this.emitChange('removed', entry.meta);
    }
  }

  /** Subscribes to additions and removals. Returns the unsubscribe function. */
  onChange(listener: (change: SegmentStoreChange) => void): () => void {
    return this.emitter.on('change', listener);
  }

  /** Drops every segment and listener without emitting changes; later `put` calls are ignored. */
  destroy(): void {
    this.destroyed = true;
    this.emitter.removeAllListeners();
    this.lru.clear();
    this.byStream.clear();
    this.bytes = 0;
  }

  private attach(entry: Entry): void {
    this.lru.set(entry.key, entry);
    let stream = this.byStream.get(entry.meta.streamKey);
    if (!stream) {
      stream = new Map();
      this.byStream.set(entry.meta.streamKey, stream);
    }
    stream.set(entry.meta.segmentId, entry);
    this.bytes += entry.data.byteLength;
    if (entry.meta.isLive) this.liveEndFloor = Math.min(this.liveEndFloor, entry.meta.endTime);
  }

  private detach(entry: Entry): void {
    if (!this.lru.delete(entry.key)) return;
    const stream = this.byStream.get(entry.meta.streamKey);
    stream?.delete(entry.meta.segmentId);
    if (stream?.size === 0) this.byStream.delete(entry.meta.streamKey);
    this.bytes -= entry.data.byteLength;
  }

  /** Removes what must go and returns it, oldest first; the caller emits the changes. */
  private evict(): Entry[] {
    const evicted: Entry[] = [];
    const position = this.position;
    if (position !== undefined) {
      const liveHorizon = position - this.liveEvictionMarginSeconds;
      if (this.liveEndFloor < liveHorizon) {
        let floor = Infinity;
        for (const entry of this.lru.values()) {
          if (!entry.meta.isLive) continue;
          if (entry.meta.endTime < liveHorizon) evicted.push(entry);
          else floor = Math.min(floor, entry.meta.endTime);
        }
        this.liveEndFloor = floor;
        for (const entry of evicted) this.detach(entry);
      }
    }
    if (this.bytes <= this.budgetBytes) return evicted;
    // Least recently used first; Map iteration tolerates deleting the current entry.
    for (const entry of this.lru.values()) {
      if (this.bytes <= this.budgetBytes) break;
      if (this.isProtected(entry.meta)) continue;
      this.detach(entry);
      evicted.push(entry);
    }
    return evicted;
  }

  private isProtected(meta: StoredSegmentMeta): boolean {
    const position = this.position;
    if (position === undefined || meta.endTime <= position) return false;
    // The segment under the playhead is protected even when protectAheadSeconds is 0.
    return meta.startTime <= position || meta.startTime < position + this.protectAheadSeconds;
  }

  private emitChange(type: SegmentStoreChange['type'], meta: StoredSegmentMeta): void {
    this.emitter.emit('change', { type, streamKey: meta.streamKey, segmentId: meta.segmentId });
  }
}

/** One string key per (stream, segment); NUL cannot appear in a stream key derived from a URL path. */
function entryKey(streamKey: string, segmentId: SegmentId): string {
  return `${streamKey}\u0000${segmentId}`;
}

function assertNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`SegmentStore: ${name} must be a non-negative number, got ${value}`);
  }
}
