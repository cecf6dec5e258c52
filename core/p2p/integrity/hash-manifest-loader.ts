/**
 * Fetches the origin's hash manifest and, when the viewer is configured with the publisher's
 * Ed25519 public key, its detached signature (`<manifest URL>.sig`), and returns the manifest only
 * once the signature verifies over the exact bytes fetched. The fetch itself is the caller's
 * (the engine's HTTP loader, with its retries and timeouts), so this module stays pure of I/O.
 */
import { isAbortError, P2PMediaLoaderError } from '../../errors.js';
import { type HashManifest, MAX_HASH_MANIFEST_BYTES, parseHashManifest } from './hash-manifest.js';
import {
  MANIFEST_SIGNATURE_SUFFIX,
  parsePublicKey,
  parseSignatureFile,
  verifyEd25519,
} from './manifest-signature.js';

export { publicKeyProblem } from './manifest-signature.js';

/** Times the manifest and its signature are fetched when they do not match, before giving up. */
export const SIGNATURE_ATTEMPTS = 3;

/** URL of the detached signature of the manifest at `manifestUrl`: the same URL plus `.sig`. */
export function manifestSignatureUrl(manifestUrl: string): string {
  const url = new URL(manifestUrl);
  url.pathname += MANIFEST_SIGNATURE_SUFFIX;
  return url.href;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new P2PMediaLoaderError('integrity-manifest', 'Hash manifest: not valid UTF-8', {
      cause: error,
    });
  }
}

async function fetchSignature(
  signatureUrl: string,
  fetchBytes: (url: string, signal: AbortSignal) => Promise<Uint8Array>,
  signal: AbortSignal,
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(signatureUrl, signal);
  } catch (error) {
    if (isAbortError(error)) throw error;
    const status = error instanceof P2PMediaLoaderError ? error.status : undefined;
    throw new P2PMediaLoaderError(
      'integrity-manifest',
      `Hash manifest signature ${signatureUrl} could not be fetched; a public key is configured, so the manifest is not trusted without it`,
      { cause: error, ...(status === undefined ? {} : { status }) },
    );
  }
  return parseSignatureFile(bytes);
}

/**
 * Fetches the manifest and (with `signatureUrl`) its signature at once. The signature download has
 * its own signal: it is cancelled when the manifest download fails or `signal` aborts, since
 * nothing would await it any more.
 */
async function fetchManifestAndSignature(
  manifestUrl: string,
  signatureUrl: string | undefined,
  fetchBytes: (url: string, signal: AbortSignal) => Promise<Uint8Array>,
  signal: AbortSignal,
): Promise<{ readonly bytes: Uint8Array; readonly signature?: Uint8Array }> {
  const signatureDownload = new AbortController();
  const cancelSignature = (): void => {
    signatureDownload.abort();
  };
  signal.addEventListener('abort', cancelSignature, { once: true });
  const signaturePromise =
    signatureUrl === undefined
      ? undefined
      : fetchSignature(signatureUrl, fetchBytes, signatureDownload.signal);
  // Awaited below unless the manifest fails; without this, its rejection would be unhandled.
  signaturePromise?.catch(() => undefined);
  try {
    const bytes = await fetchBytes(manifestUrl, signal);
    if (bytes.byteLength > MAX_HASH_MANIFEST_BYTES) {
      throw new P2PMediaLoaderError(
        'integrity-manifest',
        `Hash manifest: larger than ${MAX_HASH_MANIFEST_BYTES} bytes`,
      );
    }
    return signaturePromise === undefined
      ? { bytes }
      : { bytes, signature: await signaturePromise };
  } finally {
    // A no-op once the signature arrived.
    signatureDownload.abort();
    signal.removeEventListener('abort', cancelSignature);
  }
}

/**
 * Fetches the manifest (and, when `options.publicKey` is given, its detached signature, both at
 * once) and returns the verified, parsed manifest.
 * @param manifestUrl - absolute URL of the manifest; relative keys resolve against it
 * @param fetchBytes - fetches one URL's body; its errors pass through for the manifest itself
 * @param options.publicKey - base64 or hex of the publisher's raw Ed25519 key; without it the
 *   manifest is trusted as the origin serves it (like the playlist)
 * @param options.signal - aborts both fetches
 * @returns the manifest; rejects with `integrity-manifest` (malformed, too large, signature missing,
 *   malformed or not matching), with the fetch's own error, or with the abort
 */
export async function loadHashManifest(
  manifestUrl: string,
  fetchBytes: (url: string, signal: AbortSignal) => Promise<Uint8Array>,
  options: { readonly publicKey?: string; readonly signal: AbortSignal },
): Promise<HashManifest> {
  const publicKey = options.publicKey === undefined ? undefined : parsePublicKey(options.publicKey);
  let signatureUrl: string | undefined;
  if (publicKey !== undefined) {
    try {
      signatureUrl = manifestSignatureUrl(manifestUrl);
    } catch (error) {
      throw new P2PMediaLoaderError(
        'integrity-manifest',
        `Hash manifest URL ${JSON.stringify(manifestUrl)} is not absolute`,
        { cause: error },
      );
    }
  }
  let bytes: Uint8Array;
  for (let attempt = 1; ; attempt++) {
    const fetched = await fetchManifestAndSignature(
      manifestUrl,
      signatureUrl,
      fetchBytes,
      options.signal,
    );
    bytes = fetched.bytes;
    if (fetched.signature === undefined || publicKey === undefined) break;
    if (await verifyEd25519(fetched.signature, bytes, publicKey)) break;
    // A live manifest and its signature are replaced one after the other: a fetch between the two
    // replacements pairs a new file with an old one. Fetching both again settles that; a signature
    // that still does not match is a forgery or the wrong key.
    if (attempt >= SIGNATURE_ATTEMPTS) {
      throw new P2PMediaLoaderError(
        'integrity-manifest',
        `Hash manifest ${manifestUrl}: the Ed25519 signature does not match the configured public key`,
      );
    }
  }
  return parseHashManifest(decodeUtf8(bytes), manifestUrl);
}
