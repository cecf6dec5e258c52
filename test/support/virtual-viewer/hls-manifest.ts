/**
 * The HLS side of a virtual viewer: variants of a multivariant playlist (sorted by bitrate, as
 * hls.js orders its levels) and the segments of a media playlist placed on the viewer's timeline.
 * Media playlists are parsed by the origin's own parser (examples/server/hls-playlist.ts: EXTINF,
 * MEDIA-SEQUENCE, TARGETDURATION, ENDLIST, BYTERANGE, EXT-X-MAP); segments become engine segments
 * with core/hls's identity rules (id = media sequence number), exactly as the hls.js adapter names
 * them. Pure functions and one small class; no I/O.
 */
import { hlsSegment } from '../../../core/hls/segment.js';
import type { ByteRange, Segment } from '../../../core/model/segment.js';
import {
  isMasterPlaylist,
  parseAttributeList,
  parseMediaPlaylist,
} from '../../../examples/server/hls-playlist.js';
import { VirtualViewerError } from './viewer-error.js';

/** One variant (hls.js level) of a multivariant playlist. */
export interface Variant {
  /** Absolute URL of its media playlist. */
  readonly playlistUrl: string;
  /** `BANDWIDTH`, bits per second. */
  readonly maxBitrateBps: number;
  /** `AVERAGE-BANDWIDTH`, or `BANDWIDTH` when absent, bits per second. */
  readonly averageBitrateBps: number;
}

/** The variants of a source, ascending by bitrate. */
export interface VariantList {
  readonly variants: readonly Variant[];
  /** Index (into `variants`) of the variant listed first in the playlist (hls.js `firstLevel`). */
  readonly firstLevel: number;
}

/**
 * The variants of the playlist at `url` whose text is `text`. A media playlist given as the source
 * is a single variant of unknown bitrate (0).
 * @throws VirtualViewerError `playlist-parse` when a multivariant playlist lists no variant
 */
export function parseVariants(text: string, url: string): VariantList {
  if (!isMasterPlaylist(text)) {
    return {
      variants: [{ playlistUrl: url, maxBitrateBps: 0, averageBitrateBps: 0 }],
      firstLevel: 0,
    };
  }
  const listed: Variant[] = [];
  let pending: Map<string, string> | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      pending = parseAttributeList(line.slice('#EXT-X-STREAM-INF:'.length));
    } else if (pending && line !== '' && !line.startsWith('#')) {
      const maxBitrateBps = Number(pending.get('BANDWIDTH') ?? 0);
      const average = Number(pending.get('AVERAGE-BANDWIDTH') ?? maxBitrateBps);
      listed.push({
        playlistUrl: new URL(line, url).href,
        maxBitrateBps,
        averageBitrateBps: average > 0 ? average : maxBitrateBps,
      });
      pending = undefined;
    }
  }
  if (listed.length === 0) {
    throw new VirtualViewerError(
      'playlist-parse',
      `No variant in the multivariant playlist ${url}`,
    );
  }
  const variants = [...listed].sort((a, b) => a.maxBitrateBps - b.maxBitrateBps);
  return { variants, firstLevel: variants.indexOf(listed[0] as Variant) };
}

/** A media segment of a loaded playlist. */
export interface PlaylistSegment {
  /** Media sequence number. */
  readonly sequence: number;
  /** Absolute URL. */
  readonly url: string;
  /** `EXT-X-BYTERANGE`, half-open. */
  readonly byteRange?: ByteRange;
  /** EXTINF duration, seconds. */
  readonly durationSeconds: number;
  /** Absolute URL (and range) of its `EXT-X-MAP`, if any. */
  readonly init?: { readonly url: string; readonly byteRange?: ByteRange };
}

/** A parsed media playlist. */
export interface MediaPlaylistSnapshot {
  readonly targetDurationSeconds: number;
  /** True when `EXT-X-ENDLIST` is absent. */
  readonly isLive: boolean;
  readonly segments: readonly PlaylistSegment[];
}

/**
 * Parses a media playlist fetched from `url`.
 * @throws VirtualViewerError `playlist-parse` when it is not a media playlist
 */
export function parseMediaPlaylistSnapshot(text: string, url: string): MediaPlaylistSnapshot {
  let parsed;
  try {
    parsed = parseMediaPlaylist(text);
  } catch (error) {
    throw new VirtualViewerError('playlist-parse', `Bad media playlist ${url}`, { cause: error });
  }
  return {
    targetDurationSeconds: parsed.targetDurationSec,
    isLive: !parsed.endList,
    segments: parsed.segments.map((segment, index) => ({
      sequence: parsed.mediaSequence + index,
      url: new URL(segment.uri, url).href,
      durationSeconds: segment.durationSec,
      ...(segment.byteRange ? { byteRange: segment.byteRange } : {}),
      ...(segment.init
        ? {
            init: {
              url: new URL(segment.init.uri, url).href,
              ...(segment.init.byteRange ? { byteRange: segment.init.byteRange } : {}),
            },
          }
        : {}),
    })),
  };
}

/** A segment on the viewer's timeline. */
export interface TimedSegment extends PlaylistSegment {
  /** The engine's segment (id = media sequence number, times on the viewer's timeline). */
  readonly segment: Segment;
}

/**
 * Start times of media sequence numbers on the viewer's timeline, shared by all levels (the test
 * streams' renditions are aligned segment by segment, which is also how hls.js aligns live
 * renditions when it switches: by sequence number or program date time). The first playlist seen
 * starts at 0; later ones are anchored at a sequence number already placed, or continue after the
 * last one placed when nothing overlaps.
 */
export class SegmentTimeline {
  private readonly startSeconds = new Map<number, number>();
  private lastEndSeconds = 0;

  /** The playlist's segments with their times. */
  place(playlist: MediaPlaylistSnapshot): TimedSegment[] {
    const { segments } = playlist;
    let anchorIndex = segments.findIndex((s) => this.startSeconds.has(s.sequence));
    let time: number;
    if (anchorIndex === -1) {
      anchorIndex = 0;
      time = this.lastEndSeconds;
    } else {
      time = this.startSeconds.get((segments[anchorIndex] as PlaylistSegment).sequence) ?? 0;
    }
    // Walk back from the anchor to the playlist's first segment.
    for (let i = anchorIndex - 1; i >= 0; i--)
      time -= (segments[i] as PlaylistSegment).durationSeconds;
    const timed: TimedSegment[] = [];
    for (const entry of segments) {
      const known = this.startSeconds.get(entry.sequence);
      const start = known ?? time;
      if (known === undefined) this.startSeconds.set(entry.sequence, start);
      const segment = hlsSegment({
        mediaSequence: entry.sequence,
        url: entry.url,
        ...(entry.byteRange ? { byteRange: entry.byteRange } : {}),
        startTime: start,
        duration: entry.durationSeconds,
      });
      if (!segment) {
        throw new VirtualViewerError('playlist-parse', `Segment ${entry.url} cannot be named`);
      }
      timed.push({ ...entry, segment });
      time = start + entry.durationSeconds;
      this.lastEndSeconds = Math.max(this.lastEndSeconds, time);
    }
    return timed;
  }
}
