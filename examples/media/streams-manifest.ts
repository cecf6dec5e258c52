/**
 * The generated test streams as data: the shape of `examples/media/streams/manifest.json`
 * (written by generate.sh), where each stream's trusted segment hashes and the demo public key are,
 * and a helper that generates the streams when they are missing, for tests' `beforeAll` and demo
 * scripts.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** One rendition (media playlist) of a generated stream. */
export interface GeneratedRendition {
  /** `video` (with or without muxed audio) or an alternate `audio` rendition. */
  readonly type: 'video' | 'audio';
  /** Media playlist path relative to the streams root, e.g. `hls-ts/360p/index.m3u8`. */
  readonly playlist: string;
  /** Number of segments (the same for every rendition of a stream). */
  readonly segmentCount: number;
  /** Highest segment bitrate, bits/s (what the master playlist's BANDWIDTH says). */
  readonly peakBandwidth: number;
  /** Mean bitrate over the whole rendition, bits/s. */
  readonly averageBandwidth: number;
  /** `WIDTHxHEIGHT`, video renditions only. */
  readonly resolution?: string;
  /** Language code, audio renditions only. */
  readonly language?: string;
  /** RFC 6381 codecs of this rendition's own media. */
  readonly codecs: string;
}

/** One generated stream. */
export interface GeneratedStream {
  /** Stream name = directory under the streams root, e.g. `hls-byterange`. */
  readonly name: string;
  /** Streaming protocol. */
  readonly protocol: 'hls' | 'dash';
  /** Segment container, e.g. `ts` or `fmp4`. */
  readonly container: string;
  /** Master playlist / MPD path relative to the streams root, e.g. `hls-ts/master.m3u8`. */
  readonly master: string;
  /** Nominal segment duration in seconds. */
  readonly segmentDurationSec: number;
  /** Duration of the whole stream in seconds. */
  readonly durationSec: number;
  /** Its renditions. */
  readonly renditions: readonly GeneratedRendition[];
}

/** Content of manifest.json. */
export interface StreamsManifest {
  /** Format version of this file. */
  readonly version: 1;
  /** Nominal segment duration of every stream, seconds. */
  readonly segmentDurationSec: number;
  /** Duration of every stream, seconds. */
  readonly durationSec: number;
  /** Generated streams, e.g. `hls-ts`, `hls-fmp4`, `hls-byterange`, `hls-audio`. */
  readonly streams: readonly GeneratedStream[];
}

/**
 * examples/media (where generate.sh lives), found from the working directory upwards: this file
 * runs both as CommonJS under Jest (no `import.meta`) and as ESM under tsx (no `__dirname`).
 */
function findMediaDir(): string {
  let directory = process.cwd();
  for (;;) {
    const candidate = path.join(directory, 'examples', 'media');
    if (existsSync(path.join(candidate, 'generate.sh'))) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) return path.resolve('examples', 'media');
    directory = parent;
  }
}

const MEDIA_DIR = findMediaDir();

/** Default streams root: examples/media/streams. */
export const DEFAULT_STREAMS_DIR = path.join(MEDIA_DIR, 'streams');

/** File name of every stream's hash manifest (in the stream's folder, next to its master). */
export const HASH_MANIFEST_FILE_NAME = 'segments-sha256.json';
/** File, in the streams root, holding the demo public key (base64) the hash manifests are signed with. */
export const HASHES_PUBLIC_KEY_FILE_NAME = 'hashes-public-key.txt';

/** Path of a stream's hash manifest relative to the streams root, e.g. `hls-ts/segments-sha256.json`. */
export function hashManifestPath(stream: Pick<GeneratedStream, 'name'>): string {
  return `${stream.name}/${HASH_MANIFEST_FILE_NAME}`;
}

/** The demo public key (base64 of the raw 32-byte Ed25519 key) of a streams root. */
export async function readHashesPublicKey(streamsDir = DEFAULT_STREAMS_DIR): Promise<string> {
  return (await readFile(path.join(streamsDir, HASHES_PUBLIC_KEY_FILE_NAME), 'utf8')).trim();
}

/**
 * Where generate.sh keeps the demo private key that signs the hash manifests of `streamsDir`: in
 * the repository's `.cache/hash-keys/`, outside every folder the demo origin serves, named after
 * the streams folder's absolute path.
 */
export function demoHashSigningKeyPath(streamsDir = DEFAULT_STREAMS_DIR): string {
  const name = createHash('sha256').update(path.resolve(streamsDir)).digest('hex').slice(0, 16);
  return path.join(path.dirname(path.dirname(MEDIA_DIR)), '.cache', 'hash-keys', `${name}.pem`);
}

/** Reads manifest.json of a streams root. */
export async function readStreamsManifest(
  streamsDir = DEFAULT_STREAMS_DIR,
): Promise<StreamsManifest> {
  return JSON.parse(
    await readFile(path.join(streamsDir, 'manifest.json'), 'utf8'),
  ) as StreamsManifest;
}

/**
 * Returns the manifest, first running generate.sh when `streamsDir` has no manifest.json, lacks
 * one of `requiredStreams` or lacks hash manifests (generation takes ~20 s on 2 cores; concurrent callers are serialized by
 * the script's lock, and the later ones find everything generated).
 * @throws Error with the script's output when generation fails (e.g. ffmpeg missing)
 */
export async function ensureGeneratedStreams(
  options: { streamsDir?: string; requiredStreams?: readonly string[] } = {},
): Promise<StreamsManifest> {
  const streamsDir = options.streamsDir ?? DEFAULT_STREAMS_DIR;
  const required = options.requiredStreams ?? [];
  if (existsSync(path.join(streamsDir, 'manifest.json'))) {
    const manifest = await readStreamsManifest(streamsDir);
    const present = new Set(manifest.streams.map((stream) => stream.name));
    // Checkouts generated before hash manifests existed lack them: generate.sh adds them (without
    // regenerating the media).
    const hashed =
      existsSync(path.join(streamsDir, HASHES_PUBLIC_KEY_FILE_NAME)) &&
      manifest.streams.every((stream) =>
        existsSync(path.join(streamsDir, hashManifestPath(stream))),
      );
    if (hashed && required.every((name) => present.has(name))) return manifest;
  }
  await new Promise<void>((resolve, reject) => {
    execFile(
      'bash',
      [path.join(MEDIA_DIR, 'generate.sh'), '--out', streamsDir],
      { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error === null) resolve();
        else reject(new Error(`examples/media/generate.sh failed: ${error.message}\n${stderr}`));
      },
    );
  });
  return readStreamsManifest(streamsDir);
}
