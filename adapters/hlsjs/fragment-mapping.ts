/**
 * Translation of hls.js playlist objects into the engine's model, using the HLS identity rules of
 * core/hls. Pure functions.
 */
import { hlsSegment } from '../../core/hls/segment.js';
import type { ByteRange, Segment, StreamKind } from '../../core/model/segment.js';
import type { FragmentLike, LevelDetailsLike, LevelLike } from './hlsjs-types.js';

/**
 * The stream kind of a fragment's playlist, or undefined for what the engine does not carry
 * (subtitles, and any playlist type a future hls.js adds).
 */
export function fragmentStreamKind(frag: FragmentLike): StreamKind | undefined {
  if (frag.type === 'main' || frag.type === 'audio') return frag.type;
  return undefined;
}

/**
 * The byte range of a fragment. hls.js stores `EXT-X-BYTERANGE` as `[offset, offset + length]`
 * (see `BaseSegment.setByteRange`), i.e. end exclusive, like {@link ByteRange}.
 */
export function fragmentByteRange(frag: FragmentLike): ByteRange | undefined {
  const [start, end] = frag.byteRange;
  if (start === undefined || end === undefined) return undefined;
  return { start, end };
}

/**
 * The engine segment of a media fragment: id = media sequence number, absolute URL, byte range,
 * `[start, start + duration)` on the media timeline. Undefined for init segments, gaps and
 * fragments that cannot be named reliably.
 */
export function fragmentSegment(frag: FragmentLike): Segment | undefined {
  if (frag.sn === 'initSegment' || frag.gap === true) return undefined;
  const byteRange = fragmentByteRange(frag);
  if (frag.byteRange.length > 0 && !byteRange) return undefined;
  return hlsSegment({
    mediaSequence: frag.sn,
    url: frag.url,
    ...(byteRange ? { byteRange } : {}),
    startTime: frag.start,
    duration: frag.duration,
  });
}

/**
 * The segment list of a loaded media playlist, oldest first, or undefined while the list is
 * incomplete (an `EXT-X-SKIP` delta update that hls.js has not merged yet, which would otherwise
 * truncate the engine's list).
 */
export function playlistSegments(details: LevelDetailsLike): Segment[] | undefined {
  const segments: Segment[] = [];
  for (const frag of details.fragments) {
    if (!frag) return undefined;
    const segment = fragmentSegment(frag);
    if (segment) segments.push(segment);
  }
  return segments;
}

/**
 * The media playlist URL of a variant: the loaded playlist's URL when hls.js has it (the URL its
 * fragments name as their base, so keys derived from either agree), else the declared one.
 */
export function levelPlaylistUrl(level: LevelLike): string | undefined {
  if (level.details?.url) return level.details.url;
  if (typeof level.url === 'string') return level.url || undefined;
  return level.url[level.urlId ?? 0] ?? level.url[0];
}
