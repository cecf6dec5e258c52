/**
 * The project's origin (examples/server) plus a few test-only routes, for HttpLoader tests over real
 * HTTP with Node's real fetch: `/signed` (needs a header, records request headers), `/whole`
 * (ignores Range: always 200 with the whole file), `/busy` (first request of a path: 429 with
 * `Retry-After: 1`) and `/wrong-range` (a 206 whose Content-Range is not what was asked).
 */
import { readFileSync, statSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { HttpLoader, type HttpLoaderConfig } from '../../../core/http/http-loader.js';
import type { ByteRange, Segment } from '../../../core/model/segment.js';
import { startOrigin, type OriginServer } from '../../../examples/server/origin.js';
import type { Reply } from '../../../examples/server/reply.js';
import type { Route } from '../../../examples/server/routes.js';
import { resolveInside } from '../../../examples/server/static-files.js';
import { createVodRoute } from '../../../examples/server/vod-route.js';

export const MEDIA_DIR = path.resolve('examples/media/streams');

/** The header `/signed` requires, and its value. */
export const TOKEN_HEADER = 'x-cdn-token';
export const TOKEN_VALUE = 'let-me-in';

export interface OriginFixture {
  readonly origin: OriginServer;
  /** Request headers `/signed` received, in order. */
  readonly signedRequestHeaders: IncomingHttpHeaders[];
  /** The bytes of a media file, relative to MEDIA_DIR (read once; do not modify). */
  fileBytes(relativePath: string): Uint8Array;
  /** A segment of `/<prefix>/<relativePath>` on the origin. */
  segment(relativePath: string, options?: { prefix?: string; byteRange?: ByteRange }): Segment;
  /** A loader with fast test timings unless overridden. */
  loader(config?: Partial<HttpLoaderConfig>): HttpLoader;
  stop(): Promise<void>;
}

export async function startOriginFixture(): Promise<OriginFixture> {
  const signedRequestHeaders: IncomingHttpHeaders[] = [];
  const signedVod = createVodRoute(MEDIA_DIR, '/signed');
  const busyVod = createVodRoute(MEDIA_DIR, '/busy');
  const busyPaths = new Set<string>();

  const routes: Route[] = [
    {
      ...signedVod,
      handle: async (request) => {
        signedRequestHeaders.push(request.headers);
        if (request.headers[TOKEN_HEADER] !== TOKEN_VALUE) return textOnly(403);
        return signedVod.handle(request);
      },
    },
    {
      ...busyVod,
      handle: async (request) => {
        if (busyPaths.has(request.path)) return busyVod.handle(request);
        busyPaths.add(request.path);
        return { ...textOnly(429), headers: { 'Retry-After': '1' } };
      },
    },
    fileRoute('/whole', (filePath, size) => ({
      status: 200,
      headers: { 'Content-Type': 'video/mp2t' },
      body: { kind: 'file', filePath, range: { start: 0, end: size } },
      isMedia: true,
    })),
    fileRoute('/wrong-range', (filePath, size) => ({
      status: 206,
      headers: { 'Content-Type': 'video/mp2t', 'Content-Range': `bytes 0-9/${size}` },
      body: { kind: 'file', filePath, range: { start: 0, end: 10 } },
      isMedia: true,
    })),
  ];
  const origin = await startOrigin({ mediaDir: MEDIA_DIR, routes });
  const files = new Map<string, Uint8Array>();

  return {
    origin,
    signedRequestHeaders,
    fileBytes: (relativePath) => {
      let bytes = files.get(relativePath);
      if (!bytes) {
        bytes = new Uint8Array(readFileSync(path.join(MEDIA_DIR, relativePath)));
        files.set(relativePath, bytes);
      }
      return bytes;
    },
    segment: (relativePath, options = {}) => ({
      id: 1,
      url: `${origin.url}/${options.prefix ?? 'vod'}/${relativePath}`,
      startTime: 0,
      endTime: 2,
      ...(options.byteRange ? { byteRange: options.byteRange } : {}),
    }),
    loader: (config = {}) =>
      new HttpLoader({
        httpRetries: 3,
        httpRetryDelayMs: 20,
        httpIdleTimeoutMs: 2000,
        httpRequestHook: undefined,
        ...config,
      }),
    stop: () => origin.stop(),
  };
}

/** A route answering every GET under `pathPrefix` from the file it names, as `reply` builds it. */
function fileRoute(pathPrefix: string, reply: (filePath: string, size: number) => Reply): Route {
  return {
    pathPrefix,
    methods: ['GET'],
    instrumented: true,
    handle: (request) => {
      const filePath = resolveInside(MEDIA_DIR, request.subPath);
      if (filePath === undefined) return Promise.resolve(textOnly(400));
      return Promise.resolve(reply(filePath, statSync(filePath).size));
    },
  };
}

function textOnly(status: number): Reply {
  return {
    status,
    headers: { 'Content-Type': 'text/plain' },
    body: { kind: 'bytes', bytes: Buffer.from(`status ${status}\n`) },
  };
}

/**
 * Records the timers that code under core/http/ creates (found by their creation stack), so a test
 * can prove none is left pending once a load settled. Timers still run for real: `setTimeout` and
 * `clearTimeout` are only wrapped to keep the books. Call `stop()` to restore them.
 */
export function trackLoaderTimers(): { pending(): number; stop(): void } {
  const originalSet = globalThis.setTimeout;
  const originalClear = globalThis.clearTimeout;
  const pending = new Set<unknown>();
  const wrappedSet = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const fromLoader = /core[\\/]http[\\/]/.test(new Error().stack ?? '');
    const handle: unknown = originalSet(
      (...callArgs: unknown[]) => {
        pending.delete(handle);
        callback(...callArgs);
      },
      ms,
      ...args,
    );
    if (fromLoader) pending.add(handle);
    return handle;
  };
  globalThis.setTimeout = wrappedSet as typeof setTimeout;
  globalThis.clearTimeout = (handle?: Parameters<typeof clearTimeout>[0]) => {
    pending.delete(handle);
    originalClear(handle);
  };
  return {
    pending: () => pending.size,
    stop: () => {
      globalThis.setTimeout = originalSet;
      globalThis.clearTimeout = originalClear;
    },
  };
}

/** Asserts two byte arrays are identical (fast on large arrays, unlike a deep `toEqual`). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.byteLength).toBe(expected.byteLength);
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (!a.equals(b)) {
    const index = a.findIndex((byte, i) => byte !== b[i]);
    throw new Error(`bytes differ first at index ${index}`);
  }
}

/** Sums onChunk sizes. */
export function chunkCounter(): { onChunk: (chunk: Uint8Array) => void; readonly total: number } {
  let total = 0;
  return {
    onChunk: (chunk) => {
      total += chunk.byteLength;
    },
    get total() {
      return total;
    },
  };
}
