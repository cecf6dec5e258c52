/**
 * The real segments of one source, fetched from the origin the way a viewer would name them: which
 * swarms (stream keys) the source has, and the bytes of segment `id` of stream `key`. Uses the
 * library's own identity rules (core/hls, core/dash) so the hostile peer joins exactly the swarms
 * the viewers join and answers exactly the ids they request.
 *
 * HLS: the multivariant playlist's variants and audio renditions; a segment is found in its media
 * playlist by media sequence number (live playlists are re-read when an id is not listed yet).
 * DASH: SegmentTemplate `$Number$` addressing (the generated `dash-number` stream) read with regular
 * expressions, since Node has no DOMParser.
 */
import { dashStreamKey } from '../../../core/dash/index.js';
import { hlsStreamKey } from '../../../core/hls/index.js';
import { parseHlsMediaPlaylist } from '../../../adapters/shaka/hls-playlist-index.js';

/** Longest a fetched playlist or MPD is reused before being read again, ms (live windows move). */
const MANIFEST_REUSE_MS = 1000;
/** Segments kept in memory (the bytes of the last few requested), to serve repeated requests. */
const MAX_CACHED_SEGMENTS = 32;

/** Where a segment's bytes are. */
interface SegmentLocation {
  readonly url: string;
  readonly byteRange?: { readonly start: number; readonly end: number };
}

/** Reads the bytes at `url` (a `[start, end)` slice when given); undefined when there are none. */
export type SegmentReader = (
  url: string,
  byteRange: { readonly start: number; readonly end: number } | undefined,
) => Promise<Uint8Array | undefined>;

/** The default {@link SegmentReader}: an HTTP request to the origin, with a Range header. */
export async function fetchSegmentBytes(
  url: string,
  byteRange: { readonly start: number; readonly end: number } | undefined,
): Promise<Uint8Array | undefined> {
  const headers: Record<string, string> =
    byteRange === undefined ? {} : { Range: `bytes=${byteRange.start}-${byteRange.end - 1}` };
  const response = await fetch(url, { headers });
  if (!response.ok) return undefined;
  return new Uint8Array(await response.arrayBuffer());
}

interface DashRepresentation {
  readonly key: string;
  /** `SegmentTemplate@media` with `$RepresentationID$` already substituted. */
  readonly media: string;
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
}

/** `$Number$` / `$Number%05d$` of `template` replaced by `number`; undefined without `$Number`. */
function expandNumber(template: string, number: number): string | undefined {
  if (!/\$Number(%0\d+d)?\$/.test(template)) return undefined;
  return template.replace(/\$Number(?:%0(\d+)d)?\$/g, (_match, width: string | undefined) =>
    String(number).padStart(width === undefined ? 0 : Number(width), '0'),
  );
}

/** The DASH Representations of an MPD with `$Number$` templates, by stream key. */
export function dashRepresentations(mpd: string): Map<string, DashRepresentation> {
  const found = new Map<string, DashRepresentation>();
  for (const set of mpd.matchAll(/<AdaptationSet\b([^>]*)>([\s\S]*?)<\/AdaptationSet>/g)) {
    const setAttributes = set[1] ?? '';
    const body = set[2] ?? '';
    const setTemplate = /<SegmentTemplate\b[^>]*>/.exec(
      body.replace(/<Representation\b[\s\S]*?(<\/Representation>|\/>)/g, ''),
    )?.[0];
    for (const representation of body.matchAll(
      /<Representation\b([^>]*?)(\/>|>([\s\S]*?)<\/Representation>)/g,
    )) {
      const tag = representation[1] ?? '';
      const id = attribute(tag, 'id');
      if (id === undefined) continue;
      const ownTemplate = /<SegmentTemplate\b[^>]*>/.exec(representation[3] ?? '')?.[0];
      const media = attribute(ownTemplate ?? setTemplate ?? '', 'media');
      if (media === undefined) continue;
      const contentType =
        attribute(setAttributes, 'contentType') ??
        attribute(setAttributes, 'mimeType') ??
        attribute(tag, 'mimeType') ??
        '';
      const kind = contentType.startsWith('audio') ? 'audio' : 'main';
      found.set(dashStreamKey(kind, id), {
        key: dashStreamKey(kind, id),
        media: media.replaceAll('$RepresentationID$', id),
      });
    }
  }
  return found;
}

/** HLS media playlist URLs of a multivariant playlist, by stream key. */
export function hlsPlaylists(master: string, manifestUrl: string): Map<string, string> {
  const found = new Map<string, string>();
  const lines = master.split(/\r?\n/).map((line) => line.trim());
  lines.forEach((line, index) => {
    if (line.startsWith('#EXT-X-STREAM-INF')) {
      const uri = lines.slice(index + 1).find((next) => next !== '' && !next.startsWith('#'));
      if (uri !== undefined) {
        const url = new URL(uri, manifestUrl).toString();
        found.set(hlsStreamKey('main', url, manifestUrl), url);
      }
    } else if (line.startsWith('#EXT-X-MEDIA:') && /TYPE=AUDIO/.test(line)) {
      const uri = /URI="([^"]*)"/.exec(line)?.[1];
      if (uri !== undefined) {
        const url = new URL(uri, manifestUrl).toString();
        found.set(hlsStreamKey('audio', url, manifestUrl), url);
      }
    }
  });
  // A source that is a media playlist itself is its own single stream.
  if (found.size === 0 && /^#EXTINF:/m.test(master)) {
    found.set(hlsStreamKey('main', manifestUrl, manifestUrl), manifestUrl);
  }
  return found;
}

/** Segments of one source, fetched from its origin. `fetch` is Node's. */
export class OriginSegmentSource {
  readonly protocol: 'hls' | 'dash';
  private readonly textCache = new Map<string, { text: string; atMs: number }>();
  private readonly segmentCache = new Map<string, Uint8Array>();

  /**
   * @param manifestUrl - the HLS multivariant playlist or DASH MPD the viewers play
   * @param readBytes - reads a located segment; default: an HTTP (Range) request to the origin.
   *   The bench reads the origin's files from disk instead, so the attacker's own reads do not
   *   count as origin traffic of the arm it measures.
   */
  constructor(
    readonly manifestUrl: string,
    private readonly readBytes: SegmentReader = fetchSegmentBytes,
  ) {
    this.protocol = new URL(manifestUrl).pathname.endsWith('.mpd') ? 'dash' : 'hls';
  }

  /** The stream keys viewers of this source use (one swarm each). */
  async streamKeys(): Promise<string[]> {
    const manifest = await this.text(this.manifestUrl, false);
    return this.protocol === 'dash'
      ? [...dashRepresentations(manifest).keys()]
      : [...hlsPlaylists(manifest, this.manifestUrl).keys()];
  }

  /** The origin's bytes of segment `segmentId` of stream `streamKey`, or undefined when unknown. */
  async segment(streamKey: string, segmentId: number): Promise<Uint8Array | undefined> {
    const cacheKey = `${streamKey} ${segmentId}`;
    const cached = this.segmentCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const location = await this.locate(streamKey, segmentId);
    if (location === undefined) return undefined;
    const bytes = await this.readBytes(location.url, location.byteRange);
    if (bytes === undefined) return undefined;
    this.segmentCache.set(cacheKey, bytes);
    if (this.segmentCache.size > MAX_CACHED_SEGMENTS) {
      const oldest = this.segmentCache.keys().next().value;
      if (oldest !== undefined) this.segmentCache.delete(oldest);
    }
    return bytes;
  }

  private async locate(streamKey: string, segmentId: number): Promise<SegmentLocation | undefined> {
    const manifest = await this.text(this.manifestUrl, false);
    if (this.protocol === 'dash') {
      const representation = dashRepresentations(manifest).get(streamKey);
      const relative =
        representation === undefined ? undefined : expandNumber(representation.media, segmentId);
      return relative === undefined
        ? undefined
        : { url: new URL(relative, this.manifestUrl).toString() };
    }
    const playlistUrl = hlsPlaylists(manifest, this.manifestUrl).get(streamKey);
    if (playlistUrl === undefined) return undefined;
    for (const fresh of [false, true]) {
      const entries = parseHlsMediaPlaylist(await this.text(playlistUrl, fresh), playlistUrl);
      const entry = entries.find((candidate) => candidate.mediaSequence === segmentId);
      if (entry !== undefined) {
        return {
          url: entry.url,
          ...(entry.byteRange === undefined ? {} : { byteRange: entry.byteRange }),
        };
      }
    }
    return undefined;
  }

  private async text(url: string, fresh: boolean): Promise<string> {
    const cached = this.textCache.get(url);
    if (!fresh && cached !== undefined && Date.now() - cached.atMs < MANIFEST_REUSE_MS) {
      return cached.text;
    }
    const response = await fetch(url);
    if (!response.ok) throw new Error(`origin answered ${response.status} for ${url}`);
    const text = await response.text();
    this.textCache.set(url, { text, atMs: Date.now() });
    return text;
  }
}
