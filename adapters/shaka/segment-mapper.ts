/**
 * Names Shaka's streams and segment references the way every viewer names them: DASH
 * Representations by id and segments by `$Number$`/`$Time$`/start time (core/dash); HLS playlists
 * by path and segments by media sequence number (core/hls, identical to the hls.js adapter). Fed
 * with the manifests and playlists Shaka downloads.
 */
import { dashSegmentId, dashStreamKey, readMpdAddressing } from '../../core/dash/index.js';
import type { RepresentationAddressing } from '../../core/dash/index.js';
import { hlsSegment, hlsStreamKey } from '../../core/hls/index.js';
import type { ByteRange, Segment, StreamDescriptor, StreamKind } from '../../core/model/segment.js';
import { HlsPlaylistIndex, parseHlsMediaPlaylist } from './hls-playlist-index.js';
import type { ShakaSegmentReference, ShakaStream } from './shaka-types.js';

/** A Shaka segment as the engine knows it. */
export interface MappedSegment {
  readonly stream: StreamDescriptor;
  readonly segment: Segment;
}

/** The engine's byte range of a reference (Shaka's end byte is inclusive), if it has one. */
export function referenceByteRange(reference: ShakaSegmentReference): ByteRange | undefined {
  const start = reference.getStartByte();
  const endInclusive = reference.getEndByte();
  if (endInclusive === null || !Number.isSafeInteger(endInclusive)) {
    return undefined;
  }
  return { start, end: endInclusive + 1 };
}

function streamKind(stream: ShakaStream): StreamKind {
  return stream.type === 'audio' ? 'audio' : 'main';
}

/** Maps the Shaka segments of one source. */
export class SegmentMapper {
  private protocol: 'hls' | 'dash' | undefined;
  private manifestUrl: string | undefined;
  private dashAddressing = new Map<string, RepresentationAddressing>();
  private readonly hlsIndex = new HlsPlaylistIndex();

  /** Starts over for a new source. */
  reset(manifestUrl: string | undefined): void {
    this.protocol = undefined;
    this.manifestUrl = manifestUrl;
    this.dashAddressing = new Map();
    this.hlsIndex.clear();
  }

  /** An MPD (first load or live refresh) was downloaded. Needs `DOMParser` (browsers). */
  mpdLoaded(text: string): void {
    const document = new DOMParser().parseFromString(text, 'text/xml');
    if (document.getElementsByTagName('parsererror').length > 0) return;
    this.protocol = 'dash';
    this.dashAddressing = readMpdAddressing(document);
  }

  /**
   * An HLS media playlist was downloaded.
   *
   * @param playlistUrl - the URL it was requested from (stream keys derive from it)
   * @param responseUrl - its final URL after redirects (relative URIs resolve against it)
   */
  mediaPlaylistLoaded(text: string, playlistUrl: string, responseUrl: string): void {
    this.protocol = 'hls';
    this.hlsIndex.record(playlistUrl, parseHlsMediaPlaylist(text, responseUrl));
  }

  /** An HLS multivariant playlist was downloaded. */
  masterPlaylistLoaded(): void {
    this.protocol = 'hls';
  }

  /** The engine's names for a Shaka segment, or undefined when it cannot be named reliably. */
  map(stream: ShakaStream, reference: ShakaSegmentReference): MappedSegment | undefined {
    const url = reference.getUris()[0];
    if (url === undefined) return undefined;
    const byteRange = referenceByteRange(reference);
    const startTime = reference.getStartTime();
    const endTime = reference.getEndTime();
    const kind = streamKind(stream);
    const bitrate = stream.bandwidth;
    const describe = (key: string): StreamDescriptor => ({
      key,
      kind,
      ...(bitrate ? { bitrate } : {}),
    });
    if (this.protocol === 'dash') {
      const addressing =
        stream.originalId === null ? undefined : this.dashAddressing.get(stream.originalId);
      if (!addressing) return undefined;
      const id = dashSegmentId(addressing, url, startTime);
      if (id === undefined || !(endTime >= startTime)) return undefined;
      return {
        stream: describe(dashStreamKey(kind, addressing.representationId)),
        segment: { id, url, ...(byteRange ? { byteRange } : {}), startTime, endTime },
      };
    }
    if (this.protocol === 'hls') {
      const location = this.hlsIndex.locate(url, byteRange);
      if (!location) return undefined;
      const segment = hlsSegment({
        mediaSequence: location.mediaSequence,
        url,
        ...(byteRange ? { byteRange } : {}),
        startTime,
        duration: endTime - startTime,
      });
      if (!segment) return undefined;
      return {
        stream: describe(hlsStreamKey(kind, location.playlistUrl, this.manifestUrl)),
        segment,
      };
    }
    return undefined;
  }
}
