import fc from 'fast-check';
import { P2PMediaLoaderError } from '../../../../core/errors.js';
import {
  byteRangeKey,
  MAX_HASH_MANIFEST_BYTES,
  MAX_HASH_MANIFEST_KEY_LENGTH,
  parseHashManifest,
} from '../../../../core/p2p/integrity/hash-manifest.js';
import { bytesToHex } from '../../../../core/p2p/integrity/sha256.js';

const MANIFEST_URL = 'https://cdn.example/vod/movie/segments-sha256.json';
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const D = 'D'.repeat(64);

function hexFor(
  text: string,
  url: string,
  byteRange?: { start: number; end: number },
): string | undefined {
  const digest = parseHashManifest(text, MANIFEST_URL).digestFor({ url, byteRange });
  return digest === undefined ? undefined : bytesToHex(digest);
}

function expectManifestError(text: string, message: RegExp): void {
  let thrown: unknown;
  try {
    parseHashManifest(text, MANIFEST_URL);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(P2PMediaLoaderError);
  expect((thrown as P2PMediaLoaderError).code).toBe('integrity-manifest');
  expect((thrown as P2PMediaLoaderError).message).toMatch(message);
}

function ours(segments: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    format: 'p2p-media-loader-hashes',
    version: 1,
    algorithm: 'sha256',
    ...extra,
    segments,
  });
}

describe('hash manifest: PeerTube segments-sha256.json as is', () => {
  // The shape PeerTube writes: file names (any folder, any host), ranges with `end` inclusive.
  const peertube = JSON.stringify({
    'a1b2-720-fragmented.mp4': { '0-1199': A, '1200-4999': B },
    'a1b2-live-0-000012.ts': C,
  });

  it('finds whole-file entries by file name, wherever the segment is served from', () => {
    expect(hexFor(peertube, 'https://cdn.example/vod/movie/a1b2-live-0-000012.ts')).toBe(C);
    expect(hexFor(peertube, 'https://mirror.example/x/y/a1b2-live-0-000012.ts?token=1')).toBe(C);
    expect(hexFor(peertube, 'https://cdn.example/vod/movie/other.ts')).toBeUndefined();
  });

  it('finds ranges by [start, end) converted to PeerTube\'s inclusive "start-end"', () => {
    const url = 'https://cdn.example/vod/movie/a1b2-720-fragmented.mp4';
    expect(hexFor(peertube, url, { start: 0, end: 1200 })).toBe(A);
    expect(hexFor(peertube, url, { start: 1200, end: 5000 })).toBe(B);
    expect(hexFor(peertube, url, { start: 0, end: 1199 })).toBeUndefined();
    // A range entry never answers for the whole file, nor a whole-file entry for a range.
    expect(hexFor(peertube, url)).toBeUndefined();
    expect(
      hexFor(peertube, 'https://cdn.example/vod/movie/a1b2-live-0-000012.ts', {
        start: 0,
        end: 10,
      }),
    ).toBeUndefined();
    expect(byteRangeKey({ start: 1200, end: 5000 })).toBe('1200-4999');
  });

  it('reports its format, size (segments and ranges) and that it is not live', () => {
    const manifest = parseHashManifest(peertube, MANIFEST_URL);
    expect(manifest.format).toBe('peertube');
    expect(manifest.size).toBe(3);
    expect(manifest.live).toBe(false);
  });

  it('accepts upper-case hex and an empty manifest', () => {
    expect(hexFor(JSON.stringify({ 'x.ts': D }), 'https://h/x.ts')).toBe(D.toLowerCase());
    expect(parseHashManifest('{}', MANIFEST_URL).size).toBe(0);
  });

  it('reads a PeerTube segment named "format" as a segment', () => {
    expect(hexFor(JSON.stringify({ format: A }), 'https://h/format')).toBe(A);
  });
});

describe('hash manifest: ours (keys relative to the manifest URL)', () => {
  const text = ours({
    'v720/seg_001.ts': A,
    'v360/seg_001.ts': B,
    'single/media.ts': { '0-99': C },
    '../shared/intro.ts': D,
  });

  it('tells renditions with the same file name apart by their relative path', () => {
    expect(hexFor(text, 'https://cdn.example/vod/movie/v720/seg_001.ts')).toBe(A);
    expect(hexFor(text, 'https://cdn.example/vod/movie/v360/seg_001.ts')).toBe(B);
    expect(hexFor(text, 'https://cdn.example/vod/movie/v360/seg_001.ts?token=abc#t=1')).toBe(B);
    expect(hexFor(text, 'https://cdn.example/vod/shared/intro.ts')).toBe(D.toLowerCase());
    expect(
      hexFor(text, 'https://cdn.example/vod/movie/single/media.ts', { start: 0, end: 100 }),
    ).toBe(C);
  });

  it('falls back to the folder and file name only when exactly one key has them', () => {
    // Served from another host and root (a CDN): found by folder and file name.
    expect(hexFor(text, 'https://other.example/cdn/v360/seg_001.ts')).toBe(B);
    expect(hexFor(text, 'https://other.example/shared/intro.ts')).toBe(D.toLowerCase());
    // The file name alone is not enough in our format.
    expect(hexFor(text, 'https://other.example/seg_001.ts')).toBeUndefined();
    expect(hexFor(text, 'https://other.example/z/intro.ts')).toBeUndefined();
  });

  it('never answers for another rendition that reuses a listed file name', () => {
    // A manifest that lists one rendition only: checking another rendition's honest segment
    // against it would fail and ban the honest peer.
    const oneRendition = ours({ 'v720/seg_001.ts': A });
    expect(hexFor(oneRendition, 'https://cdn.example/vod/movie/v720/seg_001.ts')).toBe(A);
    expect(hexFor(oneRendition, 'https://cdn.example/vod/movie/v360/seg_001.ts')).toBeUndefined();
  });

  it('keeps a key with a query apart from the same path without it', () => {
    const withQuery = ours({ 'seg.m4s?n=1': A, 'seg.m4s?n=2': B });
    expect(hexFor(withQuery, 'https://cdn.example/vod/movie/seg.m4s?n=2')).toBe(B);
    expect(hexFor(withQuery, 'https://cdn.example/vod/movie/seg.m4s?n=3')).toBeUndefined();
  });

  it('reads `live` and counts entries', () => {
    const manifest = parseHashManifest(ours({ 'a.ts': A }, { live: true }), MANIFEST_URL);
    expect(manifest.live).toBe(true);
    expect(manifest.format).toBe('p2p-media-loader-hashes');
    expect(parseHashManifest(text, MANIFEST_URL).size).toBe(4);
  });

  it('answers undefined for an unparsable segment URL instead of throwing', () => {
    expect(hexFor(text, 'not a url')).toBeUndefined();
  });
});

describe('hash manifest: malformed input is an integrity-manifest error', () => {
  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['an array', '[]', /JSON object/],
    ['a string', '"x"', /JSON object/],
    ['a short digest', JSON.stringify({ 'a.ts': 'abc' }), /64 hex digits/],
    ['a non-hex digest', JSON.stringify({ 'a.ts': 'g'.repeat(64) }), /64 hex digits/],
    ['a number', JSON.stringify({ 'a.ts': 5 }), /digest or an object/],
    ['a null', JSON.stringify({ 'a.ts': null }), /digest or an object/],
    ['a reversed range', JSON.stringify({ 'a.ts': { '10-5': A } }), /start <= end/],
    ['a signed range', JSON.stringify({ 'a.ts': { '-1-5': A } }), /"start-end"/],
    ['an empty range object', JSON.stringify({ 'a.ts': {} }), /no byte ranges/],
    ['an empty key', JSON.stringify({ '': A }), /1 to 2048 characters/],
    ['a control character', JSON.stringify({ 'a\n.ts': A }), /control characters/],
    ['a long key', JSON.stringify({ ['k'.repeat(MAX_HASH_MANIFEST_KEY_LENGTH + 1)]: A }), /2048/],
    ['two keys for one segment', ours({ 'a.ts': A, './a.ts': B }), /same segment/],
    ['an unknown format', JSON.stringify({ format: 'other', segments: {} }), /unknown format/],
    ['a future version', ours({}, { version: 2 }), /unsupported version "2"/],
    ['another algorithm', ours({}, { algorithm: 'md5' }), /unsupported algorithm/],
    ['segments not an object', ours([]), /"segments" must be an object/],
    ['live not a boolean', ours({}, { live: 'yes' }), /"live" must be true or false/],
  ])('rejects %s', (_name, text, message) => {
    expectManifestError(text, message);
  });

  it('rejects a manifest over the size bound before parsing it', () => {
    expectManifestError(' '.repeat(MAX_HASH_MANIFEST_BYTES + 1), /larger than/);
  });

  it('rejects a relative manifest URL', () => {
    expect(() => parseHashManifest('{}', 'segments-sha256.json')).toThrow(/not absolute/);
  });

  it('never throws anything but P2PMediaLoaderError on arbitrary text or JSON', () => {
    const check = (text: string) => {
      try {
        const manifest = parseHashManifest(text, MANIFEST_URL);
        expect(manifest.size).toBeLessThanOrEqual(text.length);
        manifest.digestFor({ url: 'https://cdn.example/vod/movie/a.ts' });
        manifest.digestFor({ url: 'https://cdn.example/a.ts', byteRange: { start: 5, end: 1 } });
      } catch (error) {
        expect(error).toBeInstanceOf(P2PMediaLoaderError);
        expect((error as P2PMediaLoaderError).code).toBe('integrity-manifest');
        // Messages quote at most 80 characters of a key: bounded whatever the input.
        expect((error as Error).message.length).toBeLessThan(400);
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 300 }), check), { numRuns: 300 });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        check(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
    const entryValue = fc.oneof(
      fc.constantFrom(A, B, 'x'),
      fc.dictionary(
        fc.oneof(fc.constantFrom('0-9', '10-19', '5-1'), fc.string()),
        fc.constantFrom(A, 1),
      ),
      fc.anything(),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 20 }), entryValue), (segments) => {
        check(JSON.stringify(segments));
        check(ours(segments));
      }),
      { numRuns: 300 },
    );
  });
});
