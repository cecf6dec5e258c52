/**
 * The text of a hash manifest, from hashes the generator computed: ours (keys relative to the
 * manifest, versioned, optionally `live`) or PeerTube's `segments-sha256.json` (file names only).
 * Byte-range keys are `start-end` with `end` INCLUSIVE, as PeerTube writes them and as HTTP Range
 * headers count; the parser reads them back (core/p2p/integrity/hash-manifest.ts).
 */
import {
  byteRangeKey,
  HASH_MANIFEST_FORMAT,
  HASH_MANIFEST_VERSION,
  parseHashManifest,
} from '../../core/p2p/integrity/hash-manifest.js';

/** Hex SHA-256 by manifest key: a whole file, or ranges by `start-endInclusive`. */
export type HashEntries = Map<string, string | Map<string, string>>;

/** `ours` (default): our versioned format; `peertube`: PeerTube's segments-sha256.json. */
export type ManifestOutputFormat = 'ours' | 'peertube';

/** Options of {@link renderHashManifest}. */
export interface RenderOptions {
  /** Output format; default `ours`. */
  readonly format?: ManifestOutputFormat;
  /** Mark the manifest as growing with a live stream (ours only). */
  readonly live?: boolean;
}

/** Records the hash of `key` (whole file), or of its byte range `[start, end)`. */
export function addHash(
  entries: HashEntries,
  key: string,
  hex: string,
  byteRange?: { readonly start: number; readonly end: number },
): void {
  if (byteRange === undefined) {
    entries.set(key, hex);
    return;
  }
  let ranges = entries.get(key);
  if (typeof ranges !== 'object') {
    ranges = new Map();
    entries.set(key, ranges);
  }
  ranges.set(byteRangeKey(byteRange), hex);
}

function plain(entries: HashEntries, keyOf: (key: string) => string): Record<string, unknown> {
  const segments: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const name = keyOf(key);
    if (Object.hasOwn(segments, name)) {
      throw new Error(
        `two segments are both called "${name}": PeerTube's format keys by file name only; use --format ours`,
      );
    }
    segments[name] = typeof value === 'string' ? value : Object.fromEntries(value);
  }
  return segments;
}

/**
 * The manifest text (JSON, one entry per line, trailing newline).
 * @throws Error for the PeerTube format when two keys have the same file name
 */
export function renderHashManifest(entries: HashEntries, options: RenderOptions = {}): string {
  if (options.format === 'peertube') {
    const fileName = (key: string) => decodeURI(key.slice(key.lastIndexOf('/') + 1));
    return `${JSON.stringify(plain(entries, fileName), null, 2)}\n`;
  }
  const document = {
    format: HASH_MANIFEST_FORMAT,
    version: HASH_MANIFEST_VERSION,
    algorithm: 'sha256',
    ...(options.live === true ? { live: true } : {}),
    segments: plain(entries, (key) => key),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The entries of manifest `text` (ours or PeerTube's), for tools that derive one manifest from
 * another (the demo origin's live manifests from the VOD one). Validated by the viewer's parser.
 * @throws P2PMediaLoaderError `integrity-manifest` on anything malformed
 */
export function parseHashEntries(text: string): HashEntries {
  // Validation only: keys resolve against any absolute URL.
  const manifest = parseHashManifest(text, 'file:///manifest/segments-sha256.json');
  const document = JSON.parse(text) as Record<string, unknown>;
  const segments = (manifest.format === 'peertube' ? document : document['segments']) as Record<
    string,
    string | Record<string, string>
  >;
  const entries: HashEntries = new Map();
  for (const [key, value] of Object.entries(segments)) {
    entries.set(
      key,
      typeof value === 'string'
        ? value.toLowerCase()
        : new Map(Object.entries(value).map(([range, hex]) => [range, hex.toLowerCase()])),
    );
  }
  return entries;
}
