/**
 * The engine's `integrity` setting for a generated test stream: the origin's signed hash manifest
 * (`segments-sha256.json` next to each stream's manifest, written by examples/media/generate.sh)
 * and the publisher's public key from the streams folder. Shared by the bench and the browser tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The file the generator writes the publisher's public key to, in the streams folder. */
export const PUBLIC_KEY_FILE = 'hashes-public-key.txt';
/** The hash manifest's file name, next to each stream's HLS master playlist or DASH MPD. */
export const HASH_MANIFEST_FILE = 'segments-sha256.json';

/** The JSON-serialisable part of the engine's `integrity` option. */
export interface TrustedHashesConfig {
  /** Relative to the stream's manifest URL. */
  readonly hashManifestUrl: string;
  readonly publicKey?: string;
  readonly policy: 'strict';
}

/** The publisher's public key (base64 or hex text), or undefined when none was generated. */
export function readPublicKey(mediaDir: string): string | undefined {
  const file = path.join(mediaDir, PUBLIC_KEY_FILE);
  if (!existsSync(file)) return undefined;
  const key = readFileSync(file, 'utf8').trim();
  return key === '' ? undefined : key;
}

/**
 * Strict trusted hashes for generated stream `stream` (e.g. `hls-ts`), or undefined when the
 * stream has no hash manifest (streams generated before the generator wrote them). The signature
 * is required whenever a public key exists.
 */
export function trustedHashesConfig(
  mediaDir: string,
  stream: string,
): TrustedHashesConfig | undefined {
  if (!existsSync(path.join(mediaDir, stream, HASH_MANIFEST_FILE))) return undefined;
  const publicKey = readPublicKey(mediaDir);
  return {
    hashManifestUrl: HASH_MANIFEST_FILE,
    ...(publicKey === undefined ? {} : { publicKey }),
    policy: 'strict',
  };
}
