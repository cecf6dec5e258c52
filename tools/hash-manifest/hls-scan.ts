/**
 * The media segments an HLS playlist references: a master playlist's variant and rendition
 * playlists are followed (one level), a media playlist's segments are listed with their
 * EXT-X-BYTERANGE (explicit or implicit offsets). Init segments (EXT-X-MAP) and I-frame playlists
 * are left out: their bytes never travel between peers.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveSegmentUri, type ScanResult, type SegmentReference } from './segment-reference.js';

/** True when `text` is a master (multivariant) playlist. */
export function isMasterPlaylistText(text: string): boolean {
  return /^#EXT-X-(STREAM-INF|MEDIA):/m.test(text);
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim());
}

/** Media playlist URIs of a master playlist (variants and renditions), in order, without repeats. */
export function variantUris(text: string): string[] {
  const uris: string[] = [];
  let expectUri = false;
  for (const line of lines(text)) {
    if (line.startsWith('#EXT-X-STREAM-INF:')) expectUri = true;
    else if (line.startsWith('#EXT-X-MEDIA:')) {
      const uri = /URI="([^"]*)"/.exec(line)?.[1];
      if (uri !== undefined) uris.push(uri);
    } else if (expectUri && line !== '' && !line.startsWith('#')) {
      uris.push(line);
      expectUri = false;
    }
  }
  return [...new Set(uris)];
}

/** Segments of a media playlist. */
function mediaSegments(
  text: string,
  playlistPath: string,
  manifestDir: string,
  skipped: string[],
): SegmentReference[] {
  const segments: SegmentReference[] = [];
  let pendingRange: { length: number; offset?: number } | undefined;
  // Where an implicit EXT-X-BYTERANGE offset continues: the end of the previous range, per URI.
  const nextOffset = new Map<string, number>();
  for (const line of lines(text)) {
    if (line.startsWith('#EXT-X-BYTERANGE:')) {
      const match = /^#EXT-X-BYTERANGE:(\d+)(?:@(\d+))?$/.exec(line);
      if (match === null) throw new Error(`${playlistPath}: malformed ${line}`);
      pendingRange = {
        length: Number(match[1]),
        ...(match[2] === undefined ? {} : { offset: Number(match[2]) }),
      };
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const resolved = resolveSegmentUri(line, playlistPath, manifestDir);
    if (resolved === undefined) {
      skipped.push(line);
      pendingRange = undefined;
      continue;
    }
    if (pendingRange === undefined) {
      segments.push(resolved);
      continue;
    }
    const start = pendingRange.offset ?? nextOffset.get(resolved.key);
    if (start === undefined) {
      throw new Error(`${playlistPath}: EXT-X-BYTERANGE without offset before ${line}`);
    }
    const end = start + pendingRange.length;
    nextOffset.set(resolved.key, end);
    segments.push({ ...resolved, byteRange: { start, end } });
    pendingRange = undefined;
  }
  return segments;
}

/**
 * Segments referenced by the playlist at `playlistPath`, with keys relative to `manifestDir`.
 * @throws on unreadable files or malformed byte ranges
 */
export async function scanHlsPlaylist(
  playlistPath: string,
  manifestDir: string,
): Promise<ScanResult> {
  const text = await readFile(playlistPath, 'utf8');
  const skipped: string[] = [];
  if (!isMasterPlaylistText(text)) {
    return { segments: mediaSegments(text, playlistPath, manifestDir, skipped), skipped };
  }
  const segments: SegmentReference[] = [];
  for (const uri of variantUris(text)) {
    const resolved = resolveSegmentUri(uri, playlistPath, manifestDir);
    if (resolved === undefined) {
      skipped.push(uri);
      continue;
    }
    const mediaText = await readFile(resolved.filePath, 'utf8');
    if (isMasterPlaylistText(mediaText))
      throw new Error(`${resolved.filePath}: a master playlist inside a master`);
    segments.push(...mediaSegments(mediaText, resolved.filePath, manifestDir, skipped));
  }
  return { segments, skipped };
}

/** True when `filePath` names an HLS playlist (by extension). */
export function isHlsPlaylistPath(filePath: string): boolean {
  return ['.m3u8', '.m3u'].includes(path.extname(filePath).toLowerCase());
}
