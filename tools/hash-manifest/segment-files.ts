/**
 * Which files of a folder are media segments worth hashing, and how a file's path becomes a
 * manifest key. Init segments (`init*`), playlists and manifests are left out: they never travel
 * between peers (every viewer fetches them from the origin), so the engine never checks them.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Extensions of media segment files (lower case, with the dot). */
export const SEGMENT_EXTENSIONS: ReadonlySet<string> = new Set([
  '.ts',
  '.m4s',
  '.mp4',
  '.m4v',
  '.m4a',
  '.aac',
  '.ac3',
  '.ec3',
  '.mp3',
  '.cmfv',
  '.cmfa',
  '.cmft',
  '.webm',
]);

/** True when `fileName` is a media segment: a segment extension and not an init segment. */
export function isSegmentFileName(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return SEGMENT_EXTENSIONS.has(path.extname(lower)) && !lower.startsWith('init');
}

/**
 * Paths (relative to `folder`, `/`-separated, sorted) of every media segment file below `folder`.
 * Hidden entries (names starting with `.`) and symbolic links are skipped: temporary files of
 * packagers and anything outside the folder stay out.
 * @param maxDepth - folder levels to descend (default 8)
 */
export async function listSegmentFiles(folder: string, maxDepth = 8): Promise<string[]> {
  const found: string[] = [];
  const walk = async (relative: string, depth: number): Promise<void> => {
    const entries = await readdir(path.join(folder, relative), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory() && depth < maxDepth) await walk(child, depth + 1);
      else if (entry.isFile() && isSegmentFileName(entry.name)) found.push(child);
    }
  };
  await walk('', 0);
  return found.sort();
}

/**
 * The manifest key of a file: its path relative to the manifest's folder, `/`-separated, written as
 * a relative URL (`?` and `#` escaped, so they stay part of the name).
 */
export function manifestKeyForPath(manifestDir: string, filePath: string): string {
  const relative = path.relative(manifestDir, filePath).split(path.sep).join('/');
  return encodeURI(relative).replace(/[?#]/g, (character) => encodeURIComponent(character));
}
