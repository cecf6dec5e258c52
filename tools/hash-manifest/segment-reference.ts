/**
 * A media segment a playlist or MPD references, as the generator hashes it: which file (and which
 * bytes of it), under which manifest key, and when it plays (for live windows).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { manifestKeyForPath } from './segment-files.js';

/** One referenced segment. */
export interface SegmentReference {
  /** Absolute path of the file holding the segment. */
  readonly filePath: string;
  /** Manifest key: the segment's URL relative to the manifest's folder. */
  readonly key: string;
  /** The bytes `[start, end)` of the file, when the segment is a byte range. */
  readonly byteRange?: { readonly start: number; readonly end: number };
  /** Media time the segment starts at, seconds from the presentation start (DASH only). */
  readonly startSec?: number;
  /** Media time the segment ends at, seconds (DASH only). */
  readonly endSec?: number;
  /** Which rendition it belongs to: `<Period index>/<Representation@id>` (DASH only). */
  readonly representation?: string;
}

/** What a scan found: the segments, and references it could not hash (remote URLs). */
export interface ScanResult {
  /** Segments in document order (per rendition, renditions in document order). */
  readonly segments: readonly SegmentReference[];
  /** URIs skipped because they do not name a local file (absolute http URLs). */
  readonly skipped: readonly string[];
}

/**
 * Resolves `uri` (as written in the document at `documentPath`) to a local file and its manifest key
 * relative to `manifestDir`; undefined for a URI that is not a local file (`https://...`).
 */
export function resolveSegmentUri(
  uri: string,
  documentPath: string,
  manifestDir: string,
): { readonly filePath: string; readonly key: string } | undefined {
  let url: URL;
  try {
    url = new URL(uri, pathToFileURL(path.resolve(documentPath)));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'file:') return undefined;
  const search = url.search;
  url.search = '';
  url.hash = '';
  const filePath = fileURLToPath(url);
  return { filePath, key: manifestKeyForPath(manifestDir, filePath) + search };
}
