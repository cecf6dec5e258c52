/**
 * The origin's hash manifest: trusted SHA-256 digests of segments, published next to the stream,
 * so a segment that arrives from a peer is checked against a hash no peer chose (as BitTorrent's
 * piece hashes and PeerTube's `segments-sha256.json` do).
 *
 * Two formats are read (docs/INTEGRITY.md has examples):
 * - PeerTube's `segments-sha256.json` as is: `{ "<file name>": "<hex>" | { "<start>-<end>": "<hex>" } }`,
 *   keyed by file name (no folder), `end` inclusive (like an HTTP Range header).
 * - ours, `{ "format": "p2p-media-loader-hashes", "version": 1, "algorithm": "sha256", "live"?: true,
 *   "segments": { ... } }` with the same values, but keyed by paths relative to the manifest URL:
 *   renditions often reuse file names in different folders (`360p/seg_001.ts`, `720p/seg_001.ts`),
 *   which file names alone cannot tell apart. `live: true` marks a manifest that grows while the
 *   stream runs (a segment missing now may be listed on the next fetch).
 *
 * Lookups try the segment's URL against every key resolved against the manifest URL (without the
 * query, too: CDNs add tokens), then the file name alone when exactly one key has it (PeerTube's
 * lookup, for segments served from another folder or host). Parsing is bounded in size, entries and
 * key length, and any malformed input is an `integrity-manifest` error, never anything else.
 */
import { P2PMediaLoaderError } from '../../errors.js';
import { hexToBytes } from './sha256.js';

/** A parsed, trusted hash manifest. */
export interface HashManifest {
  /**
   * Trusted SHA-256 of a segment (its absolute URL and optional byte range, `end` exclusive), or
   * undefined when the manifest does not list it. A whole-file entry never answers for a byte range,
   * nor a range entry for the whole file.
   */
  digestFor(segment: {
    readonly url: string;
    readonly byteRange?: { start: number; end: number };
  }): Uint8Array | undefined;
  /** Number of entries (segments and ranges) listed. */
  readonly size: number;
  /** True when the manifest says it grows while a live stream runs (ours with `live: true`). */
  readonly live: boolean;
  /** Which format the text was in. */
  readonly format: HashManifestFormat;
}

/** `peertube`: PeerTube's segments-sha256.json; `p2p-media-loader-hashes`: ours, version 1. */
export type HashManifestFormat = 'peertube' | 'p2p-media-loader-hashes';

/** Value of `format` in our manifests. */
export const HASH_MANIFEST_FORMAT = 'p2p-media-loader-hashes';
/** The format version this library writes and reads. */
export const HASH_MANIFEST_VERSION = 1;
/** Largest manifest accepted, in characters (and bytes, by the loader): 16 MiB. */
export const MAX_HASH_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Most entries (whole files plus ranges) a manifest may list: far above any real stream's. */
export const MAX_HASH_MANIFEST_ENTRIES = 500_000;
/** Longest key (path or file name) accepted, in characters. */
export const MAX_HASH_MANIFEST_KEY_LENGTH = 2048;

const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;
// Decimal offsets without sign or exponent; 15 digits stay below Number.MAX_SAFE_INTEGER.
const RANGE_KEY = /^(0|[1-9][0-9]{0,14})-(0|[1-9][0-9]{0,14})$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what it rejects
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** One key's value: a whole-file digest, or digests by `start-endInclusive` range key. */
type EntryValue = Uint8Array | ReadonlyMap<string, Uint8Array>;

function manifestError(message: string, cause?: unknown): P2PMediaLoaderError {
  return new P2PMediaLoaderError('integrity-manifest', `Hash manifest: ${message}`, { cause });
}

/** `text` shortened for an error message (keys come from the network: keep messages bounded). */
function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The key used for a byte range (`end` exclusive) in manifests: `start-(end-1)`, as PeerTube. */
export function byteRangeKey(range: { readonly start: number; readonly end: number }): string {
  return `${range.start}-${range.end - 1}`;
}

/** `url` without its fragment (never sent to a server) and, when `dropQuery`, its query. */
function normalizedUrl(url: URL, dropQuery: boolean): string {
  // Cut the serialized URL rather than clearing fields on a copy (a second parse per key, for
  // manifests of 100 000+ keys): in an href, `#` only starts the fragment and `?` the query.
  let href = url.href;
  const hashAt = href.indexOf('#');
  if (hashAt >= 0) href = href.slice(0, hashAt);
  const queryAt = dropQuery ? href.indexOf('?') : -1;
  return queryAt >= 0 ? href.slice(0, queryAt) : href;
}

/**
 * The last `depth` path segments of `url`, undefined for a folder URL. Depth 1 is PeerTube's key
 * (the file name). Our format's fallback uses depth 2 (folder and file name): it still finds a
 * segment served from another host or root (a CDN), yet keeps renditions that reuse file names in
 * sibling folders apart even when the manifest lists only one of them; a file-name match there
 * would check an honest peer's segment against another rendition's hash and ban it.
 */
function fileNameOf(url: URL, depth = 1): string | undefined {
  const parts = url.pathname.split('/');
  if (parts[parts.length - 1] === '') return undefined;
  const name = parts.slice(-depth).join('/');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function parseDigest(value: unknown, where: string): Uint8Array {
  if (typeof value !== 'string' || !HEX_DIGEST.test(value)) {
    throw manifestError(`${where}: expected a SHA-256 digest as 64 hex digits`);
  }
  return hexToBytes(value.toLowerCase());
}

class ParsedHashManifest implements HashManifest {
  readonly size: number;
  readonly live: boolean;
  readonly format: HashManifestFormat;
  // By absolute URL (no fragment; with the key's own query if it had one).
  private readonly byUrl: ReadonlyMap<string, EntryValue>;
  // By file name (PeerTube) or folder and file name (ours, see fileNameOf); null when two keys
  // share it (ambiguous: no answer rather than a wrong one).
  private readonly byFileName: ReadonlyMap<string, EntryValue | null>;

  constructor(
    format: HashManifestFormat,
    live: boolean,
    size: number,
    byUrl: ReadonlyMap<string, EntryValue>,
    byFileName: ReadonlyMap<string, EntryValue | null>,
  ) {
    this.format = format;
    this.live = live;
    this.size = size;
    this.byUrl = byUrl;
    this.byFileName = byFileName;
  }

  digestFor(segment: {
    readonly url: string;
    readonly byteRange?: { start: number; end: number };
  }): Uint8Array | undefined {
    let url: URL;
    try {
      url = new URL(segment.url);
    } catch {
      return undefined;
    }
    const entry =
      this.byUrl.get(normalizedUrl(url, false)) ??
      this.byUrl.get(normalizedUrl(url, true)) ??
      this.fileNameEntry(url);
    if (entry === undefined) return undefined;
    const range = segment.byteRange;
    if (entry instanceof Uint8Array) return range === undefined ? entry : undefined;
    if (range === undefined || !(range.end > range.start)) return undefined;
    return entry.get(byteRangeKey(range));
  }

  private fileNameEntry(url: URL): EntryValue | undefined {
    const name = fileNameOf(url, this.format === 'peertube' ? 1 : 2);
    return name === undefined ? undefined : (this.byFileName.get(name) ?? undefined);
  }
}

/** Collects entries, enforcing the bounds and rejecting keys that disagree. */
class ManifestBuilder {
  size = 0;
  readonly byUrl = new Map<string, EntryValue>();
  readonly byFileName = new Map<string, EntryValue | null>();
  private readonly manifestUrl: URL;
  // PeerTube's keys are file names, looked up as they are (not as URLs: a `#` or `?` in a name).
  private readonly keysAreFileNames: boolean;

  constructor(manifestUrl: URL, keysAreFileNames: boolean) {
    this.manifestUrl = manifestUrl;
    this.keysAreFileNames = keysAreFileNames;
  }

  add(key: string, value: unknown): void {
    if (key === '' || key.length > MAX_HASH_MANIFEST_KEY_LENGTH || CONTROL_CHARACTERS.test(key)) {
      throw manifestError(
        `key ${quote(key)} must be 1 to ${MAX_HASH_MANIFEST_KEY_LENGTH} characters without control characters`,
      );
    }
    let url: URL;
    try {
      url = new URL(key, this.manifestUrl);
    } catch (error) {
      throw manifestError(`key ${quote(key)} is not a valid relative URL`, error);
    }
    const entry = this.parseValue(key, value);
    const href = normalizedUrl(url, false);
    const previous = this.byUrl.get(href);
    if (previous !== undefined) {
      throw manifestError(`key ${quote(key)} names the same segment as another key`);
    }
    this.byUrl.set(href, entry);
    const name = this.keysAreFileNames ? key.slice(key.lastIndexOf('/') + 1) : fileNameOf(url, 2);
    if (name !== undefined && name !== '')
      this.byFileName.set(name, this.byFileName.has(name) ? null : entry);
  }

  private parseValue(key: string, value: unknown): EntryValue {
    if (typeof value === 'string') {
      this.count(1);
      return parseDigest(value, `entry ${quote(key)}`);
    }
    if (!isPlainObject(value)) {
      throw manifestError(
        `entry ${quote(key)} must be a digest or an object of "start-end" byte ranges`,
      );
    }
    const ranges = new Map<string, Uint8Array>();
    for (const [rangeKey, digest] of Object.entries(value)) {
      const match = RANGE_KEY.exec(rangeKey);
      if (match === null || Number(match[1]) > Number(match[2])) {
        throw manifestError(
          `entry ${quote(key)}: range ${quote(rangeKey)} must be "start-end" (decimal, end inclusive, start <= end)`,
        );
      }
      this.count(1);
      ranges.set(rangeKey, parseDigest(digest, `entry ${quote(key)} range ${rangeKey}`));
    }
    if (ranges.size === 0) throw manifestError(`entry ${quote(key)} lists no byte ranges`);
    return ranges;
  }

  private count(entries: number): void {
    this.size += entries;
    if (this.size > MAX_HASH_MANIFEST_ENTRIES) {
      throw manifestError(`more than ${MAX_HASH_MANIFEST_ENTRIES} entries`);
    }
  }
}

function parseOurs(
  document: Record<string, unknown>,
  builder: ManifestBuilder,
): { readonly live: boolean } {
  if (document['version'] !== HASH_MANIFEST_VERSION) {
    throw manifestError(
      `unsupported version ${quote(String(document['version']))} (this library reads version ${HASH_MANIFEST_VERSION})`,
    );
  }
  if (document['algorithm'] !== 'sha256') {
    throw manifestError(`unsupported algorithm ${quote(String(document['algorithm']))}`);
  }
  const live = document['live'] ?? false;
  if (typeof live !== 'boolean') throw manifestError('"live" must be true or false');
  const segments = document['segments'];
  if (!isPlainObject(segments)) throw manifestError('"segments" must be an object');
  for (const [key, value] of Object.entries(segments)) builder.add(key, value);
  return { live };
}

/**
 * Parses manifest text fetched from `manifestUrl` (absolute; relative keys resolve against it).
 * Reads PeerTube's `segments-sha256.json` as is and our versioned format.
 * @throws P2PMediaLoaderError with code `integrity-manifest` and a message naming the problem, on
 *   anything malformed: not JSON, over {@link MAX_HASH_MANIFEST_BYTES} characters, over
 *   {@link MAX_HASH_MANIFEST_ENTRIES} entries, a bad key, digest or range, an unknown version.
 */
export function parseHashManifest(text: string, manifestUrl: string): HashManifest {
  let base: URL;
  try {
    base = new URL(manifestUrl);
  } catch (error) {
    throw manifestError(`manifest URL ${quote(manifestUrl)} is not absolute`, error);
  }
  if (text.length > MAX_HASH_MANIFEST_BYTES) {
    throw manifestError(`larger than ${MAX_HASH_MANIFEST_BYTES} bytes`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw manifestError('not valid JSON', error);
  }
  if (!isPlainObject(document)) throw manifestError('expected a JSON object at the top level');

  // A PeerTube file could list a segment named "format", but its value is a digest or a range object.
  const formatValue = document['format'];
  const isOurs = typeof formatValue === 'string' && !HEX_DIGEST.test(formatValue);
  const builder = new ManifestBuilder(base, !isOurs);
  let format: HashManifestFormat = 'peertube';
  let live = false;
  if (isOurs) {
    if (formatValue !== HASH_MANIFEST_FORMAT) {
      throw manifestError(`unknown format ${quote(formatValue)}`);
    }
    format = HASH_MANIFEST_FORMAT;
    ({ live } = parseOurs(document, builder));
  } else {
    for (const [key, value] of Object.entries(document)) builder.add(key, value);
  }
  return new ParsedHashManifest(format, live, builder.size, builder.byUrl, builder.byFileName);
}
