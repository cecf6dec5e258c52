/**
 * Tells HLS from DASH from anything else, the way players describe sources: by MIME type when they
 * know it, else by the manifest URL's extension.
 */
import type { PlayerSource, SourceKind } from './contract.js';

/** MIME types of HLS playlists in the wild (RFC 8216 names two; players pass the others too). */
const HLS_TYPES = new Set([
  'application/x-mpegurl',
  'application/vnd.apple.mpegurl',
  'application/vnd.apple.mpegurl.audio',
  'audio/mpegurl',
  'audio/x-mpegurl',
]);

const DASH_TYPES = new Set(['application/dash+xml', 'video/vnd.mpeg.dash.mpd']);

/** The path's extension in lower case (`m3u8`), ignoring query and fragment; '' when none. */
function extensionOf(url: string): string {
  const cut = url.search(/[?#]/);
  const path = cut === -1 ? url : url.slice(0, cut);
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * The kind of `source`: a known HLS or DASH MIME type decides (parameters such as `;codecs=` are
 * ignored, case does not matter); otherwise the URL's extension (`.m3u8` → `hls`, `.mpd` → `dash`);
 * anything else is `other`.
 */
export function sourceKindOf(source: PlayerSource): SourceKind {
  const type = source.type?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (HLS_TYPES.has(type)) return 'hls';
  if (DASH_TYPES.has(type)) return 'dash';
  const extension = extensionOf(source.src);
  if (extension === 'm3u8') return 'hls';
  if (extension === 'mpd') return 'dash';
  return 'other';
}
