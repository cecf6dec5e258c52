/**
 * The streams of the current source and their segment lists, as the adapter last reported them.
 * Live playlists replace the list on every refresh; segments a player asks for before they were
 * listed are remembered too (hls.js may load a fragment before our listener saw its playlist).
 */
import type {
  Segment,
  SegmentId,
  StreamDescriptor,
  StreamKind,
  StreamUpdate,
} from '../model/segment.js';

/** What the engine knows about one stream. */
export interface StreamState {
  readonly descriptor: StreamDescriptor;
  /** Segments by id, in the order the playlist lists them. */
  readonly segments: Map<SegmentId, Segment>;
  isLive: boolean;
}

/** Keeps streams and their segments; knows which stream of each kind is active. */
export class StreamRegistry {
  private readonly streams = new Map<string, StreamState>();
  private readonly active = new Map<StreamKind, string>();

  /** Adds the stream if new and returns its state. */
  ensure(descriptor: StreamDescriptor): StreamState {
    let state = this.streams.get(descriptor.key);
    if (!state) {
      state = { descriptor, segments: new Map(), isLive: false };
      this.streams.set(descriptor.key, state);
    }
    return state;
  }

  /** Replaces the stream's segment list with a playlist refresh. */
  update(descriptor: StreamDescriptor, update: StreamUpdate): StreamState {
    const state = this.ensure(descriptor);
    state.segments.clear();
    for (const segment of update.segments) state.segments.set(segment.id, segment);
    state.isLive = update.isLive;
    return state;
  }

  /** Records a segment the player asked for (kept in start-time order is not needed: lookups are by id). */
  remember(descriptor: StreamDescriptor, segment: Segment): StreamState {
    const state = this.ensure(descriptor);
    if (!state.segments.has(segment.id)) state.segments.set(segment.id, segment);
    return state;
  }

  /** The stream with this key, if known. */
  get(streamKey: string): StreamState | undefined {
    return this.streams.get(streamKey);
  }

  /** Forgets a stream. */
  remove(streamKey: string): void {
    this.streams.delete(streamKey);
    for (const [kind, key] of this.active) if (key === streamKey) this.active.delete(kind);
  }

  /** Marks the stream playback uses now for its kind. */
  setActive(descriptor: StreamDescriptor): void {
    this.ensure(descriptor);
    this.active.set(descriptor.kind, descriptor.key);
  }

  /** The active streams (at most one per kind). */
  activeStreams(): StreamState[] {
    const result: StreamState[] = [];
    for (const key of this.active.values()) {
      const state = this.streams.get(key);
      if (state) result.push(state);
    }
    return result;
  }

  /** Every known stream. */
  all(): IterableIterator<StreamState> {
    return this.streams.values();
  }

  /** Forgets everything. */
  clear(): void {
    this.streams.clear();
    this.active.clear();
  }
}
