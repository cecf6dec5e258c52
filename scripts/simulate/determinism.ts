/**
 * Makes a simulation a function of its seed: every random choice the engine and the viewer models
 * make, and every hash they compute, comes out the same and at the same virtual instant on every
 * run. Paired with the virtual clock (virtual-clock.ts), which owns time.
 *
 * What is replaced, and why:
 * - `Math.random`: the engine draws from it (request planning, HTTP retry jitter, tracker
 *   announce and reconnect jitter, the lag probe's spread); replaced by a seeded generator.
 * - `crypto.getRandomValues` (and `crypto.randomUUID`): peer ids (core/p2p/signalling/peer-id.ts)
 *   come from it; a second seeded generator fills the bytes, so peer ids do not depend on how
 *   many `Math.random` draws happened before.
 * - `crypto.subtle.digest('SHA-256', …)`: core/p2p/integrity/sha256.ts hashes segments with
 *   WebCrypto, which Node completes on its threadpool: the promise would settle at a real moment,
 *   outside the virtual clock's control (and in a real order). Replaced by node:crypto's
 *   synchronous `createHash('sha256')` wrapped in a resolved promise: the same bytes, settled by
 *   the next microtask. Other algorithms go to the real WebCrypto.
 *
 * Other time and I/O sources in core/ and test/support/virtual-viewer/ (checked when this was
 * written): `Date.now`, `new Date()`, `performance.now`, `performance.timeOrigin` and the timers
 * belong to the virtual clock; `queueMicrotask` (swarm.ts, simple-peer-channel.ts) only runs
 * microtasks, which the clock drains between instants; `MessageChannel` (sha256.ts) is used only
 * by the JavaScript SHA-256 fallback for inputs over 256 KiB, which never runs while `subtle` is
 * there; `PerformanceObserver` long tasks (main-thread-lag.ts) are not supported by Node, so the
 * lag probe measures timer lateness alone, which is 0 under the virtual clock (the engine never
 * backs off for load in a simulation); `AbortSignal.timeout`, `setImmediate` and
 * `requestAnimationFrame` are not used there.
 */
import { createHash } from 'node:crypto';

/** A seeded generator of numbers in [0, 1). */
export type SeededRandom = () => number;

/** The next 32-bit state of splitmix32 and its output: spreads a seed over the generator's state. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/**
 * A seeded generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state,
 * passes PractRand), its state filled from the seed by splitmix32 and warmed up by 12 draws.
 * `uint32()` gives the raw 32-bit output; `next()` a float in [0, 1) with 32 random bits.
 */
export function createSeededRandom(seed: number): { next: SeededRandom; uint32: () => number } {
  let state = seed >>> 0;
  const words: number[] = [];
  for (let index = 0; index < 4; index++) {
    const [next, output] = splitmix32(state);
    state = next;
    words.push(output);
  }
  let [a = 0, b = 0, c = 0, d = 0] = words;
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let warmUp = 0; warmUp < 12; warmUp++) uint32();
  return { next: () => uint32() / 4294967296, uint32 };
}

/** Salt of the `getRandomValues` stream, so it differs from the `Math.random` stream of one seed. */
const BYTES_STREAM_SALT = 0x5eed_b17e;

/** An own property as it was, to put back (or delete when there was none). */
interface SavedProperty {
  readonly target: object;
  readonly key: string;
  readonly descriptor: PropertyDescriptor | undefined;
}

function replaceProperty(
  saved: SavedProperty[],
  target: object,
  key: string,
  value: unknown,
): void {
  saved.push({ target, key, descriptor: Object.getOwnPropertyDescriptor(target, key) });
  Object.defineProperty(target, key, { configurable: true, writable: true, value });
}

function restoreProperties(saved: readonly SavedProperty[]): void {
  for (const { target, key, descriptor } of [...saved].reverse()) {
    if (descriptor) Object.defineProperty(target, key, descriptor);
    else Reflect.deleteProperty(target, key);
  }
}

/** The algorithm name of a WebCrypto `AlgorithmIdentifier`, upper-cased. */
function algorithmName(algorithm: unknown): string {
  const name =
    typeof algorithm === 'string'
      ? algorithm
      : (algorithm as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name.toUpperCase() : '';
}

/** The bytes of a WebCrypto `BufferSource`. */
function bytesOf(data: unknown): Uint8Array {
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) return new Uint8Array(data);
  throw new TypeError('digest: data must be an ArrayBuffer or an ArrayBufferView');
}

/**
 * Seeds `Math.random` and `crypto.getRandomValues`/`randomUUID` from `seed` and makes
 * `crypto.subtle.digest('SHA-256')` synchronous (see the file's comment). Install before creating
 * engines (they read `Math.random` when they use it, but peer ids and hashes happen at once).
 *
 * @param seed - the run's seed (an unsigned 32-bit integer; other numbers are truncated)
 * @returns the function that restores every replaced global
 */
export function installDeterminism(seed: number): () => void {
  const saved: SavedProperty[] = [];
  const numbers = createSeededRandom(seed);
  const bytes = createSeededRandom((seed ^ BYTES_STREAM_SALT) >>> 0);
  replaceProperty(saved, Math, 'random', numbers.next);

  const webCrypto = globalThis.crypto as Crypto | undefined;
  if (webCrypto) {
    const fill = <T extends ArrayBufferView | null>(array: T): T => {
      if (
        !ArrayBuffer.isView(array) ||
        array instanceof Float32Array ||
        array instanceof Float64Array
      ) {
        throw new TypeError('getRandomValues: the array must be an integer typed array');
      }
      const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let index = 0; index < view.length; index += 4) {
        let word = bytes.uint32();
        for (let byte = index; byte < Math.min(index + 4, view.length); byte++) {
          view[byte] = word & 0xff;
          word >>>= 8;
        }
      }
      return array;
    };
    replaceProperty(saved, webCrypto, 'getRandomValues', fill);
    if (typeof webCrypto.randomUUID === 'function') {
      replaceProperty(saved, webCrypto, 'randomUUID', () => {
        const uuid = fill(new Uint8Array(16));
        uuid[6] = ((uuid[6] ?? 0) & 0x0f) | 0x40; // version 4
        uuid[8] = ((uuid[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
        const hex = Buffer.from(uuid).toString('hex');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as const;
      });
    }
    const subtle = webCrypto.subtle as SubtleCrypto | undefined;
    if (subtle) {
      const realDigest = subtle.digest.bind(subtle);
      replaceProperty(saved, subtle, 'digest', (algorithm: unknown, data: unknown) => {
        if (algorithmName(algorithm) !== 'SHA-256') {
          return realDigest(algorithm as AlgorithmIdentifier, data as BufferSource);
        }
        try {
          const digest = createHash('sha256').update(bytesOf(data)).digest();
          const result = new ArrayBuffer(digest.byteLength);
          new Uint8Array(result).set(digest);
          return Promise.resolve(result);
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    }
  }

  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    restoreProperties(saved);
  };
}
