import { generateKeyPairSync, sign } from 'node:crypto';
import { P2PMediaLoaderError } from '../../../../core/errors.js';
import {
  loadHashManifest,
  manifestSignatureUrl,
  publicKeyProblem,
  SIGNATURE_ATTEMPTS,
} from '../../../../core/p2p/integrity/hash-manifest-loader.js';
import { bytesToHex } from '../../../../core/p2p/integrity/sha256.js';

const MANIFEST_URL = 'https://origin.example/vod/movie/segments-sha256.json?token=t';
const SIGNATURE_URL = 'https://origin.example/vod/movie/segments-sha256.json.sig?token=t';
const DIGEST = 'ab'.repeat(32);
const MANIFEST = new TextEncoder().encode(
  JSON.stringify({
    format: 'p2p-media-loader-hashes',
    version: 1,
    algorithm: 'sha256',
    segments: { '720p/seg_001.ts': DIGEST },
  }),
);

const pair = generateKeyPairSync('ed25519');
const PUBLIC_KEY = Buffer.from(
  pair.publicKey.export({ format: 'jwk' }).x as string,
  'base64url',
).toString('base64');
const OTHER_KEY = Buffer.from(
  generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string,
  'base64url',
).toString('base64');

function signatureFile(bytes: Uint8Array): Uint8Array {
  return new TextEncoder().encode(`${sign(null, bytes, pair.privateKey).toString('base64')}\n`);
}

/** A fake origin: URL → body, or an error to reject with; records what was fetched. */
function origin(files: Record<string, Uint8Array | Error>) {
  const fetched: string[] = [];
  const fetchBytes = (url: string, signal: AbortSignal): Promise<Uint8Array> => {
    fetched.push(url);
    if (signal.aborted) return Promise.reject(new DOMException('aborted', 'AbortError'));
    const body = files[url];
    if (body === undefined) {
      return Promise.reject(new P2PMediaLoaderError('http-status', `404 ${url}`, { status: 404 }));
    }
    return body instanceof Error ? Promise.reject(body) : Promise.resolve(body);
  };
  return { fetched, fetchBytes };
}

const signal = new AbortController().signal;

describe('loadHashManifest', () => {
  it('cancels the signature download when the manifest download fails', async () => {
    let signatureSignal: AbortSignal | undefined;
    const fetchBytes = (url: string, fetchSignal: AbortSignal): Promise<Uint8Array> => {
      if (url === SIGNATURE_URL) {
        signatureSignal = fetchSignal;
        // A slow signature: settles only when cancelled.
        return new Promise((_resolve, reject) => {
          fetchSignal.addEventListener('abort', () => {
            reject(new P2PMediaLoaderError('aborted', 'cancelled'));
          });
        });
      }
      return Promise.reject(new P2PMediaLoaderError('http-status', '503', { status: 503 }));
    };
    await expect(
      loadHashManifest(MANIFEST_URL, fetchBytes, { signal, publicKey: PUBLIC_KEY }),
    ).rejects.toMatchObject({ code: 'http-status', status: 503 });
    expect(signatureSignal?.aborted).toBe(true);
  });

  it('loads an unsigned manifest when no public key is configured, fetching no signature', async () => {
    const { fetched, fetchBytes } = origin({ [MANIFEST_URL]: MANIFEST });
    const manifest = await loadHashManifest(MANIFEST_URL, fetchBytes, { signal });
    const digest = manifest.digestFor({ url: 'https://origin.example/vod/movie/720p/seg_001.ts' });
    expect(digest && bytesToHex(digest)).toBe(DIGEST);
    expect(fetched).toEqual([MANIFEST_URL]);
  });

  it('loads a manifest whose .sig verifies under the configured key', async () => {
    const { fetched, fetchBytes } = origin({
      [MANIFEST_URL]: MANIFEST,
      [SIGNATURE_URL]: signatureFile(MANIFEST),
    });
    const manifest = await loadHashManifest(MANIFEST_URL, fetchBytes, {
      publicKey: PUBLIC_KEY,
      signal,
    });
    expect(manifest.size).toBe(1);
    expect(fetched.sort()).toEqual([MANIFEST_URL, SIGNATURE_URL].sort());
    expect(manifestSignatureUrl(MANIFEST_URL)).toBe(SIGNATURE_URL);
  });

  it.each([
    [
      'a tampered manifest',
      {
        [MANIFEST_URL]: MANIFEST.map((b, i) => (i === 20 ? b ^ 1 : b)),
        [SIGNATURE_URL]: signatureFile(MANIFEST),
      },
      PUBLIC_KEY,
      /does not match/,
    ],
    [
      'a tampered signature',
      { [MANIFEST_URL]: MANIFEST, [SIGNATURE_URL]: signatureFile(new Uint8Array([1])) },
      PUBLIC_KEY,
      /does not match/,
    ],
    [
      'another key',
      { [MANIFEST_URL]: MANIFEST, [SIGNATURE_URL]: signatureFile(MANIFEST) },
      OTHER_KEY,
      /does not match/,
    ],
    ['a missing .sig', { [MANIFEST_URL]: MANIFEST }, PUBLIC_KEY, /could not be fetched/],
    [
      'a garbage .sig',
      { [MANIFEST_URL]: MANIFEST, [SIGNATURE_URL]: new TextEncoder().encode('<html>') },
      PUBLIC_KEY,
      /base64/,
    ],
    ['a malformed key', { [MANIFEST_URL]: MANIFEST }, 'abc', /public key/],
    [
      'malformed JSON',
      { [MANIFEST_URL]: new TextEncoder().encode('{') },
      undefined,
      /not valid JSON/,
    ],
    ['invalid UTF-8', { [MANIFEST_URL]: new Uint8Array([0x7b, 0xff, 0x7d]) }, undefined, /UTF-8/],
  ] as const)('rejects %s with integrity-manifest', async (_name, files, publicKey, message) => {
    const { fetchBytes } = origin(files);
    const promise = loadHashManifest(MANIFEST_URL, fetchBytes, {
      ...(publicKey === undefined ? {} : { publicKey }),
      signal,
    });
    await expect(promise).rejects.toThrow(message);
    await expect(promise).rejects.toMatchObject({ code: 'integrity-manifest' });
  });

  it('refetches both when a live manifest and its signature were caught mid-update', async () => {
    const older = new TextEncoder().encode('{}');
    let manifestFetches = 0;
    const fetched: string[] = [];
    const fetchBytes = (url: string): Promise<Uint8Array> => {
      fetched.push(url);
      if (url === SIGNATURE_URL) return Promise.resolve(signatureFile(MANIFEST));
      manifestFetches += 1;
      // The first fetch still sees the previous manifest; the signature is already the new one.
      return Promise.resolve(manifestFetches === 1 ? older : MANIFEST);
    };
    const manifest = await loadHashManifest(MANIFEST_URL, fetchBytes, {
      publicKey: PUBLIC_KEY,
      signal,
    });
    expect(manifest.size).toBe(1);
    expect(fetched).toHaveLength(4);
  });

  it('gives up after SIGNATURE_ATTEMPTS fetches of a manifest that never matches', async () => {
    const { fetched, fetchBytes } = origin({
      [MANIFEST_URL]: MANIFEST,
      [SIGNATURE_URL]: signatureFile(new Uint8Array([1])),
    });
    await expect(
      loadHashManifest(MANIFEST_URL, fetchBytes, { publicKey: PUBLIC_KEY, signal }),
    ).rejects.toMatchObject({ code: 'integrity-manifest' });
    expect(fetched.filter((url) => url === MANIFEST_URL)).toHaveLength(SIGNATURE_ATTEMPTS);
  });

  it("passes the manifest fetch's own error through, and aborts as aborts", async () => {
    const { fetchBytes } = origin({});
    await expect(loadHashManifest(MANIFEST_URL, fetchBytes, { signal })).rejects.toMatchObject({
      code: 'http-status',
      status: 404,
    });
    const controller = new AbortController();
    controller.abort();
    const aborted = loadHashManifest(
      MANIFEST_URL,
      origin({ [MANIFEST_URL]: MANIFEST }).fetchBytes,
      {
        publicKey: PUBLIC_KEY,
        signal: controller.signal,
      },
    );
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('re-exports publicKeyProblem for config validation', () => {
    expect(publicKeyProblem(PUBLIC_KEY)).toBeUndefined();
    expect(publicKeyProblem('zz')).toBeDefined();
  });
});
