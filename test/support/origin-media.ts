/**
 * The generated test streams as files on disk (examples/media/streams), so tests can check what a
 * player received against the bytes the origin serves, read independently of the origin.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Root of the generated streams (`bash examples/media/generate.sh` writes it). */
export const MEDIA_DIR = path.resolve(__dirname, '../../examples/media/streams');

/** Stream kinds the generator produces, by directory name. */
export const HLS_STREAM_KINDS = ['hls-ts', 'hls-fmp4', 'hls-byterange', 'hls-audio'] as const;

/** DASH stream kinds the generator produces: one per segment addressing mode. */
export const DASH_STREAM_KINDS = [
  'dash-number',
  'dash-timeline',
  'dash-list',
  'dash-base',
] as const;

/** One of {@link DASH_STREAM_KINDS}. */
export type DashStreamKind = (typeof DASH_STREAM_KINDS)[number];

/** One of {@link HLS_STREAM_KINDS}. */
export type HlsStreamKind = (typeof HLS_STREAM_KINDS)[number];

/**
 * The file under {@link MEDIA_DIR} an origin URL path serves: `/vod/<stream>/<rest>` and
 * `/live/<session>/<stream>/<rest>` both map to `<stream>/<rest>`.
 */
export function mediaFileForUrl(url: string): string {
  const parts = new URL(url).pathname.split('/').filter((part) => part !== '');
  let relative: string[];
  if (parts[0] === 'vod') relative = parts.slice(1);
  else if (parts[0] === 'live') relative = parts.slice(2);
  else throw new Error(`not an origin media URL: ${url}`);
  const file = path.resolve(MEDIA_DIR, ...relative.map(decodeURIComponent));
  if (!file.startsWith(MEDIA_DIR + path.sep)) throw new Error(`URL escapes the media dir: ${url}`);
  return file;
}

const fileCache = new Map<string, Buffer>();

/** The bytes the origin serves for `url` (a [rangeStart, rangeEnd) slice when given). */
export function originBytes(url: string, rangeStart?: number, rangeEnd?: number): Buffer {
  const file = mediaFileForUrl(url);
  let bytes = fileCache.get(file);
  if (bytes === undefined) {
    bytes = readFileSync(file);
    fileCache.set(file, bytes);
  }
  if (rangeStart === undefined) return bytes;
  return bytes.subarray(rangeStart, rangeEnd);
}

/** Hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The URL path part of a URL, e.g. `/vod/hls-ts/144p/seg_001.ts`. */
export function urlPath(url: string): string {
  return new URL(url).pathname;
}

/** A segment a viewer's harness recorded, as far as comparing it with the origin goes. */
export interface HashedSegment {
  readonly url: string;
  readonly rangeStart?: number;
  readonly rangeEnd?: number;
  /** SHA-256 (hex) of the bytes the player got; a segment without one counts as a mismatch. */
  readonly sha256?: string;
}

/**
 * Every delivered segment (init segments included) whose SHA-256 differs from the origin file's
 * bytes (or byte range), as `viewer <i>: <path> <range start>`; also how many were checked.
 * `viewers` are the viewers' segment lists, in viewer order.
 */
export function originMismatches(
  viewers: readonly { readonly segments: readonly HashedSegment[] }[],
): { checked: number; mismatches: string[] } {
  const mismatches: string[] = [];
  let checked = 0;
  viewers.forEach((viewer, index) => {
    for (const segment of viewer.segments) {
      checked++;
      const expected = sha256Hex(originBytes(segment.url, segment.rangeStart, segment.rangeEnd));
      if (segment.sha256 !== expected) {
        mismatches.push(`viewer ${index}: ${urlPath(segment.url)} ${segment.rangeStart ?? ''}`);
      }
    }
  });
  return { checked, mismatches };
}
