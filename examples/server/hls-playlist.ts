/**
 * A minimal HLS (RFC 8216) media playlist parser: just what the origin needs to replay a VOD
 * playlist as a live one. It understands segments (EXTINF + URI), byte ranges (explicit and implicit
 * offsets), init segments (EXT-X-MAP), discontinuities and the playlist-level tags; every other tag is
 * ignored. Pure functions, no I/O.
 */
import type { ByteRange } from '../../core/model/segment.js';

/** An init segment (`EXT-X-MAP`). */
export interface InitSegment {
  /** URI as written in the playlist (relative to the playlist). */
  readonly uri: string;
  /** Part of `uri` holding the init segment, when the tag has a BYTERANGE attribute. */
  readonly byteRange?: ByteRange;
}

/** One media segment of a media playlist. */
export interface MediaPlaylistSegment {
  /** URI as written in the playlist (relative to the playlist). */
  readonly uri: string;
  /** EXTINF duration in seconds. */
  readonly durationSec: number;
  /** EXTINF title (text after the comma), usually empty. */
  readonly title: string;
  /** Part of `uri` holding the segment (`EXT-X-BYTERANGE`), offsets resolved. */
  readonly byteRange?: ByteRange;
  /** The `EXT-X-MAP` in force for this segment, if any. */
  readonly init?: InitSegment;
  /** True when an `EXT-X-DISCONTINUITY` tag precedes this segment. */
  readonly discontinuity: boolean;
}

/** A parsed media playlist. */
export interface MediaPlaylist {
  /** `EXT-X-VERSION`; 1 when absent. */
  readonly version: number;
  /** `EXT-X-TARGETDURATION` in seconds (required by RFC 8216). */
  readonly targetDurationSec: number;
  /** `EXT-X-MEDIA-SEQUENCE` of the first segment; 0 when absent. */
  readonly mediaSequence: number;
  /** `EXT-X-DISCONTINUITY-SEQUENCE` of the first segment; 0 when absent. */
  readonly discontinuitySequence: number;
  /** `EXT-X-PLAYLIST-TYPE`, when present. */
  readonly playlistType?: 'VOD' | 'EVENT';
  /** True when the playlist carries `EXT-X-INDEPENDENT-SEGMENTS`. */
  readonly independentSegments: boolean;
  /** True when the playlist carries `EXT-X-ENDLIST`. */
  readonly endList: boolean;
  /** Segments in playlist order. */
  readonly segments: readonly MediaPlaylistSegment[];
}

/** The text is not a media playlist this parser can read. `line` is 1-based (0: whole text). */
export class PlaylistParseError extends Error {
  /** 1-based line number of the offending line, or 0 when the problem is the playlist as a whole. */
  readonly line: number;

  constructor(message: string, line: number) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = 'PlaylistParseError';
    this.line = line;
  }
}

/** True when `text` is a master (multivariant) playlist rather than a media playlist. */
export function isMasterPlaylist(text: string): boolean {
  return /^#EXT-X-(STREAM-INF|MEDIA|I-FRAME-STREAM-INF):/m.test(text);
}

/**
 * Parses an attribute list (`KEY=VALUE,KEY="quoted, value"`) into a map of unquoted values.
 * @throws PlaylistParseError (line 0) on malformed input
 */
export function parseAttributeList(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const attribute = /([A-Z0-9-]+)=("[^"]*"|[^,"]*)(?:,|$)/y;
  let position = 0;
  while (position < text.length) {
    attribute.lastIndex = position;
    const match = attribute.exec(text);
    if (match === null) throw new PlaylistParseError(`malformed attribute list "${text}"`, 0);
    const [, key = '', rawValue = ''] = match;
    attributes.set(key, rawValue.startsWith('"') ? rawValue.slice(1, -1) : rawValue);
    position = attribute.lastIndex;
  }
  return attributes;
}

/**
 * Parses `<length>[@<offset>]` (the EXT-X-BYTERANGE syntax). Without an offset, `implicitStart`
 * is used; `undefined` there means an offset is required.
 */
function parseByteRangeSpec(
  spec: string,
  implicitStart: number | undefined,
  lineNumber: number,
): ByteRange {
  const match = /^(\d+)(?:@(\d+))?$/.exec(spec.trim());
  if (match === null) throw new PlaylistParseError(`malformed byte range "${spec}"`, lineNumber);
  const length = Number(match[1]);
  const start = match[2] === undefined ? implicitStart : Number(match[2]);
  if (start === undefined) {
    throw new PlaylistParseError(
      'byte range without offset must follow a byte range of the same resource',
      lineNumber,
    );
  }
  return { start, end: start + length };
}

function parseInteger(value: string, tag: string, lineNumber: number): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new PlaylistParseError(`${tag} needs a non-negative integer, got "${value}"`, lineNumber);
  }
  return Number(value);
}

/** What is known about the segment whose URI line has not been read yet. */
interface PendingSegment {
  durationSec?: number;
  title: string;
  byteRangeSpec?: string;
  byteRangeLine: number;
  discontinuity: boolean;
}

/**
 * Parses a media playlist.
 * @throws PlaylistParseError when the text is not an HLS media playlist (no `#EXTM3U`, a master
 *   playlist, no `EXT-X-TARGETDURATION`, a URI without EXTINF, a bad byte range or number).
 */
export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== '#EXTM3U') throw new PlaylistParseError('missing #EXTM3U header', 1);
  if (isMasterPlaylist(text)) throw new PlaylistParseError('a master playlist, not a media one', 0);

  let version = 1;
  let targetDurationSec: number | undefined;
  let mediaSequence = 0;
  let discontinuitySequence = 0;
  let playlistType: 'VOD' | 'EVENT' | undefined;
  let independentSegments = false;
  let endList = false;
  let init: InitSegment | undefined;
  const segments: MediaPlaylistSegment[] = [];
  let pending: PendingSegment = { title: '', byteRangeLine: 0, discontinuity: false };

  lines.forEach((rawLine, index) => {
    const line = rawLine.trim();
    const lineNumber = index + 1;
    if (line === '' || index === 0) return;
    if (!line.startsWith('#')) {
      if (pending.durationSec === undefined) {
        throw new PlaylistParseError(`segment URI "${line}" without #EXTINF`, lineNumber);
      }
      const previous = segments.at(-1);
      const byteRange =
        pending.byteRangeSpec === undefined
          ? undefined
          : parseByteRangeSpec(
              pending.byteRangeSpec,
              // Implicit offset: right after the previous segment, if that was a range of this URI.
              previous?.uri === line ? previous.byteRange?.end : undefined,
              pending.byteRangeLine,
            );
      segments.push({
        uri: line,
        durationSec: pending.durationSec,
        title: pending.title,
        discontinuity: pending.discontinuity,
        ...(byteRange === undefined ? {} : { byteRange }),
        ...(init === undefined ? {} : { init }),
      });
      pending = { title: '', byteRangeLine: 0, discontinuity: false };
      return;
    }
    const colon = line.indexOf(':');
    const tag = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1);
    switch (tag) {
      case '#EXT-X-VERSION':
        version = parseInteger(value, tag, lineNumber);
        break;
      case '#EXT-X-TARGETDURATION':
        targetDurationSec = parseInteger(value, tag, lineNumber);
        break;
      case '#EXT-X-MEDIA-SEQUENCE':
        mediaSequence = parseInteger(value, tag, lineNumber);
        break;
      case '#EXT-X-DISCONTINUITY-SEQUENCE':
        discontinuitySequence = parseInteger(value, tag, lineNumber);
        break;
      case '#EXT-X-PLAYLIST-TYPE':
        if (value !== 'VOD' && value !== 'EVENT') {
          throw new PlaylistParseError(`unknown playlist type "${value}"`, lineNumber);
        }
        playlistType = value;
        break;
      case '#EXT-X-INDEPENDENT-SEGMENTS':
        independentSegments = true;
        break;
      case '#EXT-X-ENDLIST':
        endList = true;
        break;
      case '#EXT-X-DISCONTINUITY':
        pending.discontinuity = true;
        break;
      case '#EXTINF': {
        const comma = value.indexOf(',');
        const durationText = comma === -1 ? value : value.slice(0, comma);
        const durationSec = Number(durationText);
        if (durationText.trim() === '' || !Number.isFinite(durationSec) || durationSec < 0) {
          throw new PlaylistParseError(`bad EXTINF duration "${durationText}"`, lineNumber);
        }
        pending.durationSec = durationSec;
        pending.title = comma === -1 ? '' : value.slice(comma + 1);
        break;
      }
      case '#EXT-X-BYTERANGE':
        pending.byteRangeSpec = value;
        pending.byteRangeLine = lineNumber;
        break;
      case '#EXT-X-MAP': {
        let attributes: Map<string, string>;
        try {
          attributes = parseAttributeList(value);
        } catch (error) {
          throw new PlaylistParseError((error as Error).message, lineNumber);
        }
        const uri = attributes.get('URI');
        if (uri === undefined) throw new PlaylistParseError('EXT-X-MAP without URI', lineNumber);
        const rangeSpec = attributes.get('BYTERANGE');
        // An EXT-X-MAP BYTERANGE without offset starts at byte 0 (RFC 8216, 4.3.2.5).
        init =
          rangeSpec === undefined
            ? { uri }
            : { uri, byteRange: parseByteRangeSpec(rangeSpec, 0, lineNumber) };
        break;
      }
      default:
        // Other tags (EXT-X-PROGRAM-DATE-TIME, EXT-X-KEY, ...) and comments are not needed here.
        break;
    }
  });

  if (targetDurationSec === undefined) {
    throw new PlaylistParseError('missing #EXT-X-TARGETDURATION', 0);
  }
  return {
    version,
    targetDurationSec,
    mediaSequence,
    discontinuitySequence,
    ...(playlistType === undefined ? {} : { playlistType }),
    independentSegments,
    endList,
    segments,
  };
}
