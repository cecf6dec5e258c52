/**
 * Writes a hash manifest (and its `.sig`) so that a reader never sees half a file: each is written
 * to a temporary file in the same folder and renamed over the old one. The two renames are not one
 * atomic step, so a reader may briefly pair a new manifest with the old signature; the viewer's
 * loader refetches both when they disagree.
 */
import type { KeyObject } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_SIGNATURE_SUFFIX } from '../../core/p2p/integrity/manifest-signature.js';
import { signatureFileFor } from './signing-key.js';

let temporaryCounter = 0;

/** Writes `text` to `filePath` through a temporary file and a rename. */
export async function writeFileAtomically(filePath: string, text: string): Promise<void> {
  temporaryCounter += 1;
  const temporary = path.join(
    path.dirname(filePath),
    `.${path.basename(filePath)}.${process.pid}.${temporaryCounter}.tmp`,
  );
  try {
    await writeFile(temporary, text);
    await rename(temporary, filePath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes the manifest `text` to `filePath` and, with a signing key, its signature to
 * `<filePath>.sig`, each atomically.
 */
export async function writeHashManifest(
  filePath: string,
  text: string,
  signingKey?: KeyObject,
): Promise<void> {
  if (signingKey !== undefined) {
    const signature = signatureFileFor(Buffer.from(text, 'utf8'), signingKey);
    await writeFileAtomically(`${filePath}${MANIFEST_SIGNATURE_SUFFIX}`, signature);
  }
  await writeFileAtomically(filePath, text);
}
