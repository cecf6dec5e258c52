/**
 * The stream and segment model every adapter speaks. Identities here are shared by all viewers of a
 * stream, whatever player or streaming engine they run, so peers can name segments to each other.
 */

/**
 * Stable identity of a segment inside its stream, the same for every viewer: the HLS media
 * sequence number, the DASH `$Number$`, or (DASH without numbers) the segment's presentation start
 * time in timescale units. Always a non-negative safe integer.
 */
export type SegmentId = number;

/** A byte range of a resource: `start` inclusive, `end` exclusive (so `end - start` is the length). */
export interface ByteRange {
  /** First byte, inclusive. */
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
}

/** One media segment of a stream. */
export interface Segment {
  /** Stable id shared by every viewer (see {@link SegmentId}). */
  readonly id: SegmentId;
  /** Absolute URL the segment is fetched from over HTTP. */
  readonly url: string;
  /** Part of `url` that holds the segment (HLS `EXT-X-BYTERANGE`, DASH `SegmentBase`/`mediaRange`). */
  readonly byteRange?: ByteRange;
  /** Start of the segment on the player's timeline, in seconds. */
  readonly startTime: number;
  /** End of the segment on the player's timeline, in seconds. */
  readonly endTime: number;
}

/** What a stream carries: `main` is video (with or without muxed audio), `audio` an audio rendition. */
export type StreamKind = 'main' | 'audio';

/**
 * One rendition or audio track. `key` names it identically for every viewer of the same source
 * (derived from the media playlist path or DASH Representation id, never from a signed query).
 */
export interface StreamDescriptor {
  /** Stable rendition identity within the swarm, e.g. `"v720/index.m3u8"` or `"dash:video-1"`. */
  readonly key: string;
  /** Main (video) or alternate audio. */
  readonly kind: StreamKind;
  /** Declared bitrate in bits per second, when the manifest gives one. */
  readonly bitrate?: number;
}

/** A playlist/manifest refresh of one stream: the full current segment list, oldest first. */
export interface StreamUpdate {
  /** Segments currently listed, ordered by start time. Live: the sliding window. */
  readonly segments: readonly Segment[];
  /** True while the stream is live (new segments keep appearing, old ones drop off). */
  readonly isLive: boolean;
}

/** Where the bytes of a delivered segment came from. */
export type SegmentSource = 'http' | 'p2p' | 'cache';

/** Where a segment transfer happens on the network. */
export type TransferSource = 'http' | 'p2p';

/** The player's playback state, fed by the adapter (from the media element) a few times a second. */
export interface PlaybackState {
  /** Current playback position, in seconds on the same timeline as {@link Segment.startTime}. */
  readonly position: number;
  /** Playback rate; 0 while paused. */
  readonly rate: number;
  /**
   * End of the buffered range that contains `position`, in seconds (equal to `position` when
   * nothing is buffered there, e.g. at startup or after a seek). The scheduler uses it to tell how
   * soon playback needs the next segment. Omit when unknown.
   */
  readonly bufferedEnd?: number;
}
