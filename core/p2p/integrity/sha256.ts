/**
 * SHA-256 for segment integrity, everywhere the library runs. WebCrypto is fast (native) but
 * browsers offer it only in secure contexts (https, localhost); on plain-http pages the pure
 * JavaScript SHA-256 of @noble/hashes (audited, a few kB) takes over, so a segment can always be
 * checked against the origin's trusted hash.
 *
 * WebCrypto hashes off the page's thread. The JavaScript fallback runs on it: a 2 MiB segment takes
 * ~12 ms on a desktop core, 50 ms or more on a phone or a throttled CPU, one long task per segment.
 * It therefore hashes large inputs in slices of {@link SHA256_SLICE_BYTES}, yielding to the event
 * loop between slices, so playback's own work (appends, requests, rendering) runs in between.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

/** Length of a SHA-256 digest in bytes. */
export const SHA256_BYTES = 32;

/**
 * Bytes the JavaScript SHA-256 hashes between two yields to the event loop: ~1.5 ms on a desktop
 * core, ~6 ms at 4x CPU throttling, well within a 16.7 ms frame and far from a 50 ms long task.
 */
export const SHA256_SLICE_BYTES = 256 * 1024;

/**
 * `bytes` as WebCrypto accepts them: the same view when it is backed by a plain `ArrayBuffer`, else
 * a copy (WebCrypto rejects views of a `SharedArrayBuffer`). Never modifies `bytes`.
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return (bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()) as Uint8Array<ArrayBuffer>;
}

function subtleCrypto(): SubtleCrypto | undefined {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  return crypto?.subtle;
}

/**
 * SHA-256 of `data`: WebCrypto where available (secure contexts, Node), else @noble/hashes
 * (plain-http pages, or a WebCrypto that refuses the call). Never undefined; does not modify `data`.
 */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  const subtle = subtleCrypto();
  if (subtle) {
    try {
      return new Uint8Array(await subtle.digest('SHA-256', bufferSource(data)));
    } catch {
      // A crippled or polyfilled WebCrypto: the JavaScript digest gives the same answer.
    }
  }
  return slicedSha256(data);
}

/** The JavaScript SHA-256 of `data`, yielding between slices of {@link SHA256_SLICE_BYTES}. */
async function slicedSha256(data: Uint8Array): Promise<Uint8Array> {
  if (data.byteLength <= SHA256_SLICE_BYTES) return nobleSha256(data);
  const hash = nobleSha256.create();
  for (let offset = 0; offset < data.byteLength; offset += SHA256_SLICE_BYTES) {
    if (offset > 0) await yieldToEventLoop();
    hash.update(data.subarray(offset, offset + SHA256_SLICE_BYTES));
  }
  return hash.digest();
}

/**
 * Resolves in a later task, so that other tasks run first: `scheduler.yield()` where the browser
 * has it; else a `MessageChannel` message (unlike nested `setTimeout(0)`, never clamped to 4 ms);
 * else `setTimeout`.
 */
function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
