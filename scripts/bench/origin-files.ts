/**
 * The origin's media files as the bench reads them from disk, independently of the origin: the
 * SHA-256 of what the origin serves for a URL (to check what each player received), and the bytes
 * a hostile peer alters (read here, not fetched, so they never count as the arm's origin traffic).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The file under `mediaDir` that an origin media URL serves: `/vod/<stream>/<rest>` and
 * `/live/<session>/<stream>/<rest>` both map to `<stream>/<rest>`.
 * @throws Error for other URLs and paths escaping `mediaDir`
 */
export function mediaFileForUrl(mediaDir: string, url: string): string {
  const parts = new URL(url).pathname.split('/').filter((part) => part !== '');
  let relative: string[];
  if (parts[0] === 'vod') relative = parts.slice(1);
  else if (parts[0] === 'live') relative = parts.slice(2);
  else throw new Error(`not an origin media URL: ${url}`);
  const root = path.resolve(mediaDir);
  const file = path.resolve(root, ...relative.map(decodeURIComponent));
  if (!file.startsWith(root + path.sep)) throw new Error(`URL escapes the media dir: ${url}`);
  return file;
}

/** Hex SHA-256 of the origin's bytes for a URL (and `[start, end)` slice), files cached. */
export function originDigests(
  mediaDir: string,
): (url: string, rangeStart?: number, rangeEnd?: number) => string {
  const files = new Map<string, Buffer>();
  const digests = new Map<string, string>();
  return (url, rangeStart, rangeEnd) => {
    const file = mediaFileForUrl(mediaDir, url);
    const key = `${file} ${rangeStart ?? ''}-${rangeEnd ?? ''}`;
    const known = digests.get(key);
    if (known !== undefined) return known;
    let bytes = files.get(file);
    if (bytes === undefined) {
      bytes = readFileSync(file);
      files.set(file, bytes);
    }
    const slice = rangeStart === undefined ? bytes : bytes.subarray(rangeStart, rangeEnd);
    const digest = createHash('sha256').update(slice).digest('hex');
    digests.set(key, digest);
    return digest;
  };
}

/** Reads an origin URL's bytes from disk (a `[start, end)` slice when given); undefined if absent. */
export async function readOriginFile(
  mediaDir: string,
  url: string,
  byteRange: { readonly start: number; readonly end: number } | undefined,
): Promise<Uint8Array | undefined> {
  try {
    const bytes = await readFile(mediaFileForUrl(mediaDir, url));
    return byteRange === undefined ? bytes : bytes.subarray(byteRange.start, byteRange.end);
  } catch {
    return undefined;
  }
}
