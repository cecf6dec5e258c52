/**
 * The live hash manifest of a simulated live stream: `/live/<session>/<stream>/segments-sha256.json`
 * lists the trusted SHA-256 of exactly the segments the session's live window lists at that moment
 * (never one not yet published), taken from the VOD stream's own hash manifest, and grows and slides
 * with the window. The same timeline as the live playlists and MPDs: HLS windows come from
 * live-playlist.ts, DASH availability from the formula of dash-live-manifest.ts. Signed, like the
 * VOD manifests, with the streams folder's demo key when the origin has it.
 */
import type { KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { byteRangeKey } from '../../core/p2p/integrity/hash-manifest.js';
import { isoDurationSec, scanMpdText } from '../../tools/hash-manifest/mpd-scan.js';
import { isMasterPlaylistText, variantUris } from '../../tools/hash-manifest/hls-scan.js';
import {
  addHash,
  type HashEntries,
  parseHashEntries,
  renderHashManifest,
} from '../../tools/hash-manifest/manifest-document.js';
import type { SegmentReference } from '../../tools/hash-manifest/segment-reference.js';
import { signatureFileFor } from '../../tools/hash-manifest/signing-key.js';
import { parseMediaPlaylist } from './hls-playlist.js';
import { computeLiveWindow } from './live-playlist.js';

/** File name of hash manifests, VOD and live. */
export const HASH_MANIFEST_FILE_NAME = 'segments-sha256.json';
/** Segment duration assumed when an MPD has no `maxSegmentDuration` (as dash-live-manifest.ts). */
const FALLBACK_SEGMENT_SECONDS = 2;
/** Streams whose parsed VOD data is kept (the demo has eight); beyond, the cache starts over. */
const MAX_CACHED_STREAMS = 64;

/** What a stream's live hash manifest is computed from, read once per VOD file version. */
type StreamSource =
  | {
      readonly kind: 'hls';
      readonly entries: HashEntries;
      /** Media playlists by path relative to the stream folder, parsed. */
      readonly playlists: readonly {
        readonly folder: string;
        readonly playlist: ReturnType<typeof parseMediaPlaylist>;
      }[];
    }
  | {
      readonly kind: 'dash';
      readonly entries: HashEntries;
      readonly segmentSeconds: number;
      /** Segments by Representation order, each list in time order. */
      readonly segments: readonly SegmentReference[];
    };

const cache = new Map<string, Promise<StreamSource | undefined>>();

function posixJoin(folder: string, uri: string): string {
  return path.posix.normalize(folder === '' ? uri : `${folder}/${uri}`);
}

async function loadSource(streamDir: string): Promise<StreamSource | undefined> {
  const hashesText = await readFile(path.join(streamDir, HASH_MANIFEST_FILE_NAME), 'utf8').catch(
    () => undefined,
  );
  if (hashesText === undefined) return undefined;
  const entries = parseHashEntries(hashesText);
  const masterPath = path.join(streamDir, 'master.m3u8');
  const masterText = await readFile(masterPath, 'utf8').catch(() => undefined);
  if (masterText !== undefined) {
    const uris = isMasterPlaylistText(masterText) ? variantUris(masterText) : ['master.m3u8'];
    const playlists = [];
    for (const uri of uris) {
      const text = await readFile(path.join(streamDir, uri), 'utf8');
      playlists.push({
        folder: path.posix.dirname(uri).replace(/^\.$/, ''),
        playlist: parseMediaPlaylist(text),
      });
    }
    return { kind: 'hls', entries, playlists };
  }
  const mpdPath = path.join(streamDir, 'manifest.mpd');
  const mpdText = await readFile(mpdPath, 'utf8').catch(() => undefined);
  if (mpdText === undefined) return undefined;
  const root = /<MPD\b[^>]*>/.exec(mpdText)?.[0] ?? '';
  const segmentSeconds =
    isoDurationSec(/\bmaxSegmentDuration="([^"]*)"/.exec(root)?.[1]) || FALLBACK_SEGMENT_SECONDS;
  const { segments } = await scanMpdText(mpdText, mpdPath, streamDir);
  return { kind: 'dash', entries, segmentSeconds, segments };
}

/** The stream's source, cached per version of its hash manifest (regenerated streams are re-read). */
async function streamSource(streamDir: string): Promise<StreamSource | undefined> {
  const info = await stat(path.join(streamDir, HASH_MANIFEST_FILE_NAME)).catch(() => undefined);
  if (info === undefined) return undefined;
  const cacheKey = `${streamDir}\0${info.mtimeMs}\0${info.size}`;
  let source = cache.get(cacheKey);
  if (source === undefined) {
    if (cache.size >= MAX_CACHED_STREAMS) cache.clear();
    source = loadSource(streamDir);
    cache.set(cacheKey, source);
    // A failed read is not cached: the next request tries again.
    source.catch(() => cache.delete(cacheKey));
  }
  return source;
}

function copyHash(
  from: HashEntries,
  to: HashEntries,
  key: string,
  byteRange?: { readonly start: number; readonly end: number },
): void {
  const value = from.get(key);
  if (byteRange === undefined) {
    if (typeof value === 'string') addHash(to, key, value);
    return;
  }
  const hex = typeof value === 'object' ? value.get(byteRangeKey(byteRange)) : undefined;
  if (hex !== undefined) addHash(to, key, hex, byteRange);
}

/** The entries listed by the session's live window at `elapsedMs`. */
function liveEntries(
  source: StreamSource,
  elapsedMs: number,
  segmentsInWindow: number,
): HashEntries {
  const listed: HashEntries = new Map();
  if (source.kind === 'hls') {
    for (const { folder, playlist } of source.playlists) {
      const window = computeLiveWindow(playlist, elapsedMs, { segmentsInWindow });
      for (const { segment } of window.segments) {
        copyHash(source.entries, listed, posixJoin(folder, segment.uri), segment.byteRange);
      }
    }
    return listed;
  }
  // As dash-live-manifest.ts: availability starts a full window before the session, so media
  // time up to (elapsed + window) is published.
  const windowSeconds = segmentsInWindow * source.segmentSeconds;
  const publishedSeconds = (elapsedMs + windowSeconds * 1000) / 1000;
  const byRepresentation = new Map<string, SegmentReference[]>();
  for (const segment of source.segments) {
    if (segment.endSec === undefined || segment.endSec > publishedSeconds) continue;
    const group = segment.representation ?? '';
    const list = byRepresentation.get(group) ?? [];
    list.push(segment);
    byRepresentation.set(group, list);
  }
  // Like the live MPD's timeShiftBufferDepth: the newest window of each Representation.
  for (const list of byRepresentation.values()) {
    for (const segment of list.slice(-segmentsInWindow)) {
      copyHash(source.entries, listed, segment.key, segment.byteRange);
    }
  }
  return listed;
}

/** What {@link renderLiveHashManifest} needs. */
export interface LiveHashManifestContext {
  /** The VOD stream's folder (holding its segments-sha256.json and master.m3u8 or manifest.mpd). */
  readonly streamDir: string;
  /** Time since the live session started, ms. */
  readonly elapsedMs: number;
  /** Segments a live window lists. */
  readonly segmentsInWindow: number;
}

/**
 * The live hash manifest text (ours, `live: true`) of the moment, or undefined when the stream has
 * no VOD hash manifest or no playlist/MPD.
 */
export async function renderLiveHashManifest(
  context: LiveHashManifestContext,
): Promise<string | undefined> {
  const source = await streamSource(context.streamDir);
  if (source === undefined) return undefined;
  return renderHashManifest(liveEntries(source, context.elapsedMs, context.segmentsInWindow), {
    live: true,
  });
}

/** The `.sig` file of a live manifest text. */
export function liveHashManifestSignature(text: string, signingKey: KeyObject): string {
  return signatureFileFor(Buffer.from(text, 'utf8'), signingKey);
}
