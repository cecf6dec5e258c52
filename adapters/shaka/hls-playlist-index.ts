/**
 * Media sequence numbers of HLS segments as Shaka plays them. Shaka's segment references carry no
 * sequence number, yet HLS segments must be named by it (as the hls.js adapter does, so viewers on
 * both players share one swarm). The adapter reads each media playlist Shaka downloads (in a
 * response filter) and this index answers "which playlist and sequence number is this URL/range".
 */
import type { ByteRange } from '../../core/model/segment.js';

/** One media segment line of a playlist. */
export interface HlsPlaylistEntry {
  /** Absolute segment URL. */
  readonly url: string;
  /** `EXT-X-BYTERANGE` as a half-open range. */
  readonly byteRange?: ByteRange;
  /** Media sequence number. */
  readonly mediaSequence: number;
}

/** Where a segment is listed. */
export interface HlsSegmentLocation {
  /** URL the playlist was requested from (what stream keys derive from). */
  readonly playlistUrl: string;
  readonly mediaSequence: number;
}

/** True for the text of a media playlist (as opposed to a multivariant playlist). */
export function isHlsMediaPlaylist(text: string): boolean {
  return text.startsWith('#EXTM3U') && /^#EXTINF:/m.test(text);
}

/**
 * The media segments of a media playlist, with their sequence numbers and absolute URLs (relative
 * URIs resolved against `baseUrl`, the playlist's final URL). Unparseable URIs are skipped.
 */
export function parseHlsMediaPlaylist(text: string, baseUrl: string): HlsPlaylistEntry[] {
  const entries: HlsPlaylistEntry[] = [];
  let sequence = 0;
  let pendingRange: { length: number; offset?: number } | undefined;
  let inSegment = false;
  /** End of the previous byte range of each URL: a range without `@offset` continues from it. */
  const previousEnd = new Map<string, number>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) {
      sequence = Number.parseInt(line.slice('#EXT-X-MEDIA-SEQUENCE:'.length), 10) || 0;
    } else if (line.startsWith('#EXTINF:')) {
      inSegment = true;
    } else if (line.startsWith('#EXT-X-BYTERANGE:')) {
      const [length = '', offset] = line.slice('#EXT-X-BYTERANGE:'.length).split('@');
      pendingRange = {
        length: Number.parseInt(length, 10),
        ...(offset === undefined ? {} : { offset: Number.parseInt(offset, 10) }),
      };
    } else if (!line.startsWith('#') && inSegment) {
      const url = resolveUrl(line, baseUrl);
      if (url !== undefined) {
        let byteRange: ByteRange | undefined;
        if (pendingRange) {
          const start = pendingRange.offset ?? previousEnd.get(url) ?? 0;
          byteRange = { start, end: start + pendingRange.length };
          previousEnd.set(url, byteRange.end);
        }
        entries.push({ url, ...(byteRange ? { byteRange } : {}), mediaSequence: sequence });
      }
      sequence += 1;
      inSegment = false;
      pendingRange = undefined;
    }
  }
  return entries;
}

function resolveUrl(uri: string, baseUrl: string): string | undefined {
  try {
    return new URL(uri, baseUrl).toString();
  } catch {
    return undefined;
  }
}

function locationKey(url: string, byteRange: ByteRange | undefined): string {
  return byteRange ? `${url}#${byteRange.start}-${byteRange.end}` : url;
}

/**
 * The segments of every media playlist seen, by URL and byte range. A live refresh adds its
 * playlist's new segments and keeps those that left the window within the last window's length:
 * Shaka still holds them until its own window moves on, and a player that fell behind the live edge
 * (a busy machine, a long stall) asks for them after the playlist stopped listing them.
 */
export class HlsPlaylistIndex {
  private readonly locations = new Map<string, HlsSegmentLocation>();
  private readonly keysByPlaylist = new Map<string, Set<string>>();

  /** Records the segments of the playlist requested from `playlistUrl` (first load or refresh). */
  record(playlistUrl: string, entries: readonly HlsPlaylistEntry[]): void {
    const keys = this.keysByPlaylist.get(playlistUrl) ?? new Set<string>();
    const oldestKept = (entries[0]?.mediaSequence ?? 0) - entries.length;
    for (const key of keys) {
      const location = this.locations.get(key);
      if (location?.playlistUrl === playlistUrl && location.mediaSequence >= oldestKept) continue;
      if (location?.playlistUrl === playlistUrl) this.locations.delete(key);
      keys.delete(key);
    }
    for (const entry of entries) {
      const key = locationKey(entry.url, entry.byteRange);
      this.locations.set(key, { playlistUrl, mediaSequence: entry.mediaSequence });
      keys.add(key);
    }
    this.keysByPlaylist.set(playlistUrl, keys);
  }

  /** Where the segment at `url` (and `byteRange`) is listed, if any playlist lists it. */
  locate(url: string, byteRange?: ByteRange): HlsSegmentLocation | undefined {
    return this.locations.get(locationKey(url, byteRange));
  }

  /** Forgets everything (new source). */
  clear(): void {
    this.locations.clear();
    this.keysByPlaylist.clear();
  }
}
