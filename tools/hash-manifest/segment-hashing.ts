/**
 * SHA-256 of segment files and of byte ranges of files, streamed from disk (a 4 GB single-file
 * rendition never sits in memory). Node's native hash: the generator runs on the origin side.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Lower-case hex SHA-256 of the file at `filePath`, or of its bytes `[start, end)` when `byteRange`
 * is given.
 * @throws the file system's error (missing file, permission), or RangeError for an empty range
 */
export async function hashFile(
  filePath: string,
  byteRange?: { readonly start: number; readonly end: number },
): Promise<string> {
  if (byteRange !== undefined && !(byteRange.end > byteRange.start)) {
    throw new RangeError(`empty byte range ${byteRange.start}-${byteRange.end} of ${filePath}`);
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = createReadStream(
    filePath,
    byteRange === undefined ? {} : { start: byteRange.start, end: byteRange.end - 1 },
  );
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  if (byteRange !== undefined && bytes !== byteRange.end - byteRange.start) {
    throw new RangeError(
      `${filePath} ends before byte ${byteRange.end} (range ${byteRange.start}-${byteRange.end})`,
    );
  }
  return hash.digest('hex');
}
