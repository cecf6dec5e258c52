/**
 * One hash manifest from a folder, an HLS playlist or a DASH MPD: what `p2p-media-loader-hashes`
 * does without `--watch`, as a function the demo origin and tests call too.
 * - A folder: every media segment file below it, whole (init segments, playlists left out).
 * - A playlist (`.m3u8`, master or media) or an MPD (`.mpd`): the segments it references, as byte
 *   ranges where it addresses ranges (EXT-X-BYTERANGE, SegmentList@mediaRange, SegmentBase's sidx).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { addHash, type HashEntries } from './manifest-document.js';
import { isHlsPlaylistPath, scanHlsPlaylist } from './hls-scan.js';
import { scanMpd } from './mpd-scan.js';
import { listSegmentFiles, manifestKeyForPath } from './segment-files.js';
import { hashFile } from './segment-hashing.js';
import type { ScanResult } from './segment-reference.js';

/** File name of the manifest when no output is named: PeerTube's, so PeerTube-aware tools find it. */
export const DEFAULT_MANIFEST_FILE_NAME = 'segments-sha256.json';

/** Where the manifest goes by default: in the folder, or next to the playlist/MPD. */
export async function defaultManifestPath(input: string): Promise<string> {
  const isFolder = (await stat(input)).isDirectory();
  return path.join(isFolder ? input : path.dirname(input), DEFAULT_MANIFEST_FILE_NAME);
}

/** The segments `input` names, keys relative to `manifestDir`. */
export async function scanInput(input: string, manifestDir: string): Promise<ScanResult> {
  if ((await stat(input)).isDirectory()) {
    const files = await listSegmentFiles(input);
    return {
      segments: files.map((relative) => {
        const filePath = path.resolve(input, relative);
        return { filePath, key: manifestKeyForPath(manifestDir, filePath) };
      }),
      skipped: [],
    };
  }
  if (isHlsPlaylistPath(input)) return scanHlsPlaylist(input, manifestDir);
  if (path.extname(input).toLowerCase() === '.mpd') return scanMpd(input, manifestDir);
  throw new Error(`${input}: expected a folder, an .m3u8 playlist or an .mpd manifest`);
}

/** Hashes of what {@link scanInput} found, plus how much was read (for progress and benchmarks). */
export async function hashInput(
  input: string,
  manifestDir: string,
): Promise<{
  readonly entries: HashEntries;
  readonly skipped: readonly string[];
  readonly bytes: number;
}> {
  const { segments, skipped } = await scanInput(input, manifestDir);
  const entries: HashEntries = new Map();
  let bytes = 0;
  for (const segment of segments) {
    addHash(
      entries,
      segment.key,
      await hashFile(segment.filePath, segment.byteRange),
      segment.byteRange,
    );
    bytes += segment.byteRange
      ? segment.byteRange.end - segment.byteRange.start
      : (await stat(segment.filePath)).size;
  }
  return { entries, skipped, bytes };
}
