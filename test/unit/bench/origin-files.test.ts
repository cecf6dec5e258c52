/** The bench's view of the origin's files: URL to file, digests of slices, reads for the attacker. */
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mediaFileForUrl,
  originDigests,
  readOriginFile,
} from '../../../scripts/bench/origin-files.js';

let mediaDir: string;
const BYTES = Buffer.from(Array.from({ length: 100 }, (_, index) => index));

beforeAll(() => {
  mediaDir = mkdtempSync(path.join(os.tmpdir(), 'bench-origin-files-'));
  mkdirSync(path.join(mediaDir, 'hls-ts', '360p'), { recursive: true });
  writeFileSync(path.join(mediaDir, 'hls-ts', '360p', 'seg_001.ts'), BYTES);
});

afterAll(() => {
  rmSync(mediaDir, { recursive: true, force: true });
});

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('origin files', () => {
  it('maps VOD and live URLs to the same file and refuses others', () => {
    const file = path.join(mediaDir, 'hls-ts', '360p', 'seg_001.ts');
    expect(mediaFileForUrl(mediaDir, 'http://o.test/vod/hls-ts/360p/seg_001.ts')).toBe(file);
    expect(mediaFileForUrl(mediaDir, 'http://o.test/live/s1/hls-ts/360p/seg_001.ts?x=1')).toBe(
      file,
    );
    expect(() => mediaFileForUrl(mediaDir, 'http://o.test/dist/a.js')).toThrow(/not an origin/);
    expect(() => mediaFileForUrl(mediaDir, 'http://o.test/vod/..%2F..%2Fetc/passwd')).toThrow(
      /escapes/,
    );
  });

  it('digests whole files and byte ranges, and reads them for the attacker', async () => {
    const digest = originDigests(mediaDir);
    const url = 'http://o.test/vod/hls-ts/360p/seg_001.ts';
    expect(digest(url)).toBe(sha256Hex(BYTES));
    expect(digest(url, 10, 20)).toBe(sha256Hex(BYTES.subarray(10, 20)));
    expect(await readOriginFile(mediaDir, url, { start: 10, end: 20 })).toEqual(
      BYTES.subarray(10, 20),
    );
    expect(await readOriginFile(mediaDir, 'http://o.test/vod/hls-ts/missing.ts', undefined)).toBe(
      undefined,
    );
  });
});
