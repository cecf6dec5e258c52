/**
 * Segment identity for HLS, shared by every HLS adapter: a media segment is named by its media
 * sequence number, which every viewer of a playlist computes identically (EXT-X-MEDIA-SEQUENCE plus
 * the segment's position), even in a live sliding window where URLs may be per-viewer.
 */
import type { ByteRange, Segment } from '../model/segment.js';

/** What an HLS adapter knows about one media segment of a playlist. */
export interface HlsSegmentInput {
  /** The segment's media sequence number. */
  readonly mediaSequence: number;
  /** Absolute URL of the resource that holds the segment. */
  readonly url: string;
  /** `EXT-X-BYTERANGE` as a half-open range (`end` exclusive), when the segment is part of `url`. */
  readonly byteRange?: ByteRange;
  /** Start on the player's timeline, in seconds. */
  readonly startTime: number;
  /** `EXTINF` duration, in seconds. */
  readonly duration: number;
}

/** True when `value` can be a {@link Segment.id}: a non-negative safe integer. */
export function isSegmentId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The engine's {@link Segment} for an HLS media segment, or undefined when it cannot be named
 * reliably (no valid sequence number, no URL, an empty or inverted byte range, non-finite times):
 * such a segment must go to the origin directly rather than be shared under a wrong identity.
 */
export function hlsSegment(input: HlsSegmentInput): Segment | undefined {
  const { mediaSequence, url, byteRange, startTime, duration } = input;
  if (!isSegmentId(mediaSequence) || url === '') return undefined;
  if (!Number.isFinite(startTime) || !Number.isFinite(duration) || duration < 0) return undefined;
  if (byteRange && !isValidByteRange(byteRange)) return undefined;
  return {
    id: mediaSequence,
    url,
    ...(byteRange ? { byteRange: { start: byteRange.start, end: byteRange.end } } : {}),
    startTime,
    endTime: startTime + duration,
  };
}

function isValidByteRange(range: ByteRange): boolean {
  return (
    Number.isSafeInteger(range.start) &&
    Number.isSafeInteger(range.end) &&
    range.start >= 0 &&
    range.end > range.start
  );
}
